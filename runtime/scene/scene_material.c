// SPDX-License-Identifier: Apache-2.0
// Materials and textures, read from the glTF JSON; images are decoded in
// scene_images.c. A missing or corrupt image becomes a visible checker and a
// warning, never a failure (raylib's habit).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "core/stoa_path.h"
#include "scene_internal.h"

#define CHECKER 8

static void make_placeholder(stoa_texture *t)
{
    t->width = t->height = CHECKER;
    t->rgba = malloc(CHECKER * CHECKER * 4);
    t->placeholder = true;
    for (int y = 0; t->rgba && y < CHECKER; y++)
        for (int x = 0; x < CHECKER; x++) {
            uint8_t *p = t->rgba + (y * CHECKER + x) * 4;
            bool on = ((x / 2) + (y / 2)) % 2 == 0;
            p[0] = on ? 255 : 0;
            p[1] = 0;
            p[2] = on ? 255 : 0;
            p[3] = 255;
        }
}

static int gl_enum(const cJSON *js, const char *key, const int *valid, int n)
{
    int v = (int)scene_json_int(js, key, 0);
    for (int i = 0; i < n; i++)
        if (v == valid[i])
            return v;
    return 0; // unknown values mean "default", so the renderer never sees junk
}

static void read_sampler(scene_doc *doc, const cJSON *jt, stoa_sampler *s)
{
    static const int mag[] = {9728, 9729};
    static const int min[] = {9728, 9729, 9984, 9985, 9986, 9987};
    static const int wrap[] = {33071, 33648, 10497};
    if (!cJSON_GetObjectItemCaseSensitive(jt, "sampler"))
        return;
    cJSON *js = scene_json_at(doc->root, "samplers", (uint32_t)scene_json_int(jt, "sampler", 0));
    s->mag_filter = gl_enum(js, "magFilter", mag, 2);
    s->min_filter = gl_enum(js, "minFilter", min, 6);
    s->wrap_s = gl_enum(js, "wrapS", wrap, 3);
    s->wrap_t = gl_enum(js, "wrapT", wrap, 3);
}

// The first texture using an image takes its pixels; later ones copy them.
// Texture i's pixels: a copy of an earlier texture with the same source, the
// decoded image, or the magenta checker and a warning. images may only be
// read for src once its decode has finished.
stoa_result scene_texture_resolve(scene_doc *doc, stoa_scene *scene, uint32_t i,
                                  scene_image *images, stoa_error *err)
{
    stoa_texture *t = &scene->textures[i];
    int64_t src = scene_texture_source(scene_json_at(doc->root, "textures", i));
    scene_image *img = src >= 0 && images ? &images[src] : NULL;
    t->pending = false;
    // An earlier texture with the same source already holds the pixels.
    for (uint32_t k = 0; img && !img->rgba && k < i; k++)
        if (scene_texture_source(scene_json_at(doc->root, "textures", k)) == src &&
            !scene->textures[k].placeholder && scene->textures[k].rgba) {
            const stoa_texture *o = &scene->textures[k];
            t->width = o->width;
            t->height = o->height;
            t->rgba = malloc((size_t)o->width * o->height * 4);
            if (t->rgba)
                memcpy(t->rgba, o->rgba, (size_t)o->width * o->height * 4);
            break;
        }
    if (!t->rgba && img && img->rgba) {
        t->rgba = img->rgba;
        t->width = img->width;
        t->height = img->height;
        img->rgba = NULL; // now owned by the texture
    }
    if (!t->rgba) {
        scene_warn(scene, "textures[%u] ('%s'): %s; showing a magenta checker instead", i,
                   t->name ? t->name : "",
                   img && img->why[0] ? img->why : "no image source Stoa can read");
        make_placeholder(t);
    }
    if (!t->name || !t->rgba)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    return STOA_OK;
}

// images NULL: the decodes are still running (stoa_scene_load_desc
// .defer_textures); textures with an image source are left pending.
static stoa_result build_textures(scene_doc *doc, stoa_scene *scene, scene_image *images,
                                  stoa_error *err)
{
    uint32_t nt = scene_json_count(doc->root, "textures");
    scene->textures = calloc(nt ? nt : 1, sizeof *scene->textures);
    if (!scene->textures)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    for (uint32_t i = 0; i < nt; i++) {
        cJSON *jt = scene_json_at(doc->root, "textures", i);
        stoa_texture *t = &scene->textures[scene->texture_count++];
        int64_t src = scene_texture_source(jt);
        const char *uri =
            src >= 0 ? scene_json_str(scene_json_at(doc->root, "images", (uint32_t)src), "uri")
                     : NULL;
        char name[64];
        snprintf(name, sizeof name, "embedded #%lld", (long long)src);
        t->name = scene_strdup(uri && strncmp(uri, "data:", 5) != 0 ? uri : name);
        read_sampler(doc, jt, &t->sampler);
        if (!t->name)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
        t->pending = !images && src >= 0;
        stoa_result r = t->pending ? STOA_OK : scene_texture_resolve(doc, scene, i, images, err);
        if (r < 0)
            return r;
    }
    return STOA_OK;
}

static stoa_texture_ref texref(stoa_scene *scene, const cJSON *parent, const char *key,
                               const char *scale_key, const char *mat_name)
{
    stoa_texture_ref r = {.texture = -1, .texcoord = 0, .scale = 1};
    cJSON *j = cJSON_GetObjectItemCaseSensitive(parent, key);
    if (!j)
        return r;
    r.texture = (int32_t)scene_json_int(j, "index", -1);
    r.texcoord = (uint32_t)scene_json_int(j, "texCoord", 0);
    if (r.texcoord > 1) {
        scene_warn(scene, "material '%s': %s uses UV set %u; Stoa keeps sets 0 and 1, 0 used",
                   mat_name, key, r.texcoord);
        r.texcoord = 0;
    }
    if (scale_key)
        r.scale = (float)scene_json_num(j, scale_key, 1);
    cJSON *ext = cJSON_GetObjectItemCaseSensitive(j, "extensions");
    cJSON *tt = cJSON_GetObjectItemCaseSensitive(ext, "KHR_texture_transform");
    if (tt)
        scene_texture_transform(scene, tt, &r, mat_name, key);
    return r;
}

static void read_material(stoa_scene *scene, const cJSON *jm, stoa_material *m)
{
    cJSON *pbr = cJSON_GetObjectItemCaseSensitive(jm, "pbrMetallicRoughness");
    cJSON *ext = cJSON_GetObjectItemCaseSensitive(jm, "extensions");
    const char *name = m->name;
    for (int k = 0; k < 4; k++)
        m->base_color[k] = 1;
    scene_json_floats(pbr, "baseColorFactor", m->base_color, 4);
    m->metallic = (float)scene_json_num(pbr, "metallicFactor", 1);
    m->roughness = (float)scene_json_num(pbr, "roughnessFactor", 1);
    scene_json_floats(jm, "emissiveFactor", m->emissive, 3);
    // Assimp 5.2.5 drops this extension; reading the JSON keeps it.
    cJSON *es = cJSON_GetObjectItemCaseSensitive(ext, "KHR_materials_emissive_strength");
    float strength = (float)scene_json_num(es, "emissiveStrength", 1);
    for (int k = 0; k < 3; k++)
        m->emissive[k] *= strength;
    m->base_color_tex = texref(scene, pbr, "baseColorTexture", NULL, name);
    m->metallic_roughness_tex = texref(scene, pbr, "metallicRoughnessTexture", NULL, name);
    m->normal_tex = texref(scene, jm, "normalTexture", "scale", name);
    m->occlusion_tex = texref(scene, jm, "occlusionTexture", "strength", name);
    m->emissive_tex = texref(scene, jm, "emissiveTexture", NULL, name);
    const char *mode = scene_json_str(jm, "alphaMode");
    m->alpha_mode = mode && !strcmp(mode, "MASK")    ? STOA_ALPHA_MASK
                    : mode && !strcmp(mode, "BLEND") ? STOA_ALPHA_BLEND
                                                     : STOA_ALPHA_OPAQUE;
    if (mode && m->alpha_mode == STOA_ALPHA_OPAQUE && strcmp(mode, "OPAQUE") != 0)
        scene_warn(scene, "material '%s': unknown alphaMode '%.32s', OPAQUE used", name, mode);
    m->alpha_cutoff = (float)scene_json_num(jm, "alphaCutoff", 0.5);
    m->double_sided = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(jm, "doubleSided"));
    m->unlit = cJSON_GetObjectItemCaseSensitive(ext, "KHR_materials_unlit") != NULL;
    scene_material_extensions(scene, jm, m);
}

stoa_result scene_build_materials(scene_doc *doc, stoa_scene *scene, scene_image *images,
                                  stoa_error *err)
{
    stoa_result r = build_textures(doc, scene, images, err);
    if (r < 0)
        return r;
    uint32_t nm = scene_json_count(doc->root, "materials");
    scene->materials = calloc(nm ? nm : 1, sizeof *scene->materials);
    if (!scene->materials)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    for (uint32_t i = 0; i < nm; i++) {
        cJSON *jm = scene_json_at(doc->root, "materials", i);
        stoa_material *m = &scene->materials[scene->material_count++];
        m->name = scene_strdup(scene_json_str(jm, "name"));
        if (!m->name)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
        read_material(scene, jm, m);
    }
    return STOA_OK;
}
