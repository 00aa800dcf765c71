// SPDX-License-Identifier: Apache-2.0
// The lesson's place in `stoa run`'s session (run_session.h, "run_period").
// Without a hub: the lesson given starts at the first frame and the session
// ends a little after the lesson does. With a hub: the session starts in the
// lobby and nothing plays until the teacher launches a lesson; every launch
// is a new run under the launch's registration; a lesson that ends (done,
// failed, ended by the teacher) closes its trace, shows its result and goes
// back to the lobby. The OpenXR session is never torn down between lessons.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audio/stoa_audio.h"
#include "core/stoa_log.h"
#include "run_panels.h"
#include "run_session.h"
#include "run_survey.h"

stoa_result run_period_init(run_session *s, stoa_error *err)
{
    (void)err;
    if (!s->opt->hub.url)
        return STOA_OK;
    s->in_class = true;
    char host[128] = "";
    const char *name = s->opt->hub.device_name;
    if (!name && gethostname(host, sizeof host - 1) == 0)
        name = host;
    run_class_init(&s->cls, name, s->opt->lesson.language);
    // A lesson given on the command line lends its scene to the lobby; it
    // plays only when the teacher launches it.
    if (s->lesson_on) {
        run_lesson_fini(&s->lesson);
        s->lesson_on = false;
    }
    run_class_enter(&s->cls, RUN_PHASE_LOBBY);
    run_hub_resend_recent(&s->hub, s->opt->lesson.traces_dir);
    return STOA_OK;
}

static void launch_failed(run_session *s, const char *message)
{
    STOA_LOGE("run", "launch failed: %s", message);
    printf("stoa run: launch failed: %s\n", message);
    fflush(stdout);
    run_hub_launch_failed(&s->hub, message);
    s->launches_failed++;
    if (s->in_class && !s->lesson_on) {
        run_class_enter(&s->cls, RUN_PHASE_LOBBY);
        run_class_notice(&s->cls, s->cls.lang && !strncmp(s->cls.lang, "zh", 2)
                                      ? "课程无法开始。"
                                      : "The lesson could not start.");
    } else if (s->in_class) {
        run_class_enter(&s->cls, RUN_PHASE_LESSON); // the lesson playing goes on
    }
}

// A lesson the instructor launched from the hub: loaded on a worker, taken
// in between frames. One that cannot start leaves the headset as it was and
// tells the hub why.
void run_period_switch(run_session *s)
{
    const char *next, *registration, *learner;
    stoa_error err = {0};
    if (run_hub_take_switch(&s->hub, &next, &registration, &learner)) {
        run_content_switch_cancel(s); // a newer launch wins
        // The launch names its learner; else the one signed in; else the pseudonym.
        const char *who = learner[0] ? learner : s->in_class ? s->cls.learner_id : "";
        if (run_content_switch_lesson(s, next, registration, who, &err) < 0)
            launch_failed(s, err.message);
        else if (s->in_class)
            run_class_enter(&s->cls, RUN_PHASE_LOADING);
    }
    bool switched = false;
    if (run_content_switch_poll(s, &switched, &err) < 0) {
        launch_failed(s, err.message);
    } else if (switched) {
        stoa_error aerr = {0};
        if (run_ar_start(s, &aerr) < 0 && s->lesson_on) {
            // An AR lesson on a headset that shows only VR: not played; the
            // scene stays (the lobby), the hub hears why.
            run_lesson_fini(&s->lesson);
            s->lesson_on = false;
            launch_failed(s, aerr.message);
            run_ar_start(s, &aerr); // the scene, in VR
            return;
        }
        run_hub_launch_done(&s->hub);
        if (s->in_class)
            run_class_enter(&s->cls, RUN_PHASE_LESSON);
        s->hidden_version = UINT32_MAX; // new content: rebuild picking
        for (int i = 0; i < RUN_MAX_PANELS; i++)
            s->overlay.versions[i] = UINT32_MAX; // new panels, whatever their numbers
        // The worker made them (run_content.c): a lookup, unless the headset's
        // render pass changed meanwhile (a session lost and begun again).
        stoa_error perr = {0};
        if (s->front && s->front->prepare &&
            s->front->prepare(s->front_user, s->gscene, false, &perr) < 0)
            STOA_LOGW("run", "pipelines for the new scene: %s", perr.message);
    }
}

static void lesson_frame(run_session *s, const stoa_interact_output *out,
                         const stoa_interact_frame *in, int64_t now_ns)
{
    run_lesson *rl = &s->lesson;
    if (!rl->started) {
        stoa_error err = {0};
        if (run_lesson_start(rl, s->scene, &s->lesson_desc, now_ns, &err) < 0) {
            // The scene stays on the headset (a lobby); the hub hears why.
            STOA_LOGE("run", "the lesson cannot start: %s", err.message);
            run_lesson_fini(rl);
            s->lesson_on = false;
            launch_failed(s, err.message);
            return;
        }
    }
    run_lesson_input(rl, out, in, now_ns);
    run_lesson_update(rl, s->interact, now_ns);
    // A little after the end, once the last narration has been heard and
    // the survey answered: the result and the lobby (class), or the exit.
    if (!rl->ended || s->exit_requested || run_survey_tick(rl) ||
        (now_ns - rl->ended_ns) <= 2000000000LL || stoa_audio_narration_busy(rl->audio))
        return;
    if (s->in_class) {
        run_class_result(&s->cls, rl, now_ns);
        run_lesson_fini(rl); // the run's trace is closed; the follower reads it to its end
        s->lesson_on = false;
        return;
    }
    run_session_request_exit(s);
}

run_lesson *run_period_panels(run_session *s)
{
    if (s->lesson_on && (!s->in_class || s->cls.phase == RUN_PHASE_LESSON ||
                         s->cls.phase == RUN_PHASE_LOADING))
        return &s->lesson;
    return s->in_class ? &s->cls.panels : NULL;
}

void run_period_frame(run_session *s, const stoa_interact_output *out, const stoa_interact_frame *in,
                      int64_t now_ns)
{
    if (s->lesson_on)
        lesson_frame(s, out, in, now_ns);
    run_lesson *panels = run_period_panels(s);
    if (panels != s->drawn_panels) { // the lobby's panels or the lesson's: new pictures
        for (int i = 0; i < RUN_MAX_PANELS; i++)
            s->overlay.versions[i] = UINT32_MAX;
        s->drawn_panels = panels;
    }
    if (s->in_class && panels == &s->cls.panels)
        run_class_frame(&s->cls, out, in, now_ns);
    if (panels) {
        if (panels != &s->lesson)
            panels->now_ns = now_ns;
        run_layout_arrange(panels, run_layout_clock_ns());
    }
}

bool run_period_dimmed(const run_session *s)
{
    if (s->lesson_on && s->lesson.machine && stoa_lesson_machine_paused(s->lesson.machine))
        return true;
    return s->in_class && !(s->lesson_on && s->cls.phase == RUN_PHASE_LESSON);
}
