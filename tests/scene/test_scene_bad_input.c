// SPDX-License-Identifier: Apache-2.0
// Bad glTF input: each case must fail (or fall back to a placeholder) with a
// message that names the file and what is wrong, never crash, and never read
// outside the scene's folder. Fixtures are made at run time, in a temporary
// folder, from Stoa's own generated test models (tools/testmodels).
#include <math.h>

#include "scene/stoa_scene.h"
#include "scene_test_util.h"
#include "stoa_test.h"

static char g_dir[4096];   // temporary folder; scenes go in g_dir/scene/
static char g_scene[4200]; // g_dir/scene

static void setup(void)
{
    if (g_dir[0])
        return;
    tu_mkdtemp(g_dir, sizeof g_dir, "badinput");
    snprintf(g_scene, sizeof g_scene, "%s/scene", g_dir);
    char cmd[8600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", g_scene);
    CHECK(system(cmd) == 0);
}

static void sample_path(char *out, size_t n, const char *rel)
{
    stoa_test_model(out, n, rel);
}

// Box.gltf's JSON, to be broken by the caller.
static cJSON *box_json(void)
{
    char p[4096], *file;
    sample_path(p, sizeof p, "box/box.gltf");
    cJSON *j = tu_gltf_json(p, &file, NULL, NULL);
    free(file);
    return j;
}

static void put_box_bin(void)
{
    char from[4096], to[4300];
    sample_path(from, sizeof from, "box/box.bin");
    snprintf(to, sizeof to, "%s/box.bin", g_scene);
    CHECK(tu_copy(from, to) == 0);
}

static void write_json(const char *name, cJSON *j, char *out_path, size_t n)
{
    snprintf(out_path, n, "%s/%s", g_scene, name);
    char *text = j ? cJSON_Print(j) : NULL;
    CHECK_MSG(text != NULL, "no JSON for %s (is STOA_TESTMODELS set?)", name);
    CHECK(text && tu_write(out_path, text, strlen(text)) == 0);
    free(text);
    cJSON_Delete(j);
}

// Loads `path`, expects failure with `code` and a message naming the file
// and containing `what`.
static void expect_fail(const char *path, stoa_result code, const char *what)
{
    stoa_scene *s = (stoa_scene *)0x1;
    stoa_error err = {0};
    stoa_result r = stoa_scene_load(path, NULL, &s, &err);
    CHECK_MSG(r == code, "%s: got %d (%s), want %d", path, r, err.message, code);
    CHECK(s == NULL);
    CHECK_CONTAINS(err.message, path);
    CHECK_CONTAINS(err.message, what);
    printf("  %s\n", err.message);
}

static cJSON *set(cJSON *obj, const char *key, cJSON *value)
{
    cJSON_DeleteItemFromObject(obj, key);
    cJSON_AddItemToObject(obj, key, value);
    return value;
}

STOA_TEST(truncated_glb)
{
    setup();
    char from[4096], to[4300];
    sample_path(from, sizeof from, "box/box.glb");
    size_t n = 0;
    char *glb = tu_read(from, &n);
    CHECK(glb && n > 1000);
    if (!glb || n <= 1000)
        return;
    snprintf(to, sizeof to, "%s/trunc.glb", g_scene);
    tu_write(to, glb, 1000);
    expect_fail(to, STOA_ERROR_PARSE, "truncated .glb");
    tu_write(to, glb, 10);
    expect_fail(to, STOA_ERROR_PARSE, "truncated .glb");
    // A chunk length that runs past the end of the file.
    glb[12] = (char)0xff, glb[13] = (char)0xff;
    tu_write(to, glb, n);
    expect_fail(to, STOA_ERROR_PARSE, "chunk 0");
    free(glb);
}

STOA_TEST(broken_json)
{
    setup();
    char from[4096], to[4300];
    sample_path(from, sizeof from, "box/box.gltf");
    size_t n = 0;
    char *text = tu_read(from, &n);
    CHECK(text != NULL);
    if (!text)
        return;
    snprintf(to, sizeof to, "%s/broken.gltf", g_scene);
    tu_write(to, text, n / 2);
    expect_fail(to, STOA_ERROR_PARSE, "broken JSON");
    // A comma missing on line 3: the message gives line and column.
    const char *bad = "{\n  \"asset\": {\"version\": \"2.0\"}\n  \"nodes\": []\n}\n";
    tu_write(to, bad, strlen(bad));
    char where[4400];
    snprintf(where, sizeof where, "%s:3:", to);
    expect_fail(to, STOA_ERROR_PARSE, where);
    free(text);
}

STOA_TEST(missing_bin)
{
    setup();
    char p[4300];
    cJSON *j = box_json();
    set(tu_at(j, "buffers", 0), "uri", cJSON_CreateString("nothere.bin"));
    write_json("missing_bin.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_NOT_FOUND, "buffers[0]");
    expect_fail(p, STOA_ERROR_NOT_FOUND, "nothere.bin");
}

STOA_TEST(missing_image_gives_placeholder_and_warning)
{
    setup();
    char from[4096], to[4300];
    sample_path(from, sizeof from, "textured/textured.bin");
    snprintf(to, sizeof to, "%s/textured.bin", g_scene);
    CHECK(tu_copy(from, to) == 0);
    sample_path(from, sizeof from, "textured/textured.gltf");
    snprintf(to, sizeof to, "%s/textured_no_png.gltf", g_scene);
    CHECK(tu_copy(from, to) == 0); // the PNG is not copied
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_load(to, NULL, &s, &err) == STOA_OK, "%s", err.message);
    if (!s)
        return;
    CHECK(s->texture_count == 1);
    CHECK(s->textures[0].placeholder);
    CHECK(s->textures[0].rgba && s->textures[0].width > 0);
    // Magenta, so an author sees it at once.
    CHECK(s->textures[0].rgba[0] == 255 && s->textures[0].rgba[1] == 0 &&
          s->textures[0].rgba[2] == 255);
    CHECK(s->warning_count >= 1);
    CHECK_CONTAINS(s->warning_count ? s->warnings[0] : "", "quadrants.png");
    stoa_scene_destroy(&s);

    // A corrupt image (not a PNG) is a placeholder too.
    snprintf(to, sizeof to, "%s/quadrants.png", g_scene);
    tu_write(to, "this is not a png", 17);
    snprintf(to, sizeof to, "%s/textured_no_png.gltf", g_scene);
    CHECK(stoa_scene_load(to, NULL, &s, &err) == STOA_OK);
    CHECK(s && s->textures[0].placeholder);
    CHECK_CONTAINS(s && s->warning_count ? s->warnings[0] : "", "not a PNG, JPEG or WebP");
    stoa_scene_destroy(&s);
}

STOA_TEST(accessor_out_of_range)
{
    setup();
    put_box_bin();
    char p[4300];
    cJSON *j = box_json();
    set(tu_at(j, "accessors", 1), "count", cJSON_CreateNumber(100000));
    write_json("acc_count.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_PARSE, "accessors[1]");

    j = box_json();
    set(tu_at(j, "accessors", 0), "byteOffset", cJSON_CreateNumber(1e6));
    write_json("acc_offset.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_PARSE, "overrun");

    j = box_json();
    cJSON *prim = tu_at(tu_at(j, "meshes", 0), "primitives", 0);
    set(prim, "indices", cJSON_CreateNumber(42));
    write_json("acc_index.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_PARSE, "meshes[0].primitives[0].indices = 42 is out of range");

    j = box_json();
    set(tu_at(j, "bufferViews", 0), "byteLength", cJSON_CreateNumber(1e7));
    write_json("view_len.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_PARSE, "bufferViews[0]");

    j = box_json();
    set(tu_at(j, "buffers", 0), "byteLength", cJSON_CreateNumber(1e7));
    write_json("buf_len.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_PARSE, "buffers[0]: byteLength");
}

STOA_TEST(index_values_out_of_range)
{
    setup();
    char from[4096], p[4300];
    sample_path(from, sizeof from, "box/box.bin");
    size_t n = 0;
    uint8_t *bin = (uint8_t *)tu_read(from, &n);
    CHECK(bin != NULL);
    if (!bin)
        return;
    cJSON *j = box_json();
    cJSON *prim = tu_at(tu_at(j, "meshes", 0), "primitives", 0);
    cJSON *acc = tu_at(j, "accessors", tu_int(prim, "indices", 0));
    cJSON *view = tu_at(j, "bufferViews", tu_int(acc, "bufferView", 0));
    CHECK(tu_int(acc, "componentType", 0) == 5123);
    size_t off = (size_t)tu_int(view, "byteOffset", 0) + (size_t)tu_int(acc, "byteOffset", 0);
    bin[off + 2] = 0xff, bin[off + 3] = 0x7f; // second index = 32767, Box has 24 vertices
    snprintf(p, sizeof p, "%s/badidx.bin", g_scene);
    tu_write(p, bin, n);
    free(bin);
    set(tu_at(j, "buffers", 0), "uri", cJSON_CreateString("badidx.bin"));
    write_json("bad_index_value.gltf", j, p, sizeof p);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_scene_load(p, NULL, &s, &err);
    CHECK_MSG(r == STOA_ERROR_PARSE, "an index past the vertices loaded");
    CHECK_CONTAINS(err.message, p);
    CHECK_CONTAINS(err.message, "index 32767 is past the 24 vertices");
    printf("  %s\n", err.message);
    stoa_scene_destroy(&s);
}

STOA_TEST(uri_leaving_the_folder)
{
    setup();
    put_box_bin();
    // The real file sits one level up, where a careless loader would find it.
    char from[4096], to[4300], p[4300];
    sample_path(from, sizeof from, "box/box.bin");
    snprintf(to, sizeof to, "%s/box.bin", g_dir);
    CHECK(tu_copy(from, to) == 0);
    const char *uris[] = {"../box.bin", "sub/../../box.bin", "%2e%2e/box.bin", to,
                          "file:///etc/passwd"};
    const char *why[] = {"leaves", "leaves", "leaves", "absolute", "scheme"};
    for (int i = 0; i < 5; i++) {
        cJSON *j = box_json();
        set(tu_at(j, "buffers", 0), "uri", cJSON_CreateString(uris[i]));
        write_json("escape.gltf", j, p, sizeof p);
        expect_fail(p, STOA_ERROR_UNSAFE_PATH, why[i]);
    }
    // An image URI that leaves the folder fails the same way.
    sample_path(from, sizeof from, "textured/textured.gltf");
    char *file;
    cJSON *j = tu_gltf_json(from, &file, NULL, NULL);
    free(file);
    set(tu_at(j, "images", 0), "uri", cJSON_CreateString("../../secret.png"));
    write_json("escape_image.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_UNSAFE_PATH, "images[0].uri");
}

STOA_TEST(node_cycle)
{
    setup();
    put_box_bin();
    char p[4300];
    cJSON *j = box_json(); // node 0 has child 1
    set(tu_at(j, "nodes", 1), "children", cJSON_CreateIntArray((const int[]){0}, 1));
    write_json("cycle.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_PARSE, "cycle");

    j = box_json();
    set(tu_at(j, "nodes", 1), "children", cJSON_CreateIntArray((const int[]){1}, 1));
    write_json("self.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_PARSE, "nodes[1].children[0]");

    j = box_json();
    set(tu_at(j, "nodes", 0), "children", cJSON_CreateIntArray((const int[]){1, 7}, 2));
    write_json("child_range.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_PARSE, "nodes[0].children[1]");
}

STOA_TEST(nan_transforms)
{
    setup();
    put_box_bin();
    char p[4300];
    cJSON *j = box_json();
    // JSON has no NaN; 1e999 is what a broken exporter writes for infinity.
    cJSON *m = cJSON_GetObjectItem(tu_at(j, "nodes", 0), "matrix");
    cJSON_ReplaceItemInArray(m, 5, cJSON_CreateRaw("1e999"));
    write_json("inf_matrix.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_PARSE, "nodes[0].matrix[5] is not a finite number");

    j = box_json();
    set(tu_at(j, "nodes", 1), "translation", cJSON_CreateRaw("[0, -1e999, 0]"));
    write_json("inf_translation.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_PARSE, "nodes[1].translation[1]");

    // NaN inside the binary positions.
    char from[4096];
    sample_path(from, sizeof from, "box/box.bin");
    size_t n = 0;
    uint8_t *bin = (uint8_t *)tu_read(from, &n);
    CHECK(bin != NULL);
    if (!bin)
        return;
    float nan = NAN;
    snprintf(p, sizeof p, "%s/nan.bin", g_scene);
    j = box_json();
    // Find where POSITION really lives rather than trusting a constant.
    cJSON *prim = tu_at(tu_at(j, "meshes", 0), "primitives", 0);
    int pos = tu_int(cJSON_GetObjectItem(prim, "attributes"), "POSITION", 0);
    cJSON *acc = tu_at(j, "accessors", pos);
    cJSON *view = tu_at(j, "bufferViews", tu_int(acc, "bufferView", 0));
    size_t off = (size_t)tu_int(view, "byteOffset", 0) + (size_t)tu_int(acc, "byteOffset", 0);
    memcpy(bin + off + 4, &nan, 4);
    tu_write(p, bin, n);
    free(bin);
    set(tu_at(j, "buffers", 0), "uri", cJSON_CreateString("nan.bin"));
    write_json("nan_position.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_PARSE, "NaN");
}

STOA_TEST(not_gltf)
{
    setup();
    char p[4300], from[4096];
    snprintf(p, sizeof p, "%s/image.gltf", g_scene);
    sample_path(from, sizeof from, "textured/quadrants.png");
    CHECK(tu_copy(from, p) == 0);
    expect_fail(p, STOA_ERROR_PARSE, "not a glTF file");

    snprintf(p, sizeof p, "%s/cube.gltf", g_scene);
    const char *obj = "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n";
    tu_write(p, obj, strlen(obj));
    expect_fail(p, STOA_ERROR_PARSE, "not a glTF file");

    snprintf(p, sizeof p, "%s/cube.glb", g_scene);
    tu_write(p, obj, strlen(obj));
    expect_fail(p, STOA_ERROR_PARSE, "no 'glTF' magic");

    snprintf(p, sizeof p, "%s/other.gltf", g_scene);
    tu_write(p, "{\"hello\": 1}", 12);
    expect_fail(p, STOA_ERROR_PARSE, "asset.version");

    tu_write(p, "{\"asset\": {\"version\": \"1.0\"}}", 29);
    expect_fail(p, STOA_ERROR_UNSUPPORTED, "glTF 2");

    tu_write(p, "", 0);
    expect_fail(p, STOA_ERROR_PARSE, "not a glTF file");

    snprintf(p, sizeof p, "%s/does-not-exist.gltf", g_scene);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK(stoa_scene_load(p, NULL, &s, &err) < 0 && s == NULL);
    CHECK_CONTAINS(err.message, "does-not-exist.gltf");
}

STOA_TEST(size_limit)
{
    char p[4096];
    sample_path(p, sizeof p, "textured/textured.glb");
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_scene_load_desc desc = {.max_file_size = 1000};
    CHECK(stoa_scene_load(p, &desc, &s, &err) == STOA_ERROR_LIMIT);
    CHECK(s == NULL);
    CHECK_CONTAINS(err.message, "textured.glb");
}

// EXT_meshopt_compression: every rule of the extension is checked before
// anything is decoded, and a stream that is not meshopt data is refused.
STOA_TEST(meshopt_rules)
{
    setup();
    put_box_bin();
    static const struct {
        const char *ext, *want;
    } cases[] = {
        {"{\"buffer\":0,\"byteLength\":100,\"byteStride\":12,\"count\":24,"
         "\"mode\":\"ATTRIBUTES\"}",
         "corrupt"},
        {"{\"buffer\":0,\"byteLength\":100,\"byteStride\":12,\"count\":24,"
         "\"mode\":\"SIDEWAYS\"}",
         "mode"},
        {"{\"buffer\":0,\"byteLength\":100,\"byteStride\":12,\"count\":24,"
         "\"mode\":\"ATTRIBUTES\",\"filter\":\"OCTAHEDRAL\"}",
         "filter does not allow"},
        {"{\"buffer\":0,\"byteLength\":100,\"byteStride\":12,\"count\":23,"
         "\"mode\":\"ATTRIBUTES\"}",
         "count * byteStride"},
        {"{\"buffer\":0,\"byteOffset\":600,\"byteLength\":100,\"byteStride\":12,"
         "\"count\":24,\"mode\":\"ATTRIBUTES\"}",
         "outside its buffer"},
        {"{\"buffer\":7,\"byteLength\":100,\"byteStride\":12,\"count\":24,"
         "\"mode\":\"ATTRIBUTES\"}",
         "not a buffer index"},
        {"{\"buffer\":0,\"byteLength\":100,\"byteStride\":2,\"count\":141,"
         "\"mode\":\"TRIANGLES\"}",
         "count * byteStride"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *j = box_json();
        // bufferViews[0] holds the box's 24 positions (288 bytes).
        cJSON *view = tu_at(j, "bufferViews", 0);
        cJSON *exts = cJSON_CreateObject();
        cJSON_AddItemToObject(exts, "EXT_meshopt_compression", cJSON_Parse(cases[i].ext));
        cJSON_AddItemToObject(view, "extensions", exts);
        cJSON_AddItemToObject(j, "extensionsUsed",
                              cJSON_Parse("[\"EXT_meshopt_compression\"]"));
        char p[4300];
        write_json("meshopt.gltf", j, p, sizeof p);
        expect_fail(p, STOA_ERROR_PARSE, cases[i].want);
    }
}

// A skin without inverseBindMatrices is valid glTF (identity matrices) and
// crashed Assimp 5.2.5 (found by fuzzing): it loads, with identity matrices.
STOA_TEST(skin_without_inverse_bind_matrices)
{
    setup();
    char from[4096], to[4300];
    sample_path(from, sizeof from, "skin/skin.glb");
    size_t n = 0;
    char *glb = tu_read(from, &n);
    CHECK(glb != NULL);
    if (!glb)
        return;
    // Same length, so the .glb's chunk sizes stay right.
    char *key = NULL;
    for (size_t i = 0; i + 21 < n && !key; i++)
        if (memcmp(glb + i, "\"inverseBindMatrices\"", 21) == 0)
            key = glb + i;
    CHECK(key != NULL);
    if (key)
        memcpy(key, "\"xnverseBindMatrices\"", 21);
    snprintf(to, sizeof to, "%s/no_ibm.glb", g_scene);
    CHECK(tu_write(to, glb, n) == 0);
    free(glb);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_load(to, NULL, &s, &err) == STOA_OK, "%s", err.message);
    CHECK(s && s->skin_count == 1 && s->skins[0].joint_count == 3);
    for (uint32_t k = 0; s && s->skin_count && k < 16; k++)
        CHECK_NEAR(s->skins[0].inverse_bind[k], k % 5 == 0 ? 1.0 : 0.0, 1e-6);
    stoa_scene_destroy(&s);
}

// A few bytes per morph target, each as many deltas as the primitive has
// vertices: past 2^24 target vertices the file is refused, not loaded
// into gigabytes (Box: 24 vertices; 700 000 empty targets, about 2 MB).
STOA_TEST(morph_targets_past_the_limit)
{
    setup();
    put_box_bin();
    char p[4300];
    cJSON *j = box_json();
    cJSON *prim = tu_at(tu_at(j, "meshes", 0), "primitives", 0);
    cJSON *targets = set(prim, "targets", cJSON_CreateArray());
    for (int t = 0; targets && t < 700000; t++)
        cJSON_AddItemToArray(targets, cJSON_CreateObject());
    write_json("morph_many.gltf", j, p, sizeof p);
    expect_fail(p, STOA_ERROR_LIMIT, "700000 morph targets of 24 vertices");
}

STOA_TEST(cleanup)
{
    tu_rmdir(g_dir);
}

STOA_TEST_MAIN()
