// SPDX-License-Identifier: Apache-2.0
// Private to scene_validate*.c: the counts every check needs.
#pragma once

#include "scene_internal.h"

typedef struct vctx {
    scene_doc *doc;
    stoa_error *err;
    uint32_t n_buffers, n_views, n_accessors, n_meshes, n_nodes, n_materials, n_textures;
    uint32_t n_images, n_samplers, n_skins, n_cameras, n_scenes, n_lights;
} vctx;

#define FAIL(code, ...) return stoa_error_set(c->err, code, __VA_ARGS__)

// An index field: absent is fine unless required; present must be an
// integer below n. `what` names the array in the message.
stoa_result scene_vcheck_index(vctx *c, const cJSON *obj, const char *key, uint32_t n,
                               const char *where, const char *what, bool required);
int64_t scene_vacc_count(vctx *c, int64_t acc);
stoa_result scene_vcheck_skins(vctx *c);
stoa_result scene_vcheck_animation(vctx *c, uint32_t a);
stoa_result scene_vcheck_images_textures(vctx *c);
stoa_result scene_vcheck_materials(vctx *c);
// The accessor type of attribute `name` as the core spec (and
// KHR_mesh_quantization, when used) allows it (scene_validate_attr.c).
stoa_result scene_vcheck_attr_type(vctx *c, const char *where, const char *name, int64_t acc,
                                   bool morph);
