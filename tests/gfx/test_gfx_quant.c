// SPDX-License-Identifier: Apache-2.0
// Quantised vertex streams (runtime/gfx/gfx_quant.c) drawn against the
// same scenes uploaded as floats (STOA_GFX_QUANT=off): the pictures differ
// by at most a few levels on average and in few pixels, and the vertex
// streams take fewer bytes. The scenes: the heavy scan (tiles, instanced
// columns: the dequantisation folded into batched matrices; also each
// stream alone quantised, as on a device that reads only that format), the
// agora, a cached load (the baked streams), the skin (dequantised in the
// shader before the joints) and the morph test model (deltas scaled).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_test_util.h"
#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_quant.h"
#include "stoa_test.h"

typedef struct quant_pic {
    gt_image img;
    uint64_t bytes;
    uint32_t format;
} quant_pic;

// zoom: the view frames the middle 1/zoom of the scene's bounds (1: all).
static float g_zoom = 1.0f;
// Also draw each stream alone quantised (the heavy scene only: CI time).
static bool g_each_stream;

static bool draw(const stoa_scene *s, const char *quant, const stoa_pose *pose, quant_pic *out)
{
    setenv("STOA_GFX_QUANT", quant, 1);
    stoa_gfx_renderer *r = gt_renderer();
    stoa_error err = {0};
    stoa_gfx_scene *gs = NULL;
    if (!r || stoa_gfx_scene_create(r, s, &gs, &err) < 0) {
        fprintf(stderr, "upload: %s\n", err.message);
        return false;
    }
    out->bytes = stoa_gfx_scene_vertex_bytes(gs, &out->format, NULL);
    stoa_gfx_scene_destroy(&gs);
    float mn[3], mx[3];
    for (int a = 0; a < 3; a++) {
        float c = 0.5f * (s->bounds_min[a] + s->bounds_max[a]);
        float h = 0.5f * (s->bounds_max[a] - s->bounds_min[a]) / (a == 1 ? 1.0f : g_zoom);
        mn[a] = c - h;
        mx[a] = c + h;
    }
    stoa_gfx_view view;
    stoa_gfx_view_frame_bounds(mn, mx, 0.6f, 0.35f, 0.8f, 480.0f / 300.0f, &view);
    gt_render_desc d = {.w = 480, .h = 300, .views = &view, .pose = pose};
    d.options.clear_color[3] = 1.0f;
    bool ok = gt_render(s, &d, &out->img);
    unsetenv("STOA_GFX_QUANT");
    return ok;
}

static double mean_diff(const gt_image *a, const gt_image *b)
{
    double sum = 0;
    for (size_t i = 0; i < (size_t)a->w * a->h * 4; i++)
        sum += abs((int)a->rgba[i] - (int)b->rgba[i]);
    return sum / ((double)a->w * a->h * 4);
}

// Draws s quantised and as floats and compares; `expect` are the streams
// that must come out quantised on lavapipe.
static void compare(const stoa_scene *s, const char *name, uint32_t expect, const stoa_pose *pose)
{
    quant_pic f = {0}, q = {0};
    CHECK(draw(s, "off", pose, &f));
    CHECK(draw(s, "on", pose, &q));
    if (!f.img.rgba || !q.img.rgba)
        return;
    if (pose) { // the pose must move something, or the test shows nothing
        quant_pic rest = {0};
        CHECK(draw(s, "off", NULL, &rest));
        CHECK_MSG(rest.img.rgba && gt_diff_fraction(&rest.img, &f.img, 24) > 0.001,
                  "%s: the posed picture equals the rest pose's", name);
        gt_free(&rest.img);
    }
    CHECK_MSG(f.format == 0, "%s: floats asked for, format %#x", name, f.format);
    CHECK_MSG((q.format & expect) == expect, "%s: quantised streams %#x, expected %#x", name,
              q.format, expect);
    CHECK_MSG(q.bytes < f.bytes, "%s: %llu vertex bytes quantised, %llu as floats", name,
              (unsigned long long)q.bytes, (unsigned long long)f.bytes);
    double mean = mean_diff(&f.img, &q.img);
    double frac = gt_diff_fraction(&f.img, &q.img, 24);
    char diff_name[128];
    snprintf(diff_name, sizeof diff_name, "quant-%s-diff", name);
    int max = gt_max_diff(&f.img, &q.img, 8, diff_name); // the diff picture kept
    printf("%s: streams %#x, vertex bytes %llu -> %llu, mean diff %.4f, max %d, "
           "%.4f%% of pixels over 24\n",
           name, q.format, (unsigned long long)f.bytes, (unsigned long long)q.bytes, mean, max,
           frac * 100.0);
    CHECK_MSG(mean < 0.5, "%s: mean difference %.3f", name, mean);
    CHECK_MSG(frac < 0.005, "%s: %.3f%% of pixels differ by more than 24", name, frac * 100.0);
    char pic[128];
    snprintf(pic, sizeof pic, "quant-%s-float", name);
    gt_save(&f.img, pic);
    snprintf(pic, sizeof pic, "quant-%s-quantised", name);
    gt_save(&q.img, pic);
    // Each stream alone quantised (the others as a device without their
    // format would have them): the picture within the same bounds.
    static const char *const one[] = {"position", "normal", "uv", "color"};
    for (int k = 0; k < 4 && g_each_stream; k++) {
        quant_pic p = {0};
        CHECK(draw(s, one[k], pose, &p));
        if (!p.img.rgba)
            continue;
        CHECK_MSG((p.format & ~(1u << k)) == 0, "%s: only %s asked for, got %#x", name, one[k],
                  p.format);
        CHECK_MSG(mean_diff(&f.img, &p.img) <= mean + 0.05, "%s with %s only: mean %.3f", name,
                  one[k], mean_diff(&f.img, &p.img));
        gt_free(&p.img);
    }
    gt_free(&f.img);
    gt_free(&q.img);
}

#ifdef STOA_ON_SAMPLES
// Khronos samples (an extra: skipped without ../shared/gltf-samples): the
// smooth spheres show any error of 8-bit normals in their highlights; the
// mirrored normal-mapped test, tangents and their handedness.
STOA_TEST(sample_spheres_and_mirrored_tangents_quantised_look_the_same)
{
    const char *files[] = {"MetalRoughSpheresNoTextures/glTF/MetalRoughSpheresNoTextures.gltf",
                           "NormalTangentMirrorTest/glTF/NormalTangentMirrorTest.gltf",
                           "CesiumMan/glTF/CesiumMan.gltf",
                           "AnimatedMorphCube/glTF/AnimatedMorphCube.gltf"};
    const char *names[] = {"spheres", "tangent-mirror", "cesium-man", "morph-cube"};
    for (int i = 0; i < 4; i++) {
        stoa_scene *s = gt_load_sample(files[i]);
        CHECK_MSG(s != NULL, "%s did not load", files[i]);
        if (!s)
            continue;
        // The skinned and morphed ones posed part way through their animation.
        stoa_pose *pose = i >= 2 ? stoa_pose_create(s) : NULL;
        if (pose) {
            stoa_pose_reset(pose);
            stoa_pose_apply_animation(pose, 0, 0.3f * s->animations[0].duration);
            stoa_pose_update(pose);
        }
        compare(s, names[i], STOA_QUANT_POSITION | STOA_QUANT_NORMAL, pose);
        stoa_pose_destroy(&pose);
        stoa_scene_destroy(&s);
    }
}
#else
// Loads <$env>/<rel> (STOA_BUILD_DIR or STOA_SOURCE_DIR; "." when unset).
static stoa_scene *load_under(const char *env, const char *rel)
{
    char path[4096];
    const char *dir = getenv(env);
    snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", rel);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    if (stoa_scene_load(path, NULL, &s, &err) < 0)
        fprintf(stderr, "%s\n", err.message);
    CHECK_MSG(s != NULL, "%s did not load", rel);
    return s;
}

STOA_TEST(the_heavy_scan_quantised_looks_the_same)
{
    stoa_scene *s = load_under("STOA_BUILD_DIR", "scenes/heavy/heavy-small.glb");
    if (!s)
        return; // target heavy_scene_small
    g_zoom = 3.0f;
    g_each_stream = true;
    compare(s, "heavy", STOA_QUANT_POSITION | STOA_QUANT_NORMAL, NULL);
    g_each_stream = false;
    g_zoom = 1.0f;
    stoa_scene_destroy(&s);
}

STOA_TEST(the_agora_quantised_looks_the_same)
{
    stoa_scene *s = load_under("STOA_SOURCE_DIR", "scenes/agora/agora.glb");
    if (!s)
        return;
    g_zoom = 1.5f;
    compare(s, "agora", STOA_QUANT_POSITION | STOA_QUANT_NORMAL, NULL);
    g_zoom = 1.0f;
    stoa_scene_destroy(&s);
}

// A unit box (24 vertices, face normals) in a mesh, with `extra` unused
// vertices after them.
static void make_box(stoa_mesh *m, uint32_t extra)
{
    memset(m, 0, sizeof *m);
    m->name = "box";
    m->vertex_count = 24 + extra;
    m->index_count = 36;
    m->skin = m->material = -1;
    m->positions = calloc(m->vertex_count * 3, sizeof(float));
    m->normals = calloc(m->vertex_count * 3, sizeof(float));
    m->indices = malloc(36 * sizeof(uint32_t));
    for (uint32_t f = 0; f < 6; f++) {
        uint32_t a = f / 2, b = (a + 1) % 3, c = (a + 2) % 3;
        float side = f % 2 ? -0.5f : 0.5f;
        for (uint32_t k = 0; k < 4; k++) {
            float *p = m->positions + (f * 4 + k) * 3;
            p[a] = side;
            p[b] = (k == 1 || k == 2) ? 0.5f : -0.5f;
            p[c] = (k >= 2) ? 0.5f : -0.5f;
            m->normals[(f * 4 + k) * 3 + a] = side * 2.0f;
        }
        const uint32_t quad[6] = {0, 1, 2, 0, 2, 3};
        for (uint32_t k = 0; k < 6; k++) // both windings drawn the same: no culling issue
            m->indices[f * 6 + k] = f * 4 + quad[f % 2 ? 5 - k : k];
    }
    for (int a = 0; a < 3; a++)
        m->bounds_min[a] = -0.5f, m->bounds_max[a] = 0.5f;
}

// Two boxes (the second with `extra` unused vertices) drawn by three nodes,
// the last two drawing the second box.
typedef struct box_scene {
    stoa_mesh meshes[2];
    uint32_t mesh_of[3];
    stoa_node nodes[3];
    stoa_scene scene;
} box_scene;

static void make_box_scene(box_scene *b, uint32_t extra)
{
    make_box(&b->meshes[0], 0);
    make_box(&b->meshes[1], extra);
    for (uint32_t i = 0; i < 3; i++) {
        b->mesh_of[i] = i ? 1 : 0;
        b->nodes[i] = (stoa_node){.name = "",
                                  .parent = -1,
                                  .translation = {1.6f * (float)i - 1.6f, 0.3f * (float)i, 0},
                                  .rotation = {0.2f, 0.3f, 0, 0.932738f},
                                  .scale = {1, 1, 1},
                                  .mesh_count = 1,
                                  .meshes = &b->mesh_of[i],
                                  .camera = -1,
                                  .light = -1};
    }
    b->scene = (stoa_scene){.path = "twins",
                            .mesh_count = 2,
                            .meshes = b->meshes,
                            .node_count = 3,
                            .nodes = b->nodes,
                            .bounds_min = {-2.5f, -1.0f, -1.0f},
                            .bounds_max = {2.5f, 1.6f, 1.0f}};
}

static void free_box_scene(box_scene *b)
{
    for (int i = 0; i < 2; i++) {
        free(b->meshes[i].positions);
        free(b->meshes[i].normals);
        free(b->meshes[i].indices);
    }
}

// Meshes with equal data (twins, stoa_scene_mesh_twins) share one copy on
// the GPU: fewer vertex bytes than when the second box has one unused
// vertex more (not a twin), the same picture to the bit, quantised or not.
STOA_TEST(twin_meshes_share_their_vertices_on_the_gpu)
{
    static const char *const modes[] = {"off", "on"};
    for (int q = 0; q < 2; q++) {
        quant_pic pic[2];
        memset(pic, 0, sizeof pic);
        for (uint32_t extra = 0; extra < 2; extra++) {
            box_scene b;
            make_box_scene(&b, extra);
            CHECK(draw(&b.scene, modes[q], NULL, &pic[extra]));
            free_box_scene(&b);
        }
        CHECK_MSG(pic[0].bytes * 3 / 2 < pic[1].bytes, "%s: twins %llu vertex bytes, others %llu",
                  modes[q], (unsigned long long)pic[0].bytes, (unsigned long long)pic[1].bytes);
        CHECK(pic[0].format == pic[1].format && (pic[0].format != 0) == (q == 1));
        if (pic[0].img.rgba && pic[1].img.rgba) {
            CHECK(gt_max_diff(&pic[0].img, &pic[1].img, 0, "quant-twins-diff") == 0);
            CHECK(gt_count_near(&pic[0].img, 0, 0, 0, 0) < pic[0].img.w * pic[0].img.h);
            if (q)
                gt_save(&pic[0].img, "quant-twins");
        }
        for (int i = 0; i < 2; i++)
            gt_free(&pic[i].img);
    }
}

// Draws gs (one 240x180 layer) into *out.
static bool render_one(stoa_gfx_scene *gs, const stoa_gfx_view *view, gt_image *out)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_error err = {0};
    stoa_gfx_target *t = NULL;
    stoa_gfx_target_desc td = {.width = 240, .height = 180, .layers = 1};
    stoa_gfx_render_options opt = {0};
    opt.clear_color[3] = 1.0f;
    *out = (gt_image){.w = 240, .h = 180, .rgba = malloc(240 * 180 * 4)};
    bool ok = r && out->rgba && stoa_gfx_target_create(r, &td, &t, &err) >= 0 &&
              stoa_gfx_render_now(r, t, view, 1, gs, NULL, &opt, &err) >= 0 &&
              stoa_gfx_target_read_rgba(t, 0, out->rgba, &err) >= 0;
    if (!ok)
        fprintf(stderr, "render: %s\n", err.message);
    stoa_gfx_target_destroy(&t);
    return ok;
}

// Levels of detail that come after the upload (stoa_gfx_scene_add_lods)
// keep the twins' shared layout: the same index buffer size and picture as
// an upload that had them from the start. The levels: two faces of each box.
STOA_TEST(levels_added_later_to_twins_keep_the_shared_layout)
{
    box_scene b;
    make_box_scene(&b, 0);
    stoa_scene *sc = &b.scene;
    uint32_t lod_first[3] = {0, 1, 2};
    stoa_mesh_lod lods[2] = {{.mesh = 0, .index_count = 12, .indices = b.meshes[0].indices},
                             {.mesh = 1, .index_count = 12, .indices = b.meshes[1].indices}};
    stoa_gfx_renderer *r = gt_renderer();
    stoa_gfx_scene *late = NULL, *fresh = NULL;
    stoa_error err = {0};
    CHECK(r && stoa_gfx_scene_create(r, sc, &late, &err) >= 0);
    sc->lods = lods, sc->lod_count = 2, sc->mesh_lod_first = lod_first;
    CHECK_MSG(late && stoa_gfx_scene_add_lods(r, late, sc, &err) == 1, "%s", err.message);
    CHECK(r && stoa_gfx_scene_create(r, sc, &fresh, &err) >= 0);
    uint64_t geo_late = 0, geo_fresh = 0;
    stoa_gfx_scene_vertex_bytes(late, NULL, &geo_late);
    stoa_gfx_scene_vertex_bytes(fresh, NULL, &geo_fresh);
    CHECK_MSG(geo_late == geo_fresh, "geometry bytes: levels added later %llu, from the start %llu",
              (unsigned long long)geo_late, (unsigned long long)geo_fresh);
    stoa_gfx_view view;
    stoa_gfx_view_frame_bounds(sc->bounds_min, sc->bounds_max, 0.6f, 0.35f, 0.8f, 4.0f / 3.0f,
                               &view);
    gt_image img[2] = {{0}, {0}};
    if (late && fresh && render_one(late, &view, &img[0]) && render_one(fresh, &view, &img[1])) {
        CHECK(gt_max_diff(&img[0], &img[1], 0, "quant-twins-late-lods-diff") == 0);
        CHECK(gt_count_near(&img[0], 0, 0, 0, 0) < img[0].w * img[0].h); // something drawn
    }
    gt_free(&img[0]);
    gt_free(&img[1]);
    stoa_gfx_scene_destroy(&late);
    stoa_gfx_scene_destroy(&fresh);
    free_box_scene(&b);
}

// A cached load uploads the baked file's quantised streams (QVTX): the same
// bytes on the GPU, the same picture to the bit as the import's.
STOA_TEST(a_cached_load_uploads_the_baked_streams)
{
    char dir[] = "/tmp/stoa-quant-XXXXXX", path[4096];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/skin/skin.glb", getenv("STOA_TESTMODELS"));
    stoa_scene_load_desc desc = {.use_cache = true, .cache_dir = dir};
    stoa_scene *s[2] = {NULL, NULL};
    quant_pic pic[2];
    memset(pic, 0, sizeof pic);
    for (int i = 0; i < 2; i++) {
        stoa_error err = {0};
        CHECK_MSG(stoa_scene_load(path, &desc, &s[i], &err) >= 0, "%s", err.message);
        if (!s[i])
            break;
        stoa_scene_cache_wait(s[i]);
        CHECK(draw(s[i], "on", NULL, &pic[i]));
    }
    CHECK(s[1] && stoa_scene_cache_outcome_of(s[1]) == STOA_SCENE_CACHE_HIT);
    CHECK(s[1] && stoa_scene_quant_baked(s[1]) != NULL);
    CHECK(pic[0].format == pic[1].format && pic[0].bytes == pic[1].bytes && pic[1].format);
    if (pic[0].img.rgba && pic[1].img.rgba)
        CHECK(gt_max_diff(&pic[0].img, &pic[1].img, 0, "quant-cached-diff") == 0);
    for (int i = 0; i < 2; i++) {
        gt_free(&pic[i].img);
        stoa_scene_destroy(&s[i]);
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

// Skinned and morphed meshes: positions dequantised before the joints and
// the morph deltas (which stay in mesh units), posed mid-animation.
STOA_TEST(skinned_and_morphed_meshes_quantised_pose_the_same)
{
    const char *files[] = {"skin/skin.glb", "morph/morph.gltf"};
    for (int i = 0; i < 2; i++) {
        stoa_scene *s = gt_load(files[i]);
        CHECK_MSG(s != NULL, "%s did not load", files[i]);
        if (!s)
            continue;
        stoa_pose *pose = stoa_pose_create(s);
        CHECK(pose != NULL);
        if (pose) {
            stoa_pose_reset(pose);
            if (s->animation_count)
                stoa_pose_apply_animation(pose, 0, 0.5f * s->animations[0].duration);
            stoa_pose_update(pose);
            compare(s, i ? "morph" : "skin", STOA_QUANT_POSITION | STOA_QUANT_NORMAL, pose);
            stoa_pose_destroy(&pose);
        }
        stoa_scene_destroy(&s);
    }
}

#endif

int main(int argc, char **argv)
{
    return gt_test_main(argc, argv); // the validation messages too
}
