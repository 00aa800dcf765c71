// SPDX-License-Identifier: Apache-2.0
// `stoa report`: turns trace logs into an evaluation — per learner, per
// concept and per class — as JSON, CSV and a self-contained HTML page.
//
// The analysis result is one cJSON tree (the JSON output, documented in
// docs/traces.md); CSV and HTML are views of that tree.
#pragma once

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/stoa_result.h"

typedef void (*stoa_report_warn_fn)(void *user, const char *message);

typedef struct stoa_report_desc {
    double idle_threshold_s;     // a gap in learner activity this long is idle; 0 = 30
    const char *language;        // preferred language for names; NULL = each map's first
    stoa_report_warn_fn on_warning; // torn lines, invalid statements skipped; NULL = stderr
    void *user;
    const char *generated_at;    // timestamp shown in the report; NULL = now
} stoa_report_desc;

// Reads every log and analyses it. *out_report is a new cJSON tree the
// caller frees with cJSON_Delete. Unreadable files are errors; bad lines
// inside a file are warnings (skipped).
stoa_result stoa_report_build(const char *const *paths, size_t count, const stoa_report_desc *desc,
                              cJSON **out_report, stoa_error *err);

// Writers of the views; each writes atomically.
stoa_result stoa_report_write_json(const cJSON *report, const char *path, stoa_error *err);
// learners.csv, states.csv, answers.csv, concepts.csv, attention.csv in dir.
stoa_result stoa_report_write_csv(const cJSON *report, const char *dir, stoa_error *err);
stoa_result stoa_report_write_html(const cJSON *report, const char *path, stoa_error *err);
