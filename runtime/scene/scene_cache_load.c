// SPDX-License-Identifier: Apache-2.0
// stoa_scene_load through the baked scene cache: map a valid cache file, or
// import and write one on a background thread; stoa_scene_bake.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/stoa_file.h"
#include "core/stoa_log.h"
#include "scene/stoa_scene_texfmt.h"
#include "scene_cache.h"
#include "scene/stoa_scene_quant.h"

#define DEFAULT_MAX_FILE (256u << 20)

void scene_free_owned(stoa_scene *s, void *p)
{
    const uint8_t *b = p;
    const struct scene_baked *k = s->baked;
    if (k && ((k->bytes && b >= k->bytes && b < k->bytes + k->size) || // (no bytes: a miss)
              (k->texels && b >= k->texels && b < k->texels + k->texels_size)))
        return;
    free(p);
}

// The bytes of `file` a memo keeps: all of a small file, else its copy
// without the texels (cache_span: its front and tail) when that is small.
static uint8_t *memo_copy_of(const char *file, size_t *size)
{
    struct stat st;
    int fd = stoa_file_open_regular(file, &st);
    if (fd < 0)
        return NULL;
    uint64_t n = st.st_size > 0 ? (uint64_t)st.st_size : 0, front = n, tail_from = n;
    uint8_t page[CACHE_DATA_OFFSET], *b = NULL;
    bool large = n > SCENE_CACHE_INLINE_MAX;
    if (large && (pread(fd, page, sizeof page, 0) != (ssize_t)sizeof page ||
                  !scene_cache_copy_plan(page, (size_t)n, &front, &tail_from)))
        front = tail_from = 0; // no copy
    uint64_t total = front + (n - tail_from);
    if (front && total <= SCENE_CACHE_INLINE_MAX && (b = malloc((size_t)total)) &&
        !scene_cache_read_copy(fd, large ? page : NULL, front, tail_from, n, b)) {
        free(b);
        b = NULL;
    }
    close(fd);
    *size = (size_t)total;
    return b;
}

void scene_cache_attach_to_memo(const stoa_scene *s)
{
    struct scene_baked *b = s->baked;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", b->file);
    char *slash = strrchr(dir, '/');
    size_t size = 0;
    uint8_t *bytes = slash ? memo_copy_of(b->file, &size) : NULL;
    if (!bytes)
        return; // too large for a memo, or gone already
    *slash = 0;
    scene_cache_memo_attach(dir, s->path, b->tangents, b->content_key, b->key, bytes, size);
    free(bytes);
}

static void *writer(void *arg)
{
    stoa_scene *s = arg;
    // Below the frame loop: on a small machine the first frames come first.
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    scene_gate_pass(s->gate); // held until the first frame (.hold_background)
    stoa_error e = {0};
    uint64_t t = scene_stage_begin();
    stoa_result r = scene_cache_write(s, s->baked->key, s->baked->texture_target, s->baked->file,
                                      &e);
    scene_stage_end(STOA_SCENE_STAGE_WRITE, t);
    if (r < 0)
        STOA_LOGW("scene", "%s: the scene cache was not written: %s", s->path, e.message);
    else {
        STOA_LOGD("scene", "%s: wrote the scene cache %s", s->path, s->baked->file);
        scene_cache_attach_to_memo(s);
        scene_cache_after_write(s->baked->file);
    }
    return NULL;
}

static void start_writer(stoa_scene *s)
{
    if (s->baked->writing || s->deferred)
        return;
    s->baked->writing = pthread_create(&s->baked->writer, NULL, writer, s) == 0;
    if (!s->baked->writing)
        writer(s);
}

void scene_cache_textures_done(stoa_scene *s)
{
    if (s->baked && s->baked->outcome != STOA_SCENE_CACHE_HIT && s->baked->file[0])
        start_writer(s);
}

void scene_cache_hurry(stoa_scene *s)
{
    if (s && s->baked && s->baked->writing)
        atomic_store(&s->baked->hurry, true);
}

void stoa_scene_cache_wait(stoa_scene *s)
{
    if (s && s->baked && s->baked->writing) {
        scene_gate_open(s->gate); // waited for: held no longer
        pthread_join(s->baked->writer, NULL);
        s->baked->writing = false;
    }
}

void scene_baked_destroy(stoa_scene *s)
{
    if (!s->baked)
        return;
    scene_cache_hurry(s);
    stoa_scene_cache_wait(s);
    if (s->baked->has_lock)
        pthread_mutex_destroy(&s->baked->lock);
    free(s->baked->chunk_state);
    stoa_scene_quant_destroy(&s->baked->quant);
    if (s->baked->texels)
        munmap(s->baked->texels, s->baked->texels_size);
    if (s->baked->mapped)
        munmap(s->baked->bytes, s->baked->size);
    else if (s->baked->buffer_size)
        scene_copy_buffer_give(s->baked->bytes, s->baked->buffer_size);
    else
        free(s->baked->alloc ? s->baked->alloc : s->baked->bytes);
    free(s->baked->memo);
    free(s->baked);
    s->baked = NULL;
}

stoa_scene_cache_outcome stoa_scene_cache_outcome_of(const stoa_scene *s)
{
    return s && s->baked ? s->baked->outcome : STOA_SCENE_CACHE_UNUSED;
}

static void progress(const stoa_scene_load_desc *d, float f, const char *stage)
{
    if (d->progress)
        d->progress(d->progress_user, f, stage);
}

// The key: the scene file's bytes, and when it names other files (a .gltf
// with a .bin, images), theirs too, found through its JSON; remembered in
// the memo with the files' stats.
static stoa_result compute_key(const char *dir, const char *path, const stoa_scene_load_desc *desc,
                               uint64_t *key)
{
    scene_cache_deps *deps = calloc(1, sizeof *deps);
    uint8_t *bytes = NULL;
    size_t size = 0;
    stoa_error derr = {0};
    size_t max = desc->max_file_size ? desc->max_file_size : DEFAULT_MAX_FILE;
    if (deps) {
        deps->count = 1;
        deps->incomplete = !scene_cache_stat_of(path, &deps->st[0]);
    }
    stoa_result r = stoa_file_read(path, max, &bytes, &size, &derr);
    bool needs_doc = false;
    if (r >= 0)
        *key = scene_cache_key_file(bytes, size, desc->no_generated_tangents, &needs_doc);
    free(bytes);
    if (r >= 0 && needs_doc) {
        scene_doc doc;
        r = scene_doc_open(&doc, path, max, &derr);
        if (r >= 0)
            *key = scene_cache_key(&doc, desc->no_generated_tangents, deps);
        scene_doc_close(&doc);
    }
    if (r >= 0 && deps)
        scene_cache_memo_put(dir, path, desc->no_generated_tangents, *key, deps);
    free(deps);
    return r;
}

stoa_result scene_cache_load(const char *path, const stoa_scene_load_desc *desc,
                             stoa_scene **out_scene, stoa_error *err)
{
    // The folder is made on a miss (a hit finds its files in it: no call).
    char dir[3900];
    if (!scene_cache_dir_name(desc->cache_dir, dir, sizeof dir))
        return 1;
    progress(desc, 0.0f, "reading");
    uint64_t key;
    uint64_t t = scene_stage_begin();
    scene_cache_inline inl_room; // 4 KiB of stack: cheaper than a malloc on every hit
    scene_cache_inline *inl = &inl_room;
    bool keyed = scene_cache_memo_get(dir, path, desc->no_generated_tangents, &key, inl) ||
                 (scene_cache_make_dir(dir) && compute_key(dir, path, desc, &key) >= 0);
    scene_stage_end(STOA_SCENE_STAGE_KEY, t);
    if (!keyed) {
        free(inl->alloc);
        return 1; // the import reports why the file cannot be read
    }
    uint32_t target = stoa_texture_target_resolve((stoa_texture_target)desc->texture_target);
    uint64_t content_key = key;
    key = scene_cache_key_target(content_key, target);
    char file[4096];
    stoa_error rerr = {0};
    stoa_scene *s = NULL;
    int64_t mtime_ns = 0;
    stoa_result r = STOA_ERROR_NOT_FOUND;
    scene_cache_name(file, sizeof file, dir, "", key, ".stoabake");
    if (inl->size && inl->bake_key == key) { // the memo's copy: one file read
        r = scene_cache_read_inline(inl, key, &s, &rerr);
        if (r < 0) {
            STOA_LOGW("scene", "%s: the copy of %s in %s rejected (%s); reading the file", path,
                      file, inl->memo, rerr.message);
            unlink(inl->memo);
        } else { // its last use: the memo's and the file's times kept together
            scene_cache_touch_if_old(inl->memo, inl->mtime_ns);
            scene_cache_touch_if_old(file, inl->mtime_ns);
            mtime_ns = INT64_MAX;
        }
    }
    free(inl->alloc);
    if (r < 0)
        r = scene_cache_find(dir, path, content_key, &key, &target, file, sizeof file, &s,
                             &mtime_ns, &rerr);
    if (r >= 0) {
        s->baked->content_key = content_key;
        s->baked->tangents = desc->no_generated_tangents;
    }
    if (r >= 0 && (s->path = scene_strdup(path))) {
        scene_cat(s->baked->file, sizeof s->baked->file, file, NULL, NULL);
        s->baked->key = key;
        scene_cache_complete_later(s, target); // textures a hurried writer left RGBA8
        if (mtime_ns != INT64_MAX)
            scene_cache_touch_if_old(file, mtime_ns); // least recently used goes first
        scene_log_warnings(path, s, 0);               // once per process
        progress(desc, 1.0f, "done");
        *out_scene = s;
        return STOA_OK;
    }
    stoa_scene_destroy(&s);
    stoa_scene_cache_outcome outcome = STOA_SCENE_CACHE_MISS;
    if (r != STOA_ERROR_NOT_FOUND) {
        STOA_LOGW("scene", "%s: scene cache %s rejected (%s); importing again and rebuilding it",
                  path, file, rerr.message);
        outcome = STOA_SCENE_CACHE_REJECTED;
    } else {
        STOA_LOGD("scene", "%s: not in the scene cache; importing", path);
    }
    scene_cache_make_dir(dir); // the writer's folder (it says why when it cannot write)
    stoa_scene_load_desc plain = *desc;
    plain.use_cache = false;
    r = stoa_scene_load(path, &plain, &s, err);
    if (r < 0)
        return r;
    if (!(s->baked = calloc(1, sizeof *s->baked))) {
        *out_scene = s; // loaded; only the cache is lost
        return STOA_OK;
    }
    s->baked->outcome = outcome;
    s->baked->key = key;
    s->baked->content_key = content_key;
    s->baked->tangents = desc->no_generated_tangents;
    s->baked->texture_target = target;
    snprintf(s->baked->file, sizeof s->baked->file, "%s", file);
    start_writer(s); // now, or once the last deferred texture arrives
    *out_scene = s;
    return STOA_OK;
}

stoa_result stoa_scene_bake(const char *path, const char *cache_dir, char *out_file,
                            size_t out_file_size, stoa_scene_cache_outcome *out_outcome,
                            stoa_error *err)
{
    return stoa_scene_bake_for(path, cache_dir, STOA_TEXTURE_TARGET_AUTO, out_file, out_file_size,
                               out_outcome, err);
}

// Whether a cached scene from a file in the cache folder `dir`, for a GPU
// target, has an image stored as RGBA8 (its writer was hurried, or failed).
static bool partly_rgba8(const stoa_scene *s, const char *dir, uint32_t target)
{
    if (!s->baked || strncmp(s->baked->file, dir, strlen(dir)) ||
        stoa_texture_target_resolve((stoa_texture_target)target) == STOA_TEXTURE_TARGET_RGBA8)
        return false;
    for (uint32_t i = 0; i < s->texture_count; i++)
        if (s->textures[i].rgba && !s->textures[i].placeholder && !s->textures[i].blocks)
            return true;
    return false;
}

// A load through the cache with its writer waited for, and its outcome.
static stoa_result load_written(const char *path, const stoa_scene_load_desc *d, stoa_scene **s,
                                stoa_scene_cache_outcome *o, stoa_error *err)
{
    stoa_result r = stoa_scene_load(path, d, s, err);
    if (r >= 0) {
        stoa_scene_cache_wait(*s);
        *o = stoa_scene_cache_outcome_of(*s);
    }
    return r;
}

stoa_result stoa_scene_bake_for(const char *path, const char *cache_dir, uint32_t texture_target,
                                char *out_file, size_t out_file_size,
                                stoa_scene_cache_outcome *out_outcome, stoa_error *err)
{
    char dir[3900];
    if (!stoa_scene_cache_dir(cache_dir, dir, sizeof dir))
        return stoa_error_set(err, STOA_ERROR_IO,
                              "no scene cache folder (STOA_SCENE_CACHE=off, or no HOME)");
    stoa_scene *s = NULL;
    stoa_scene_load_desc d = {.use_cache = true, .cache_dir = cache_dir,
                              .texture_target = texture_target};
    stoa_scene_cache_outcome o;
    stoa_result r = load_written(path, &d, &s, &o, err);
    if (r < 0)
        return r;
    if (o == STOA_SCENE_CACHE_HIT && partly_rgba8(s, dir, texture_target)) {
        // A file written while its scene was closed (scene_cache_hurry):
        // bake it again, whole.
        STOA_LOGI("scene", "%s: %s has RGBA8 textures for a GPU format; baking it again", path,
                  s->baked->file);
        unlink(s->baked->file);
        stoa_scene_destroy(&s);
        if ((r = load_written(path, &d, &s, &o, err)) < 0)
            return r;
    }
    char file[4096] = "";
    if (s->baked && s->baked->file[0])
        snprintf(file, sizeof file, "%s", s->baked->file);
    // A hit on a memo's copy whose file is gone (removed by hand): the file
    // is written again from a whole copy, so that a baked file is there to
    // send; a copy of its front alone has no texels: baked again.
    stoa_error werr = {0};
    bool gone = o == STOA_SCENE_CACHE_HIT && s->baked && s->baked->memo && access(file, F_OK) != 0;
    if (gone && s->baked->texels) {
        unlink(s->baked->memo);
        stoa_scene_destroy(&s);
        if ((r = load_written(path, &d, &s, &o, err)) < 0)
            return r;
    } else if (gone && stoa_file_write_replace(file, s->baked->bytes, s->baked->size, &werr) < 0)
        r = stoa_error_set(err, STOA_ERROR_IO, "%s", werr.message);
    stoa_scene_destroy(&s);
    if (o != STOA_SCENE_CACHE_HIT) { // check what was written by reading it back
        r = stoa_scene_load(path, &d, &s, err);
        for (uint32_t i = 0; r >= 0 && s && i < s->texture_count; i++)
            if (!stoa_scene_texture_check(s, i))
                r = stoa_error_set(err, STOA_ERROR_IO, "%s: the scene cache is damaged", path);
        if (r >= 0 && stoa_scene_cache_outcome_of(s) != STOA_SCENE_CACHE_HIT)
            r = stoa_error_set(err, STOA_ERROR_IO, "%s: the scene cache could not be written in %s",
                               path, dir);
        if (r >= 0 && s->baked)
            snprintf(file, sizeof file, "%s", s->baked->file);
        stoa_scene_destroy(&s);
    }
    if (out_file)
        snprintf(out_file, out_file_size, "%s", file);
    if (out_outcome)
        *out_outcome = o;
    return r;
}

stoa_result stoa_scene_cache_key_of(const char *path, const char *cache_dir, uint64_t *out_key,
                                    stoa_error *err)
{
    char dir[3900];
    if (!stoa_scene_cache_dir(cache_dir, dir, sizeof dir))
        return stoa_error_set(err, STOA_ERROR_IO,
                              "no scene cache folder (STOA_SCENE_CACHE=off, or no HOME)");
    // The options stoa_scene_bake loads with: the key of the file it writes.
    // The file's key mixes in the texture target (auto, resolved here).
    stoa_scene_load_desc d = {.use_cache = true, .cache_dir = cache_dir};
    if (scene_cache_memo_get(dir, path, d.no_generated_tangents, out_key, NULL) ||
        compute_key(dir, path, &d, out_key) >= 0) {
        *out_key = scene_cache_key_target(
            *out_key, stoa_texture_target_resolve(STOA_TEXTURE_TARGET_AUTO));
        return STOA_OK;
    }
    return stoa_error_set(err, STOA_ERROR_IO, "%s: cannot be read", path);
}
