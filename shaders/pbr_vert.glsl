// SPDX-License-Identifier: Apache-2.0
// PBR vertex shader body: morph targets, skinning, per-view transform.
// Included by pbr.vert (one view per pass) and pbr_mv.vert (multiview).
#include "pbr_common.glsl"

layout(location = 0) in vec3 in_position;
layout(location = 1) in vec3 in_normal;
layout(location = 2) in vec4 in_tangent;
layout(location = 3) in vec2 in_uv0;
layout(location = 4) in vec2 in_uv1;
layout(location = 5) in vec4 in_color;
layout(location = 6) in uvec4 in_joints;
layout(location = 7) in vec4 in_weights;

layout(location = 0) out vec3 out_world;
layout(location = 1) out vec3 out_normal;
layout(location = 2) out vec4 out_tangent;
layout(location = 3) out vec2 out_uv0;
layout(location = 4) out vec2 out_uv1;
layout(location = 5) out vec4 out_color;
layout(location = 6) flat out vec3 out_camera;

mat4 joint(uint j)
{
    int b = draw.joint_base + int(j) * 4;
    return mat4(ring[b], ring[b + 1], ring[b + 2], ring[b + 3]);
}

void main()
{
#ifdef STOA_MULTIVIEW
    int view = int(gl_ViewIndex) + draw.view_base;
#else
    int view = draw.view_base;
#endif
    vec3 pos = in_position;
    vec3 nrm = in_normal;
    int local = gl_VertexIndex - draw.vertex_base;
    for (int t = 0; t < draw.morph_count; t++) {
        float w = ring[draw.weight_base + t / 4][t % 4];
        if (w == 0.0)
            continue;
        int base = draw.morph_base + t * 2 * draw.vertex_count;
        pos += w * morphs[base + local].xyz;
        if ((draw.flags & 2) != 0)
            nrm += w * morphs[base + draw.vertex_count + local].xyz;
    }
    // Skinned vertices go straight to world space (joint = world * inverse bind).
    // Quantised positions (16-bit UNORM, runtime/gfx/gfx_quant.c) come back
    // to mesh units through the model matrix; a skinned draw, which has no
    // model matrix, carries the dequantisation in its column 0 instead
    // (identity: 0, 0, 0, 1). Morph deltas were divided by the scale at upload.
    if (draw.joint_base >= 0)
        pos = draw.model[0].xyz + draw.model[0].w * pos;
    mat4 m = draw.model;
    if ((draw.flags & 4) != 0) {
        int b = draw.weight_base + gl_InstanceIndex * 4;
        m = mat4(ring[b], ring[b + 1], ring[b + 2], ring[b + 3]);
    }
    if (draw.joint_base >= 0)
        m = in_weights.x * joint(in_joints.x) + in_weights.y * joint(in_joints.y) +
            in_weights.z * joint(in_joints.z) + in_weights.w * joint(in_joints.w);
    mat3 nm = transpose(inverse(mat3(m)));
    vec4 world = m * vec4(pos, 1.0);
    out_world = world.xyz;
    out_normal = nm * nrm;
    out_tangent = vec4(mat3(m) * in_tangent.xyz, in_tangent.w);
    out_uv0 = in_uv0;
    out_uv1 = in_uv1;
    out_color = in_color;
    out_camera = frame.camera_pos[view].xyz;
#ifdef STOA_SHADOW
    gl_Position = frame.shadow_vp * world;
#else
    gl_Position = frame.view_proj[view] * world;
#endif
}
