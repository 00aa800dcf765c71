// SPDX-License-Identifier: Apache-2.0
#include "audio_test_util.h"

#include <dirent.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "stoa_test.h"

static char dir[1024];

// Test files are scratch: gone at exit unless STOA_KEEP_TEST_FILES is set.
static void remove_test_dir(void)
{
    if (!dir[0] || getenv("STOA_KEEP_TEST_FILES"))
        return;
    DIR *d = opendir(dir); // flat: tests write files straight into it
    if (!d)
        return;
    struct dirent *e;
    char path[2048];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
    rmdir(dir);
}

const char *test_dir(void)
{
    if (dir[0])
        return dir;
    const char *build = getenv("STOA_BUILD_DIR");
    char tmpl[1024];
    snprintf(tmpl, sizeof tmpl, "%s/stoa-audio-XXXXXX", build && build[0] ? build : "/tmp");
    if (!mkdtemp(tmpl)) {
        perror("mkdtemp");
        exit(2);
    }
    snprintf(dir, sizeof dir, "%s", tmpl);
    atexit(remove_test_dir);
    return dir;
}

const char *test_path(const char *name)
{
    static char bufs[8][1200];
    static int next;
    char *out = bufs[next++ % 8];
    snprintf(out, sizeof bufs[0], "%s/%s", test_dir(), name);
    return out;
}

static int sf_format(test_format fmt)
{
    switch (fmt) {
    case TEST_OGG:
        return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    case TEST_FLAC:
        return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    default:
        return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    }
}

const char *write_tone(const char *name, test_format fmt, int channels, int rate, double seconds,
                       double freq_hz, double amplitude)
{
    const char *path = test_path(name);
    SF_INFO info = {.samplerate = rate, .channels = channels, .format = sf_format(fmt)};
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    if (!f) {
        fprintf(stderr, "cannot write %s: %s\n", path, sf_strerror(NULL));
        exit(2);
    }
    sf_count_t frames = (sf_count_t)llround(seconds * rate);
    float *buf = calloc((size_t)(frames * channels), sizeof(float));
    for (sf_count_t i = 0; i < frames; i++)
        for (int c = 0; c < channels; c++)
            buf[i * channels + c] =
                (float)(amplitude * sin(2.0 * M_PI * freq_hz * (double)i / rate));
    sf_writef_float(f, buf, frames);
    sf_close(f);
    free(buf);
    return path;
}

const char *write_noise(const char *name, int rate, double seconds, double amplitude)
{
    const char *path = test_path(name);
    SF_INFO info = {.samplerate = rate, .channels = 1, .format = sf_format(TEST_WAV)};
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    if (!f) {
        fprintf(stderr, "cannot write %s: %s\n", path, sf_strerror(NULL));
        exit(2);
    }
    sf_count_t frames = (sf_count_t)llround(seconds * rate);
    float *buf = malloc(sizeof(float) * (size_t)frames);
    uint32_t x = 2463534242u;
    for (sf_count_t i = 0; i < frames; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (float)(amplitude * ((double)x / 4294967295.0 * 2.0 - 1.0));
    }
    sf_writef_float(f, buf, frames);
    sf_close(f);
    free(buf);
    return path;
}

const char *write_garbage(const char *name, int size)
{
    const char *path = test_path(name);
    FILE *f = fopen(path, "wb");
    uint32_t x = 12345u; // fixed seed: the same garbage every run
    for (int i = 0; i < size; i++) {
        x = x * 1664525u + 1013904223u;
        fputc((int)(x >> 24), f);
    }
    fclose(f);
    return path;
}

stoa_audio *make_loopback(bool hrtf)
{
    stoa_audio *a = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_audio_create(&(stoa_audio_desc){.device = STOA_AUDIO_DEVICE_LOOPBACK,
                                                         .disable_hrtf = !hrtf,
                                                         .sample_rate = TEST_RATE,
                                                         .base_dir = test_dir()},
                                      &a, &err);
    if (r < 0) {
        fprintf(stderr, "loopback device: %s\n", err.message);
        exit(2);
    }
    return a;
}

void render_rms(stoa_audio *a, double seconds, double *out_l, double *out_r)
{
    int frames = (int)(seconds * TEST_RATE);
    float *buf = malloc(sizeof(float) * 2 * (size_t)frames);
    stoa_audio_render(a, buf, frames);
    double l = 0.0, r = 0.0;
    for (int i = 0; i < frames; i++) {
        l += (double)buf[2 * i] * buf[2 * i];
        r += (double)buf[2 * i + 1] * buf[2 * i + 1];
    }
    free(buf);
    *out_l = sqrt(l / frames);
    *out_r = sqrt(r / frames);
}

void run_clock(stoa_audio *a, int64_t *clock_ns, double seconds, stoa_audio_event *events, int max,
               int *count)
{
    enum { BLOCK = TEST_RATE / 100 };
    float buf[2 * BLOCK];
    int64_t end = *clock_ns + (int64_t)(seconds * 1e9);
    while (*clock_ns < end) {
        stoa_audio_render(a, buf, BLOCK);
        *clock_ns += (int64_t)BLOCK * 1000000000 / TEST_RATE;
        stoa_audio_update(a, *clock_ns);
        stoa_audio_event ev;
        while (stoa_audio_poll_event(a, &ev))
            if (events && *count < max)
                events[(*count)++] = ev;
    }
}

static char logs[16384];

static void sink(void *user, const char *module, stoa_log_level level, const char *message)
{
    (void)user;
    fprintf(stderr, "stoa[%s] %s: %s\n", module, stoa_log_level_str(level), message);
    if (level < STOA_LOG_WARN)
        return;
    size_t used = strlen(logs);
    snprintf(logs + used, sizeof logs - used, "%s\n", message);
}

void capture_logs_reset(void)
{
    logs[0] = '\0';
    stoa_log_set_sink(sink, NULL);
}

const char *captured_logs(void)
{
    return logs;
}
