// SPDX-License-Identifier: Apache-2.0
// The evaluation as pages: class.html (the class's map, heatmap, weekly
// trends, lesson effectiveness, item analysis, fitted parameters) and one
// archive page per learner (learners/<account>.html). Self-contained HTML
// with inline SVG and CSS, no scripts.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_file.h"
#include "report_eval_out.h"
#include "trace/stoa_trace_report.h"

static const rp_words k_en = {
    "en", "Class evaluation", "Learner archive", "Knowledge map", "The class's map", "mastery",
    "mastered by", "not assessed yet", "weakest", "ready",
    "colour = mastery (red low, green high)", "thick dark red = weakest",
    "dashed blue = ready (prerequisites mastered)", "arrow = prerequisite",
    "colour = share of assessed learners who mastered it", "Learners x concepts",
    "Mastery over time", "Dimensions", "Knowledge", "Engagement", "Skill", "Efficiency",
    "Self-report", "no data", "this learner", "class median", "Every run", "Next lessons",
    "Nothing to recommend: every concept the curriculum's lessons teach is mastered, or its "
    "prerequisites are not yet.",
    "Item analysis", "Lesson effectiveness", "BKT parameters per concept", "Learners",
    "Class mastery by week (mean over learners with evidence)", "Self-report surveys", "class page"};

static const rp_words k_zh = {
    "zh-CN", "班级评估", "学习者档案", "知识图谱", "班级知识图谱", "掌握度", "已掌握比例",
    "尚未评估", "最薄弱", "可学习", "颜色 = 掌握度（红低绿高）", "深红粗框 = 最薄弱",
    "蓝色虚线框 = 可学习（先修已掌握）", "箭头 = 先修关系", "颜色 = 已评估学习者中掌握者的比例",
    "学习者 × 概念", "掌握度随时间变化", "多维评估", "知识", "投入", "技能", "效率", "自评",
    "无数据", "该学习者", "班级中位数", "全部学习记录", "推荐的下一课",
    "暂无推荐：课程所教概念均已掌握，或其先修尚未掌握。", "题目分析", "课程效果",
    "各概念的 BKT 参数", "学习者", "班级每周掌握度（有证据学习者的平均）", "自评问卷", "班级页面"};

const rp_words *rp_words_for(const char *language)
{
    return language && strncmp(language, "zh", 2) == 0 ? &k_zh : &k_en;
}

void rp_learner_file(const char *account, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = account; *p && n + 6 < cap; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || (c == '.' && n > 0);
        out[n++] = ok ? c : '_';
    }
    if (n == 0)
        out[n++] = '_';
    snprintf(out + n, cap - n, ".html");
}

static const char *k_css =
    "body{font-family:'DejaVu Sans','WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif;margin:0;"
    "background:#f6f7f9;color:#222;font-size:14px}main{max-width:1100px;margin:0 auto;padding:24px}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 10px;border-bottom:2px solid #dde;"
    "padding-bottom:4px}.sub{color:#667;margin:0 0 18px}.cards{display:flex;gap:12px;flex-wrap:wrap}"
    ".card{background:#fff;border:1px solid #dde;border-radius:8px;padding:12px 16px;min-width:110px}"
    ".card b{display:block;font-size:24px}.card span{color:#667;font-size:12px}"
    "section.box{background:#fff;border:1px solid #dde;border-radius:8px;padding:14px 16px;margin:12px 0;"
    "overflow-x:auto}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;"
    "border-bottom:1px solid #eee;vertical-align:top}th{font-size:12px;color:#556;font-weight:600}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.hint{color:#667;font-size:12px}"
    "li.rec{margin:6px 0}.wrong{color:#b2182b}.right{color:#1a9850;font-weight:600}"
    "svg.chart{display:block;max-width:100%;height:auto;margin:6px 0}svg text{font-family:inherit;"
    "font-size:12px;fill:#333}svg .tick{fill:#667;font-size:11px}svg .grid{stroke:#e4e6ea}"
    "svg .head{font-weight:600}svg .val{font-size:11px;fill:#223}svg .mark{fill:#fff;font-size:10px;"
    "font-weight:700}svg .cell{font-size:11px;fill:#111}a{color:#1f5fbf}";

static void page_start(rp_out *o, const rp_words *w, const char *title)
{
    rp_printf(o, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                 "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>",
              w->lang);
    rp_esc(o, title);
    rp_printf(o, "</title><style>%s</style></head><body><main>", k_css);
}

static void pct(rp_out *o, const cJSON *v)
{
    if (cJSON_IsNumber(v))
        rp_printf(o, "%.0f%%", v->valuedouble * 100);
    else
        rp_put(o, "–");
}

static const char *concept_name(const cJSON *ev, const char *id)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, RP_GET(ev, "concepts")) if (strcmp(rp_str(c, "id"), id) == 0) return rp_str(c, "name");
    return id;
}

static void weekly_chart(rp_out *o, const cJSON *ev, const cJSON *learner, const rp_words *w)
{
    const cJSON *concepts = RP_GET(ev, "concepts");
    int n = cJSON_GetArraySize(concepts), k = 0;
    const char **labels = calloc((size_t)n + 1, sizeof *labels);
    const cJSON **series = calloc((size_t)n + 1, sizeof *series);
    const cJSON *c;
    cJSON_ArrayForEach(c, concepts)
    {
        if (!labels || !series)
            break;
        const cJSON *s;
        if (learner) {
            const cJSON *cell = RP_GET(RP_GET(learner, "concepts"), rp_str(c, "id"));
            if (rp_num(cell, "observations") <= 0)
                continue; // a line only where there is evidence
            s = RP_GET(cell, "weekly");
        } else {
            s = RP_GET(RP_GET(RP_GET(RP_GET(ev, "class"), "concepts"), rp_str(c, "id")), "weekly_mean");
            bool any = false;
            const cJSON *v;
            cJSON_ArrayForEach(v, s) any |= cJSON_IsNumber(v);
            if (!any)
                continue;
        }
        labels[k] = rp_str(c, "name");
        series[k++] = s;
    }
    if (labels && series)
        rp_svg_weekly(o, RP_GET(ev, "weeks"), labels, (const cJSON *const *)series, k,
                      rp_num(RP_GET(ev, "settings"), "mastered"), w);
    free(labels);
    free(series);
}

static void runs_table(rp_out *o, const cJSON *l, const rp_words *w)
{
    bool zh = strcmp(w->lang, "zh-CN") == 0;
    rp_printf(o, "<table class=\"runs\"><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th class=n>%s</th>"
                 "<th class=n>%s</th><th class=n>%s</th><th class=n>%s</th><th class=n>%s</th>"
                 "<th class=n>%s</th><th class=n>%s</th></tr>",
              zh ? "日期" : "date", zh ? "课程" : "lesson", zh ? "完成" : "completed", zh ? "结果" : "result",
              zh ? "得分" : "score", zh ? "时长" : "time", zh ? "第几次" : "attempt",
              zh ? "首答正确" : "right first try", zh ? "错误" : "errors",
              zh ? "操作步骤一次做对（顺序错误）" : "task steps right first time (order errors)",
              zh ? "听讲解时的注意" : "attention to narration");
    const cJSON *r;
    cJSON_ArrayForEach(r, RP_GET(l, "runs"))
    {
        char t[32];
        rp_fmt_time(rp_num(r, "time_s"), t, sizeof t);
        rp_printf(o, "<tr><td>%.10s %.5s</td><td>", rp_str(r, "started"), rp_str(r, "started") + 11);
        rp_esc(o, rp_str(r, "lesson_name"));
        rp_printf(o, "</td><td>%s</td><td>%s</td><td class=n>", cJSON_IsTrue(RP_GET(r, "completed")) ? "✓" : "–",
                  rp_str(r, "result"));
        pct(o, RP_GET(r, "score_scaled"));
        rp_printf(o, "</td><td class=n>%s</td><td class=n>%.0f</td><td class=n>%.0f / %.0f</td>"
                     "<td class=n>%.0f</td>",
                  t, rp_num(r, "attempt"), rp_num(r, "right_first_try"), rp_num(r, "answers"),
                  rp_num(r, "errors"));
        if (rp_num(r, "task_steps") > 0)
            rp_printf(o, "<td class=n>%.0f / %.0f (%.0f)</td><td class=n>", rp_num(r, "task_steps_right_first_time"),
                      rp_num(r, "task_steps"), rp_num(r, "order_errors"));
        else
            rp_put(o, "<td class=n>–</td><td class=n>");
        pct(o, RP_GET(r, "narration_attention"));
        rp_put(o, "</td></tr>");
    }
    rp_put(o, "</table>");
}

static void recommendations(rp_out *o, const cJSON *l, const rp_words *w)
{
    const cJSON *recs = RP_GET(l, "recommendations");
    if (cJSON_GetArraySize(recs) == 0) {
        rp_printf(o, "<p class=\"hint\">%s</p>", w->no_recommendation);
        return;
    }
    rp_put(o, "<ol class=\"recs\">");
    const cJSON *r;
    cJSON_ArrayForEach(r, recs)
    {
        rp_put(o, "<li class=\"rec\"><b>");
        rp_esc(o, rp_str(r, "name"));
        rp_put(o, "</b> — ");
        rp_esc(o, rp_str(r, "reason"));
        rp_put(o, "</li>");
    }
    rp_put(o, "</ol>");
}

static stoa_result learner_page(const cJSON *ev, const cJSON *l, const char *dir, const rp_words *w,
                                stoa_error *err)
{
    rp_out o = {0};
    page_start(&o, w, rp_str(l, "name"));
    rp_printf(&o, "<p><a href=\"../class.html\">← %s</a></p><h1>", w->back);
    rp_esc(&o, rp_str(l, "name"));
    rp_printf(&o, "</h1><p class=\"sub\">%s · ", w->learner_title);
    rp_esc(&o, rp_str(l, "account"));
    rp_printf(&o, " · %d runs</p>", cJSON_GetArraySize(RP_GET(l, "runs")));
    rp_printf(&o, "<h2>%s</h2><section class=\"box\">", w->knowledge_map);
    rp_svg_knowledge_map(&o, RP_GET(ev, "concepts"), l, NULL, w);
    rp_printf(&o, "</section><h2>%s</h2><section class=\"box\">", w->recommendations);
    recommendations(&o, l, w);
    rp_printf(&o, "</section><h2>%s</h2><section class=\"box\">", w->dimensions);
    rp_svg_dimensions(&o, RP_GET(l, "dimensions"), RP_GET(RP_GET(ev, "class"), "dimensions_median"), w);
    rp_printf(&o, "<p class=\"hint\">docs/curriculum-format.md defines each dimension.</p></section>"
                  "<h2>%s</h2><section class=\"box\">", w->over_time);
    weekly_chart(&o, ev, l, w);
    rp_printf(&o, "</section><h2>%s</h2><section class=\"box\">", w->runs);
    runs_table(&o, l, w);
    rp_put(&o, "</section></main></body></html>\n");
    char name[300], path[4400];
    rp_learner_file(rp_str(l, "account"), name, sizeof name);
    snprintf(path, sizeof path, "%s/learners/%s", dir, name);
    stoa_result r = o.oom ? stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", path)
                          : stoa_file_write_atomic(path, o.p, o.n, err);
    free(o.p);
    return r;
}

static void items_table(rp_out *o, const cJSON *ev, const rp_words *w)
{
    bool zh = strcmp(w->lang, "zh-CN") == 0;
    rp_printf(o, "<table class=\"items\"><tr><th>%s</th><th>%s</th><th class=n>%s</th><th class=n>%s</th>"
                 "<th class=n>%s</th><th>%s</th></tr>",
              zh ? "题目" : "question", zh ? "概念" : "concepts", zh ? "学习者" : "learners",
              zh ? "难度（首答正确率）" : "difficulty (right first try)", zh ? "区分度" : "discrimination",
              zh ? "各选项被选比例" : "how often each choice is picked");
    const cJSON *it;
    cJSON_ArrayForEach(it, RP_GET(ev, "items"))
    {
        rp_put(o, "<tr><td>");
        rp_esc(o, rp_str(it, "name"));
        rp_put(o, "</td><td>");
        const cJSON *c;
        int k = 0;
        cJSON_ArrayForEach(c, RP_GET(it, "concepts"))
        {
            rp_put(o, k++ ? ", " : "");
            rp_esc(o, concept_name(ev, c->valuestring));
        }
        rp_printf(o, "</td><td class=n>%.0f</td><td class=n>", rp_num(it, "learners"));
        pct(o, RP_GET(it, "difficulty"));
        rp_put(o, "</td><td class=n>");
        const cJSON *d = RP_GET(it, "discrimination");
        if (cJSON_IsNumber(d))
            rp_printf(o, "%.2f", d->valuedouble);
        else
            rp_put(o, "–");
        rp_put(o, "</td><td>");
        const cJSON *r;
        k = 0;
        cJSON_ArrayForEach(r, RP_GET(it, "responses"))
        {
            bool ok = cJSON_IsTrue(RP_GET(r, "correct"));
            rp_printf(o, "%s<span class=\"%s\">", k++ ? " · " : "", ok ? "right" : "wrong");
            rp_esc(o, rp_str(r, "response"));
            rp_printf(o, "</span> %.0f%%", rp_num(r, "rate") * 100);
        }
        rp_put(o, "</td></tr>");
    }
    rp_put(o, "</table>");
}

static void lessons_table(rp_out *o, const cJSON *ev, const rp_words *w)
{
    bool zh = strcmp(w->lang, "zh-CN") == 0;
    rp_printf(o, "<table class=\"lessons\"><tr><th>%s</th><th class=n>%s</th><th class=n>%s</th>"
                 "<th class=n>%s</th><th class=n>%s</th></tr>",
              zh ? "课程" : "lesson", zh ? "学习者" : "learners", zh ? "课前掌握度" : "mastery before",
              zh ? "课后掌握度" : "mastery after", zh ? "提升" : "gain");
    const cJSON *l;
    cJSON_ArrayForEach(l, RP_GET(ev, "lessons"))
    {
        rp_put(o, "<tr><td>");
        rp_esc(o, rp_str(l, "name"));
        rp_printf(o, "</td><td class=n>%.0f</td><td class=n>", rp_num(l, "learners"));
        pct(o, RP_GET(l, "mastery_before"));
        rp_put(o, "</td><td class=n>");
        pct(o, RP_GET(l, "mastery_after"));
        rp_put(o, "</td><td class=n>");
        const cJSON *g = RP_GET(l, "gain");
        if (cJSON_IsNumber(g))
            rp_printf(o, "%+.0f pts", g->valuedouble * 100);
        rp_put(o, "</td></tr>");
    }
    rp_put(o, "</table>");
}

static void params_table(rp_out *o, const cJSON *ev, const rp_words *w)
{
    bool zh = strcmp(w->lang, "zh-CN") == 0;
    rp_printf(o, "<table class=\"params\"><tr><th>%s</th><th class=n>prior</th><th class=n>learn</th>"
                 "<th class=n>guess</th><th class=n>slip</th><th class=n>%s</th><th class=n>%s</th>"
                 "<th>%s</th></tr>",
              zh ? "概念" : "concept", zh ? "作答数" : "answers", zh ? "学习者" : "learners",
              zh ? "来源" : "source");
    const cJSON *c;
    cJSON_ArrayForEach(c, RP_GET(ev, "concepts"))
    {
        const cJSON *b = RP_GET(c, "bkt");
        rp_put(o, "<tr><td>");
        rp_esc(o, rp_str(c, "name"));
        rp_printf(o, "</td><td class=n>%.3f</td><td class=n>%.3f</td><td class=n>%.3f</td><td class=n>%.3f</td>"
                     "<td class=n>%.0f</td><td class=n>%.0f</td><td>%s</td></tr>",
                  rp_num(b, "prior"), rp_num(b, "learn"), rp_num(b, "guess"), rp_num(b, "slip"),
                  rp_num(b, "observations"), rp_num(b, "learners"),
                  cJSON_IsTrue(RP_GET(b, "fitted")) ? (zh ? "EM 拟合" : "fitted (EM)")
                                                    : (zh ? "默认值（数据不足）" : "defaults (too little data)"));
    }
    rp_put(o, "</table>");
}

static void surveys_table(rp_out *o, const cJSON *ev)
{
    const cJSON *s;
    rp_put(o, "<table class=\"surveys\">");
    cJSON_ArrayForEach(s, RP_GET(ev, "surveys"))
    {
        rp_put(o, "<tr><td>");
        rp_esc(o, rp_str(s, "name"));
        rp_put(o, "</td><td>");
        const cJSON *r;
        int k = 0;
        cJSON_ArrayForEach(r, RP_GET(s, "responses"))
        {
            rp_put(o, k++ ? " · " : "");
            rp_esc(o, rp_str(r, "response"));
            rp_printf(o, ": %.0f", rp_num(r, "count"));
        }
        rp_put(o, "</td></tr>");
    }
    rp_put(o, "</table>");
}

static void learners_list(rp_out *o, const cJSON *ev, const rp_words *w)
{
    bool zh = strcmp(w->lang, "zh-CN") == 0;
    rp_printf(o, "<table class=\"learners\"><tr><th>%s</th><th>%s</th><th>%s</th></tr>",
              zh ? "学习者" : "learner", zh ? "最薄弱的概念" : "weakest concepts",
              zh ? "推荐的下一课" : "next lesson");
    const cJSON *l;
    cJSON_ArrayForEach(l, RP_GET(ev, "learners"))
    {
        char file[300];
        rp_learner_file(rp_str(l, "account"), file, sizeof file);
        rp_put(o, "<tr><td><a href=\"learners/");
        rp_esc(o, file);
        rp_put(o, "\">");
        rp_esc(o, rp_str(l, "name"));
        rp_put(o, "</a></td><td>");
        const cJSON *c;
        int k = 0;
        cJSON_ArrayForEach(c, RP_GET(l, "weakest"))
        {
            rp_put(o, k++ ? ", " : "");
            rp_esc(o, concept_name(ev, c->valuestring));
        }
        rp_put(o, "</td><td>");
        const cJSON *first = cJSON_GetArrayItem(RP_GET(l, "recommendations"), 0);
        if (first)
            rp_esc(o, rp_str(first, "name"));
        rp_put(o, "</td></tr>");
    }
    rp_put(o, "</table>");
}

static stoa_result class_page(const cJSON *ev, const char *dir, const rp_words *w, stoa_error *err)
{
    rp_out o = {0};
    page_start(&o, w, w->class_title);
    rp_printf(&o, "<h1>%s</h1><p class=\"sub\">", w->class_title);
    const cJSON *weeks = RP_GET(ev, "weeks");
    int nw = cJSON_GetArraySize(weeks);
    if (nw)
        rp_printf(&o, "%s – %s", cJSON_GetArrayItem(weeks, 0)->valuestring,
                  cJSON_GetArrayItem(weeks, nw - 1)->valuestring);
    rp_printf(&o, "</p><div class=\"cards\"><div class=\"card\"><b>%d</b><span>%s</span></div>"
                  "<div class=\"card\"><b>%d</b><span>concepts</span></div><div class=\"card\"><b>%d</b>"
                  "<span>lessons</span></div><div class=\"card\"><b>%d</b><span>weeks</span></div></div>",
              cJSON_GetArraySize(RP_GET(ev, "learners")), w->learners,
              cJSON_GetArraySize(RP_GET(ev, "concepts")), cJSON_GetArraySize(RP_GET(ev, "lessons")), nw);
    rp_printf(&o, "<h2>%s</h2><section class=\"box\">", w->learners);
    learners_list(&o, ev, w);
    rp_printf(&o, "</section><h2>%s</h2><section class=\"box\">", w->class_map);
    rp_svg_knowledge_map(&o, RP_GET(ev, "concepts"), NULL, RP_GET(ev, "class"), w);
    rp_printf(&o, "</section><h2>%s</h2><section class=\"box\">", w->heatmap);
    rp_svg_class_heatmap(&o, ev, w);
    rp_printf(&o, "</section><h2>%s</h2><section class=\"box\">", w->trends);
    weekly_chart(&o, ev, NULL, w);
    rp_printf(&o, "</section><h2>%s</h2><section class=\"box\">", w->lessons);
    lessons_table(&o, ev, w);
    rp_printf(&o, "</section><h2>%s</h2><section class=\"box\">", w->items);
    items_table(&o, ev, w);
    rp_put(&o, "</section>");
    if (cJSON_GetArraySize(RP_GET(ev, "surveys"))) {
        rp_printf(&o, "<h2>%s</h2><section class=\"box\">", w->surveys);
        surveys_table(&o, ev);
        rp_put(&o, "</section>");
    }
    rp_printf(&o, "<h2>%s</h2><section class=\"box\">", w->params);
    params_table(&o, ev, w);
    rp_put(&o, "</section><p class=\"hint\">Made by stoa report. Mastery: Bayesian Knowledge Tracing; "
               "see docs/curriculum-format.md.</p></main></body></html>\n");
    char path[4200];
    snprintf(path, sizeof path, "%s/class.html", dir);
    stoa_result r = o.oom ? stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", path)
                          : stoa_file_write_atomic(path, o.p, o.n, err);
    free(o.p);
    return r;
}

stoa_result stoa_report_write_eval_html(const cJSON *ev, const char *dir, const char *language,
                                        stoa_error *err)
{
    const rp_words *w = rp_words_for(language);
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/learners", dir);
    if (mkdir(sub, 0755) != 0 && errno != EEXIST)
        return stoa_error_set(err, STOA_ERROR_IO, "cannot make folder %s: %s", sub, strerror(errno));
    stoa_result r = class_page(ev, dir, w, err);
    const cJSON *l;
    cJSON_ArrayForEach(l, RP_GET(ev, "learners"))
    {
        if (r != STOA_OK)
            break;
        r = learner_page(ev, l, dir, w, err);
    }
    return r;
}
