// SPDX-License-Identifier: Apache-2.0
#define _XOPEN_SOURCE 700 // nftw
#include "trace_test_util.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace/stoa_trace_check.h"
#include "trace/stoa_trace_read.h"

static char g_made[32][600];
static int g_n_made;

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

// Removes the folders this process made, unless STOA_KEEP_TEMP is set
// (to look at the logs of a failed test).
static void remove_made(void)
{
    if (getenv("STOA_KEEP_TEMP"))
        return;
    for (int i = 0; i < g_n_made; i++)
        if (nftw(g_made[i], remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
            fprintf(stderr, "could not remove %s\n", g_made[i]);
}

void tt_make_temp_dir(char *out, size_t out_size, const char *tag)
{
    const char *base = getenv("TMPDIR");
    snprintf(out, out_size, "%s/stoa-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    if (!mkdtemp(out)) {
        out[0] = '\0';
        return;
    }
    if (g_n_made == 0)
        atexit(remove_made);
    if (g_n_made < 32 && strlen(out) < sizeof g_made[0])
        memcpy(g_made[g_n_made++], out, strlen(out) + 1);
}

typedef struct read_ctx {
    cJSON *arr;
    bool torn;
} read_ctx;

static void on_st(void *user, int line, const cJSON *st)
{
    (void)line;
    cJSON_AddItemToArray(((read_ctx *)user)->arr, cJSON_Duplicate(st, true));
}

static void on_torn(void *user, int line, size_t bytes)
{
    (void)line;
    (void)bytes;
    ((read_ctx *)user)->torn = true;
}

cJSON *tt_read_log(const char *path, bool *torn)
{
    read_ctx ctx = {.arr = cJSON_CreateArray()};
    stoa_trace_read_desc d = {.on_statement = on_st, .on_torn_tail = on_torn, .user = &ctx};
    stoa_error err;
    if (stoa_trace_read_file(path, &d, NULL, &err) != STOA_OK) {
        cJSON_Delete(ctx.arr);
        return NULL;
    }
    if (torn)
        *torn = ctx.torn;
    return ctx.arr;
}

typedef struct check_ctx {
    char *first;
    size_t cap;
} check_ctx;

static void on_problem(void *user, const char *where, const char *message)
{
    check_ctx *c = user;
    if (c->first && !c->first[0])
        snprintf(c->first, c->cap, "%s: %s", where, message);
}

int tt_check(const cJSON *st, char *first_problem, size_t cap)
{
    if (first_problem)
        first_problem[0] = '\0';
    check_ctx c = {first_problem, cap};
    return stoa_trace_check_statement(st, on_problem, &c);
}

const char *tt_verb(const cJSON *st)
{
    const cJSON *d = cJSON_GetObjectItem(cJSON_GetObjectItem(st, "verb"), "display");
    const cJSON *en = cJSON_GetObjectItem(d, "en-US");
    return cJSON_IsString(en) ? en->valuestring : "";
}

int tt_run(const char *cmd, char **out)
{
    char full[8192];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!p || !buf) {
        free(buf);
        *out = NULL;
        return -1;
    }
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += r;
        if (cap - n < 1024) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[n] = '\0';
    int st = pclose(p);
    *out = buf;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
