// SPDX-License-Identifier: Apache-2.0
// stoa_scene_load: the staged import (see scene_internal.h), and teardown.
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "scene_cache.h"
#include "scene_internal.h"

#define DEFAULT_MAX_FILE (256u << 20)

// Extensions Stoa reads (some approximated, with their own warnings: see
// docs/scene-import.md). Any other is a warning when merely used and an
// error when the file requires it (glTF 2.0, 3.12).
static const char *const k_supported_ext[] = {
    "KHR_materials_unlit",
    "KHR_lights_punctual",
    "KHR_materials_emissive_strength",
    "EXT_meshopt_compression",
    "KHR_mesh_quantization",
    "KHR_texture_transform",
    "EXT_texture_webp",
    "KHR_draco_mesh_compression", // Assimp decodes it
    "EXT_mesh_gpu_instancing",    // expanded into nodes (scene_instancing.c)
    "KHR_materials_transmission", // approximated (scene_material_ext.c)
    "KHR_materials_volume",
    "KHR_materials_clearcoat",
    "KHR_materials_sheen",
    "KHR_materials_specular",
    "KHR_materials_ior",
    "KHR_materials_iridescence",
    "KHR_materials_anisotropy",
    "KHR_materials_dispersion",
};

static bool ext_supported(const char *name)
{
    for (size_t i = 0; i < sizeof k_supported_ext / sizeof k_supported_ext[0]; i++)
        if (strcmp(name, k_supported_ext[i]) == 0)
            return true;
    return false;
}

// Why an unsupported extension cannot be read, where Stoa knows more.
static const char *ext_hint(const char *name)
{
    if (strcmp(name, "KHR_texture_basisu") == 0)
        return "KTX2/Basis Universal textures need a transcoder that Debian 12 does not package; "
               "export the textures as PNG, JPEG or WebP (e.g. gltf-transform webp)";
    return "Stoa cannot read it";
}

// An unsupported extension in extensionsRequired: the file cannot be shown.
static stoa_result check_required(scene_doc *doc, stoa_error *err)
{
    cJSON *e;
    cJSON_ArrayForEach(e, scene_json_arr(doc->root, "extensionsRequired"))
    {
        if (!cJSON_IsString(e))
            return stoa_error_set(err, STOA_ERROR_PARSE,
                                  "%s: extensionsRequired holds a non-string", doc->path);
        if (!ext_supported(e->valuestring))
            return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                                  "%s: requires the extension %.64s: %s", doc->path,
                                  e->valuestring, ext_hint(e->valuestring));
    }
    return STOA_OK;
}

static void warn_extensions(scene_doc *doc, stoa_scene *scene)
{
    cJSON *e;
    cJSON_ArrayForEach(e, scene_json_arr(doc->root, "extensionsUsed"))
    {
        if (cJSON_IsString(e) && !ext_supported(e->valuestring))
            scene_warn(scene, "extension %.64s is used but not supported by Stoa: %s",
                       e->valuestring, ext_hint(e->valuestring));
    }
    uint32_t ns = scene_json_count(doc->root, "scenes");
    if (ns > 1)
        scene_warn(scene, "the file has %u scenes; only the default (scenes[%d]) is loaded", ns,
                   doc->default_scene);
}

static void progress(const stoa_scene_load_desc *d, float f, const char *stage)
{
    if (d->progress)
        d->progress(d->progress_user, f, stage);
}

static stoa_result build(scene_doc *doc, stoa_scene *scene, const stoa_scene_load_desc *d,
                         stoa_error *err)
{
    uint32_t *mesh_first = NULL, *mesh_prims = NULL;
    uint32_t nn = scene_json_count(doc->root, "nodes");
    int32_t *node_map = malloc((nn ? nn : 1) * sizeof *node_map);
    scene_images *images = NULL;
    if (!node_map)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    // Images decode on worker threads while Assimp imports the geometry.
    uint64_t t = scene_stage_begin();
    stoa_result r = scene_images_start(doc, d->defer_textures,
                                       d->defer_textures ? scene->gate : NULL, &images, err);
    scene_stage_end(STOA_SCENE_STAGE_BUILD, t);
    progress(d, 0.2f, "geometry");
    if (r == STOA_OK)
        r = scene_import_meshes(doc, scene, &mesh_first, &mesh_prims, err);
    progress(d, 0.6f, "textures");
    t = scene_stage_begin();
    if (r == STOA_OK)
        r = scene_expand_instancing(doc, err);
    if (r == STOA_OK && scene_json_count(doc->root, "nodes") > nn) { // instances became nodes
        nn = scene_json_count(doc->root, "nodes");
        int32_t *grown = realloc(node_map, nn * sizeof *node_map);
        if (grown)
            node_map = grown;
        else
            r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    }
    if (r == STOA_OK)
        r = scene_build_nodes(doc, scene, mesh_first, mesh_prims, node_map, err);
    // Deferred: textures with an image stay pending (no join here).
    if (r == STOA_OK)
        r = scene_build_materials(doc, scene,
                                  d->defer_textures ? NULL : scene_images_finish(images), err);
    if (!d->defer_textures)
        scene_images_destroy(&images);
    progress(d, 0.9f, "animations");
    if (r == STOA_OK)
        r = scene_build_skins(doc, scene, node_map, err);
    if (r == STOA_OK)
        r = scene_build_animations(doc, scene, node_map, err);
    if (r == STOA_OK) {
        warn_extensions(doc, scene);
        scene_compute_bounds(scene);
    }
    scene_stage_end(STOA_SCENE_STAGE_BUILD, t);
    t = scene_stage_begin();
    if (r == STOA_OK && !d->no_lods)
        r = d->defer_lods ? scene_lod_later_start(scene, err) : stoa_scene_build_lods(scene, err);
    scene_stage_end(STOA_SCENE_STAGE_LODS, t);
    // The scene takes the workers and the document; last, as it empties doc.
    if (r == STOA_OK && d->defer_textures)
        r = scene_deferred_start(scene, doc, &images, err);
    scene_images_destroy(&images); // stops and joins whatever is left (failure)
    free(node_map);
    free(mesh_first);
    free(mesh_prims);
    return r;
}

stoa_result stoa_scene_load(const char *path, const stoa_scene_load_desc *desc,
                            stoa_scene **out_scene, stoa_error *err)
{
    stoa_scene_load_desc d = desc ? *desc : (stoa_scene_load_desc){0};
    if (!out_scene || !path)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "stoa_scene_load: NULL argument");
    *out_scene = NULL;
    if (d.use_cache) {
        stoa_result cached = scene_cache_load(path, &d, out_scene, err);
        // A cache file holds the levels of detail (its LODS section): a hit
        // does no simplifying; a miss imported and made them below.
        if (cached == STOA_OK && d.no_lods)
            stoa_scene_free_lods(*out_scene);
        if (cached != 1)
            return cached;
    }
    scene_doc doc;
    progress(&d, 0.0f, "reading");
    stoa_result r =
        scene_doc_open(&doc, path, d.max_file_size ? d.max_file_size : DEFAULT_MAX_FILE, err);
    doc.no_generated_tangents = d.no_generated_tangents;
    progress(&d, 0.1f, "validating");
    uint64_t t = scene_stage_begin();
    if (r == STOA_OK)
        r = check_required(&doc, err);
    scene_stage_end(STOA_SCENE_STAGE_VALIDATE, t);
    t = scene_stage_begin();
    if (r == STOA_OK)
        r = scene_meshopt_decode(&doc, err);
    scene_stage_end(STOA_SCENE_STAGE_MESHOPT, t);
    t = scene_stage_begin();
    if (r == STOA_OK)
        r = scene_validate(&doc, err);
    scene_stage_end(STOA_SCENE_STAGE_VALIDATE, t);
    stoa_scene *scene = NULL;
    if (r == STOA_OK) {
        scene = calloc(1, sizeof *scene);
        if (!scene || !(scene->path = scene_strdup(path)))
            r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
        else if (d.hold_background) // no gate (out of memory): nothing is held
            scene->gate = scene_gate_create();
    }
    if (r == STOA_OK)
        r = build(&doc, scene, &d, err);
    scene_doc_close(&doc);
    if (r < 0) {
        stoa_scene_destroy(&scene);
        STOA_LOGD("scene", "%s", err ? err->message : "load failed");
        return r;
    }
    scene_log_warnings(path, scene, 0);
    progress(&d, 1.0f, "done");
    *out_scene = scene;
    return STOA_OK;
}

static void free_mesh(stoa_scene *s, stoa_mesh *m)
{
    scene_free_owned(s, m->name);
    scene_free_owned(s, m->positions);
    scene_free_owned(s, m->normals);
    scene_free_owned(s, m->tangents);
    scene_free_owned(s, m->uv0);
    scene_free_owned(s, m->uv1);
    scene_free_owned(s, m->colors);
    scene_free_owned(s, m->joints);
    scene_free_owned(s, m->weights);
    scene_free_owned(s, m->indices);
    for (uint32_t t = 0; m->morph_targets && t < m->morph_target_count; t++) {
        scene_free_owned(s, m->morph_targets[t].positions);
        scene_free_owned(s, m->morph_targets[t].normals);
        scene_free_owned(s, m->morph_targets[t].tangents);
    }
    free(m->morph_targets);
    scene_free_owned(s, m->default_weights);
}

void stoa_scene_destroy(stoa_scene **pscene)
{
    if (!pscene || !*pscene)
        return;
    stoa_scene *s = *pscene;
    scene_gate_open(s->gate); // held work goes on, to see that it should stop
    scene_deferred_destroy(s); // joins running decodes first
    scene_cache_hurry(s); // no more GPU encoding: nobody here will use it
    // Levels still being made: stopped, unless a cache writer waits for them.
    if (!(s->baked && s->baked->writing))
        scene_lod_later_stop(s);
    stoa_scene_cache_wait(s); // and the cache writer, which reads the scene
    scene_lod_later_destroy(s);
    for (uint32_t i = 0; s->nodes && i < s->node_count; i++) {
        scene_free_owned(s, s->nodes[i].name);
        scene_free_owned(s, s->nodes[i].meshes);
    }
    for (uint32_t i = 0; s->meshes && i < s->mesh_count; i++)
        free_mesh(s, &s->meshes[i]);
    for (uint32_t i = 0; s->materials && i < s->material_count; i++)
        scene_free_owned(s, s->materials[i].name);
    for (uint32_t i = 0; s->textures && i < s->texture_count; i++) {
        scene_free_owned(s, s->textures[i].name);
        scene_free_owned(s, s->textures[i].rgba);
    }
    for (uint32_t i = 0; s->skins && i < s->skin_count; i++) {
        scene_free_owned(s, s->skins[i].name);
        scene_free_owned(s, s->skins[i].joints);
        scene_free_owned(s, s->skins[i].inverse_bind);
    }
    for (uint32_t i = 0; s->cameras && i < s->camera_count; i++)
        scene_free_owned(s, s->cameras[i].name);
    for (uint32_t i = 0; s->lights && i < s->light_count; i++)
        scene_free_owned(s, s->lights[i].name);
    for (uint32_t i = 0; s->animations && i < s->animation_count; i++) {
        stoa_animation *a = &s->animations[i];
        for (uint32_t c = 0; a->channels && c < a->channel_count; c++) {
            scene_free_owned(s, a->channels[c].times);
            scene_free_owned(s, a->channels[c].values);
        }
        free(a->channels);
        scene_free_owned(s, a->name);
    }
    for (uint32_t i = 0; i < s->warning_count; i++)
        scene_free_owned(s, s->warnings[i]);
    free(s->warnings);
    stoa_scene_free_lods(s);
    if (s->baked && s->baked->arrays) { // a cache hit's: one block
        free(s->baked->arrays);
        s->baked->arrays = NULL;
    } else {
        free(s->nodes);
        free(s->meshes);
        free(s->materials);
        free(s->textures);
        free(s->skins);
        free(s->cameras);
        free(s->lights);
        free(s->animations);
    }
    free(s->path);
    scene_baked_destroy(s);
    scene_gate_destroy(&s->gate); // every thread that passes it is joined
    free(s);
    *pscene = NULL;
}

int32_t stoa_scene_find_node(const stoa_scene *scene, const char *name)
{
    for (uint32_t i = 0; scene && name && i < scene->node_count; i++)
        if (strcmp(scene->nodes[i].name, name) == 0)
            return (int32_t)i;
    return -1;
}

int32_t stoa_scene_find_animation(const stoa_scene *scene, const char *name)
{
    for (uint32_t i = 0; scene && name && i < scene->animation_count; i++)
        if (strcmp(scene->animations[i].name, name) == 0)
            return (int32_t)i;
    return -1;
}
