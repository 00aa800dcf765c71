// SPDX-License-Identifier: Apache-2.0
// The lobby, the result and sign-in on a headset in a class (run_class.h).
// The panels live in a run_lesson of their own that has no machine, so the
// overlay draws them as it draws a lesson's.
#include "run_class.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "run_panels.h"

#define PRESS 0.7f

static bool zh(const run_class *c)
{
    return c->lang && strncmp(c->lang, "zh", 2) == 0;
}

// The lobby's words in the learner's language (English otherwise).
static const char *say(const run_class *c, const char *en, const char *zh_cn)
{
    return zh(c) ? zh_cn : en;
}

void run_class_init(run_class *c, const char *device, const char *lang)
{
    memset(c, 0, sizeof *c);
    c->panels.arrow_node = -1;
    c->panels.head_world[1] = 1.6f;
    c->panels.head_forward[2] = -1.0f;
    c->lang = lang;
    c->typing = -1;
    snprintf(c->device, sizeof c->device, "%s", device && device[0] ? device : "headset");
    c->dirty = true;
}

void run_class_fini(run_class *c)
{
    free(c->roster);
    c->roster = NULL;
}

const char *run_class_phase_name(run_phase p)
{
    static const char *const names[] = {NULL, "lobby", "loading", "lesson", "result"};
    return (unsigned)p < 5 ? names[p] : NULL;
}

void run_class_enter(run_class *c, run_phase p)
{
    if (c->phase == p)
        return;
    c->phase = p;
    c->dirty = true;
    if (p == RUN_PHASE_LOBBY || p == RUN_PHASE_LESSON)
        c->typing = -1, c->pin[0] = 0;
    if (p != RUN_PHASE_LESSON) {
        printf("stoa run: %s\n", p == RUN_PHASE_LOBBY     ? "in the lobby"
                                 : p == RUN_PHASE_LOADING ? "loading the launched lesson"
                                                          : "showing the result");
        fflush(stdout);
    }
}

void run_class_result(run_class *c, const run_lesson *rl, int64_t now_ns)
{
    stoa_lesson_outcome o = rl->outcome;
    c->completed = o == STOA_LESSON_OUTCOME_COMPLETED || o == STOA_LESSON_OUTCOME_PASSED ||
                   o == STOA_LESSON_OUTCOME_FAILED;
    c->success = o == STOA_LESSON_OUTCOME_PASSED ? 1 : o == STOA_LESSON_OUTCOME_FAILED ? 0 : -1;
    c->has_score = rl->machine && rl->lesson && rl->lesson->state_count &&
                   (o == STOA_LESSON_OUTCOME_PASSED || o == STOA_LESSON_OUTCOME_FAILED);
    c->score = rl->machine ? stoa_lesson_machine_score(rl->machine) : 0.0;
    (void)now_ns; // the learner's wall clock, as the teacher's (run_layout_clock_ns)
    c->result_until_ns = run_layout_clock_ns() + (int64_t)(RUN_RESULT_S * 1e9);
    run_class_enter(c, RUN_PHASE_RESULT);
    printf("stoa run: result: %s%s\n", stoa_lesson_outcome_str(o),
           c->success == 1 ? " (passed)" : c->success == 0 ? " (not passed)" : "");
    fflush(stdout);
}

void run_class_signin(run_class *c, const char *id, const char *name, const char *number)
{
    snprintf(c->learner_id, sizeof c->learner_id, "%s", id ? id : "");
    snprintf(c->learner_name, sizeof c->learner_name, "%s", name ? name : "");
    snprintf(c->learner_number, sizeof c->learner_number, "%s", number ? number : "");
    c->typing = -1;
    c->pin[0] = c->notice[0] = 0;
    c->dirty = true;
    // The name stays in the headset's panel: the log and the trace get the id only.
    printf("stoa run: signed in: learner %s\n", c->learner_id);
    fflush(stdout);
}

void run_class_signout(run_class *c)
{
    c->learner_id[0] = c->learner_name[0] = c->learner_number[0] = 0;
    c->dirty = true;
    printf("stoa run: signed out\n");
    fflush(stdout);
}

void run_class_refused(run_class *c, const char *why)
{
    const char *text = !strcmp(why, "bad_pin") ? say(c, "Wrong PIN. Try again.", "PIN 不对，请再试一次。")
                       : !strcmp(why, "too_many_attempts")
                           ? say(c, "Too many tries. Ask your teacher.", "尝试次数过多，请找老师。")
                       : !strcmp(why, "signed_in_elsewhere")
                           ? say(c, "This name is signed in on another headset.", "这个名字已在另一台头显登录。")
                           : say(c, "Sign-in refused. Ask your teacher.", "登录被拒绝，请找老师。");
    snprintf(c->notice, sizeof c->notice, "%s", text);
    c->pin[0] = 0;
    c->dirty = true;
    printf("stoa run: sign-in refused: %s\n", why);
    fflush(stdout);
}

void run_class_set_roster(run_class *c, const stoa_net_class *roster)
{
    if (!c->roster && !(c->roster = malloc(sizeof *c->roster)))
        return;
    *c->roster = *roster;
    c->page = 0;
    c->typing = -1;
    c->dirty = true;
    printf("stoa run: class roster: %u learners\n", roster->count);
    fflush(stdout);
}

void run_class_notice(run_class *c, const char *text)
{
    snprintf(c->notice, sizeof c->notice, "%s", text ? text : "");
    c->dirty = true;
}

static bool picking(const run_class *c)
{
    return c->phase == RUN_PHASE_LOBBY && !c->learner_id[0] && c->roster && c->roster->count > 0;
}

static void ask_signin(run_class *c, const char *id, const char *pin)
{
    c->want_signin = true;
    snprintf(c->want_id, sizeof c->want_id, "%s", id);
    snprintf(c->want_pin, sizeof c->want_pin, "%s", pin);
    c->notice[0] = 0;
    c->dirty = true;
}

// The keypad: 1-9, then erase, 0, back to the names (3 columns).
static const char *const k_keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9",
                                       "\xE2\x8C\xAB", "0", "\xE2\x9C\x95"}; // ⌫ ✕

void run_class_choose(run_class *c, const char *panel_id, int32_t choice)
{
    if (choice < 0 || strcmp(panel_id, "lobby-pick") != 0)
        return;
    if (c->learner_id[0]) { // the one button: "not you? sign out"
        c->want_signout = true;
        return;
    }
    if (!picking(c))
        return;
    c->dirty = true;
    if (c->typing >= 0) {
        size_t n = strlen(c->pin);
        if (choice == 9 && n > 0)
            c->pin[n - 1] = 0;
        else if (choice == 11)
            c->typing = -1, c->pin[0] = 0;
        else if (choice != 9 && n < 4) {
            c->pin[n] = k_keys[choice][0];
            c->pin[n + 1] = 0;
            if (n + 1 == 4)
                ask_signin(c, c->roster->learners[c->typing].learner_id, c->pin);
        }
        return;
    }
    uint32_t shown = c->roster->count - c->page < RUN_CLASS_PAGE ? c->roster->count - c->page
                                                                 : RUN_CLASS_PAGE;
    if ((uint32_t)choice >= shown) { // "more names": the next page, round to the first
        c->page = c->page + RUN_CLASS_PAGE < c->roster->count ? c->page + RUN_CLASS_PAGE : 0;
        return;
    }
    const stoa_net_learner *l = &c->roster->learners[c->page + (uint32_t)choice];
    if (l->pin) {
        c->typing = (int32_t)(c->page + (uint32_t)choice);
        c->pin[0] = 0;
    } else {
        ask_signin(c, l->learner_id, "");
    }
}

static void show_picker(run_class *c)
{
    run_lesson *p = &c->panels;
    if (c->phase != RUN_PHASE_LOBBY || (!picking(c) && !c->learner_id[0])) {
        run_panels_hide(p, "lobby-pick");
        return;
    }
    run_panel *q = run_panels_show_choices(p, "lobby-pick");
    if (c->learner_id[0]) {
        snprintf(q->choices[0], sizeof q->choices[0], "%s",
                 say(c, "Not you? Sign out", "不是你？退出登录"));
        q->choice_count = 1;
    } else if (c->typing >= 0) {
        char dots[32] = "";
        for (size_t i = 0; i < 4; i++)
            strcat(dots, i < strlen(c->pin) ? "\xE2\x97\x8F " : "_ "); // ● or _
        snprintf(q->title, sizeof q->title, "%s", c->roster->learners[c->typing].name);
        snprintf(q->text, sizeof q->text, "%s  %s", say(c, "Your PIN:", "你的 PIN："), dots);
        for (int i = 0; i < 12; i++)
            snprintf(q->choices[i], sizeof q->choices[i], "%s", k_keys[i]);
        q->choice_count = 12;
        q->choice_columns = 3;
    } else {
        snprintf(q->title, sizeof q->title, "%s", say(c, "Who are you?", "你是谁？"));
        uint32_t n = 0;
        for (uint32_t i = c->page; i < c->roster->count && n < RUN_CLASS_PAGE; i++, n++)
            snprintf(q->choices[n], sizeof q->choices[n], "%s", c->roster->learners[i].name);
        if (c->roster->count > RUN_CLASS_PAGE) {
            uint32_t pages = (c->roster->count + RUN_CLASS_PAGE - 1) / RUN_CLASS_PAGE;
            snprintf(q->choices[n], sizeof q->choices[n], "%s (%u/%u)",
                     say(c, "More names", "更多名字"), c->page / RUN_CLASS_PAGE + 1, pages);
            n++;
        }
        q->choice_count = n;
    }
    snprintf(q->footer, sizeof q->footer, "%s", c->notice);
}

static void redraw(run_class *c)
{
    run_lesson *p = &c->panels;
    char body[512];
    if (c->phase == RUN_PHASE_RESULT) {
        run_panels_hide(p, "lobby");
        run_panels_hide(p, "lobby-pick");
        char score[64] = "";
        if (c->has_score)
            snprintf(score, sizeof score, "\n%s %g", say(c, "Score:", "得分："), c->score);
        snprintf(body, sizeof body, "%s%s",
                 c->success == 1   ? say(c, "Well done: you passed.", "做得好：你通过了。")
                 : c->success == 0 ? say(c, "Finished. Not passed this time.", "完成。这次没有通过。")
                 : c->completed    ? say(c, "Lesson complete.", "课程完成。")
                                   : say(c, "The teacher ended the lesson.", "老师结束了这节课。"),
                 score);
        run_panels_show_text(p, "result", body, -1);
        snprintf(p->panels[0].title, sizeof p->panels[0].title, "%s", say(c, "Result", "结果"));
        return;
    }
    run_panels_hide(p, "result");
    snprintf(body, sizeof body, "%s\n%s%s%s",
             c->learner_id[0] ? c->learner_name : say(c, "Not signed in", "未登录"),
             c->phase == RUN_PHASE_LOADING ? say(c, "The lesson is on its way…", "课程正在加载……")
                                           : say(c, "Waiting for your teacher", "等待老师"),
             c->notice[0] && !picking(c) ? "\n" : "", picking(c) ? "" : c->notice);
    run_panel *info = run_panels_show_text(p, "lobby", body, -1);
    snprintf(info->title, sizeof info->title, "%s", c->device);
    show_picker(c);
}

static void dir_of(const float a[3], const float b[3], float out[3])
{
    float d[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    for (int i = 0; i < 3; i++)
        out[i] = len > 1e-6f ? d[i] / len : 0.0f;
}

// The picker's choices where they stand, once drawn and whenever they move
// (debug log of "run"): a scripted learner aims at them (tests/run/
// test_class_signin.py), as a learner aims at what they see.
static void log_aim(run_class *c, const run_panel *q)
{
    if (!q->drawn || (q->version == c->aim_version && fabsf(q->center[0] - c->aim_center[0]) < 1e-4f &&
                      fabsf(q->center[1] - c->aim_center[1]) < 1e-4f &&
                      fabsf(q->center[2] - c->aim_center[2]) < 1e-4f))
        return;
    c->aim_version = q->version;
    memcpy(c->aim_center, q->center, sizeof c->aim_center);
    char line[2048];
    int n = snprintf(line, sizeof line, "lobby-pick aim %u:", q->choice_count);
    for (uint32_t i = 0; i < q->choice_count && n > 0 && (size_t)n < sizeof line - 64; i++) {
        float pt[3];
        run_panels_choice_point(q, i, pt);
        n += snprintf(line + n, sizeof line - (size_t)n, " %.4f,%.4f,%.4f", pt[0], pt[1], pt[2]);
    }
    STOA_LOGD("run", "%s", line);
}

// Controller rays (trigger) on the picker's choices.
static void pick_input(run_class *c, const stoa_interact_output *io, const stoa_interact_frame *in)
{
    run_panel *q = run_panels_find(&c->panels, "lobby-pick");
    int32_t hovered = -1, choice = -1;
    if (q)
        log_aim(c, q);
    for (int h = 0; q && h < 2; h++) {
        const stoa_interact_laser *l = &io->lasers[h];
        float v = in->hands[h].select_pressed ? 1.0f : in->hands[h].select_value, dir[3];
        bool pressed = v >= PRESS && c->select_prev[h] < PRESS;
        c->select_prev[h] = v;
        if (!l->visible)
            continue;
        dir_of(l->origin, l->end, dir);
        if (run_panels_hit(q, l->origin, dir, &choice) < 0 || choice < 0)
            continue;
        hovered = choice;
        if (pressed) {
            run_class_choose(c, "lobby-pick", choice);
            return;
        }
    }
    // No gaze dwell here: a learner looking straight ahead would pick
    // whichever name or key lies there, or sign themselves out. The gaze
    // only highlights; a trigger picks.
    float g[3];
    dir_of(io->gaze.origin, io->gaze.position, g);
    if (q && hovered < 0 && run_panels_hit(q, io->gaze.origin, g, &choice) > 0 && choice >= 0)
        hovered = choice;
    if (q && q->hovered != hovered) {
        q->hovered = hovered;
        q->version++;
    }
}

void run_class_frame(run_class *c, const stoa_interact_output *io, const stoa_interact_frame *in,
                     int64_t now_ns)
{
    run_lesson *p = &c->panels;
    p->now_ns = now_ns;
    memcpy(p->head_world, io->head_world.position, sizeof p->head_world);
    dir_of(io->gaze.origin, io->gaze.position, p->head_forward);
    if (c->phase == RUN_PHASE_RESULT && run_layout_clock_ns() >= c->result_until_ns)
        run_class_enter(c, RUN_PHASE_LOBBY);
    if (c->dirty) {
        c->dirty = false;
        redraw(c);
    }
    if (c->phase == RUN_PHASE_LOBBY)
        pick_input(c, io, in);
}
