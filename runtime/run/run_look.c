// SPDX-License-Identifier: Apache-2.0
// "Look here": the teacher points every learner at a node (run_lesson.h).
// The node glows and an arrow stands over it (the overlay); a learner who
// faces away gets an arrow at the edge of the view (run_overlay.c) and hears
// a chime from the node itself, spatialised like any sound at a node. The
// chime is a short two-tone sound written once into the cache folder.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_file.h"
#include "core/stoa_log.h"
#include "run_lesson.h"

#define CHIME_RATE 48000
#define CHIME_S 0.6

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v & 0xffff), put16(p + 2, v >> 16); }

// A 16-bit mono WAV: two soft bell tones (E6 then A5), each fading out.
static bool write_chime(const char *path)
{
    uint32_t n = (uint32_t)(CHIME_RATE * CHIME_S), bytes = n * 2;
    uint8_t *wav = calloc(1, 44 + bytes);
    if (!wav)
        return false;
    memcpy(wav, "RIFF", 4), put32(wav + 4, 36 + bytes), memcpy(wav + 8, "WAVEfmt ", 8);
    put32(wav + 16, 16), put16(wav + 20, 1), put16(wav + 22, 1), put32(wav + 24, CHIME_RATE);
    put32(wav + 28, CHIME_RATE * 2), put16(wav + 32, 2), put16(wav + 34, 16);
    memcpy(wav + 36, "data", 4), put32(wav + 40, bytes);
    for (uint32_t i = 0; i < n; i++) {
        double t = (double)i / CHIME_RATE, second = t - CHIME_S / 3;
        double v = 0.45 * sin(2 * M_PI * 1318.5 * t) * exp(-t * 9.0);
        if (second > 0)
            v += 0.45 * sin(2 * M_PI * 880.0 * second) * exp(-second * 7.0);
        put16(wav + 44 + 2 * i, (uint32_t)(uint16_t)(int16_t)(v * 32767.0));
    }
    stoa_error err = {0};
    bool ok = stoa_file_write_atomic(path, wav, 44 + bytes, &err) == STOA_OK;
    free(wav);
    return ok;
}

static bool chime_path(char *out, size_t size)
{
    const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char dir[1024];
    if (cache && cache[0])
        snprintf(dir, sizeof dir, "%s/stoa", cache);
    else
        snprintf(dir, sizeof dir, "%s/.cache/stoa", home && home[0] ? home : "/tmp");
    for (char *p = dir + 1; *p; p++)
        if (*p == '/')
            *p = 0, mkdir(dir, 0700), *p = '/';
    mkdir(dir, 0700);
    snprintf(out, size, "%s/look-here.wav", dir);
    struct stat st;
    return stat(out, &st) == 0 || write_chime(out);
}

void run_lesson_look_here(run_lesson *rl, int32_t node)
{
    if (rl->highlighted && rl->arrow_node >= 0 && rl->look_glow)
        rl->highlighted[rl->arrow_node] = false; // the last look-here's glow
    rl->arrow_node = node;
    rl->look_glow = false;
    if (node < 0 || !rl->scene || (uint32_t)node >= rl->scene->node_count)
        return;
    if (rl->highlighted && !rl->highlighted[node])
        rl->highlighted[node] = rl->look_glow = true;
    char path[1100];
    stoa_error err = {0};
    uint32_t id = 0;
    if (rl->audio && chime_path(path, sizeof path) &&
        stoa_audio_play(rl->audio,
                        &(stoa_audio_sound_desc){.path = path, .no_duck = true,
                                                 .place = {.anchor = STOA_AUDIO_AT_NODE,
                                                           .node = (uint32_t)node}},
                        &id, &err) < 0)
        STOA_LOGW("run", "look here: %s", err.message);
}
