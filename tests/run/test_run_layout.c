// SPDX-License-Identifier: Apache-2.0
// The headset's layout manager (runtime/run/run_layout.c) and the lobby's
// sign-in (run_class.c), without a headset: panels in front of the learner
// never overlap, the teacher's message stands on top and goes after its
// time; picking a name and typing a PIN asks the hub for that learner.
#include <math.h>
#include <string.h>

#include "run_class.h"
#include "run_panels.h"
#include "stoa_test.h"

// run_panels.c asks where a node is for panels at a node; none here.
const float *run_lesson_node_world(const run_lesson *rl, int32_t node)
{
    (void)rl, (void)node;
    return NULL;
}

static void setup(run_lesson *rl)
{
    memset(rl, 0, sizeof *rl);
    rl->arrow_node = -1;
    rl->head_world[1] = 1.7f;
    rl->head_forward[2] = -1.0f;
}

// Vertical extent of a panel in its (shared) plane.
static void extent(const run_panel *p, float *lo, float *hi)
{
    float h = p->height * p->scale * 0.5f;
    *lo = p->center[1] - h;
    *hi = p->center[1] + h;
}

static bool overlap(const run_panel *a, const run_panel *b)
{
    float al, ah, bl, bh;
    extent(a, &al, &ah);
    extent(b, &bl, &bh);
    float dx = a->center[0] - b->center[0], dz = a->center[2] - b->center[2];
    bool same_plane = fabsf(dx) < 1e-4f && fabsf(dz) < 1e-4f;
    bool wide = fabsf(dx) * 2 < a->width + b->width; // side by side would not overlap
    return same_plane && wide && al < bh && bl < ah;
}

STOA_TEST(message_pause_lesson_and_subtitle_never_overlap)
{
    run_lesson rl;
    setup(&rl);
    run_panel *lesson = run_panels_show_text(&rl, "facts", "The Stoa Poikile", -1);
    run_panels_subtitle(&rl, "Zeno taught here.");
    run_panel *pause = run_panels_show_text(&rl, "hub-pause", "Look at the teacher", -1);
    run_panel *msg = run_panels_show_text(&rl, "hub-message", "Take your time.", -1);
    run_panel *sub = run_panels_find(&rl, "subtitle");
    CHECK(sub != NULL);
    // Before the layout manager each stood where it was shown: the message
    // and the pause panel at the very same place (the bug).
    CHECK(overlap(msg, pause));
    msg->until_ns = 10 * 1000000000LL;
    run_layout_arrange(&rl, 1000000000LL);
    run_panel *all[] = {msg, pause, lesson, sub};
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            CHECK_MSG(!overlap(all[i], all[j]), "%s overlaps %s", all[i]->id, all[j]->id);
    // Top to bottom: the teacher's message, the pause, the lesson, the subtitle.
    CHECK(msg->center[1] > pause->center[1]);
    CHECK(pause->center[1] > lesson->center[1]);
    CHECK(lesson->center[1] > sub->center[1]);
    // A panel grown once drawn (its real size) still does not overlap.
    lesson->height = 0.9f;
    run_layout_arrange(&rl, 2000000000LL);
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            CHECK_MSG(!overlap(all[i], all[j]), "after growing: %s overlaps %s", all[i]->id,
                      all[j]->id);
    // The message goes once its time is up; the others stay.
    run_layout_arrange(&rl, 11 * 1000000000LL);
    CHECK(!msg->visible);
    CHECK(pause->visible && lesson->visible && sub->visible);
}

STOA_TEST(the_newest_message_replaces_the_last_and_stays_on_top)
{
    run_lesson rl;
    setup(&rl);
    run_panels_show_text(&rl, "facts", "A lesson panel", -1);
    run_panels_show_text(&rl, "hub-message", "First", -1);
    run_panel *m = run_panels_show_text(&rl, "hub-message", "Second", -1);
    int count = 0;
    for (int i = 0; i < RUN_MAX_PANELS; i++)
        count += rl.panels[i].visible && !strcmp(rl.panels[i].id, "hub-message");
    CHECK(count == 1);
    CHECK_STR(m->text, "Second");
    run_layout_arrange(&rl, 1);
    CHECK(m->center[1] > run_panels_find(&rl, "facts")->center[1]);
    CHECK(run_layout_message_s("short") >= 8.0);
    CHECK(run_layout_message_s("") <= 30.0);
}

STOA_TEST(the_teachers_message_fades_over_its_last_second)
{
    // Before: it stood fully drawn until its time was up, then vanished.
    run_lesson rl;
    setup(&rl);
    int64_t s = 1000000000LL, until = 100 * s;
    run_panel *m = run_panels_show_text(&rl, "hub-message", "Look at the board", -1);
    m->until_ns = until;
    run_layout_arrange(&rl, until - 3 * s);
    CHECK(m->visible && m->fade == 0.0f);
    uint32_t v = m->version;
    run_layout_arrange(&rl, until - s / 2); // half-way through its last second
    CHECK(m->visible);
    CHECK_MSG(fabsf(m->fade - 0.5f) < 0.01f, "fade %.3f", m->fade);
    CHECK(m->version != v); // a new, fainter picture
    float last = m->fade;
    run_layout_arrange(&rl, until - s / 10);
    CHECK(m->visible && m->fade > last && m->fade <= 1.0f);
    v = m->version;
    run_layout_arrange(&rl, until - s / 10 + 1000); // the same step: no new picture
    CHECK(m->version == v);
    run_layout_arrange(&rl, until);
    CHECK(!m->visible);
    // A panel without a time never fades.
    run_panel *p = run_panels_show_text(&rl, "facts", "A lesson panel", -1);
    run_layout_arrange(&rl, until + 100 * s);
    CHECK(p->visible && p->fade == 0.0f);
}

static float angle_deg(const float a[3], const float b[3])
{
    float d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    float na = sqrtf(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]), nb = sqrtf(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    float c = d / (na * nb);
    return acosf(c > 1.0f ? 1.0f : c < -1.0f ? -1.0f : c) * 180.0f / (float)M_PI;
}

STOA_TEST(look_here_lights_the_node_and_the_edge_arrow_points_at_it)
{
    run_lesson rl;
    setup(&rl);
    stoa_scene scene = {.node_count = 4};
    bool lit[4] = {0};
    rl.scene = &scene;
    rl.highlighted = lit;
    run_lesson_look_here(&rl, 2);
    CHECK(rl.arrow_node == 2 && lit[2]);
    const float head[3] = {0, 1.7f, 0}, ahead[3] = {0, 0, -1};
    // Nodes away from where the learner looks (right, behind, left and
    // low, far): the arrow is shown and its tip points at the node itself.
    const float nodes[][3] = {{3, 1.7f, 0}, {0, 1.0f, 3}, {-2, 0.2f, -1}, {10, 3, 8}};
    for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
        float pos[3], dir[3];
        CHECK(run_layout_edge_arrow(head, ahead, nodes[i], pos, dir));
        float to[3] = {nodes[i][0] - pos[0], nodes[i][1] - pos[1], nodes[i][2] - pos[2]};
        CHECK_MSG(angle_deg(dir, to) < 0.5f, "node %zu: the arrow is %.1f degrees off", i, angle_deg(dir, to));
        CHECK(fabsf(sqrtf(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]) - 1.0f) < 1e-4f);
        // At the edge of the view: 1 m ahead, off to the node's side.
        CHECK(fabsf(pos[2] + 1.0f) < 1e-4f);
    }
    // Facing the node (within 35 degrees): no edge arrow (the one over the node shows).
    const float near_ahead[][3] = {{0, 1.7f, -3}, {1, 1.2f, -3}};
    for (size_t i = 0; i < 2; i++) {
        float pos[3], dir[3];
        CHECK(!run_layout_edge_arrow(head, ahead, near_ahead[i], pos, dir));
    }
    // "Look here" elsewhere moves the glow; none clears it.
    run_lesson_look_here(&rl, 1);
    CHECK(!lit[2] && lit[1] && rl.arrow_node == 1);
    run_lesson_look_here(&rl, -1);
    CHECK(!lit[1] && rl.arrow_node == -1);
}

static stoa_net_class *roster(uint32_t n)
{
    static stoa_net_class c;
    memset(&c, 0, sizeof c);
    c.count = n;
    for (uint32_t i = 0; i < n; i++) {
        snprintf(c.learners[i].learner_id, sizeof c.learners[i].learner_id,
                 "00000000-0000-4000-8000-%012u", i);
        snprintf(c.learners[i].name, sizeof c.learners[i].name, i == 1 ? "李伟" : "Learner %u", i);
        c.learners[i].pin = i == 1;
    }
    return &c;
}

STOA_TEST(picking_a_name_and_typing_a_pin_asks_the_hub)
{
    run_class *c = calloc(1, sizeof *c);
    run_class_init(c, "Headset 07", "zh-CN");
    run_class_enter(c, RUN_PHASE_LOBBY);
    run_class_set_roster(c, roster(12));
    // Learner 0 has no PIN: picked at once.
    run_class_choose(c, "lobby-pick", 0);
    CHECK(c->want_signin);
    CHECK_STR(c->want_id, "00000000-0000-4000-8000-000000000000");
    CHECK_STR(c->want_pin, "");
    c->want_signin = false;
    // 李伟 has one: the keypad, four digits (one erased on the way), then the request.
    run_class_choose(c, "lobby-pick", 1);
    CHECK(!c->want_signin && c->typing == 1);
    int keys[] = {0, 1, 9 /* erase */, 1, 2, 3};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        run_class_choose(c, "lobby-pick", keys[i]);
    CHECK(c->want_signin);
    CHECK_STR(c->want_id, "00000000-0000-4000-8000-000000000001");
    CHECK_STR(c->want_pin, "1234");
    // A refused PIN says why and clears what was typed.
    run_class_refused(c, "bad_pin");
    CHECK(c->notice[0] != 0 && c->pin[0] == 0);
    // A long class is paged: the choice after the page's names is "more".
    c->typing = -1;
    run_class_choose(c, "lobby-pick", RUN_CLASS_PAGE);
    CHECK(c->page == RUN_CLASS_PAGE);
    run_class_choose(c, "lobby-pick", RUN_CLASS_PAGE);
    run_class_choose(c, "lobby-pick", 2); // the third page holds learners 10 and 11: "more" wraps
    CHECK(c->page == 0);
    // Signed in: the one button signs out.
    run_class_signin(c, "00000000-0000-4000-8000-000000000003", "Learner 3", "3");
    run_class_choose(c, "lobby-pick", 0);
    CHECK(c->want_signout);
    run_class_fini(c);
    free(c);
}

STOA_TEST_MAIN()
