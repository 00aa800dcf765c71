// SPDX-License-Identifier: Apache-2.0
// GPU texture formats of the baked scene cache: sizes, the bake target, and
// whole mip chains encoded on a few threads (stoa_scene_texfmt.h).
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_texfmt.h"
#include "scene_texfmt_internal.h"

#define MAX_THREADS 8

static const char *const k_fmt_names[STOA_TEXFMT_COUNT] = {"rgba8", "bc7", "astc4x4", "astc6x6"};
static const char *const k_target_names[4] = {"auto", "rgba8", "bc", "astc"};

const char *stoa_texfmt_name(stoa_texfmt f)
{
    return (unsigned)f < STOA_TEXFMT_COUNT ? k_fmt_names[f] : "?";
}

const char *stoa_texture_target_name(stoa_texture_target t)
{
    return (unsigned)t < 4 ? k_target_names[t] : "?";
}

bool stoa_texture_target_parse(const char *text, stoa_texture_target *out)
{
    for (unsigned i = 0; text && i < 4; i++)
        if (strcmp(text, k_target_names[i]) == 0) {
            *out = (stoa_texture_target)i;
            return true;
        }
    return false;
}

uint32_t stoa_texfmt_block(stoa_texfmt f)
{
    return f == STOA_TEXFMT_ASTC_6x6 ? 6 : f == STOA_TEXFMT_RGBA8 ? 1 : 4;
}

uint32_t stoa_texfmt_block_bytes(stoa_texfmt f)
{
    return f == STOA_TEXFMT_RGBA8 ? 4 : 16;
}

size_t stoa_texfmt_level_bytes(stoa_texfmt f, uint32_t w, uint32_t h)
{
    uint32_t b = stoa_texfmt_block(f);
    return (size_t)((w + b - 1) / b) * ((h + b - 1) / b) * stoa_texfmt_block_bytes(f);
}

size_t stoa_texfmt_chain_bytes(stoa_texfmt f, uint32_t w, uint32_t h)
{
    size_t n = stoa_texfmt_level_bytes(f, w, h);
    while (w > 1 || h > 1) {
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
        n += stoa_texfmt_level_bytes(f, w, h);
    }
    return n;
}

// ---- the target ------------------------------------------------------------------

static atomic_uint g_device; // bit 0: BC, bit 1: ASTC LDR

void stoa_texture_target_set_device(bool bc, bool astc)
{
    atomic_store(&g_device, (bc ? 1u : 0u) | (astc ? 2u : 0u));
}

stoa_texture_target stoa_texture_target_resolve(stoa_texture_target t)
{
    if (t != STOA_TEXTURE_TARGET_AUTO)
        return t;
    stoa_texture_target env;
    if (stoa_texture_target_parse(getenv("STOA_TEXTURE_FORMAT"), &env) &&
        env != STOA_TEXTURE_TARGET_AUTO)
        return env;
    unsigned d = atomic_load(&g_device);
    return d & 2   ? STOA_TEXTURE_TARGET_ASTC
           : d & 1 ? STOA_TEXTURE_TARGET_BC
                   : STOA_TEXTURE_TARGET_RGBA8;
}

stoa_texfmt stoa_texfmt_for(stoa_texture_target target, stoa_texture_role role)
{
    switch (target) {
    case STOA_TEXTURE_TARGET_BC:
        return STOA_TEXFMT_BC7;
    case STOA_TEXTURE_TARGET_ASTC:
        return role == STOA_TEXTURE_ROLE_NORMAL ? STOA_TEXFMT_ASTC_4x4 : STOA_TEXFMT_ASTC_6x6;
    default:
        return STOA_TEXFMT_RGBA8;
    }
}

// ---- encoding ----------------------------------------------------------------------

typedef struct level_job {
    stoa_texfmt f;
    const uint8_t *rgba;
    uint32_t w, h;
    uint8_t *out;
    size_t out_size;
    void *astc;
    uint32_t threads;
    atomic_bool failed;
    bool (*stop)(void *user);
    void *user;
} level_job;

// BC7: thread t takes block rows t, t + threads, ...; texels past the edge
// repeat the last row and column.
static void bc7_rows(level_job *j, uint32_t t)
{
    uint32_t bw = (j->w + 3) / 4, bh = (j->h + 3) / 4;
    uint8_t px[64];
    for (uint32_t by = t; by < bh; by += j->threads) {
        if (j->stop && j->stop(j->user)) {
            atomic_store(&j->failed, true);
            return;
        }
        for (uint32_t bx = 0; bx < bw; bx++) {
            for (uint32_t y = 0; y < 4; y++) {
                uint32_t sy = by * 4 + y < j->h ? by * 4 + y : j->h - 1;
                for (uint32_t x = 0; x < 4; x++) {
                    uint32_t sx = bx * 4 + x < j->w ? bx * 4 + x : j->w - 1;
                    memcpy(px + (y * 4 + x) * 4, j->rgba + ((size_t)sy * j->w + sx) * 4, 4);
                }
            }
            stoa_bc7_encode_block(px, j->out + ((size_t)by * bw + bx) * 16);
        }
    }
}

typedef struct worker_arg {
    level_job *job;
    uint32_t index;
} worker_arg;

static void *level_worker(void *arg)
{
    worker_arg *a = arg;
    level_job *j = a->job;
    if (j->f == STOA_TEXFMT_BC7)
        bc7_rows(j, a->index);
    else if (!scene_astc_encode(j->astc, j->rgba, j->w, j->h, j->out, j->out_size, a->index))
        atomic_store(&j->failed, true);
    return NULL;
}

// Every thread index must run (astcenc shares the image between them); a
// thread that cannot start has its share done here.
static bool encode_level(level_job *j)
{
    pthread_t th[MAX_THREADS];
    worker_arg args[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    for (uint32_t i = 1; i < j->threads; i++) {
        args[i] = (worker_arg){j, i};
        started[i] = pthread_create(&th[i], NULL, level_worker, &args[i]) == 0;
    }
    args[0] = (worker_arg){j, 0};
    level_worker(&args[0]);
    for (uint32_t i = 1; i < j->threads; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        else
            level_worker(&args[i]);
    }
    if (j->astc)
        scene_astc_reset(j->astc);
    return !atomic_load(&j->failed);
}

static uint32_t thread_count(uint32_t want)
{
    if (want == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        want = cores > 0 ? (uint32_t)cores : 1;
    }
    return want < MAX_THREADS ? want : MAX_THREADS;
}

uint8_t *stoa_texfmt_encode_chain(stoa_texfmt f, const uint8_t *rgba, uint32_t w, uint32_t h,
                                  bool srgb, uint32_t threads, size_t *out_size)
{
    return stoa_texfmt_encode_chain_until(f, rgba, w, h, srgb, threads, NULL, NULL, out_size);
}

uint8_t *stoa_texfmt_encode_chain_until(stoa_texfmt f, const uint8_t *rgba, uint32_t w, uint32_t h,
                                        bool srgb, uint32_t threads, bool (*stop)(void *user),
                                        void *user, size_t *out_size)
{
    if ((unsigned)f >= STOA_TEXFMT_COUNT || !rgba || !w || !h)
        return NULL;
    size_t total = stoa_texfmt_chain_bytes(f, w, h);
    uint8_t *out = malloc(total);
    // Two scratch levels taken in turn (each level is at most half the last).
    size_t half = (size_t)(w > 1 ? w / 2 : 1) * (h > 1 ? h / 2 : 1) * 4;
    uint8_t *scratch = malloc(2 * half);
    level_job j = {.f = f, .threads = thread_count(threads), .stop = stop, .user = user};
    atomic_init(&j.failed, false);
    if (f == STOA_TEXFMT_ASTC_4x4 || f == STOA_TEXFMT_ASTC_6x6)
        j.astc =
            scene_astc_context(stoa_texfmt_block(f), stoa_texfmt_block(f), srgb, j.threads, false);
    bool ok = out && scratch && (f == STOA_TEXFMT_RGBA8 || f == STOA_TEXFMT_BC7 || j.astc);
    const uint8_t *level = rgba;
    size_t at = 0;
    for (uint32_t lw = w, lh = h, i = 0; ok; i++) {
        j.rgba = level;
        j.w = lw;
        j.h = lh;
        j.out = out + at;
        j.out_size = stoa_texfmt_level_bytes(f, lw, lh);
        if (stop && stop(user))
            ok = false;
        else if (f == STOA_TEXFMT_RGBA8)
            memcpy(j.out, level, j.out_size);
        else
            ok = encode_level(&j);
        at += j.out_size;
        if (lw == 1 && lh == 1)
            break;
        uint32_t nw = lw > 1 ? lw / 2 : 1, nh = lh > 1 ? lh / 2 : 1;
        uint8_t *next = scratch + (i % 2 ? half : 0);
        stoa_scene_mip_halve(level, lw, lh, (size_t)lw * 4, next, (size_t)nw * 4, srgb);
        level = next;
        lw = nw;
        lh = nh;
    }
    scene_astc_context_free(j.astc);
    free(scratch);
    if (!ok) {
        free(out);
        return NULL;
    }
    *out_size = total;
    return out;
}

bool stoa_texfmt_decode_level(stoa_texfmt f, const uint8_t *blocks, uint32_t w, uint32_t h,
                              bool srgb, uint8_t *out)
{
    if (!blocks || !out || !w || !h)
        return false;
    size_t size = stoa_texfmt_level_bytes(f, w, h);
    if (f == STOA_TEXFMT_RGBA8) {
        memcpy(out, blocks, size);
        return true;
    }
    if (f == STOA_TEXFMT_BC7) {
        uint32_t bw = (w + 3) / 4, bh = (h + 3) / 4;
        uint8_t px[64];
        for (uint32_t by = 0; by < bh; by++)
            for (uint32_t bx = 0; bx < bw; bx++) {
                stoa_bc7_decode_block(blocks + ((size_t)by * bw + bx) * 16, px);
                for (uint32_t y = 0; y < 4 && by * 4 + y < h; y++) {
                    uint32_t n = w - bx * 4 < 4 ? w - bx * 4 : 4;
                    memcpy(out + ((size_t)(by * 4 + y) * w + bx * 4) * 4, px + y * 16, n * 4);
                }
            }
        return true;
    }
    if (f != STOA_TEXFMT_ASTC_4x4 && f != STOA_TEXFMT_ASTC_6x6)
        return false;
    uint32_t b = stoa_texfmt_block(f);
    void *ctx = scene_astc_context(b, b, srgb, 1, true);
    bool ok = ctx && scene_astc_decode(ctx, blocks, size, w, h, out);
    scene_astc_context_free(ctx);
    return ok;
}
