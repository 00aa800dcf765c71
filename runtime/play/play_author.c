// SPDX-License-Identifier: Apache-2.0
#include "play_author.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_clock.h"
#include "core/stoa_file.h"
#include "core/stoa_log.h"

#define RELOAD_POLL_S 0.5
#define SAVE_MAX 16384

static const stoa_lesson *lesson_of(const play_author *a)
{
    return a->s->lesson_on ? a->s->lesson.lesson : NULL;
}

static const stoa_lesson_state *state_of(const play_author *a)
{
    const run_lesson *rl = &a->s->lesson;
    return a->s->lesson_on && rl->machine ? stoa_lesson_machine_state(rl->machine) : NULL;
}

static void mark(play_author *a, const char *name)
{
    const stoa_scene *sc = a->s->scene;
    int32_t n = name && sc ? stoa_scene_find_node(sc, name) : -1;
    if (n < 0 || a->mark_count >= PLAY_AUTHOR_MARKS)
        return;
    for (uint32_t i = 0; i < a->mark_count; i++)
        if (a->marks[i] == (uint32_t)n)
            return;
    a->marks[a->mark_count++] = (uint32_t)n;
}

// Every node the lesson names: trigger nodes and zones, key nodes, and the
// nodes its steps act on (narration sources, panels, teleport points).
static void collect_marks(play_author *a)
{
    a->mark_count = 0;
    const stoa_lesson *l = lesson_of(a);
    for (uint32_t i = 0; l && i < l->state_count; i++) {
        const stoa_lesson_state *st = &l->states[i];
        for (uint32_t t = 0; t < st->trigger_count; t++) {
            mark(a, st->triggers[t].node);
            mark(a, st->triggers[t].zone);
        }
        for (uint32_t k = 0; k < st->key_node_count; k++)
            mark(a, st->key_nodes[k]);
        for (uint32_t k = 0; k < st->step_count; k++)
            mark(a, st->steps[k].node);
    }
}

void play_author_init(play_author *a, run_session *s, bool shown, bool reload)
{
    memset(a, 0, sizeof *a);
    a->s = s;
    a->shown = shown;
    a->reload = reload;
    a->speed = 1.0;
    if (s->lesson_desc.lesson_path) {
        a->mtime = stoa_file_mtime_ns(s->lesson_desc.lesson_path);
        snprintf(a->watched, sizeof a->watched, "%s", s->lesson_desc.lesson_path);
    }
    a->next_poll = stoa_time_seconds() + RELOAD_POLL_S;
    collect_marks(a);
}

void play_author_fini(play_author *a)
{
    run_reload_fini(&a->reloader);
    memset(a, 0, sizeof *a);
}

static void feed(play_author *a, stoa_lesson_event_kind kind, const char *id)
{
    run_lesson *rl = &a->s->lesson;
    if (!a->s->lesson_on || !rl->machine)
        return;
    // An ended lesson takes a jump or a restart (the machine reopens it).
    rl->ended = false;
    stoa_lesson_event ev = {.kind = kind, .id = id};
    run_lesson_feed(rl, &ev);
}

// The lesson file changed: read it again on a worker, with its sky
// (run_reload.c); the frame thread reads no file and makes no sky for it.
static void reload(play_author *a)
{
    run_session *s = a->s;
    if (!s->lesson_on || !s->lesson.machine)
        return;
    stoa_error err = {0};
    if (a->reloader.busy) {
        a->reload_again = true; // changed again while being read: once more after
    } else if (run_reload_start(&a->reloader, s, &err) < 0) {
        snprintf(a->status, sizeof a->status, "reload failed: %.140s", err.message);
        STOA_LOGW("play", "reload failed, the lesson goes on as it was: %s", err.message);
    }
}

static void reload_failed(play_author *a, const char *why)
{
    snprintf(a->status, sizeof a->status, "%s", why);
    run_reload_fini(&a->reloader);
}

// Once the worker has read it: when it still plays in the same scene, the
// new lesson takes the old machine's state over (same state, variables,
// panels) and its sky.
static void reload_finish(play_author *a)
{
    run_session *s = a->s;
    run_lesson fresh;
    memset(&fresh, 0, sizeof fresh);
    stoa_result r = STOA_OK;
    stoa_error err = {0};
    if (!run_reload_take(&a->reloader, &fresh, &r, &err))
        return;
    if (r < 0) {
        snprintf(a->status, sizeof a->status, "reload failed: %.140s", err.message);
        STOA_LOGW("play", "reload failed, the lesson goes on as it was: %s", err.message);
        run_reload_fini(&a->reloader);
        return;
    }
    if (!s->lesson_on || !s->lesson.machine || strcmp(fresh.lesson_path, s->lesson.lesson_path)) {
        run_lesson_fini(&fresh); // another lesson plays now (the hub launched one)
        run_reload_fini(&a->reloader);
        return;
    }
    if (strcmp(fresh.scene_path, s->lesson.scene_path) != 0) {
        run_lesson_fini(&fresh);
        reload_failed(a, "reload: the scene changed; restart stoa play");
        return;
    }
    char *blob = malloc(SAVE_MAX);
    size_t len = 0;
    if (!blob || stoa_lesson_machine_save(s->lesson.machine, s->lesson.now_ns, blob, SAVE_MAX,
                                          &len) < 0) {
        free(blob);
        run_lesson_fini(&fresh);
        reload_failed(a, "reload: the lesson's state cannot be saved");
        return;
    }
    int64_t now = s->lesson.now_ns;
    run_content_retire_lesson(s, &s->lesson); // its trace ends off the frame thread
    s->lesson = fresh;
    run_reload_take_sky(&a->reloader, s); // resolved and baked on the worker
    run_reload_fini(&a->reloader);
    s->hidden_version = UINT32_MAX;
    for (int i = 0; i < RUN_MAX_PANELS; i++)
        s->overlay.versions[i] = UINT32_MAX;
    r = run_lesson_start(&s->lesson, s->scene, &s->lesson_desc, now, &err);
    if (r >= 0)
        r = run_lesson_restore(&s->lesson, blob, len, &err);
    if (r < 0)
        snprintf(a->status, sizeof a->status, "reloaded, from the start (%.120s)", err.message);
    else
        snprintf(a->status, sizeof a->status, "reloaded; resumed at the same state");
    STOA_LOGI("play", "%s", a->status);
    a->reloads++;
    free(blob);
    collect_marks(a);
}

stoa_result play_author_frame(play_author *a, const stoa_desktop_input *in,
                                  bool *out_rescene, stoa_error *err)
{
    (void)err;
    *out_rescene = false;
    const stoa_lesson *l = lesson_of(a);
    const uint8_t *n = in->presses;
    if (n[STOA_DESKTOP_KEY_OVERLAY] % 2) {
        a->shown = !a->shown;
        if (a->s->events) { // with --events: a script's aid (tests wait for it)
            printf("stoa play: overlay %s\n", a->shown ? "on" : "off");
            fflush(stdout);
        }
    }
    for (int i = 0; i < n[STOA_DESKTOP_KEY_FASTER]; i++)
        a->speed = a->speed >= 8.0 ? 1.0 : a->speed * 2.0;
    if (n[STOA_DESKTOP_KEY_FASTER] && a->s->events) {
        printf("stoa play: speed x%g\n", a->speed);
        fflush(stdout);
    }
    if (l && l->state_count) {
        int32_t count = (int32_t)l->state_count;
        int32_t step = (int32_t)n[STOA_DESKTOP_KEY_NEXT] - (int32_t)n[STOA_DESKTOP_KEY_PREV];
        a->pick = ((a->pick + step) % count + count) % count;
        if (n[STOA_DESKTOP_KEY_JUMP])
            feed(a, STOA_LESSON_EV_GOTO, l->states[a->pick].name);
        if (n[STOA_DESKTOP_KEY_RESTART])
            feed(a, STOA_LESSON_EV_RESTART, NULL);
    }
    double now = stoa_time_seconds();
    if (a->reload && now >= a->next_poll && a->s->lesson_desc.lesson_path) {
        a->next_poll = now + RELOAD_POLL_S;
        const char *path = a->s->lesson_desc.lesson_path;
        int64_t m = stoa_file_mtime_ns(path);
        if (strncmp(path, a->watched, sizeof a->watched) != 0) {
            // Another lesson file (the hub launched one): watch it from now
            // on; it is not an edit of the one that was playing.
            snprintf(a->watched, sizeof a->watched, "%s", path);
            a->mtime = m;
        } else if (m != 0 && m != a->mtime) {
            a->mtime = m;
            reload(a);
        }
    }
    reload_finish(a);
    if (a->reload_again && !a->reloader.busy) {
        a->reload_again = false;
        reload(a);
    }
    return STOA_OK;
}

static uint32_t add(play_author *a, uint32_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static uint32_t add(play_author *a, uint32_t n, const char *fmt, ...)
{
    if (n >= PLAY_AUTHOR_LINES)
        return n;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(a->lines[n], sizeof a->lines[n], fmt, ap);
    va_end(ap);
    if (len >= (int)sizeof a->lines[n]) { // cut: not inside a character (names may be Chinese)
        char *l = a->lines[n];
        size_t end = sizeof a->lines[n] - 1, k = end;
        while (k > 0 && ((unsigned char)l[k - 1] & 0xC0) == 0x80)
            k--; // l[k - 1]: the last character's first byte
        unsigned char lead = k > 0 ? (unsigned char)l[k - 1] : 0;
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (k > 0 && k - 1 + need > end)
            l[k - 1] = '\0';
    }
    return n + 1;
}

static const char *trigger_kind(stoa_lesson_trigger_kind k)
{
    switch (k) {
    case STOA_LESSON_TRIG_GAZE: return "gaze";
    case STOA_LESSON_TRIG_SELECT: return "select";
    case STOA_LESSON_TRIG_GRAB: return "grab";
    case STOA_LESSON_TRIG_RELEASE: return "release";
    case STOA_LESSON_TRIG_PLACE: return "place";
    case STOA_LESSON_TRIG_ENTER_ZONE: return "enter_zone";
    case STOA_LESSON_TRIG_LEAVE_ZONE: return "leave_zone";
    case STOA_LESSON_TRIG_TIMER: return "timer";
    case STOA_LESSON_TRIG_NARRATION_DONE: return "narration_finished";
    case STOA_LESSON_TRIG_QUIZ: return "quiz";
    case STOA_LESSON_TRIG_INSTRUCTOR: return "instructor";
    case STOA_LESSON_TRIG_CONDITION: return "when";
    case STOA_LESSON_TRIG_RANDOM: return "random";
    case STOA_LESSON_TRIG_TASK_DONE: return "task_done";
    }
    return "?";
}

// Whether the learner is on the way to this trigger now: looking at its
// node, a narration it waits for still playing, a timer running.
static bool under_way(const play_author *a, const stoa_lesson_trigger *t)
{
    const run_lesson *rl = &a->s->lesson;
    const stoa_scene *sc = a->s->scene;
    switch (t->kind) {
    case STOA_LESSON_TRIG_GAZE:
        return rl->gaze_node >= 0 && sc && (uint32_t)rl->gaze_node < sc->node_count &&
               t->node && !strcmp(sc->nodes[rl->gaze_node].name, t->node);
    case STOA_LESSON_TRIG_NARRATION_DONE: return stoa_audio_narration_busy(rl->audio);
    case STOA_LESSON_TRIG_TIMER: return true;
    default: return false;
    }
}

static uint32_t state_lines(play_author *a, uint32_t n, const stoa_lesson_state *st)
{
    const run_lesson *rl = &a->s->lesson;
    double in_state = stoa_lesson_machine_elapsed(rl->machine, rl->now_ns);
    n = add(a, n, "state: %s  (%.1f s)  score %.1f%s", st->name, in_state,
            stoa_lesson_machine_score(rl->machine), rl->ended ? "  [ended]" : "");
    for (uint32_t t = 0; t < st->trigger_count; t++) {
        const stoa_lesson_trigger *tr = &st->triggers[t];
        char what[64] = "";
        if (tr->kind == STOA_LESSON_TRIG_TIMER)
            snprintf(what, sizeof what, "%.0f s (%.0f left)", tr->seconds,
                     tr->seconds > in_state ? tr->seconds - in_state : 0.0);
        else if (tr->kind == STOA_LESSON_TRIG_GAZE)
            snprintf(what, sizeof what, "%.30s %.1f s", tr->node ? tr->node : "", tr->seconds);
        else if (tr->kind == STOA_LESSON_TRIG_CONDITION)
            snprintf(what, sizeof what, "%.60s", tr->expr_text ? tr->expr_text : "");
        else if (tr->kind == STOA_LESSON_TRIG_PLACE)
            snprintf(what, sizeof what, "%.28s in %.28s", tr->node ? tr->node : "",
                     tr->zone ? tr->zone : "");
        else
            snprintf(what, sizeof what, "%.60s", tr->node ? tr->node : tr->id ? tr->id : "");
        n = add(a, n, " %s %s %s -> %s", under_way(a, tr) ? ">" : " ", trigger_kind(tr->kind),
                what, tr->target ? tr->target : "(random)");
    }
    return n;
}

static uint32_t scene_lines(play_author *a, uint32_t n, const stoa_lesson_state *st)
{
    char buf[PLAY_AUTHOR_CHARS + 1] = "";
    size_t used = 0;
    for (uint32_t k = 0; k < st->step_count; k++) {
        const stoa_lesson_step *sp = &st->steps[k];
        const char *tag = sp->kind == STOA_LESSON_STEP_NARRATE    ? "narration@"
                          : sp->kind == STOA_LESSON_STEP_TELEPORT ? "teleport:"
                          : sp->kind == STOA_LESSON_STEP_SHOW_PANEL ? "panel@"
                                                                      : NULL;
        if (!tag || used >= sizeof buf - 1)
            continue;
        int w = snprintf(buf + used, sizeof buf - used, "%s%s%s ", k ? "" : "", tag,
                         sp->node ? sp->node : "learner");
        used += w > 0 ? (size_t)w : 0;
    }
    if (used)
        n = add(a, n, "here: %s", buf);
    char marks[PLAY_AUTHOR_CHARS + 1] = "";
    used = 0;
    for (uint32_t i = 0; i < a->mark_count && used < sizeof marks - 1; i++) {
        int w = snprintf(marks + used, sizeof marks - used, "%s ",
                         a->s->scene->nodes[a->marks[i]].name);
        used += w > 0 ? (size_t)w : 0;
    }
    return add(a, n, "named (lit): %s", marks);
}

uint32_t play_author_hud(play_author *a, const char **lines, uint32_t max)
{
    uint32_t n = 0;
    if (!a->shown)
        return 0;
    n = add(a, n, "AUTHOR  F1/Tab: hide  F2: speed x%g  F5: restart  PgUp/PgDn+Enter: jump  Esc: quit",
            a->speed);
    const stoa_lesson *l = lesson_of(a);
    const stoa_lesson_state *st = state_of(a);
    if (!l) {
        n = add(a, n, "no lesson playing (the lobby)");
    } else {
        n = add(a, n, "lesson %s  (%s)", l->id, a->status[0] ? a->status : "watching the file");
        if (st) {
            n = state_lines(a, n, st);
            n = scene_lines(a, n, st);
        }
        for (uint32_t v = 0; v < l->var_count && v < 6; v++)
            n = add(a, n, "var %s = %g", l->var_names[v],
                    stoa_lesson_machine_var(a->s->lesson.machine, l->var_names[v],
                                            a->s->lesson.now_ns));
        n = add(a, n, "jump to: < %s >  (%d/%u)", l->states[a->pick].name, a->pick + 1,
                l->state_count);
    }
    n = add(a, n, "mouse: look  WASD: walk  left: select (green disc: go there)  right: grab  T: teleport");
    for (uint32_t i = 0; i < n && i < max; i++)
        lines[i] = a->lines[i];
    return n < max ? n : max;
}

void play_author_marks(play_author *a, stoa_gfx_render_options *o)
{
    if (!a->shown || !a->mark_count)
        return;
    // The lesson's own highlights stay lit; the named nodes join them.
    static uint32_t all[PLAY_AUTHOR_MARKS * 2];
    uint32_t n = 0;
    for (uint32_t i = 0; i < o->highlight_count && n < PLAY_AUTHOR_MARKS; i++)
        all[n++] = o->highlight_nodes[i];
    for (uint32_t i = 0; i < a->mark_count; i++)
        all[n++] = a->marks[i];
    o->highlight_nodes = all;
    o->highlight_count = n;
    o->highlight_color[0] = 0.3f;
    o->highlight_color[1] = 0.9f;
    o->highlight_color[2] = 1.0f;
    if (o->highlight_color[3] < 0.3f)
        o->highlight_color[3] = 0.3f;
}
