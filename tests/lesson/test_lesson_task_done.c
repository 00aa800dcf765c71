// SPDX-License-Identifier: Apache-2.0
// A task's whole result (docs/lesson-format.md, "Tasks"): `time_limit`
// parses and is range-checked; TASK_DONE comes right after the step that
// finishes the task, with the seconds in the state, the errors (wrong and
// order moves), the steps right at the first try, and success only with no
// error and within the time limit.
#include "lesson/stoa_lesson.h"
#include "lesson/stoa_lesson_check.h"
#include "lesson/stoa_lesson_machine.h"
#include "stoa_test.h"

#define NS 1000000000LL

static const char *k_head = "stoa_lesson: 1\nid: t\ntitle: T\nlanguages: [en]\nscene: ../x.glb\n"
                            "start: a\nstates:\n";

// PASS with a fire extinguisher, shortened: pull, aim (not at the flames), squeeze.
static const char *k_states =
    "  a:\n"
    "    task:\n"
    "      id: pass\n"
    "      time_limit: %s\n"
    "      steps:\n"
    "        - grab: Pin\n"
    "        - select: Base\n"
    "        - select: Handle\n"
    "      wrong:\n"
    "        - select: Flames\n"
    "    triggers:\n"
    "      - task: done\n"
    "        goto: b\n"
    "  b:\n"
    "    on_enter: [{end: completed}]\n";

static stoa_lesson *parse(const char *limit, stoa_lesson_diags *d)
{
    static char text[2048], states[1024];
    snprintf(states, sizeof states, k_states, limit);
    snprintf(text, sizeof text, "%s%s", k_head, states);
    stoa_error err = {0};
    stoa_lesson *l = NULL;
    stoa_lesson_diags_init(d);
    stoa_lesson_parse(text, strlen(text), &(stoa_lesson_parse_desc){.file_name = "t.yaml"}, &l, d, &err);
    return l;
}

typedef struct {
    stoa_lesson_machine *m;
    stoa_lesson_action buf[64];
    stoa_lesson_out out;
} rig;

static void move(rig *r, stoa_lesson_event_kind k, const char *node, double t)
{
    stoa_lesson_out_init(&r->out, r->buf, 64);
    stoa_lesson_machine_handle_event(r->m, &(stoa_lesson_event){.kind = k, .node = node},
                                     (int64_t)(t * NS), &r->out);
}

static const stoa_lesson_action *find(const rig *r, stoa_lesson_action_type type, uint32_t *index)
{
    for (uint32_t i = 0; i < r->out.count; i++)
        if (r->out.items[i].type == type) {
            if (index)
                *index = i;
            return &r->out.items[i];
        }
    return NULL;
}

static bool start(rig *r, stoa_lesson *l)
{
    stoa_error err = {0};
    if (stoa_lesson_machine_create(l, &(stoa_lesson_machine_desc){.seed = 1}, &r->m, &err) != STOA_OK)
        return false;
    stoa_lesson_out_init(&r->out, r->buf, 64);
    stoa_lesson_machine_start(r->m, 0, &r->out);
    return true;
}

STOA_TEST(time_limit_parses_and_is_checked)
{
    stoa_lesson_diags d;
    stoa_lesson *l = parse("45", &d);
    CHECK(l && l->states[0].task && l->states[0].task->time_limit == 45.0);
    stoa_lesson_destroy(&l);
    stoa_lesson_diags_fini(&d);
    l = parse("0", &d);
    bool found = false;
    for (uint32_t i = 0; i < d.count; i++)
        found |= strcmp(d.items[i].code, "range") == 0 && d.items[i].line == 11;
    CHECK(found); // "time_limit: 0" on line 11 names the field's range
    stoa_lesson_destroy(&l);
    stoa_lesson_diags_fini(&d);
}

STOA_TEST(done_right_and_in_time)
{
    stoa_lesson_diags d;
    stoa_lesson *l = parse("45", &d);
    rig r = {0};
    CHECK(l && start(&r, l));
    move(&r, STOA_LESSON_EV_GRAB, "Pin", 2);
    CHECK(find(&r, STOA_LESSON_ACT_TASK_DONE, NULL) == NULL);
    move(&r, STOA_LESSON_EV_SELECT, "Base", 4);
    move(&r, STOA_LESSON_EV_SELECT, "Handle", 10.5);
    uint32_t step_i = 0, done_i = 0;
    const stoa_lesson_action *step = find(&r, STOA_LESSON_ACT_TASK_STEP, &step_i);
    const stoa_lesson_action *done = find(&r, STOA_LESSON_ACT_TASK_DONE, &done_i);
    CHECK(step && done && done_i == step_i + 1);
    if (done) {
        CHECK_STR(done->id, "pass");
        CHECK(done->value > 10.49 && done->value < 10.51); // seconds in the state
        CHECK(done->total == 0 && done->step == 3 && done->correct);
    }
    CHECK(strcmp(stoa_lesson_machine_state(r.m)->name, "b") == 0);
    CHECK_STR(stoa_lesson_action_type_str(STOA_LESSON_ACT_TASK_DONE), "task_done");
    stoa_lesson_machine_destroy(&r.m);
    stoa_lesson_destroy(&l);
    stoa_lesson_diags_fini(&d);
}

STOA_TEST(errors_and_time_count_against_success)
{
    stoa_lesson_diags d;
    stoa_lesson *l = parse("45", &d);
    rig r = {0};
    CHECK(l && start(&r, l));
    move(&r, STOA_LESSON_EV_SELECT, "Handle", 1); // squeeze before pulling the pin: order
    move(&r, STOA_LESSON_EV_GRAB, "Pin", 2);
    move(&r, STOA_LESSON_EV_SELECT, "Flames", 3); // aim at the flames: wrong
    move(&r, STOA_LESSON_EV_SELECT, "Base", 4);
    move(&r, STOA_LESSON_EV_SELECT, "Handle", 5);
    const stoa_lesson_action *done = find(&r, STOA_LESSON_ACT_TASK_DONE, NULL);
    CHECK(done && done->total == 2 && done->step == 1 && !done->correct);
    stoa_lesson_machine_destroy(&r.m);

    // no errors, but over the limit: not a success; the moves still count
    rig s = {0};
    CHECK(start(&s, l));
    move(&s, STOA_LESSON_EV_GRAB, "Pin", 20);
    move(&s, STOA_LESSON_EV_SELECT, "Base", 40);
    move(&s, STOA_LESSON_EV_SELECT, "Handle", 46);
    done = find(&s, STOA_LESSON_ACT_TASK_DONE, NULL);
    CHECK(done && done->total == 0 && done->step == 3 && !done->correct);
    // moves after the task is done are not judged, and it is not done twice
    move(&s, STOA_LESSON_EV_SELECT, "Handle", 47);
    CHECK(find(&s, STOA_LESSON_ACT_TASK_DONE, NULL) == NULL);
    stoa_lesson_machine_destroy(&s.m);
    stoa_lesson_destroy(&l);
    stoa_lesson_diags_fini(&d);
}

STOA_TEST_MAIN()
