// SPDX-License-Identifier: Apache-2.0
// Culling and level-of-detail selection as pure functions, without a device:
// frustum planes and box tests, the BVH walk for two eyes at once against a
// box-by-box check, and the level picked by projected error with hysteresis.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfx/gfx_cull.h"
#include "gfx/gfx_internal.h"
#include "stoa_test.h"

// An eye at `eye` looking along `dir` (y up), 90 degree square fov, near 0.1.
static void eye_planes(const float eye[3], const float dir[3], float planes[GFX_FRUSTUM_PLANES][4])
{
    stoa_gfx_view v;
    float target[3] = {eye[0] + dir[0], eye[1] + dir[1], eye[2] + dir[2]}, up[3] = {0, 1, 0};
    stoa_gfx_look_at(eye, target, up, v.view);
    stoa_gfx_projection_perspective(1.5707963f, 1.0f, 0.1f, 0.0f, v.projection);
    float vp[16];
    gfx_mat4_mul(v.projection, v.view, vp);
    gfx_frustum_planes(vp, planes);
}

static int box_at(const float planes[GFX_FRUSTUM_PLANES][4], float x, float y, float z, float h)
{
    float mn[3] = {x - h, y - h, z - h}, mx[3] = {x + h, y + h, z + h};
    return gfx_box_in_frustum(planes, mn, mx);
}

STOA_TEST(a_box_ahead_is_inside_behind_or_aside_is_outside)
{
    float p[GFX_FRUSTUM_PLANES][4], eye[3] = {0, 0, 0}, fwd[3] = {0, 0, -1};
    eye_planes(eye, fwd, p);
    CHECK(box_at(p, 0, 0, -10, 1) == 2);     // ahead, well inside
    CHECK(box_at(p, 0, 0, 10, 1) == 0);      // behind the eye
    CHECK(box_at(p, -30, 0, -10, 1) == 0);   // far to the left (90 degrees: |x| <= |z|)
    CHECK(box_at(p, 0, 30, -10, 1) == 0);    // far above
    CHECK(box_at(p, -10, 0, -10, 1) == 1);   // on the left plane: crossing
    CHECK(box_at(p, 0, 0, 0, 0.5f) == 1);    // around the eye: crossing the near plane
    CHECK(box_at(p, 0, 0, 0.04f, 0.01f) == 0); // just behind the eye, inside near: out
}

STOA_TEST(box_transform_bounds_a_rotated_box)
{
    // 90 degrees about y, then moved by (5, 0, 0): x' = z + 5, z' = -x.
    float m[16] = {0, 0, -1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 5, 0, 0, 1};
    float mn[3] = {0, 0, 0}, mx[3] = {2, 1, 4}, omn[3], omx[3];
    gfx_box_transform(m, mn, mx, omn, omx);
    CHECK_NEAR(omn[0], 5.0f, 1e-5f);
    CHECK_NEAR(omx[0], 9.0f, 1e-5f);
    CHECK_NEAR(omn[2], -2.0f, 1e-5f);
    CHECK_NEAR(omx[2], 0.0f, 1e-5f);
    CHECK_NEAR(omx[1], 1.0f, 1e-5f);
}

// Two eyes 6.4 cm apart, both looking down -z, each turned 40 degrees
// outward: a box seen by one eye only exists on either side.
static void two_eyes(float planes[2][GFX_FRUSTUM_PLANES][4])
{
    float l[3] = {-0.032f, 1.6f, 0}, r[3] = {0.032f, 1.6f, 0};
    float dl[3] = {-sinf(0.7f), 0, -cosf(0.7f)}, dr[3] = {sinf(0.7f), 0, -cosf(0.7f)};
    eye_planes(l, dl, planes[0]);
    eye_planes(r, dr, planes[1]);
}

STOA_TEST(one_walk_of_the_bvh_gives_each_eye_what_it_sees)
{
    float planes[2][GFX_FRUSTUM_PLANES][4];
    two_eyes(planes);
    enum { N = 2000 };
    float(*mn)[3] = malloc(N * sizeof *mn), (*mx)[3] = malloc(N * sizeof *mx);
    uint8_t *mask = calloc(N, 1);
    // Boxes all around the eyes (a deterministic scatter, sizes 0.05..1 m).
    uint32_t st = 12345;
    for (int i = 0; i < N; i++) {
        float c[3], h;
        for (int k = 0; k < 3; k++) {
            st = st * 1664525u + 1013904223u;
            c[k] = ((float)(st >> 8) / 16777216.0f - 0.5f) * 80.0f;
        }
        st = st * 1664525u + 1013904223u;
        h = 0.05f + (float)(st >> 8) / 16777216.0f;
        for (int k = 0; k < 3; k++) {
            mn[i][k] = c[k] - h;
            mx[i][k] = c[k] + h;
        }
    }
    // Three boxes placed by hand: left eye only, right eye only, neither (behind).
    float hand[3][3] = {{-20, 1.6f, -5}, {20, 1.6f, -5}, {0, 1.6f, 20}};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) {
            mn[i][k] = hand[i][k] - 0.5f;
            mx[i][k] = hand[i][k] + 0.5f;
        }
    gfx_cull_bvh bvh;
    CHECK(gfx_cull_bvh_build(&bvh, N, (const float(*)[3])mn, (const float(*)[3])mx));
    gfx_cull_bvh_run(&bvh, (const float(*)[3])mn, (const float(*)[3])mx,
                     (const float(*)[GFX_FRUSTUM_PLANES][4])planes, 2, mask);
    CHECK_MSG(mask[0] == 1, "left-only box: mask %u", mask[0]);
    CHECK_MSG(mask[1] == 2, "right-only box: mask %u", mask[1]);
    CHECK_MSG(mask[2] == 0, "box behind both eyes: mask %u", mask[2]);
    int wrong = 0, seen[4] = {0};
    for (int i = 0; i < N; i++) {
        uint8_t want = (uint8_t)((gfx_box_in_frustum(planes[0], mn[i], mx[i]) ? 1 : 0) |
                                 (gfx_box_in_frustum(planes[1], mn[i], mx[i]) ? 2 : 0));
        wrong += mask[i] != want;
        seen[mask[i] & 3]++;
    }
    CHECK_MSG(wrong == 0, "%d of %d boxes differ from the box-by-box test", wrong, N);
    // The scatter exercises every case: neither, one eye, the other, both.
    CHECK(seen[0] > 0 && seen[1] > 0 && seen[2] > 0 && seen[3] > 0);
    // Moved boxes: refit, then the walk follows them.
    for (int k = 0; k < 3; k++) {
        mn[2][k] = hand[0][k] - 0.5f;
        mx[2][k] = hand[0][k] + 0.5f;
    }
    gfx_cull_bvh_refit(&bvh, (const float(*)[3])mn, (const float(*)[3])mx);
    memset(mask, 0, N);
    gfx_cull_bvh_run(&bvh, (const float(*)[3])mn, (const float(*)[3])mx,
                     (const float(*)[GFX_FRUSTUM_PLANES][4])planes, 2, mask);
    CHECK_MSG(mask[2] == 1, "the box moved into the left eye's view: mask %u", mask[2]);
    gfx_cull_bvh_free(&bvh);
    free(mn);
    free(mx);
    free(mask);
}

STOA_TEST(an_empty_bvh_culls_nothing_and_crashes_nothing)
{
    gfx_cull_bvh bvh;
    CHECK(gfx_cull_bvh_build(&bvh, 0, NULL, NULL));
    float planes[1][GFX_FRUSTUM_PLANES][4] = {{{0}}};
    uint8_t mask = 0;
    gfx_cull_bvh_run(&bvh, NULL, NULL, (const float(*)[GFX_FRUSTUM_PLANES][4])planes, 1, &mask);
    CHECK(mask == 0);
    gfx_cull_bvh_free(&bvh);
}

STOA_TEST(pixels_per_unit_follow_the_focal_length_and_distance)
{
    float proj[16];
    stoa_gfx_projection_perspective(1.5707963f, 1.0f, 0.1f, 0.0f, proj); // tan(45) = 1
    CHECK_NEAR(gfx_lod_px_per_unit(proj, 1000, 10.0f), 50.0f, 1e-3f);
    CHECK_NEAR(gfx_lod_px_per_unit(proj, 1000, 20.0f), 25.0f, 1e-3f);
    CHECK(gfx_lod_px_per_unit(proj, 1000, 0.0f) > 1e5f); // at the eye: huge, finite
}

STOA_TEST(the_coarsest_level_under_a_pixel_is_taken_with_hysteresis)
{
    const float err[3] = {0.01f, 0.04f, 0.16f}; // levels 1..3, mesh units
    // 10 px a unit: level 3 errs 1.6 px, level 2 0.4 px: level 2 (under 0.75 px).
    CHECK(gfx_lod_pick(err, 3, 10.0f, 1.0f, 0) == 2);
    // Very near: nothing coarser fits.
    CHECK(gfx_lod_pick(err, 3, 1000.0f, 1.0f, 0) == 0);
    // Far: the coarsest.
    CHECK(gfx_lod_pick(err, 3, 1.0f, 1.0f, 0) == 3);
    // Level 1 errs 0.9 px at 90 px a unit: kept when drawn already (under 1 px)...
    CHECK(gfx_lod_pick(err, 3, 90.0f, 1.0f, 1) == 1);
    // ...but not taken from level 0 (it needs 0.75 px): no flicker at the edge.
    CHECK(gfx_lod_pick(err, 3, 90.0f, 1.0f, 0) == 0);
    // Coming nearer: level 1 errs 1.1 px, back to level 0 at once.
    CHECK(gfx_lod_pick(err, 3, 110.0f, 1.0f, 1) == 0);
    // Walking away slowly from level 0: the switch to 1 happens at 75 px, not at 100.
    uint32_t level = 0, switched_at = 0;
    for (uint32_t px = 200; px > 0 && !switched_at; px--) {
        level = gfx_lod_pick(err, 3, (float)px, 1.0f, level);
        if (level)
            switched_at = px;
    }
    CHECK_MSG(switched_at == 75, "switched at %u px a unit", switched_at);
    CHECK(gfx_lod_pick(err, 0, 1.0f, 1.0f, 0) == 0);   // no levels
    CHECK(gfx_lod_pick(err, 3, NAN, 1.0f, 2) == 0);    // nonsense in: the mesh itself
    CHECK(gfx_lod_pick(err, 3, INFINITY, 1.0f, 2) == 0);
}

STOA_TEST_MAIN()
