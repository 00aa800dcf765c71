// SPDX-License-Identifier: Apache-2.0
// The interface sounds of assets/sounds (assets/README.md), played the way
// stoa run plays them (run_ui_sound.c: a one-shot at its source) on OpenAL
// Soft's loopback device: each file decodes, is heard from the side it is
// on, is quiet, and has ended (released itself) half a second later.
#include <math.h>
#include <stdlib.h>

#include "audio_test_util.h"
#include "stoa_test.h"

static const char *const k_sounds[] = {"select", "hover", "right", "wrong", "panel", "message"};

static stoa_audio *loopback_in(const char *dir)
{
    stoa_audio *a = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_audio_create(&(stoa_audio_desc){.device = STOA_AUDIO_DEVICE_LOOPBACK,
                                                         .disable_hrtf = true,
                                                         .sample_rate = TEST_RATE,
                                                         .base_dir = dir},
                                      &a, &err);
    if (r < 0) {
        fprintf(stderr, "loopback device: %s\n", err.message);
        exit(2);
    }
    return a;
}

// Plays name.wav at x metres to the side (the listener at the origin,
// looking down -z); returns the left and right RMS of its first 40 ms.
static void play_at(const char *dir, const char *name, float x, double *l, double *r, double *after)
{
    stoa_audio *a = loopback_in(dir);
    char file[64];
    snprintf(file, sizeof file, "%s.wav", name);
    uint32_t id = 0;
    stoa_error err = {0};
    stoa_audio_sound_desc d = {.path = file, .no_duck = true,
                               .place = {.anchor = STOA_AUDIO_AT_POSITION, .position = {x, 0.0f, -0.5f}}};
    CHECK(stoa_audio_play(a, &d, &id, &err) == STOA_OK);
    CHECK(id != 0);
    stoa_audio_update(a, 0);
    render_rms(a, 0.04, l, r);
    double l2, r2;
    int64_t clock = 0;
    stoa_audio_event ev[8];
    int n = 0;
    run_clock(a, &clock, 0.6, ev, 8, &n); // past the longest sound (0.35 s)
    render_rms(a, 0.05, &l2, &r2);
    *after = l2 + r2;
    stoa_audio_destroy(&a);
}

STOA_TEST(every_interface_sound_plays_from_its_side_quietly_and_ends)
{
    const char *src = getenv("STOA_SOURCE_DIR");
    if (!src) {
        fprintf(stderr, "STOA_SOURCE_DIR is not set (run under ctest)\n");
        CHECK(false);
        return;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/assets/sounds", src);
    for (size_t i = 0; i < sizeof k_sounds / sizeof k_sounds[0]; i++) {
        double l, r, after, l2, r2, after2;
        play_at(dir, k_sounds[i], 2.0f, &l, &r, &after);
        play_at(dir, k_sounds[i], -2.0f, &l2, &r2, &after2);
        fprintf(stderr, "  %-8s right of the learner: rms L %.4f R %.4f; left: L %.4f R %.4f; after %.5f\n",
                k_sounds[i], l, r, l2, r2, after);
        CHECK(r > 1e-3);            // heard
        CHECK(r > 1.5 * l);         // from the right...
        CHECK(l2 > 1.5 * r2);       // ...and from the left when it is there
        CHECK(r < 0.12 && l2 < 0.12); // quiet: well under full scale
        CHECK(after < 1e-4 && after2 < 1e-4); // a one-shot: over and released
    }
}

STOA_TEST_MAIN()
