// SPDX-License-Identifier: Apache-2.0
// Test helpers: parse a lesson from a string, drive a machine on a fake
// clock, and render the emitted actions as one line ("state_entered:a
// narrate:n1 ...") so that tests can check exact order.
#pragma once

#include <stdio.h>
#include <string.h>

#include "core/stoa_clock.h"
#include "lesson/stoa_lesson.h"
#include "lesson/stoa_lesson_check.h"
#include "lesson/stoa_lesson_machine.h"
#include "stoa_test.h"

// Every lesson in the tests starts with this header.
#define LESSON_HDR                                                                                 \
    "id: t\ntitle: T\nlanguages: [en]\nscene: s.glb\nstart: a\n"

typedef struct rig {
    stoa_lesson *lesson;
    stoa_lesson_machine *m;
    stoa_lesson_action buf[512];
    stoa_lesson_out out;
    stoa_fake_clock clock;
    stoa_result last;
    char line[8192];
} rig;

static inline stoa_lesson *parse_ok(const char *yaml)
{
    stoa_lesson *l = NULL;
    stoa_lesson_diags d;
    stoa_lesson_diags_init(&d);
    stoa_error err = {0};
    stoa_result r = stoa_lesson_parse(yaml, strlen(yaml), NULL, &l, &d, &err);
    CHECK_MSG(r == STOA_OK, "parse failed: %s", err.message);
    stoa_lesson_diags_fini(&d);
    return l;
}

static inline bool rig_init(rig *r, const char *yaml, uint64_t seed)
{
    memset(r, 0, sizeof *r);
    r->lesson = parse_ok(yaml);
    if (!r->lesson)
        return false;
    stoa_error err = {0};
    if (stoa_lesson_machine_create(r->lesson, &(stoa_lesson_machine_desc){.seed = seed}, &r->m,
                                   &err) != STOA_OK) {
        CHECK_MSG(false, "machine: %s", err.message);
        return false;
    }
    stoa_fake_clock_init(&r->clock, 1000000000);
    stoa_lesson_out_init(&r->out, r->buf, 512);
    r->last = stoa_lesson_machine_start(r->m, r->clock.t_ns, &r->out);
    return true;
}

static inline void rig_fini(rig *r)
{
    stoa_lesson_machine_destroy(&r->m);
    stoa_lesson_destroy(&r->lesson);
}

static inline const char *action_key(const stoa_lesson_action *a)
{
    switch (a->type) {
    case STOA_LESSON_ACT_STATE_ENTERED:
    case STOA_LESSON_ACT_STATE_EXITED:
    case STOA_LESSON_ACT_OVERDUE: return a->state ? a->state->name : "?";
    case STOA_LESSON_ACT_PLAY_ANIMATION:
    case STOA_LESSON_ACT_STOP_ANIMATION:
    case STOA_LESSON_ACT_COMPLETE_ANIMATION: return a->animation;
    case STOA_LESSON_ACT_VARIABLE: return a->variable;
    case STOA_LESSON_ACT_ENDED: return stoa_lesson_outcome_str(a->outcome);
    case STOA_LESSON_ACT_SCORE:
    case STOA_LESSON_ACT_PAUSED:
    case STOA_LESSON_ACT_RESUMED:
    case STOA_LESSON_ACT_RESTARTED: return NULL;
    default: return a->id ? a->id : a->node;
    }
}

// The actions of the last call as "type:key type:key ...".
static inline const char *rig_line(rig *r)
{
    size_t n = 0;
    r->line[0] = '\0';
    for (uint32_t i = 0; i < r->out.count && n + 200 < sizeof r->line; i++) {
        const char *k = action_key(&r->out.items[i]);
        n += (size_t)snprintf(r->line + n, sizeof r->line - n, "%s%s%s%s", i ? " " : "",
                              stoa_lesson_action_type_str(r->out.items[i].type), k ? ":" : "",
                              k ? k : "");
    }
    return r->line;
}

static inline const char *rig_ev(rig *r, stoa_lesson_event e)
{
    stoa_lesson_out_clear(&r->out);
    r->last = stoa_lesson_machine_handle_event(r->m, &e, r->clock.t_ns, &r->out);
    return rig_line(r);
}

// Advances the fake clock and lets the machine see the time.
static inline const char *rig_tick(rig *r, double seconds)
{
    stoa_fake_clock_advance(&r->clock, (int64_t)(seconds * 1e9));
    stoa_lesson_out_clear(&r->out);
    r->last = stoa_lesson_machine_update(r->m, r->clock.t_ns, &r->out);
    return rig_line(r);
}

static inline const char *rig_state(rig *r)
{
    const stoa_lesson_state *s = stoa_lesson_machine_state(r->m);
    return s ? s->name : "(none)";
}

static inline const stoa_lesson_action *rig_find(rig *r, stoa_lesson_action_type t)
{
    for (uint32_t i = 0; i < r->out.count; i++)
        if (r->out.items[i].type == t)
            return &r->out.items[i];
    return NULL;
}

#define EV(kind_, ...) ((stoa_lesson_event){.kind = STOA_LESSON_EV_##kind_, __VA_ARGS__})
