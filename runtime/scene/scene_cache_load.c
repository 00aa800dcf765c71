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
    if (s->baked && b >= s->baked->bytes && b < s->baked->bytes + s->baked->size)
        return;
    free(p);
}

static void *writer(void *arg)
{
    stoa_scene *s = arg;
    // Below the frame loop: on a small machine the first frames come first.
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    stoa_error e = {0};
    uint64_t t = scene_stage_begin();
    stoa_result r = scene_cache_write(s, s->baked->key, s->baked->texture_target, s->baked->file,
                                      &e);
    scene_stage_end(STOA_SCENE_STAGE_WRITE, t);
    if (r < 0)
        STOA_LOGW("scene", "%s: the scene cache was not written: %s", s->path, e.message);
    else {
        STOA_LOGD("scene", "%s: wrote the scene cache %s", s->path, s->baked->file);
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
    if (s->baked->mapped)
        munmap(s->baked->bytes, s->baked->size);
    else
        free(s->baked->bytes);
    free(s->baked);
    s->baked = NULL;
}

stoa_scene_cache_outcome stoa_scene_cache_outcome_of(const stoa_scene *s)
{
    return s && s->baked ? s->baked->outcome : STOA_SCENE_CACHE_UNUSED;
}

// Takes `bytes` (mapped or heap) into a new scene; on failure frees them.
static stoa_result from_bytes(uint8_t *bytes, size_t size, bool mapped, uint64_t key,
                              bool check_hashes, stoa_scene **out, stoa_error *err)
{
    stoa_scene *s = calloc(1, sizeof *s);
    struct scene_baked *b = calloc(1, sizeof *b);
    if (!s || !b) {
        free(s);
        free(b);
        if (mapped)
            munmap(bytes, size);
        else
            free(bytes);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    *b = (struct scene_baked){.bytes = bytes, .size = size, .mapped = mapped,
                              .outcome = STOA_SCENE_CACHE_HIT};
    s->baked = b;
    const cache_section *table;
    uint32_t count;
    stoa_result r = scene_cache_check(bytes, size, key, check_hashes, &table, &count, err);
    for (uint32_t i = 0; r >= 0 && i < count; i++) {
        if (table[i].id == CACHE_DATA) {
            b->data = bytes + table[i].offset;
            b->data_size = table[i].size;
            b->chunk_count = (b->data_size + CACHE_CHUNK - 1) / CACHE_CHUNK;
        } else if (table[i].id == CACHE_CHNK) {
            b->chunk_hashes = bytes + table[i].offset;
        }
    }
    if (r >= 0) {
        b->trust_data = !check_hashes;
        b->has_lock = pthread_mutex_init(&b->lock, NULL) == 0;
        if (!b->has_lock || !(b->chunk_state = calloc(b->chunk_count + 1, 1)))
            r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    if (r >= 0)
        r = scene_cache_build(s, bytes, size, table, count, err);
    // Everything but a large scene's texels now; those on first use.
    if (r >= 0 && check_hashes &&
        !scene_cache_check_chunks(b, 0, (b->lazy_from + CACHE_CHUNK - 1) / CACHE_CHUNK))
        r = stoa_error_set(err, STOA_ERROR_PARSE, "DATA: checksum mismatch");
    if (r < 0) {
        stoa_scene_destroy(&s);
        return r;
    }
    *out = s;
    return STOA_OK;
}

static bool range_ok(struct scene_baked *b, const uint8_t *p, size_t size)
{
    if (!p || size == 0)
        return true;
    uint64_t at = (uint64_t)(p - b->data);
    return scene_cache_check_chunks(b, at / CACHE_CHUNK, (at + size + CACHE_CHUNK - 1) / CACHE_CHUNK);
}

bool stoa_scene_texture_check(const stoa_scene *s, uint32_t i)
{
    if (!s || i >= s->texture_count)
        return false;
    struct scene_baked *b = s->baked;
    const stoa_texture *t = &s->textures[i];
    if (!b || !b->chunk_state || b->trust_data || (!t->rgba && !t->blocks))
        return true;
    size_t level0 = (size_t)t->width * t->height * 4, chain = 0;
    for (uint32_t w = t->width, h = t->height; t->mips && (w > 1 || h > 1);) {
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
        chain += (size_t)w * h * 4;
    }
    if (!t->rgba)
        level0 = 0;
    if (range_ok(b, t->rgba, level0) && range_ok(b, t->mips, chain) &&
        range_ok(b, t->blocks, t->blocks_size))
        return true;
    pthread_mutex_lock(&b->lock);
    if (!b->damaged_logged) {
        STOA_LOGW("scene", "%s: scene cache %s rejected (texture %u: DATA checksum mismatch); "
                           "the texture is left out and the next load rebuilds the cache",
                  s->path, b->file, i);
        unlink(b->file);
        b->damaged_logged = true;
    }
    pthread_mutex_unlock(&b->lock);
    return false;
}

stoa_result stoa_scene_cache_parse(const uint8_t *bytes, size_t size, uint64_t expect_key,
                                   bool check_hashes, stoa_scene **out_scene, stoa_error *err)
{
    *out_scene = NULL;
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    memcpy(copy, bytes, size);
    stoa_result r = from_bytes(copy, size, false, expect_key, check_hashes, out_scene, err);
    if (r >= 0 && !((*out_scene)->path = scene_strdup("(cache bytes)"))) {
        stoa_scene_destroy(out_scene);
        r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    return r;
}

// A cache file this small is read into the heap: one read costs less than
// mapping it, its page faults and unmapping it.
#define READ_BELOW (64u << 10)

// STOA_ERROR_NOT_FOUND when there is no file; another error when it is bad.
// *mtime_ns: the file's modification time (its last use, scene_cache_evict.c).
static stoa_result read_file(const char *file, uint64_t key, stoa_scene **out,
                             int64_t *mtime_ns, stoa_error *err)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return stoa_error_set(err, errno == ENOENT ? STOA_ERROR_NOT_FOUND : STOA_ERROR_IO, "%s",
                              strerror(errno));
    struct stat st;
    void *bytes = MAP_FAILED;
    bool mapped = true;
    if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size < READ_BELOW) {
        mapped = false;
        bytes = malloc((size_t)st.st_size);
        ssize_t got = bytes ? pread(fd, bytes, (size_t)st.st_size, 0) : -1;
        if (got != st.st_size) { // shorter (truncated meanwhile) or failed
            free(bytes);
            bytes = MAP_FAILED;
        }
    } else if (st.st_size > 0) {
        bytes = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    }
    close(fd);
    if (bytes == MAP_FAILED)
        return stoa_error_set(err, STOA_ERROR_PARSE, "empty or unreadable (%lld bytes)",
                              (long long)st.st_size);
    *mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    return from_bytes(bytes, (size_t)st.st_size, mapped, key, true, out, err);
}

stoa_result scene_cache_read_file(const char *file, uint64_t key, stoa_scene **out,
                                  stoa_error *err)
{
    int64_t mtime_ns;
    return read_file(file, key, out, &mtime_ns, err);
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

// A hit moves its file to the front of the least-recently-used order
// (stoa_scene_cache_touch) unless it was used this recently: a reload in a
// loop writes no inode each time.
#define TOUCH_AFTER_NS (60LL * 1000000000LL)

static void touch_if_old(const char *file, int64_t mtime_ns)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
    if (now_ns - mtime_ns >= TOUCH_AFTER_NS || now_ns < mtime_ns)
        stoa_scene_cache_touch(file);
}

// The cache file for `key` in `dir`; on none, a baked file beside the scene
// ("<path>.stoabake"): one made for RGBA8 (the hub bakes with no device, so
// for RGBA8; every device draws it) is used under its own key when the
// device's format has no file (*key and *target then say RGBA8).
static stoa_result find_cached(const char *dir, const char *path, uint64_t content_key,
                               uint64_t *key, uint32_t *target, char *file, size_t file_size,
                               stoa_scene **s, int64_t *mtime_ns, stoa_error *err)
{
    snprintf(file, file_size, "%s/%016llx.stoabake", dir, (unsigned long long)*key);
    stoa_result r = read_file(file, *key, s, mtime_ns, err);
    uint64_t rgba8_key = scene_cache_key_target(content_key, STOA_TEXTURE_TARGET_RGBA8), side;
    if (r == STOA_ERROR_NOT_FOUND && *target != STOA_TEXTURE_TARGET_RGBA8 &&
        scene_cache_sidecar_key(path, &side) && side == rgba8_key) {
        *key = rgba8_key;
        *target = STOA_TEXTURE_TARGET_RGBA8;
        snprintf(file, file_size, "%s/%016llx.stoabake", dir, (unsigned long long)*key);
        r = read_file(file, *key, s, mtime_ns, err);
    }
    if (r == STOA_ERROR_NOT_FOUND) { // a rejected one logged why: still a miss here
        stoa_result side = scene_cache_from_sidecar(path, file, *key, s);
        *mtime_ns = INT64_MAX; // taken into the cache just now: no touch
        r = side >= 0 ? side : r;
    }
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
    bool keyed = scene_cache_memo_get(dir, path, desc->no_generated_tangents, &key) ||
                 (scene_cache_make_dir(dir) && compute_key(dir, path, desc, &key) >= 0);
    scene_stage_end(STOA_SCENE_STAGE_KEY, t);
    if (!keyed)
        return 1; // the import reports why the file cannot be read
    uint32_t target = stoa_texture_target_resolve((stoa_texture_target)desc->texture_target);
    uint64_t content_key = key;
    key = scene_cache_key_target(content_key, target);
    char file[4096];
    stoa_error rerr = {0};
    stoa_scene *s = NULL;
    int64_t mtime_ns = 0;
    stoa_result r = find_cached(dir, path, content_key, &key, &target, file, sizeof file, &s,
                                &mtime_ns, &rerr);
    if (r >= 0 && (s->path = scene_strdup(path))) {
        snprintf(s->baked->file, sizeof s->baked->file, "%s", file);
        s->baked->key = key;
        scene_cache_complete_later(s, target); // textures a hurried writer left RGBA8
        if (mtime_ns != INT64_MAX)
            touch_if_old(file, mtime_ns); // least recently used goes first
        for (uint32_t i = 0; i < s->warning_count; i++)
            STOA_LOGW("scene", "%s: %s", path, s->warnings[i]);
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
    stoa_result r = stoa_scene_load(path, &d, &s, err);
    if (r < 0)
        return r;
    stoa_scene_cache_wait(s);
    stoa_scene_cache_outcome o = stoa_scene_cache_outcome_of(s);
    if (o == STOA_SCENE_CACHE_HIT && partly_rgba8(s, dir, texture_target)) {
        // A file written while its scene was closed (scene_cache_hurry):
        // bake it again, whole.
        STOA_LOGI("scene", "%s: %s has RGBA8 textures for a GPU format; baking it again", path,
                  s->baked->file);
        unlink(s->baked->file);
        stoa_scene_destroy(&s);
        r = stoa_scene_load(path, &d, &s, err);
        if (r < 0)
            return r;
        stoa_scene_cache_wait(s);
        o = stoa_scene_cache_outcome_of(s);
    }
    char file[4096] = "";
    if (s->baked && s->baked->file[0])
        snprintf(file, sizeof file, "%s", s->baked->file);
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
    if (scene_cache_memo_get(dir, path, d.no_generated_tangents, out_key) ||
        compute_key(dir, path, &d, out_key) >= 0) {
        *out_key = scene_cache_key_target(
            *out_key, stoa_texture_target_resolve(STOA_TEXTURE_TARGET_AUTO));
        return STOA_OK;
    }
    return stoa_error_set(err, STOA_ERROR_IO, "%s: cannot be read", path);
}
