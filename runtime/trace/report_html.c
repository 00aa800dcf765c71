// SPDX-License-Identifier: Apache-2.0
// The report as one self-contained HTML page for a teacher: summary first,
// then where the class struggled, then each learner. No scripts, no
// external fonts or styles; names may be in any language (UTF-8).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "report_out.h"
#include "trace/stoa_trace_report.h"

static const char *k_css =
    "body{font-family:'DejaVu Sans','WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif;"
    "margin:0;background:#f6f7f9;color:#222;font-size:14px}"
    "main{max-width:960px;margin:0 auto;padding:24px}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 10px;border-bottom:2px solid "
    "#dde;padding-bottom:4px}h3{font-size:16px;margin:0}"
    ".sub{color:#667;margin:0 0 18px}.cards{display:flex;gap:12px;flex-wrap:wrap}"
    ".card{background:#fff;border:1px solid #dde;border-radius:8px;padding:12px 16px;min-width:120px}"
    ".card b{display:block;font-size:24px}.card span{color:#667;font-size:12px}"
    "section.box,.learner{background:#fff;border:1px solid #dde;border-radius:8px;padding:14px 16px;"
    "margin:12px 0}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;"
    "border-bottom:1px solid #eee;vertical-align:top}th{font-size:12px;color:#556;font-weight:600}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;color:#fff}"
    ".passed{background:#1a9850}.failed{background:#d73027}.none{background:#889}"
    ".bar{display:inline-block;height:10px;background:#d73027;border-radius:2px;vertical-align:middle;"
    "margin-right:6px}.muted{fill:#999;color:#999}.hint{color:#667;font-size:12px;margin:4px 0 8px}"
    ".legend span{display:inline-block;margin:0 12px 4px 0;font-size:12px}"
    ".legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;"
    "vertical-align:-1px}.head-row{display:flex;justify-content:space-between;align-items:baseline;"
    "flex-wrap:wrap;gap:8px}.facts{color:#445;font-size:13px}"
    "svg.chart{display:block;max-width:100%;height:auto;margin:6px 0}"
    "svg text{font-family:inherit;font-size:12px;fill:#333}svg .tick{fill:#778;font-size:11px}"
    "svg .grid{stroke:#e4e6ea}svg .head{font-weight:600}svg .strong{font-weight:700}"
    "svg .cell{font-size:12px;fill:#111}svg .seg{font-size:12px;fill:#123}"
    "svg .mark{fill:#fff;font-size:10px;font-weight:700}svg .val{font-size:11px;fill:#334}"
    "svg .axis{fill:#556;font-size:12px}";

static void fmt_time(rp_out *o, double s)
{
    char t[32];
    rp_fmt_time_lang(o, s, t, sizeof t);
    rp_put(o, t);
}

// "2026-11-28T10:00:00.000Z" -> "2026-11-28 10:00 UTC" for people.
static void when(rp_out *o, const char *iso)
{
    if (strlen(iso) >= 16 && iso[10] == 'T')
        rp_printf(o, "%.10s %.5s UTC", iso, iso + 11);
    else
        rp_esc(o, iso);
}

static void badge(rp_out *o, const char *result, bool completed)
{
    const char *label = strcmp(result, "passed") == 0   ? "passed"
                        : strcmp(result, "failed") == 0 ? "failed"
                        : completed                     ? "completed"
                                                        : "not finished";
    rp_printf(o, "<span class=\"badge %s\">%s</span>",
              strcmp(result, "passed") == 0 || strcmp(result, "failed") == 0 ? result : "none",
              rp_tr(o, label));
}

static void score_text(rp_out *o, const cJSON *l)
{
    if (RP_GET(l, "score_scaled"))
        rp_printf(o, "%.0f%%", rp_num(l, "score_scaled") * 100);
    else
        rp_put(o, "—");
}

static void summary(rp_out *o, const cJSON *les)
{
    const cJSON *cls = RP_GET(les, "class"), *sc = RP_GET(cls, "score_scaled");
    int n = (int)rp_num(cls, "learners");
    rp_put(o, "<div class=\"cards\">");
    rp_printf(o, rp_tr(o, "<div class=\"card\"><b>%d</b><span>learners</span></div>"), n);
    rp_printf(o, rp_tr(o, "<div class=\"card\"><b>%d / %d</b><span>completed the lesson</span></div>"),
              (int)rp_num(cls, "completed"), n);
    // Only a lesson with a pass rule passes or fails anyone: without one,
    // "0 / N passed" would read as a class that failed.
    if (rp_num(cls, "passed") + rp_num(cls, "failed") > 0)
        rp_printf(o, rp_tr(o, "<div class=\"card\"><b>%d / %d</b><span>passed</span></div>"),
                  (int)rp_num(cls, "passed"), n);
    if (rp_num(sc, "count") > 0)
        rp_printf(o, rp_tr(o, "<div class=\"card\"><b>%.0f%%</b><span>median score (%.0f%%–%.0f%%)</span></div>"),
                  rp_num(sc, "median") * 100, rp_num(sc, "min") * 100, rp_num(sc, "max") * 100);
    rp_put(o, "<div class=\"card\"><b>");
    fmt_time(o, rp_num(RP_GET(cls, "time_s"), "median"));
    rp_put(o, rp_tr(o, "</b><span>median time in the lesson</span></div></div>"));
}

static void learners_table(rp_out *o, const cJSON *les)
{
    rp_put(o, rp_tr(o, "<section class=\"box\"><table><tr><th>learner</th><th>result</th><th class=\"n\">"
              "score</th><th class=\"n\">attempts</th><th class=\"n\">time</th><th class=\"n\">"
              "idle</th><th class=\"n\">right first try</th></tr>"));
    const cJSON *l;
    cJSON_ArrayForEach(l, RP_GET(les, "learners"))
    {
        rp_put(o, "<tr><td>");
        rp_esc(o, rp_str(l, "name"));
        if (RP_GET(l, "device")) { // the seat: "headset" or "desktop"
            rp_put(o, " <span class=\"hint\">(");
            rp_esc(o, rp_str(l, "device"));
            rp_put(o, ")</span>");
        }
        rp_put(o, "</td><td>");
        badge(o, rp_str(l, "result"), cJSON_IsTrue(RP_GET(l, "completed")));
        rp_put(o, "</td><td class=\"n\">");
        score_text(o, l);
        rp_printf(o, "</td><td class=\"n\">%.0f</td><td class=\"n\">", rp_num(l, "attempts"));
        fmt_time(o, rp_num(l, "time_s"));
        rp_put(o, "</td><td class=\"n\">");
        fmt_time(o, rp_num(l, "idle_s"));
        rp_printf(o, "</td><td class=\"n\">%.0f / %.0f</td></tr>",
                  rp_num(l, "questions_right_first_try"), rp_num(l, "questions_answered"));
    }
    rp_put(o, "</table></section>");
}

static void stuck_table(rp_out *o, const cJSON *les)
{
    const cJSON *s;
    double max = 0.001;
    cJSON_ArrayForEach(s, RP_GET(RP_GET(les, "class"), "states"))
        max = fmax(max, rp_num(RP_GET(s, "time_s"), "max"));
    rp_put(o, rp_tr(o, "<section class=\"box\"><p class=\"hint\">Time each learner spent in each part of the "
              "lesson (pauses not counted). <em>Stuck</em>: the learner's last attempt ended there "
              "unfinished, or they took more than twice the class median (and 30 s more).</p>"
              "<table><tr><th>part of the lesson</th><th>median time</th><th class=\"n\">longest"
              "</th><th class=\"n\">learners</th><th>stuck</th></tr>"));
    cJSON_ArrayForEach(s, RP_GET(RP_GET(les, "class"), "states"))
    {
        const cJSON *t = RP_GET(s, "time_s");
        rp_put(o, "<tr><td>");
        rp_esc(o, rp_str(s, "name"));
        rp_printf(o, "</td><td><span class=\"bar\" style=\"background:#7aa6cf;width:%.0fpx\"></span>",
                  160 * rp_num(t, "median") / max);
        fmt_time(o, rp_num(t, "median"));
        rp_put(o, "</td><td class=\"n\">");
        fmt_time(o, rp_num(t, "max"));
        rp_printf(o, "</td><td class=\"n\">%.0f</td><td>", rp_num(s, "learners"));
        const cJSON *who;
        bool first = true;
        cJSON_ArrayForEach(who, RP_GET(s, "stuck"))
        {
            rp_put(o, first ? "<b>" : ", <b>");
            rp_esc(o, who->valuestring);
            rp_put(o, "</b>");
            first = false;
        }
        rp_put(o, "</td></tr>");
    }
    rp_put(o, "</table></section>");
}

static void missed_table(rp_out *o, const cJSON *les)
{
    const cJSON *qs = RP_GET(RP_GET(les, "class"), "questions");
    if (cJSON_GetArraySize(qs) == 0)
        return;
    rp_put(o, rp_tr(o, "<h2>Questions most often answered wrongly</h2><section class=\"box\"><table><tr>"
              "<th>question</th><th>wrong on the first try</th><th class=\"n\">wrong answers</th>"
              "<th class=\"n\">mean time to answer</th></tr>"));
    const cJSON *q;
    cJSON_ArrayForEach(q, qs)
    {
        rp_put(o, "<tr><td>");
        rp_esc(o, rp_str(q, "name"));
        rp_printf(o, rp_tr(o, "</td><td><span class=\"bar\" style=\"width:%.0fpx\"></span>%.0f of %.0f "
                     "learners</td><td class=\"n\">%.0f of %.0f</td><td class=\"n\">"),
                  120 * rp_num(q, "wrong_first_try_rate"), rp_num(q, "wrong_first_try"),
                  rp_num(q, "learners"), rp_num(q, "wrong_answers"), rp_num(q, "answers"));
        fmt_time(o, rp_num(q, "mean_time_to_answer_s"));
        rp_put(o, "</td></tr>");
    }
    rp_put(o, "</table></section>");
}

static void state_legend(rp_out *o, const cJSON *les)
{
    rp_put(o, "<div class=\"legend\">");
    int i = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, RP_GET(RP_GET(les, "class"), "states"))
    {
        rp_printf(o, "<span><i style=\"background:%s\"></i>", rp_state_colour(i++));
        rp_esc(o, rp_str(s, "name"));
        rp_put(o, "</span>");
    }
    rp_put(o, rp_tr(o, "<span><i style=\"background:repeating-linear-gradient(45deg,#bbb 0 "
              "3px,#fff 3px 6px)\"></i>idle</span><span><i style=\"background:#555\"></i>paused"
              "</span><span>✓ / ✗ answers</span></div>"));
}

static void learner_answers(rp_out *o, const cJSON *run)
{
    const cJSON *q, *a;
    if (cJSON_GetArraySize(RP_GET(run, "questions")) == 0)
        return;
    rp_put(o, rp_tr(o, "<table><tr><th>question</th><th>answers (in order)</th><th class=\"n\">time to "
              "answer</th></tr>"));
    cJSON_ArrayForEach(q, RP_GET(run, "questions"))
    {
        rp_put(o, "<tr><td>");
        rp_esc(o, rp_str(q, "name"));
        rp_put(o, "</td><td>");
        bool any = false;
        cJSON_ArrayForEach(a, RP_GET(q, "answers"))
        {
            bool ok = cJSON_IsTrue(RP_GET(a, "success"));
            rp_printf(o, "<span style=\"color:%s\">%s ", ok ? "#1a7f45" : "#c0392b", ok ? "✓" : "✗");
            rp_esc(o, rp_str(a, "response"));
            rp_put(o, "</span> &nbsp;");
            any = true;
        }
        if (!any)
            rp_put(o, rp_tr(o, "<span class=\"muted\">not answered</span>"));
        rp_put(o, "</td><td class=\"n\">");
        if (RP_GET(q, "time_to_answer_s"))
            fmt_time(o, rp_num(q, "time_to_answer_s"));
        rp_put(o, "</td></tr>");
    }
    rp_put(o, "</table>");
}

static void learner_section(rp_out *o, const cJSON *les, const cJSON *l)
{
    rp_put(o, "<div class=\"learner\"><div class=\"head-row\"><h3>");
    rp_esc(o, rp_str(l, "name"));
    rp_put(o, "</h3><div class=\"facts\">");
    badge(o, rp_str(l, "result"), cJSON_IsTrue(RP_GET(l, "completed")));
    rp_put(o, rp_tr(o, " &nbsp;score "));
    score_text(o, l);
    rp_printf(o, rp_tr(o, " · %.0f attempt%s · "), rp_num(l, "attempts"), rp_num(l, "attempts") == 1 ? "" : "s");
    fmt_time(o, rp_num(l, "time_s"));
    rp_put(o, rp_tr(o, " in the lesson · idle "));
    fmt_time(o, rp_num(l, "idle_s"));
    rp_put(o, "</div></div>");
    const cJSON *run;
    int k = 0, n = cJSON_GetArraySize(RP_GET(l, "runs"));
    cJSON_ArrayForEach(run, RP_GET(l, "runs"))
    {
        k++;
        if (n > 1)
            rp_printf(o, rp_tr(o, "<p class=\"hint\">attempt %d — started "), k);
        else
            rp_put(o, rp_tr(o, "<p class=\"hint\">started "));
        when(o, rp_str(run, "started"));
        if (!cJSON_IsTrue(RP_GET(run, "terminated")))
            rp_put(o, rp_tr(o, " · <b>interrupted</b> (no proper end in the log)"));
        rp_put(o, "</p>");
        rp_svg_timeline(o, run, RP_GET(RP_GET(les, "class"), "states"));
        learner_answers(o, run);
    }
    if (cJSON_GetArraySize(RP_GET(l, "attention")) > 0) {
        rp_put(o, rp_tr(o, "<p class=\"hint\">What they looked at, and for how long (★ = a key object of the "
                  "lesson):</p>"));
        rp_svg_attention(o, RP_GET(l, "attention"));
    }
    rp_put(o, "</div>");
}

static void lesson_html(rp_out *o, const cJSON *les)
{
    rp_put(o, "<h1>");
    rp_esc(o, rp_str(les, "name"));
    rp_put(o, "</h1>");
    // Put, not printed: a translation may hold a %.
    rp_put(o, rp_tr(o, "<p class=\"sub\">Lesson report · "));
    rp_esc(o, rp_str(les, "id"));
    rp_put(o, "</p>");
    summary(o, les);
    rp_put(o, rp_tr(o, "<h2>Learners</h2>"));
    learners_table(o, les);
    if (cJSON_GetArraySize(RP_GET(les, "concepts")) > 0) {
        rp_put(o, rp_tr(o, "<h2>Concept mastery</h2><section class=\"box\"><p class=\"hint\">Share of "
                  "answers that were right on the questions of each concept (right / answers). "
                  "Red cells show who needs help with what.</p>"));
        rp_svg_heat_table(o, les);
        rp_put(o, "</section>");
    }
    if (rp_num(RP_GET(RP_GET(les, "class"), "score_scaled"), "count") > 0) {
        rp_put(o, rp_tr(o, "<h2>Score distribution</h2><section class=\"box\">"));
        rp_svg_histogram(o, RP_GET(les, "class"));
        rp_put(o, "</section>");
    }
    rp_put(o, rp_tr(o, "<h2>Where learners spent their time</h2>"));
    stuck_table(o, les);
    missed_table(o, les);
    rp_put(o, rp_tr(o, "<h2>Each learner</h2>"));
    state_legend(o, les);
    const cJSON *l;
    cJSON_ArrayForEach(l, RP_GET(les, "learners")) learner_section(o, les, l);
}

stoa_result stoa_report_write_html(const cJSON *report, const char *path, stoa_error *err)
{
    rp_out o = {.zh = strncmp(rp_str(report, "language"), "zh", 2) == 0};
    rp_put(&o, rp_tr(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
               "<title>Stoa lesson report</title><style>"));
    rp_put(&o, k_css);
    rp_put(&o, "</style></head><body><main>"
               "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs>"
               "<pattern id=\"idle-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
               "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
               "<rect width=\"3\" height=\"6\" fill=\"#bbb\"/></pattern>"
               "<pattern id=\"pause-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
               "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#555\"/>"
               "<rect width=\"2\" height=\"6\" fill=\"#888\"/></pattern></defs></svg>");
    const cJSON *les;
    int n = 0;
    cJSON_ArrayForEach(les, RP_GET(report, "lessons"))
    {
        lesson_html(&o, les);
        n++;
    }
    if (n == 0)
        rp_put(&o, rp_tr(&o, "<h1>No lesson runs found</h1><p>The trace files held no valid statements.</p>"));
    rp_put(&o, rp_tr(&o, "<p class=\"hint\" style=\"margin-top:32px\">Made by stoa report on "));
    when(&o, rp_str(report, "generated_at"));
    rp_printf(&o, rp_tr(&o, " from %d trace file%s. Idle = no action for %.0f s or more.</p></main></body></html>\n"),
              cJSON_GetArraySize(RP_GET(report, "files")),
              cJSON_GetArraySize(RP_GET(report, "files")) == 1 ? "" : "s",
              rp_num(report, "idle_threshold_s"));
    stoa_result r = o.oom ? stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", path)
                          : stoa_file_write_atomic(path, o.p, o.n, err);
    free(o.p);
    return r;
}
