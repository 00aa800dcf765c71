// SPDX-License-Identifier: Apache-2.0
// Twin meshes (stoa_scene_mesh_twins): meshes with equal vertex data and
// indices are found, and nothing else is (one index, one stream more, a
// morph target); the quantiser, which does a twin's work once, gives what
// it gives when every mesh is quantised on its own (identity twins) to the
// byte: arrays, offsets, scales, errors, flags and the reason, also when a
// twin sits under a node scale that puts it over the position bound; the
// levels of detail a twin gets are those it gets alone.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene/stoa_scene_quant.h"
#include "stoa_test.h"

enum { N = 300, MESHES = 6 };

static void *dup_bytes(const void *p, size_t n)
{
    void *d = malloc(n);
    memcpy(d, p, n);
    return d;
}

// A bumpy strip `length` long: N vertices, every stream but joints/weights.
static void make_mesh(stoa_mesh *m, float length)
{
    memset(m, 0, sizeof *m);
    m->name = "strip";
    m->vertex_count = N;
    m->index_count = (N - 2) * 3;
    m->skin = m->material = -1;
    m->positions = malloc(N * 3 * sizeof(float));
    m->normals = malloc(N * 3 * sizeof(float));
    m->tangents = malloc(N * 4 * sizeof(float));
    m->uv0 = malloc(N * 2 * sizeof(float));
    m->indices = malloc(m->index_count * sizeof(uint32_t));
    for (uint32_t i = 0; i < N; i++) {
        float t = (float)i / (N - 1), a = 0.37f * (float)i;
        float *p = m->positions + i * 3, *n = m->normals + i * 3, *g = m->tangents + i * 4;
        p[0] = length * t, p[1] = 0.05f * sinf(a), p[2] = 0.2f * (float)(i & 1);
        n[0] = 0.3f * sinf(a), n[1] = 1.0f, n[2] = 0.2f * cosf(a);
        float l = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        n[0] /= l, n[1] /= l, n[2] /= l;
        g[0] = 1.0f, g[1] = g[2] = 0.0f, g[3] = (i & 2) ? -1.0f : 1.0f;
        m->uv0[i * 2] = t, m->uv0[i * 2 + 1] = 0.5f + 0.4f * sinf(a);
    }
    for (uint32_t k = 0; k < N - 2; k++)
        for (uint32_t c = 0; c < 3; c++)
            m->indices[k * 3 + c] = k + c;
}

static void copy_mesh(stoa_mesh *d, const stoa_mesh *s)
{
    *d = *s;
    d->positions = dup_bytes(s->positions, N * 12);
    d->normals = dup_bytes(s->normals, N * 12);
    d->tangents = dup_bytes(s->tangents, N * 16);
    d->uv0 = dup_bytes(s->uv0, N * 8);
    d->indices = dup_bytes(s->indices, s->index_count * 4);
}

static void free_mesh(stoa_mesh *m)
{
    free(m->positions);
    free(m->normals);
    free(m->tangents);
    free(m->uv0);
    free(m->indices);
}

// meshes: 0 the strip, 1 a copy (twin of 0), 2 a copy with one index
// changed, 3 a copy with a morph target, 4 a copy without tangents, 5 a
// copy (twin of 0). Nodes draw each mesh once, at scale node_scale[i].
typedef struct fixture {
    stoa_mesh meshes[MESHES];
    stoa_morph_target morph;
    float weight;
    stoa_node nodes[MESHES];
    uint32_t node_mesh[MESHES];
    stoa_scene scene;
} fixture;

static void make_fixture(fixture *f, float length, const float node_scale[MESHES])
{
    memset(f, 0, sizeof *f);
    make_mesh(&f->meshes[0], length);
    for (int i = 1; i < MESHES; i++)
        copy_mesh(&f->meshes[i], &f->meshes[0]);
    f->meshes[2].indices[7] = 9;
    f->morph.positions = calloc(N * 3, sizeof(float));
    f->meshes[3].morph_target_count = 1;
    f->meshes[3].morph_targets = &f->morph;
    f->meshes[3].default_weights = &f->weight;
    free(f->meshes[4].tangents);
    f->meshes[4].tangents = NULL;
    for (int i = 0; i < MESHES; i++) {
        f->node_mesh[i] = (uint32_t)i;
        f->nodes[i] = (stoa_node){.name = "",
                                  .parent = -1,
                                  .rotation = {0, 0, 0, 1},
                                  .scale = {node_scale[i], node_scale[i], node_scale[i]},
                                  .mesh_count = 1,
                                  .meshes = &f->node_mesh[i],
                                  .camera = -1,
                                  .light = -1};
    }
    f->scene = (stoa_scene){.path = "twins",
                            .mesh_count = MESHES,
                            .meshes = f->meshes,
                            .node_count = MESHES,
                            .nodes = f->nodes};
}

static void free_fixture(fixture *f)
{
    for (int i = 0; i < MESHES; i++)
        free_mesh(&f->meshes[i]);
    free(f->morph.positions);
}

STOA_TEST(twins_are_meshes_with_equal_data_and_only_those)
{
    const float ones[MESHES] = {1, 1, 1, 1, 1, 1};
    fixture f;
    make_fixture(&f, 3.0f, ones);
    uint32_t *t = stoa_scene_mesh_twins(&f.scene);
    CHECK(t != NULL);
    const uint32_t want[MESHES] = {0, 0, 2, 3, 4, 0};
    for (int i = 0; t && i < MESHES; i++)
        CHECK_MSG(t[i] == want[i], "mesh %d: twin %u, expected %u", i, t[i], want[i]);
    free(t);
    // One float of the last vertex's UV differs: no longer a twin.
    f.meshes[5].uv0[N * 2 - 1] += 0.25f;
    t = stoa_scene_mesh_twins(&f.scene);
    CHECK(t && t[5] == 5 && t[1] == 0);
    free(t);
    free_fixture(&f);
}

// a (twins shared) and b (every mesh on its own) say the same.
static void same_quant(const stoa_scene_quant *a, const stoa_scene_quant *b, const char *what)
{
    CHECK_MSG(a->flags == b->flags, "%s: flags %#x / %#x", what, a->flags, b->flags);
    CHECK_MSG(a->position_error == b->position_error &&
                  a->normal_error_deg == b->normal_error_deg && a->uv_error == b->uv_error,
              "%s: errors %g %g %g / %g %g %g", what, a->position_error, a->normal_error_deg,
              a->uv_error, b->position_error, b->normal_error_deg, b->uv_error);
    CHECK_MSG(!strcmp(a->reason, b->reason), "%s: reason '%s' / '%s'", what, a->reason, b->reason);
    for (uint32_t i = 0; i < a->mesh_count; i++) {
        const stoa_mesh_quant *x = &a->meshes[i], *y = &b->meshes[i];
        CHECK_MSG(!memcmp(x->offset, y->offset, sizeof x->offset) && x->scale == y->scale,
                  "%s: mesh %u offset/scale", what, i);
        const void *xs[] = {x->positions, x->normals, x->tangents, x->uv0, x->uv1, x->colors};
        const void *ys[] = {y->positions, y->normals, y->tangents, y->uv0, y->uv1, y->colors};
        const size_t size[] = {N * 8, N * 4, N * 4, N * 4, N * 4, N * 4};
        for (int k = 0; k < 6; k++)
            CHECK_MSG((!xs[k] && !ys[k]) || (xs[k] && ys[k] && !memcmp(xs[k], ys[k], size[k])),
                      "%s: mesh %u stream %d differs", what, i, k);
    }
}

// shared: the meshes expected to share mesh 0's arrays (1 and 5 where
// their node's scale is mesh 0's; a twin under another scale is done alone).
static void quantise_both_ways(const fixture *f, const char *what, uint32_t expect_flags,
                               const bool shared[MESHES])
{
    uint32_t alone[MESHES];
    for (uint32_t i = 0; i < MESHES; i++)
        alone[i] = i;
    stoa_scene_quant *a = NULL, *b = NULL;
    stoa_error err = {0};
    CHECK(stoa_scene_quantise(&f->scene, STOA_QUANT_ALL, &a, &err) >= 0);
    CHECK(stoa_scene_quantise_twins(&f->scene, STOA_QUANT_ALL, alone, &b, &err) >= 0);
    if (a && b) {
        same_quant(a, b, what);
        CHECK_MSG(a->flags == expect_flags, "%s: flags %#x (%s)", what, a->flags, a->reason);
        for (uint32_t i = 0; a->twin_of && i < MESHES; i++)
            CHECK_MSG(a->twin_of[i] == (shared[i] ? 0 : i), "%s: mesh %u shares %u", what, i,
                      a->twin_of[i]);
    }
    stoa_scene_quant_destroy(&a);
    stoa_scene_quant_destroy(&b);
}

STOA_TEST(the_quantiser_gives_for_twins_what_it_gives_for_each_mesh_alone)
{
    const uint32_t all = STOA_QUANT_POSITION | STOA_QUANT_NORMAL | STOA_QUANT_UV | STOA_QUANT_COLOR;
    const float ones[MESHES] = {1, 1, 1, 1, 1, 1};
    fixture f;
    make_fixture(&f, 3.0f, ones);
    const bool both[MESHES] = {false, true, false, false, false, true};
    quantise_both_ways(&f, "scale 1", all, both);
    free_fixture(&f);
    // A 6 m strip: its grid is fine enough at scale 1 and 2, not at 16 (a
    // twin past the bound that its first passed: positions stay float,
    // with the reason quantising that twin alone gives).
    const float scaled[MESHES] = {1, 2, 1, 1, 1, 16};
    make_fixture(&f, 6.0f, scaled);
    const bool none[MESHES] = {false};
    quantise_both_ways(&f, "twin over the bound", all & ~STOA_QUANT_POSITION, none);
    free_fixture(&f);
    // The same twin first in the list: the first fails, the rest follow.
    const float first[MESHES] = {16, 1, 1, 1, 1, 1};
    make_fixture(&f, 6.0f, first);
    const bool alone[MESHES] = {false, false, false, false, false, false};
    quantise_both_ways(&f, "first over the bound", all & ~STOA_QUANT_POSITION, alone);
    free_fixture(&f);
    // Another mesh over the bound between the twins: the twin before it
    // keeps its offset, the one after never had its positions tried.
    const float between[MESHES] = {1, 1, 1, 1, 16, 1};
    make_fixture(&f, 6.0f, between);
    quantise_both_ways(&f, "between the twins", all & ~STOA_QUANT_POSITION, both);
    free_fixture(&f);
}

// A bumpy 48 x 48 grid (4418 triangles): enough for levels of detail.
static void make_grid(stoa_mesh *m)
{
    enum { G = 48 };
    memset(m, 0, sizeof *m);
    m->name = "grid";
    m->vertex_count = G * G;
    m->index_count = (G - 1) * (G - 1) * 6;
    m->skin = m->material = -1;
    m->positions = malloc(G * G * 3 * sizeof(float));
    m->normals = calloc(G * G * 3, sizeof(float));
    m->indices = malloc(m->index_count * sizeof(uint32_t));
    for (uint32_t y = 0; y < G; y++)
        for (uint32_t x = 0; x < G; x++) {
            float *p = m->positions + (y * G + x) * 3;
            p[0] = 0.1f * x, p[1] = 0.1f * y, p[2] = 0.02f * sinf(0.3f * x) * cosf(0.2f * y);
            m->normals[(y * G + x) * 3 + 2] = 1.0f;
        }
    uint32_t k = 0;
    for (uint32_t y = 0; y + 1 < G; y++)
        for (uint32_t x = 0; x + 1 < G; x++) {
            uint32_t a = y * G + x, b = a + 1, c = a + G, d = c + 1;
            const uint32_t tri[6] = {a, b, d, a, d, c};
            for (int t = 0; t < 6; t++)
                m->indices[k++] = tri[t];
        }
}

// Levels of detail: a twin gets copies of its first's levels, the levels
// the simplifier makes for it alone.
STOA_TEST(twins_get_the_levels_they_would_get_alone)
{
    stoa_mesh meshes[2];
    make_grid(&meshes[0]);
    meshes[1] = meshes[0];
    meshes[1].positions = dup_bytes(meshes[0].positions, meshes[0].vertex_count * 12);
    meshes[1].normals = dup_bytes(meshes[0].normals, meshes[0].vertex_count * 12);
    meshes[1].indices = dup_bytes(meshes[0].indices, meshes[0].index_count * 4);
    stoa_scene both = {.path = "twins", .mesh_count = 2, .meshes = meshes};
    stoa_scene alone = {.path = "alone", .mesh_count = 1, .meshes = &meshes[1]};
    stoa_error err = {0};
    CHECK(stoa_scene_build_lods(&both, &err) >= 0);
    CHECK(stoa_scene_build_lods(&alone, &err) >= 0);
    uint32_t first = both.mesh_lod_first ? both.mesh_lod_first[1] : 0;
    uint32_t levels = both.mesh_lod_first ? both.mesh_lod_first[2] - first : 0;
    CHECK_MSG(levels > 0 && levels == alone.lod_count && both.lod_count == 2 * levels,
              "levels: %u of %u; alone %u", levels, both.lod_count, alone.lod_count);
    for (uint32_t l = 0; l < levels && l < alone.lod_count; l++) {
        const stoa_mesh_lod *t = &both.lods[first + l], *a = &alone.lods[l];
        CHECK(t->mesh == 1 && t->index_count == a->index_count && t->error == a->error);
        CHECK(t->indices != both.lods[l].indices); // a copy, freed on its own
        CHECK(!memcmp(t->indices, a->indices, (size_t)a->index_count * 4));
    }
    stoa_scene_free_lods(&both);
    stoa_scene_free_lods(&alone);
    for (int i = 0; i < 2; i++) {
        free(meshes[i].positions);
        free(meshes[i].normals);
        free(meshes[i].indices);
    }
}

// n random points within 5 m, unit normals, UVs in [0, 1].
static void make_cloud(stoa_mesh *m, uint32_t n, uint32_t seed)
{
    memset(m, 0, sizeof *m);
    m->name = "cloud";
    m->vertex_count = n;
    m->skin = m->material = -1;
    m->positions = malloc((size_t)n * 12);
    m->normals = malloc((size_t)n * 12);
    m->uv0 = malloc((size_t)n * 8);
    for (uint32_t i = 0; i < n * 3; i++) {
        seed = seed * 1664525u + 1013904223u;
        float r = (float)(seed >> 8) / 16777216.0f;
        m->positions[i] = 5.0f * r;
        m->normals[i] = 2.0f * r - 1.0f;
        if (i < n * 2)
            m->uv0[i] = r;
    }
    for (uint32_t i = 0; i < n; i++) {
        float *d = m->normals + (size_t)i * 3;
        float l = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        for (int a = 0; a < 3; a++)
            d[a] = l > 0 ? d[a] / l : 0.0f;
    }
}

// Large enough for the encoder threads: each mesh's arrays and the
// scene's errors are what quantising that mesh alone gives.
STOA_TEST(meshes_encoded_on_threads_match_each_mesh_alone)
{
    enum { BIG = 3, V = 70000 };
    stoa_mesh meshes[BIG];
    for (uint32_t i = 0; i < BIG; i++)
        make_cloud(&meshes[i], V, 7 + i);
    stoa_scene all = {.path = "clouds", .mesh_count = BIG, .meshes = meshes};
    stoa_scene_quant *q = NULL, *one = NULL;
    stoa_error err = {0};
    CHECK(stoa_scene_quantise(&all, STOA_QUANT_ALL, &q, &err) >= 0);
    float pos = 0, deg = 0, uv = 0;
    for (uint32_t i = 0; q && i < BIG; i++) {
        stoa_scene alone = {.path = "cloud", .mesh_count = 1, .meshes = &meshes[i]};
        CHECK(stoa_scene_quantise(&alone, STOA_QUANT_ALL, &one, &err) >= 0);
        if (!one)
            continue;
        const stoa_mesh_quant *a = &q->meshes[i], *b = &one->meshes[0];
        CHECK(one->flags == q->flags && a->scale == b->scale &&
              !memcmp(a->offset, b->offset, sizeof a->offset));
        CHECK(a->positions && b->positions && !memcmp(a->positions, b->positions, V * 8));
        CHECK(a->normals && b->normals && !memcmp(a->normals, b->normals, V * 4));
        CHECK(a->uv0 && b->uv0 && !memcmp(a->uv0, b->uv0, V * 4));
        pos = fmaxf(pos, one->position_error);
        deg = fmaxf(deg, one->normal_error_deg);
        uv = fmaxf(uv, one->uv_error);
        stoa_scene_quant_destroy(&one);
    }
    CHECK(q && q->position_error == pos && q->normal_error_deg == deg && q->uv_error == uv);
    stoa_scene_quant_destroy(&q);
    for (uint32_t i = 0; i < BIG; i++) {
        free(meshes[i].positions);
        free(meshes[i].normals);
        free(meshes[i].uv0);
    }
}

STOA_TEST_MAIN()
