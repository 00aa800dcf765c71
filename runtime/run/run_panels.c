// SPDX-License-Identifier: Apache-2.0
#include "run_panels.h"
#include "run_hand.h"
#include "ui/stoa_ui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PANEL_DISTANCE_M 1.5f
#define PANEL_WIDTH_M 0.9f
#define QUIZ_FEEDBACK_S 6.0 // a quiz's feedback, left on screen after its quiz

run_panel *run_panels_find(run_lesson *rl, const char *id)
{
    for (int i = 0; i < RUN_MAX_PANELS; i++)
        if (rl->panels[i].visible && !strcmp(rl->panels[i].id, id))
            return &rl->panels[i];
    return NULL;
}

static run_panel *slot(run_lesson *rl, const char *id)
{
    run_panel *p = run_panels_find(rl, id);
    for (int i = 0; !p && i < RUN_MAX_PANELS; i++)
        if (!rl->panels[i].visible)
            p = &rl->panels[i];
    if (!p)
        p = &rl->panels[RUN_MAX_PANELS - 1]; // full: the last one is replaced
    uint32_t version = p->version;
    memset(p, 0, sizeof *p);
    p->version = version + 1;
    p->visible = true;
    p->shown_seq = ++rl->panel_seq;
    p->scale = 1.0f;
    p->hovered = p->chosen = -1;
    snprintf(p->id, sizeof p->id, "%s", id);
    return p;
}

// Faces the panel towards the learner's head, upright.
static void face_learner(const run_lesson *rl, run_panel *p)
{
    float to_head[3] = {rl->head_world[0] - p->center[0], 0.0f, rl->head_world[2] - p->center[2]};
    float len = sqrtf(to_head[0] * to_head[0] + to_head[2] * to_head[2]);
    if (len < 1e-3f) {
        to_head[0] = 0.0f;
        to_head[2] = 1.0f;
        len = 1.0f;
    }
    // right = up x normal, with up = +Y and normal towards the head
    p->right[0] = to_head[2] / len;
    p->right[1] = 0.0f;
    p->right[2] = -to_head[0] / len;
    p->up[0] = 0.0f;
    p->up[1] = 1.0f;
    p->up[2] = 0.0f;
}

static void in_front(const run_lesson *rl, run_panel *p, float drop)
{
    float f[3] = {rl->head_forward[0], 0.0f, rl->head_forward[2]};
    float len = sqrtf(f[0] * f[0] + f[2] * f[2]);
    if (len < 1e-3f) {
        f[2] = -1.0f;
        len = 1.0f;
    }
    for (int i = 0; i < 3; i++)
        p->center[i] = rl->head_world[i] + f[i] / len * PANEL_DISTANCE_M;
    p->center[1] = rl->head_world[1] - drop;
    face_learner(rl, p);
    p->front = true; // the layout manager stacks it with the others (run_layout.c)
}

static void at_node(const run_lesson *rl, run_panel *p, int32_t node)
{
    const float *m = run_lesson_node_world(rl, node);
    if (!m) {
        in_front(rl, p, 0.1f);
        return;
    }
    // Beside the node at eye height, moved a little towards the learner so
    // the panel does not sink into it.
    float c[3] = {m[12], rl->head_world[1] - 0.1f, m[14]};
    float to_head[3] = {rl->head_world[0] - c[0], 0, rl->head_world[2] - c[2]};
    float len = sqrtf(to_head[0] * to_head[0] + to_head[2] * to_head[2]);
    float step = len > 2.5f ? 1.2f : len * 0.4f;
    for (int i = 0; i < 3; i += 2)
        c[i] += len > 1e-3f ? to_head[i] / len * step : 0.0f;
    memcpy(p->center, c, sizeof c);
    face_learner(rl, p);
    // A panel at a distant node keeps the angular size it would have at
    // 1.5 m, so its text stays readable (docs/panels.md).
    float d = sqrtf((c[0] - rl->head_world[0]) * (c[0] - rl->head_world[0]) +
                    (c[2] - rl->head_world[2]) * (c[2] - rl->head_world[2]));
    p->scale = d > PANEL_DISTANCE_M ? d / PANEL_DISTANCE_M : 1.0f;
}

// Lays the choices out as equal bands below the question; runtime/ui's
// layout replaces these rectangles when it draws the panel.
static void layout_choices(run_panel *p)
{
    float top = 0.35f, bottom = 0.92f;
    float h = (bottom - top) / (float)(p->choice_count ? p->choice_count : 1);
    for (uint32_t i = 0; i < p->choice_count; i++) {
        p->choice_uv[i][0] = 0.06f;
        p->choice_uv[i][1] = top + h * (float)i + 0.01f;
        p->choice_uv[i][2] = 0.94f;
        p->choice_uv[i][3] = top + h * (float)(i + 1) - 0.01f;
    }
}

run_panel *run_panels_show_text(run_lesson *rl, const char *id, const char *text, int32_t node)
{
    run_panel *p = slot(rl, id ? id : "panel");
    p->kind = RUN_PANEL_TEXT;
    snprintf(p->text, sizeof p->text, "%s", text);
    p->width = PANEL_WIDTH_M;
    p->height = 0.5f;
    if (node >= 0)
        at_node(rl, p, node);
    else
        in_front(rl, p, 0.05f);
    return p;
}

run_panel *run_panels_show_choices(run_lesson *rl, const char *id)
{
    run_panel *p = slot(rl, id);
    p->kind = RUN_PANEL_QUIZ;
    p->width = PANEL_WIDTH_M;
    p->height = 0.75f;
    in_front(rl, p, 0.15f);
    return p;
}

void run_panels_show_quiz(run_lesson *rl, const stoa_lesson_quiz *quiz)
{
    run_panel *p = slot(rl, quiz->id);
    p->kind = RUN_PANEL_QUIZ;
    p->quiz = quiz;
    snprintf(p->text, sizeof p->text, "%s", stoa_lesson_text_get(&quiz->question, rl->lang));
    p->choice_count = quiz->choice_count < RUN_MAX_CHOICES ? quiz->choice_count : RUN_MAX_CHOICES;
    for (uint32_t i = 0; i < p->choice_count; i++)
        snprintf(p->choices[i], sizeof p->choices[i], "%s",
                 stoa_lesson_text_get(&quiz->choices[i], rl->lang));
    p->width = PANEL_WIDTH_M;
    p->height = 0.75f;
    layout_choices(p);
    in_front(rl, p, 0.15f);
}

void run_panels_quiz_answered(run_lesson *rl, const stoa_lesson_quiz *quiz, uint32_t choices,
                              bool correct)
{
    run_panel *p = run_panels_find(rl, quiz->id);
    if (!p)
        return;
    p->answered = true;
    p->correct = correct;
    for (uint32_t i = 0; i < p->choice_count; i++)
        if (choices & (1u << i))
            p->chosen = (int32_t)i;
    p->version++;
}

void run_panels_feedback(run_lesson *rl, const char *text)
{
    run_panel *q = run_panels_quiz(rl);
    if (q) {
        snprintf(q->footer, sizeof q->footer, "%s", text);
        q->version++;
        return;
    }
    run_panels_show_text(rl, "feedback", text, -1);
}

// A quiz answered with feedback and left at once (its state's `quiz:`
// trigger) would take the feedback with it: it stays as a text panel.
void run_panels_hide_quiz(run_lesson *rl, const char *id)
{
    run_panel *q = run_panels_find(rl, id);
    char feedback[sizeof q->footer] = "";
    bool correct = q && q->correct;
    if (q && q->answered && q->footer[0])
        snprintf(feedback, sizeof feedback, "%s", q->footer);
    run_panels_hide(rl, id);
    if (!feedback[0])
        return;
    run_panel *f = run_panels_show_text(rl, "feedback", feedback, -1);
    f->icon = correct ? STOA_UI_ICON_RIGHT : STOA_UI_ICON_WRONG; // the answer's, in its corner
    // long enough to read, then out of the way of the next state's panels
    f->until_ns = run_layout_clock_ns() + (int64_t)(QUIZ_FEEDBACK_S * 1e9);
}

void run_panels_subtitle(run_lesson *rl, const char *text)
{
    if (!text || !*text) {
        run_panels_hide(rl, "subtitle");
        return;
    }
    run_panel *p = slot(rl, "subtitle");
    p->kind = RUN_PANEL_SUBTITLE;
    snprintf(p->text, sizeof p->text, "%s", text);
    p->width = 1.0f;
    p->height = 0.18f;
    in_front(rl, p, 0.55f);
}

void run_panels_hide(run_lesson *rl, const char *id)
{
    run_panel *p = run_panels_find(rl, id);
    if (p) {
        p->visible = false;
        p->version++;
    }
}

run_panel *run_panels_quiz(run_lesson *rl)
{
    for (int i = 0; i < RUN_MAX_PANELS; i++)
        if (rl->panels[i].visible && rl->panels[i].kind == RUN_PANEL_QUIZ &&
            strcmp(rl->panels[i].id, RUN_HAND_PANEL) != 0) // the hand button is no quiz
            return &rl->panels[i];
    return NULL;
}

float run_panels_hit(const run_panel *p, const float o[3], const float d[3], int32_t *out_choice)
{
    *out_choice = -1;
    float n[3] = {p->right[1] * p->up[2] - p->right[2] * p->up[1],
                  p->right[2] * p->up[0] - p->right[0] * p->up[2],
                  p->right[0] * p->up[1] - p->right[1] * p->up[0]};
    float denom = n[0] * d[0] + n[1] * d[1] + n[2] * d[2];
    if (fabsf(denom) < 1e-6f)
        return -1.0f;
    float t = (n[0] * (p->center[0] - o[0]) + n[1] * (p->center[1] - o[1]) +
               n[2] * (p->center[2] - o[2])) /
              denom;
    if (t <= 0.0f)
        return -1.0f;
    float rel[3] = {o[0] + d[0] * t - p->center[0], o[1] + d[1] * t - p->center[1],
                    o[2] + d[2] * t - p->center[2]};
    float x = rel[0] * p->right[0] + rel[1] * p->right[1] + rel[2] * p->right[2];
    float y = rel[0] * p->up[0] + rel[1] * p->up[1] + rel[2] * p->up[2];
    float u = x / (p->width * p->scale) + 0.5f, v = 0.5f - y / (p->height * p->scale);
    if (u < 0.0f || u > 1.0f || v < 0.0f || v > 1.0f)
        return -1.0f;
    for (uint32_t i = 0; i < p->choice_count; i++)
        if (u >= p->choice_uv[i][0] && u <= p->choice_uv[i][2] && v >= p->choice_uv[i][1] &&
            v <= p->choice_uv[i][3])
            *out_choice = (int32_t)i;
    return t;
}

bool run_panels_choice_point(const run_panel *p, uint32_t i, float out[3])
{
    if (i >= p->choice_count)
        return false;
    float u = 0.5f * (p->choice_uv[i][0] + p->choice_uv[i][2]);
    float v = 0.5f * (p->choice_uv[i][1] + p->choice_uv[i][3]);
    float x = (u - 0.5f) * p->width * p->scale, y = (0.5f - v) * p->height * p->scale;
    for (int k = 0; k < 3; k++)
        out[k] = p->center[k] + p->right[k] * x + p->up[k] * y;
    return true;
}
