// SPDX-License-Identifier: Apache-2.0
// KHR_texture_transform (glTF extension registry): offset, rotation and
// scale of a textureInfo's UVs, and its texCoord override, as one 2x3 matrix
// that the renderer applies per texture slot: translation * rotation * scale,
//   u' = cos*sx*u + sin*sy*v + ox,  v' = -sin*sx*u + cos*sy*v + oy,
// i.e. the UVs turn counter-clockwise as the image is seen (v grows down).
// Khronos' TextureTransformTest sample settles the direction: its arrow
// must point at the green marker, not the red "opposite direction" one.
#include <math.h>

#include "scene_internal.h"

void scene_texture_transform(stoa_scene *scene, const cJSON *tt, stoa_texture_ref *r,
                             const char *mat_name, const char *slot)
{
    float offset[2] = {0, 0}, scale[2] = {1, 1};
    scene_json_floats(tt, "offset", offset, 2);
    scene_json_floats(tt, "scale", scale, 2);
    double rot = scene_json_num(tt, "rotation", 0);
    if (!isfinite(offset[0]) || !isfinite(offset[1]) || !isfinite(scale[0]) ||
        !isfinite(scale[1]) || !isfinite(rot)) {
        scene_warn(scene, "material '%s': %s.KHR_texture_transform is not finite; ignored",
                   mat_name, slot);
        return;
    }
    float c = (float)cos(rot), s = (float)sin(rot);
    r->transformed = true;
    r->uv_matrix[0] = c * scale[0];
    r->uv_matrix[1] = s * scale[1];
    r->uv_matrix[2] = offset[0];
    r->uv_matrix[3] = -s * scale[0];
    r->uv_matrix[4] = c * scale[1];
    r->uv_matrix[5] = offset[1];
    int64_t tc = scene_json_int(tt, "texCoord", -1);
    if (tc == 0 || tc == 1)
        r->texcoord = (uint32_t)tc;
    else if (tc > 1)
        scene_warn(scene, "material '%s': %s.KHR_texture_transform.texCoord %lld: Stoa keeps "
                          "UV sets 0 and 1",
                   mat_name, slot, (long long)tc);
}
