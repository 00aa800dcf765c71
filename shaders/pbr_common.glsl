// SPDX-License-Identifier: Apache-2.0
// Declarations shared by the PBR shaders and mirrored in
// runtime/gfx/gfx_internal.h (gfx_frame_ubo, gfx_push, GFX_MAT_*).
#define MAX_VIEWS 4
#define MAX_LIGHTS 8

layout(set = 0, binding = 0, std140) uniform Frame {
    mat4 view_proj[MAX_VIEWS];
    vec4 camera_pos[MAX_VIEWS];
    vec4 light_pos[MAX_LIGHTS];   // xyz, w = type (0 directional, 1 point, 2 spot)
    vec4 light_dir[MAX_LIGHTS];   // direction the light travels, w = range
    vec4 light_color[MAX_LIGHTS]; // rgb * intensity
    vec4 light_cone[MAX_LIGHTS];  // x scale, y offset (spot)
    vec4 ambient;                 // rgb, w = light count
    vec4 params;                  // x exposure, y encode sRGB in the shader
    vec4 sh[9];                   // sky irradiance / pi, SH9 (rgb)
    mat4 shadow_vp;               // world -> the sun's shadow clip space
    vec4 sky;                     // x 1 = sky on, y shadows 0/1/2, z texel, w cube mips - 1
    vec4 sun;                     // xyz towards the sun, w cos of the disk's radius
    vec4 sun_disk;                // rgb disk radiance, w shadow uv scale
} frame;

// Joint matrices and morph weights of this frame, as vec4s.
layout(set = 0, binding = 1, std430) readonly buffer Ring { vec4 ring[]; };

// Morph target deltas of the scene: per target, positions then normals.
layout(set = 1, binding = 0, std430) readonly buffer Morphs { vec4 morphs[]; };

layout(push_constant) uniform Draw {
    mat4 model;      // skinned draws: column 0 dequantises positions (gfx_quant.c)
    int joint_base;  // -1 = not skinned
    int weight_base;
    int morph_count;
    int vertex_base;
    int morph_base;
    int vertex_count;
    int flags;       // 1 = has tangents, 2 = morph normals, 4 = instanced: the
                     // model matrices are in the ring from weight_base, one per instance
    int view_base;
    vec4 tint;       // glow added to highlighted nodes: rgb * a
    vec4 fade;       // x: the material's textures shown, 0 = their stand-ins .. 1
} draw;

#define MAT_BASE_TEX 1
#define MAT_MR_TEX 2
#define MAT_NORMAL_TEX 4
#define MAT_OCCLUSION_TEX 8
#define MAT_EMISSIVE_TEX 16
#define MAT_UNLIT 32
#define MAT_MASK 64
#define MAT_BLEND 128
#define MAT_DOUBLE_SIDED 256
