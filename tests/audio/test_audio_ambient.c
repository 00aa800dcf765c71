// SPDX-License-Identifier: Apache-2.0
// Ambient loops and ducking under narration.
#include "audio_test_util.h"
#include "stoa_test.h"

static double energy(stoa_audio *a)
{
    double l, r;
    render_rms(a, 0.1, &l, &r);
    return l + r;
}

// The narration clip is digital silence, so everything rendered is the
// ambience: its level alone shows the ducking.
STOA_TEST(ambience_ducks_under_narration_and_comes_back)
{
    write_tone("wind.wav", TEST_WAV, 1, 24000, 0.5, 220.0, 0.5);
    write_tone("hush.wav", TEST_WAV, 1, 24000, 1.0, 440.0, 0.0);
    stoa_audio *a = make_loopback(true);
    uint32_t amb = 0;
    stoa_error err = {0};
    CHECK(stoa_audio_play(a, &(stoa_audio_sound_desc){.path = "wind.wav", .loop = true}, &amb,
                          &err) == STOA_OK);
    int64_t t = 0;
    stoa_audio_update(a, t);
    run_clock(a, &t, 0.3, NULL, 0, NULL);
    double before = energy(a);
    CHECK(before > 0.05);

    uint32_t id = 0;
    CHECK(stoa_audio_narrate(a, &(stoa_audio_narration_desc){.path = "hush.wav"}, &id, &err) ==
          STOA_OK);
    stoa_audio_update(a, t);
    run_clock(a, &t, 0.1, NULL, 0, NULL);
    double fading = energy(a);
    run_clock(a, &t, 0.4, NULL, 0, NULL); // past the 0.3 s fade
    double during = energy(a);
    CHECK_MSG(fading < before * 0.95 && fading > during, "smooth: %.3f %.3f %.3f", before, fading,
              during);
    CHECK_MSG(during < before * 0.4 && during > before * 0.2, "ducked to %.3f of %.3f", during,
              before);

    run_clock(a, &t, 1.0, NULL, 0, NULL); // narration over, fade back up
    CHECK(!stoa_audio_narration_busy(a));
    double after = energy(a);
    CHECK_MSG(after > before * 0.9 && after < before * 1.1, "restored to %.3f of %.3f", after,
              before);

    stoa_audio_stop(a, amb);
    stoa_audio_stop(a, amb); // a stale id is ignored
    run_clock(a, &t, 0.05, NULL, 0, NULL);
    CHECK(energy(a) < 1e-6);
    stoa_audio_destroy(&a);
}

STOA_TEST(no_duck_sounds_keep_their_level)
{
    write_tone("fountain.wav", TEST_WAV, 1, 24000, 0.5, 220.0, 0.5);
    write_tone("hush.wav", TEST_WAV, 1, 24000, 1.0, 440.0, 0.0);
    stoa_audio *a = make_loopback(true);
    uint32_t amb = 0, id = 0;
    stoa_error err = {0};
    CHECK(stoa_audio_play(
              a, &(stoa_audio_sound_desc){.path = "fountain.wav", .loop = true, .no_duck = true},
              &amb, &err) == STOA_OK);
    int64_t t = 0;
    stoa_audio_update(a, t);
    run_clock(a, &t, 0.3, NULL, 0, NULL);
    double before = energy(a);
    CHECK(stoa_audio_narrate(a, &(stoa_audio_narration_desc){.path = "hush.wav"}, &id, &err) ==
          STOA_OK);
    run_clock(a, &t, 0.5, NULL, 0, NULL);
    CHECK_NEAR(energy(a), before, before * 0.05);
    stoa_audio_destroy(&a);
}

STOA_TEST(one_shot_sounds_release_themselves)
{
    write_tone("chime.wav", TEST_WAV, 1, 24000, 0.1, 880.0, 0.5);
    stoa_audio *a = make_loopback(true);
    stoa_error err = {0};
    uint32_t first = 0;
    // More one-shots than voices: each ends and frees its slot.
    for (int i = 0; i < 100; i++) {
        uint32_t id = 0;
        CHECK(stoa_audio_play(a, &(stoa_audio_sound_desc){.path = "chime.wav"}, &id, &err) ==
              STOA_OK);
        CHECK(id != 0);
        if (i == 0)
            first = id;
        else
            CHECK(id != first); // generation counted: never the same id twice
        int64_t t = (int64_t)i * 200000000;
        run_clock(a, &t, 0.15, NULL, 0, NULL);
    }
    stoa_audio_destroy(&a);
}

STOA_TEST(missing_ambient_file_is_an_error_naming_it)
{
    stoa_audio *a = make_loopback(true);
    uint32_t id = 7;
    stoa_error err = {0};
    CHECK(stoa_audio_play(a, &(stoa_audio_sound_desc){.path = "sounds/none.ogg", .loop = true}, &id,
                          &err) == STOA_ERROR_NOT_FOUND);
    CHECK(id == 0);
    CHECK_CONTAINS(err.message, "sounds/none.ogg");
    stoa_audio_destroy(&a);
}

STOA_TEST_MAIN()
