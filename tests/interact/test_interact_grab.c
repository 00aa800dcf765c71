// SPDX-License-Identifier: Apache-2.0
// Grab, carry, release, placing into zones, and the head entering zones.
#include <math.h>

#include "interact_fixture.h"
#include "stoa_test.h"

static stoa_interact_hand_input *right(fixture *f)
{
    return &f->frame.hands[STOA_INTERACT_RIGHT];
}

// The right hand held at `grip`, pointing forward (-Z), yawed by yaw_deg.
static void hold_at(fixture *f, float x, float y, float z, float yaw_deg)
{
    stoa_interact_hand_input *r = right(f);
    r->active = true;
    fixture_look_dir(&r->grip, (float[3]){x, y, z}, yaw_deg, 0);
    r->aim = r->grip;
}

STOA_TEST(grab_follows_hand_and_releases)
{
    fixture f;
    fixture_init(&f, NULL);
    int32_t vase = fixture_node(&f, "Vase");
    fixture_register(&f, "Vase", STOA_INTERACT_GRABBABLE, 0);
    fixture_register(&f, "Zone_A", STOA_INTERACT_ZONE, 0);
    hold_at(&f, 0, 1, -1.9f, 0); // inside the vase, 0.1 m in front of its centre
    fixture_step(&f);
    right(&f)->grab_value = 1;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_GRAB, vase) == 1);
    CHECK(f.haptic_count[STOA_INTERACT_RIGHT] == 1);
    CHECK_NEAR(f.last_haptic[STOA_INTERACT_RIGHT].amplitude, 0.8, 1e-6);
    for (int i = 1; i <= 10; i++) { // move the hand 0.5 m to the right
        hold_at(&f, 0.05f * (float)i, 1, -1.9f, 0);
        fixture_step(&f);
    }
    const stoa_interact_grab *g = &f.out->grabs[STOA_INTERACT_RIGHT];
    CHECK(g->active && g->node == vase);
    CHECK_NEAR(g->translation[0], 0.5, 1e-4);
    CHECK_NEAR(g->translation[1], 1.0, 1e-4);
    CHECK_NEAR(g->translation[2], -2.0, 1e-4);
    CHECK_NEAR(g->scale[0], 0.3, 1e-4);
    CHECK_NEAR(g->world[12], 0.5, 1e-4);
    CHECK_NEAR(stoa_pose_world(f.pose, (uint32_t)vase)[12], 0.5, 1e-4);
    CHECK(!f.out->grabs[STOA_INTERACT_LEFT].active);

    // Turning the hand 90 degrees left swings the vase about the grip.
    hold_at(&f, 0.5f, 1, -1.9f, 90);
    fixture_step(&f);
    CHECK_NEAR(g->translation[0], 0.4, 1e-4);
    CHECK_NEAR(g->translation[2], -1.9, 1e-4);
    CHECK_NEAR(fabs(g->rotation[1]), sin(M_PI / 4), 1e-4);

    right(&f)->grab_value = 0;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_RELEASE, vase) == 1);
    CHECK(fixture_count(&f, STOA_INTERACT_PLACE, -1) == 0);
    const stoa_interact_event *rel = fixture_find(&f, STOA_INTERACT_RELEASE, 0);
    CHECK(rel && fabs(rel->point[0] - 0.4) < 1e-3);
    fixture_step(&f);
    CHECK(!f.out->grabs[STOA_INTERACT_RIGHT].active);
    fixture_fini(&f);
}

STOA_TEST(release_inside_zone_places)
{
    fixture f;
    fixture_init(&f, NULL);
    int32_t vase = fixture_node(&f, "Vase"), zone = fixture_node(&f, "Zone_A");
    fixture_register(&f, "Vase", STOA_INTERACT_GRABBABLE, 0);
    fixture_register(&f, "Zone_A", STOA_INTERACT_ZONE, 0);
    hold_at(&f, 0, 1, -2, 0);
    right(&f)->grab_pressed = true;
    fixture_step(&f);
    for (int i = 1; i <= 50; i++) { // carry it to (5, 1.5, 0)
        float k = (float)i / 50;
        hold_at(&f, 5 * k, 1 + 0.5f * k, -2 + 2 * k, 0);
        fixture_step(&f);
    }
    right(&f)->grab_pressed = false;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_RELEASE, vase) == 1);
    CHECK(fixture_count(&f, STOA_INTERACT_PLACE, vase) == 1);
    const stoa_interact_event *place = fixture_find(&f, STOA_INTERACT_PLACE, 0);
    CHECK(place && place->zone == zone && place->hand == STOA_INTERACT_RIGHT);
    CHECK(place && fabsf(place->point[0] - 5) < 1e-3f);
    // Released things are no longer carried: the hand moves on alone.
    hold_at(&f, 0, 1, 0, 0);
    fixture_step(&f);
    CHECK_NEAR(stoa_pose_world(f.pose, (uint32_t)vase)[12], 5, 1e-3);
    fixture_fini(&f);
}

STOA_TEST(grab_by_ray_resolves_to_ancestor)
{
    fixture f;
    fixture_init(&f, NULL);
    int32_t statue = fixture_node(&f, "Statue");
    fixture_register(&f, "Statue", STOA_INTERACT_GRABBABLE, 0);
    stoa_interact_hand_input *r = right(&f);
    r->active = true;
    fixture_look_at(&r->aim, (float[3]){0.3f, 1.2f, -0.3f}, (float[3]){-2, 1, -4});
    fixture_look_dir(&r->grip, (float[3]){0.3f, 1.2f, -0.3f}, 0, 0);
    r->grab_value = 0.9f;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_GRAB, statue) == 1);
    r->grip.position[0] += 0.5f;
    r->aim.position[0] += 0.5f;
    fixture_step(&f);
    const stoa_interact_grab *g = &f.out->grabs[STOA_INTERACT_RIGHT];
    CHECK(g->active && g->node == statue);
    CHECK_NEAR(g->translation[0], -1.5, 1e-4);
    CHECK_NEAR(g->translation[2], -4, 1e-4);
    // Losing tracking drops it where it was.
    r->active = false;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_RELEASE, statue) == 1);
    fixture_fini(&f);
}

// Issue 15: a node grabbed by the laser moves rigidly with the hand, so it
// stays on that laser however the hand turns; holding it longer must not
// make it hide what the laser selects next.
STOA_TEST(held_node_does_not_block_the_laser)
{
    fixture f;
    fixture_init(&f, NULL);
    int32_t vase = fixture_node(&f, "Vase"), lamp = fixture_node(&f, "Lamp");
    fixture_register(&f, "Vase", STOA_INTERACT_GRABBABLE, 0);
    stoa_interact_hand_input *r = right(&f);
    r->active = true;
    fixture_look_at(&r->aim, (float[3]){0, 1, 0}, (float[3]){0, 1, -2});
    r->grip = r->aim;
    r->grab_value = 1;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_GRAB, vase) == 1);
    // Still holding, turn to the lamp: the vase swings onto the new laser.
    for (int i = 1; i <= 10; i++) {
        float k = (float)i / 10;
        fixture_look_at(&r->aim, (float[3]){0, 1, 0}, (float[3]){2 * k, 1 + 0.5f * k, -2 - 2 * k});
        r->grip = r->aim;
        fixture_step(&f);
    }
    const stoa_interact_laser *l = &f.out->lasers[STOA_INTERACT_RIGHT];
    CHECK_MSG(l->target == lamp, "laser target %d, want the lamp %d", l->target, lamp);
    r->select_value = 1;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_SELECT, lamp) == 1);
    CHECK(fixture_count(&f, STOA_INTERACT_SELECT, vase) == 0);
    CHECK(f.out->grabs[STOA_INTERACT_RIGHT].active); // still held
    fixture_fini(&f);
}

STOA_TEST(squeeze_on_nothing_grabs_nothing)
{
    fixture f;
    fixture_init(&f, NULL);
    fixture_register(&f, "Vase", STOA_INTERACT_GRABBABLE, 0);
    hold_at(&f, 0, 1, -1.5f, 180); // near the vase but pointing away from it
    right(&f)->grab_value = 1;
    fixture_run(&f, 0.1);
    CHECK(fixture_count(&f, STOA_INTERACT_GRAB, -1) == 0);
    CHECK(f.haptic_count[STOA_INTERACT_RIGHT] == 0);
    // Lamp is pickable by default but not grabbable.
    fixture_look_at(&right(&f)->aim, (float[3]){0.3f, 1.2f, -0.3f}, (float[3]){2, 1.5f, -4});
    right(&f)->grab_value = 0;
    fixture_step(&f);
    right(&f)->grab_value = 1;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_GRAB, -1) == 0);
    fixture_fini(&f);
}

STOA_TEST(head_enters_and_leaves_zone)
{
    fixture f;
    fixture_init(&f, NULL);
    int32_t zone = fixture_node(&f, "Zone_A");
    fixture_register(&f, "Zone_A", STOA_INTERACT_ZONE, 0);
    for (int i = 0; i <= 100; i++) { // walk from x = 0 to 5 ...
        f.frame.head.position[0] = (float)(i * 0.05);
        fixture_step(&f);
    }
    CHECK(fixture_count(&f, STOA_INTERACT_ZONE_ENTER, zone) == 1);
    CHECK(fixture_count(&f, STOA_INTERACT_ZONE_LEAVE, zone) == 0);
    const stoa_interact_event *enter = fixture_find(&f, STOA_INTERACT_ZONE_ENTER, 0);
    CHECK(enter && enter->zone == zone && enter->time_ns == 800000000); // x = 4.0
    for (int i = 100; i >= 0; i--) {                                    // ... and back
        f.frame.head.position[0] = (float)(i * 0.05);
        fixture_step(&f);
    }
    CHECK(fixture_count(&f, STOA_INTERACT_ZONE_ENTER, zone) == 1);
    CHECK(fixture_count(&f, STOA_INTERACT_ZONE_LEAVE, zone) == 1);
    fixture_fini(&f);
}

STOA_TEST(zone_uses_world_position_through_rig)
{
    fixture f;
    fixture_init(&f, &(stoa_interact_desc){.rig = {.position = {4, 0, 0}}});
    fixture_register(&f, "Zone_A", STOA_INTERACT_ZONE, 0);
    f.frame.head.position[0] = 0.5f; // world x 4.5: inside
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_ZONE_ENTER, -1) == 1);
    CHECK_NEAR(f.out->head_world.position[0], 4.5, 1e-5);
    // The head rises above the zone (3 m): it leaves.
    f.frame.head.position[1] = 3.2f;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_ZONE_LEAVE, -1) == 1);
    fixture_fini(&f);
}

STOA_TEST_MAIN()
