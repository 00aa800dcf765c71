// SPDX-License-Identifier: Apache-2.0
// The hub's side of a lesson run: status out, instructor commands in. The
// trace reaches the hub by stoa_net following the local log (the log is
// always written first).
#include "run_hub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run_lesson.h"
#include "run_panels.h"

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
    mkdir(dir, 0700); // its parent normally exists; if not, the token stays unsaved and we rejoin
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
    stoa_result r = stoa_net_create(&(stoa_net_desc){.hub_url = o->url, .join_code = o->join_code,
                                                     .token_path = token, .device_name = o->device_name,
                                                     .lesson_dir = o->lesson_dir},
                                    &h->net, err);
    if (r == STOA_OK) {
        printf("stoa run: reporting to the hub at %s\n", o->url);
        fflush(stdout);
    }
    return r;
}

static void feed(run_lesson *rl, stoa_lesson_event_kind kind, const char *id)
{
    run_lesson_feed(rl, &(stoa_lesson_event){.kind = kind, .id = id});
}

static void obey(run_hub *h, run_lesson *rl, const stoa_net_command *c)
{
    printf("stoa run: the instructor says: %s %s%s%s\n", stoa_net_command_name(c->kind), c->lesson_id,
           c->node, c->text);
    fflush(stdout);
    if (!rl || !rl->machine)
        return;
    switch (c->kind) {
    case STOA_NET_CMD_LAUNCH:
        // The same lesson starts over in place; another one (fetched into
        // the lesson folder, checked by hash) replaces it: run_session switches.
        if (rl->lesson && rl->lesson->id && strcmp(rl->lesson->id, c->lesson_id) == 0) {
            feed(rl, STOA_LESSON_EV_RESTART, NULL);
            snprintf(h->launched_as, sizeof h->launched_as, "%s", c->registration);
        } else if (c->lesson_path[0]) {
            snprintf(h->switch_path, sizeof h->switch_path, "%s", c->lesson_path);
            snprintf(h->switch_registration, sizeof h->switch_registration, "%s",
                     c->registration);
            snprintf(h->launched_as, sizeof h->launched_as, "%s", c->registration);
            h->switch_pending = true;
        }
        break;
    case STOA_NET_CMD_PAUSE:
        run_lesson_set_paused(rl, RUN_PAUSE_TEACHER, true);
        run_panels_show_text(rl, "hub-pause",
                             strncmp(rl->lang, "zh", 2) == 0 ? "请看老师" : "Look at the teacher",
                             -1);
        break;
    case STOA_NET_CMD_RESUME:
        run_panels_hide(rl, "hub-pause");
        run_lesson_set_paused(rl, RUN_PAUSE_TEACHER, false);
        break;
    case STOA_NET_CMD_SKIP: feed(rl, STOA_LESSON_EV_SKIP, NULL); break;
    case STOA_NET_CMD_GOTO: feed(rl, STOA_LESSON_EV_GOTO, c->state); break;
    case STOA_NET_CMD_RESTART: feed(rl, STOA_LESSON_EV_RESTART, NULL); break;
    case STOA_NET_CMD_END: feed(rl, STOA_LESSON_EV_END, NULL); break;
    case STOA_NET_CMD_LOOK_HERE:
        if (rl->scene)
            rl->arrow_node = stoa_scene_find_node(rl->scene, c->node);
        break;
    case STOA_NET_CMD_MESSAGE: run_panels_show_text(rl, "hub-message", c->text, -1); break;
    default: break;
    }
}

static void report(run_hub *h, run_lesson *rl, int64_t now_ns)
{
    stoa_net_status st = {.fps = h->fps, .launched_as = h->launched_as, .error = h->error};
    const stoa_lesson_state *state = rl && rl->machine ? stoa_lesson_machine_state(rl->machine) : NULL;
    if (state) {
        uint32_t index = (uint32_t)(state - rl->lesson->states);
        bool ended = stoa_lesson_machine_ended(rl->machine);
        st.lesson_id = rl->lesson->id;
        st.state = state->name;
        st.state_title = stoa_lesson_text_get(&state->title, rl->lang);
        st.registration = rl->trace ? stoa_trace_log_registration(rl->trace) : NULL;
        st.progress = ended ? 1.0 : (double)index / rl->lesson->state_count;
        st.score = stoa_lesson_machine_score(rl->machine);
        st.expected_s = state->expected_seconds;
        st.paused = stoa_lesson_machine_paused(rl->machine);
        st.idle_s = run_lesson_idle_s(rl);
    }
    (void)now_ns;
    stoa_net_send_status(h->net, &st);
}

void run_hub_frame(run_hub *h, run_lesson *rl, int64_t now_ns)
{
    if (!h->net)
        return;
    if (h->last_ns && now_ns > h->last_ns) // smoothed frame rate
        h->fps = h->fps * 0.95 + 0.05 * (1e9 / (double)(now_ns - h->last_ns));
    h->last_ns = now_ns;
    const char *log = rl && rl->trace ? stoa_trace_log_path(rl->trace) : NULL;
    if (log && log != h->followed) {
        stoa_net_follow_log(h->net, log);
        h->followed = log;
    }
    stoa_net_command c;
    for (int i = 0; i < 8 && stoa_net_poll_command(h->net, &c); i++)
        obey(h, rl, &c);
    report(h, rl, now_ns);
}

bool run_hub_take_switch(run_hub *h, const char **out_path, const char **out_registration)
{
    if (!h->switch_pending)
        return false;
    h->switch_pending = false;
    *out_path = h->switch_path; // valid until the next launch command
    *out_registration = h->switch_registration;
    return true;
}

void run_hub_launch_failed(run_hub *h, const char *message)
{
    snprintf(h->error, sizeof h->error, "%s", message);
    // The run still playing is not the launch's: do not let the hub file it there.
    h->launched_as[0] = '\0';
}

void run_hub_launch_done(run_hub *h)
{
    h->error[0] = '\0';
}

void run_hub_stop(run_hub *h)
{
    if (h->net)
        stoa_net_destroy(&h->net, 3000);
}
