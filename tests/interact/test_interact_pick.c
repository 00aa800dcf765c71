// SPDX-License-Identifier: Apache-2.0
// Gaze, dwell, hover, select, hit resolution, ray-transparent zones.
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_clock.h"
#include "interact_fixture.h"
#include "stoa_test.h"

static const float eye[3] = {0, 1.6f, 0};
static const float statue_centre[3] = {-2, 1, -4};

static void look_up(fixture *f)
{
    fixture_look_dir(&f->frame.head, eye, 0, 89);
}

STOA_TEST(dwell_fires_once_at_threshold)
{
    fixture f;
    fixture_init(&f, &(stoa_interact_desc){.gaze_dwell_s = 3});
    int32_t statue = fixture_node(&f, "Statue");
    fixture_register(&f, "Statue", STOA_INTERACT_PICKABLE, 0);
    look_up(&f);
    fixture_run(&f, 1.0);
    CHECK(f.out->gaze.target == -1);
    fixture_look_at(&f.frame.head, eye, statue_centre);
    fixture_run(&f, 2.5);
    // A reticle shows progress before the dwell fires.
    CHECK(f.out->gaze.target == statue);
    CHECK_NEAR(f.out->gaze.dwell_progress, 2.49 / 3.0, 0.01);
    CHECK(fixture_count(&f, STOA_INTERACT_GAZE_DWELL, -1) == 0);
    fixture_run(&f, 1.0); // 3.5 s of looking in all
    look_up(&f);
    fixture_run(&f, 0.5);

    CHECK(fixture_count(&f, STOA_INTERACT_GAZE_ENTER, statue) == 1);
    CHECK(fixture_count(&f, STOA_INTERACT_GAZE_LEAVE, statue) == 1);
    CHECK(fixture_count(&f, STOA_INTERACT_GAZE_DWELL, -1) == 1);
    const stoa_interact_event *enter = fixture_find(&f, STOA_INTERACT_GAZE_ENTER, 0);
    const stoa_interact_event *dwell = fixture_find(&f, STOA_INTERACT_GAZE_DWELL, 0);
    const stoa_interact_event *leave = fixture_find(&f, STOA_INTERACT_GAZE_LEAVE, 0);
    CHECK(enter && enter->time_ns == 1000000000);
    CHECK(dwell && dwell->node == statue && dwell->time_ns == 4000000000);
    CHECK(dwell && dwell->hand == STOA_INTERACT_NO_HAND);
    CHECK_NEAR(dwell ? dwell->value : 0, 3.0, 1e-6);
    CHECK(leave && leave->time_ns == 4500000000);
    fixture_fini(&f);
}

STOA_TEST(looking_away_early_gives_no_dwell)
{
    fixture f;
    fixture_init(&f, &(stoa_interact_desc){.gaze_dwell_s = 3});
    int32_t statue = fixture_node(&f, "Statue");
    fixture_register(&f, "Statue", STOA_INTERACT_PICKABLE, 0);
    for (int round = 0; round < 3; round++) { // three looks of 2.9 s do not add up
        fixture_look_at(&f.frame.head, eye, statue_centre);
        fixture_run(&f, 2.9);
        look_up(&f);
        fixture_run(&f, 0.2);
    }
    CHECK(fixture_count(&f, STOA_INTERACT_GAZE_ENTER, statue) == 3);
    CHECK(fixture_count(&f, STOA_INTERACT_GAZE_LEAVE, statue) == 3);
    CHECK(fixture_count(&f, STOA_INTERACT_GAZE_DWELL, -1) == 0);
    fixture_fini(&f);
}

STOA_TEST(per_node_dwell_threshold_and_eye_gaze)
{
    fixture f;
    fixture_init(&f, &(stoa_interact_desc){.gaze_dwell_s = 3});
    int32_t lamp = fixture_node(&f, "Lamp");
    fixture_register(&f, "Lamp", STOA_INTERACT_PICKABLE, 1.0f);
    // The head looks up but the eyes look at the lamp: eye gaze wins.
    look_up(&f);
    f.frame.eye_gaze_valid = true;
    fixture_look_at(&f.frame.eye_gaze, eye, (float[3]){2, 1.5f, -4});
    fixture_run(&f, 1.5);
    const stoa_interact_event *dwell = fixture_find(&f, STOA_INTERACT_GAZE_DWELL, 0);
    CHECK(dwell && dwell->node == lamp && dwell->time_ns == 1000000000);
    CHECK(f.out->gaze.dwell_progress == 1.0f);
    CHECK_NEAR(f.out->gaze.position[2], -3.75, 0.01); // the lamp's front face
    fixture_fini(&f);
}

STOA_TEST(child_mesh_resolves_to_registered_ancestor)
{
    fixture f;
    fixture_init(&f, NULL);
    int32_t statue = fixture_node(&f, "Statue"), mesh = fixture_node(&f, "Statue_mesh");
    // Unregistered: every mesh node is pickable by default.
    CHECK(stoa_interact_resolve(f.ia, mesh, STOA_INTERACT_PICKABLE) == mesh);
    fixture_register(&f, "Statue", STOA_INTERACT_GRABBABLE, 0);
    CHECK(stoa_interact_resolve(f.ia, mesh, STOA_INTERACT_PICKABLE) == statue);
    CHECK(stoa_interact_resolve(f.ia, mesh, STOA_INTERACT_GRABBABLE) == statue);
    CHECK(stoa_interact_resolve(f.ia, fixture_node(&f, "Lamp"), STOA_INTERACT_GRABBABLE) == -1);
    fixture_look_at(&f.frame.head, eye, statue_centre);
    fixture_step(&f);
    CHECK(f.out->gaze.hit && f.out->gaze.target == statue);
    CHECK(stoa_interact_set_node_named(f.ia, "Nope", &(stoa_interact_node_desc){0}) ==
          STOA_ERROR_NOT_FOUND);
    fixture_fini(&f);
}

static uint32_t classify_lamp_only(void *user, const stoa_scene *scene, uint32_t node)
{
    (void)user;
    return strcmp(scene->nodes[node].name, "Lamp") == 0 ? STOA_INTERACT_PICKABLE : 0;
}

STOA_TEST(classify_callback_replaces_default)
{
    fixture f;
    fixture_init(&f, &(stoa_interact_desc){.classify = classify_lamp_only});
    int32_t lamp = fixture_node(&f, "Lamp"), vase = fixture_node(&f, "Vase");
    CHECK(stoa_interact_node_flags(f.ia, (uint32_t)lamp) == STOA_INTERACT_PICKABLE);
    CHECK(stoa_interact_resolve(f.ia, vase, STOA_INTERACT_PICKABLE) == -1);
    // Looking at the vase hits it but it is not interactive.
    fixture_look_at(&f.frame.head, eye, (float[3]){0, 1, -2});
    fixture_step(&f);
    CHECK(f.out->gaze.hit && f.out->gaze.target == -1);
    CHECK(fixture_count(&f, STOA_INTERACT_GAZE_ENTER, -1) == 0);
    fixture_fini(&f);
}

static void aim_right(fixture *f, const float to[3])
{
    stoa_interact_hand_input *r = &f->frame.hands[STOA_INTERACT_RIGHT];
    r->active = true;
    fixture_look_at(&r->aim, (float[3]){0.3f, 1.2f, -0.3f}, to);
    r->grip = r->aim;
}

STOA_TEST(trigger_on_node_selects_with_haptic)
{
    fixture f;
    fixture_init(&f, NULL);
    int32_t lamp = fixture_node(&f, "Lamp");
    fixture_register(&f, "Lamp", STOA_INTERACT_PICKABLE, 0);
    look_up(&f);
    aim_right(&f, (float[3]){2, 1.5f, -4});
    stoa_interact_hand_input *r = &f.frame.hands[STOA_INTERACT_RIGHT];
    fixture_run(&f, 0.2);
    CHECK(fixture_count(&f, STOA_INTERACT_HOVER_ENTER, lamp) == 1);
    CHECK(f.out->lasers[STOA_INTERACT_RIGHT].visible && !f.out->lasers[STOA_INTERACT_LEFT].visible);
    CHECK(f.out->lasers[STOA_INTERACT_RIGHT].target == lamp);
    CHECK_NEAR(f.out->lasers[STOA_INTERACT_RIGHT].end[2], -3.75, 0.02);
    CHECK(fixture_count(&f, STOA_INTERACT_SELECT, -1) == 0);
    // A trigger pulled slowly through the thresholds, held, released, pulled.
    float pull[] = {0.2f, 0.5f, 0.7f, 0.8f, 1, 1, 1, 0.7f, 0.6f, 0.4f, 0.1f, 0.9f};
    for (size_t i = 0; i < sizeof pull / sizeof pull[0]; i++) {
        r->select_value = pull[i];
        fixture_step(&f);
        if (i == 3) {
            CHECK(fixture_count(&f, STOA_INTERACT_SELECT, lamp) == 1);
            CHECK(f.out->haptics[STOA_INTERACT_RIGHT].requested);
        }
    }
    CHECK(fixture_count(&f, STOA_INTERACT_SELECT, lamp) == 2);
    const stoa_interact_event *sel = fixture_find(&f, STOA_INTERACT_SELECT, 0);
    CHECK(sel && sel->hand == STOA_INTERACT_RIGHT && sel->time_ns == 230000000);
    CHECK(f.haptic_count[STOA_INTERACT_RIGHT] == 2 && f.haptic_count[STOA_INTERACT_LEFT] == 0);
    CHECK_NEAR(f.last_haptic[STOA_INTERACT_RIGHT].amplitude, 0.5, 1e-6);
    CHECK(f.last_haptic[STOA_INTERACT_RIGHT].duration_ns == 40000000);
    // Pointing away: hover leaves and a trigger pull selects nothing.
    aim_right(&f, (float[3]){0, 30, -1});
    r->select_value = 0;
    fixture_step(&f);
    r->select_pressed = true;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_HOVER_LEAVE, lamp) == 1);
    CHECK(fixture_count(&f, STOA_INTERACT_SELECT, -1) == 2);
    CHECK(!f.out->lasers[STOA_INTERACT_RIGHT].hit);
    CHECK_NEAR(f.out->lasers[STOA_INTERACT_RIGHT].end[1], 1.2 + 10 * 0.9993, 0.05);
    fixture_fini(&f);
}

STOA_TEST(rays_pass_through_zones)
{
    fixture f;
    fixture_init(&f, NULL);
    int32_t zone = fixture_node(&f, "Zone_A"), sign = fixture_node(&f, "Sign");
    float from[3] = {5, 1.6f, 4}, to[3] = {5, 1.5f, -3};
    fixture_look_at(&f.frame.head, from, to);
    fixture_step(&f);
    CHECK(f.out->gaze.target == zone); // not a zone yet: a plain mesh in the way
    fixture_register(&f, "Zone_A", STOA_INTERACT_ZONE, 0);
    fixture_step(&f);
    CHECK(f.out->gaze.target == sign);
    CHECK_NEAR(f.out->gaze.position[2], -2.75, 0.01);
    fixture_fini(&f);
}

STOA_TEST(menu_button_event)
{
    fixture f;
    fixture_init(&f, NULL);
    f.frame.hands[STOA_INTERACT_LEFT].active = true;
    f.frame.hands[STOA_INTERACT_LEFT].menu_pressed = true;
    fixture_run(&f, 0.1);
    CHECK(fixture_count(&f, STOA_INTERACT_MENU, -1) == 1);
    const stoa_interact_event *menu = fixture_find(&f, STOA_INTERACT_MENU, 0);
    CHECK(menu && menu->hand == STOA_INTERACT_LEFT);
    fixture_fini(&f);
}

STOA_TEST(no_allocation_per_frame)
{
    fixture f;
    fixture_init(&f, NULL);
    fixture_register(&f, "Zone_A", STOA_INTERACT_ZONE, 0);
    aim_right(&f, (float[3]){2, 1.5f, -4});
    f.frame.hands[STOA_INTERACT_RIGHT].thumbstick[1] = 1; // arc every frame
    fixture_look_at(&f.frame.head, eye, statue_centre);
    fixture_step(&f);
    struct mallinfo2 before = mallinfo2();
    for (int i = 0; i < 200; i++) {
        f.frame.time_ns = f.t;
        f.t += FIXTURE_DT_NS;
        stoa_interact_update(f.ia, &f.frame);
    }
    struct mallinfo2 after = mallinfo2();
    CHECK(after.uordblks == before.uordblks);
    CHECK(f.ia != NULL);
    fixture_fini(&f);
}

STOA_TEST(injected_clock_and_event_overflow)
{
    stoa_fake_clock clock;
    stoa_fake_clock_init(&clock, 5000000000);
    fixture f;
    fixture_init(&f, &(stoa_interact_desc){.clock = &clock.base, .max_events = 1});
    fixture_look_at(&f.frame.head, eye, (float[3]){2, 1.5f, -4});
    aim_right(&f, (float[3]){2, 1.5f, -4});
    f.frame.time_ns = 123; // ignored: the clock rules
    f.frame.pose = f.pose;
    f.frame.bvh = f.bvh;
    const stoa_interact_output *o = stoa_interact_update(f.ia, &f.frame);
    CHECK(o->time_ns == 5000000000);
    // Gaze enter and hover enter in one frame: only one fits.
    CHECK(o->event_count == 1 && o->events_dropped == 1);
    CHECK(o->events[0].type == STOA_INTERACT_GAZE_ENTER && o->events[0].time_ns == 5000000000);
    stoa_fake_clock_advance(&clock, 1000);
    o = stoa_interact_update(f.ia, &f.frame);
    CHECK(o->time_ns == 5000001000 && o->event_count == 0 && o->events_dropped == 0);
    CHECK(strcmp(stoa_interact_event_name(STOA_INTERACT_PLACE), "place") == 0);
    CHECK(strcmp(stoa_interact_event_name((stoa_interact_event_type)99), "unknown") == 0);
    fixture_fini(&f);
}

STOA_TEST(bad_options_are_refused)
{
    stoa_scene empty = {0};
    stoa_interact *ia = NULL;
    stoa_error err = {0};
    CHECK(stoa_interact_create(NULL, NULL, &ia, &err) == STOA_ERROR_INVALID_ARGUMENT);
    CHECK(stoa_interact_create(&empty, &(stoa_interact_desc){.arc_max_points = 999}, &ia, &err) ==
          STOA_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(err.message, "arc_max_points");
    CHECK(stoa_interact_create(&empty, &(stoa_interact_desc){.press_threshold = 0.3f}, &ia, &err) ==
          STOA_ERROR_INVALID_ARGUMENT);
    CHECK(ia == NULL);
    CHECK(stoa_interact_create(&empty, NULL, &ia, &err) == STOA_OK && ia);
    CHECK(stoa_interact_update(ia, NULL) != NULL);
    stoa_interact_destroy(&ia);
    CHECK(ia == NULL);
}

STOA_TEST_MAIN()
