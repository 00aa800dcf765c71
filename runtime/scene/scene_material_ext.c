// SPDX-License-Identifier: Apache-2.0
// KHR_materials_* extensions that change a material's look a lot, mapped
// onto Stoa's metallic-roughness shading as approximations. Each one used
// by a material leaves a warning naming what was approximated; the rules
// are documented in docs/scene-import.md ("glTF extensions").
#include <math.h>
#include <string.h>

#include "scene_internal.h"

static const cJSON *ext_of(const cJSON *jm, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(jm, "extensions"),
                                            name);
}

static float clamp01(double v)
{
    return v < 0 ? 0.0f : v > 1 ? 1.0f : (float)v;
}

void scene_material_extensions(stoa_scene *scene, const cJSON *jm, stoa_material *m)
{
    const char *name = m->name;
    const cJSON *e;
    if ((e = ext_of(jm, "KHR_materials_transmission"))) {
        // Light through the surface: alpha blending lets what is behind show.
        float t = clamp01(scene_json_num(e, "transmissionFactor", 0));
        if (t > 0) {
            m->alpha_mode = STOA_ALPHA_BLEND;
            m->base_color[3] *= 1.0f - 0.8f * t;
        }
        scene_warn(scene, "material '%s': KHR_materials_transmission %.2f approximated as alpha "
                          "blending (alpha x %.2f)",
                   name, t, 1.0f - 0.8f * t);
    }
    if ((e = ext_of(jm, "KHR_materials_volume")))
        scene_warn(scene, "material '%s': KHR_materials_volume approximated: thickness and "
                          "attenuation ignored, the surface is drawn as thin",
                   name);
    if ((e = ext_of(jm, "KHR_materials_clearcoat"))) {
        // A glossy coat: the surface reads smoother where the coat covers it.
        float c = clamp01(scene_json_num(e, "clearcoatFactor", 0));
        float cr = clamp01(scene_json_num(e, "clearcoatRoughnessFactor", 0));
        if (cr < m->roughness)
            m->roughness += (cr - m->roughness) * 0.5f * c;
        scene_warn(scene, "material '%s': KHR_materials_clearcoat approximated: roughness "
                          "moved towards the coat's (now %.2f), no second specular layer",
                   name, m->roughness);
    }
    if ((e = ext_of(jm, "KHR_materials_sheen"))) {
        // Cloth-like rim: tint the base colour a little towards the sheen colour.
        float sc[3] = {0, 0, 0};
        scene_json_floats(e, "sheenColorFactor", sc, 3);
        float k = 0.2f * fmaxf(sc[0], fmaxf(sc[1], sc[2]));
        for (int i = 0; i < 3; i++)
            m->base_color[i] += (clamp01(sc[i]) - m->base_color[i]) * k;
        scene_warn(scene, "material '%s': KHR_materials_sheen approximated as a base colour "
                          "tint, no sheen lobe",
                   name);
    }
    if (ext_of(jm, "KHR_materials_specular") || ext_of(jm, "KHR_materials_ior"))
        scene_warn(scene, "material '%s': KHR_materials_specular/ior approximated by the "
                          "metallic-roughness default reflectance (F0 = 0.04)",
                   name);
    static const char *const ignored[] = {"KHR_materials_iridescence", "KHR_materials_anisotropy",
                                          "KHR_materials_dispersion"};
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
        if (ext_of(jm, ignored[i]))
            scene_warn(scene, "material '%s': %s is not drawn (approximated by the base "
                              "material)",
                       name, ignored[i]);
}
