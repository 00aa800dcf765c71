// SPDX-License-Identifier: Apache-2.0
// Decoding: WAV, OGG Vorbis and FLAC (made here with libsndfile itself),
// stereo downmix, and errors that name the file.
#include "audio_test_util.h"
#include "core/stoa_log.h"
#include "stoa_test.h"

static void check_format(const char *name, test_format fmt, int channels)
{
    const char *path = write_tone(name, fmt, channels, 44100, 0.5, 440.0, 0.5);
    double dur = 0.0;
    int ch = 0;
    stoa_error err = {0};
    CHECK_MSG(stoa_audio_check_file(path, &dur, &ch, &err) == STOA_OK, "%s", err.message);
    CHECK_NEAR(dur, 0.5, 0.01);
    CHECK(ch == channels);

    // And it is heard: a head-locked clip through the loopback device at
    // the loudness of the sine (0.5 peak: RMS about 0.35, HRTF aside).
    stoa_audio *a = make_loopback(false);
    uint32_t id = 0;
    CHECK(stoa_audio_narrate(a, &(stoa_audio_narration_desc){.path = name}, &id, &err) == STOA_OK);
    stoa_audio_update(a, 0);
    double l, r;
    render_rms(a, 0.05, &l, &r);
    render_rms(a, 0.3, &l, &r);
    CHECK_MSG(l > 0.1 && r > 0.1, "%s plays at %.3f / %.3f", name, l, r);
    stoa_audio_destroy(&a);
}

STOA_TEST(wav_ogg_flac_all_decode)
{
    check_format("tone.wav", TEST_WAV, 1);
    check_format("tone.ogg", TEST_OGG, 1);
    check_format("tone.flac", TEST_FLAC, 1);
}

STOA_TEST(stereo_files_are_downmixed_with_a_warning)
{
    capture_logs_reset();
    check_format("stereo.ogg", TEST_OGG, 2);
    CHECK_CONTAINS(captured_logs(), "stereo.ogg: 2 channels downmixed to mono");
    stoa_log_set_sink(NULL, NULL);
}

STOA_TEST(check_file_errors_name_the_file)
{
    stoa_error err = {0};
    const char *missing = test_path("nothing-here.flac");
    CHECK(stoa_audio_check_file(missing, NULL, NULL, &err) == STOA_ERROR_NOT_FOUND);
    CHECK_CONTAINS(err.message, missing);

    const char *junk = write_garbage("junk.ogg", 2000);
    CHECK(stoa_audio_check_file(junk, NULL, NULL, &err) == STOA_ERROR_PARSE);
    CHECK_CONTAINS(err.message, junk);

    CHECK(stoa_audio_check_file(test_dir(), NULL, NULL, &err) == STOA_ERROR_IO);
    CHECK_CONTAINS(err.message, "not a regular file");

    const char *empty = write_tone("empty.wav", TEST_WAV, 1, 24000, 0.0, 440.0, 0.5);
    CHECK(stoa_audio_check_file(empty, NULL, NULL, &err) == STOA_ERROR_PARSE);
    CHECK_CONTAINS(err.message, "no audio");
}

STOA_TEST_MAIN()
