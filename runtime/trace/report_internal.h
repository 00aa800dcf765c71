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
    RP_LISTENED, // a narration ended or was cut short (docs/traces.md)
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
    const char *interaction_type; // questions: cmi.interaction type
    bool survey;                  // a self-report question (docs/lesson-format.md)
    const char *task_error;       // task steps: "wrong" or "order"; NULL = right
    double attention;             // listened: share of it spent facing the source; -1 none
    int completion;               // listened: 1 heard to the end, 0 cut short, -1 unknown
    int line;
} rp_event;

// A lesson run. While open it holds its statements; when it ends (its
// `terminated`, or the end of its file or stream) it is analysed into
// `json`, fed to the evaluation, and its statements are freed: memory holds
// one open run's statements at a time, never the whole class's.
typedef struct rp_run {
    const char *file;
    const char *registration, *learner_key, *learner_name, *lesson_iri, *lesson_name;
    cJSON *statements; // owns every statement the events point into (open runs)
    rp_event *events;
    size_t n_events, cap_events;
    stoa_trace_id_set *ids; // this run's statement ids (open runs)
    bool done, excluded;    // finished; left out by --from/--to/--learner
    cJSON *json;            // the analysed run (finished runs)
    char *owned;            // the strings above, copied when the statements go
    char device[16];        // context.extensions.device-type: "headset", "desktop" or ""
} rp_run;

typedef struct rp_set {
    rp_run *runs;
    size_t n_runs, cap_runs;
    size_t last;     // index of the run the previous statement went to, +1
    stoa_trace_id_set *run_index; // registration -> run index + 1
    const stoa_report_desc *desc;
    cJSON *files;    // [{path, statements, skipped, torn}]
} rp_set;

// Reads one log into set (runs by registration) and finishes its runs.
// Returns STOA_OK or a read error.
stoa_result rp_read_file(rp_set *set, const char *path, stoa_error *err);
// One statement from a source (a file or an LRS); counts what happened to it.
void rp_add_statement(rp_set *set, const char *source, int line, const cJSON *st, int *statements,
                      int *skipped);
// The same, taking ownership of st (no copy).
void rp_take_statement(rp_set *set, const char *source, int line, cJSON *st, int *statements,
                       int *skipped);
// Finishes one run / every open run (analyse, evaluate, free the statements).
void rp_finish_run(rp_set *set, rp_run *run);
void rp_finish_all(rp_set *set);
void rp_set_fini(rp_set *set);
void rp_warn(const rp_set *set, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// Picks the name in the preferred language (or the first) of a language map.
const char *rp_pick_name(const cJSON *lang_map, const char *language, const char *fallback);

// Analyses one run into its JSON object (see docs/traces.md).
cJSON *rp_run_json(const rp_set *set, const rp_run *run);

// Feeds a finished run to desc->eval (report_eval.c); events still valid.
void rp_eval_feed(const rp_set *set, const rp_run *run, const cJSON *run_json);

// Seconds, rounded to milliseconds (so JSON numbers stay short).
double rp_secs(int64_t ns);
