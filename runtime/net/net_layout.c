// SPDX-License-Identifier: Apache-2.0
#define _GNU_SOURCE
#include "net_layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCK_NAME ".in-use"

static int open_lock(const char *dir)
{
    char path[1300];
    if (snprintf(path, sizeof path, "%s/" LOCK_NAME, dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

bool net_layouts_hold(net_layouts *l, const char *dir)
{
    if (l->cur_fd && strcmp(l->cur, dir) == 0)
        return true; // the same lesson again
    int fd = -1;
    // Another headset's prune may remove a folder between our mkdir and our
    // lock: made again, a few times.
    for (int tries = 0; fd < 0 && tries < 4; tries++) {
        char parent[1200];
        snprintf(parent, sizeof parent, "%s", dir);
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent) {
            *slash = 0;
            mkdir(parent, 0700);
        }
        mkdir(dir, 0700);
        fd = open_lock(dir);
        if (fd >= 0 && flock(fd, LOCK_SH) != 0) {
            close(fd);
            fd = -1;
        }
        struct stat st;
        if (fd >= 0 && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
            close(fd); // locked a file of a folder removed meanwhile
            fd = -1;
            errno = ENOENT;
        }
        if (fd < 0 && errno != ENOENT)
            return false;
    }
    if (fd < 0)
        return false;
    if (l->prev_fd && strcmp(l->prev, dir) == 0) { // back to the one before
        close(l->prev_fd - 1);
        l->prev_fd = 0;
        l->prev[0] = 0;
    }
    if (l->prev_fd)
        close(l->prev_fd - 1);
    l->prev_fd = l->cur_fd;
    snprintf(l->prev, sizeof l->prev, "%s", l->cur);
    l->cur_fd = fd + 1;
    snprintf(l->cur, sizeof l->cur, "%s", dir);
    return true;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path); // what cannot go now goes next time
    return 0;
}

void net_layouts_prune(const net_layouts *l, const char *root)
{
    DIR *d = opendir(root);
    struct dirent *e;
    char path[1400];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' ||
            snprintf(path, sizeof path, "%s/%s", root, e->d_name) >= (int)sizeof path)
            continue;
        if ((l->cur_fd && strcmp(path, l->cur) == 0) || (l->prev_fd && strcmp(path, l->prev) == 0))
            continue;
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        // An exclusive lock is had only when no other process holds it;
        // it is kept while the folder goes, so nobody takes it meanwhile.
        int fd = open_lock(path);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
            close(fd);
            continue; // another headset plays it
        }
        nftw(path, remove_one, 8, FTW_DEPTH | FTW_PHYS);
        if (fd >= 0)
            close(fd);
    }
    if (d)
        closedir(d);
}

void net_layouts_release(net_layouts *l)
{
    if (l->cur_fd)
        close(l->cur_fd - 1);
    if (l->prev_fd)
        close(l->prev_fd - 1);
    *l = (net_layouts){0};
}
