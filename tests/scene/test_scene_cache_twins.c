// SPDX-License-Identifier: Apache-2.0
// Twin meshes in the baked scene cache: a glTF that draws one primitive's
// accessors under several materials (as MetalRoughSpheresNoTextures draws
// one sphere 98 times) gets a cache file that holds the arrays, the levels
// of detail and the quantised streams once: adding seven twins adds a few
// hundred bytes of records, not seven copies. A hit gives every twin the
// same arrays (one place in the file) and equals a fresh import; a mesh
// with other indices keeps its own. An index past the vertices is found
// wherever it lies in a long index array (the scan is vectorised: the
// first, middle and last lanes and the scalar tail all count).
#define _GNU_SOURCE // memmem
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scene/stoa_scene_cache.h"
#include "scene_cache_compare.h"
#include "scene_cache_test.h"
#include "scene_test_util.h"

#define GRID 48 // GRID x GRID quads: 4608 triangles, enough for levels of detail
#define VERTS ((GRID + 1) * (GRID + 1))
#define TRIS (GRID * GRID * 2)

// dir/twins.gltf + .bin: a bumpy grid. Meshes 0..twins-1 draw the same
// accessors, each with its own material; mesh `twins` the same vertices
// with the triangles in reverse order (its own index array). One node each.
static void write_scene(const char *dir, int twins, char *path, size_t size)
{
    size_t vbytes = (size_t)VERTS * 24, ibytes = (size_t)TRIS * 3 * 4;
    uint8_t *bin = malloc(vbytes + 2 * ibytes);
    float *v = (float *)bin;
    uint32_t *idx = (uint32_t *)(bin + vbytes), *rev = idx + TRIS * 3;
    for (int y = 0; y <= GRID; y++)
        for (int x = 0; x <= GRID; x++) {
            float *p = v + ((size_t)y * (GRID + 1) + x) * 6;
            p[0] = (float)x / GRID;
            p[1] = 0.05f * (float)((x * 7 + y * 13) % 5); // bumps: levels simplify something
            p[2] = (float)y / GRID;
            p[3] = 0, p[4] = 1, p[5] = 0;
        }
    for (int y = 0, t = 0; y < GRID; y++)
        for (int x = 0; x < GRID; x++, t += 2) {
            uint32_t a = (uint32_t)(y * (GRID + 1) + x), b = a + 1, c = a + GRID + 1, d = c + 1;
            uint32_t tri[6] = {a, c, b, b, c, d};
            memcpy(idx + t * 3, tri, sizeof tri);
        }
    for (int t = 0; t < TRIS; t++)
        memcpy(rev + t * 3, idx + (TRIS - 1 - t) * 3, 12);
    char file[512];
    snprintf(file, sizeof file, "%s/twins.bin", dir);
    CHECK(tu_write(file, bin, vbytes + 2 * ibytes) == 0);
    free(bin);
    char meshes[8192] = "", nodes[4096] = "", mats[4096] = "", scene[1024] = "";
    for (int m = 0; m <= twins; m++) {
        size_t n = strlen(meshes);
        snprintf(meshes + n, sizeof meshes - n,
                 "%s{\"primitives\":[{\"attributes\":{\"POSITION\":0,\"NORMAL\":1},"
                 "\"indices\":%d,\"material\":%d}]}",
                 m ? "," : "", m < twins ? 2 : 3, m);
        n = strlen(nodes);
        snprintf(nodes + n, sizeof nodes - n, "%s{\"mesh\":%d,\"translation\":[%d,0,0]}",
                 m ? "," : "", m, m * 2);
        n = strlen(mats);
        snprintf(mats + n, sizeof mats - n,
                 "%s{\"pbrMetallicRoughness\":{\"baseColorFactor\":[%.2f,0.5,0.5,1]}}",
                 m ? "," : "", (double)m / (twins + 1));
        n = strlen(scene);
        snprintf(scene + n, sizeof scene - n, "%s%d", m ? "," : "", m);
    }
    char *json = malloc(65536);
    snprintf(json, 65536,
             "{\"asset\":{\"version\":\"2.0\"},\"scene\":0,\"scenes\":[{\"nodes\":[%s]}],"
             "\"nodes\":[%s],\"meshes\":[%s],\"materials\":[%s],"
             "\"buffers\":[{\"uri\":\"twins.bin\",\"byteLength\":%zu}],"
             "\"bufferViews\":[{\"buffer\":0,\"byteOffset\":0,\"byteLength\":%zu,"
             "\"byteStride\":24},"
             "{\"buffer\":0,\"byteOffset\":%zu,\"byteLength\":%zu},"
             "{\"buffer\":0,\"byteOffset\":%zu,\"byteLength\":%zu}],"
             "\"accessors\":[{\"bufferView\":0,\"byteOffset\":0,\"componentType\":5126,"
             "\"count\":%d,\"type\":\"VEC3\",\"min\":[0,0,0],\"max\":[1,0.2,1]},"
             "{\"bufferView\":0,\"byteOffset\":12,\"componentType\":5126,\"count\":%d,"
             "\"type\":\"VEC3\"},"
             "{\"bufferView\":1,\"componentType\":5125,\"count\":%d,\"type\":\"SCALAR\"},"
             "{\"bufferView\":2,\"componentType\":5125,\"count\":%d,\"type\":\"SCALAR\"}]}",
             scene, nodes, meshes, mats, vbytes + 2 * ibytes, vbytes, vbytes, ibytes,
             vbytes + ibytes, ibytes, VERTS, VERTS, TRIS * 3, TRIS * 3);
    snprintf(path, size, "%s/twins.gltf", dir);
    CHECK(tu_write(path, json, strlen(json)) == 0);
    free(json);
}

// The size of the one cache file made in a fresh folder for `path`.
static long long baked_size(const char *path, const char *tag)
{
    char cache[256], file[4096];
    tu_mkdtemp(cache, sizeof cache, tag);
    stoa_scene *s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    struct stat st;
    long long size = sct_cache_file(cache, file, sizeof file) && stat(file, &st) == 0
                         ? (long long)st.st_size
                         : -1;
    tu_rmdir(cache);
    return size;
}

STOA_TEST(twins_are_baked_once_and_shared_by_a_hit)
{
    char one[256], eight[256], path1[512], path8[512];
    tu_mkdtemp(one, sizeof one, "twins1");
    tu_mkdtemp(eight, sizeof eight, "twins8");
    write_scene(one, 1, path1, sizeof path1);
    write_scene(eight, 8, path8, sizeof path8);
    long long size1 = baked_size(path1, "twc1"), size8 = baked_size(path8, "twc8");
    // One copy of the vertices and indices alone is over 100 KiB.
    long long arrays = (long long)VERTS * 24 + (long long)TRIS * 12;
    CHECK_MSG(size1 > arrays && size8 > 0 && size8 - size1 < 8192,
              "one twin: %lld bytes, eight: %lld (%lld more; one copy of the arrays is %lld)",
              size1, size8, size8 - size1, arrays);

    char cache[256];
    tu_mkdtemp(cache, sizeof cache, "twins");
    stoa_scene *fresh = sct_load_rgba8(path8, NULL, STOA_SCENE_CACHE_UNUSED);
    stoa_scene *miss = sct_load_rgba8(path8, cache, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&miss);
    stoa_scene *hit = sct_load_rgba8(path8, cache, STOA_SCENE_CACHE_HIT);
    CHECK(fresh && hit && hit->mesh_count == 9 && hit->lod_count > 9);
    if (fresh && hit && hit->mesh_count == 9) {
        sc_scene_same(fresh, hit, "hit with twins");
        const stoa_mesh *m = hit->meshes;
        for (int k = 1; k < 8; k++) {
            CHECK_MSG(m[k].positions == m[0].positions && m[k].normals == m[0].normals &&
                          m[k].indices == m[0].indices,
                      "twin %d has arrays of its own", k);
            CHECK(m[k].material == k);
            uint32_t a = hit->mesh_lod_first[0], b = hit->mesh_lod_first[k];
            CHECK_MSG(hit->mesh_lod_first[1] - a == hit->mesh_lod_first[k + 1] - b &&
                          hit->lods[a].indices == hit->lods[b].indices,
                      "twin %d's levels are its own", k);
        }
        CHECK(m[8].indices != m[0].indices); // other indices: not a twin
        CHECK(memcmp(m[8].indices, m[0].indices, (size_t)m[0].index_count * 4) != 0);
    }
    stoa_scene_destroy(&hit);
    stoa_scene_destroy(&fresh);
    tu_rmdir(cache);
    tu_rmdir(one);
    tu_rmdir(eight);
}

// A cache file's mesh index, anywhere in a 13 824-index array, set past the
// vertices (just past, or with the top bit set: the scan compares unsigned)
// is rejected with the hashes not checked (as a forged file would be);
// the last vertex is accepted.
STOA_TEST(an_index_past_the_vertices_is_found_anywhere)
{
    char dir[256], path[512], cache[256], file[4096];
    tu_mkdtemp(dir, sizeof dir, "twinsidx");
    tu_mkdtemp(cache, sizeof cache, "twinsidxc");
    write_scene(dir, 1, path, sizeof path);
    stoa_scene *miss = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&miss);
    stoa_scene *hit = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT);
    size_t n = 0;
    uint8_t *good = sct_cache_file(cache, file, sizeof file) ? (uint8_t *)tu_read(file, &n) : NULL;
    const uint8_t *found = NULL;
    uint32_t count = hit ? hit->meshes[0].index_count : 0;
    if (good && count == TRIS * 3)
        found = memmem(good, n, hit->meshes[0].indices, (size_t)count * 4);
    CHECK_MSG(found != NULL, "mesh 0's indices not found in %s", file);
    uint8_t *b = malloc(n ? n : 1);
    static const uint32_t where[] = {
        0, 7, 8, 31, 32, 33, 100, 1000, TRIS * 3 - 33, TRIS * 3 - 32, TRIS * 3 - 1};
    static const uint32_t bad[] = {VERTS, 0x80000000u, 0xffffffffu};
    for (size_t w = 0; found && b && w < sizeof where / sizeof *where; w++)
        for (int v = 0; v < 4; v++) {
            uint32_t value = v < 3 ? bad[v] : VERTS - 1;
            memcpy(b, good, n);
            memcpy(b + (found - good) + (size_t)where[w] * 4, &value, 4);
            stoa_scene *s = NULL;
            stoa_error err = {0};
            stoa_result r = stoa_scene_cache_parse(b, n, 0, false, &s, &err);
            if (v < 3)
                CHECK_MSG(r < 0 && strstr(err.message, "mesh index past its vertices"),
                          "index %u at %u: %s", value, where[w], r < 0 ? err.message : "loaded");
            else
                CHECK_MSG(r == STOA_OK, "the last vertex at %u rejected: %s", where[w],
                          err.message);
            stoa_scene_destroy(&s);
        }
    free(b);
    free(good);
    stoa_scene_destroy(&hit);
    tu_rmdir(cache);
    tu_rmdir(dir);
}

STOA_TEST_MAIN()
