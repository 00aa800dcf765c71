// SPDX-License-Identifier: Apache-2.0
// Culling and levels of detail on the device, two eyes in one render call:
// a node outside both eyes' frusta is not drawn, one that only one eye sees
// is drawn in that eye, and the pictures equal those drawn without culling.
// Levels: the heavy test scene (build/scenes/heavy/heavy-small.glb) seen from
// afar draws fewer triangles and looks the same within a small tolerance.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx/gfx_internal.h"
#include "gfx_test_util.h"
#include "stoa_test.h"

typedef struct drawn {
    gt_image eye[2];
    stoa_gfx_scene_stats stats;
} drawn;

static bool g_no_batch; // render2's no_batch, for the batching test

// Draws gs (kept) in two eyes.
static bool render_gs(stoa_gfx_scene *gs, const stoa_gfx_view views[2], uint32_t w, uint32_t h,
                      bool no_cull, bool no_lod, drawn *out)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_error err = {0};
    stoa_gfx_target *t = NULL;
    bool ok = r && gs;
    stoa_gfx_target_desc td = {.width = w, .height = h, .layers = 2};
    ok = ok && stoa_gfx_target_create(r, &td, &t, &err) >= 0;
    stoa_gfx_render_options opt = {.no_cull = no_cull, .no_lod = no_lod, .no_batch = g_no_batch};
    opt.clear_color[3] = 1.0f;
    ok = ok && stoa_gfx_render_now(r, t, views, 2, gs, NULL, &opt, &err) >= 0;
    for (int i = 0; i < 2 && ok; i++) {
        out->eye[i] = (gt_image){.w = w, .h = h, .rgba = malloc((size_t)w * h * 4)};
        ok = out->eye[i].rgba && stoa_gfx_target_read_rgba(t, (uint32_t)i, out->eye[i].rgba, &err) >= 0;
    }
    if (ok)
        out->stats = stoa_gfx_scene_stats_get(gs);
    if (!ok)
        fprintf(stderr, "render: %s\n", err.message);
    stoa_gfx_target_destroy(&t);
    return ok;
}

static bool render2(const stoa_scene *scene, const stoa_gfx_view views[2], uint32_t w, uint32_t h,
                    bool no_cull, bool no_lod, drawn *out)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_error err = {0};
    stoa_gfx_scene *gs = NULL;
    if (!r || stoa_gfx_scene_create(r, scene, &gs, &err) < 0) {
        fprintf(stderr, "upload: %s\n", err.message);
        return false;
    }
    bool ok = render_gs(gs, views, w, h, no_cull, no_lod, out);
    stoa_gfx_scene_destroy(&gs);
    return ok;
}

static void drawn_free(drawn *d)
{
    gt_free(&d->eye[0]);
    gt_free(&d->eye[1]);
}

// The same eye turned half round (eye space x and z negated).
static void turn_around(const stoa_gfx_view *in, stoa_gfx_view *out)
{
    *out = *in;
    for (int c = 0; c < 4; c++) {
        out->view[c * 4 + 0] = -in->view[c * 4 + 0];
        out->view[c * 4 + 2] = -in->view[c * 4 + 2];
    }
}

static uint32_t mesh_nodes(const stoa_scene *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->node_count; i++)
        n += s->nodes[i].mesh_count;
    return n;
}

STOA_TEST(a_node_outside_both_eyes_is_not_drawn_one_in_one_eye_is)
{
    stoa_scene *s = gt_load("colonnade/colonnade.gltf");
    CHECK_MSG(s != NULL, "colonnade/colonnade.gltf did not load");
    if (!s)
        return;
    uint32_t columns = mesh_nodes(s);
    stoa_gfx_view views[2];
    stoa_gfx_view_frame_bounds(s->bounds_min, s->bounds_max, 0.0f, 0.2f, 0.8f, 4.0f / 3.0f,
                               &views[0]);
    turn_around(&views[0], &views[1]); // the right eye sees nothing of it
    drawn on = {0}, off = {0};
    CHECK(render2(s, views, 160, 120, false, false, &on));
    CHECK(render2(s, views, 160, 120, true, false, &off));
    // Culled: every column once (the left eye); unculled: every column in each eye.
    CHECK_MSG(on.stats.draws_visible == columns, "%llu draws for %u columns",
              (unsigned long long)on.stats.draws_visible, columns);
    CHECK(off.stats.draws_visible == 2ull * columns);
    CHECK(on.stats.triangles_full == off.stats.triangles_full);
    CHECK(on.stats.triangles_drawn * 2 == off.stats.triangles_drawn);
    CHECK(gt_max_diff(&on.eye[0], &off.eye[0], 0, "cull-left") == 0);
    CHECK(gt_max_diff(&on.eye[1], &off.eye[1], 0, "cull-right") == 0);
    CHECK(gt_count_near(&on.eye[0], 0, 0, 0, 8) < 160u * 120u); // the left eye drew columns
    gt_save(&on.eye[0], "cull-colonnade-left");
    drawn_free(&on);
    drawn_free(&off);

    // Each eye zoomed on one end of the row: some columns in one eye only,
    // none in both; the pictures still equal the unculled ones.
    stoa_gfx_view half[2];
    for (int e = 0; e < 2; e++) {
        float mn[3], mx[3];
        memcpy(mn, s->bounds_min, sizeof mn);
        memcpy(mx, s->bounds_max, sizeof mx);
        if (e == 0)
            mx[0] = mn[0] + 0.25f * (mx[0] - mn[0]);
        else
            mn[0] = mx[0] - 0.25f * (mx[0] - mn[0]);
        stoa_gfx_view_frame_bounds(mn, mx, 0.0f, 0.2f, 0.8f, 4.0f / 3.0f, &half[e]);
    }
    CHECK(render2(s, half, 160, 120, false, false, &on));
    CHECK(render2(s, half, 160, 120, true, false, &off));
    // Each eye draws only the columns at its end: fewer than every column twice.
    CHECK_MSG(on.stats.draws_visible < off.stats.draws_visible && on.stats.draws_visible > 0,
              "%llu draws (unculled %llu) in two eyes that each see one end of the row",
              (unsigned long long)on.stats.draws_visible,
              (unsigned long long)off.stats.draws_visible);
    CHECK(gt_max_diff(&on.eye[0], &off.eye[0], 0, "cull-half-left") == 0);
    CHECK(gt_max_diff(&on.eye[1], &off.eye[1], 0, "cull-half-right") == 0);
    gt_save(&on.eye[1], "cull-colonnade-right-end");
    drawn_free(&on);
    drawn_free(&off);
    stoa_scene_destroy(&s);
}

static stoa_scene *load_heavy(void)
{
    const char *dir = getenv("STOA_BUILD_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/scenes/heavy/heavy-small.glb", dir ? dir : ".");
    stoa_scene *s = NULL;
    stoa_error err = {0};
    if (stoa_scene_load(path, NULL, &s, &err) < 0)
        fprintf(stderr, "%s\n", err.message);
    return s;
}

STOA_TEST(levels_are_made_for_the_scan_tiles_and_are_sound)
{
    stoa_scene *s = load_heavy();
    CHECK_MSG(s != NULL, "heavy-small.glb did not load (built by the heavy_scene_small target)");
    if (!s)
        return;
    CHECK(s->lod_count > 0 && s->mesh_lod_first);
    uint32_t with_levels = 0;
    for (uint32_t m = 0; s->mesh_lod_first && m < s->mesh_count; m++) {
        const stoa_mesh *mesh = &s->meshes[m];
        uint32_t prev = mesh->index_count;
        float prev_err = 0;
        uint32_t first = s->mesh_lod_first[m], end = s->mesh_lod_first[m + 1];
        with_levels += end > first;
        // Every mesh of at least the minimum gets levels (the scene has no skins or morphs).
        CHECK(mesh->index_count / 3 < STOA_LOD_MIN_TRIANGLES || end > first);
        for (uint32_t l = first; l < end; l++) {
            const stoa_mesh_lod *lod = &s->lods[l];
            CHECK(lod->mesh == m);
            CHECK(lod->index_count % 3 == 0 && lod->index_count < prev);
            CHECK(lod->error >= prev_err && isfinite(lod->error));
            uint32_t bad = 0;
            for (uint32_t k = 0; k < lod->index_count; k++)
                bad += lod->indices[k] >= mesh->vertex_count;
            CHECK(bad == 0);
            prev = lod->index_count;
            prev_err = lod->error;
        }
    }
    CHECK_MSG(with_levels >= 16, "%u meshes have levels (16 ground tiles at least)", with_levels);
    // Deterministic: made again, the same levels.
    uint32_t count = s->lod_count, first_size = s->lods[0].index_count;
    stoa_error err = {0};
    CHECK(stoa_scene_build_lods(s, &err) == STOA_OK);
    CHECK(s->lod_count == count && s->lods[0].index_count == first_size);
    stoa_scene_destroy(&s);
}

STOA_TEST(a_far_heavy_scene_draws_fewer_triangles_and_looks_the_same)
{
    stoa_scene *s = load_heavy();
    CHECK(s != NULL);
    if (!s)
        return;
    stoa_gfx_view views[2];
    for (int e = 0; e < 2; e++)
        stoa_gfx_view_frame_bounds(s->bounds_min, s->bounds_max, 0.6f + 0.01f * (float)e, 0.5f,
                                   0.8f, 4.0f / 3.0f, &views[e]);
    drawn lod = {0}, full = {0};
    CHECK(render2(s, views, 240, 180, false, false, &lod));
    CHECK(render2(s, views, 240, 180, false, true, &full));
    CHECK_MSG(lod.stats.triangles_drawn * 2 < full.stats.triangles_drawn,
              "%llu triangles with levels, %llu without",
              (unsigned long long)lod.stats.triangles_drawn,
              (unsigned long long)full.stats.triangles_drawn);
    // Within a pixel of error: few pixels differ much.
    double changed = gt_diff_fraction(&lod.eye[0], &full.eye[0], 48);
    CHECK_MSG(changed < 0.02, "%.3f of the pixels differ by more than 48", changed);
    gt_save(&lod.eye[0], "lod-heavy-small");
    gt_save(&full.eye[0], "lod-heavy-small-full");
    drawn_free(&lod);
    drawn_free(&full);
    stoa_scene_destroy(&s);
}

STOA_TEST(one_indirect_call_per_material_draws_the_same_picture)
{
    stoa_scene *s = load_heavy();
    CHECK(s != NULL);
    stoa_gfx_renderer *r = gt_renderer();
    if (!s || !r)
        return;
    if (!r->dev->multi_draw) {
        printf("skipped: the device lacks multiDrawIndirect / drawIndirectFirstInstance\n");
        stoa_scene_destroy(&s);
        return;
    }
    stoa_gfx_view views[2];
    for (int e = 0; e < 2; e++)
        stoa_gfx_view_frame_bounds(s->bounds_min, s->bounds_max, 0.6f + 0.01f * (float)e, 0.5f,
                                   0.8f, 4.0f / 3.0f, &views[e]);
    drawn batched = {0}, single = {0};
    CHECK(render2(s, views, 240, 180, false, false, &batched));
    g_no_batch = true;
    CHECK(render2(s, views, 240, 180, false, false, &single));
    g_no_batch = false;
    // Three materials, two eyes in two passes: a handful of calls, not one per tile.
    CHECK_MSG(batched.stats.draw_calls * 4 < single.stats.draw_calls,
              "%llu calls batched, %llu one by one", (unsigned long long)batched.stats.draw_calls,
              (unsigned long long)single.stats.draw_calls);
    CHECK(batched.stats.indirect_commands > batched.stats.draw_calls);
    CHECK(batched.stats.triangles_drawn == single.stats.triangles_drawn);
    CHECK(gt_max_diff(&batched.eye[0], &single.eye[0], 0, "batch-left") == 0);
    CHECK(gt_max_diff(&batched.eye[1], &single.eye[1], 0, "batch-right") == 0);
    drawn_free(&batched);
    drawn_free(&single);
    stoa_scene_destroy(&s);
}

// A first load draws before its levels exist (.defer_lods): the GPU copy
// made without them takes them later (stoa_gfx_scene_add_lods) and then draws
// exactly what a copy made with them draws.
STOA_TEST(levels_added_after_the_upload_draw_as_if_there_from_the_start)
{
    const char *dir = getenv("STOA_BUILD_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/scenes/heavy/heavy-small.glb", dir ? dir : ".");
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_load(path, &(stoa_scene_load_desc){.no_lods = true}, &s, &err) >= 0,
              "%s", err.message);
    stoa_gfx_renderer *r = gt_renderer();
    if (!s || !r) {
        stoa_scene_destroy(&s);
        return;
    }
    stoa_gfx_view views[2];
    for (int e = 0; e < 2; e++)
        stoa_gfx_view_frame_bounds(s->bounds_min, s->bounds_max, 0.6f + 0.01f * (float)e, 0.5f,
                                   0.8f, 4.0f / 3.0f, &views[e]);
    stoa_gfx_scene *gs = NULL;
    CHECK(stoa_gfx_scene_create(r, s, &gs, &err) >= 0);
    drawn before = {0}, after = {0}, fresh = {0};
    CHECK(render_gs(gs, views, 240, 180, false, false, &before)); // no levels yet
    CHECK(stoa_gfx_scene_add_lods(r, gs, s, &err) == STOA_OK); // none to add: nothing changes
    CHECK(stoa_scene_build_lods(s, &err) >= 0 && s->lod_count > 0);
    CHECK_MSG(stoa_gfx_scene_add_lods(r, gs, s, &err) == 1, "%s", err.message); // added
    CHECK(stoa_gfx_scene_add_lods(r, gs, s, &err) == STOA_OK); // twice: kept as is
    CHECK(render_gs(gs, views, 240, 180, false, false, &after));
    CHECK(render2(s, views, 240, 180, false, false, &fresh));
    // The scene's figures add up since it was made: the second frame's alone.
    uint64_t later = after.stats.triangles_drawn - before.stats.triangles_drawn;
    CHECK_MSG(later * 2 < before.stats.triangles_drawn && later == fresh.stats.triangles_drawn,
              "%llu triangles after the levels came, %llu before, %llu by a fresh copy",
              (unsigned long long)later, (unsigned long long)before.stats.triangles_drawn,
              (unsigned long long)fresh.stats.triangles_drawn);
    CHECK(gt_max_diff(&after.eye[0], &fresh.eye[0], 0, "late-lods-left") == 0);
    CHECK(gt_max_diff(&after.eye[1], &fresh.eye[1], 0, "late-lods-right") == 0);
    drawn_free(&before);
    drawn_free(&after);
    drawn_free(&fresh);
    stoa_gfx_scene_destroy(&gs);
    stoa_scene_destroy(&s);
}

STOA_TEST(shutdown_leaves_no_validation_messages)
{
    CHECK(gt_shutdown() == 0);
}

STOA_TEST_MAIN()
