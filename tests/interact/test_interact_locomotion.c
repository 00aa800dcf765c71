// SPDX-License-Identifier: Apache-2.0
// Teleport arcs, snap turns, seated and standing heights, the rig.
#include <math.h>

#include "interact_fixture.h"
#include "stoa_test.h"

static stoa_interact_hand_input *right(fixture *f)
{
    return &f->frame.hands[STOA_INTERACT_RIGHT];
}

static void aim(fixture *f, float x, float y, float z, float pitch_deg)
{
    stoa_interact_hand_input *r = right(f);
    r->active = true;
    fixture_look_dir(&r->aim, (float[3]){x, y, z}, 0, pitch_deg);
    r->grip = r->aim;
}

// Where a ballistic arc from (y0, z0) pitched `pitch` lands on y = 0.
static double landing_z(double y0, double z0, double pitch_deg)
{
    double p = pitch_deg * M_PI / 180, vy = 7 * sin(p), vz = -7 * cos(p), g = 9.81;
    double t = (vy + sqrt(vy * vy + 2 * g * y0)) / g;
    return z0 + vz * t;
}

STOA_TEST(teleport_lands_head_on_floor_point)
{
    fixture f;
    fixture_init(&f, NULL);
    int32_t floor = fixture_node(&f, "Floor");
    f.frame.head.position[0] = 0.1f; // the learner stands off the tracking origin
    f.frame.head.position[2] = 0.05f;
    aim(&f, 0.2f, 1.2f, -0.2f, -30);
    right(&f)->thumbstick[1] = 1;
    fixture_run(&f, 0.1);
    const stoa_interact_arc *arc = &f.out->arc;
    CHECK(arc->active && arc->valid && arc->hit_node == floor);
    double z = landing_z(1.2, -0.2, -30);
    CHECK_NEAR(arc->target[0], 0.2, 1e-3);
    CHECK_NEAR(arc->target[1], 0.0, 1e-3);
    CHECK_NEAR(arc->target[2], z, 0.03);
    CHECK(arc->point_count > 2 && arc->point_count <= 32);
    CHECK_NEAR(arc->points[0][1], 1.2, 1e-5);
    CHECK_NEAR(arc->points[arc->point_count - 1][2], arc->target[2], 1e-6);
    CHECK(fixture_count(&f, STOA_INTERACT_TELEPORT, -1) == 0);

    right(&f)->thumbstick[1] = 0;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_TELEPORT, floor) == 1);
    const stoa_interact_event *tp = fixture_find(&f, STOA_INTERACT_TELEPORT, 0);
    CHECK(tp && fabs(tp->point[2] - z) < 0.03);
    CHECK(!f.out->arc.active);
    // The head (not the tracking origin) is now over the target.
    CHECK_NEAR(f.out->head_world.position[0], 0.2, 1e-4);
    CHECK_NEAR(f.out->head_world.position[2], z, 0.03);
    CHECK_NEAR(f.out->head_world.position[1], 1.6, 1e-4);
    CHECK_NEAR(f.out->rig.position[0], 0.1, 1e-4);
    fixture_run(&f, 0.2); // resting stick: nothing more happens
    CHECK(fixture_count(&f, STOA_INTERACT_TELEPORT, -1) == 1);
    fixture_fini(&f);
}

STOA_TEST(teleport_with_turned_rig)
{
    fixture f;
    fixture_init(&f, &(stoa_interact_desc){.rig = {.position = {1, 0, 1}, .yaw = 1.0f}});
    f.frame.head.position[0] = -0.3f;
    f.frame.head.position[2] = 0.4f;
    aim(&f, 0.2f, 1.2f, -0.2f, -20);
    right(&f)->thumbstick[1] = 0.9f;
    fixture_run(&f, 0.05);
    CHECK(f.out->arc.valid);
    float target[3] = {f.out->arc.target[0], f.out->arc.target[1], f.out->arc.target[2]};
    right(&f)->thumbstick[1] = 0.1f;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_TELEPORT, -1) == 1);
    CHECK_NEAR(f.out->head_world.position[0], target[0], 1e-4);
    CHECK_NEAR(f.out->head_world.position[2], target[2], 1e-4);
    CHECK_NEAR(f.out->rig.yaw, 1.0, 1e-6);
    fixture_fini(&f);
}

STOA_TEST(arc_onto_wall_is_invalid)
{
    fixture f;
    fixture_init(&f, &(stoa_interact_desc){.rig = {.position = {0, 0, -8}}});
    int32_t wall = fixture_node(&f, "Wall");
    aim(&f, 0.2f, 1.2f, -0.2f, 5);
    right(&f)->thumbstick[1] = 1;
    fixture_run(&f, 0.1);
    CHECK(f.out->arc.active && !f.out->arc.valid);
    CHECK(f.out->arc.hit_node == wall);
    CHECK_NEAR(f.out->arc.target[2], -9.9, 1e-3);
    right(&f)->thumbstick[1] = 0;
    fixture_run(&f, 0.1);
    CHECK(fixture_count(&f, STOA_INTERACT_TELEPORT, -1) == 0);
    CHECK(f.out->rig.position[2] == -8.0f && f.out->rig.position[0] == 0.0f);
    fixture_fini(&f);
}

STOA_TEST(walkable_list_limits_landing)
{
    fixture f;
    fixture_init(&f, NULL);
    int32_t vase = fixture_node(&f, "Vase");
    aim(&f, 0, 1.6f, 0, 0); // a flat throw lands on the vase's top
    right(&f)->thumbstick[1] = 1;
    fixture_step(&f);
    CHECK(f.out->arc.hit_node == vase && f.out->arc.valid);
    CHECK_NEAR(f.out->arc.target[1], 1.15, 1e-3);
    fixture_register(&f, "Floor", STOA_INTERACT_WALKABLE, 0);
    fixture_step(&f);
    CHECK(f.out->arc.hit_node == vase && !f.out->arc.valid);
    right(&f)->thumbstick[1] = 0;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_TELEPORT, -1) == 0);
    fixture_fini(&f);
}

static void flick(fixture *f, float x)
{
    float path[] = {0.3f, 0.8f, 1, 0.6f, 0.9f, 0.5f, 0.4f, 0.2f, 0};
    for (size_t i = 0; i < sizeof path / sizeof path[0]; i++) {
        right(f)->thumbstick[0] = x * path[i];
        fixture_step(f);
    }
}

STOA_TEST(snap_turn_one_flick_one_turn_about_head)
{
    fixture f;
    fixture_init(&f, NULL);
    right(&f)->active = true;
    f.frame.head.position[0] = 0.3f;
    f.frame.head.position[2] = 0.2f;
    fixture_step(&f);
    float head[3] = {f.out->head_world.position[0], f.out->head_world.position[1],
                     f.out->head_world.position[2]};
    flick(&f, 1); // right
    CHECK(fixture_count(&f, STOA_INTERACT_SNAP_TURN, -1) == 1);
    CHECK_NEAR(f.out->rig.yaw, -M_PI / 6, 1e-5);
    const stoa_interact_event *turn = fixture_find(&f, STOA_INTERACT_SNAP_TURN, 0);
    CHECK(turn && fabs(turn->value + M_PI / 6) < 1e-5);
    for (int k = 0; k < 3; k++)
        CHECK_NEAR(f.out->head_world.position[k], head[k], 1e-5);
    // Facing 30 degrees to the right: forward is (sin 30, 0, -cos 30).
    stoa_interact_pose fwd = {.orientation = {0, 0, 0, 1}}, w;
    stoa_interact_to_world(f.ia, &fwd, &w);
    CHECK_NEAR(w.orientation[1], sin(-M_PI / 12), 1e-5);
    flick(&f, -1); // left
    flick(&f, -1); // left again
    CHECK(fixture_count(&f, STOA_INTERACT_SNAP_TURN, -1) == 3);
    CHECK_NEAR(f.out->rig.yaw, M_PI / 6, 1e-5);
    for (int k = 0; k < 3; k++)
        CHECK_NEAR(f.out->head_world.position[k], head[k], 1e-4);
    fixture_fini(&f);
}

STOA_TEST(forward_stick_teleports_instead_of_turning)
{
    fixture f;
    fixture_init(&f, &(stoa_interact_desc){.left_handed = true, .snap_turn_deg = 45});
    stoa_interact_hand_input *l = &f.frame.hands[STOA_INTERACT_LEFT];
    l->active = true;
    right(&f)->active = true;
    right(&f)->thumbstick[0] = 1; // the right stick does nothing when left-handed
    fixture_run(&f, 0.1);
    CHECK(fixture_count(&f, STOA_INTERACT_SNAP_TURN, -1) == 0);
    l->thumbstick[0] = 0.5f;
    l->thumbstick[1] = 0.8f;
    fixture_run(&f, 0.1);
    CHECK(f.out->arc.active);
    l->thumbstick[0] = -0.8f; // the arc holds the stick until it is released
    l->thumbstick[1] = 0.1f;
    fixture_run(&f, 0.1);
    CHECK(fixture_count(&f, STOA_INTERACT_SNAP_TURN, -1) == 0);
    l->thumbstick[0] = 0;
    l->thumbstick[1] = 0;
    fixture_step(&f);
    l->thumbstick[0] = -0.9f;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_SNAP_TURN, -1) == 1);
    CHECK_NEAR(f.out->rig.yaw, M_PI / 4, 1e-5);
    fixture_fini(&f);
}

STOA_TEST(seated_mode_adds_eye_height)
{
    fixture f;
    fixture_init(&f, &(stoa_interact_desc){.mode = STOA_INTERACT_SEATED,
                                           .seated_eye_height_m = 1.2f,
                                           .rig = {.position = {0, 0.5f, 0}}});
    f.frame.head.position[1] = 0.05f; // LOCAL space: the head near the origin
    fixture_step(&f);
    CHECK_NEAR(f.out->head_world.position[1], 0.5 + 1.2 + 0.05, 1e-5);
    stoa_interact_set_mode(f.ia, STOA_INTERACT_STANDING);
    fixture_step(&f);
    CHECK_NEAR(f.out->head_world.position[1], 0.5 + 0.05, 1e-5);
    stoa_interact_set_mode(f.ia, STOA_INTERACT_SEATED);
    // A seated teleport puts the eyes 1.2 m over the landing point.
    aim(&f, 0.2f, 0.8f - 1.2f, -0.2f, -30); // the hand in the lap, LOCAL space
    f.frame.hands[STOA_INTERACT_RIGHT].thumbstick[1] = 1;
    fixture_step(&f);
    CHECK(f.out->arc.valid);
    f.frame.hands[STOA_INTERACT_RIGHT].thumbstick[1] = 0;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_TELEPORT, -1) == 1);
    CHECK_NEAR(f.out->head_world.position[1], 1.2 + 0.05, 1e-4);
    fixture_fini(&f);

    fixture_init(&f, NULL); // standing: the default
    f.frame.head.position[1] = 1.73f;
    fixture_step(&f);
    CHECK_NEAR(f.out->head_world.position[1], 1.73, 1e-6);
    fixture_fini(&f);
}

STOA_TEST(place_head_for_lesson_teleports)
{
    fixture f;
    fixture_init(&f, NULL);
    f.frame.head.position[0] = 0.1f;
    f.frame.head.position[2] = -0.2f;
    fixture_look_dir(&f.frame.head, (float[3]){0.1f, 1.6f, -0.2f}, 20, 0); // yawed 20 deg
    fixture_step(&f);
    stoa_interact_place_head(f.ia, (float[3]){3, 0.5f, 3}, (float)(M_PI / 2));
    fixture_step(&f);
    CHECK_NEAR(f.out->head_world.position[0], 3, 1e-4);
    CHECK_NEAR(f.out->head_world.position[1], 2.1, 1e-4);
    CHECK_NEAR(f.out->head_world.position[2], 3, 1e-4);
    // Facing +90 degrees (towards -x): the head's own 20 degrees are absorbed.
    CHECK_NEAR(f.out->rig.yaw, M_PI / 2 - 20 * M_PI / 180, 1e-4);
    stoa_interact_set_rig(f.ia, &(stoa_interact_rig){.position = {1, 2, 3}});
    CHECK(stoa_interact_get_rig(f.ia).position[2] == 3.0f);
    fixture_fini(&f);
}

STOA_TEST_MAIN()
