// SPDX-License-Identifier: Apache-2.0
// Lesson layouts (runtime/net/net_layout.c): a headset keeps the layout it
// plays and the one before, removes the rest, and never removes one that
// another headset on the same machine (sharing the content cache) holds.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net_layout.h"
#include "stoa_test.h"

static char g_root[256];

static bool exists(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", g_root, name);
    struct stat st;
    return stat(p, &st) == 0;
}

static void layout(net_layouts *l, const char *name)
{
    char dir[512], file[600];
    snprintf(dir, sizeof dir, "%s/%s", g_root, name);
    CHECK_MSG(net_layouts_hold(l, dir), "hold %s", dir);
    snprintf(file, sizeof file, "%s/lesson.yaml", dir);
    FILE *f = fopen(file, "w");
    CHECK(f != NULL);
    if (f)
        fputs("id: x\n", f), fclose(f);
    net_layouts_prune(l, g_root);
}

STOA_TEST(keeps_current_and_previous)
{
    snprintf(g_root, sizeof g_root, "/tmp/stoa-test-layout-XXXXXX");
    CHECK(mkdtemp(g_root) != NULL);
    net_layouts l = {0};
    layout(&l, "a");
    layout(&l, "b");
    CHECK(exists("a/lesson.yaml") && exists("b/lesson.yaml"));
    layout(&l, "c");
    CHECK_MSG(!exists("a"), "the layout before the previous one goes");
    CHECK(exists("b/lesson.yaml") && exists("c/lesson.yaml"));
    layout(&l, "c"); // the same lesson again changes nothing
    CHECK(exists("b/lesson.yaml") && exists("c/lesson.yaml"));
    net_layouts_release(&l);
}

STOA_TEST(another_headsets_layout_stays)
{
    // A second headset (a child process) holds "other" while this one moves
    // through three lessons.
    int ready[2], quit[2];
    CHECK(pipe(ready) == 0 && pipe(quit) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        net_layouts other = {0};
        char dir[512];
        snprintf(dir, sizeof dir, "%s/other", g_root);
        char ok = net_layouts_hold(&other, dir) ? 'y' : 'n';
        (void)!write(ready[1], &ok, 1);
        char c;
        (void)!read(quit[0], &c, 1);
        _exit(0);
    }
    char ok = 0;
    CHECK(read(ready[0], &ok, 1) == 1 && ok == 'y');
    net_layouts l = {0};
    layout(&l, "d");
    layout(&l, "e");
    layout(&l, "f");
    CHECK_MSG(exists("other/.in-use"), "a layout another headset holds is never removed");
    CHECK(!exists("d"));
    (void)!write(quit[1], "q", 1);
    int status = 0;
    waitpid(pid, &status, 0);
    layout(&l, "g");
    CHECK_MSG(!exists("other"), "once let go, it is pruned like any other");
    CHECK(!exists("e") && exists("f") && exists("g"));
    net_layouts_release(&l);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_root);
    CHECK(system(cmd) == 0);
}

STOA_TEST_MAIN()
