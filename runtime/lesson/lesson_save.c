// SPDX-License-Identifier: Apache-2.0
// Save and restore of a machine as a small line-based text blob:
//
//   stoa-lesson-save 1
//   lesson <id>
//   state <name> <started> <paused> <ended> <outcome> <overdue_sent>
//   elapsed_ns <n>
//   rng <u64>
//   score <double>
//   var <name> <double>          one per lesson variable
//   quiz <id> <attempts> <last choice mask>
//   narr <step> <0|1|2>          narrations of the current state
//   task <done mask> <tries>...  the current state's task: steps done, moves per step
//   zone <name>                  zones the learner is in
//   node <name> <0|1>            nodes shown or hidden by the lesson
//   anim <name> <1|2> <this_state>   animations playing or played
//   shown <0|1|2> <state> <step> panels, highlights, quiz on show
//   end
//
// Names are percent-encoded (anything outside [A-Za-z0-9_.#-]); doubles are
// written with 17 significant digits so that they read back exactly.
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson_machine_internal.h"

typedef struct wbuf {
    char *buf;
    size_t size, len;
} wbuf;

static void w_printf(wbuf *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void w_printf(wbuf *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = w->len < w->size ? w->size - w->len : 0;
    int n = vsnprintf(room ? w->buf + w->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        w->len += (size_t)n;
}

static bool plain_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '#' || c == '-';
}

static void w_name(wbuf *w, const char *s)
{
    w_printf(w, " ");
    if (!*s)
        w_printf(w, "%%");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (plain_char(*p))
            w_printf(w, "%c", *p);
        else
            w_printf(w, "%%%02X", *p);
    }
}

stoa_result stoa_lesson_machine_save(const stoa_lesson_machine *m, int64_t now_ns, char *buf,
                                     size_t buf_size, size_t *out_len)
{
    if (!m || !out_len)
        return STOA_ERROR_INVALID_ARGUMENT;
    const stoa_lesson *L = m->lesson;
    wbuf w = {buf, buf ? buf_size : 0, 0};
    int64_t elapsed = (m->paused ? m->pause_start_ns : now_ns) - m->entered_ns;
    w_printf(&w, "stoa-lesson-save 1\nlesson");
    w_name(&w, L->id ? L->id : "");
    w_printf(&w, "\nstate");
    w_name(&w, m->state >= 0 ? L->states[m->state].name : "");
    w_printf(&w, " %d %d %d %d %d\n", m->started, m->paused, m->ended, (int)m->outcome,
             m->overdue_sent);
    w_printf(&w, "elapsed_ns %" PRId64 "\nrng %" PRIu64 "\nscore %.17g\n", elapsed > 0 ? elapsed : 0,
             m->rng, m->score);
    for (uint32_t i = 0; i < L->var_count; i++) {
        w_printf(&w, "var");
        w_name(&w, L->var_names[i]);
        w_printf(&w, " %.17g\n", m->vars[i]);
    }
    for (uint32_t i = 0; i < L->quiz_count; i++) {
        w_printf(&w, "quiz");
        w_name(&w, L->quizzes[i]->id);
        w_printf(&w, " %u %u\n", m->quiz_attempts[i], m->quiz_last[i]);
    }
    for (uint32_t i = 0; m->state >= 0 && i < L->states[m->state].step_count; i++)
        if (m->narr[i])
            w_printf(&w, "narr %u %u\n", i, m->narr[i]);
    const stoa_lesson_task *task = m->state >= 0 ? L->states[m->state].task : NULL;
    if (task) {
        w_printf(&w, "task %u", m->task_done);
        for (uint32_t i = 0; i < task->step_count; i++)
            w_printf(&w, " %u", m->task_tries[i]);
        w_printf(&w, "\n");
    }
    for (uint32_t i = 0; i < m->zones.count; i++) {
        if (m->zones.items[i].value != 1)
            continue;
        w_printf(&w, "zone");
        w_name(&w, m->zones.items[i].name);
        w_printf(&w, "\n");
    }
    for (uint32_t i = 0; i < m->nodes.count; i++) {
        if (m->nodes.items[i].value < 0)
            continue;
        w_printf(&w, "node");
        w_name(&w, m->nodes.items[i].name);
        w_printf(&w, " %d\n", m->nodes.items[i].value);
    }
    for (uint32_t i = 0; i < m->anims.count; i++) {
        if (m->anims.items[i].value == 0)
            continue;
        w_printf(&w, "anim");
        w_name(&w, m->anims.items[i].name);
        w_printf(&w, " %d %d\n", m->anims.items[i].value, m->anims.items[i].this_state);
    }
    for (uint32_t i = 0; i < m->shown_count; i++)
        w_printf(&w, "shown %d %u %u\n", (int)m->shown[i].kind, m->shown[i].state,
                 m->shown[i].step);
    w_printf(&w, "end\n");
    *out_len = w.len;
    if (!buf || w.len >= buf_size)
        return STOA_ERROR_LIMIT;
    return STOA_OK;
}

// ---- restore ----------------------------------------------------------------

static bool decode_name(const char *in, char *out, size_t size)
{
    size_t n = 0;
    if (strcmp(in, "%") == 0) {
        out[0] = '\0';
        return true;
    }
    for (const char *p = in; *p; p++) {
        unsigned c = (unsigned char)*p;
        if (c == '%') {
            unsigned v;
            if (sscanf(p + 1, "%2X", &v) != 1 || !p[1] || !p[2] || v == 0)
                return false;
            c = v;
            p += 2;
        }
        if (n + 1 >= size)
            return false;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return true;
}

typedef struct rd {
    stoa_lesson_machine *m;
    stoa_error *err;
    uint32_t line;
} rd;

static bool rd_fail(rd *r, const char *what)
{
    stoa_error_set(r->err, STOA_ERROR_PARSE, "saved lesson state, line %u: %s", r->line, what);
    return false;
}

static bool rd_line(rd *r, char *line)
{
    stoa_lesson_machine *m = r->m;
    const stoa_lesson *L = m->lesson;
    char key[32], a[512], name[512];
    int i1, i2, i3, i4, i5;
    unsigned u1, u2;
    double d;
    if (sscanf(line, "%31s", key) != 1)
        return rd_fail(r, "empty line");
    if (strcmp(key, "state") == 0) {
        if (sscanf(line, "state %511s %d %d %d %d %d", a, &i1, &i2, &i3, &i4, &i5) != 6 ||
            !decode_name(a, name, sizeof name) || i4 < 0 || i4 > STOA_LESSON_OUTCOME_ABORTED)
            return rd_fail(r, "malformed state line");
        m->state = stoa_lesson_find_state(L, name);
        if (m->state < 0 && name[0])
            return rd_fail(r, "unknown state");
        m->started = i1 && m->state >= 0;
        m->paused = i2;
        m->ended = i3;
        m->outcome = (stoa_lesson_outcome)i4;
        m->overdue_sent = i5;
    } else if (strcmp(key, "elapsed_ns") == 0) {
        int64_t e;
        if (sscanf(line, "elapsed_ns %" SCNd64, &e) != 1 || e < 0)
            return rd_fail(r, "malformed elapsed_ns");
        m->entered_ns = m->now - e;
        m->pause_start_ns = m->now;
    } else if (strcmp(key, "rng") == 0) {
        if (sscanf(line, "rng %" SCNu64, &m->rng) != 1)
            return rd_fail(r, "malformed rng");
    } else if (strcmp(key, "score") == 0) {
        if (sscanf(line, "score %lf", &m->score) != 1)
            return rd_fail(r, "malformed score");
    } else if (strcmp(key, "var") == 0) {
        if (sscanf(line, "var %511s %lf", a, &d) != 2 || !decode_name(a, name, sizeof name))
            return rd_fail(r, "malformed var");
        int32_t v = stoa_lesson_find_var(L, name);
        if (v < 0)
            return rd_fail(r, "unknown variable");
        m->vars[v] = d;
    } else if (strcmp(key, "quiz") == 0) {
        if (sscanf(line, "quiz %511s %u %u", a, &u1, &u2) != 3 || !decode_name(a, name, sizeof name))
            return rd_fail(r, "malformed quiz");
        int32_t q = lm_quiz_index(L, name);
        if (q < 0)
            return rd_fail(r, "unknown quiz");
        m->quiz_attempts[q] = u1;
        m->quiz_last[q] = u2;
    } else if (strcmp(key, "narr") == 0) {
        if (sscanf(line, "narr %u %u", &u1, &u2) != 2 || m->state < 0 ||
            u1 >= L->states[m->state].step_count || u2 > LM_NARR_DONE ||
            L->states[m->state].steps[u1].kind != STOA_LESSON_STEP_NARRATE)
            return rd_fail(r, "malformed narr");
        m->narr[u1] = (uint8_t)u2;
    } else if (strcmp(key, "task") == 0) {
        const stoa_lesson_task *t = m->state >= 0 ? L->states[m->state].task : NULL;
        char *p = line + 4, *e;
        unsigned long v = strtoul(p, &e, 10);
        if (!t || e == p || v >= (1ul << t->step_count))
            return rd_fail(r, "malformed task");
        m->task_done = (uint32_t)v;
        for (uint32_t i = 0; i < t->step_count; i++) {
            v = strtoul(p = e, &e, 10);
            if (e == p || v > UINT8_MAX)
                return rd_fail(r, "malformed task");
            m->task_tries[i] = (uint8_t)v;
        }
    } else if (strcmp(key, "zone") == 0 || strcmp(key, "node") == 0 || strcmp(key, "anim") == 0) {
        lm_flags *f = key[0] == 'z' ? &m->zones : key[1] == 'o' ? &m->nodes : &m->anims;
        i1 = 1;
        i2 = 0;
        int n = sscanf(line, "%*s %511s %d %d", a, &i1, &i2);
        if (n < 1 || !decode_name(a, name, sizeof name))
            return rd_fail(r, "malformed line");
        lm_flag *flag = lm_flag_find(f, name);
        if (!flag || i1 < 0 || i1 > 2)
            return rd_fail(r, "unknown zone, node or animation");
        flag->value = (int8_t)i1;
        flag->this_state = i2 != 0;
    } else if (strcmp(key, "shown") == 0) {
        if (sscanf(line, "shown %d %u %u", &i1, &u1, &u2) != 3 || i1 < 0 || i1 > LM_SHOWN_QUIZ ||
            u1 >= L->state_count || u2 >= L->states[u1].step_count)
            return rd_fail(r, "malformed shown");
        stoa_lesson_step_kind want = i1 == LM_SHOWN_PANEL       ? STOA_LESSON_STEP_SHOW_PANEL
                                     : i1 == LM_SHOWN_HIGHLIGHT ? STOA_LESSON_STEP_HIGHLIGHT
                                                                : STOA_LESSON_STEP_QUIZ;
        if (L->states[u1].steps[u2].kind != want)
            return rd_fail(r, "shown item does not match the lesson");
        if (!lm_shown_add(m, (lm_shown_kind)i1, u1, u2))
            return rd_fail(r, "out of memory");
    } else {
        return rd_fail(r, "unknown line");
    }
    return true;
}

static bool rd_all(rd *r, const char *blob, size_t len)
{
    char line[1200];
    size_t pos = 0;
    bool ended = false, header = false;
    while (pos < len && !ended) {
        size_t n = 0;
        while (pos < len && blob[pos] != '\n') {
            if (n + 1 >= sizeof line || blob[pos] == '\0')
                return rd_fail(r, "line too long or NUL byte");
            line[n++] = blob[pos++];
        }
        line[n] = '\0';
        pos++;
        r->line++;
        if (!header) {
            if (strcmp(line, "stoa-lesson-save 1") != 0)
                return rd_fail(r, "not a saved lesson state (format 1)");
            header = true;
            continue;
        }
        if (strncmp(line, "lesson ", 7) == 0) {
            char name[512];
            const char *id = r->m->lesson->id ? r->m->lesson->id : "";
            if (!decode_name(line + 7, name, sizeof name) || strcmp(name, id) != 0)
                return rd_fail(r, "saved from another lesson");
            continue;
        }
        if (strcmp(line, "end") == 0) {
            ended = true;
            continue;
        }
        if (!rd_line(r, line))
            return false;
    }
    if (!ended)
        return rd_fail(r, "truncated (no 'end' line)");
    if (!r->m->started)
        return rd_fail(r, "the saved machine had not started");
    return true;
}

static void emit_resync(stoa_lesson_machine *m)
{
    stoa_lesson_action *a = lm_emit(m, STOA_LESSON_ACT_STATE_ENTERED);
    a->resumed = true;
    for (uint32_t i = 0; i < m->nodes.count; i++)
        if (m->nodes.items[i].value >= 0)
            lm_emit(m, m->nodes.items[i].value ? STOA_LESSON_ACT_SHOW_NODE
                                               : STOA_LESSON_ACT_HIDE_NODE)
                ->node = m->nodes.items[i].name;
    for (uint32_t i = 0; i < m->anims.count; i++) {
        lm_flag *f = &m->anims.items[i];
        if (f->value == 1) {
            a = lm_emit(m, STOA_LESSON_ACT_PLAY_ANIMATION);
            a->animation = f->name;
            a->loop = true;
        } else if (f->value == 2) {
            lm_emit(m, STOA_LESSON_ACT_COMPLETE_ANIMATION)->animation = f->name;
        }
    }
    for (uint32_t i = 0; i < m->shown_count; i++)
        lm_emit_shown(m, &m->shown[i]);
    const stoa_lesson_state *st = &m->lesson->states[m->state];
    for (uint32_t i = 0; i < st->step_count; i++) {
        if (m->narr[i] != LM_NARR_PLAYING)
            continue;
        const stoa_lesson_step *s = &st->steps[i];
        a = lm_emit(m, STOA_LESSON_ACT_NARRATE);
        a->id = s->id;
        a->node = s->node;
        a->audio = &s->audio;
        a->text = &s->text;
    }
    if (m->ended) {
        a = lm_emit(m, STOA_LESSON_ACT_ENDED);
        a->outcome = m->outcome;
        a->total = m->score;
    }
    if (m->paused)
        lm_emit(m, STOA_LESSON_ACT_PAUSED);
}

stoa_result stoa_lesson_machine_restore(stoa_lesson_machine *m, const char *blob, size_t len,
                                        int64_t now_ns, stoa_lesson_out *out, stoa_error *err)
{
    if (!m || (!blob && len))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "restore: bad argument");
    // Fill a fresh machine and swap only when the whole blob was good.
    stoa_lesson_machine *fresh;
    stoa_result res = stoa_lesson_machine_create(m->lesson, &(stoa_lesson_machine_desc){0}, &fresh,
                                                 err);
    if (res != STOA_OK)
        return res;
    fresh->now = now_ns;
    fresh->entered_ns = now_ns;
    fresh->pause_start_ns = now_ns;
    rd r = {fresh, err, 0};
    if (!rd_all(&r, blob ? blob : "", len)) {
        stoa_lesson_machine_destroy(&fresh);
        return STOA_ERROR_PARSE;
    }
    stoa_lesson_machine old = *m;
    *m = *fresh;
    *fresh = old;
    stoa_lesson_machine_destroy(&fresh);
    m->now = now_ns;
    m->out = out;
    emit_resync(m);
    res = out && out->dropped ? STOA_ERROR_LIMIT : STOA_OK;
    m->out = NULL;
    return res;
}
