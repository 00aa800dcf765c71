// SPDX-License-Identifier: Apache-2.0
// Tasks in the lesson format and the machine (docs/lesson-format.md,
// "Tasks"): the steps done right, a wrong move, a step out of order, a
// step repeated, `task: done`; each misuse an error naming its line.
#include "lesson/stoa_lesson.h"
#include "lesson/stoa_lesson_check.h"
#include "lesson/stoa_lesson_machine.h"
#include "stoa_test.h"

static const char *k_head = "stoa_lesson: 1\nid: t\ntitle: T\nlanguages: [en]\nscene: ../x.glb\n"
                            "start: a\nstates:\n";

static stoa_result parse(const char *states, stoa_lesson **l, stoa_lesson_diags *d)
{
    static char text[4096];
    snprintf(text, sizeof text, "%s%s", k_head, states);
    stoa_error err = {0};
    stoa_lesson_diags_init(d);
    return stoa_lesson_parse(text, strlen(text), &(stoa_lesson_parse_desc){.file_name = "t.yaml"}, l, d, &err);
}

static bool has_error(const stoa_lesson_diags *d, const char *code, uint32_t line)
{
    for (uint32_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].code, code) == 0 && d->items[i].line == line)
            return true;
    return false;
}

// line 8: "  a:"
static const char *k_task =
    "  a:\n"
    "    concepts: [handling]\n"
    "    task:\n"
    "      id: build\n"
    "      concepts: [order, handling]\n"
    "      steps:\n"
    "        - grab: Brick\n"
    "        - place: {node: Brick, zone: Wall}\n"
    "        - select: Bell\n"
    "      wrong:\n"
    "        - place: {node: Brick}\n"
    "        - select: Horn\n"
    "    triggers:\n"
    "      - task: done\n"
    "        goto: b\n"
    "  b:\n"
    "    on_enter: [{end: completed}]\n";

static const stoa_lesson_action *last_step(const stoa_lesson_out *out)
{
    for (uint32_t i = out->count; i-- > 0;)
        if (out->items[i].type == STOA_LESSON_ACT_TASK_STEP)
            return &out->items[i];
    return NULL;
}

static uint32_t steps_in(const stoa_lesson_out *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < out->count; i++)
        n += out->items[i].type == STOA_LESSON_ACT_TASK_STEP;
    return n;
}

STOA_TEST(task_parses)
{
    stoa_lesson *l = NULL;
    stoa_lesson_diags d;
    CHECK(parse(k_task, &l, &d) == STOA_OK);
    const stoa_lesson_task *t = l ? l->states[0].task : NULL;
    CHECK(t != NULL);
    if (t) {
        CHECK_STR(t->id, "build");
        CHECK(t->step_count == 3 && t->wrong_count == 2 && !t->any_order);
        CHECK(t->steps[1].kind == STOA_LESSON_MOVE_PLACE);
        CHECK_STR(t->steps[1].zone, "Wall");
        CHECK(t->wrong[0].zone == NULL);
        CHECK(t->concept_count == 2);
        CHECK(l->states[0].triggers[0].kind == STOA_LESSON_TRIG_TASK_DONE);
    }
    stoa_lesson_destroy(&l);
    stoa_lesson_diags_fini(&d);
}

STOA_TEST(task_moves_are_judged)
{
    stoa_lesson *l = NULL;
    stoa_lesson_diags d;
    CHECK(parse(k_task, &l, &d) == STOA_OK);
    stoa_lesson_diags_fini(&d);
    if (!l)
        return;
    stoa_lesson_machine *m = NULL;
    stoa_error err = {0};
    CHECK(stoa_lesson_machine_create(l, &(stoa_lesson_machine_desc){.seed = 1}, &m, &err) == STOA_OK);
    stoa_lesson_action buf[64];
    stoa_lesson_out out;
    stoa_lesson_out_init(&out, buf, 64);
    stoa_lesson_machine_start(m, 0, &out);
    const stoa_lesson_action *a;
#define EV(K, N, Z)                                                                                \
    do {                                                                                           \
        stoa_lesson_out_clear(&out);                                                               \
        stoa_lesson_machine_handle_event(m, &(stoa_lesson_event){.kind = K, .node = N, .zone = Z}, \
                                         1, &out);                                                 \
        a = last_step(&out);                                                                       \
    } while (0)
    // Selecting the bell before anything else: out of order, against step 1.
    EV(STOA_LESSON_EV_SELECT, "Bell", NULL);
    CHECK(a && a->task_result == STOA_LESSON_TASK_ORDER && a->step == 0 && !a->correct && a->value == 1);
    CHECK(a && a->move == STOA_LESSON_MOVE_SELECT);
    EV(STOA_LESSON_EV_SELECT, "Statue", NULL); // a move the task does not judge
    CHECK(a == NULL);
    EV(STOA_LESSON_EV_GRAB, "Brick", NULL);
    CHECK(a && a->task_result == STOA_LESSON_TASK_RIGHT && a->step == 0 && a->correct && a->value == 2);
    EV(STOA_LESSON_EV_GRAB, "Brick", NULL); // done already: no evidence
    CHECK(a == NULL);
    // Put down outside every zone, then in another zone: wrong moves on step 2.
    EV(STOA_LESSON_EV_PLACE, "Brick", NULL);
    CHECK(a && a->task_result == STOA_LESSON_TASK_WRONG && a->step == 1 && a->value == 1);
    EV(STOA_LESSON_EV_PLACE, "Brick", "Door");
    CHECK(a && a->task_result == STOA_LESSON_TASK_WRONG && a->step == 1 && a->value == 2);
    CHECK(a && a->zone && strcmp(a->zone, "Door") == 0 && a->move == STOA_LESSON_MOVE_PLACE);
    EV(STOA_LESSON_EV_SELECT, "Horn", NULL);
    CHECK(a && a->task_result == STOA_LESSON_TASK_WRONG && a->step == 1);
    EV(STOA_LESSON_EV_PLACE, "Brick", "Wall");
    CHECK(a && a->correct && a->step == 1 && a->value == 4);
    CHECK(strcmp(stoa_lesson_machine_state(m)->name, "a") == 0);
    // The last step: the task is done and `task: done` leaves the state.
    EV(STOA_LESSON_EV_SELECT, "Bell", NULL);
    CHECK(a && a->correct && a->step == 2);
    CHECK(steps_in(&out) == 1);
    CHECK(strcmp(stoa_lesson_machine_state(m)->name, "b") == 0);
    CHECK(stoa_lesson_machine_ended(m));
#undef EV
    stoa_lesson_machine_destroy(&m);
    stoa_lesson_destroy(&l);
}

STOA_TEST(task_progress_is_saved_and_restored)
{
    stoa_lesson *l = NULL;
    stoa_lesson_diags d;
    CHECK(parse(k_task, &l, &d) == STOA_OK);
    stoa_lesson_diags_fini(&d);
    if (!l)
        return;
    stoa_lesson_machine *m = NULL, *m2 = NULL;
    stoa_error err = {0};
    stoa_lesson_machine_create(l, &(stoa_lesson_machine_desc){0}, &m, &err);
    stoa_lesson_machine_create(l, &(stoa_lesson_machine_desc){0}, &m2, &err);
    stoa_lesson_action buf[64];
    stoa_lesson_out out;
    stoa_lesson_out_init(&out, buf, 64);
    stoa_lesson_machine_start(m, 0, &out);
    stoa_lesson_machine_handle_event(m, &(stoa_lesson_event){.kind = STOA_LESSON_EV_GRAB, .node = "Brick"}, 1, &out);
    stoa_lesson_machine_handle_event(m, &(stoa_lesson_event){.kind = STOA_LESSON_EV_PLACE, .node = "Brick"}, 2, &out);
    char blob[2048];
    size_t len = 0;
    CHECK(stoa_lesson_machine_save(m, 3, blob, sizeof blob, &len) == STOA_OK);
    CHECK_CONTAINS(blob, "task 1 1 1 0\n");
    stoa_lesson_out_clear(&out);
    CHECK(stoa_lesson_machine_restore(m2, blob, len, 10, &out, &err) == STOA_OK);
    stoa_lesson_out_clear(&out);
    stoa_lesson_machine_handle_event(m2, &(stoa_lesson_event){.kind = STOA_LESSON_EV_PLACE, .node = "Brick", .zone = "Wall"}, 11, &out);
    const stoa_lesson_action *a = last_step(&out);
    CHECK(a && a->correct && a->step == 1 && a->value == 2); // the second move on step 2
    CHECK(stoa_lesson_machine_restore(m2, "stoa-lesson-save 1\nlesson t\nstate a 1 0 0 0 0\ntask 9 0 0 0\nend\n",
                                      strlen("stoa-lesson-save 1\nlesson t\nstate a 1 0 0 0 0\ntask 9 0 0 0\nend\n"),
                                      12, &out, &err) < 0); // step 4 of 3
    stoa_lesson_machine_destroy(&m);
    stoa_lesson_machine_destroy(&m2);
    stoa_lesson_destroy(&l);
}

STOA_TEST(task_any_order)
{
    stoa_lesson *l = NULL;
    stoa_lesson_diags d;
    CHECK(parse("  a:\n    task:\n      id: t\n      order: any\n"
                "      steps: [{select: A}, {select: B}]\n"
                "    triggers: [{task: done, goto: b}]\n"
                "  b:\n    on_enter: [{end: completed}]\n",
                &l, &d) == STOA_OK);
    stoa_lesson_diags_fini(&d);
    if (!l)
        return;
    stoa_lesson_machine *m = NULL;
    stoa_error err = {0};
    stoa_lesson_machine_create(l, &(stoa_lesson_machine_desc){0}, &m, &err);
    stoa_lesson_action buf[64];
    stoa_lesson_out out;
    stoa_lesson_out_init(&out, buf, 64);
    stoa_lesson_machine_start(m, 0, &out);
    stoa_lesson_out_clear(&out);
    stoa_lesson_machine_handle_event(m, &(stoa_lesson_event){.kind = STOA_LESSON_EV_SELECT, .node = "B"}, 1, &out);
    const stoa_lesson_action *a = last_step(&out);
    CHECK(a && a->correct && a->step == 1);
    stoa_lesson_out_clear(&out);
    stoa_lesson_machine_handle_event(m, &(stoa_lesson_event){.kind = STOA_LESSON_EV_SELECT, .node = "A"}, 2, &out);
    a = last_step(&out);
    CHECK(a && a->correct && a->step == 0);
    CHECK(stoa_lesson_machine_ended(m));
    stoa_lesson_machine_destroy(&m);
    stoa_lesson_destroy(&l);
}

STOA_TEST(task_misuse_is_an_error)
{
    struct {
        const char *yaml, *code;
        uint32_t line;
    } cases[] = {
        {"  a:\n    task: {steps: [{select: A}]}\n", "missing-field", 9},
        {"  a:\n    task: {id: t, steps: []}\n", "task-steps", 9},
        {"  a:\n    task: {id: t, steps: [{select: A, grab: A}]}\n", "conflict", 9},
        {"  a:\n    task: {id: t, steps: [{push: A}]}\n", "unknown-key", 9},
        {"  a:\n    task: {id: t, steps: [{place: {node: A}}]}\n", "missing-field", 9},
        {"  a:\n    task: {id: t, steps: [{select: A}], wrong: [{select: A}]}\n", "conflict", 9},
        {"  a:\n    task: {id: t, steps: [{select: A}], order: random}\n", "type", 9},
        {"  a:\n    task: {id: t, steps: [{select: A}, {select: A}]}\n", "duplicate-key", 9},
        {"  a:\n    task: {id: t, steps: [{select: A}]}\n    triggers: [{task: done, goto: b}]\n"
         "  b:\n    task: {id: t, steps: [{select: A}]}\n", "duplicate-id", 12},
        {"  a:\n    triggers: [{task: done, goto: a}]\n", "no-task", 9},
        {"  a:\n    task: {id: t, steps: [{select: A}]}\n    triggers: [{task: finished, goto: a}]\n",
         "type", 10},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        stoa_lesson *l = NULL;
        stoa_lesson_diags d;
        CHECK_MSG(parse(cases[i].yaml, &l, &d) < 0, "case %zu parses", i);
        CHECK_MSG(has_error(&d, cases[i].code, cases[i].line), "case %zu: no %s at line %u", i,
                  cases[i].code, cases[i].line);
        stoa_lesson_destroy(&l);
        stoa_lesson_diags_fini(&d);
    }
}

STOA_TEST(task_nodes_are_checked_against_the_scene)
{
    stoa_lesson *l = NULL;
    stoa_lesson_diags d;
    CHECK(parse(k_task, &l, &d) == STOA_OK);
    const char *nodes[] = {"Brick", "Wall", "Bell"}; // no Horn
    stoa_lesson_check_desc cd = {.has_scene = true, .nodes = nodes, .node_count = 3};
    stoa_lesson_check(l, &cd, &d);
    CHECK(has_error(&d, "unknown-node", 19)); // the wrong move `select: Horn`
    stoa_lesson_destroy(&l);
    stoa_lesson_diags_fini(&d);
}

STOA_TEST_MAIN()
