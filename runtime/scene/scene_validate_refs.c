// SPDX-License-Identifier: Apache-2.0
// Validation of the parts that refer to others: skins, animations, images,
// textures and materials (the rest is in scene_validate.c).
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/stoa_path.h"
#include "scene_validate.h"

stoa_result scene_vcheck_skins(vctx *c)
{
    char where[64];
    for (uint32_t s = 0; s < c->n_skins; s++) {
        cJSON *skin = scene_json_at(c->doc->root, "skins", s), *j;
        snprintf(where, sizeof where, "skins[%u]", s);
        uint32_t nj = scene_json_count(skin, "joints"), k = 0;
        if (nj == 0)
            FAIL(STOA_ERROR_PARSE, "%s: %s has no joints", c->doc->path, where);
        cJSON_ArrayForEach(j, scene_json_arr(skin, "joints"))
        {
            if (!cJSON_IsNumber(j) || j->valuedouble < 0 || j->valuedouble >= c->n_nodes)
                FAIL(STOA_ERROR_PARSE,
                     "%s: %s.joints[%u] is not a node index (the file has %u nodes)", c->doc->path,
                     where, k, c->n_nodes);
            k++;
        }
        stoa_result r = scene_vcheck_index(c, skin, "inverseBindMatrices", c->n_accessors, where,
                                           "accessors", false);
        if (r < 0)
            return r;
        if (cJSON_GetObjectItemCaseSensitive(skin, "inverseBindMatrices")) {
            cJSON *a = scene_json_at(c->doc->root, "accessors",
                                     (uint32_t)scene_json_int(skin, "inverseBindMatrices", 0));
            const char *t = scene_json_str(a, "type");
            if (!t || strcmp(t, "MAT4") != 0 || scene_json_int(a, "count", 0) < nj ||
                scene_json_int(a, "componentType", 0) != 5126)
                FAIL(STOA_ERROR_PARSE,
                     "%s: %s.inverseBindMatrices must be float MAT4 with one matrix per joint (%u)",
                     c->doc->path, where, nj);
        }
    }
    return STOA_OK;
}

stoa_result scene_vcheck_animation(vctx *c, uint32_t a)
{
    char where[96];
    cJSON *anim = scene_json_at(c->doc->root, "animations", a);
    uint32_t ns = scene_json_count(anim, "samplers"), nch = scene_json_count(anim, "channels");
    stoa_result r;
    for (uint32_t s = 0; s < ns; s++) {
        cJSON *smp = scene_json_at(anim, "samplers", s);
        snprintf(where, sizeof where, "animations[%u].samplers[%u]", a, s);
        if ((r = scene_vcheck_index(c, smp, "input", c->n_accessors, where, "accessors", true)) <
                0 ||
            (r = scene_vcheck_index(c, smp, "output", c->n_accessors, where, "accessors", true)) <
                0)
            return r;
        const char *interp = scene_json_str(smp, "interpolation");
        if (interp && strcmp(interp, "LINEAR") && strcmp(interp, "STEP") &&
            strcmp(interp, "CUBICSPLINE"))
            FAIL(STOA_ERROR_PARSE,
                 "%s: %s.interpolation '%.32s' is not LINEAR, STEP or CUBICSPLINE", c->doc->path,
                 where, interp);
        cJSON *in =
            scene_json_at(c->doc->root, "accessors", (uint32_t)scene_json_int(smp, "input", 0));
        const char *t = scene_json_str(in, "type");
        if (!t || strcmp(t, "SCALAR") != 0 || scene_json_int(in, "componentType", 0) != 5126)
            FAIL(STOA_ERROR_PARSE, "%s: %s.input must be a float SCALAR accessor", c->doc->path,
                 where);
        int64_t keys = scene_json_int(in, "count", 0);
        int64_t outs = scene_vacc_count(c, scene_json_int(smp, "output", 0));
        int64_t need = keys * (interp && strcmp(interp, "CUBICSPLINE") == 0 ? 3 : 1);
        if (outs < need)
            FAIL(STOA_ERROR_PARSE, "%s: %s: output has %lld elements, %lld key times need %lld",
                 c->doc->path, where, (long long)outs, (long long)keys, (long long)need);
    }
    for (uint32_t i = 0; i < nch; i++) {
        cJSON *ch = scene_json_at(anim, "channels", i);
        cJSON *tg = cJSON_GetObjectItemCaseSensitive(ch, "target");
        snprintf(where, sizeof where, "animations[%u].channels[%u]", a, i);
        if ((r = scene_vcheck_index(c, ch, "sampler", ns, where, "samplers in this animation",
                                    true)) < 0)
            return r;
        if (!cJSON_IsObject(tg))
            FAIL(STOA_ERROR_PARSE, "%s: %s has no target", c->doc->path, where);
        if ((r = scene_vcheck_index(c, tg, "node", c->n_nodes, where, "nodes", false)) < 0)
            return r;
        const char *path = scene_json_str(tg, "path");
        if (!path)
            FAIL(STOA_ERROR_PARSE, "%s: %s.target.path is missing", c->doc->path, where);
    }
    return STOA_OK;
}

stoa_result scene_vcheck_images_textures(vctx *c)
{
    char where[64];
    stoa_result r;
    for (uint32_t i = 0; i < c->n_images; i++) {
        cJSON *img = scene_json_at(c->doc->root, "images", i);
        snprintf(where, sizeof where, "images[%u]", i);
        const char *uri = scene_json_str(img, "uri");
        if (uri && strncmp(uri, "data:", 5) != 0) {
            char full[PATH_MAX];
            stoa_error perr = {0};
            if (stoa_path_confine(c->doc->dir, uri, full, sizeof full, &perr) < 0)
                FAIL(STOA_ERROR_UNSAFE_PATH, "%s: %s.uri: %s", c->doc->path, where, perr.message);
        } else if (!uri) {
            if ((r = scene_vcheck_index(c, img, "bufferView", c->n_views, where, "bufferViews",
                                        true)) < 0)
                return r;
        }
    }
    for (uint32_t i = 0; i < c->n_textures; i++) {
        cJSON *t = scene_json_at(c->doc->root, "textures", i);
        snprintf(where, sizeof where, "textures[%u]", i);
        if ((r = scene_vcheck_index(c, t, "source", c->n_images, where, "images", false)) < 0 ||
            (r = scene_vcheck_index(c, t, "sampler", c->n_samplers, where, "samplers", false)) < 0)
            return r;
        // Image extensions name their own source (EXT_texture_webp is read).
        static const char *const image_exts[] = {"EXT_texture_webp", "KHR_texture_basisu"};
        const cJSON *exts = cJSON_GetObjectItemCaseSensitive(t, "extensions");
        for (size_t k = 0; k < sizeof image_exts / sizeof image_exts[0]; k++) {
            const cJSON *e = cJSON_GetObjectItemCaseSensitive(exts, image_exts[k]);
            char ew[128];
            snprintf(ew, sizeof ew, "%s.extensions.%s", where, image_exts[k]);
            if (e && (r = scene_vcheck_index(c, e, "source", c->n_images, ew, "images", true)) < 0)
                return r;
        }
    }
    return STOA_OK;
}

static stoa_result check_texref(vctx *c, const cJSON *parent, const char *key, const char *where)
{
    cJSON *ref = cJSON_GetObjectItemCaseSensitive(parent, key);
    if (!ref)
        return STOA_OK;
    char w[128];
    snprintf(w, sizeof w, "%s.%s", where, key);
    stoa_result r = scene_vcheck_index(c, ref, "index", c->n_textures, w, "textures", true);
    if (r < 0)
        return r;
    int64_t tc = scene_json_int(ref, "texCoord", 0);
    if (tc < 0)
        FAIL(STOA_ERROR_PARSE, "%s: %s.texCoord %lld is negative", c->doc->path, w, (long long)tc);
    return STOA_OK;
}

stoa_result scene_vcheck_materials(vctx *c)
{
    char where[64];
    static const char *top[] = {"normalTexture", "occlusionTexture", "emissiveTexture"};
    static const char *pbr_tex[] = {"baseColorTexture", "metallicRoughnessTexture"};
    for (uint32_t i = 0; i < c->n_materials; i++) {
        cJSON *m = scene_json_at(c->doc->root, "materials", i);
        cJSON *pbr = cJSON_GetObjectItemCaseSensitive(m, "pbrMetallicRoughness");
        snprintf(where, sizeof where, "materials[%u]", i);
        stoa_result r;
        for (size_t k = 0; k < 3; k++)
            if ((r = check_texref(c, m, top[k], where)) < 0)
                return r;
        snprintf(where, sizeof where, "materials[%u].pbrMetallicRoughness", i);
        for (size_t k = 0; k < 2; k++)
            if ((r = check_texref(c, pbr, pbr_tex[k], where)) < 0)
                return r;
    }
    return STOA_OK;
}
