// SPDX-License-Identifier: Apache-2.0
// Charts of the evaluation (inline SVG, no scripts): the knowledge map, the
// learners x concepts heatmap, weekly mastery lines and the dimensions.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_eval_out.h"

static const cJSON *concept_by_id(const cJSON *concepts, const char *id)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, concepts) if (strcmp(rp_str(c, "id"), id) == 0) return c;
    return NULL;
}

static bool in_list(const cJSON *arr, const char *id)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, arr) if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0) return true;
    return false;
}

// Longest chain of prerequisites below each concept: its column.
static int depth_of(const cJSON *concepts, const cJSON *c, int guard)
{
    int d = 0;
    const cJSON *r;
    if (guard > 64) // the curriculum is acyclic (checked); this only bounds bad input
        return 0;
    cJSON_ArrayForEach(r, RP_GET(c, "requires"))
    {
        const cJSON *p = cJSON_IsString(r) ? concept_by_id(concepts, r->valuestring) : NULL;
        if (p) {
            int pd = depth_of(concepts, p, guard + 1) + 1;
            d = pd > d ? pd : d;
        }
    }
    return d;
}

enum { NODE_W = 168, NODE_H = 46, COL_W = 218, ROW_H = 66, PAD = 16 };

void rp_svg_knowledge_map(rp_out *o, const cJSON *concepts, const cJSON *learner, const cJSON *cls,
                          const rp_words *w)
{
    int n = cJSON_GetArraySize(concepts);
    if (n == 0)
        return;
    int *col = calloc((size_t)n, sizeof *col), *row = calloc((size_t)n, sizeof *row);
    int rows_in[65] = {0}, max_col = 0, max_row = 0;
    if (!col || !row) {
        free(col), free(row);
        return;
    }
    int i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, concepts)
    {
        int d = depth_of(concepts, c, 0);
        col[i] = d > 64 ? 64 : d;
        row[i] = rows_in[col[i]]++;
        max_col = col[i] > max_col ? col[i] : max_col;
        max_row = row[i] > max_row ? row[i] : max_row;
        i++;
    }
    int width = PAD * 2 + max_col * COL_W + NODE_W, height = PAD * 2 + (max_row + 1) * ROW_H + 24;
    rp_printf(o, "<svg class=\"chart map\" viewBox=\"0 0 %d %d\" width=\"%d\" role=\"img\" "
                 "aria-label=\"%s\"><defs><marker id=\"arr\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
                 "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
                 "<path d=\"M0,0L10,5L0,10z\" fill=\"#667\"/></marker></defs>",
              width, height, width, w->knowledge_map);
    // arrows first, so the nodes sit on top of them
    i = 0;
    cJSON_ArrayForEach(c, concepts)
    {
        const cJSON *r;
        cJSON_ArrayForEach(r, RP_GET(c, "requires"))
        {
            int j = 0, found = -1;
            const cJSON *p;
            cJSON_ArrayForEach(p, concepts)
            {
                if (cJSON_IsString(r) && strcmp(rp_str(p, "id"), r->valuestring) == 0)
                    found = j;
                j++;
            }
            if (found < 0)
                continue;
            double x1 = PAD + col[found] * COL_W + NODE_W, y1 = PAD + row[found] * ROW_H + NODE_H / 2.0;
            double x2 = PAD + col[i] * COL_W - 2, y2 = PAD + row[i] * ROW_H + NODE_H / 2.0;
            rp_printf(o, "<path class=\"req\" d=\"M%.0f,%.0f C%.0f,%.0f %.0f,%.0f %.0f,%.0f\" fill=\"none\" "
                         "stroke=\"#667\" stroke-width=\"1.5\" marker-end=\"url(#arr)\"/>",
                      x1, y1, (x1 + x2) / 2, y1, (x1 + x2) / 2, y2, x2, y2);
        }
        i++;
    }
    i = 0;
    cJSON_ArrayForEach(c, concepts)
    {
        const char *id = rp_str(c, "id");
        double x = PAD + col[i] * COL_W, y = PAD + row[i] * ROW_H;
        double v = NAN;
        bool weak = false, ready = false;
        if (learner) {
            const cJSON *cell = RP_GET(RP_GET(learner, "concepts"), id);
            if (rp_num(cell, "observations") > 0)
                v = rp_num(cell, "mastery");
            weak = in_list(RP_GET(learner, "weakest"), id);
            ready = in_list(RP_GET(learner, "ready"), id) && !weak;
        } else {
            const cJSON *cell = RP_GET(RP_GET(cls, "concepts"), id);
            if (cJSON_IsNumber(RP_GET(cell, "mastered_share")))
                v = rp_num(cell, "mastered_share");
        }
        char fill[8] = "#e3e5e8";
        if (isfinite(v))
            rp_heat_colour(v, fill);
        const char *stroke = weak ? "#7a0010" : ready ? "#1f5fbf" : "#8a8f98";
        rp_printf(o, "<g class=\"node%s%s\" data-concept=\"", weak ? " weakest" : "", ready ? " ready" : "");
        rp_esc(o, id);
        rp_printf(o, "\"><rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" height=\"%d\" rx=\"8\" fill=\"%s\" "
                     "stroke=\"%s\" stroke-width=\"%s\"%s/>",
                  x, y, NODE_W, NODE_H, fill, stroke, weak || ready ? "3.5" : "1",
                  ready ? " stroke-dasharray=\"7 4\"" : "");
        rp_printf(o, "<text x=\"%.0f\" y=\"%.0f\" class=\"head\">", x + 8, y + 18);
        rp_esc_fit(o, rp_str(c, "name"), 14.5);
        rp_printf(o, "</text><text x=\"%.0f\" y=\"%.0f\" class=\"val\">", x + 8, y + 36);
        if (isfinite(v))
            rp_printf(o, "%s %.0f%%", learner ? w->mastery : w->mastered_share, v * 100);
        else
            rp_put(o, w->not_assessed);
        rp_put(o, "</text>");
        if (weak || ready) {
            rp_printf(o, "<rect x=\"%.0f\" y=\"%.0f\" width=\"52\" height=\"16\" rx=\"8\" fill=\"%s\"/>"
                         "<text x=\"%.0f\" y=\"%.0f\" class=\"mark\" text-anchor=\"middle\">%s</text>",
                      x + NODE_W - 56, y - 8, stroke, x + NODE_W - 30, y + 4, weak ? w->weak : w->ready);
        }
        rp_put(o, "</g>");
        i++;
    }
    // legend
    double ly = height - 14;
    rp_printf(o, "<text x=\"%d\" y=\"%.0f\" class=\"tick\">", PAD, ly);
    if (learner)
        rp_printf(o, "%s · %s · %s · %s</text>", w->legend_colour, w->legend_weak, w->legend_ready,
                  w->legend_arrow);
    else
        rp_printf(o, "%s · %s</text>", w->legend_class_colour, w->legend_arrow);
    rp_put(o, "</svg>");
    free(col), free(row);
}

void rp_svg_class_heatmap(rp_out *o, const cJSON *ev, const rp_words *w)
{
    const cJSON *concepts = RP_GET(ev, "concepts"), *learners = RP_GET(ev, "learners");
    int nc = cJSON_GetArraySize(concepts), nl = cJSON_GetArraySize(learners);
    if (!nc || !nl)
        return;
    int cw = 58, lw = 150, top = 96, rh = 22;
    int width = lw + nc * cw + 80, height = top + nl * rh + 10; // room for the last slanted label
    rp_printf(o, "<svg class=\"chart heat\" viewBox=\"0 0 %d %d\" width=\"%d\" role=\"img\" aria-label=\"%s\">",
              width, height, width, w->heatmap);
    int i = 0;
    const cJSON *c, *l;
    cJSON_ArrayForEach(c, concepts)
    {
        double x = lw + i * cw + cw / 2.0;
        rp_printf(o, "<text transform=\"translate(%.0f,%d) rotate(-40)\" class=\"tick\">", x, top - 6);
        rp_esc_fit(o, rp_str(c, "name"), 13);
        rp_put(o, "</text>");
        i++;
    }
    int r = 0;
    cJSON_ArrayForEach(l, learners)
    {
        double y = top + r * rh;
        rp_printf(o, "<text x=\"4\" y=\"%.0f\">", y + 15);
        rp_esc_fit(o, rp_str(l, "name"), 17);
        rp_put(o, "</text>");
        i = 0;
        cJSON_ArrayForEach(c, concepts)
        {
            const cJSON *cell = RP_GET(RP_GET(l, "concepts"), rp_str(c, "id"));
            bool seen = rp_num(cell, "observations") > 0;
            double v = rp_num(cell, "mastery");
            char fill[8] = "#eceef1";
            if (seen)
                rp_heat_colour(v, fill);
            rp_printf(o, "<rect x=\"%d\" y=\"%.0f\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#fff\"/>",
                      lw + i * cw, y, cw, rh, fill);
            if (seen)
                rp_printf(o, "<text x=\"%.0f\" y=\"%.0f\" class=\"cell\" text-anchor=\"middle\">%.0f</text>",
                          lw + i * cw + cw / 2.0, y + 15, v * 100);
            i++;
        }
        r++;
    }
    rp_put(o, "</svg>");
}

// Lines over weeks: one per series (values may be null = no evidence yet).
void rp_svg_weekly(rp_out *o, const cJSON *weeks, const char *const *labels, const cJSON *const *series,
                   int n, double threshold, const rp_words *w)
{
    int nw = cJSON_GetArraySize(weeks);
    if (nw == 0 || n == 0)
        return;
    int left = 40, top = 12, pw = 560, ph = 200, legend_w = 210;
    int width = left + pw + legend_w, height = top + ph + 40;
    int legend_h = top + n * 18 + 10;
    if (legend_h > height)
        height = legend_h;
    rp_printf(o, "<svg class=\"chart weekly\" viewBox=\"0 0 %d %d\" width=\"%d\" role=\"img\" aria-label=\"%s\">",
              width, height, width, w->over_time);
    for (int k = 0; k <= 4; k++) {
        double y = top + ph - ph * k / 4.0;
        rp_printf(o, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.0f\" y2=\"%.0f\"/>"
                     "<text x=\"%d\" y=\"%.0f\" class=\"tick\" text-anchor=\"end\">%d%%</text>",
                  left, left + pw, y, y, left - 4, y + 4, k * 25);
    }
    if (threshold > 0)
        rp_printf(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#1a9850\" "
                     "stroke-dasharray=\"4 3\"/>",
                  left, left + pw, top + ph - ph * threshold, top + ph - ph * threshold);
    double step = nw > 1 ? (double)pw / (nw - 1) : 0;
    int every = nw > 8 ? (nw + 7) / 8 : 1;
    for (int k = 0; k < nw; k += every)
        rp_printf(o, "<text x=\"%.0f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                  left + step * k + (nw == 1 ? pw / 2.0 : 0), top + ph + 16,
                  cJSON_GetArrayItem(weeks, k)->valuestring + 5);
    for (int s = 0; s < n; s++) {
        const char *colour = rp_state_colour(s);
        rp_printf(o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" points=\"", colour);
        int k = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, series[s])
        {
            if (cJSON_IsNumber(v))
                rp_printf(o, "%.1f,%.1f ", left + step * k + (nw == 1 ? pw / 2.0 : 0),
                          top + ph - ph * v->valuedouble);
            k++;
        }
        rp_put(o, "\"/>");
        k = 0;
        cJSON_ArrayForEach(v, series[s])
        {
            if (cJSON_IsNumber(v))
                rp_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                          left + step * k + (nw == 1 ? pw / 2.0 : 0), top + ph - ph * v->valuedouble, colour);
            k++;
        }
        rp_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">",
                  left + pw + 14, top + s * 18, colour, left + pw + 30, top + s * 18 + 11);
        rp_esc_fit(o, labels[s], 15);
        rp_put(o, "</text>");
    }
    rp_put(o, "</svg>");
}

void rp_svg_dimensions(rp_out *o, const cJSON *mine, const cJSON *median, const rp_words *w)
{
    static const char *const keys[] = {"knowledge", "engagement", "skill", "efficiency", "self_report"};
    const char *labels[] = {w->dim_knowledge, w->dim_engagement, w->dim_skill, w->dim_efficiency,
                            w->dim_self_report};
    int lw = 130, bw = 360, rh = 38, top = 8;
    int height = top + 5 * rh + 26;
    rp_printf(o, "<svg class=\"chart dims\" viewBox=\"0 0 %d %d\" width=\"%d\" role=\"img\" aria-label=\"%s\">",
              lw + bw + 70, height, lw + bw + 70, w->dimensions);
    for (int k = 0; k < 5; k++) {
        double y = top + k * rh;
        const cJSON *a = RP_GET(mine, keys[k]), *b = RP_GET(median, keys[k]);
        rp_printf(o, "<text x=\"0\" y=\"%.0f\">%s</text><rect x=\"%d\" y=\"%.0f\" width=\"%d\" height=\"26\" "
                     "fill=\"#f0f1f4\"/>",
                  y + 18, labels[k], lw, y + 2, bw);
        if (cJSON_IsNumber(a))
            rp_printf(o, "<rect class=\"mine\" x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"14\" fill=\"#3a6ea5\"/>"
                         "<text x=\"%d\" y=\"%.0f\" class=\"val\">%.0f%%</text>",
                      lw, y + 4, bw * a->valuedouble, lw + bw + 6, y + 15, a->valuedouble * 100);
        else
            rp_printf(o, "<text x=\"%d\" y=\"%.0f\" class=\"tick\">%s</text>", lw + 6, y + 15, w->no_data);
        if (cJSON_IsNumber(b))
            rp_printf(o, "<rect class=\"median\" x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"8\" fill=\"#b0b6c0\"/>",
                      lw, y + 19, bw * b->valuedouble);
    }
    rp_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\" fill=\"#3a6ea5\"/><text x=\"%d\" y=\"%d\" "
                 "class=\"tick\">%s</text><rect x=\"%d\" y=\"%d\" width=\"12\" height=\"6\" fill=\"#b0b6c0\"/>"
                 "<text x=\"%d\" y=\"%d\" class=\"tick\">%s</text></svg>",
              lw, height - 14, lw + 16, height - 5, w->this_learner, lw + 150, height - 12, lw + 166,
              height - 5, w->class_median);
}
