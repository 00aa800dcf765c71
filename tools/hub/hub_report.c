// SPDX-License-Identifier: Apache-2.0
// `stoa report` for a lesson run, made from the hub's stored statements:
// they are written out as one JSON Lines log per run and handed to
// runtime/trace's report library.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hub_internal.h"
#include "trace/stoa_trace_report.h"

typedef struct dump {
    FILE *f;
    size_t n;
} dump;

static void write_row(void *user, int64_t seq, const char *json, int64_t stored_ns)
{
    (void)seq, (void)stored_ns;
    dump *d = user;
    fputs(json, d->f);
    fputc('\n', d->f);
    d->n++;
}

static void quiet(void *user, const char *message)
{
    (void)user, (void)message;
}

stoa_result hub_report_make(stoa_hub *hub, const char *run_id, char *out_path, size_t size,
                            stoa_error *err)
{
    if (!hub_is_uuid(run_id)) // the run id names a folder: only a UUID may
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "not a run id");
    cJSON *regs = hub_db_run_registrations(hub, run_id);
    if (!regs)
        return stoa_error_set(err, STOA_ERROR_NOT_FOUND, "no such run");
    char dir[1200], log[1300];
    snprintf(dir, sizeof dir, "%s/%s", hub->reports_dir, run_id);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        cJSON_Delete(regs);
        return stoa_error_set(err, STOA_ERROR_IO, "%s: %s", dir, strerror(errno));
    }
    snprintf(log, sizeof log, "%s/statements.jsonl", dir);
    dump d = {fopen(log, "w"), 0};
    if (!d.f) {
        cJSON_Delete(regs);
        return stoa_error_set(err, STOA_ERROR_IO, "%s: %s", log, strerror(errno));
    }
    const cJSON *r;
    cJSON_ArrayForEach(r, regs) {
        int64_t after = 0;
        for (int guard = 0; guard < 100000; guard++) { // pages of 1000, bounded
            size_t before = d.n;
            after = hub_db_query(hub, 0, r->valuestring, after, 1000, true, write_row, &d);
            if (d.n - before < 1000)
                break;
        }
    }
    cJSON_Delete(regs);
    fclose(d.f);
    if (d.n == 0)
        return stoa_error_set(err, STOA_ERROR_NOT_FOUND, "this run has no statements yet");
    const char *paths[1] = {log};
    cJSON *report = NULL;
    stoa_result res = stoa_report_build(paths, 1, &(stoa_report_desc){.on_warning = quiet}, &report, err);
    if (res != STOA_OK)
        return res;
    snprintf(out_path, size, "%s/report.html", dir);
    res = stoa_report_write_html(report, out_path, err);
    cJSON_Delete(report);
    return res;
}
