// SPDX-License-Identifier: Apache-2.0
// `stoa trace check LOG...`: every line of every log against the xAPI rules.
#include <stdio.h>
#include <string.h>

#include "stoa_cli.h"
#include "trace/stoa_trace_check.h"
#include "trace/stoa_trace_read.h"

typedef struct check_state {
    const char *path;
    int line;
    size_t statements, invalid, problems;
    stoa_trace_id_set *ids; // to catch duplicates
} check_state;

static void on_problem(void *user, const char *where, const char *message)
{
    check_state *s = user;
    s->problems++;
    fprintf(stderr, "%s:%d: %s%s%s\n", s->path, s->line, where, *where ? ": " : "", message);
}

static void on_statement(void *user, int line, const cJSON *st)
{
    check_state *s = user;
    s->line = line;
    s->statements++;
    int n = stoa_trace_check_statement(st, on_problem, s);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(st, "id");
    int first = cJSON_IsString(id) ? stoa_trace_id_set_add(s->ids, id->valuestring, line) : 0;
    if (first) {
        s->problems++;
        fprintf(stderr, "%s:%d: id: %s was already used on line %d (duplicate statement)\n",
                s->path, line, id->valuestring, first);
        n++;
    }
    if (n > 0)
        s->invalid++;
}

static void on_bad_line(void *user, int line, const char *message)
{
    check_state *s = user;
    s->line = line;
    s->statements++;
    s->invalid++;
    on_problem(s, "", message);
}

static void on_torn_tail(void *user, int line, size_t bytes)
{
    check_state *s = user;
    fprintf(stderr, "%s:%d: warning: torn last line (%zu bytes, the writer was interrupted); "
                    "skipped\n", s->path, line, bytes);
}

static int usage(FILE *f)
{
    fprintf(f, "usage: stoa trace check LOG...\n\n"
               "Checks every statement of each trace log (JSON Lines) against the xAPI 1.0.3\n"
               "rules; prints FILE:LINE: PROPERTY: PROBLEM for each problem. A torn last line\n"
               "(a crash while writing) is a warning. Exit status 1 when anything is invalid.\n");
    return f == stdout ? 0 : 2;
}

int stoa_cmd_trace(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return usage(stdout);
    if (argc < 3 || strcmp(argv[1], "check") != 0)
        return usage(stderr);
    size_t total = 0, invalid = 0, files_bad = 0;
    for (int i = 2; i < argc; i++) {
        check_state s = {.path = argv[i], .ids = stoa_trace_id_set_create()};
        stoa_error err = {0};
        stoa_trace_read_desc rd = {.on_statement = on_statement, .on_bad_line = on_bad_line,
                                   .on_torn_tail = on_torn_tail, .user = &s};
        if (stoa_trace_read_file(argv[i], &rd, NULL, &err) != STOA_OK) {
            fprintf(stderr, "%s: %s\n", argv[i], err.message);
            files_bad++;
        }
        stoa_trace_id_set_destroy(&s.ids);
        total += s.statements;
        invalid += s.invalid;
        printf("%s: %zu statements, %zu invalid\n", argv[i], s.statements, s.invalid);
    }
    if (argc > 3)
        printf("total: %zu statements, %zu invalid\n", total, invalid);
    return invalid > 0 || files_bad > 0 ? 1 : 0;
}
