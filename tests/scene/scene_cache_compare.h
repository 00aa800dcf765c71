// SPDX-License-Identifier: Apache-2.0
// Deep comparison of two scenes (a fresh import and one read from the baked
// scene cache): every count, field, name and array byte. Reports the first
// difference through CHECK_MSG.
#pragma once

#include <string.h>

#include "scene/stoa_scene.h"
#include "scene/stoa_scene_cache.h"
#include "stoa_test.h"

#define SC_SAME(a, b, n) ((a) == NULL ? (b) == NULL : (b) != NULL && memcmp((a), (b), (n)) == 0)

// Name, counts, material, skin and bounds (what every mesh comparison checks first).
static inline bool sc_mesh_header_same(const stoa_mesh *a, const stoa_mesh *b)
{
    return !strcmp(a->name, b->name) && a->vertex_count == b->vertex_count &&
           a->index_count == b->index_count && a->material == b->material &&
           a->skin == b->skin && a->morph_target_count == b->morph_target_count &&
           !memcmp(a->bounds_min, b->bounds_min, 12) && !memcmp(a->bounds_max, b->bounds_max, 12);
}

static inline bool sc_mesh_same(const stoa_mesh *a, const stoa_mesh *b)
{
    size_t v = a->vertex_count;
    if (!sc_mesh_header_same(a, b))
        return false;
    bool same = SC_SAME(a->positions, b->positions, v * 12) &&
                SC_SAME(a->normals, b->normals, v * 12) && SC_SAME(a->tangents, b->tangents, v * 16) &&
                SC_SAME(a->uv0, b->uv0, v * 8) && SC_SAME(a->uv1, b->uv1, v * 8) &&
                SC_SAME(a->colors, b->colors, v * 16) && SC_SAME(a->joints, b->joints, v * 8) &&
                SC_SAME(a->weights, b->weights, v * 16) &&
                (a->index_count == 0 || SC_SAME(a->indices, b->indices, a->index_count * 4ul)) &&
                SC_SAME(a->default_weights, b->default_weights, a->morph_target_count * 4ul);
    for (uint32_t t = 0; same && t < a->morph_target_count; t++)
        same = SC_SAME(a->morph_targets[t].positions, b->morph_targets[t].positions, v * 12) &&
               SC_SAME(a->morph_targets[t].normals, b->morph_targets[t].normals, v * 12) &&
               SC_SAME(a->morph_targets[t].tangents, b->morph_targets[t].tangents, v * 12);
    return same;
}

static inline bool sc_texref_same(const stoa_texture_ref *a, const stoa_texture_ref *b)
{
    return a->texture == b->texture && a->texcoord == b->texcoord && a->scale == b->scale &&
           a->transformed == b->transformed && !memcmp(a->uv_matrix, b->uv_matrix, 24);
}

static inline bool sc_material_same(const stoa_material *a, const stoa_material *b)
{
    return !strcmp(a->name, b->name) && !memcmp(a->base_color, b->base_color, 16) &&
           a->metallic == b->metallic && a->roughness == b->roughness &&
           !memcmp(a->emissive, b->emissive, 12) && sc_texref_same(&a->base_color_tex, &b->base_color_tex) &&
           sc_texref_same(&a->metallic_roughness_tex, &b->metallic_roughness_tex) &&
           sc_texref_same(&a->normal_tex, &b->normal_tex) &&
           sc_texref_same(&a->occlusion_tex, &b->occlusion_tex) &&
           sc_texref_same(&a->emissive_tex, &b->emissive_tex) && a->alpha_mode == b->alpha_mode &&
           a->alpha_cutoff == b->alpha_cutoff && a->double_sided == b->double_sided &&
           a->unlit == b->unlit;
}

static inline bool sc_node_same(const stoa_node *a, const stoa_node *b)
{
    return !strcmp(a->name, b->name) && a->parent == b->parent &&
           !memcmp(a->translation, b->translation, 12) && !memcmp(a->rotation, b->rotation, 16) &&
           !memcmp(a->scale, b->scale, 12) && a->mesh_count == b->mesh_count &&
           (a->mesh_count == 0 || !memcmp(a->meshes, b->meshes, a->mesh_count * 4ul)) &&
           a->camera == b->camera && a->light == b->light;
}

static inline bool sc_anim_same(const stoa_animation *a, const stoa_animation *b)
{
    if (strcmp(a->name, b->name) || a->duration != b->duration || a->channel_count != b->channel_count)
        return false;
    for (uint32_t c = 0; c < a->channel_count; c++) {
        const stoa_anim_channel *x = &a->channels[c], *y = &b->channels[c];
        size_t nv = (size_t)x->key_count * x->components * (x->interp == STOA_INTERP_CUBIC ? 3 : 1);
        if (x->node != y->node || x->path != y->path || x->interp != y->interp ||
            x->key_count != y->key_count || x->components != y->components ||
            memcmp(x->times, y->times, x->key_count * 4ul) || memcmp(x->values, y->values, nv * 4))
            return false;
    }
    return true;
}

// How sc_scene_same_by compares two meshes (ctx: the caller's).
typedef bool (*sc_mesh_cmp)(const stoa_mesh *a, const stoa_mesh *b, void *ctx);

// Whether b equals a, meshes compared by mesh_same, texture pixels only
// where `textures` (b's then loaded, not pending); names the first difference.
static inline bool sc_scene_same_by(const stoa_scene *a, const stoa_scene *b, const char *what,
                                    sc_mesh_cmp mesh_same, void *ctx, bool textures)
{
    bool ok = a->node_count == b->node_count && a->mesh_count == b->mesh_count &&
              a->material_count == b->material_count && a->texture_count == b->texture_count &&
              a->skin_count == b->skin_count && a->camera_count == b->camera_count &&
              a->light_count == b->light_count && a->animation_count == b->animation_count &&
              a->warning_count == b->warning_count && a->triangle_count == b->triangle_count &&
              !memcmp(a->bounds_min, b->bounds_min, 12) && !memcmp(a->bounds_max, b->bounds_max, 12);
    CHECK_MSG(ok, "%s: counts or bounds differ", what);
    for (uint32_t i = 0; ok && i < a->node_count; i++)
        CHECK_MSG(ok = sc_node_same(&a->nodes[i], &b->nodes[i]), "%s: node %u differs", what, i);
    for (uint32_t i = 0; ok && i < a->mesh_count; i++)
        CHECK_MSG(ok = mesh_same(&a->meshes[i], &b->meshes[i], ctx), "%s: mesh %u (%s) differs",
                  what, i, a->meshes[i].name);
    for (uint32_t i = 0; ok && i < a->material_count; i++)
        CHECK_MSG(ok = sc_material_same(&a->materials[i], &b->materials[i]),
                  "%s: material %u differs", what, i);
    for (uint32_t i = 0; ok && textures && i < a->texture_count; i++) {
        const stoa_texture *x = &a->textures[i], *y = &b->textures[i];
        // Texels are read after their check (a cache's may be mapped then).
        CHECK_MSG(ok = stoa_scene_texture_check(a, i) && stoa_scene_texture_check(b, i),
                  "%s: texture %u fails its check", what, i);
        ok = ok && !strcmp(x->name, y->name) && x->width == y->width && x->height == y->height &&
             SC_SAME(x->rgba, y->rgba, (size_t)x->width * x->height * 4) &&
             !memcmp(&x->sampler, &y->sampler, sizeof x->sampler) &&
             x->placeholder == y->placeholder && !y->pending;
        CHECK_MSG(ok, "%s: texture %u differs", what, i);
    }
    for (uint32_t i = 0; ok && i < a->skin_count; i++) {
        const stoa_skin *x = &a->skins[i], *y = &b->skins[i];
        ok = !strcmp(x->name, y->name) && x->joint_count == y->joint_count &&
             !memcmp(x->joints, y->joints, x->joint_count * 4ul) &&
             !memcmp(x->inverse_bind, y->inverse_bind, x->joint_count * 64ul);
        CHECK_MSG(ok, "%s: skin %u differs", what, i);
    }
    for (uint32_t i = 0; ok && i < a->camera_count; i++)
        CHECK_MSG(ok = !strcmp(a->cameras[i].name, b->cameras[i].name) &&
                       !memcmp(&a->cameras[i].node, &b->cameras[i].node,
                               sizeof(stoa_camera) - offsetof(stoa_camera, node)),
                  "%s: camera %u differs", what, i);
    for (uint32_t i = 0; ok && i < a->light_count; i++)
        CHECK_MSG(ok = !strcmp(a->lights[i].name, b->lights[i].name) &&
                       !memcmp(&a->lights[i].node, &b->lights[i].node,
                               offsetof(stoa_light, outer_cone) + sizeof(float) - offsetof(stoa_light, node)),
                  "%s: light %u differs", what, i);
    for (uint32_t i = 0; ok && i < a->animation_count; i++)
        CHECK_MSG(ok = sc_anim_same(&a->animations[i], &b->animations[i]),
                  "%s: animation %u differs", what, i);
    for (uint32_t i = 0; ok && i < a->warning_count; i++)
        CHECK_MSG(ok = !strcmp(a->warnings[i], b->warnings[i]), "%s: warning %u differs", what, i);
    // Levels of detail (the cache's LODS section).
    CHECK_MSG(ok = ok && a->lod_count == b->lod_count && !a->mesh_lod_first == !b->mesh_lod_first &&
                   (!a->mesh_lod_first ||
                    !memcmp(a->mesh_lod_first, b->mesh_lod_first, (a->mesh_count + 1) * 4ul)),
              "%s: levels of detail differ (%u and %u)", what, a->lod_count, b->lod_count);
    for (uint32_t i = 0; ok && i < a->lod_count; i++) {
        const stoa_mesh_lod *x = &a->lods[i], *y = &b->lods[i];
        CHECK_MSG(ok = x->mesh == y->mesh && x->index_count == y->index_count &&
                       x->error == y->error && !memcmp(x->indices, y->indices, x->index_count * 4ul),
                  "%s: level of detail %u differs", what, i);
    }
    return ok;
}

static inline bool sc_mesh_same_cmp(const stoa_mesh *a, const stoa_mesh *b, void *ctx)
{
    (void)ctx;
    return sc_mesh_same(a, b);
}

// Whether b (from the cache) equals a (imported); names the first difference.
static inline bool sc_scene_same(const stoa_scene *a, const stoa_scene *b, const char *what)
{
    return sc_scene_same_by(a, b, what, sc_mesh_same_cmp, NULL, true);
}
