// SPDX-License-Identifier: Apache-2.0
// Textures that finish decoding after stoa_scene_load returned
// (stoa_scene_load_desc.defer_textures). The scene owns the decode workers
// (joinable threads in scene_images.c) and the parsed document whose buffers
// hold the encoded bytes; both go when the last texture is collected or the
// scene is destroyed, whichever comes first.
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "scene_cache.h"
#include "scene_internal.h"

struct scene_deferred {
    scene_doc doc;        // kept open: images point into its buffers and JSON
    scene_images *images; // the workers, still decoding
    uint32_t pending;     // textures still pending
};

stoa_result scene_deferred_start(stoa_scene *scene, scene_doc *doc, scene_images **images,
                                 stoa_error *err)
{
    uint32_t pending = 0;
    for (uint32_t i = 0; i < scene->texture_count; i++)
        pending += scene->textures[i].pending;
    struct scene_deferred *d = pending ? calloc(1, sizeof *d) : NULL;
    if (!d) {
        scene_images_destroy(images);
        scene_doc_close(doc);
        if (pending)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory",
                                  scene->path);
        return STOA_OK;
    }
    d->doc = *doc;
    d->doc.path = scene->path; // doc->path is the caller's string
    memset(doc, 0, sizeof *doc);
    d->images = *images;
    *images = NULL;
    d->pending = pending;
    scene->deferred = d;
    return STOA_OK;
}

void scene_deferred_destroy(stoa_scene *scene)
{
    struct scene_deferred *d = scene->deferred;
    if (!d)
        return;
    scene_images_destroy(&d->images); // joins the workers before the doc goes
    scene_doc_close(&d->doc);
    free(d);
    scene->deferred = NULL;
}

static int64_t texture_source(const struct scene_deferred *d, uint32_t i)
{
    return scene_texture_source(scene_json_at(d->doc.root, "textures", i));
}

// Resolves pending textures whose image is decoded, in index order (so a
// later texture sharing an image copies the earlier one, as a normal load).
static void collect(stoa_scene *scene, struct scene_deferred *d)
{
    scene_image *images = scene_images_finished_array(d->images);
    for (uint32_t i = 0; i < scene->texture_count; i++) {
        stoa_texture *t = &scene->textures[i];
        int64_t src = texture_source(d, i);
        if (!t->pending || !scene_images_done(d->images, (uint32_t)src))
            continue;
        uint32_t warnings = scene->warning_count;
        stoa_error err = {0};
        if (scene_texture_resolve(&d->doc, scene, i, images, &err) < 0)
            STOA_LOGE("scene", "%s", err.message); // out of memory: rgba stays NULL
        scene_log_warnings(scene->path, scene, warnings);
        d->pending--;
    }
}

uint32_t stoa_scene_textures_ready(stoa_scene *scene, bool wait)
{
    if (!scene || !scene->deferred)
        return 0;
    struct scene_deferred *d = scene->deferred;
    if (wait)
        scene_images_wait(d->images);
    collect(scene, d);
    uint32_t left = d->pending;
    if (left == 0) {
        scene_deferred_destroy(scene);
        scene_cache_textures_done(scene); // the import's cache file can be written now
    }
    return left;
}
