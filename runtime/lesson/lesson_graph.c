// SPDX-License-Identifier: Apache-2.0
// The state graph as Graphviz DOT, and one-line trigger descriptions.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/stoa_lesson_check.h"
#include "lesson_internal.h"

typedef struct sbuf {
    char *data;
    size_t len, cap;
    bool failed;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

// A DOT double-quoted string: quotes and backslashes escaped, newlines as \n.
static void sb_quoted(sbuf *b, const char *s)
{
    sb_add(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sb_add(b, "\\", 1);
        if (*s == '\n')
            sb_add(b, "\\n", 2);
        else if (*s != '\r')
            sb_add(b, s, 1);
    }
    sb_add(b, "\"", 1);
}

void stoa_lesson_trigger_describe(const stoa_lesson_trigger *t, char *out, size_t size)
{
    static const char *const answers[] = {"any answer", "right", "wrong", "choice"};
    switch (t->kind) {
    case STOA_LESSON_TRIG_GAZE: snprintf(out, size, "gaze %s %gs", t->node, t->seconds); break;
    case STOA_LESSON_TRIG_SELECT: snprintf(out, size, "select %s", t->node); break;
    case STOA_LESSON_TRIG_GRAB: snprintf(out, size, "grab %s", t->node); break;
    case STOA_LESSON_TRIG_RELEASE: snprintf(out, size, "release %s", t->node); break;
    case STOA_LESSON_TRIG_PLACE: snprintf(out, size, "place %s in %s", t->node, t->zone); break;
    case STOA_LESSON_TRIG_ENTER_ZONE: snprintf(out, size, "enter %s", t->node); break;
    case STOA_LESSON_TRIG_LEAVE_ZONE: snprintf(out, size, "leave %s", t->node); break;
    case STOA_LESSON_TRIG_TIMER: snprintf(out, size, "after %gs", t->seconds); break;
    case STOA_LESSON_TRIG_NARRATION_DONE:
        snprintf(out, size, "narration %s finished", t->id ? t->id : "(all)");
        break;
    case STOA_LESSON_TRIG_QUIZ:
        if (t->match == STOA_LESSON_ANSWER_CHOICE)
            snprintf(out, size, "quiz %s choice %u", t->id ? t->id : "?", t->choice);
        else
            snprintf(out, size, "quiz %s %s", t->id ? t->id : "?", answers[t->match]);
        break;
    case STOA_LESSON_TRIG_INSTRUCTOR: snprintf(out, size, "instructor '%s'", t->id); break;
    case STOA_LESSON_TRIG_CONDITION: snprintf(out, size, "if %s", t->expr_text); break;
    case STOA_LESSON_TRIG_RANDOM: snprintf(out, size, "random"); break;
    case STOA_LESSON_TRIG_TASK_DONE: snprintf(out, size, "task done"); break;
    default: snprintf(out, size, "?"); break;
    }
}

static void edge(sbuf *b, const stoa_lesson *L, const char *from, int32_t to, const char *label,
                 const char *style)
{
    if (to < 0)
        return;
    sb_add(b, "  ", 2);
    sb_quoted(b, from);
    sb_add(b, " -> ", 4);
    sb_quoted(b, L->states[to].name);
    sb_add(b, " [label=", 8);
    sb_quoted(b, label);
    if (style)
        sb_printf(b, ", style=%s", style);
    sb_add(b, "];\n", 3);
}

static void state_node(sbuf *b, const stoa_lesson *L, uint32_t s, const char *lang)
{
    const stoa_lesson_state *st = &L->states[s];
    char label[1024];
    const char *title = stoa_lesson_text_get(&st->title, lang);
    if (*title)
        snprintf(label, sizeof label, "%s\n(%s)", title, st->name);
    else
        snprintf(label, sizeof label, "%s", st->name);
    sb_add(b, "  ", 2);
    sb_quoted(b, st->name);
    sb_add(b, " [label=", 8);
    sb_quoted(b, label);
    if (st->ends)
        sb_add(b, ", peripheries=2", 15);
    if ((int32_t)s == L->start_index)
        sb_add(b, ", penwidth=2", 12);
    sb_add(b, "];\n", 3);
}

char *stoa_lesson_graph_dot(const stoa_lesson *L, const char *lang)
{
    if (!L)
        return NULL;
    if (!lang && L->language_count)
        lang = L->languages[0];
    sbuf b = {0};
    sb_add(&b, "digraph lesson {\n", 17);
    sb_add(&b, "  graph [rankdir=LR, label=", 27);
    sb_quoted(&b, stoa_lesson_text_get(&L->title, lang));
    sb_add(&b, ", labelloc=t];\n", 15);
    sb_printf(&b, "  node [shape=box, style=rounded, fontname=\"WenQuanYi Micro Hei,DejaVu Sans\"];\n"
                  "  edge [fontname=\"WenQuanYi Micro Hei,DejaVu Sans\", fontsize=10];\n");
    sb_add(&b, "  __start [shape=point, label=\"\"];\n", 35);
    for (uint32_t s = 0; s < L->state_count; s++)
        state_node(&b, L, s, lang);
    if (L->start_index >= 0) {
        sb_add(&b, "  __start -> ", 13);
        sb_quoted(&b, L->states[L->start_index].name);
        sb_add(&b, ";\n", 2);
    }
    for (uint32_t s = 0; s < L->state_count; s++) {
        const stoa_lesson_state *st = &L->states[s];
        for (uint32_t i = 0; i < st->trigger_count; i++) {
            const stoa_lesson_trigger *t = &st->triggers[i];
            char desc[600], label[700];
            stoa_lesson_trigger_describe(t, desc, sizeof desc);
            if (t->kind != STOA_LESSON_TRIG_RANDOM) {
                snprintf(label, sizeof label, "%u: %s", i + 1, desc);
                edge(&b, L, st->name, t->target_index, label, NULL);
                continue;
            }
            double total = 0;
            for (uint32_t k = 0; k < t->branch_count; k++)
                total += t->branches[k].weight > 0 ? t->branches[k].weight : 0;
            for (uint32_t k = 0; k < t->branch_count; k++) {
                double w = t->branches[k].weight > 0 ? t->branches[k].weight : 0;
                snprintf(label, sizeof label, "%u: random %.0f%%", i + 1,
                         total > 0 ? 100.0 * w / total : 0.0);
                edge(&b, L, st->name, t->branches[k].target_index, label, "dotted");
            }
        }
        edge(&b, L, st->name, st->skip_index, "skip", "dashed");
    }
    sb_add(&b, "}\n", 2);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}
