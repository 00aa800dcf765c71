// SPDX-License-Identifier: Apache-2.0
// The sky: two triangles covering the view at the far plane (inside the
// clip volume, so no clipping: lavapipe's multiview clips the second view
// wrongly); each corner carries the world direction through it (the near
// plane's point less the eye), which interpolates linearly across the screen.
#include "pbr_common.glsl"

layout(location = 0) out vec3 out_dir;

void main()
{
#ifdef STOA_MULTIVIEW
    int view = int(gl_ViewIndex) + draw.view_base;
#else
    int view = draw.view_base;
#endif
    const vec2 corners[6] = vec2[](vec2(-1, -1), vec2(1, -1), vec2(-1, 1), vec2(-1, 1),
                                   vec2(1, -1), vec2(1, 1));
    vec2 p = corners[gl_VertexIndex];
    gl_Position = vec4(p, 1.0, 1.0);
    vec4 near = inverse(frame.view_proj[view]) * vec4(p, 0.0, 1.0);
    out_dir = near.xyz / near.w - frame.camera_pos[view].xyz;
}
