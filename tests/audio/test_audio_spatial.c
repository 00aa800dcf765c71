// SPDX-License-Identifier: Apache-2.0
// Where sounds are heard: left/right balance on the loopback device as the
// learner turns and as nodes move.
#include <math.h>

#include "audio_test_util.h"
#include "stoa_test.h"

#define NODE_BUST 7u

static const float origin[3] = {0.0f, 0.0f, 0.0f};
static const float facing_fwd[4] = {0.0f, 0.0f, 0.0f, 1.0f};  // looking down -z
static const float facing_back[4] = {0.0f, 1.0f, 0.0f, 0.0f}; // yaw 180 degrees

// Left/right RMS ratio over 200 ms, after 50 ms for HRTF and gain ramps.
static double balance(stoa_audio *a)
{
    double l, r;
    render_rms(a, 0.05, &l, &r);
    render_rms(a, 0.2, &l, &r);
    CHECK(l > 1e-4 || r > 1e-4); // something is heard at all
    double ratio = l / (r > 1e-9 ? r : 1e-9);
    fprintf(stderr, "  rms left %.4f right %.4f, ratio %.2f\n", l, r, ratio);
    return ratio;
}

static uint32_t narrate_at_node(stoa_audio *a, const char *file, const float pos[3])
{
    uint32_t id = 0;
    stoa_error err = {0};
    stoa_audio_narration_desc d = {.path = file,
                                   .text = "The painted stoa.",
                                   .place = {.anchor = STOA_AUDIO_AT_NODE, .node = NODE_BUST}};
    CHECK(stoa_audio_narrate(a, &d, &id, &err) == STOA_OK);
    stoa_audio_set_node_position(a, NODE_BUST, pos);
    stoa_audio_update(a, 0);
    return id;
}

STOA_TEST(narration_left_of_learner_is_louder_left_and_swaps_when_turning)
{
    write_noise("voice.wav", 24000, 3.0, 0.5);
    stoa_audio *a = make_loopback(true);
    CHECK(stoa_audio_hrtf_enabled(a));
    stoa_audio_set_listener(a, origin, facing_fwd);
    narrate_at_node(a, "voice.wav", (const float[3]){-2.0f, 0.0f, 0.0f});
    double ahead = balance(a);
    CHECK_MSG(ahead > 2.0, "left/right ratio facing forward = %.2f", ahead);

    stoa_audio_set_listener(a, origin, facing_back);
    double behind = balance(a);
    CHECK_MSG(behind < 0.5, "left/right ratio turned around = %.2f", behind);
    stoa_audio_destroy(&a);
    CHECK(a == NULL);
}

STOA_TEST(source_moving_with_its_node_changes_the_balance)
{
    write_noise("hum.wav", TEST_RATE, 1.0, 0.5);
    stoa_audio *a = make_loopback(true);
    stoa_audio_set_listener(a, origin, facing_fwd);
    uint32_t id = 0;
    stoa_error err = {0};
    stoa_audio_sound_desc d = {.path = "hum.wav",
                               .loop = true,
                               .place = {.anchor = STOA_AUDIO_AT_NODE,
                                         .node = NODE_BUST,
                                         .position = {3.0f, 0.0f, -1.0f}}};
    CHECK(stoa_audio_play(a, &d, &id, &err) == STOA_OK);
    CHECK(id != 0);
    stoa_audio_update(a, 0);
    double right = balance(a);
    CHECK_MSG(right < 0.5, "node on the right: ratio %.2f", right);

    stoa_audio_set_node_position(a, NODE_BUST, (const float[3]){-3.0f, 0.0f, -1.0f});
    double left = balance(a);
    CHECK_MSG(left > 2.0, "node moved to the left: ratio %.2f", left);
    stoa_audio_destroy(&a);
}

// The pull style: the runtime hands the module a node-position callback.
static float node_x = 2.0f;
static bool where_is(void *user, uint32_t node, float out[3])
{
    (void)user;
    if (node != NODE_BUST)
        return false;
    out[0] = node_x;
    out[1] = 0.0f;
    out[2] = 0.0f;
    return true;
}

STOA_TEST(node_positions_pulled_each_update)
{
    write_noise("hum.wav", TEST_RATE, 1.0, 0.5);
    stoa_audio *a = NULL;
    stoa_error err = {0};
    CHECK(stoa_audio_create(&(stoa_audio_desc){.device = STOA_AUDIO_DEVICE_LOOPBACK,
                                               .base_dir = test_dir(),
                                               .node_position = where_is},
                            &a, &err) == STOA_OK);
    stoa_audio_set_listener(a, origin, facing_fwd);
    uint32_t id = 0;
    stoa_audio_sound_desc d = {.path = "hum.wav",
                               .loop = true,
                               .place = {.anchor = STOA_AUDIO_AT_NODE, .node = NODE_BUST}};
    CHECK(stoa_audio_play(a, &d, &id, &err) == STOA_OK);
    node_x = 2.0f;
    stoa_audio_update(a, 0);
    CHECK(balance(a) < 0.5);
    node_x = -2.0f;
    stoa_audio_update(a, 10000000);
    CHECK(balance(a) > 2.0);
    stoa_audio_destroy(&a);
}

STOA_TEST(head_locked_narration_is_centred_whichever_way_the_head_turns)
{
    write_noise("voice.wav", 24000, 3.0, 0.5);
    stoa_audio *a = make_loopback(true);
    stoa_audio_set_listener(a, (const float[3]){5.0f, 1.6f, 2.0f}, facing_back);
    uint32_t id = 0;
    stoa_error err = {0};
    CHECK(stoa_audio_narrate(a, &(stoa_audio_narration_desc){.path = "voice.wav"}, &id, &err) ==
          STOA_OK);
    stoa_audio_update(a, 0);
    double ratio = balance(a);
    CHECK_MSG(ratio > 0.8 && ratio < 1.25, "head-locked ratio %.2f", ratio);
    stoa_audio_destroy(&a);
}

STOA_TEST(without_hrtf_sources_still_pan)
{
    write_noise("voice.wav", 24000, 3.0, 0.5);
    stoa_audio *a = make_loopback(false);
    CHECK(!stoa_audio_hrtf_enabled(a));
    stoa_audio_set_listener(a, origin, facing_fwd);
    narrate_at_node(a, "voice.wav", (const float[3]){-2.0f, 0.0f, 0.0f});
    double ratio = balance(a);
    CHECK_MSG(ratio > 2.0, "ratio without HRTF %.2f", ratio);
    stoa_audio_destroy(&a);
}

STOA_TEST_MAIN()
