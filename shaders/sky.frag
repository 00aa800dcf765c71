// SPDX-License-Identifier: Apache-2.0
// The sky behind the scene: mip 0 of the environment cube (gfx_ibl.c bakes
// the procedural sky into it) and the sun's disk, exposed and encoded as
// pbr.frag does.
#version 450
#include "pbr_common.glsl"

layout(set = 0, binding = 2) uniform samplerCube env_cube;

layout(location = 0) in vec3 in_dir;
layout(location = 0) out vec4 out_color;

vec3 srgb_encode(vec3 c)
{
    c = clamp(c, 0.0, 1.0);
    return mix(c * 12.92, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(0.0031308, c));
}

void main()
{
    vec3 d = normalize(in_dir);
    vec3 color = textureLod(env_cube, d, 0.0).rgb;
    float cd = dot(d, frame.sun.xyz);
    float edge = 1.0 - frame.sun.w;
    color += frame.sun_disk.rgb * smoothstep(frame.sun.w - 0.3 * edge, frame.sun.w + 0.3 * edge, cd);
    color *= frame.params.x;
    if (frame.params.y > 0.5)
        color = srgb_encode(color);
    out_color = vec4(color, 1.0);
}
