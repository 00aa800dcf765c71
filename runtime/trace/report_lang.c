// SPDX-License-Identifier: Apache-2.0
// The lesson report in Chinese (`stoa report --lang zh-CN`, the hub's reports in
// the teacher's language): each English fragment report_html.c writes, with
// its Chinese text. A fragment with printf conversions keeps them in order
// (an English plural's "%s" becomes "%.0s": nothing is printed for it).
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_out.h"

static const char *const k_zh[][2] = {
    {"<div class=\"card\"><b>%d</b><span>learners</span></div>",
     "<div class=\"card\"><b>%d</b><span>名学生</span></div>"},
    {"<div class=\"card\"><b>%d / %d</b><span>completed the lesson</span></div>",
     "<div class=\"card\"><b>%d / %d</b><span>完成了课程</span></div>"},
    {"<div class=\"card\"><b>%d / %d</b><span>passed</span></div>",
     "<div class=\"card\"><b>%d / %d</b><span>通过</span></div>"},
    {"<div class=\"card\"><b>%.0f%%</b><span>median score (%.0f%%–%.0f%%)</span></div>",
     "<div class=\"card\"><b>%.0f%%</b><span>得分中位数（%.0f%%–%.0f%%）</span></div>"},
    {"</b><span>median time in the lesson</span></div></div>",
     "</b><span>课程用时中位数</span></div></div>"},
    {"<section class=\"box\"><table><tr><th>learner</th><th>result</th><th class=\"n\">score</th><th class=\"n\">attempts</th><th class=\"n\">time</th><th class=\"n\">idle</th><th class=\"n\">right first try</th></tr>",
     "<section class=\"box\"><table><tr><th>学生</th><th>结果</th><th class=\"n\">得分</th><th class=\"n\">尝试次数</th><th class=\"n\">用时</th><th class=\"n\">空闲</th><th class=\"n\">首次答对</th></tr>"},
    {"<section class=\"box\"><p class=\"hint\">Time each learner spent in each part of the lesson (pauses not counted). <em>Stuck</em>: the learner's last attempt ended there unfinished, or they took more than twice the class median (and 30 s more).</p><table><tr><th>part of the lesson</th><th>median time</th><th class=\"n\">longest</th><th class=\"n\">learners</th><th>stuck</th></tr>",
     "<section class=\"box\"><p class=\"hint\">每名学生在课程各部分所用的时间（不含暂停）。<em>卡住</em>：学生最后一次尝试在这里没有完成，或用时超过全班中位数的两倍（且多出 30 秒以上）。</p><table><tr><th>课程部分</th><th>用时中位数</th><th class=\"n\">最长</th><th class=\"n\">学生</th><th>卡住</th></tr>"},
    {"<h2>Questions most often answered wrongly</h2><section class=\"box\"><table><tr><th>question</th><th>wrong on the first try</th><th class=\"n\">wrong answers</th><th class=\"n\">mean time to answer</th></tr>",
     "<h2>最常答错的题目</h2><section class=\"box\"><table><tr><th>题目</th><th>第一次答错</th><th class=\"n\">错误答案</th><th class=\"n\">平均答题时间</th></tr>"},
    {"</td><td><span class=\"bar\" style=\"width:%.0fpx\"></span>%.0f of %.0f learners</td><td class=\"n\">%.0f of %.0f</td><td class=\"n\">",
     "</td><td><span class=\"bar\" style=\"width:%.0fpx\"></span>%.0f / %.0f 名学生</td><td class=\"n\">%.0f / %.0f</td><td class=\"n\">"},
    {"<span><i style=\"background:repeating-linear-gradient(45deg,#bbb 0 3px,#fff 3px 6px)\"></i>idle</span><span><i style=\"background:#555\"></i>paused</span><span>✓ / ✗ answers</span></div>",
     "<span><i style=\"background:repeating-linear-gradient(45deg,#bbb 0 3px,#fff 3px 6px)\"></i>空闲</span><span><i style=\"background:#555\"></i>暂停</span><span>✓ / ✗ 答案</span></div>"},
    {"<table><tr><th>question</th><th>answers (in order)</th><th class=\"n\">time to answer</th></tr>",
     "<table><tr><th>题目</th><th>答案（按顺序）</th><th class=\"n\">答题时间</th></tr>"},
    {"<span class=\"muted\">not answered</span>",
     "<span class=\"muted\">未作答</span>"},
    {" &nbsp;score ",
     " &nbsp;得分 "},
    {" · %.0f attempt%s · ",
     " · %.0f 次尝试%.0s · "},
    {" in the lesson · idle ",
     " 在课程中 · 空闲 "},
    {"<p class=\"hint\">attempt %d — started ",
     "<p class=\"hint\">第 %d 次尝试 — 开始于 "},
    {"<p class=\"hint\">started ",
     "<p class=\"hint\">开始于 "},
    {" · <b>interrupted</b> (no proper end in the log)",
     " · <b>中断</b>（记录中没有正常结束）"},
    {"<p class=\"hint\">What they looked at, and for how long (★ = a key object of the lesson):</p>",
     "<p class=\"hint\">他们看了什么、看了多久（★ = 课程的关键物体）：</p>"},
    {"<p class=\"sub\">Lesson report · ",
     "<p class=\"sub\">课程报告 · "},
    {"<h2>Learners</h2>",
     "<h2>学生</h2>"},
    {"<h2>Concept mastery</h2><section class=\"box\"><p class=\"hint\">Share of answers that were right on the questions of each concept (right / answers). Red cells show who needs help with what.</p>",
     "<h2>概念掌握情况</h2><section class=\"box\"><p class=\"hint\">每个概念的题目中答对的比例（答对 / 作答）。红色格子表示谁在哪方面需要帮助。</p>"},
    {"<h2>Score distribution</h2><section class=\"box\">",
     "<h2>得分分布</h2><section class=\"box\">"},
    {"<h2>Where learners spent their time</h2>",
     "<h2>学生把时间花在哪里</h2>"},
    {"<h2>Each learner</h2>",
     "<h2>每名学生</h2>"},
    {"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Stoa lesson report</title><style>",
     "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Stoa 课程报告</title><style>"},
    {"<h1>No lesson runs found</h1><p>The trace files held no valid statements.</p>",
     "<h1>没有找到课程记录</h1><p>记录文件中没有有效的语句。</p>"},
    {"<p class=\"hint\" style=\"margin-top:32px\">Made by stoa report on ",
     "<p class=\"hint\" style=\"margin-top:32px\">由 stoa report 生成于 "},
    {" from %d trace file%s. Idle = no action for %.0f s or more.</p></main></body></html>\n",
     "，来自 %d 个记录文件%.0s。空闲 = %.0f 秒或更长时间没有动作。</p></main></body></html>\n"},
    {"passed",
     "通过"},
    {"failed",
     "未通过"},
    {"completed",
     "已完成"},
    {"not finished",
     "未完成"},
};

const char *rp_tr(const rp_out *o, const char *en)
{
    if (!o->zh)
        return en;
    for (size_t i = 0; i < sizeof k_zh / sizeof *k_zh; i++)
        if (strcmp(k_zh[i][0], en) == 0)
            return k_zh[i][1];
    return en;
}

void rp_fmt_time_lang(const rp_out *o, double s, char *out, size_t cap)
{
    if (!o->zh) {
        rp_fmt_time(s, out, cap);
        return;
    }
    if (s < 0)
        s = 0;
    long t = lround(s);
    if (s < 10 && fabs(s - (double)t) > 0.05)
        snprintf(out, cap, "%.1f 秒", s);
    else if (t < 60)
        snprintf(out, cap, "%ld 秒", t);
    else if (t < 3600 && t % 60 == 0)
        snprintf(out, cap, "%ld 分钟", t / 60);
    else if (t < 3600)
        snprintf(out, cap, "%ld 分 %02ld 秒", t / 60, t % 60);
    else
        snprintf(out, cap, "%ld 小时 %02ld 分", t / 3600, t / 60 % 60);
}
