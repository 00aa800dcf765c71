// SPDX-License-Identifier: Apache-2.0
// Animations, read from the glTF JSON: Assimp 5.2.5 drops the interpolation
// mode and the cubic-spline tangents, and does not keep morph channels as
// node channels.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene_internal.h"

static bool parse_path(const char *s, stoa_anim_path *out)
{
    static const char *names[] = {"translation", "rotation", "scale", "weights"};
    for (int i = 0; s && i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (stoa_anim_path)i;
            return true;
        }
    return false;
}

static stoa_result read_channel(scene_doc *doc, stoa_scene *scene, const cJSON *janim,
                                const cJSON *jch, stoa_anim_channel *ch, const char *where,
                                stoa_error *err)
{
    cJSON *smp = scene_json_at(janim, "samplers", (uint32_t)scene_json_int(jch, "sampler", 0));
    const char *interp = scene_json_str(smp, "interpolation");
    ch->interp = !interp || !strcmp(interp, "LINEAR") ? STOA_INTERP_LINEAR
                 : !strcmp(interp, "STEP")            ? STOA_INTERP_STEP
                                                      : STOA_INTERP_CUBIC;
    float *times = NULL, *values = NULL;
    uint32_t nt, nv, ct, cv;
    stoa_result r = scene_accessor_floats(doc, (uint32_t)scene_json_int(smp, "input", 0), &times,
                                          &nt, &ct, err);
    if (r == STOA_OK)
        r = scene_accessor_floats(doc, (uint32_t)scene_json_int(smp, "output", 0), &values, &nv,
                                  &cv, err);
    if (r < 0) {
        free(times);
        return r;
    }
    ch->times = times;
    ch->values = values;
    ch->key_count = nt;
    uint32_t per_key = ch->interp == STOA_INTERP_CUBIC ? 3 : 1;
    if (ch->path == STOA_ANIM_WEIGHTS) {
        ch->components = nv / (nt * per_key); // cv is 1: weights are SCALAR
        if (ch->components == 0 || ch->components * nt * per_key != nv)
            return stoa_error_set(err, STOA_ERROR_PARSE,
                                  "%s: %s: %u weights do not split into %u keys", doc->path, where,
                                  nv, nt);
    } else {
        ch->components = ch->path == STOA_ANIM_ROTATION ? 4 : 3;
        if (cv != ch->components)
            return stoa_error_set(
                err, STOA_ERROR_PARSE, "%s: %s: output has %u components, %s needs %u", doc->path,
                where, cv, ch->path == STOA_ANIM_ROTATION ? "rotation" : "translation/scale",
                ch->components);
    }
    for (uint32_t k = 0; k < nt; k++)
        if (!isfinite(times[k]) || (k > 0 && times[k] < times[k - 1]))
            return stoa_error_set(err, STOA_ERROR_PARSE,
                                  "%s: %s: key times must be finite and ascending (key %u)",
                                  doc->path, where, k);
    for (size_t k = 0; k < (size_t)nt * per_key * ch->components; k++)
        if (!isfinite(values[k]))
            return stoa_error_set(err, STOA_ERROR_PARSE, "%s: %s: NaN or infinite key value",
                                  doc->path, where);
    (void)scene;
    return STOA_OK;
}

stoa_result scene_build_animations(scene_doc *doc, stoa_scene *scene, const int32_t *node_map,
                                   stoa_error *err)
{
    uint32_t na = scene_json_count(doc->root, "animations");
    scene->animations = calloc(na ? na : 1, sizeof *scene->animations);
    if (!scene->animations)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    for (uint32_t a = 0; a < na; a++) {
        cJSON *ja = scene_json_at(doc->root, "animations", a);
        stoa_animation *anim = &scene->animations[scene->animation_count++];
        uint32_t nch = scene_json_count(ja, "channels");
        char fallback[32];
        snprintf(fallback, sizeof fallback, "animation %u", a);
        const char *name = scene_json_str(ja, "name");
        anim->name = scene_strdup(name && *name ? name : fallback);
        anim->channels = calloc(nch ? nch : 1, sizeof *anim->channels);
        if (!anim->name || !anim->channels)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
        for (uint32_t c = 0; c < nch; c++) {
            cJSON *jch = scene_json_at(ja, "channels", c);
            cJSON *tg = cJSON_GetObjectItemCaseSensitive(jch, "target");
            char where[64];
            snprintf(where, sizeof where, "animations[%u].channels[%u]", a, c);
            stoa_anim_channel *ch = &anim->channels[anim->channel_count];
            int64_t node = scene_json_int(tg, "node", -1);
            if (!parse_path(scene_json_str(tg, "path"), &ch->path) || node < 0 ||
                node_map[node] < 0) {
                scene_warn(scene, "%s: target is not a node's TRS or weights in the scene; skipped",
                           where);
                continue;
            }
            ch->node = node_map[node];
            anim->channel_count++;
            stoa_result r = read_channel(doc, scene, ja, jch, ch, where, err);
            if (r < 0)
                return r;
            if (ch->key_count && ch->times[ch->key_count - 1] > anim->duration)
                anim->duration = ch->times[ch->key_count - 1];
        }
    }
    return STOA_OK;
}
