// SPDX-License-Identifier: Apache-2.0
// Completing a cache file that a hurried writer left partly RGBA8 (a short
// process under a GPU texture target: one `stoa render`, `stoa info`; see
// scene_cache_write.c). A user expects the next load of the scene to be
// right, and fast, and to get the compressed textures in the end: the file
// stays under its key (its RGBA8 textures are the exact decoded images, so a
// load that maps it draws the scene rightly), and each load that maps it
// encodes what is left on a background thread, a little after the load,
// then renames a whole new file over it with the blocks it already had. If
// that process ends first (another short one), nothing is done and it does
// not wait; if it ends while encoding, the writer is hurried in turn: it
// encodes up to the hurried writer's allowance (small textures) and writes
// the file only if it encoded one, without making the process wait for a
// large texture. A process that lives longer (`stoa run`, `preview`,
// `play`) completes the file, and `stoa bake` does it at once.
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene_texfmt.h"
#include "scene_cache.h"

static stoa_texfmt format_of(const stoa_scene *s, uint32_t target, uint32_t i)
{
    const stoa_texture *t = &s->textures[i];
    if (!t->rgba || t->placeholder || t->blocks)
        return STOA_TEXFMT_RGBA8; // nothing to encode: final as it is
    return stoa_texfmt_for((stoa_texture_target)target, scene_cache_texture_role(s, i));
}

static uint32_t unfinished(const stoa_scene *s, uint32_t target)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->texture_count; i++)
        n += format_of(s, target, i) != STOA_TEXFMT_RGBA8;
    return n;
}

typedef struct completion {
    stoa_scene *s;
    uint64_t pixels, allowed; // as the hurried writer counts them
} completion;

static bool hurried(void *user)
{
    const completion *c = user;
    return atomic_load(&c->s->baked->hurry) && c->pixels > c->allowed;
}

// Encodes what is left into a copy of the texture array (blocks set, RGBA8
// dropped); the number encoded, or -1 when a texture read is damaged. One
// thread: the process is busy with what it loaded the scene for.
static int encode_left(completion *c, uint32_t target, stoa_texture *out)
{
    const stoa_scene *s = c->s;
    int encoded = 0;
    for (uint32_t i = 0; i < s->texture_count; i++) {
        const stoa_texture *t = &s->textures[i];
        out[i] = *t;
        stoa_texfmt f = format_of(s, target, i);
        c->pixels = (uint64_t)t->width * t->height;
        if (f == STOA_TEXFMT_RGBA8 || hurried(c))
            continue;
        if (!stoa_scene_texture_check(s, i))
            return -1; // logged; that load rebuilds the file
        bool was_hurried = atomic_load(&s->baked->hurry);
        size_t size = 0;
        uint8_t *b = stoa_texfmt_encode_chain_until(
            f, t->rgba, t->width, t->height,
            scene_cache_texture_role(s, i) == STOA_TEXTURE_ROLE_COLOUR, 1, hurried, c, &size);
        if (!b)
            continue; // hurried, or the encoder failed: the write says which
        out[i].gpu_format = (uint32_t)f;
        out[i].blocks = b;
        out[i].blocks_size = size;
        out[i].rgba = NULL;
        out[i].mips = NULL;
        encoded++;
        if (was_hurried || atomic_load(&s->baked->hurry))
            c->allowed = c->allowed > c->pixels ? c->allowed - c->pixels : 0;
    }
    return encoded;
}

// The completion waits this long before it starts (STOA_SCENE_CACHE_COMPLETE_DELAY_MS
// replaces it; tests: 0), so that it takes nothing from a short process
// (one `stoa render`: it stops at once when the scene goes) nor from the
// first frames of a long one.
#define COMPLETE_DELAY_MS 2000

static bool wait_first(stoa_scene *s)
{
    const char *e = getenv("STOA_SCENE_CACHE_COMPLETE_DELAY_MS");
    long ms = e && *e ? strtol(e, NULL, 10) : COMPLETE_DELAY_MS;
    for (long t = 0; t < ms && !atomic_load(&s->baked->hurry); t += 20)
        usleep(20 * 1000);
    return !atomic_load(&s->baked->hurry);
}

static void *complete_main(void *arg)
{
    stoa_scene *s = arg;
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10); // below the frame loop
    if (!wait_first(s))
        return NULL;
    uint32_t target = s->baked->texture_target, before = unfinished(s, target);
    completion c = {.s = s, .allowed = scene_cache_hurry_pixels()};
    stoa_texture *tex = calloc(s->texture_count, sizeof *tex);
    int encoded = tex ? encode_left(&c, target, tex) : 0;
    // The new file copies every texture's bytes: all checked first, so that
    // damage is not written again under fresh hashes.
    for (uint32_t i = 0; encoded > 0 && i < s->texture_count; i++)
        if (!stoa_scene_texture_check(s, i))
            encoded = -1;
    if (encoded > 0) {
        stoa_scene copy = *s; // shallow; the writer only reads it
        copy.textures = tex;
        stoa_error e = {0};
        if (scene_cache_write(&copy, s->baked->key, target, s->baked->file, &e) < 0)
            STOA_LOGW("scene", "%s: the scene cache was not completed: %s", s->path, e.message);
        else {
            STOA_LOGI("scene",
                      "%s: scene cache %s written again: %d of the %u textures left "
                      "RGBA8 encoded",
                      s->path, s->baked->file, encoded, before);
            scene_cache_attach_to_memo(s); // a hit reads the copy, not the file
        }
    }
    for (uint32_t i = 0; tex && i < s->texture_count; i++)
        if (tex[i].blocks != s->textures[i].blocks)
            free((void *)tex[i].blocks);
    free(tex);
    return NULL;
}

bool scene_cache_complete_later(stoa_scene *s, uint32_t target)
{
    if (!s || !s->baked || s->baked->writing || !s->baked->file[0] ||
        stoa_texture_target_resolve((stoa_texture_target)target) == STOA_TEXTURE_TARGET_RGBA8 ||
        unfinished(s, target) == 0)
        return false;
    s->baked->texture_target = target;
    s->baked->writing = pthread_create(&s->baked->writer, NULL, complete_main, s) == 0;
    return s->baked->writing;
}
