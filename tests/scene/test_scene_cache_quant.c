// SPDX-License-Identifier: Apache-2.0
// Quantised vertex streams in the baked scene cache (format 4, QVTX): a
// cached load carries the same streams a fresh quantisation makes, in the
// mapping (no per-vertex work); forged records (an unknown stream, another
// mesh count, a stream present that is not quantised, a NaN scale) are
// rejected by the parser even with hashes off; a flipped byte in a
// quantised array is damage the hashes find, and the file is rebuilt.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_quant.h"
#include "scene_cache_test.h"
#include "scene_test_util.h"

static stoa_scene *load(const char *dir, stoa_scene_cache_outcome want)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/attributes/attributes.gltf", getenv("STOA_TESTMODELS"));
    stoa_scene_load_desc d = {.use_cache = true, .cache_dir = dir};
    return sct_load(path, &d, (int)want);
}

static bool same_array(const void *a, const void *b, size_t n)
{
    return (!a && !b) || (a && b && memcmp(a, b, n) == 0);
}

STOA_TEST(a_cached_load_carries_the_quantised_streams)
{
    char dir[256];
    tu_mkdtemp(dir, sizeof dir, "quant");
    stoa_scene *miss = load(dir, STOA_SCENE_CACHE_MISS);
    CHECK(stoa_scene_quant_baked(miss) == NULL); // an import quantises at upload
    stoa_scene_destroy(&miss);
    stoa_scene *hit = load(dir, STOA_SCENE_CACHE_HIT);
    const stoa_scene_quant *q = stoa_scene_quant_baked(hit);
    CHECK(q != NULL);
    stoa_scene_quant *fresh = NULL;
    stoa_error err = {0};
    CHECK(hit && stoa_scene_quantise(hit, STOA_QUANT_ALL, &fresh, &err) == STOA_OK);
    if (q && fresh) {
        CHECK_MSG(q->flags == fresh->flags && q->flags == STOA_QUANT_ALL, "flags %#x, fresh %#x",
                  q->flags, fresh->flags);
        CHECK(q->mesh_count == hit->mesh_count && !q->owned);
        uint32_t with_colours = 0, with_uv1 = 0;
        for (uint32_t i = 0; i < q->mesh_count; i++) {
            const stoa_mesh_quant *a = &q->meshes[i], *b = &fresh->meshes[i];
            size_t n = hit->meshes[i].vertex_count;
            CHECK(!memcmp(a->offset, b->offset, sizeof a->offset) && a->scale == b->scale);
            CHECK(same_array(a->positions, b->positions, n * 8));
            CHECK(same_array(a->normals, b->normals, n * 4));
            CHECK(same_array(a->tangents, b->tangents, n * 4));
            CHECK(same_array(a->uv0, b->uv0, n * 4));
            CHECK(same_array(a->uv1, b->uv1, n * 4));
            CHECK(same_array(a->colors, b->colors, n * 4));
            with_colours += a->colors != NULL;
            with_uv1 += a->uv1 != NULL;
        }
        CHECK(with_colours > 0); // the test model has vertex colours
        printf("%u meshes, %u with colours, %u with a second UV set\n", q->mesh_count, with_colours,
               with_uv1);
    }
    stoa_scene_quant_destroy(&fresh);
    stoa_scene_destroy(&hit);
    tu_rmdir(dir);
}

typedef struct qvtx_at {
    uint64_t section; // QVTX in the file
    uint64_t mesh0;   // mesh 0's record, in the file
    uint64_t pos0;    // mesh 0's quantised positions, in the file
} qvtx_at;

// Where the QVTX section, its first mesh record and that mesh's positions lie.
static bool find_qvtx(const uint8_t *b, size_t n, qvtx_at *at)
{
    uint32_t count;
    memcpy(&count, b + 32, 4); // header: magic, version, endian, key, file size, count
    for (uint32_t i = 0; i < count && 64 + 32 * (i + 1) <= n; i++) {
        const uint8_t *e = b + 64 + 32 * i;
        if (memcmp(e, "QVTX", 4) != 0)
            continue;
        uint64_t off, ref[2];
        uint32_t len;
        memcpy(&off, e + 8, 8);
        at->section = off;
        memcpy(&len, b + off + 16, 4); // after flags and three errors: the reason
        at->mesh0 = off + 16 + 4 + len + 1 + 4;
        memcpy(ref, b + at->mesh0 + 16, 16);
        at->pos0 = 4096 + ref[0];
        return ref[0] != UINT64_MAX;
    }
    return false;
}

static void expect_rejected(const uint8_t *bytes, size_t n, const char *why)
{
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK(stoa_scene_cache_parse(bytes, n, 0, false, &s, &err) < 0);
    CHECK_CONTAINS(err.message, why);
    stoa_scene_destroy(&s);
}

STOA_TEST(forged_or_damaged_quantised_streams_are_rejected)
{
    char dir[256], file[600];
    tu_mkdtemp(dir, sizeof dir, "quant");
    stoa_scene *s = load(dir, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    CHECK(sct_cache_file(dir, file, sizeof file));
    sct_drop_memos(dir); // the file is read, not a memo's copy of it
    size_t n = 0;
    uint8_t *good = (uint8_t *)tu_read(file, &n), *b = malloc(n);
    qvtx_at at;
    CHECK(good && b && find_qvtx(good, n, &at));
    if (!good || !b || !find_qvtx(good, n, &at)) {
        free(good), free(b);
        return;
    }
    stoa_error err = {0};
    CHECK(stoa_scene_cache_parse(good, n, 0, false, &s, &err) == STOA_OK &&
          stoa_scene_quant_baked(s));
    stoa_scene_destroy(&s);
    uint32_t v = 0x10;
    float nan = NAN;
    memcpy(b, good, n);
    memcpy(b + at.section, &v, 4);
    expect_rejected(b, n, "QVTX: unknown quantised stream");
    memcpy(b, good, n);
    memcpy(&v, b + at.mesh0 - 4, 4);
    v += 1;
    memcpy(b + at.mesh0 - 4, &v, 4);
    expect_rejected(b, n, "QVTX: quantised mesh count is not the scene's");
    memcpy(b, good, n);
    v = STOA_QUANT_NORMAL | STOA_QUANT_UV | STOA_QUANT_COLOR; // positions present all the same
    memcpy(b + at.section, &v, 4);
    expect_rejected(b, n, "QVTX: quantised array of a stream that is not quantised");
    memcpy(b, good, n);
    memcpy(b + at.mesh0 + 12, &nan, 4);
    expect_rejected(b, n, "QVTX: quantised positions' offset or scale not finite");
    memcpy(b, good, n);
    float big = 1.0f; // a position error of a metre: past the bound
    memcpy(b + at.section + 4, &big, 4);
    expect_rejected(b, n, "QVTX: quantisation errors not finite or past their bounds");
    // With the hashes: a flipped byte of a quantised position is damage;
    // the load rejects the file, imports and writes it again.
    memcpy(b, good, n);
    b[at.pos0] ^= 0x40;
    CHECK(stoa_scene_cache_parse(b, n, 0, false, &s, &err) == STOA_OK);
    stoa_scene_destroy(&s);
    CHECK(stoa_scene_cache_parse(b, n, 0, true, &s, &err) < 0);
    CHECK_CONTAINS(err.message, "DATA: checksum mismatch");
    CHECK(tu_write(file, b, n) == 0);
    g_log[0] = 0;
    stoa_log_set_sink(sink, NULL);
    s = load(dir, STOA_SCENE_CACHE_REJECTED);
    stoa_log_set_sink(NULL, NULL);
    CHECK_CONTAINS(g_log, "rejected (DATA: checksum mismatch)");
    stoa_scene_destroy(&s);
    s = load(dir, STOA_SCENE_CACHE_HIT);
    CHECK(s && stoa_scene_quant_baked(s));
    stoa_scene_destroy(&s);
    free(good);
    free(b);
    tu_rmdir(dir);
}

STOA_TEST_MAIN()
