// SPDX-License-Identifier: Apache-2.0
// The evaluation's pages (report_eval_html.c), charts (report_eval_svg.c)
// and tables (report_eval_csv.c), all views of stoa_eval_analyse()'s tree.
#pragma once

#include "report_out.h"

// The words of the pages, in the report's language (English or Chinese).
typedef struct rp_words {
    const char *lang, *class_title, *learner_title, *knowledge_map, *class_map, *mastery,
        *mastered_share, *not_assessed, *weak, *ready, *legend_colour, *legend_weak, *legend_ready,
        *legend_arrow, *legend_class_colour, *heatmap, *over_time, *dimensions, *dim_knowledge,
        *dim_engagement, *dim_skill, *dim_efficiency, *dim_self_report, *no_data, *this_learner,
        *class_median, *runs, *recommendations, *no_recommendation, *items, *lessons, *params,
        *learners, *trends, *surveys, *back;
} rp_words;
const rp_words *rp_words_for(const char *language);

void rp_svg_knowledge_map(rp_out *o, const cJSON *concepts, const cJSON *learner, const cJSON *cls,
                          const rp_words *w);
void rp_svg_class_heatmap(rp_out *o, const cJSON *evaluation, const rp_words *w);
void rp_svg_weekly(rp_out *o, const cJSON *weeks, const char *const *labels, const cJSON *const *series,
                   int n, double threshold, const rp_words *w);
void rp_svg_dimensions(rp_out *o, const cJSON *mine, const cJSON *median, const rp_words *w);

// A file name for a learner's page: the account with anything but
// [A-Za-z0-9._-] replaced by '_' (accounts are pseudonyms).
void rp_learner_file(const char *account, char *out, size_t cap);
