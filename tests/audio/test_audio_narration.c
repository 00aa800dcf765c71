// SPDX-License-Identifier: Apache-2.0
// The narration queue: "finished" timing, order, skipping, and the
// reading-time fallback for missing or corrupt files.
#include <time.h>
#include <unistd.h>

#include "audio_test_util.h"
#include "core/stoa_log.h"
#include "stoa_test.h"

#define MAX_EV 32

static double secs(int64_t ns)
{
    return (double)ns * 1e-9;
}

static const stoa_audio_event *find(const stoa_audio_event *ev, int n, stoa_audio_event_type type,
                                    uint32_t id)
{
    for (int i = 0; i < n; i++)
        if (ev[i].type == type && ev[i].narration_id == id)
            return &ev[i];
    return NULL;
}

static uint32_t narrate(stoa_audio *a, const char *path, const char *text, stoa_result want)
{
    uint32_t id = 0;
    stoa_error err = {0};
    stoa_result r = stoa_audio_narrate(
        a, &(stoa_audio_narration_desc){.path = path, .text = text, .user_tag = 100}, &id, &err);
    CHECK_MSG(r == want, "narrate %s: %d (%s)", path ? path : "(none)", r, err.message);
    CHECK(id != 0);
    return id;
}

// A clip's true length, at a rate other than the device's (resampled).
static void check_finishes_on_time(double clip_s, int rate)
{
    write_tone("timed.wav", TEST_WAV, 1, rate, clip_s, 330.0, 0.4);
    stoa_audio *a = make_loopback(true);
    uint32_t id = narrate(a, "timed.wav", NULL, STOA_OK);
    int64_t t = 0;
    stoa_audio_update(a, t);
    stoa_audio_event ev[MAX_EV];
    int n = 0;
    run_clock(a, &t, clip_s + 0.5, ev, MAX_EV, &n);
    const stoa_audio_event *start = find(ev, n, STOA_AUDIO_EVENT_NARRATION_STARTED, id);
    const stoa_audio_event *end = find(ev, n, STOA_AUDIO_EVENT_NARRATION_FINISHED, id);
    CHECK(start && start->time_ns == 0 && start->user_tag == 100);
    CHECK(end != NULL);
    if (end) {
        fprintf(stderr, "  clip %.3f s at %d Hz: finished at %.3f s\n", clip_s, rate,
                secs(end->time_ns));
        CHECK_MSG(end->time_ns - 0 <= (int64_t)((clip_s + 0.05) * 1e9) &&
                      end->time_ns >= (int64_t)((clip_s - 0.05) * 1e9),
                  "clip %.3f s at %d Hz finished at %.3f s", clip_s, rate, secs(end->time_ns));
        CHECK(!end->skipped && !end->silent);
    }
    CHECK(!stoa_audio_narration_busy(a));
    stoa_audio_destroy(&a);
}

STOA_TEST(finished_fires_within_50ms_of_the_clip_end)
{
    check_finishes_on_time(1.0, 22050);
    check_finishes_on_time(1.37, 48000);
    check_finishes_on_time(0.25, 24000);
    check_finishes_on_time(0.733, 44100); // ends mid-block
}

STOA_TEST(queued_narration_plays_in_order)
{
    write_tone("q1.wav", TEST_WAV, 1, 24000, 0.4, 300.0, 0.4);
    write_tone("q2.flac", TEST_FLAC, 1, 24000, 0.3, 400.0, 0.4);
    write_tone("q3.wav", TEST_WAV, 1, 24000, 0.2, 500.0, 0.4);
    stoa_audio *a = make_loopback(true);
    uint32_t id1 = narrate(a, "q1.wav", NULL, STOA_OK);
    uint32_t id2 = narrate(a, "q2.flac", NULL, STOA_OK);
    uint32_t id3 = narrate(a, "q3.wav", NULL, STOA_OK);
    CHECK(id1 != id2 && id2 != id3 && id1 != id3);
    int64_t t = 0;
    stoa_audio_update(a, t);
    stoa_audio_event ev[MAX_EV];
    int n = 0;
    run_clock(a, &t, 1.5, ev, MAX_EV, &n);
    CHECK(n == 6);
    const uint32_t order[3] = {id1, id2, id3};
    const double ends[3] = {0.4, 0.7, 0.9};
    for (int i = 0; i < 3 && n == 6; i++) {
        CHECK(ev[2 * i].type == STOA_AUDIO_EVENT_NARRATION_STARTED);
        CHECK(ev[2 * i].narration_id == order[i]);
        CHECK(ev[2 * i + 1].type == STOA_AUDIO_EVENT_NARRATION_FINISHED);
        CHECK(ev[2 * i + 1].narration_id == order[i]);
        // Each starts when the one before ends; errors add up by < 1 block.
        CHECK_NEAR(secs(ev[2 * i + 1].time_ns), ends[i], 0.05);
    }
    stoa_audio_destroy(&a);
}

STOA_TEST(skip_stops_now_reports_skipped_and_moves_on)
{
    write_tone("long.wav", TEST_WAV, 1, 24000, 3.0, 300.0, 0.4);
    write_tone("short.wav", TEST_WAV, 1, 24000, 0.3, 500.0, 0.4);
    write_tone("later.wav", TEST_WAV, 1, 24000, 0.3, 500.0, 0.4);
    stoa_audio *a = make_loopback(true);
    uint32_t long_id = narrate(a, "long.wav", NULL, STOA_OK);
    uint32_t later_id = narrate(a, "later.wav", NULL, STOA_OK);
    uint32_t short_id = narrate(a, "short.wav", NULL, STOA_OK);
    int64_t t = 0;
    stoa_audio_update(a, t);
    stoa_audio_event ev[MAX_EV];
    int n = 0;
    run_clock(a, &t, 0.5, ev, MAX_EV, &n);

    CHECK(stoa_audio_skip_narration(a, later_id) == STOA_OK); // drop a queued one
    CHECK(stoa_audio_skip_narration(a, 0) == STOA_OK);        // and the playing one
    CHECK(stoa_audio_skip_narration(a, 9999) == STOA_ERROR_NOT_FOUND);
    stoa_audio_event e;
    CHECK(stoa_audio_poll_event(a, &e) && e.narration_id == later_id && e.skipped);
    CHECK(stoa_audio_poll_event(a, &e) && e.narration_id == long_id && e.skipped &&
          e.type == STOA_AUDIO_EVENT_NARRATION_FINISHED);
    CHECK_NEAR(secs(e.time_ns), 0.5, 0.011);

    n = 0;
    run_clock(a, &t, 1.0, ev, MAX_EV, &n);
    CHECK(n == 2 && ev[0].narration_id == short_id && ev[1].narration_id == short_id);
    if (n == 2)
        CHECK_NEAR(secs(ev[1].time_ns), 0.8, 0.05);
    double l, r;
    render_rms(a, 0.1, &l, &r);
    CHECK(l < 1e-6 && r < 1e-6); // nothing left playing
    stoa_audio_destroy(&a);
}

STOA_TEST(stop_all_reports_every_clip_skipped)
{
    write_tone("long.wav", TEST_WAV, 1, 24000, 3.0, 300.0, 0.4);
    stoa_audio *a = make_loopback(true);
    uint32_t ids[3] = {narrate(a, "long.wav", NULL, STOA_OK), narrate(a, "long.wav", NULL, STOA_OK),
                       narrate(a, NULL, "Subtitle only.", STOA_OK)};
    int64_t t = 0;
    stoa_audio_update(a, t);
    stoa_audio_event ev[MAX_EV];
    int n = 0;
    run_clock(a, &t, 0.2, ev, MAX_EV, &n);
    stoa_audio_stop_all_narration(a);
    CHECK(!stoa_audio_narration_busy(a));
    stoa_audio_event e;
    for (int i = 0; i < 3; i++)
        CHECK(stoa_audio_poll_event(a, &e) && e.narration_id == ids[i] && e.skipped);
    CHECK(!stoa_audio_poll_event(a, &e));
    stoa_audio_destroy(&a);
}

// The lesson must go on: an unusable file gives an error naming it, a
// warning in the log, and a "finished" after the subtitle's reading time.
static void check_fallback(const char *rel, stoa_result want, const char *name)
{
    const char *text = "Zeno taught here, under the painted colonnade.";
    double expect = stoa_audio_estimate_reading_s(text);
    stoa_audio *a = make_loopback(true);
    capture_logs_reset();
    uint32_t id = 0;
    stoa_error err = {0};
    stoa_result r =
        stoa_audio_narrate(a, &(stoa_audio_narration_desc){.path = rel, .text = text}, &id, &err);
    CHECK_MSG(r == want, "%s: got %d", rel, r);
    CHECK_CONTAINS(err.message, name);
    CHECK_CONTAINS(captured_logs(), name);
    CHECK(id != 0);
    int64_t t = 0;
    stoa_audio_update(a, t);
    stoa_audio_event ev[MAX_EV];
    int n = 0;
    run_clock(a, &t, expect + 0.5, ev, MAX_EV, &n);
    const stoa_audio_event *end = find(ev, n, STOA_AUDIO_EVENT_NARRATION_FINISHED, id);
    CHECK(end && end->silent && !end->skipped);
    if (end)
        CHECK_NEAR(secs(end->time_ns), expect, 0.05);
    stoa_log_set_sink(NULL, NULL);
    stoa_audio_destroy(&a);
}

STOA_TEST(missing_file_falls_back_to_reading_time)
{
    check_fallback("narration/missing.wav", STOA_ERROR_NOT_FOUND, "narration/missing.wav");
}

STOA_TEST(corrupt_file_falls_back_to_reading_time)
{
    write_garbage("garbage.wav", 4000);
    check_fallback("garbage.wav", STOA_ERROR_PARSE, "garbage.wav");
    // A real header cut short: the start of a WAV and nothing after it.
    const char *path = write_tone("cut.wav", TEST_WAV, 1, 24000, 0.5, 300.0, 0.4);
    CHECK(truncate(path, 30) == 0);
    check_fallback("cut.wav", STOA_ERROR_PARSE, "cut.wav");
}

STOA_TEST(paths_cannot_leave_the_lesson_folder)
{
    check_fallback("../../etc/passwd", STOA_ERROR_UNSAFE_PATH, "..");
}

STOA_TEST(reading_time_estimate)
{
    CHECK_NEAR(stoa_audio_estimate_reading_s(NULL), 2.0, 1e-9);
    CHECK_NEAR(stoa_audio_estimate_reading_s(""), 2.0, 1e-9);
    CHECK_NEAR(stoa_audio_estimate_reading_s("Hi."), 2.0, 1e-9);
    // 10 words: 1 s lead + 10 / 2.5 words per second.
    CHECK_NEAR(stoa_audio_estimate_reading_s("one two three four five six seven eight nine ten"),
               5.0, 1e-9);
    // 8 ideographs: 1 s + 8 / 4 per second.
    CHECK_NEAR(stoa_audio_estimate_reading_s("\xe8\xbf\x99\xe6\x98\xaf\xe5\xbd\xa9\xe7\xbb\x98"
                                             "\xe6\x9f\xb1\xe5\xbb\x8a\xe5\x90\x97\xe5\x91\xa2"),
               3.0, 1e-9);
    // Malformed UTF-8 still gives a finite time.
    double t = stoa_audio_estimate_reading_s("\xff\xfe\xc3 broken \xe8\xbf");
    CHECK(t >= 2.0 && t < 10.0);
}

// No device: clips still "play" for their real length on the caller's clock.
STOA_TEST(silent_device_times_narration_on_the_clock)
{
    write_tone("timed.wav", TEST_WAV, 1, 22050, 1.2, 330.0, 0.4);
    stoa_audio *a = NULL;
    stoa_error err = {0};
    CHECK(stoa_audio_create(
              &(stoa_audio_desc){.device = STOA_AUDIO_DEVICE_SILENT, .base_dir = test_dir()}, &a,
              &err) == STOA_OK);
    CHECK(stoa_audio_device_in_use(a) == STOA_AUDIO_DEVICE_SILENT);
    float buf[16];
    CHECK(stoa_audio_render(a, buf, 8) == STOA_ERROR_UNSUPPORTED);
    uint32_t id = narrate(a, "timed.wav", NULL, STOA_OK);
    int64_t t = 0;
    stoa_audio_event e = {0};
    bool finished = false;
    for (; t < 3000000000 && !finished; t += 16666667) { // 60 Hz frames
        stoa_audio_update(a, t);
        while (stoa_audio_poll_event(a, &e))
            finished |= e.type == STOA_AUDIO_EVENT_NARRATION_FINISHED && e.narration_id == id;
    }
    CHECK(finished);
    CHECK_NEAR(secs(e.time_ns), 1.2, 0.02);
    CHECK(!e.silent); // the clip is fine, there is just nothing to hear it on
    stoa_audio_destroy(&a);
}

// On this machine (no sound card) DEFAULT falls back to silent; on one with
// a card it opens it. Either way creation succeeds and narration finishes.
STOA_TEST(default_device_never_fails_the_lesson)
{
    write_tone("quiet.wav", TEST_WAV, 1, 22050, 0.3, 330.0, 0.0);
    stoa_audio *a = NULL;
    stoa_error err = {0};
    CHECK(stoa_audio_create(&(stoa_audio_desc){.base_dir = test_dir()}, &a, &err) == STOA_OK);
    CHECK(a != NULL);
    if (!a)
        return;
    uint32_t id = narrate(a, "quiet.wav", NULL, STOA_OK);
    bool finished = false;
    stoa_audio_event e;
    // Real devices play in real time; give them up to 3 s of wall time.
    for (int i = 0; i < 300 && !finished; i++) {
        stoa_audio_update(a, (int64_t)i * 10000000);
        while (stoa_audio_poll_event(a, &e))
            finished |= e.type == STOA_AUDIO_EVENT_NARRATION_FINISHED && e.narration_id == id;
        if (stoa_audio_device_in_use(a) != STOA_AUDIO_DEVICE_SILENT)
            nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
    }
    CHECK(finished);
    stoa_audio_destroy(&a);
}

STOA_TEST_MAIN()
