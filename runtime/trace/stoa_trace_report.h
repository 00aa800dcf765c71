// SPDX-License-Identifier: Apache-2.0
// `stoa report`: turns trace logs into an evaluation — per learner, per
// concept and per class — as JSON, CSV and a self-contained HTML page.
//
// The analysis result is one cJSON tree (the JSON output, documented in
// docs/traces.md); CSV and HTML are views of that tree.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/stoa_result.h"

typedef void (*stoa_report_warn_fn)(void *user, const char *message);

typedef struct stoa_report_desc {
    double idle_threshold_s;     // a gap in learner activity this long is idle; 0 = 30
    const char *language;        // preferred language for names; NULL = each map's first
    stoa_report_warn_fn on_warning; // torn lines, invalid statements skipped; NULL = stderr
    void *user;
    const char *generated_at;    // timestamp shown in the report; NULL = now
    // Runs that start before from_ns or at/after to_ns (Unix ns; 0 = open),
    // or of another learner account, are left out of everything.
    int64_t from_ns, to_ns;
    const char *learner;
    // When set, every run kept is fed to this evaluation (eval/stoa_eval.h),
    // so that one pass over the logs serves both.
    struct stoa_eval *eval;
    // {question IRI: [choice text, ...]} (the lessons' quizzes, in the
    // report's language): an answer "a[,]c" to a listed question is shown
    // as its choices' text ("response"; the letters stay in "response_ids").
    // NULL: letters (stoa report --lessons DIR fills it).
    const cJSON *choice_texts;
} stoa_report_desc;

// Reads every log and analyses it. *out_report is a new cJSON tree the
// caller frees with cJSON_Delete. Unreadable files are errors; bad lines
// inside a file are warnings (skipped).
stoa_result stoa_report_build(const char *const *paths, size_t count, const stoa_report_desc *desc,
                              cJSON **out_report, stoa_error *err);

// The same, a source at a time (logs, or statements from an LRS). Memory
// holds the open runs' statements and each finished run's summary.
typedef struct stoa_report_builder stoa_report_builder;
stoa_result stoa_report_begin(const stoa_report_desc *desc, stoa_report_builder **out, stoa_error *err);
stoa_result stoa_report_add_file(stoa_report_builder *b, const char *path, stoa_error *err);
// st is only read during the call; statements/skipped are counters for the source.
void stoa_report_add_statement(stoa_report_builder *b, const char *source, int line, const cJSON *st,
                               int *statements, int *skipped);
// Ends a non-file source: finishes its open runs and lists it under "files".
void stoa_report_end_source(stoa_report_builder *b, const char *source, int statements, int skipped);
// The report (as stoa_report_build's); frees the builder.
cJSON *stoa_report_finish(stoa_report_builder **b);
void stoa_report_abort(stoa_report_builder **b);

// The IRI a trace gives a lesson's question (https://stoa.dev/xapi/lessons/
// <id>/questions/<question id>, percent-encoded). Caller frees; NULL = no memory.
char *stoa_report_question_iri(const char *lesson_id, const char *question_id);

// Writers of the views; each writes atomically.
stoa_result stoa_report_write_json(const cJSON *report, const char *path, stoa_error *err);
// learners.csv, states.csv, answers.csv, concepts.csv, attention.csv in dir.
stoa_result stoa_report_write_csv(const cJSON *report, const char *dir, stoa_error *err);
stoa_result stoa_report_write_html(const cJSON *report, const char *path, stoa_error *err);

// The evaluation's views (the tree of stoa_eval_analyse): class.html and
// learners/<account>.html in the language given (en or zh-CN) ...
stoa_result stoa_report_write_eval_html(const cJSON *evaluation, const char *dir, const char *language,
                                        stoa_error *err);
// ... and evaluation.json plus one CSV per figure: mastery.csv,
// mastery_weekly.csv, dimensions.csv, recommendations.csv, archive_runs.csv,
// items.csv, choices.csv, lesson_effectiveness.csv, concepts_bkt.csv,
// class_weekly.csv.
stoa_result stoa_report_write_eval_data(const cJSON *evaluation, const char *dir, stoa_error *err);
