// SPDX-License-Identifier: Apache-2.0
// Decoding a scene's images on worker threads. Decoding dominates the load
// time of textured scenes (a 2048x2048 PNG takes ~90 ms), so it runs in
// parallel and alongside Assimp's geometry import.
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_file.h"
#include "core/stoa_path.h"
#include "scene_internal.h"

// Static so that another module compiling stb_image cannot clash with us.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
// stb_image declares static functions it never defines when STATIC is set.
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#include <stb_image.h>
#pragma GCC diagnostic pop

#define MAX_IMAGE_DIM 16384
#define MAX_WORKERS 8

typedef struct job {
    char path[PATH_MAX]; // file to read, or "" when bytes/uri are set
    const char *data_uri;
} job;

struct scene_images {
    scene_image *images;
    job *jobs;
    uint32_t count;
    atomic_uint next;
    pthread_t threads[MAX_WORKERS];
    uint32_t thread_count;
    atomic_bool cancel;   // destroy: take no more images
    bool low_priority;    // threads below the loader's (.defer_textures)
    scene_gate *gate;     // passed before the first image (NULL: none)
    pthread_mutex_t lock; // guards images[].done and done_count
    pthread_cond_t changed;
    uint32_t done_count;
};

static void decode(scene_image *img, const job *jb)
{
    uint8_t *owned = NULL;
    const uint8_t *bytes = img->bytes;
    size_t size = img->size;
    stoa_error e = {0};
    if (jb->data_uri) {
        if (!scene_data_uri_decode(jb->data_uri, &owned, &size)) {
            snprintf(img->why, sizeof img->why, "bad data URI");
            return;
        }
        bytes = owned;
    } else if (jb->path[0]) {
        if (stoa_file_read(jb->path, 0, &owned, &size, &e) < 0) {
            snprintf(img->why, sizeof img->why, "%.400s", e.message);
            return;
        }
        bytes = owned;
    }
    int w, h, comp;
    if (bytes && scene_is_webp(bytes, size)) {
        scene_webp_decode(bytes, size, MAX_IMAGE_DIM, &img->rgba, &img->width, &img->height,
                          img->why, sizeof img->why);
    } else if (bytes && scene_is_jpeg(bytes, size)) {
        scene_jpeg_decode(bytes, size, MAX_IMAGE_DIM, &img->rgba, &img->width, &img->height,
                          img->why, sizeof img->why);
    } else if (!bytes || size > INT32_MAX ||
               !stbi_info_from_memory(bytes, (int)size, &w, &h, &comp)) {
        snprintf(img->why, sizeof img->why, "not a PNG, JPEG or WebP image");
    } else if (w < 1 || h < 1 || w > MAX_IMAGE_DIM || h > MAX_IMAGE_DIM) {
        snprintf(img->why, sizeof img->why, "image is %dx%d (limit %d)", w, h, MAX_IMAGE_DIM);
    } else if (scene_png_decode(bytes, size, MAX_IMAGE_DIM, &img->rgba, &img->width,
                                &img->height, img->why, sizeof img->why)) {
        img->why[0] = 0;
    } else { // what libspng refuses, stb_image may still read (as before)
        img->why[0] = 0;
        img->rgba = stbi_load_from_memory(bytes, (int)size, &w, &h, &comp, 4);
        if (!img->rgba)
            snprintf(img->why, sizeof img->why, "corrupt image: %s", stbi_failure_reason());
        img->width = (uint32_t)w;
        img->height = (uint32_t)h;
    }
    free(owned);
}

// STOA_TEST_DECODE_DELAY_MS: each image takes that much longer to decode
// (tests of streaming: stand-ins, fades). Waits in short steps, so that a
// cancelled load does not wait for it.
static bool test_delay(scene_images *si)
{
    const char *v = getenv("STOA_TEST_DECODE_DELAY_MS");
    long ms = v ? strtol(v, NULL, 10) : 0;
    for (long t = 0; t < ms && ms <= 60000; t += 5) {
        if (atomic_load(&si->cancel))
            return false;
        nanosleep(&(struct timespec){0, 5000000L}, NULL);
    }
    return true;
}

static void *worker(void *arg);

// A thread's entry: with .defer_textures the decodes run below the thread
// that loads and uploads the geometry (and later below the frame loop), as
// the cache writer does: on a small machine the first frame comes first.
static void *thread_main(void *arg)
{
    scene_images *si = arg;
    if (si->low_priority)
        setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    scene_gate_pass(si->gate); // held until the first frame (.hold_background)
    return worker(si);
}

static void *worker(void *arg)
{
    scene_images *si = arg;
    for (;;) {
        if (atomic_load(&si->cancel))
            return NULL;
        uint32_t i = atomic_fetch_add(&si->next, 1);
        if (i >= si->count)
            return NULL;
        if (si->images[i].used && !test_delay(si))
            return NULL;
        if (si->images[i].used && !si->images[i].why[0])
            decode(&si->images[i], &si->jobs[i]);
        pthread_mutex_lock(&si->lock);
        si->images[i].done = true;
        si->done_count++;
        pthread_cond_broadcast(&si->changed);
        pthread_mutex_unlock(&si->lock);
    }
}

// Where image i's bytes are; buffers are loaded here, on the calling thread.
static void locate(scene_doc *doc, uint32_t i, scene_image *img, job *jb)
{
    cJSON *ji = scene_json_at(doc->root, "images", i);
    const char *uri = scene_json_str(ji, "uri");
    stoa_error e = {0};
    if (uri && strncmp(uri, "data:", 5) == 0) {
        jb->data_uri = uri;
    } else if (uri) {
        if (stoa_path_confine(doc->dir, uri, jb->path, sizeof jb->path, &e) < 0)
            snprintf(img->why, sizeof img->why, "%.400s", e.message);
    } else {
        cJSON *v =
            scene_json_at(doc->root, "bufferViews", (uint32_t)scene_json_int(ji, "bufferView", 0));
        uint32_t b = (uint32_t)scene_json_int(v, "buffer", 0);
        if (scene_doc_buffer(doc, b, &e) < 0) {
            snprintf(img->why, sizeof img->why, "%.400s", e.message);
            return;
        }
        img->bytes = doc->buffers[b].data + scene_json_int(v, "byteOffset", 0);
        img->size = (size_t)scene_json_int(v, "byteLength", 0);
    }
}

stoa_result scene_images_start(scene_doc *doc, bool low_priority, scene_gate *gate,
                               scene_images **out, stoa_error *err)
{
    uint32_t n = scene_json_count(doc->root, "images");
    scene_images *si = calloc(1, sizeof *si);
    if (si) {
        pthread_mutex_init(&si->lock, NULL);
        pthread_cond_init(&si->changed, NULL);
        si->images = calloc(n ? n : 1, sizeof *si->images);
        si->jobs = calloc(n ? n : 1, sizeof *si->jobs);
    }
    if (!si || !si->images || !si->jobs) {
        scene_images_destroy(&si);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    }
    si->count = n;
    si->low_priority = low_priority;
    si->gate = gate;
    uint32_t used = 0;
    cJSON *t;
    cJSON_ArrayForEach(t, scene_json_arr(doc->root, "textures"))
    {
        int64_t src = scene_texture_source(t);
        if (src >= 0 && !si->images[src].used) {
            si->images[src].used = true;
            used++;
        }
    }
    for (uint32_t i = 0; i < n; i++)
        if (si->images[i].used)
            locate(doc, i, &si->images[i], &si->jobs[i]);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    uint32_t want =
        used < (uint32_t)(cores > 0 ? cores : 1) ? used : (uint32_t)(cores > 0 ? cores : 1);
    if (want > MAX_WORKERS)
        want = MAX_WORKERS;
    for (uint32_t k = 0; k < want; k++)
        if (pthread_create(&si->threads[si->thread_count], NULL, thread_main, si) == 0)
            si->thread_count++;
    if (si->thread_count == 0)
        worker(si); // no thread could start: decode here
    *out = si;
    return STOA_OK;
}

scene_image *scene_images_finish(scene_images *si)
{
    scene_gate_open(si->gate); // waited for: held no longer
    for (uint32_t k = 0; k < si->thread_count; k++)
        pthread_join(si->threads[k], NULL);
    si->thread_count = 0;
    worker(si); // whatever no thread took (thread creation may fail)
    return si->images;
}

scene_image *scene_images_finished_array(scene_images *si)
{
    return si->images;
}

bool scene_images_done(scene_images *si, uint32_t i)
{
    pthread_mutex_lock(&si->lock);
    bool done = i < si->count && si->images[i].done;
    pthread_mutex_unlock(&si->lock);
    return done;
}

void scene_images_wait(scene_images *si)
{
    scene_gate_open(si->gate);
    pthread_mutex_lock(&si->lock);
    while (si->done_count < si->count)
        pthread_cond_wait(&si->changed, &si->lock);
    pthread_mutex_unlock(&si->lock);
}

void scene_images_destroy(scene_images **psi)
{
    if (!psi || !*psi)
        return;
    scene_images *si = *psi;
    atomic_store(&si->cancel, true);
    if (si->thread_count) // held workers must see the cancel (no threads: nothing held)
        scene_gate_open(si->gate);
    for (uint32_t k = 0; k < si->thread_count; k++)
        pthread_join(si->threads[k], NULL);
    pthread_mutex_destroy(&si->lock);
    pthread_cond_destroy(&si->changed);
    for (uint32_t i = 0; si->images && i < si->count; i++)
        stbi_image_free(si->images[i].rgba);
    free(si->images);
    free(si->jobs);
    free(si);
    *psi = NULL;
}
