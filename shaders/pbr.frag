// SPDX-License-Identifier: Apache-2.0
// glTF PBR metallic-roughness: GGX specular, Lambert diffuse, punctual lights
// plus a hemisphere ambient term, or with a sky (frame.sky.x) its SH9
// irradiance, a prefiltered specular cube and the sun's shadow on light 0;
// normal, occlusion and emissive maps; alpha mask and blend; unlit. Output is linear into an sRGB target, or encoded
// here when the target is UNORM (frame.params.y).
#version 450
#include "pbr_common.glsl"

layout(set = 2, binding = 0, std140) uniform Material {
    vec4 base_color;
    vec4 emissive;   // rgb, a = alpha cutoff
    vec4 factors;    // metallic, roughness, normal scale, occlusion strength
    ivec4 texcoord;  // base, metallic-roughness, normal, occlusion
    ivec4 flags;     // x MAT_* bits, y emissive texcoord
    // KHR_texture_transform per slot (base, mr, normal, occlusion, emissive):
    // rows (a, b, c) and (d, e, f) of uv' = (a u + b v + c, d u + e v + f).
    vec4 uvt[10];
} mat;

layout(set = 2, binding = 1) uniform sampler2D tex_base;
layout(set = 2, binding = 2) uniform sampler2D tex_mr;
layout(set = 2, binding = 3) uniform sampler2D tex_normal;
layout(set = 2, binding = 4) uniform sampler2D tex_occlusion;
layout(set = 2, binding = 5) uniform sampler2D tex_emissive;

layout(set = 0, binding = 2) uniform samplerCube env_cube;
layout(set = 0, binding = 3) uniform sampler2DShadow shadow_map;

layout(location = 0) in vec3 in_world;
layout(location = 1) in vec3 in_normal;
layout(location = 2) in vec4 in_tangent;
layout(location = 3) in vec2 in_uv0;
layout(location = 4) in vec2 in_uv1;
layout(location = 5) in vec4 in_color;
layout(location = 6) flat in vec3 in_camera;

layout(location = 0) out vec4 out_color;

const float PI = 3.14159265;

const int SLOT_BASE = 0, SLOT_MR = 1, SLOT_NORMAL = 2, SLOT_OCCLUSION = 3, SLOT_EMISSIVE = 4;

vec2 uv(int slot, int set)
{
    vec3 st = vec3(set == 1 ? in_uv1 : in_uv0, 1.0);
    return vec2(dot(mat.uvt[2 * slot].xyz, st), dot(mat.uvt[2 * slot + 1].xyz, st));
}

vec3 srgb_encode(vec3 c)
{
    c = clamp(c, 0.0, 1.0);
    return mix(c * 12.92, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(0.0031308, c));
}

vec3 shading_normal()
{
    vec3 n = normalize(in_normal);
    if (!gl_FrontFacing)
        n = -n; // double-sided: the back face is lit from its own side
    if ((mat.flags.x & MAT_NORMAL_TEX) == 0)
        return n;
    vec2 st = uv(SLOT_NORMAL, mat.texcoord.z);
    vec3 t, b;
    if ((draw.flags & 1) != 0 && dot(in_tangent.xyz, in_tangent.xyz) > 0.0) {
        t = normalize(in_tangent.xyz - n * dot(n, in_tangent.xyz));
        b = cross(n, t) * (in_tangent.w < 0.0 ? -1.0 : 1.0);
    } else {
        // No tangents: solve dp = T du + B dv over the pixel's screen-space
        // derivatives. Only the sign of the determinant matters since the
        // result is normalised; it also handles mirrored UVs.
        vec3 dp1 = dFdx(in_world), dp2 = dFdy(in_world);
        vec2 duv1 = dFdx(st), duv2 = dFdy(st);
        float det = duv1.x * duv2.y - duv2.x * duv1.y;
        if (abs(det) < 1e-12)
            return n;
        float s = det < 0.0 ? -1.0 : 1.0;
        vec3 tu = (dp1 * duv2.y - dp2 * duv1.y) * s; // along increasing u
        vec3 tv = (dp2 * duv1.x - dp1 * duv2.x) * s; // along increasing v
        t = normalize(tu - n * dot(n, tu));
        // glTF's bitangent points up the texture, towards decreasing v.
        b = cross(n, t) * (dot(cross(n, t), -tv) < 0.0 ? -1.0 : 1.0);
    }
    vec3 m = texture(tex_normal, st).xyz * 2.0 - 1.0;
    m.xy *= mat.factors.z * draw.fade.x; // fading in from a flat normal
    return normalize(mat3(t, b, n) * m);
}

float ggx(float nh, float a)
{
    float a2 = a * a;
    float d = nh * nh * (a2 - 1.0) + 1.0;
    return a2 / (PI * d * d);
}

float smith(float nl, float nv, float a)
{
    float a2 = a * a;
    float gv = nl * sqrt(nv * nv * (1.0 - a2) + a2);
    float gl = nv * sqrt(nl * nl * (1.0 - a2) + a2);
    return 0.5 / max(gv + gl, 1e-5);
}

vec3 light_radiance(int i, vec3 p, out vec3 l)
{
    int type = int(frame.light_pos[i].w);
    vec3 c = frame.light_color[i].rgb;
    if (type == 0) {
        l = -normalize(frame.light_dir[i].xyz);
        return c;
    }
    vec3 d = frame.light_pos[i].xyz - p;
    float dist2 = max(dot(d, d), 1e-4);
    l = d * inversesqrt(dist2);
    float range = frame.light_dir[i].w;
    float att = 1.0 / dist2;
    if (range > 0.0) {
        float r = sqrt(dist2) / range;
        att *= clamp(1.0 - r * r * r * r, 0.0, 1.0);
    }
    if (type == 2) {
        float cd = dot(normalize(frame.light_dir[i].xyz), -l);
        float s = clamp(cd * frame.light_cone[i].x + frame.light_cone[i].y, 0.0, 1.0);
        att *= s * s;
    }
    return c * att;
}

vec3 sky_irradiance(vec3 n)
{
    vec3 r = frame.sh[0].rgb * 0.282095;
    r += (frame.sh[1].rgb * n.y + frame.sh[2].rgb * n.z + frame.sh[3].rgb * n.x) * 0.488603;
    r += (frame.sh[4].rgb * n.x * n.y + frame.sh[5].rgb * n.y * n.z +
          frame.sh[7].rgb * n.x * n.z) * 1.092548;
    r += frame.sh[6].rgb * (0.315392 * (3.0 * n.z * n.z - 1.0));
    r += frame.sh[8].rgb * (0.546274 * (n.x * n.x - n.y * n.y));
    return max(r, vec3(0.0));
}

// The split-sum's scale and bias of f0 for the prefiltered cube, in the
// usual analytic fit (no lookup texture).
vec2 env_brdf(float rough, float nv)
{
    vec4 r = rough * vec4(-1.0, -0.0275, -0.572, 0.022) + vec4(1.0, 0.0425, 1.04, -0.04);
    float a004 = min(r.x * r.x, exp2(-9.28 * nv)) * r.x + r.y;
    return vec2(-1.04, 1.04) * a004 + r.zw;
}

// How much of the sun reaches p (1 lit, 0 shadowed): 1 or 3x3 bilinear
// compare taps, the point pushed out along its normal against acne.
float sun_shadow(vec3 p, vec3 n, float nl)
{
    float texel = frame.sky.z;
    vec4 c = frame.shadow_vp * vec4(p + n * (0.02 + 0.04 * (1.0 - nl)), 1.0);
    vec2 st = (c.xy * 0.5 + 0.5);
    if (any(lessThan(st, vec2(0.0))) || any(greaterThan(st, vec2(1.0))) || c.z > 1.0)
        return 1.0;
    st *= frame.sun_disk.w; // low quality draws a corner of the map
    if (frame.sky.y < 1.5)
        return texture(shadow_map, vec3(st, c.z));
    float sum = 0.0;
    for (int y = -1; y <= 1; y++)
        for (int x = -1; x <= 1; x++)
            sum += texture(shadow_map, vec3(st + vec2(x, y) * texel, c.z));
    return sum / 9.0;
}

void main()
{
    vec4 base = mat.base_color * in_color;
    if ((mat.flags.x & MAT_BASE_TEX) != 0)
        base *= mix(vec4(1.0), texture(tex_base, uv(SLOT_BASE, mat.texcoord.x)), draw.fade.x);
    if ((mat.flags.x & MAT_MASK) != 0 && base.a < mat.emissive.a)
        discard;
    vec3 color;
    if ((mat.flags.x & MAT_UNLIT) != 0) {
        color = base.rgb;
    } else {
        float metallic = mat.factors.x, rough = mat.factors.y;
        if ((mat.flags.x & MAT_MR_TEX) != 0) {
            vec4 mr = mix(vec4(1.0), texture(tex_mr, uv(SLOT_MR, mat.texcoord.y)), draw.fade.x);
            rough *= mr.g;
            metallic *= mr.b;
        }
        rough = clamp(rough, 0.04, 1.0);
        float a = rough * rough;
        vec3 n = shading_normal();
        vec3 v = normalize(in_camera - in_world);
        float nv = max(dot(n, v), 1e-4);
        vec3 f0 = mix(vec3(0.04), base.rgb, metallic);
        vec3 diffuse = base.rgb * (1.0 - metallic);
        color = vec3(0.0);
        int count = int(frame.ambient.w);
        for (int i = 0; i < count; i++) {
            vec3 l;
            vec3 radiance = light_radiance(i, in_world, l);
            float nl = dot(n, l);
            if (nl <= 0.0)
                continue;
            vec3 h = normalize(l + v);
            float vh = max(dot(v, h), 0.0);
            vec3 f = f0 + (1.0 - f0) * pow(1.0 - vh, 5.0);
            vec3 spec = f * ggx(max(dot(n, h), 0.0), a) * smith(nl, nv, a);
            float lit = (i == 0 && frame.sky.y > 0.5) ? sun_shadow(in_world, n, nl) : 1.0;
            color += ((1.0 - f) * diffuse / PI + spec) * radiance * nl * lit;
        }
        vec3 amb;
        if (frame.sky.x > 0.5) {
            // The sky's light: SH9 irradiance and the prefiltered cube.
            vec2 ab = env_brdf(rough, nv);
            vec3 refl = textureLod(env_cube, reflect(-v, n), rough * frame.sky.w).rgb;
            amb = diffuse * sky_irradiance(n) + refl * (f0 * ab.x + ab.y);
        } else {
            // Hemisphere ambient: brighter from above, so shapes read without lights.
            float up = 0.5 + 0.5 * n.y;
            vec3 ambient = frame.ambient.rgb * mix(0.5, 1.0, up);
            amb = ambient * (diffuse + f0 * (1.0 - rough) * 0.5);
        }
        if ((mat.flags.x & MAT_OCCLUSION_TEX) != 0) {
            float ao = mix(1.0, texture(tex_occlusion, uv(SLOT_OCCLUSION, mat.texcoord.w)).r,
                           draw.fade.x);
            amb *= 1.0 + mat.factors.w * (ao - 1.0);
        }
        color += amb;
    }
    vec3 emissive = mat.emissive.rgb;
    if ((mat.flags.x & MAT_EMISSIVE_TEX) != 0)
        emissive *= texture(tex_emissive, uv(SLOT_EMISSIVE, mat.flags.y)).rgb * draw.fade.x;
    color = (color + emissive) * frame.params.x + draw.tint.rgb * draw.tint.a;
    if (frame.params.y > 0.5)
        color = srgb_encode(color);
    float alpha = (mat.flags.x & MAT_BLEND) != 0 ? base.a : 1.0;
    out_color = vec4(color, alpha);
}
