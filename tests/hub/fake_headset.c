// SPDX-License-Identifier: Apache-2.0
// A scripted headset for the hub's browser test and demos: it joins with
// stoa_net, obeys the hub's commands and "plays" a launched lesson by
// moving to the next state every --step seconds, writing a real trace
// (runtime/trace) that stoa_net follows and streams. No graphics.
//
//   fake_headset --hub URL --join CODE --name NAME --dir DIR [--step S] [--seconds S]
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lesson/stoa_lesson.h"
#include "net/stoa_net.h"
#include "trace/stoa_trace.h"

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) { (void)sig; g_stop = 1; }

typedef struct fake {
    const char *name, *dir;
    double step_s;
    stoa_net *net;
    stoa_lesson *lesson;
    stoa_trace_log *log;
    char registration[40];
    uint32_t state;
    double in_state_s, idle_s;
    bool paused, finished;
    int right, asked;
    stoa_trace_text texts[8];
} fake;

static stoa_trace_names names_of(fake *f, const stoa_lesson_text *t)
{
    uint32_t n = t->count < 8 ? t->count : 8;
    for (uint32_t i = 0; i < n; i++)
        f->texts[i] = (stoa_trace_text){t->entries[i].lang ? t->entries[i].lang : "und", t->entries[i].value};
    return (stoa_trace_names){f->texts, n};
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void enter_state(fake *f, uint32_t index)
{
    const stoa_lesson_state *s = &f->lesson->states[index];
    f->state = index;
    f->in_state_s = 0;
    stoa_trace_state_entered(f->log, s->name, names_of(f, &s->title), s->concepts, s->concept_count, now_ns());
}

static void answer_quizzes(fake *f)
{
    const stoa_lesson_state *s = &f->lesson->states[f->state];
    for (uint32_t i = 0; i < s->step_count; i++) {
        const stoa_lesson_quiz *q = s->steps[i].quiz;
        if (s->steps[i].kind != STOA_LESSON_STEP_QUIZ || !q)
            continue;
        bool right = (strlen(f->name) + f->state) % 3 != 0; // some learners err, the same way each run
        stoa_trace_answered(f->log, &(stoa_trace_answer){.question_id = q->id, .names = names_of(f, &q->question),
                                                         .response = right ? "a" : "b", .success = right}, now_ns());
        f->asked++, f->right += right;
    }
}

static void end_lesson(fake *f)
{
    if (f->log)
        stoa_trace_terminated(f->log, now_ns());
    stoa_trace_log_destroy(&f->log);
    stoa_lesson_destroy(&f->lesson);
    f->finished = f->paused = false;
}

static void launch(fake *f, const stoa_net_command *c)
{
    end_lesson(f);
    stoa_error err = {0};
    if (!c->lesson_path[0] || stoa_lesson_load_file(c->lesson_path, &f->lesson, NULL, &err) != STOA_OK) {
        fprintf(stderr, "fake_headset %s: cannot load %s: %s\n", f->name, c->lesson, err.message);
        return;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/traces/%s.jsonl", f->dir, c->registration);
    if (stoa_trace_log_create(&(stoa_trace_log_desc){.file_path = path, .lesson_id = f->lesson->id,
                                                     .lesson_names = names_of(f, &f->lesson->title),
                                                     .learner_account = f->name, .registration = c->registration,
                                                     .writer = {.flush_interval_ms = 50}},
                              &f->log, &err) != STOA_OK) {
        fprintf(stderr, "fake_headset %s: trace: %s\n", f->name, err.message);
        stoa_lesson_destroy(&f->lesson);
        return;
    }
    snprintf(f->registration, sizeof f->registration, "%s", c->registration);
    stoa_net_follow_log(f->net, path);
    f->right = f->asked = 0;
    stoa_trace_launched(f->log, now_ns());
    stoa_trace_initialized(f->log, now_ns());
    enter_state(f, (uint32_t)(f->lesson->start_index >= 0 ? f->lesson->start_index : 0));
}

static void advance(fake *f)
{
    answer_quizzes(f);
    if (f->state + 1 < f->lesson->state_count) {
        enter_state(f, f->state + 1);
        return;
    }
    stoa_trace_completed(f->log, now_ns());
    if (f->asked > 0)
        stoa_trace_scored(f->log, f->right, 0, f->asked, f->right * 2 >= f->asked, now_ns());
    f->finished = true;
}

static void obey(fake *f, const stoa_net_command *c)
{
    printf("fake_headset %s: %s %s%s%s\n", f->name, stoa_net_command_name(c->kind), c->lesson, c->node, c->text);
    fflush(stdout);
    bool playing = f->lesson && f->log;
    switch (c->kind) {
    case STOA_NET_CMD_LAUNCH: launch(f, c); break;
    case STOA_NET_CMD_PAUSE:
        if (playing && !f->paused)
            stoa_trace_suspended(f->log, STOA_TRACE_PAUSED, now_ns()), f->paused = true;
        break;
    case STOA_NET_CMD_RESUME:
        if (playing && f->paused)
            stoa_trace_resumed(f->log, now_ns()), f->paused = false;
        break;
    case STOA_NET_CMD_SKIP: if (playing && !f->finished) advance(f); break;
    case STOA_NET_CMD_RESTART: if (playing) f->finished = false, enter_state(f, 0); break;
    case STOA_NET_CMD_GOTO:
        if (playing && stoa_lesson_find_state(f->lesson, c->state) >= 0)
            f->finished = false, enter_state(f, (uint32_t)stoa_lesson_find_state(f->lesson, c->state));
        break;
    case STOA_NET_CMD_END: end_lesson(f); break;
    default: break; // look_here, message: shown in the headset; nothing to play here
    }
}

static void report(fake *f)
{
    stoa_net_status st = {.fps = 72, .paused = f->paused, .idle_s = f->idle_s};
    if (f->lesson) {
        const stoa_lesson_state *s = &f->lesson->states[f->state];
        st.lesson_id = f->lesson->id;
        st.state = s->name;
        st.state_title = stoa_lesson_text_get(&s->title, "en");
        st.registration = f->registration;
        st.expected_s = s->expected_seconds;
        st.progress = f->finished ? 1.0 : (double)f->state / f->lesson->state_count;
        st.score = f->right;
    }
    stoa_net_send_status(f->net, &st);
}

int main(int argc, char **argv)
{
    const char *hub = NULL, *code = NULL;
    fake f = {.name = "headset", .dir = "fake-headset", .step_s = 2};
    double seconds = 120;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--hub") == 0) hub = argv[i + 1];
        else if (strcmp(argv[i], "--join") == 0) code = argv[i + 1];
        else if (strcmp(argv[i], "--name") == 0) f.name = argv[i + 1];
        else if (strcmp(argv[i], "--dir") == 0) f.dir = argv[i + 1];
        else if (strcmp(argv[i], "--step") == 0) f.step_s = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--seconds") == 0) seconds = atof(argv[i + 1]);
    }
    char token[1024], lessons[1024];
    mkdir(f.dir, 0700);
    snprintf(token, sizeof token, "%s/token", f.dir);
    snprintf(lessons, sizeof lessons, "%s/lessons", f.dir);
    mkdir(lessons, 0700);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    stoa_error err = {0};
    if (stoa_net_create(&(stoa_net_desc){.hub_url = hub, .join_code = code, .token_path = token,
                                         .device_name = f.name, .lesson_dir = lessons}, &f.net, &err) != STOA_OK) {
        fprintf(stderr, "fake_headset: %s\n", err.message);
        return 1;
    }
    const double dt = 0.05;
    for (double t = 0; t < seconds && !g_stop; t += dt) {
        stoa_net_command c;
        while (stoa_net_poll_command(f.net, &c))
            obey(&f, &c);
        if (f.lesson && !f.paused && !f.finished && (f.in_state_s += dt) >= f.step_s)
            advance(&f);
        f.idle_s = f.paused || f.finished ? f.idle_s + dt : 0;
        report(&f);
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    end_lesson(&f);
    stoa_net_destroy(&f.net, 3000);
    return 0;
}
