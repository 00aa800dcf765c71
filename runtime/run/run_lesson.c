// SPDX-License-Identifier: Apache-2.0
#include "run_lesson.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_clock.h"
#include "core/stoa_log.h"
#include "core/stoa_path.h"
#include "lesson/stoa_lesson_check.h"
#include "run_attention.h"
#include "run_panels.h"
#include "run_survey.h"
#include "run_task.h"
#include "run_ui_sound.h"

static int64_t trace_now(stoa_clock *c)
{
    const run_lesson *rl = (const run_lesson *)((const char *)c - offsetof(run_lesson, trace_clock));
    return rl->now_ns - rl->display0_ns;
}

stoa_trace_names run_lesson_names(const run_lesson *rl, const stoa_lesson_text *text,
                                  stoa_trace_text *buf, uint32_t buf_count)
{
    stoa_trace_names n = {buf, 0};
    if (!text)
        return n;
    for (uint32_t i = 0; i < text->count && n.count < buf_count; i++) {
        const stoa_lesson_text_entry *e = &text->entries[i];
        buf[n.count].lang = e->lang ? e->lang : rl->lesson->languages[0];
        buf[n.count].text = e->value;
        n.count++;
    }
    return n;
}

static const char *tr(const run_lesson *rl, const stoa_lesson_text *t)
{
    const char *s = t ? stoa_lesson_text_get(t, rl->lang) : NULL;
    return s ? s : "";
}

stoa_result run_lesson_load(run_lesson *rl, const run_lesson_desc *desc, stoa_error *err)
{
    memset(rl, 0, sizeof *rl);
    rl->arrow_node = -1;
    rl->gaze_node = -1;
    rl->quiz_gaze_choice = -1;
    snprintf(rl->lesson_path, sizeof rl->lesson_path, "%s", desc->lesson_path);
    stoa_lesson_diags diags;
    stoa_lesson_diags_init(&diags);
    stoa_result r = stoa_lesson_load_file(desc->lesson_path, &rl->lesson, &diags, err);
    if (r < 0 && diags.count > 0) {
        char line[640];
        stoa_lesson_diags_sort(&diags);
        stoa_lesson_diag_format(&diags.items[0], desc->lesson_path, line, sizeof line);
        stoa_error_set(err, r, "%s (`stoa lint` lists every problem)", line);
    }
    stoa_lesson_diags_fini(&diags);
    if (r < 0)
        return r;
    rl->lang = desc->language ? desc->language : rl->lesson->languages[0];
    rl->quiet = desc->quiet;
    return stoa_lesson_resolve_path(desc->lesson_path, rl->lesson->scene, rl->scene_path,
                                    sizeof rl->scene_path, err);
}

static stoa_result make_trace(run_lesson *rl, const run_lesson_desc *desc, stoa_error *err)
{
    stoa_trace_text names[8];
    rl->trace_clock.now_ns = trace_now;
    stoa_trace_log_desc td = {
        .traces_dir = desc->traces_dir,
        .lesson_id = rl->lesson->id,
        .lesson_names = run_lesson_names(rl, &rl->lesson->title, names, 8),
        .language = rl->lang,
        .device_type = desc->device_type,
        .learner_account = desc->learner,
        .account_home_page = desc->account_home_page,
        .registration = desc->registration,
        .clock = &rl->trace_clock,
    };
    stoa_result r = stoa_trace_log_create(&td, &rl->trace, err);
    if (r < 0)
        return r;
    if (!rl->quiet) {
        printf("stoa run: learner trace: %s\n", stoa_trace_log_path(rl->trace));
        fflush(stdout);
    }
    return STOA_OK;
}

static bool node_position(void *user, uint32_t node, float out[3])
{
    const run_lesson *rl = user;
    if (!rl->pose || node >= rl->scene->node_count)
        return false;
    const float *m = stoa_pose_world(rl->pose, node);
    out[0] = m[12];
    out[1] = m[13];
    out[2] = m[14];
    return true;
}

stoa_result run_lesson_start(run_lesson *rl, const stoa_scene *scene, const run_lesson_desc *desc,
                             int64_t now_ns, stoa_error *err)
{
    rl->scene = scene;
    rl->now_ns = rl->display0_ns = now_ns;
    rl->hidden = calloc(scene->node_count, sizeof *rl->hidden);
    rl->highlighted = calloc(scene->node_count, sizeof *rl->highlighted);
    if (!rl->hidden || !rl->highlighted)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    // Paths arrive resolved and confined by the lesson module; sources at
    // nodes ask where their node is now, so they move with it.
    stoa_audio_desc ad = {.device = STOA_AUDIO_DEVICE_DEFAULT,
                          .node_position = node_position,
                          .node_position_user = rl};
    if (getenv("STOA_AUDIO_SILENT"))
        ad.device = STOA_AUDIO_DEVICE_SILENT;
    if (run_audio_probe_wanted()) // a test measures what is heard (loopback, HRTF on)
        ad.device = STOA_AUDIO_DEVICE_LOOPBACK;
    stoa_result r = stoa_audio_create(&ad, &rl->audio, err);
    if (r < 0)
        return r;
    if (desc->sounds_dir)
        snprintf(rl->sounds_dir, sizeof rl->sounds_dir, "%s", desc->sounds_dir);
    if (ad.device == STOA_AUDIO_DEVICE_LOOPBACK)
        run_audio_probe_open(&rl->probe);
    if ((r = make_trace(rl, desc, err)) < 0)
        return r;
    stoa_lesson_machine_desc md = {.seed = desc->seed};
    if ((r = stoa_lesson_machine_create(rl->lesson, &md, &rl->machine, err)) < 0)
        return r;
    stoa_trace_launched(rl->trace, rl->now_ns - rl->display0_ns);
    stoa_trace_initialized(rl->trace, rl->now_ns - rl->display0_ns);
    if (!stoa_lesson_out_init_queue(&rl->out, 128, RUN_ACTION_LIMIT))
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    r = stoa_lesson_machine_start(rl->machine, now_ns, &rl->out);
    rl->started = true;
    return r < 0 && r != STOA_ERROR_LIMIT ? r : STOA_OK;
}

static int32_t node_index(const run_lesson *rl, const char *name)
{
    return name ? stoa_scene_find_node(rl->scene, name) : -1;
}

static void narrate(run_lesson *rl, const stoa_lesson_action *a)
{
    const char *audio = a->audio ? stoa_lesson_audio_get(a->audio, rl->lang) : NULL;
    const char *text = tr(rl, a->text);
    char path[4096];
    stoa_error perr = {0};
    // Lesson paths follow the lesson's rules (see stoa_lesson_resolve_path).
    if (audio && *audio &&
        stoa_lesson_resolve_path(rl->lesson_path, audio, path, sizeof path, &perr) < 0) {
        STOA_LOGW("run", "narration '%s': %s", a->id ? a->id : "", perr.message);
        audio = NULL;
    } else if (audio && *audio) {
        audio = path;
    }
    stoa_audio_narration_desc nd = {.path = audio && *audio ? audio : NULL, .text = text};
    if (!nd.path) // no recording (yet): the subtitle is timed by its reading time
        STOA_LOGI("run", "narration '%s' has no recording in %s: subtitle for %.1f s: %s",
                  a->id ? a->id : "", rl->lang ? rl->lang : "the first language",
                  stoa_audio_estimate_reading_s(text), text ? text : "");
    int32_t node = node_index(rl, a->node);
    if (node >= 0) {
        nd.place.anchor = STOA_AUDIO_AT_NODE;
        nd.place.node = (uint32_t)node;
    }
    uint32_t id = 0;
    stoa_error err = {0};
    if (stoa_audio_narrate(rl->audio, &nd, &id, &err) < 0)
        STOA_LOGW("run", "narration '%s': %s (showing the subtitle instead)", a->id, err.message);
    if (id)
        run_attention_start(rl, id, a->id, node);
    if (rl->narration_count < RUN_MAX_NARRATIONS) {
        rl->narrations[rl->narration_count].audio_id = id;
        snprintf(rl->narrations[rl->narration_count].lesson_id, 64, "%s", a->id ? a->id : "");
        rl->narration_count++;
    }
    run_panels_subtitle(rl, text);
}

static void stop_narration(run_lesson *rl, const char *lesson_id)
{
    for (uint32_t i = 0; i < rl->narration_count; i++)
        if (!lesson_id || !strcmp(rl->narrations[i].lesson_id, lesson_id))
            stoa_audio_skip_narration(rl->audio, rl->narrations[i].audio_id);
}

static run_anim *anim_slot(run_lesson *rl, int32_t anim)
{
    for (uint32_t i = 0; i < rl->anim_count; i++)
        if (rl->anims[i].anim == anim)
            return &rl->anims[i];
    if (rl->anim_count == RUN_MAX_ANIMS)
        return NULL;
    run_anim *s = &rl->anims[rl->anim_count++];
    memset(s, 0, sizeof *s);
    s->anim = anim;
    return s;
}

static void animation(run_lesson *rl, const stoa_lesson_action *a)
{
    int32_t idx = stoa_scene_find_animation(rl->scene, a->animation);
    run_anim *s = idx >= 0 ? anim_slot(rl, idx) : NULL;
    if (!s) {
        STOA_LOGW("run", "no animation '%s' in the scene", a->animation ? a->animation : "?");
        return;
    }
    float dur = rl->scene->animations[idx].duration;
    float t = (float)((rl->now_ns - s->start_ns) * 1e-9);
    switch (a->type) {
    case STOA_LESSON_ACT_PLAY_ANIMATION:
        s->start_ns = rl->now_ns;
        s->loop = a->loop;
        s->playing = true;
        break;
    case STOA_LESSON_ACT_STOP_ANIMATION:
        s->hold_t = s->playing ? (s->loop && dur > 0 ? fmodf(t, dur) : fminf(t, dur)) : s->hold_t;
        s->playing = false;
        break;
    default: // complete: jump to the end
        s->hold_t = dur;
        s->playing = false;
        break;
    }
}

const float *run_lesson_node_world(const run_lesson *rl, int32_t node)
{
    if (!rl->pose || node < 0 || (uint32_t)node >= rl->scene->node_count)
        return NULL;
    return stoa_pose_world(rl->pose, (uint32_t)node);
}

void run_lesson_teleport_node(run_lesson *rl, int32_t node)
{
    // Position and facing (-Z) of the node as the scene stands now.
    const float *m = run_lesson_node_world(rl, node);
    if (!m)
        return;
    rl->teleport_point[0] = m[12];
    rl->teleport_point[1] = m[13];
    rl->teleport_point[2] = m[14];
    rl->teleport_yaw = atan2f(m[8], m[10]);
    rl->teleport_pending = true;
}

static void trace_state(run_lesson *rl, const stoa_lesson_action *a, int64_t t)
{
    stoa_trace_text names[8];
    const stoa_lesson_state *s = a->state;
    stoa_trace_state_entered(rl->trace, s->name, run_lesson_names(rl, &s->title, names, 8),
                             (const char *const *)s->concepts, s->concept_count, t);
}

static void trace_answer(run_lesson *rl, const stoa_lesson_action *a, int64_t t)
{
    stoa_trace_text names[8];
    char response[32] = "", correct[32] = "";
    for (uint32_t i = 0; i < a->quiz->choice_count && i < 26; i++) {
        char letter[3] = {(char)('a' + i), 0};
        if (a->choices & (1u << i)) {
            if (response[0])
                strcat(response, "[,]");
            strcat(response, letter);
        }
        if (a->quiz->correct & (1u << i)) {
            if (correct[0])
                strcat(correct, "[,]");
            strcat(correct, letter);
        }
    }
    stoa_trace_answer ans = {
        .question_id = a->quiz->id,
        .names = run_lesson_names(rl, &a->quiz->question, names, 8),
        .response = response,
        .correct_response = correct,
        .success = a->correct,
        .has_score = a->quiz->has_points,
        .score_raw = a->total,
        .feedback = a->text ? tr(rl, a->text) : NULL,
    };
    stoa_trace_answered(rl->trace, &ans, t);
}

static void apply(run_lesson *rl, const stoa_lesson_action *a)
{
    int64_t t = rl->now_ns - rl->display0_ns;
    int32_t node = node_index(rl, a->node);
    STOA_LOGD("run", "lesson: %s %s", stoa_lesson_action_type_str(a->type),
              a->node ? a->node : a->id ? a->id : "");
    switch (a->type) {
    case STOA_LESSON_ACT_STATE_ENTERED:
        if (!rl->quiet) {
            printf("stoa run: state %s\n", a->state->name);
            fflush(stdout);
        }
        trace_state(rl, a, t);
        break;
    case STOA_LESSON_ACT_NARRATE: narrate(rl, a); break;
    case STOA_LESSON_ACT_STOP_NARRATION: stop_narration(rl, a->id); break;
    case STOA_LESSON_ACT_SHOW_PANEL: {
        run_panel *p = run_panels_show_text(rl, a->id, tr(rl, a->text), node);
        run_ui_sound(rl, RUN_SOUND_PANEL, node, p ? p->center : NULL);
        break;
    }
    case STOA_LESSON_ACT_HIDE_PANEL: run_panels_hide(rl, a->id); break;
    case STOA_LESSON_ACT_HIGHLIGHT:
    case STOA_LESSON_ACT_UNHIGHLIGHT:
        if (node >= 0)
            rl->highlighted[node] = a->type == STOA_LESSON_ACT_HIGHLIGHT;
        break;
    case STOA_LESSON_ACT_SHOW_ARROW: rl->arrow_node = node; break;
    case STOA_LESSON_ACT_HIDE_ARROW:
        if (rl->arrow_node == node)
            rl->arrow_node = -1;
        break;
    case STOA_LESSON_ACT_SHOW_NODE:
    case STOA_LESSON_ACT_HIDE_NODE:
        if (node >= 0 && rl->hidden[node] != (a->type == STOA_LESSON_ACT_HIDE_NODE)) {
            rl->hidden[node] = a->type == STOA_LESSON_ACT_HIDE_NODE;
            rl->hidden_version++;
        }
        break;
    case STOA_LESSON_ACT_PLAY_ANIMATION:
    case STOA_LESSON_ACT_STOP_ANIMATION:
    case STOA_LESSON_ACT_COMPLETE_ANIMATION: animation(rl, a); break;
    case STOA_LESSON_ACT_TELEPORT: run_lesson_teleport_node(rl, node_index(rl, a->node)); break;
    case STOA_LESSON_ACT_SCORE:
        if (a->text)
            run_panels_feedback(rl, tr(rl, a->text));
        break;
    case STOA_LESSON_ACT_QUIZ: {
        stoa_trace_text names[8];
        run_panels_show_quiz(rl, a->quiz);
        stoa_trace_question_shown(rl->trace, a->quiz->id,
                                  run_lesson_names(rl, &a->quiz->question, names, 8), t);
        break;
    }
    case STOA_LESSON_ACT_HIDE_QUIZ: run_panels_hide_quiz(rl, a->quiz->id); break;
    case STOA_LESSON_ACT_QUIZ_ANSWERED:
        trace_answer(rl, a, t);
        run_panels_quiz_answered(rl, a->quiz, a->choices, a->correct);
        {
            run_panel *q = run_panels_quiz(rl);
            run_ui_sound(rl, a->correct ? RUN_SOUND_RIGHT : RUN_SOUND_WRONG, -1, q ? q->center : NULL);
        }
        break;
    case STOA_LESSON_ACT_TASK_STEP:
        run_task_step(rl, a, t);
        run_ui_sound(rl, a->correct ? RUN_SOUND_RIGHT : RUN_SOUND_WRONG, node, NULL);
        break;
    case STOA_LESSON_ACT_TASK_DONE: run_task_done(rl, a, t); break;
    case STOA_LESSON_ACT_PAUSED: stoa_trace_suspended(rl->trace, STOA_TRACE_PAUSED, t); break;
    case STOA_LESSON_ACT_RESUMED: stoa_trace_resumed(rl->trace, t); break;
    case STOA_LESSON_ACT_PASSTHROUGH: // run_ar.c fades the room
        rl->room_to = (float)a->value;
        rl->room_s = a->total;
        rl->room_version++;
        break;
    case STOA_LESSON_ACT_RESTARTED:
        rl->room_to = -1.0f; // the room as the lesson began
        rl->room_s = 0;
        rl->room_version++;
        memset(rl->hidden, 0, rl->scene->node_count * sizeof *rl->hidden);
        rl->hidden_version++;
        memset(rl->highlighted, 0, rl->scene->node_count * sizeof *rl->highlighted);
        rl->anim_count = 0;
        rl->arrow_node = -1;
        break;
    case STOA_LESSON_ACT_OVERDUE:
        STOA_LOGW("run", "the learner has been in '%s' for over %.0f s", a->state->name, a->value);
        break;
    case STOA_LESSON_ACT_ENDED: {
        rl->ended = true;
        rl->ended_ns = rl->now_ns;
        rl->outcome = a->outcome;
        if (a->outcome == STOA_LESSON_OUTCOME_PASSED || a->outcome == STOA_LESSON_OUTCOME_FAILED)
            stoa_trace_scored(rl->trace, a->total, 0, a->total > 0 ? a->total : 1,
                              a->outcome == STOA_LESSON_OUTCOME_PASSED, t);
        if (a->outcome != STOA_LESSON_OUTCOME_ABORTED)
            stoa_trace_completed(rl->trace, t);
        if (!rl->quiet) {
            printf("stoa run: lesson ended: %s, score %g\n", stoa_lesson_outcome_str(a->outcome),
                   a->total);
            fflush(stdout);
        }
        run_survey_start(rl);
        break;
    }
    default: break;
    }
}

static void apply_all(run_lesson *rl)
{
    for (uint32_t i = 0; i < rl->out.count; i++)
        apply(rl, &rl->out.items[i]);
    if (rl->out.dropped) {
        rl->actions_dropped += rl->out.dropped;
        STOA_LOGE("run", "%u lesson actions went over the queue's limit of %u in one step "
                         "(%u in all): the lesson may show the wrong things",
                  rl->out.dropped, RUN_ACTION_LIMIT, rl->actions_dropped);
    }
    stoa_lesson_out_clear(&rl->out);
}

void run_lesson_feed(run_lesson *rl, const stoa_lesson_event *ev)
{
    if (!rl->machine || rl->ended)
        return;
    stoa_lesson_machine_handle_event(rl->machine, ev, rl->now_ns, &rl->out);
    apply_all(rl);
}

stoa_result run_lesson_restore(run_lesson *rl, const char *blob, size_t len, stoa_error *err)
{
    // What the start state showed goes: the restore shows what the saved one had.
    for (int i = 0; i < RUN_MAX_PANELS; i++)
        if (rl->panels[i].visible)
            run_panels_hide(rl, rl->panels[i].id);
    for (uint32_t n = 0; rl->highlighted && rl->scene && n < rl->scene->node_count; n++)
        rl->highlighted[n] = false;
    rl->arrow_node = -1;
    stoa_result r = stoa_lesson_machine_restore(rl->machine, blob, len, rl->now_ns, &rl->out, err);
    if (r >= 0)
        apply_all(rl);
    return r;
}

static void audio_events(run_lesson *rl)
{
    stoa_audio_event ev;
    while (stoa_audio_poll_event(rl->audio, &ev)) {
        if (ev.type == STOA_AUDIO_EVENT_NARRATION_STARTED)
            run_attention_playing(rl, ev.narration_id);
        if (ev.type != STOA_AUDIO_EVENT_NARRATION_FINISHED)
            continue;
        run_attention_end(rl, ev.narration_id, !ev.skipped);
        for (uint32_t i = 0; i < rl->narration_count; i++) {
            if (rl->narrations[i].audio_id != ev.narration_id)
                continue;
            stoa_lesson_event le = {.kind = STOA_LESSON_EV_NARRATION_DONE,
                                    .id = rl->narrations[i].lesson_id};
            run_lesson_feed(rl, &le);
            // Forget it: the table only holds narrations still in flight.
            rl->narrations[i] = rl->narrations[--rl->narration_count];
            break;
        }
        if (!stoa_audio_narration_busy(rl->audio))
            run_panels_subtitle(rl, NULL);
    }
}

void run_lesson_update(run_lesson *rl, stoa_interact *ia, int64_t now_ns)
{
    if (!rl->machine)
        return;
    rl->now_ns = now_ns;
    stoa_audio_update(rl->audio, now_ns);
    run_audio_probe_frame(&rl->probe, rl->audio, now_ns, rl->head_forward);
    audio_events(rl);
    if (!rl->ended) {
        stoa_lesson_machine_update(rl->machine, now_ns, &rl->out);
        apply_all(rl);
    }
    if (rl->teleport_pending) {
        stoa_interact_place_head(ia, rl->teleport_point, rl->teleport_yaw);
        stoa_trace_teleported(rl->trace, rl->teleport_point, now_ns - rl->display0_ns);
        rl->teleport_pending = false;
        rl->layout_reanchor = true; // panels in front stand where the learner now looks
    }
}

void run_lesson_pose(run_lesson *rl, stoa_pose *pose)
{
    rl->pose = pose; // also before start: the first actions place things
    if (!rl->machine)
        return;
    for (uint32_t i = 0; i < rl->anim_count; i++) {
        const run_anim *s = &rl->anims[i];
        float dur = rl->scene->animations[s->anim].duration;
        float t = s->hold_t;
        if (s->playing) {
            t = (float)((rl->now_ns - s->start_ns) * 1e-9);
            t = s->loop && dur > 0 ? fmodf(t, dur) : fminf(t, dur);
        }
        stoa_pose_apply_animation(pose, (uint32_t)s->anim, t);
    }
    static const float zero[3] = {0, 0, 0};
    for (uint32_t n = 0; n < rl->scene->node_count; n++) {
        if (!rl->hidden[n])
            continue;
        const stoa_node *node = &rl->scene->nodes[n];
        stoa_pose_set_local(pose, n, node->translation, node->rotation, zero);
    }
}

void run_lesson_set_paused(run_lesson *rl, uint32_t source, bool on)
{
    uint32_t before = rl->pause_sources;
    rl->pause_sources = on ? before | source : before & ~source;
    if (rl->pause_sources == before)
        return;
    int64_t t = rl->now_ns - rl->display0_ns;
    if (source == RUN_PAUSE_SESSION && on && rl->trace)
        stoa_trace_suspended(rl->trace, STOA_TRACE_SESSION_LOST, t);
    if (rl->machine && !rl->ended && (before == 0) != (rl->pause_sources == 0)) {
        stoa_lesson_event ev = {.kind = rl->pause_sources ? STOA_LESSON_EV_PAUSE
                                                          : STOA_LESSON_EV_RESUME};
        run_lesson_feed(rl, &ev);
    }
    if (source == RUN_PAUSE_SESSION && !on && rl->trace)
        stoa_trace_resumed(rl->trace, t);
}

void run_lesson_fini(run_lesson *rl)
{
    run_survey_free(rl);
    run_attention_free(rl);
    if (rl->trace) {
        stoa_trace_terminated(rl->trace, rl->now_ns - rl->display0_ns);
        stoa_trace_log_destroy(&rl->trace);
    }
    stoa_lesson_machine_destroy(&rl->machine);
    stoa_lesson_out_fini(&rl->out);
    run_audio_probe_close(&rl->probe);
    stoa_audio_destroy(&rl->audio);
    stoa_lesson_destroy(&rl->lesson);
    free(rl->hidden);
    free(rl->highlighted);
    memset(rl, 0, sizeof *rl);
}
