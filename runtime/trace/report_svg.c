// SPDX-License-Identifier: Apache-2.0
// The report's charts as inline SVG: no scripts, no fonts to fetch.
// Patterns (#idle-hatch, #pause-hatch) are defined once by the HTML page.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_out.h"

#define FONT_PX 13.0

void rp_svg_histogram(rp_out *o, const cJSON *cls)
{
    const cJSON *sc = RP_GET(cls, "score_scaled"), *h = RP_GET(sc, "histogram");
    int counts[10] = {0}, max = 1;
    for (int i = 0; i < 10; i++) {
        counts[i] = cJSON_GetArrayItem(h, i) ? cJSON_GetArrayItem(h, i)->valueint : 0;
        if (counts[i] > max)
            max = counts[i];
    }
    const double W = 480, H = 210, L = 40, B = 44, T = 16, bw = (W - L - 24) / 10;
    rp_printf(o, "<svg class=\"chart\" role=\"img\" aria-label=\"score distribution\" "
                 "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">", W, H, W, H);
    double ph = H - B - T;
    int step = max <= 5 ? 1 : max <= 10 ? 2 : (max + 4) / 5;
    for (int v = 0; v <= max; v += step) {
        double y = T + ph - ph * v / max;
        rp_printf(o, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                     "<text x=\"%.0f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%d</text>",
                  L, L + 10 * bw, y, y, L - 6, y + 4, v);
    }
    for (int i = 0; i < 10; i++) {
        double bh = ph * counts[i] / max, x = L + i * bw;
        char col[8];
        rp_heat_colour((i + 0.5) / 10, col);
        rp_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                     "stroke=\"#555\" stroke-width=\"0.5\"><title>%d%%–%d%%: %d learner%s</title></rect>",
                  x + 2, T + ph - bh, bw - 4, bh, col, i * 10, i * 10 + 10, counts[i],
                  counts[i] == 1 ? "" : "s");
        if (counts[i])
            rp_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"val\">%d</text>",
                      x + bw / 2, T + ph - bh - 4, counts[i]);
    }
    for (int i = 0; i <= 10; i += 2)
        rp_printf(o, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" class=\"tick\">%d%%</text>",
                  L + i * bw, H - B + 16, i * 10);
    rp_printf(o, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" class=\"axis\">best score "
                 "(scaled)</text></svg>", L + (W - L) / 2, H - 6);
}

void rp_svg_heat_table(rp_out *o, const cJSON *lesson)
{
    const cJSON *concepts = RP_GET(lesson, "concepts"), *learners = RP_GET(lesson, "learners");
    int nc = cJSON_GetArraySize(concepts), nl = cJSON_GetArraySize(learners);
    double label_em = 6;
    const cJSON *l, *c;
    cJSON_ArrayForEach(l, learners) label_em = fmax(label_em, fmin(16, rp_text_em(rp_str(l, "name"))));
    const double cw = 118, ch = 30, top = 40, left = label_em * FONT_PX + 20;
    double W = left + cw * nc + 10, H = top + ch * (nl + 1) + 12;
    rp_printf(o, "<svg class=\"chart\" role=\"img\" aria-label=\"concept mastery per learner\" "
                 "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">", W, H, W, H);
    int j = 0;
    cJSON_ArrayForEach(c, concepts)
    {
        rp_printf(o, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" class=\"head\">",
                  left + cw * j + cw / 2, top - 12);
        rp_esc_fit(o, c->valuestring, cw / FONT_PX);
        rp_put(o, "</text>");
        j++;
    }
    const cJSON *cls_cells = RP_GET(RP_GET(lesson, "class"), "concepts");
    for (int i = 0; i <= nl; i++) {
        const cJSON *row = i < nl ? cJSON_GetArrayItem(learners, i) : NULL;
        const cJSON *cells = row ? RP_GET(row, "concepts") : cls_cells;
        double y = top + ch * i + (row ? 0 : 8);
        rp_printf(o, "<text x=\"%.0f\" y=\"%.1f\" class=\"%s\">", 10.0,
                  y + ch / 2 + 4, row ? "label" : "label strong");
        if (row)
            rp_esc_fit(o, rp_str(row, "name"), label_em);
        else
            rp_put(o, "whole class");
        rp_put(o, "</text>");
        j = 0;
        cJSON_ArrayForEach(c, concepts)
        {
            const cJSON *cell = RP_GET(cells, c->valuestring);
            double x = left + cw * j++;
            if (!cell) {
                rp_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" fill=\"#eee\" "
                             "stroke=\"#fff\"><title>no answers on this concept</title></rect>"
                             "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"muted\">—</text>",
                          x, y, cw, ch, x + cw / 2, y + ch / 2 + 4);
                continue;
            }
            double m = rp_num(cell, "mastery");
            char col[8];
            rp_heat_colour(m, col);
            rp_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" fill=\"%s\" "
                         "stroke=\"#fff\"><title>%.0f of %.0f answers right</title></rect>"
                         "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"cell\">%.0f%% "
                         "(%.0f/%.0f)</text>",
                      x, y, cw, ch, col, rp_num(cell, "right"), rp_num(cell, "answers"), x + cw / 2,
                      y + ch / 2 + 4, m * 100, rp_num(cell, "right"), rp_num(cell, "answers"));
        }
    }
    rp_put(o, "</svg>");
}

static int state_index(const cJSON *class_states, const char *id)
{
    int i = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, class_states)
    {
        if (strcmp(rp_str(s, "id"), id) == 0)
            return i;
        i++;
    }
    return i;
}

static double tick_step(double total)
{
    static const double steps[] = {5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (total / steps[i] <= 10)
            return steps[i];
    return 7200;
}

void rp_svg_timeline(rp_out *o, const cJSON *run, const cJSON *class_states)
{
    const cJSON *seg, *x;
    double total = rp_num(run, "duration_s") + rp_num(run, "suspended_s");
    cJSON_ArrayForEach(seg, RP_GET(run, "timeline")) total = fmax(total, rp_num(seg, "end_s"));
    if (total <= 0)
        total = 1;
    const double W = 900, L = 22, R = 22, pw = W - L - R, H = 92;
    rp_printf(o, "<svg class=\"chart timeline\" role=\"img\" aria-label=\"timeline\" "
                 "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">", W, H, W, H);
    double step = tick_step(total);
    for (double t = 0; t <= total + 0.001; t += step) {
        double px = L + pw * t / total;
        rp_printf(o, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"16\" y2=\"86\" class=\"grid\"/>"
                     "<text x=\"%.1f\" y=\"12\" text-anchor=\"middle\" class=\"tick\">%d:%02d</text>",
                  px, px, px, (int)t / 60, (int)t % 60);
    }
    cJSON_ArrayForEach(seg, RP_GET(run, "timeline"))
    {
        double a = rp_num(seg, "start_s"), b = rp_num(seg, "end_s");
        double x0 = L + pw * a / total, w = fmax(1, pw * (b - a) / total);
        char dur[32];
        rp_fmt_time(b - a, dur, sizeof dur);
        rp_printf(o, "<rect x=\"%.1f\" y=\"20\" width=\"%.1f\" height=\"28\" rx=\"3\" fill=\"%s\" "
                     "stroke=\"#fff\"><title>",
                  x0, w, rp_state_colour(state_index(class_states, rp_str(seg, "state"))));
        rp_esc(o, rp_str(seg, "name"));
        rp_printf(o, " — %s</title></rect>", dur);
        if (w > 40) {
            rp_printf(o, "<text x=\"%.1f\" y=\"38\" class=\"seg\">", x0 + 5);
            rp_esc_fit(o, rp_str(seg, "name"), (w - 10) / 12.0);
            rp_put(o, "</text>");
        }
    }
    cJSON_ArrayForEach(x, RP_GET(run, "suspended"))
    {
        double a = rp_num(x, "start_s"), b = rp_num(x, "end_s");
        rp_printf(o, "<rect x=\"%.1f\" y=\"20\" width=\"%.1f\" height=\"28\" fill=\"url(#pause-hatch)\">"
                     "<title>paused / headset session lost</title></rect>",
                  L + pw * a / total, fmax(1, pw * (b - a) / total));
    }
    cJSON_ArrayForEach(x, RP_GET(run, "idle"))
    {
        double a = rp_num(x, "start_s"), b = rp_num(x, "end_s");
        char dur[32];
        rp_fmt_time(rp_num(x, "duration_s"), dur, sizeof dur);
        rp_printf(o, "<rect x=\"%.1f\" y=\"56\" width=\"%.1f\" height=\"12\" fill=\"url(#idle-hatch)\" "
                     "stroke=\"#999\" stroke-width=\"0.5\"><title>idle %s</title></rect>",
                  L + pw * a / total, fmax(1, pw * (b - a) / total), dur);
    }
    const cJSON *q, *a;
    cJSON_ArrayForEach(q, RP_GET(run, "questions")) cJSON_ArrayForEach(a, RP_GET(q, "answers"))
    {
        bool ok = cJSON_IsTrue(RP_GET(a, "success"));
        double px = L + pw * rp_num(a, "at_s") / total;
        rp_printf(o, "<g><title>");
        rp_esc(o, rp_str(q, "name"));
        rp_put(o, ": ");
        rp_esc(o, rp_str(a, "response"));
        rp_printf(o, " (%s)</title><circle cx=\"%.1f\" cy=\"76\" r=\"7\" fill=\"%s\"/>"
                     "<text x=\"%.1f\" y=\"80\" text-anchor=\"middle\" class=\"mark\">%s</text></g>",
                  ok ? "right" : "wrong", px, ok ? "#1a9850" : "#d73027", px, ok ? "✓" : "✗");
    }
    rp_put(o, "</svg>");
}

static int by_key_then_dwell(const void *pa, const void *pb)
{
    const cJSON *a = *(const cJSON *const *)pa, *b = *(const cJSON *const *)pb;
    bool ka = cJSON_IsTrue(RP_GET(a, "key")), kb = cJSON_IsTrue(RP_GET(b, "key"));
    if (ka != kb)
        return ka ? -1 : 1;
    double da = rp_num(a, "dwell_s"), db = rp_num(b, "dwell_s");
    return da > db ? -1 : da < db;
}

void rp_svg_attention(rp_out *o, const cJSON *attention)
{
    int n = cJSON_GetArraySize(attention);
    if (n == 0)
        return;
    const cJSON **v = calloc((size_t)n, sizeof *v);
    if (!v)
        return;
    int i = 0;
    double max = 0.001;
    const cJSON *x;
    cJSON_ArrayForEach(x, attention)
    {
        v[i++] = x;
        max = fmax(max, rp_num(x, "dwell_s"));
    }
    qsort(v, (size_t)n, sizeof *v, by_key_then_dwell);
    const double W = 560, L = 200, rh = 22;
    double H = rh * n + 6;
    rp_printf(o, "<svg class=\"chart\" role=\"img\" aria-label=\"attention\" viewBox=\"0 0 %.0f "
                 "%.0f\" width=\"%.0f\" height=\"%.0f\">", W, H, W, H);
    for (i = 0; i < n; i++) {
        double y = 3 + rh * i, w = (W - L - 90) * rp_num(v[i], "dwell_s") / max;
        bool key = cJSON_IsTrue(RP_GET(v[i], "key"));
        char dur[32];
        rp_fmt_time(rp_num(v[i], "dwell_s"), dur, sizeof dur);
        rp_printf(o, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" class=\"label%s\">%s",
                  L - 8, y + 15, key ? " strong" : "", key ? "★ " : "");
        rp_esc_fit(o, rp_str(v[i], "name"), (L - 30) / FONT_PX);
        rp_printf(o, "</text><rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" rx=\"2\" "
                     "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" class=\"val\">%s · %.0f look%s</text>",
                  L, y + 2, fmax(1, w), key ? "#3d7fb8" : "#a9c4dc", L + fmax(1, w) + 6, y + 15,
                  dur, rp_num(v[i], "looks"), rp_num(v[i], "looks") == 1 ? "" : "s");
    }
    rp_put(o, "</svg>");
    free(v);
}
