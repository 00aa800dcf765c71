// SPDX-License-Identifier: Apache-2.0
// The sky: one triangle covering the view at the far plane; each corner
// carries the world direction through it (the near plane's point less the
// eye), which interpolates linearly across the screen.
#include "pbr_common.glsl"

layout(location = 0) out vec3 out_dir;

void main()
{
#ifdef STOA_MULTIVIEW
    int view = int(gl_ViewIndex) + draw.view_base;
#else
    int view = draw.view_base;
#endif
    vec2 p = vec2((gl_VertexIndex << 1) & 2, gl_VertexIndex & 2) * 2.0 - 1.0;
    gl_Position = vec4(p, 1.0, 1.0);
    vec4 near = inverse(frame.view_proj[view]) * vec4(p, 0.0, 1.0);
    out_dir = near.xyz / near.w - frame.camera_pos[view].xyz;
}
