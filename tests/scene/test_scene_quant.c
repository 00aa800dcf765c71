// SPDX-License-Identifier: Apache-2.0
// The vertex quantiser (runtime/scene/stoa_scene_quant.h): every decoded
// value, computed here the way the GPU does, lies within the stated bound;
// values past a bound are refused and that stream stays float for the
// scene, with the reason; tiles sharing a border decode it to one point.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene/stoa_scene_quant.h"
#include "stoa_test.h"

static uint32_t g_seed = 18;
static float rnd(void) // [0, 1)
{
    g_seed = g_seed * 1664525u + 1013904223u;
    return (float)(g_seed >> 8) / 16777216.0f;
}

static float decode(const float off[3], float scale, const uint16_t *q, int a)
{
    return off[a] + scale * ((float)q[a] / 65535.0f);
}

STOA_TEST(positions_stay_within_a_quarter_millimetre)
{
    enum { N = 5000 };
    float *p = malloc(N * 3 * sizeof *p);
    uint16_t *q = malloc(N * 4 * sizeof *q);
    // A 20 m x 3 m x 12 m cloud far from the origin.
    for (int i = 0; i < N; i++) {
        p[i * 3 + 0] = 100.0f + 20.0f * rnd();
        p[i * 3 + 1] = -3.0f + 3.0f * rnd();
        p[i * 3 + 2] = 7.0f + 12.0f * rnd();
    }
    float off[3], scale = 0, err = -1;
    CHECK(stoa_quant_positions(p, N, STOA_QUANT_POSITION_BOUND, q, off, &scale, &err));
    double worst = 0;
    for (int i = 0; i < N; i++)
        for (int a = 0; a < 3; a++)
            worst = fmax(worst, fabs(decode(off, scale, q + i * 4, a) - p[i * 3 + a]));
    CHECK_MSG(worst <= STOA_QUANT_POSITION_BOUND, "decoded error %.3g m", worst);
    CHECK_MSG(fabs(worst - err) < 1e-7, "measured %.9g, reported %.9g", worst, err);
    // The grid step is a power of two (20 m / 65535 -> 2^-11 m).
    double step = scale / 65535.0;
    CHECK_MSG(fabs(log2(step) - round(log2(step))) < 1e-6, "step %.9g", step);
    CHECK(err > 0 && err <= step / 2 + 1e-6);

    // 40 m across: a 2^-10 m grid, up to 0.49 mm off: refused.
    for (int i = 0; i < N; i++)
        p[i * 3 + 0] = 40.0f * rnd();
    CHECK(!stoa_quant_positions(p, N, STOA_QUANT_POSITION_BOUND, q, off, &scale, &err));
    CHECK_MSG(err > STOA_QUANT_POSITION_BOUND, "reported %.3g", err);
    // Not finite: refused.
    p[7] = NAN;
    CHECK(!stoa_quant_positions(p, N, STOA_QUANT_POSITION_BOUND, q, off, &scale, &err));
    // One point, and a flat quad: no division by a zero extent.
    float one[3] = {1.5f, -2.0f, 3.25f};
    CHECK(stoa_quant_positions(one, 1, STOA_QUANT_POSITION_BOUND, q, off, &scale, &err));
    CHECK(err <= STOA_QUANT_POSITION_BOUND);
    for (int a = 0; a < 3; a++)
        CHECK(fabsf(decode(off, scale, q, a) - one[a]) <= STOA_QUANT_POSITION_BOUND);
    free(p);
    free(q);
}

STOA_TEST(tiles_sharing_a_border_decode_it_to_one_point)
{
    // Two 8 m tiles of a heightfield side by side, sharing the x = 8 column.
    enum { G = 33 };
    float a[G * G * 3], b[G * G * 3];
    for (int j = 0; j < G; j++)
        for (int i = 0; i < G; i++) {
            float x = 8.0f * i / (G - 1), z = 8.0f * j / (G - 1);
            float h = 0.3f * sinf(1.7f * x + 0.3f) * cosf(1.1f * z);
            float *pa = a + (j * G + i) * 3, *pb = b + (j * G + i) * 3;
            pa[0] = x, pa[1] = h, pa[2] = z;
            pb[0] = x + 8.0f, pb[1] = 0.3f * sinf(1.7f * (x + 8.0f) + 0.3f) * cosf(1.1f * z);
            pb[2] = z;
        }
    uint16_t qa[G * G * 4], qb[G * G * 4];
    float oa[3], ob[3], sa, sb, ea, eb;
    CHECK(stoa_quant_positions(a, G * G, STOA_QUANT_POSITION_BOUND, qa, oa, &sa, &ea));
    CHECK(stoa_quant_positions(b, G * G, STOA_QUANT_POSITION_BOUND, qb, ob, &sb, &eb));
    CHECK(sa == sb); // the same step
    int same = 0;
    for (int j = 0; j < G; j++) {
        const uint16_t *ra = qa + (j * G + G - 1) * 4, *lb = qb + (j * G) * 4;
        same += decode(oa, sa, ra, 0) == decode(ob, sb, lb, 0) &&
                decode(oa, sa, ra, 1) == decode(ob, sb, lb, 1) &&
                decode(oa, sa, ra, 2) == decode(ob, sb, lb, 2);
    }
    CHECK_MSG(same == G, "%d of %d shared border points decode alike", same, G);
}

STOA_TEST(directions_stay_within_half_a_degree)
{
    enum { N = 4000 };
    float *v = malloc(N * 4 * sizeof *v);
    int8_t *q = malloc(N * 4);
    for (int i = 0; i < N; i++) {
        float x = 2 * rnd() - 1, y = 2 * rnd() - 1, z = 2 * rnd() - 1;
        float l = sqrtf(x * x + y * y + z * z);
        v[i * 4 + 0] = x / l, v[i * 4 + 1] = y / l, v[i * 4 + 2] = z / l;
        v[i * 4 + 3] = (i & 1) ? -1.0f : 1.0f;
    }
    v[0] = v[1] = v[2] = 0.0f; // a zero vector stays zero
    float deg = stoa_quant_directions(v, N, true, q);
    double worst = 0;
    for (int i = 1; i < N; i++) {
        double d[3], l = 0, dot = 0;
        for (int a = 0; a < 3; a++) {
            d[a] = fmax(q[i * 4 + a] / 127.0, -1.0); // the GPU's SNORM decode
            l += d[a] * d[a];
            dot += d[a] * v[i * 4 + a];
        }
        worst = fmax(worst, acos(fmin(1.0, dot / sqrt(l))) * 180.0 / M_PI);
        CHECK(q[i * 4 + 3] == ((i & 1) ? -127 : 127));
    }
    CHECK(q[0] == 0 && q[1] == 0 && q[2] == 0);
    CHECK_MSG(worst <= STOA_QUANT_NORMAL_BOUND_DEG, "decoded angle %.3f degrees", worst);
    CHECK_MSG(fabs(worst - deg) < 1e-3, "measured %.4f, reported %.4f", worst, deg);
    printf("normals as 8-bit SNORM: largest angle %.3f degrees\n", deg);
    free(v);
    free(q);
}

STOA_TEST(uvs_and_colours_outside_zero_to_one_are_refused)
{
    float uv[6] = {0.0f, 1.0f, 0.5f, 0.123456f, 0.999f, 1e-6f};
    uint16_t q16[6];
    uint8_t q8[6];
    float err = -1;
    CHECK(stoa_quant_unorm(uv, 6, 16, q16, &err));
    CHECK(err <= 0.5f / 65535.0f + 1e-9f);
    for (int i = 0; i < 6; i++)
        CHECK(fabsf(q16[i] / 65535.0f - uv[i]) <= 0.5f / 65535.0f + 1e-7f);
    CHECK(stoa_quant_unorm(uv, 6, 8, q8, &err));
    CHECK(err <= 0.5f / 255.0f + 1e-7f);
    uv[4] = 1.5f;
    CHECK(!stoa_quant_unorm(uv, 6, 16, q16, &err));
    uv[4] = -0.01f;
    CHECK(!stoa_quant_unorm(uv, 6, 16, q16, &err));
    uv[4] = NAN;
    CHECK(!stoa_quant_unorm(uv, 6, 8, q8, &err));
}

// A mesh of n vertices on a line `length` metres long, UVs scaled by uv.
static void make_mesh(stoa_mesh *m, const char *name, uint32_t n, float length, float uv)
{
    memset(m, 0, sizeof *m);
    m->name = (char *)name;
    m->vertex_count = n;
    m->skin = -1;
    m->material = -1;
    m->positions = calloc(n * 3, sizeof(float));
    m->normals = calloc(n * 3, sizeof(float));
    m->uv0 = calloc(n * 2, sizeof(float));
    for (uint32_t i = 0; i < n; i++) {
        m->positions[i * 3] = length * i / (n - 1);
        m->positions[i * 3 + 1] = 0.01f * (float)(i % 7);
        m->normals[i * 3 + 1] = 1.0f;
        m->uv0[i * 2] = uv * i / (n - 1);
    }
}

static void free_mesh(stoa_mesh *m)
{
    free(m->positions);
    free(m->normals);
    free(m->uv0);
}

STOA_TEST(a_scene_keeps_floats_for_a_stream_one_mesh_cannot_take)
{
    stoa_mesh meshes[3];
    make_mesh(&meshes[0], "Column", 100, 6.0f, 1.0f);
    make_mesh(&meshes[1], "Ground", 100, 60.0f, 1.0f); // 60 m: positions stay float
    make_mesh(&meshes[2], "Steps", 100, 3.0f, 4.0f);   // tiling UVs: UVs stay float
    stoa_scene sc = {.path = "test", .mesh_count = 3, .meshes = meshes};
    stoa_scene_quant *q = NULL;
    stoa_error err = {0};
    CHECK(stoa_scene_quantise(&sc, STOA_QUANT_ALL, &q, &err) >= 0);
    if (q) {
        // No mesh has colours: the stream (white) is quantised anyway.
        CHECK_MSG(q->flags == (STOA_QUANT_NORMAL | STOA_QUANT_COLOR), "flags %#x", q->flags);
        CHECK_MSG(strstr(q->reason, "Ground") != NULL, "reason: %s", q->reason);
        for (int i = 0; i < 3; i++) {
            CHECK(q->meshes[i].positions == NULL && q->meshes[i].uv0 == NULL);
            CHECK(q->meshes[i].normals != NULL);
            CHECK(q->meshes[i].normals[1] == 127);
        }
        stoa_scene_quant_destroy(&q);
        CHECK(q == NULL);
    }
    // Without the ground: positions are quantised, the steps' UVs still not.
    sc.meshes = &meshes[2];
    sc.mesh_count = 1;
    CHECK(stoa_scene_quantise(&sc, STOA_QUANT_ALL, &q, &err) >= 0);
    if (q) {
        CHECK_MSG(q->flags == (STOA_QUANT_POSITION | STOA_QUANT_NORMAL | STOA_QUANT_COLOR),
                  "flags %#x", q->flags);
        CHECK_MSG(strstr(q->reason, "Steps") && strstr(q->reason, "UV"), "reason: %s", q->reason);
        CHECK(q->position_error > 0 && q->position_error <= STOA_QUANT_POSITION_BOUND);
        stoa_scene_quant_destroy(&q);
    }
    // Only what is asked for.
    sc.meshes = meshes;
    CHECK(stoa_scene_quantise(&sc, STOA_QUANT_POSITION, &q, &err) >= 0);
    if (q) {
        CHECK(q->flags == STOA_QUANT_POSITION && q->meshes[0].normals == NULL);
        stoa_scene_quant_destroy(&q);
    }
    // The 60 m ground under a node scaled by 0.01 is 60 cm in the world:
    // the bound holds in metres, so its positions are quantised.
    uint32_t ground = 0;
    stoa_node node = {.name = "Ground",
                      .parent = -1,
                      .rotation = {0, 0, 0, 1},
                      .scale = {0.01f, 0.01f, 0.01f},
                      .mesh_count = 1,
                      .meshes = &ground,
                      .camera = -1,
                      .light = -1};
    stoa_scene scaled = {
        .path = "test", .mesh_count = 1, .meshes = &meshes[1], .node_count = 1, .nodes = &node};
    CHECK(stoa_scene_quantise(&scaled, STOA_QUANT_POSITION, &q, &err) >= 0);
    if (q) {
        CHECK_MSG(q->flags == STOA_QUANT_POSITION, "flags %#x: %s", q->flags, q->reason);
        CHECK(q->position_error > 0 && q->position_error <= STOA_QUANT_POSITION_BOUND);
        stoa_scene_quant_destroy(&q);
    }
    node.scale[0] = node.scale[1] = node.scale[2] = 1.0f; // at scale 1: refused again
    CHECK(stoa_scene_quantise(&scaled, STOA_QUANT_POSITION, &q, &err) >= 0);
    if (q) {
        CHECK(q->flags == 0);
        stoa_scene_quant_destroy(&q);
    }
    for (int i = 0; i < 3; i++)
        free_mesh(&meshes[i]);
}

STOA_TEST_MAIN()
