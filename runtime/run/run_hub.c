// SPDX-License-Identifier: Apache-2.0
// The hub's side of a lesson run: status out, instructor commands in. The
// trace reaches the hub by stoa_net following the local log (the log is
// always written first).
#include "run_hub.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run_class.h"
#include "run_lesson.h"
#include "run_panels.h"
#include "run_ui_sound.h"
#include "scene/stoa_scene_cache.h"
#include "ui/stoa_ui.h"

static void default_token_path(char *out, size_t size)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char dir[900];
    if (state && state[0])
        snprintf(dir, sizeof dir, "%s/stoa", state);
    else if (home && home[0])
        snprintf(dir, sizeof dir, "%s/.local/state/stoa", home);
    else
        snprintf(dir, sizeof dir, ".");
    // Every folder on the way: on a fresh headset ~/.local/state may not
    // exist yet, and a token that cannot be saved means joining again as a
    // new device after each restart.
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(dir, 0700);
            *p = '/';
        }
    mkdir(dir, 0700);
    snprintf(out, size, "%s/hub-token", dir);
}

stoa_result run_hub_start(run_hub *h, const run_hub_options *o, stoa_error *err)
{
    memset(h, 0, sizeof *h);
    char token[1024];
    if (o->token_path)
        snprintf(token, sizeof token, "%s", o->token_path);
    else
        default_token_path(token, sizeof token);
    // Baked scenes from the hub go where this headset's scene loads look.
    char format[128], scenes[1024];
    stoa_scene_cache_format(format, sizeof format);
    bool bakes = stoa_scene_cache_dir(NULL, scenes, sizeof scenes);
    stoa_result r = stoa_net_create(&(stoa_net_desc){.hub_url = o->url, .join_code = o->join_code,
                                                     .token_path = token, .device_name = o->device_name,
                                                     .lesson_dir = o->lesson_dir,
                                                     .cache_max_bytes = o->cache_max_bytes,
                                                     .bake_format = bakes ? format : NULL,
                                                     .scene_cache_dir = bakes ? scenes : NULL},
                                    &h->net, err);
    h->seat = o->seat;
    if (r == STOA_OK) {
        printf("stoa run: reporting to the hub at %s\n", o->url);
        fflush(stdout);
    }
    return r;
}

static void feed(run_lesson *rl, stoa_lesson_event_kind kind, const char *id)
{
    if (rl && rl->machine)
        run_lesson_feed(rl, &(stoa_lesson_event){.kind = kind, .id = id});
}

// The lobby's and the lesson's commands. `panels` shows the teacher's
// message and pause: the lesson's when one plays, else the lobby's.
static void obey(run_hub *h, run_lesson *rl, run_class *cls, run_lesson *panels,
                 const stoa_net_command *c)
{
    printf("stoa run: the instructor says: %s %s%s%s\n", stoa_net_command_name(c->kind), c->lesson_id,
           c->node, c->kind == STOA_NET_CMD_SIGNIN ? "" : c->text); // names stay off the log
    fflush(stdout);
    bool zh = panels && panels->lang && strncmp(panels->lang, "zh", 2) == 0;
    if (cls && !zh)
        zh = cls->lang && strncmp(cls->lang, "zh", 2) == 0;
    switch (c->kind) {
    case STOA_NET_CMD_LAUNCH:
        // Every launch is a new run under its own registration, even of the
        // lesson playing (restarting in place filed two runs under one).
        if (!c->lesson_path[0]) {
            run_hub_launch_failed(h, c->error[0] ? c->error : "the lesson could not be fetched");
            h->launches_failed++;
            printf("stoa run: launch failed: %s\n", h->error);
            fflush(stdout);
            if (cls)
                run_class_notice(cls, zh ? "课程无法开始。" : "The lesson could not start.");
            break;
        }
        // What the launch cost the network (nothing for content held before).
        printf("stoa run: lesson files: %u fetched (%llu bytes), %u from the cache\n",
               c->files_fetched, (unsigned long long)c->bytes_fetched, c->files_cached);
        fflush(stdout);
        snprintf(h->switch_path, sizeof h->switch_path, "%s", c->lesson_path);
        snprintf(h->switch_registration, sizeof h->switch_registration, "%s", c->registration);
        snprintf(h->switch_learner, sizeof h->switch_learner, "%s", c->learner_id);
        h->switch_pending = true;
        break;
    case STOA_NET_CMD_PAUSE:
        if (rl && rl->machine)
            run_lesson_set_paused(rl, RUN_PAUSE_TEACHER, true);
        if (panels) // the pause icon in its corner: the teacher paused the lesson
            run_panels_show_text(panels, "hub-pause", zh ? "请看老师" : "Look at the teacher", -1)
                ->icon = STOA_UI_ICON_PAUSE;
        break;
    case STOA_NET_CMD_RESUME:
        if (panels)
            run_panels_hide(panels, "hub-pause");
        if (rl && rl->machine)
            run_lesson_set_paused(rl, RUN_PAUSE_TEACHER, false);
        break;
    case STOA_NET_CMD_SKIP: feed(rl, STOA_LESSON_EV_SKIP, NULL); break;
    case STOA_NET_CMD_GOTO: feed(rl, STOA_LESSON_EV_GOTO, c->state); break;
    case STOA_NET_CMD_RESTART: feed(rl, STOA_LESSON_EV_RESTART, NULL); break;
    case STOA_NET_CMD_END: feed(rl, STOA_LESSON_EV_END, NULL); break;
    case STOA_NET_CMD_LOOK_HERE:
        h->answered = true; // a raised hand is answered (run_view.c)
        if (rl && rl->scene)
            run_lesson_look_here(rl, stoa_scene_find_node(rl->scene, c->node));
        break;
    case STOA_NET_CMD_MESSAGE:
        h->answered = true;
        if (panels) {
            // The newest message replaces the last and stays for a time the
            // teacher is told (status "message_s"), then goes.
            run_panel *p = run_panels_show_text(panels, "hub-message", c->text, -1);
            snprintf(p->title, sizeof p->title, "%s", zh ? "老师" : "Your teacher");
            h->message_s = run_layout_message_s(c->text);
            p->until_ns = run_layout_clock_ns() + (int64_t)(h->message_s * 1e9);
            run_ui_sound(panels, RUN_SOUND_MESSAGE, -1, p->center);
        }
        break;
    case STOA_NET_CMD_PLACE_TOGETHER: h->place_together = true; break; // run_ar_share.c
    case STOA_NET_CMD_SIGNIN:
        if (cls)
            run_class_signin(cls, c->learner_id, c->text, c->number);
        break;
    case STOA_NET_CMD_SIGNOUT:
        if (cls)
            run_class_signout(cls);
        break;
    case STOA_NET_CMD_SIGNIN_REFUSED:
        if (cls)
            run_class_refused(cls, c->text);
        break;
    default: break;
    }
}

static void report(run_hub *h, run_lesson *rl, run_class *cls, run_lesson *panels)
{
    stoa_net_status st = {.fps = h->fps, .error = h->error, .hand = h->hand, .attention = h->attention,
                          .seat = h->seat, .placement = h->placement};
    const stoa_lesson_state *state = rl && rl->machine ? stoa_lesson_machine_state(rl->machine) : NULL;
    if (state) {
        uint32_t index = (uint32_t)(state - rl->lesson->states);
        bool ended = stoa_lesson_machine_ended(rl->machine);
        st.lesson_id = rl->lesson->id;
        st.state = state->name;
        st.state_title = stoa_lesson_text_get(&state->title, rl->lang);
        st.registration = rl->trace ? stoa_trace_log_registration(rl->trace) : NULL;
        // Ended by the teacher, the lesson stopped where it was: not 100 %.
        bool done = ended && rl->outcome != STOA_LESSON_OUTCOME_ABORTED;
        st.progress = done ? 1.0 : (double)index / rl->lesson->state_count;
        h->last_progress = st.progress;
        st.score = stoa_lesson_machine_score(rl->machine);
        st.expected_s = state->expected_seconds;
        st.paused = stoa_lesson_machine_paused(rl->machine);
        st.idle_s = run_lesson_idle_s(rl);
    } else {
        st.progress = h->last_progress; // the result and the lobby: where the last lesson stopped
    }
    if (cls) {
        st.phase = run_class_phase_name(cls->phase);
        st.learner_id = cls->learner_id;
        if (cls->phase == RUN_PHASE_RESULT) {
            st.has_result = true;
            st.completed = cls->completed;
            st.success = cls->success;
            st.has_score = cls->has_score;
            st.result_score = cls->score;
        }
    }
    run_panel *m = panels ? run_panels_find(panels, "hub-message") : NULL;
    int64_t now = run_layout_clock_ns();
    if (m && m->until_ns > now)
        st.message_s = (double)(m->until_ns - now) * 1e-9;
    stoa_net_send_status(h->net, &st);
}

void run_hub_frame(run_hub *h, run_lesson *rl, run_class *cls, int64_t now_ns)
{
    if (!h->net)
        return;
    if (h->last_ns && now_ns > h->last_ns) // smoothed frame rate
        h->fps = h->fps * 0.95 + 0.05 * (1e9 / (double)(now_ns - h->last_ns));
    h->last_ns = now_ns;
    const char *log = rl && rl->trace ? stoa_trace_log_path(rl->trace) : NULL;
    if (log && strcmp(log, h->followed) != 0) {
        stoa_net_follow_log(h->net, log);
        snprintf(h->followed, sizeof h->followed, "%s", log);
    }
    run_lesson *panels = rl && rl->machine ? rl : cls ? &cls->panels : NULL;
    stoa_net_command c;
    for (int i = 0; i < 8 && stoa_net_poll_command(h->net, &c); i++)
        obey(h, rl, cls, panels, &c);
    if (cls) {
        if (!h->roster)
            h->roster = malloc(sizeof *h->roster);
        if (h->roster && stoa_net_take_class(h->net, h->roster))
            run_class_set_roster(cls, h->roster);
        if (cls->want_signin)
            stoa_net_send_signin(h->net, cls->want_id, cls->want_pin);
        if (cls->want_signout)
            stoa_net_send_signout(h->net);
        cls->want_signin = cls->want_signout = false;
    }
    report(h, rl, cls, panels);
}

bool run_hub_take_switch(run_hub *h, const char **out_path, const char **out_registration,
                         const char **out_learner)
{
    if (!h->switch_pending)
        return false;
    h->switch_pending = false;
    *out_path = h->switch_path; // valid until the next launch command
    *out_registration = h->switch_registration;
    *out_learner = h->switch_learner;
    return true;
}

void run_hub_launch_failed(run_hub *h, const char *message)
{
    snprintf(h->error, sizeof h->error, "%s", message);
}

void run_hub_launch_done(run_hub *h)
{
    h->error[0] = '\0';
}

void run_hub_stop(run_hub *h)
{
    if (h->net)
        stoa_net_destroy(&h->net, 3000);
    free(h->roster);
    h->roster = NULL;
}

void run_hub_resend_recent(run_hub *h, const char *traces_dir)
{
    char dir[4096], best[3][4352] = {{0}};
    time_t when[3] = {0};
    if (!h->net)
        return;
    if (traces_dir)
        snprintf(dir, sizeof dir, "%s", traces_dir);
    else
        stoa_trace_default_dir(dir, sizeof dir);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        char path[4352];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (n < 7 || strcmp(e->d_name + n - 6, ".jsonl") != 0 || stat(path, &st) != 0)
            continue;
        for (int i = 0; i < 3; i++) // the three newest, newest first
            if (st.st_mtime >= when[i]) {
                for (int j = 2; j > i; j--) {
                    when[j] = when[j - 1];
                    memcpy(best[j], best[j - 1], sizeof best[j]);
                }
                when[i] = st.st_mtime;
                snprintf(best[i], sizeof best[i], "%s", path);
                break;
            }
    }
    if (d)
        closedir(d);
    size_t total = 0;
    for (int i = 0; i < 3; i++)
        if (best[i][0])
            total += stoa_net_resend_log(h->net, best[i]);
    if (total) {
        printf("stoa run: %zu statements of the last runs offered to the hub again\n", total);
        fflush(stdout);
    }
}
