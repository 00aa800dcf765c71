// SPDX-License-Identifier: Apache-2.0
// A growing text buffer for the HTML/SVG report, with HTML escaping and
// the small formatting helpers (times, percentages, colours) both share.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

typedef struct rp_out {
    char *p;
    size_t n, cap;
    bool oom;
    bool zh; // the report's language is Chinese (report_lang.c)
} rp_out;

// The report's text in its language (report_lang.c): the Chinese of an
// English fragment of report_html.c, or the fragment itself.
const char *rp_tr(const rp_out *o, const char *en);
// A duration for people in the report's language ("5.5 s", "5.5 秒").
void rp_fmt_time_lang(const rp_out *o, double seconds, char *out, size_t cap);

void rp_put(rp_out *o, const char *s);
void rp_printf(rp_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// Escapes & < > " ' (safe in text and in attribute values).
void rp_esc(rp_out *o, const char *s);
// Escaped, cut to about max_em character widths (CJK counts 1, Latin ~0.55).
void rp_esc_fit(rp_out *o, const char *s, double max_em);
double rp_text_em(const char *s);

// "45 s", "3 min 05 s", "1 h 02 min".
void rp_fmt_time(double seconds, char *out, size_t cap);
// Mastery colour: red (0) through yellow to green (1).
void rp_heat_colour(double v, char out[8]);
// One of 10 soft colours for the i-th state.
const char *rp_state_colour(int i);

#define RP_GET(o, k) cJSON_GetObjectItemCaseSensitive(o, k)
double rp_num(const cJSON *o, const char *k);
const char *rp_str(const cJSON *o, const char *k);

// SVG charts (report_svg.c), each a complete <svg> element.
void rp_svg_histogram(rp_out *o, const cJSON *cls);
void rp_svg_heat_table(rp_out *o, const cJSON *lesson);
void rp_svg_timeline(rp_out *o, const cJSON *run, const cJSON *class_states);
void rp_svg_attention(rp_out *o, const cJSON *attention);
