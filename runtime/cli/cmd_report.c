// SPDX-License-Identifier: Apache-2.0
// `stoa report LOG... [--out DIR]`: the evaluation of one learner or a class.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stoa_cli.h"
#include "trace/stoa_trace_report.h"

static int usage(FILE *f)
{
    fprintf(f, "usage: stoa report LOG... [--out DIR] [--idle SECONDS] [--lang TAG]\n\n"
               "Reads trace logs (*.jsonl) of one learner or a whole class and writes to DIR\n"
               "(default ./stoa-report): report.html (open it in a browser), report.json, and\n"
               "learners.csv, states.csv, answers.csv, concepts.csv, attention.csv.\n"
               "  --idle SECONDS  no action this long counts as idle (default 30)\n"
               "  --lang TAG      show lesson names in this language when the lesson has it\n");
    return f == stdout ? 0 : 2;
}

static void on_warning(void *user, const char *message)
{
    (*(int *)user)++;
    fprintf(stderr, "stoa report: warning: %s\n", message);
}

int stoa_cmd_report(int argc, char **argv)
{
    const char *out = "stoa-report";
    const char **logs = calloc((size_t)argc + 1, sizeof *logs);
    size_t n = 0;
    int warnings = 0;
    stoa_report_desc desc = {.on_warning = on_warning, .user = &warnings};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            free(logs);
            return usage(stdout);
        } else if (strcmp(a, "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(a, "--idle") == 0 && i + 1 < argc) {
            char *end;
            desc.idle_threshold_s = strtod(argv[++i], &end);
            if (*end || !(desc.idle_threshold_s > 0)) {
                fprintf(stderr, "stoa report: --idle wants a number of seconds, not '%s'\n", argv[i]);
                free(logs);
                return 2;
            }
        } else if (strcmp(a, "--lang") == 0 && i + 1 < argc) {
            desc.language = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "stoa report: unknown option '%s'\n", a);
            free(logs);
            return usage(stderr);
        } else {
            logs[n++] = a;
        }
    }
    if (n == 0) {
        free(logs);
        return usage(stderr);
    }
    stoa_error err = {0};
    cJSON *rep = NULL;
    stoa_result r = stoa_report_build(logs, n, &desc, &rep, &err);
    free(logs);
    if (r != STOA_OK) {
        fprintf(stderr, "stoa report: %s\n", err.message);
        return 1;
    }
    if (mkdir(out, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "stoa report: cannot make folder %s: %s\n", out, strerror(errno));
        cJSON_Delete(rep);
        return 1;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/report.json", out);
    r = stoa_report_write_json(rep, path, &err);
    if (r == STOA_OK)
        r = stoa_report_write_csv(rep, out, &err);
    snprintf(path, sizeof path, "%s/report.html", out);
    if (r == STOA_OK)
        r = stoa_report_write_html(rep, path, &err);
    int lessons = cJSON_GetArraySize(cJSON_GetObjectItem(rep, "lessons"));
    cJSON_Delete(rep);
    if (r != STOA_OK) {
        fprintf(stderr, "stoa report: %s\n", err.message);
        return 1;
    }
    printf("stoa report: %d lesson%s; wrote %s (and report.json, *.csv)%s\n", lessons,
           lessons == 1 ? "" : "s", path, warnings ? "; see the warnings above" : "");
    return lessons > 0 ? 0 : 1;
}
