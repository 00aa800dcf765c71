// SPDX-License-Identifier: Apache-2.0
// Stoa's own test models (tools/testmodels): every model in manifest.json
// loads, and what runtime/scene makes of it is what the generator put in —
// counts, bounds, vertices decoded from every component type, materials,
// samplers and decoded texels, cameras, lights, world transforms, and poses
// sampled at given times (step, linear, cubic; skins; morph weights). The
// bad files in the manifest are refused with a message naming the file.
#include <math.h>

#include "scene/stoa_scene.h"
#include "scene_test_util.h"
#include "stoa_test.h"

static cJSON *g_manifest;
static char *g_text;

static cJSON *manifest(void)
{
    if (!g_manifest) {
        char p[4096];
        stoa_test_model(p, sizeof p, "manifest.json");
        g_text = tu_read(p, NULL);
        g_manifest = g_text ? cJSON_Parse(g_text) : NULL;
        CHECK_MSG(g_manifest != NULL, "cannot read %s (is STOA_TESTMODELS set?)", p);
    }
    return g_manifest;
}

static double num(const cJSON *o, const char *key, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

// Compares n floats against a JSON array; names the model and field on failure.
static void check_floats(const char *file, const char *what, const float *got, const cJSON *want,
                         int n, double tol)
{
    CHECK_MSG(got != NULL, "%s: %s missing", file, what);
    CHECK_MSG(cJSON_GetArraySize(want) == n, "%s: %s: manifest has %d values, want %d", file,
              what, cJSON_GetArraySize(want), n);
    if (!got || cJSON_GetArraySize(want) != n)
        return;
    for (int i = 0; i < n; i++) {
        double w = cJSON_GetArrayItem(want, i)->valuedouble;
        CHECK_MSG(fabs(got[i] - w) <= tol, "%s: %s[%d] = %g, want %g", file, what, i, got[i], w);
    }
}

static void check_counts(const char *file, const stoa_scene *s, const cJSON *c)
{
    struct {
        const char *key;
        uint64_t got;
    } f[] = {{"nodes", s->node_count},     {"meshes", s->mesh_count},
             {"materials", s->material_count}, {"textures", s->texture_count},
             {"skins", s->skin_count},     {"cameras", s->camera_count},
             {"lights", s->light_count},   {"animations", s->animation_count},
             {"triangles", s->triangle_count}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (get(c, f[i].key))
            CHECK_MSG(f[i].got == (uint64_t)num(c, f[i].key, -1), "%s: %s = %llu, want %g", file,
                      f[i].key, (unsigned long long)f[i].got, num(c, f[i].key, -1));
}

static void check_flag(const char *file, const char *what, bool got, const cJSON *o,
                       const char *key)
{
    const cJSON *v = get(o, key);
    if (v)
        CHECK_MSG(got == cJSON_IsTrue(v), "%s: %s %s is %d, want %d", file, what, key, got,
                  cJSON_IsTrue(v));
}

static void check_meshes(const char *file, const stoa_scene *s, const cJSON *list)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, list)
    {
        int i = (int)num(m, "mesh", -1);
        CHECK_MSG(i >= 0 && (uint32_t)i < s->mesh_count, "%s: no mesh %d", file, i);
        if (i < 0 || (uint32_t)i >= s->mesh_count)
            continue;
        const stoa_mesh *me = &s->meshes[i];
        char what[64];
        snprintf(what, sizeof what, "mesh %d", i);
        if (get(m, "vertex_count"))
            CHECK_MSG(me->vertex_count == num(m, "vertex_count", 0), "%s: %s has %u vertices",
                      file, what, me->vertex_count);
        if (get(m, "index_count"))
            CHECK_MSG(me->index_count == num(m, "index_count", 0), "%s: %s has %u indices", file,
                      what, me->index_count);
        if (get(m, "material"))
            CHECK_MSG(me->material == num(m, "material", 0), "%s: %s material %d", file, what,
                      me->material);
        if (get(m, "skin"))
            CHECK_MSG(me->skin == num(m, "skin", 0), "%s: %s skin %d", file, what, me->skin);
        if (get(m, "morph_targets"))
            CHECK_MSG(me->morph_target_count == num(m, "morph_targets", 0),
                      "%s: %s has %u morph targets", file, what, me->morph_target_count);
        check_flag(file, what, me->uv0 != NULL, m, "uv0");
        check_flag(file, what, me->uv1 != NULL, m, "uv1");
        check_flag(file, what, me->colors != NULL, m, "colors");
        check_flag(file, what, me->tangents != NULL, m, "tangents");
        check_flag(file, what, me->joints != NULL, m, "joints");
        if (get(m, "default_weights"))
            check_floats(file, "default weights", me->default_weights, get(m, "default_weights"),
                         (int)me->morph_target_count, 1e-6);
        const cJSON *v;
        cJSON_ArrayForEach(v, get(m, "vertices"))
        {
            uint32_t k = (uint32_t)num(v, "i", 0);
            double tol = num(v, "tolerance", 1e-5);
            CHECK_MSG(k < me->vertex_count, "%s: %s vertex %u out of range", file, what, k);
            if (k >= me->vertex_count)
                continue;
            char w[96];
#define VTX(key, arr, n)                                                                           \
    if (get(v, key)) {                                                                             \
        snprintf(w, sizeof w, "%s vertex %u " key, what, k);                                        \
        check_floats(file, w, (arr) ? (arr) + (size_t)k * (n) : NULL, get(v, key), n, tol);        \
    }
            VTX("position", me->positions, 3);
            VTX("normal", me->normals, 3);
            VTX("tangent", me->tangents, 4);
            VTX("uv0", me->uv0, 2);
            VTX("uv1", me->uv1, 2);
            VTX("color", me->colors, 4);
            VTX("weights", me->weights, 4);
#undef VTX
            if (get(v, "joints") && me->joints) {
                float j[4];
                for (int c = 0; c < 4; c++)
                    j[c] = me->joints[(size_t)k * 4 + c];
                snprintf(w, sizeof w, "%s vertex %u joints", what, k);
                // Joints whose weight is 0 may be anything; compare the weighted ones.
                const cJSON *want = get(v, "joints");
                for (int c = 0; c < 4; c++)
                    if (!me->weights || me->weights[(size_t)k * 4 + c] > 0)
                        CHECK_MSG(j[c] == cJSON_GetArrayItem(want, c)->valuedouble,
                                  "%s: %s[%d] = %g", file, w, c, j[c]);
            }
        }
        cJSON_ArrayForEach(v, get(m, "targets"))
        {
            uint32_t t = (uint32_t)num(v, "target", 0), k = (uint32_t)num(v, "vertex", 0);
            if (t < me->morph_target_count && k < me->vertex_count)
                check_floats(file, "morph target position delta",
                             me->morph_targets[t].positions + (size_t)k * 3, get(v, "position"), 3,
                             1e-5);
            else
                CHECK_MSG(0, "%s: %s has no target %u vertex %u", file, what, t, k);
        }
    }
}

static int alpha_mode(const char *s)
{
    return !strcmp(s, "MASK") ? STOA_ALPHA_MASK : !strcmp(s, "BLEND") ? STOA_ALPHA_BLEND
                                                                       : STOA_ALPHA_OPAQUE;
}

static void check_texref(const char *file, int mi, const char *slot, const stoa_texture_ref *r,
                         const cJSON *m, const char *key)
{
    if (get(m, key))
        CHECK_MSG(r->texture == num(m, key, -2), "%s: material %d %s texture %d, want %g", file,
                  mi, slot, r->texture, num(m, key, -2));
}

static void check_materials(const char *file, const stoa_scene *s, const cJSON *list)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, list)
    {
        int i = (int)num(m, "material", -1);
        CHECK_MSG(i >= 0 && (uint32_t)i < s->material_count, "%s: no material %d", file, i);
        if (i < 0 || (uint32_t)i >= s->material_count)
            continue;
        const stoa_material *ma = &s->materials[i];
        if (get(m, "base_color"))
            check_floats(file, "base colour", ma->base_color, get(m, "base_color"), 4, 1e-6);
        if (get(m, "emissive"))
            check_floats(file, "emissive", ma->emissive, get(m, "emissive"), 3, 1e-5);
        if (get(m, "metallic"))
            CHECK_NEAR(ma->metallic, num(m, "metallic", 0), 1e-6);
        if (get(m, "roughness"))
            CHECK_NEAR(ma->roughness, num(m, "roughness", 0), 1e-6);
        if (get(m, "alpha_cutoff"))
            CHECK_NEAR(ma->alpha_cutoff, num(m, "alpha_cutoff", 0), 1e-6);
        if (get(m, "alpha_mode"))
            CHECK_MSG((int)ma->alpha_mode == alpha_mode(get(m, "alpha_mode")->valuestring),
                      "%s: material %d alpha mode %d", file, i, ma->alpha_mode);
        check_flag(file, "material", ma->double_sided, m, "double_sided");
        check_flag(file, "material", ma->unlit, m, "unlit");
        check_texref(file, i, "base", &ma->base_color_tex, m, "base_texture");
        check_texref(file, i, "metallic-roughness", &ma->metallic_roughness_tex, m, "mr_texture");
        check_texref(file, i, "normal", &ma->normal_tex, m, "normal_texture");
        check_texref(file, i, "occlusion", &ma->occlusion_tex, m, "occlusion_texture");
        check_texref(file, i, "emissive", &ma->emissive_tex, m, "emissive_texture");
        if (get(m, "base_uv_matrix")) {
            CHECK_MSG(ma->base_color_tex.transformed, "%s: material %d has no UV transform", file,
                      i);
            check_floats(file, "base texture UV matrix", ma->base_color_tex.uv_matrix,
                         get(m, "base_uv_matrix"), 6, 1e-6);
        }
        if (get(m, "base_texcoord"))
            CHECK(ma->base_color_tex.texcoord == num(m, "base_texcoord", 0));
        if (get(m, "occlusion_texcoord"))
            CHECK(ma->occlusion_tex.texcoord == num(m, "occlusion_texcoord", 0));
        if (get(m, "normal_scale"))
            CHECK_NEAR(ma->normal_tex.scale, num(m, "normal_scale", 0), 1e-6);
        if (get(m, "occlusion_strength"))
            CHECK_NEAR(ma->occlusion_tex.scale, num(m, "occlusion_strength", 0), 1e-6);
    }
}

static void check_textures(const char *file, const stoa_scene *s, const cJSON *list)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, list)
    {
        int i = (int)num(t, "texture", -1);
        CHECK_MSG(i >= 0 && (uint32_t)i < s->texture_count, "%s: no texture %d", file, i);
        if (i < 0 || (uint32_t)i >= s->texture_count)
            continue;
        const stoa_texture *tx = &s->textures[i];
        CHECK_MSG(!tx->placeholder, "%s: texture %d is a placeholder", file, i);
        struct {
            const char *key;
            int got;
        } f[] = {{"width", (int)tx->width},        {"height", (int)tx->height},
                 {"mag", tx->sampler.mag_filter},  {"min", tx->sampler.min_filter},
                 {"wrap_s", tx->sampler.wrap_s},   {"wrap_t", tx->sampler.wrap_t}};
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
            if (get(t, f[k].key))
                CHECK_MSG(f[k].got == num(t, f[k].key, -1), "%s: texture %d %s = %d, want %g",
                          file, i, f[k].key, f[k].got, num(t, f[k].key, -1));
        const cJSON *p;
        cJSON_ArrayForEach(p, get(t, "pixels"))
        {
            uint32_t x = (uint32_t)cJSON_GetArrayItem(p, 0)->valueint;
            uint32_t y = (uint32_t)cJSON_GetArrayItem(p, 1)->valueint;
            int tol = cJSON_GetArrayItem(p, 6)->valueint;
            if (!tx->rgba || x >= tx->width || y >= tx->height) {
                CHECK_MSG(0, "%s: texture %d has no texel %u,%u", file, i, x, y);
                continue;
            }
            const uint8_t *px = tx->rgba + ((size_t)y * tx->width + x) * 4;
            for (int c = 0; c < 4; c++)
                CHECK_MSG(abs(px[c] - cJSON_GetArrayItem(p, 2 + c)->valueint) <= tol,
                          "%s: texture %d texel %u,%u channel %d = %d, want %d", file, i, x, y, c,
                          px[c], cJSON_GetArrayItem(p, 2 + c)->valueint);
        }
    }
}

static int32_t node_named(const char *file, const stoa_scene *s, const cJSON *o, const char *key)
{
    const cJSON *n = get(o, key);
    int32_t i = cJSON_IsString(n) ? stoa_scene_find_node(s, n->valuestring) : -1;
    CHECK_MSG(i >= 0, "%s: no node named %s", file, cJSON_IsString(n) ? n->valuestring : "?");
    return i;
}

static void check_cameras_lights(const char *file, const stoa_scene *s, const cJSON *e)
{
    const cJSON *c;
    uint32_t k = 0;
    cJSON_ArrayForEach(c, get(e, "cameras"))
    {
        const stoa_camera *cam = k < s->camera_count ? &s->cameras[k] : NULL;
        k++;
        CHECK_MSG(cam != NULL, "%s: camera %u missing", file, k - 1);
        if (!cam)
            continue;
        CHECK_STR(cam->name, get(c, "name")->valuestring);
        bool ortho = !strcmp(get(c, "type")->valuestring, "orthographic");
        CHECK(cam->type == (ortho ? STOA_CAMERA_ORTHOGRAPHIC : STOA_CAMERA_PERSPECTIVE));
        CHECK(cam->node == node_named(file, s, c, "node"));
        CHECK_NEAR(cam->znear, num(c, "znear", 0), 1e-6);
        CHECK_NEAR(cam->zfar, num(c, "zfar", 0), 1e-4);
        if (ortho) {
            CHECK_NEAR(cam->xmag, num(c, "xmag", 0), 1e-6);
            CHECK_NEAR(cam->ymag, num(c, "ymag", 0), 1e-6);
        } else {
            CHECK_NEAR(cam->yfov, num(c, "yfov", 0), 1e-6);
            CHECK_NEAR(cam->aspect, num(c, "aspect", 0), 1e-6);
        }
    }
    k = 0;
    cJSON_ArrayForEach(c, get(e, "lights"))
    {
        const stoa_light *l = k < s->light_count ? &s->lights[k] : NULL;
        k++;
        CHECK_MSG(l != NULL, "%s: light %u missing", file, k - 1);
        if (!l)
            continue;
        const char *type = get(c, "type")->valuestring;
        CHECK(l->type == (!strcmp(type, "spot")    ? STOA_LIGHT_SPOT
                          : !strcmp(type, "point") ? STOA_LIGHT_POINT
                                                   : STOA_LIGHT_DIRECTIONAL));
        CHECK(l->node == node_named(file, s, c, "node"));
        check_floats(file, "light colour", l->color, get(c, "color"), 3, 1e-6);
        CHECK_NEAR(l->intensity, num(c, "intensity", 0), 1e-5);
        if (get(c, "range"))
            CHECK_NEAR(l->range, num(c, "range", 0), 1e-5);
        if (get(c, "outer")) {
            CHECK_NEAR(l->inner_cone, num(c, "inner", 0), 1e-6);
            CHECK_NEAR(l->outer_cone, num(c, "outer", 0), 1e-6);
        }
    }
}

static void check_worlds(const char *file, const stoa_scene *s, const stoa_pose *p,
                         const cJSON *list, double tol, const char *when)
{
    const cJSON *n;
    cJSON_ArrayForEach(n, list)
    {
        int32_t i = node_named(file, s, n, "name");
        if (i < 0)
            continue;
        char what[128];
        snprintf(what, sizeof what, "world matrix of %s%s", get(n, "name")->valuestring, when);
        check_floats(file, what, stoa_pose_world(p, (uint32_t)i), get(n, "world"), 16, tol);
        if (get(n, "parent"))
            CHECK_MSG(s->nodes[i].parent == node_named(file, s, n, "parent"),
                      "%s: parent of %s", file, get(n, "name")->valuestring);
    }
}

static void check_poses(const char *file, const stoa_scene *s, const cJSON *list)
{
    stoa_pose *p = stoa_pose_create(s);
    CHECK(p != NULL);
    if (!p)
        return;
    const cJSON *pose;
    cJSON_ArrayForEach(pose, list)
    {
        int32_t a = stoa_scene_find_animation(s, get(pose, "animation")->valuestring);
        CHECK_MSG(a >= 0, "%s: no animation %s", file, get(pose, "animation")->valuestring);
        if (a < 0)
            continue;
        double t = num(pose, "t", 0), tol = num(pose, "tolerance", 1e-4);
        stoa_pose_reset(p);
        stoa_pose_apply_animation(p, (uint32_t)a, (float)t);
        stoa_pose_update(p);
        char when[48];
        snprintf(when, sizeof when, " at t=%g", t);
        check_worlds(file, s, p, get(pose, "nodes"), tol, when);
        const cJSON *w;
        cJSON_ArrayForEach(w, get(pose, "weights"))
        {
            int32_t i = node_named(file, s, w, "name");
            uint32_t n = 0;
            const float *got = i >= 0 ? stoa_pose_morph_weights(p, (uint32_t)i, &n) : NULL;
            check_floats(file, "morph weights", got, get(w, "values"), (int)n, 1e-4);
        }
        cJSON_ArrayForEach(w, get(pose, "joints"))
        {
            uint32_t skin = (uint32_t)num(w, "skin", 0);
            const cJSON *mats = get(w, "matrices"), *m;
            const float *got = stoa_pose_joint_matrices(p, skin);
            int k = 0;
            cJSON_ArrayForEach(m, mats)
            {
                char what[96];
                snprintf(what, sizeof what, "joint matrix %d%s", k, when);
                check_floats(file, what, got ? got + (size_t)k * 16 : NULL, m, 16, tol);
                k++;
            }
        }
    }
    stoa_pose_destroy(&p);
}

static void check_model(const cJSON *model)
{
    const char *rel = get(model, "file")->valuestring;
    const cJSON *e = get(model, "expect");
    char path[4096];
    stoa_test_model(path, sizeof path, rel);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_scene_load(path, NULL, &s, &err);
    CHECK_MSG(r == STOA_OK && s, "%s: %s", rel, err.message);
    if (!s)
        return;
    check_counts(rel, s, get(e, "counts"));
    if (get(e, "bounds")) {
        check_floats(rel, "bounds min", s->bounds_min, cJSON_GetArrayItem(get(e, "bounds"), 0), 3,
                     1e-4);
        check_floats(rel, "bounds max", s->bounds_max, cJSON_GetArrayItem(get(e, "bounds"), 1), 3,
                     1e-4);
    }
    check_meshes(rel, s, get(e, "meshes"));
    check_materials(rel, s, get(e, "materials"));
    check_textures(rel, s, get(e, "textures"));
    check_cameras_lights(rel, s, e);
    const cJSON *sk;
    cJSON_ArrayForEach(sk, get(e, "skins"))
    {
        const stoa_skin *skin = &s->skins[(int)num(sk, "skin", 0)];
        const cJSON *j, *m;
        uint32_t k = 0;
        cJSON_ArrayForEach(j, get(sk, "joints"))
        {
            CHECK_MSG(k < skin->joint_count &&
                          skin->joints[k] == (uint32_t)stoa_scene_find_node(s, j->valuestring),
                      "%s: joint %u is not %s", rel, k, j->valuestring);
            k++;
        }
        CHECK(skin->joint_count == k);
        k = 0;
        cJSON_ArrayForEach(m, get(sk, "inverse_bind"))
        {
            if (k < skin->joint_count)
                check_floats(rel, "inverse bind matrix", skin->inverse_bind + (size_t)k * 16, m,
                             16, 1e-5);
            k++;
        }
    }
    stoa_pose *rest = stoa_pose_create(s);
    if (rest) {
        stoa_pose_update(rest);
        check_worlds(rel, s, rest, get(e, "nodes"), 1e-4, " at rest");
        stoa_pose_destroy(&rest);
    }
    check_poses(rel, s, get(e, "poses"));
    const cJSON *a;
    uint32_t k = 0;
    cJSON_ArrayForEach(a, get(e, "animations"))
    {
        const stoa_animation *an = k < s->animation_count ? &s->animations[k] : NULL;
        k++;
        if (!an)
            continue;
        CHECK_STR(an->name, get(a, "name")->valuestring);
        CHECK_NEAR(an->duration, num(a, "duration", 0), 1e-5);
        CHECK(an->channel_count == num(a, "channels", 0));
        const cJSON *in;
        uint32_t c = 0;
        cJSON_ArrayForEach(in, get(a, "interp"))
        {
            const char *want = in->valuestring;
            stoa_interp w = !strcmp(want, "STEP")          ? STOA_INTERP_STEP
                            : !strcmp(want, "CUBICSPLINE") ? STOA_INTERP_CUBIC
                                                           : STOA_INTERP_LINEAR;
            CHECK_MSG(c < an->channel_count && an->channels[c].interp == w,
                      "%s: channel %u is not %s", rel, c, want);
            c++;
        }
    }
    cJSON_ArrayForEach(a, get(e, "absent_nodes"))
        CHECK_MSG(stoa_scene_find_node(s, a->valuestring) < 0, "%s: node %s should not load", rel,
                  a->valuestring);
    cJSON_ArrayForEach(a, get(e, "warnings"))
    {
        bool found = false;
        for (uint32_t w = 0; w < s->warning_count; w++)
            found |= strstr(s->warnings[w], a->valuestring) != NULL;
        CHECK_MSG(found, "%s: no warning mentions '%s'", rel, a->valuestring);
    }
    if (!get(e, "warnings"))
        for (uint32_t w = 0; w < s->warning_count; w++)
            CHECK_MSG(0, "%s: unexpected warning: %s", rel, s->warnings[w]);
    printf("  %-32s %u nodes, %u meshes, %llu triangles\n", rel, s->node_count, s->mesh_count,
           (unsigned long long)s->triangle_count);
    stoa_scene_destroy(&s);
}

STOA_TEST(every_generated_model_loads_as_generated)
{
    const cJSON *m;
    int n = 0;
    cJSON_ArrayForEach(m, get(manifest(), "models"))
    {
        check_model(m);
        n++;
    }
    CHECK_MSG(n >= 15, "only %d models in the manifest", n);
}

STOA_TEST(every_bad_file_is_refused_naming_the_file)
{
    const cJSON *b;
    int n = 0;
    cJSON_ArrayForEach(b, get(manifest(), "refused"))
    {
        char path[4096];
        stoa_test_model(path, sizeof path, get(b, "file")->valuestring);
        stoa_scene *s = NULL;
        stoa_error err = {0};
        stoa_result r = stoa_scene_load(path, NULL, &s, &err);
        CHECK_MSG(r < 0 && !s, "%s (%s) was accepted", path, get(b, "why")->valuestring);
        CHECK_CONTAINS(err.message, get(b, "file")->valuestring);
        CHECK_CONTAINS(err.message, get(b, "stoa")->valuestring);
        printf("  %s\n", err.message);
        stoa_scene_destroy(&s);
        n++;
    }
    CHECK(n >= 6);
}

STOA_TEST(cleanup)
{
    cJSON_Delete(g_manifest);
    free(g_text);
}

STOA_TEST_MAIN()
