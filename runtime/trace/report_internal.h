// SPDX-License-Identifier: Apache-2.0
// The report's working model: statements grouped into lesson runs, each a
// time-ordered list of events that borrow their strings from the run's own
// statements.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "trace/stoa_trace_read.h"
#include "trace/stoa_trace_report.h"

typedef enum rp_kind {
    RP_OTHER = 0,
    RP_LAUNCHED,
    RP_INITIALIZED,
    RP_SUSPENDED,
    RP_RESUMED,
    RP_TERMINATED,
    RP_STATE,
    RP_QUESTION_SHOWN,
    RP_ANSWERED,
    RP_COMPLETED,
    RP_PASSED,
    RP_FAILED,
    RP_GAZED,
    RP_ACTION, // interacted, grabbed, released, pointed, teleported
    RP_TRACKED,
} rp_kind;

typedef struct rp_event {
    int64_t t; // Unix ns
    rp_kind kind;
    const char *iri, *name;
    const cJSON *concepts; // array of strings or NULL
    bool key;
    int success;  // -1 unknown
    const char *response;
    int64_t dur;  // -1 unknown
    const cJSON *score;
    int line;
} rp_event;

typedef struct rp_run {
    const char *file;
    const char *registration, *learner_key, *learner_name, *lesson_iri, *lesson_name;
    cJSON *statements; // owns every statement the events point into
    rp_event *events;
    size_t n_events, cap_events;
} rp_run;

typedef struct rp_set {
    rp_run *runs;
    size_t n_runs, cap_runs;
    const stoa_report_desc *desc;
    stoa_trace_id_set *seen_ids;
    cJSON *files;    // [{path, statements, skipped, torn}]
} rp_set;

// Reads one log into set (runs by registration). Returns STOA_OK or a read error.
stoa_result rp_read_file(rp_set *set, const char *path, stoa_error *err);
void rp_set_fini(rp_set *set);
void rp_warn(const rp_set *set, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// Picks the name in the preferred language (or the first) of a language map.
const char *rp_pick_name(const cJSON *lang_map, const char *language, const char *fallback);

// Analyses one run into its JSON object (see docs/traces.md).
cJSON *rp_run_json(const rp_set *set, const rp_run *run);

// Seconds, rounded to milliseconds (so JSON numbers stay short).
double rp_secs(int64_t ns);
