// SPDX-License-Identifier: Apache-2.0
// What each stoa_mesh takes from its own glTF primitive: the material the
// JSON names (Assimp numbers materials in the order it loads them) and a
// tangent frame in glTF's convention (Assimp's generated bitangents point the
// other way). Expectations come from the file, read here with cJSON.
#include <math.h>

#include "scene/stoa_scene.h"
#include "scene_test_util.h"
#include "stoa_test.h"

#define MAX_PRIMS 256

// Built twice: on Stoa's own generated models (test_scene_primitives) and,
// with STOA_ON_SAMPLES, on the Khronos samples (test_scene_primitives_samples,
// an extra that is skipped without ../shared).
static void model_path(char *out, size_t size, const char *rel)
{
#ifdef STOA_ON_SAMPLES
    snprintf(out, size, "%s/%s", tu_samples(), rel);
#else
    stoa_test_model(out, size, rel);
#endif
}

// ---- the primitives the loader should return, from the JSON ------------------

typedef struct expected_prim {
    const cJSON *prim;
    int material; // -1 when the primitive names none
    int vertex_count;
} expected_prim;

static void mark_meshes(const cJSON *j, int node, int depth, bool *used, int nm)
{
    const cJSON *jn = tu_at(j, "nodes", node), *ch;
    if (!jn || depth > 64)
        return;
    int m = tu_int(jn, "mesh", -1);
    if (m >= 0 && m < nm)
        used[m] = true;
    cJSON_ArrayForEach(ch, cJSON_GetObjectItem(jn, "children"))
        mark_meshes(j, ch->valueint, depth + 1, used, nm);
}

// Triangle primitives of the meshes the default scene uses, in glTF mesh
// order (stoa_scene.h's promise); returns how many.
static int expected_prims(const cJSON *j, expected_prim *out)
{
    bool used[MAX_PRIMS] = {0};
    int nm = tu_len(j, "meshes"), n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(tu_at(j, "scenes", tu_int(j, "scene", 0)), "nodes"))
        mark_meshes(j, it->valueint, 0, used, nm < MAX_PRIMS ? nm : MAX_PRIMS);
    for (int m = 0; m < nm && m < MAX_PRIMS; m++) {
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(tu_at(j, "meshes", m), "primitives"))
        {
            if (!used[m] || tu_int(it, "mode", 4) != 4 || n == MAX_PRIMS)
                continue;
            int pos = tu_int(cJSON_GetObjectItem(it, "attributes"), "POSITION", -1);
            out[n++] = (expected_prim){it, tu_int(it, "material", -1),
                                       tu_int(tu_at(j, "accessors", pos), "count", -1)};
        }
    }
    return n;
}

// ---- materials -------------------------------------------------------------------

static void json_floats(const cJSON *o, const char *key, float *out, int n, float def)
{
    for (int k = 0; k < n; k++) {
        const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItem(o, key), k);
        out[k] = cJSON_IsNumber(v) ? (float)v->valuedouble : def;
    }
}

// The stoa material equals the JSON one in name, base colour and emissive
// factors (every test file here names its materials apart).
static void check_material(const char *file, int i, const stoa_material *got, const cJSON *want)
{
    const cJSON *name = cJSON_GetObjectItem(want, "name");
    float base[4], emissive[3];
    json_floats(cJSON_GetObjectItem(want, "pbrMetallicRoughness"), "baseColorFactor", base, 4, 1);
    json_floats(want, "emissiveFactor", emissive, 3, 0);
    // KHR_materials_emissive_strength scales the factor.
    const cJSON *es = cJSON_GetObjectItem(cJSON_GetObjectItem(want, "extensions"),
                                          "KHR_materials_emissive_strength");
    const cJSON *strength = cJSON_GetObjectItem(es, "emissiveStrength");
    for (int k = 0; k < 3; k++)
        emissive[k] *= cJSON_IsNumber(strength) ? (float)strength->valuedouble : 1.0f;
    const char *want_name = cJSON_IsString(name) ? name->valuestring : "";
    CHECK_MSG(strcmp(got->name, want_name) == 0, "%s: mesh %d has material '%s', JSON says '%s'",
              file, i, got->name, want_name);
    for (int k = 0; k < 4; k++)
        CHECK_MSG(fabsf(got->base_color[k] - base[k]) < 1e-6f,
                  "%s: mesh %d ('%s'): baseColorFactor[%d] %g, JSON %g", file, i, want_name, k,
                  got->base_color[k], base[k]);
    for (int k = 0; k < 3; k++)
        CHECK_MSG(fabsf(got->emissive[k] - emissive[k]) < 1e-6f,
                  "%s: mesh %d ('%s'): emissiveFactor[%d] %g, JSON %g", file, i, want_name, k,
                  got->emissive[k], emissive[k]);
}

static void check_materials_of(const char *path)
{
    char *file;
    cJSON *j = tu_gltf_json(path, &file, NULL, NULL);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_load(path, NULL, &s, &err) == STOA_OK, "%s", err.message);
    static expected_prim want[MAX_PRIMS];
    int n = j ? expected_prims(j, want) : -1;
    CHECK_MSG(s && n == (int)s->mesh_count, "%s: %d triangle primitives in use, %u meshes", path, n,
              s ? s->mesh_count : 0);
    for (int i = 0; s && n == (int)s->mesh_count && i < n; i++) {
        const stoa_mesh *m = &s->meshes[i];
        CHECK_MSG((int)m->vertex_count == want[i].vertex_count, "%s: mesh %d: %u vertices, %d",
                  path, i, m->vertex_count, want[i].vertex_count);
        if (want[i].material < 0) {
            CHECK_MSG(m->material == -1, "%s: mesh %d: material %d for none", path, i, m->material);
            continue;
        }
        bool valid = m->material >= 0 && (uint32_t)m->material < s->material_count;
        CHECK_MSG(valid, "%s: mesh %d: material %d of %u", path, i, m->material, s->material_count);
        if (valid)
            check_material(path, i, &s->materials[m->material],
                           tu_at(j, "materials", want[i].material));
    }
    stoa_scene_destroy(&s);
    cJSON_Delete(j);
    free(file);
}

// One triangle, used by every primitive; materials declared in the reverse
// order of their first use, an unused one first, and a primitive with none.
static const char k_reversed_gltf[] =
    "{\"asset\": {\"version\": \"2.0\"}, \"scene\": 0, \"scenes\": [{\"nodes\": [0, 1, 2]}],\n"
    " \"nodes\": [{\"mesh\": 0}, {\"mesh\": 1}, {\"mesh\": 2}],\n"
    " \"meshes\": [\n"
    "  {\"primitives\": [{\"attributes\": {\"POSITION\": 0}, \"material\": 3},\n"
    "                   {\"attributes\": {\"POSITION\": 0}, \"material\": 2}]},\n"
    "  {\"primitives\": [{\"attributes\": {\"POSITION\": 0}, \"material\": 1}]},\n"
    "  {\"primitives\": [{\"attributes\": {\"POSITION\": 0}}]}],\n"
    " \"materials\": [\n"
    "  {\"name\": \"unused\",\n"
    "   \"pbrMetallicRoughness\": {\"baseColorFactor\": [0.5, 0.5, 0.5, 1]}},\n"
    "  {\"name\": \"third\", \"pbrMetallicRoughness\": {\"baseColorFactor\": [0, 0, 1, 1]}},\n"
    "  {\"name\": \"second\", \"pbrMetallicRoughness\": {\"baseColorFactor\": [0, 1, 0, 1]},\n"
    "   \"emissiveFactor\": [0, 0.25, 0]},\n"
    "  {\"name\": \"first\", \"pbrMetallicRoughness\": {\"baseColorFactor\": [1, 0, 0, 0.5]}}],\n"
    " \"accessors\": [{\"bufferView\": 0, \"componentType\": 5126, \"count\": 3,\n"
    "                 \"type\": \"VEC3\", \"min\": [0, 0, 0], \"max\": [1, 1, 0]}],\n"
    " \"bufferViews\": [{\"buffer\": 0, \"byteLength\": 36}],\n"
    " \"buffers\": [{\"uri\": \"tri.bin\", \"byteLength\": 36}]}\n";

static void check_reversed_materials(void)
{
    char dir[4096], p[4300];
    tu_mkdtemp(dir, sizeof dir, "matorder");
    const float tri[9] = {0, 0, 0, 1, 0, 0, 0, 1, 0};
    snprintf(p, sizeof p, "%s/tri.bin", dir);
    CHECK(tu_write(p, tri, sizeof tri) == 0);
    snprintf(p, sizeof p, "%s/reversed.gltf", dir);
    CHECK(tu_write(p, k_reversed_gltf, strlen(k_reversed_gltf)) == 0);
    check_materials_of(p);
    tu_rmdir(dir);
}

STOA_TEST(mesh_materials_are_the_primitives_own)
{
    static const char *const corpus[] = {
#ifdef STOA_ON_SAMPLES
        "AlphaBlendModeTest/glTF/AlphaBlendModeTest.gltf",
        "TextureCoordinateTest/glTF/TextureCoordinateTest.gltf",
        "MetalRoughSpheresNoTextures/glTF/MetalRoughSpheresNoTextures.gltf",
        "TextureSettingsTest/glTF/TextureSettingsTest.gltf",
        "MorphPrimitivesTest/glTF/MorphPrimitivesTest.gltf",
#else
        "alpha/alpha.gltf",          "attributes/attributes.gltf", "materials/materials.gltf",
        "samplers/samplers.gltf",    "skin/skin.glb",
#endif
    };
    for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
        char p[4096];
        model_path(p, sizeof p, corpus[i]);
        check_materials_of(p);
    }
    check_reversed_materials();
}

// ---- tangent frames ----------------------------------------------------------------

static void sub3(const float *a, const float *b, float *o)
{
    for (int k = 0; k < 3; k++)
        o[k] = a[k] - b[k];
}

static float dot3(const float *a, const float *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

// Model-space directions of increasing u and v over triangle t; false when
// its UVs are degenerate.
static bool uv_gradients(const stoa_mesh *m, uint32_t t, float du[3], float dv[3])
{
    const uint32_t *ix = m->indices + t * 3;
    const float *uv0 = m->uv0 + ix[0] * 2, *uv1 = m->uv0 + ix[1] * 2, *uv2 = m->uv0 + ix[2] * 2;
    float e1[3], e2[3];
    sub3(m->positions + ix[1] * 3, m->positions + ix[0] * 3, e1);
    sub3(m->positions + ix[2] * 3, m->positions + ix[0] * 3, e2);
    float s1 = uv1[0] - uv0[0], t1 = uv1[1] - uv0[1], s2 = uv2[0] - uv0[0], t2 = uv2[1] - uv0[1];
    float det = s1 * t2 - s2 * t1;
    if (fabsf(det) < 1e-12f)
        return false;
    for (int k = 0; k < 3; k++) {
        du[k] = (e1[k] * t2 - e2[k] * t1) / det;
        dv[k] = (e2[k] * s1 - e1[k] * s2) / det;
    }
    return true;
}

typedef struct frame_count {
    uint32_t corners, t_along_u, b_up_the_image;
} frame_count;

// glTF: T.xyz along increasing u; bitangent cross(N, T.xyz) * T.w up the
// image, i.e. along decreasing v (glTF's UV origin is top-left).
static void count_frames(const stoa_mesh *m, frame_count *c)
{
    for (uint32_t t = 0; t < m->index_count / 3; t++) {
        float du[3], dv[3];
        if (!uv_gradients(m, t, du, dv))
            continue;
        for (int k = 0; k < 3; k++) {
            uint32_t v = m->indices[t * 3 + k];
            const float *tg = m->tangents + v * 4, *n = m->normals + v * 3;
            float b[3] = {(n[1] * tg[2] - n[2] * tg[1]) * tg[3],
                          (n[2] * tg[0] - n[0] * tg[2]) * tg[3],
                          (n[0] * tg[1] - n[1] * tg[0]) * tg[3]};
            c->corners++;
            c->t_along_u += dot3(tg, du) > 0;
            c->b_up_the_image += dot3(b, dv) < 0;
        }
    }
}

static void check_tangent_frames(const char *rel)
{
    char p[4096];
    model_path(p, sizeof p, rel);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_load(p, NULL, &s, &err) == STOA_OK, "%s", err.message);
    frame_count c = {0};
    for (uint32_t i = 0; s && i < s->mesh_count; i++) {
        const stoa_mesh *m = &s->meshes[i];
        CHECK_MSG(m->tangents && m->uv0, "%s: mesh %u has no tangents or UVs", rel, i);
        if (m->tangents && m->uv0)
            count_frames(m, &c);
    }
    // Smoothing may bend a corner's frame away from its face; 1% is plenty.
    CHECK_MSG(c.corners > 0 && c.t_along_u >= c.corners * 0.99,
              "%s: tangent along +u at %u of %u corners", rel, c.t_along_u, c.corners);
    CHECK_MSG(c.corners > 0 && c.b_up_the_image >= c.corners * 0.99,
              "%s: bitangent up the image at %u of %u corners", rel, c.b_up_the_image, c.corners);
    stoa_scene_destroy(&s);
}

STOA_TEST(generated_tangents_follow_gltf_handedness)
{
#ifdef STOA_ON_SAMPLES
    // No TANGENT attribute: generated (NormalTangentTest mirrors UVs per row).
    check_tangent_frames("NormalTangentTest/glTF/NormalTangentTest.gltf");
    check_tangent_frames("BoxTextured/glTF/BoxTextured.gltf");
    // TANGENT from the file, mirrored UVs included: must keep its own w.
    check_tangent_frames("NormalTangentMirrorTest/glTF/NormalTangentMirrorTest.gltf");
#else
    // A TANGENT attribute, generated tangents, and generated under mirrored UVs.
    check_tangent_frames("normals/normals.gltf");
    check_tangent_frames("textured/textured.gltf");
#endif
}

STOA_TEST_MAIN()
