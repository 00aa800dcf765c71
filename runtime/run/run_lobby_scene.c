// SPDX-License-Identifier: Apache-2.0
// The calm scene of a lobby when `stoa run --hub` is given no lesson: a
// pale stone floor in a ring of columns under the sky, generated here as a
// small glTF (a .gltf and its .bin) in the cache folder and loaded like any
// scene, so that nothing in the session needs a special case for it.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_file.h"
#include "run_session.h"

#define COLUMNS 10
#define RING_M 6.0f

typedef struct lobby_buf {
    float pos[28][3], nrm[28][3];
    uint16_t idx[42];
} lobby_buf;

// A unit box (x, z from -0.5 to 0.5, y from 0 to 1) from 24 vertices; then
// a floor quad from 4: positions, normals, indices for both.
static void fill(lobby_buf *b)
{
    static const float n[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    for (int f = 0; f < 6; f++) {
        int a = f / 2, u = (a + 1) % 3, v = (a + 2) % 3;
        float s = n[f][a];
        for (int k = 0; k < 4; k++) {
            float p[3];
            p[a] = 0.5f * s;
            p[u] = (k == 1 || k == 2) ? 0.5f : -0.5f;
            p[v] = (k >= 2) ? 0.5f : -0.5f;
            p[1] += 0.5f; // y from 0 to 1
            memcpy(b->pos[f * 4 + k], p, sizeof p);
            memcpy(b->nrm[f * 4 + k], n[f], sizeof n[f]);
        }
        // Counter-clockwise seen from outside: flip on the negative faces.
        static const uint16_t ccw[6] = {0, 1, 2, 0, 2, 3}, cw[6] = {0, 2, 1, 0, 3, 2};
        for (int i = 0; i < 6; i++)
            b->idx[f * 6 + i] = (uint16_t)(f * 4 + (s > 0 ? ccw[i] : cw[i]));
    }
    static const float q[4][3] = {{-15, 0, -15}, {-15, 0, 15}, {15, 0, 15}, {15, 0, -15}};
    static const uint16_t qi[6] = {0, 1, 2, 0, 2, 3}; // the floor accessor starts at vertex 24
    for (int k = 0; k < 4; k++) {
        memcpy(b->pos[24 + k], q[k], sizeof q[k]);
        b->nrm[24 + k][0] = b->nrm[24 + k][2] = 0.0f;
        b->nrm[24 + k][1] = 1.0f;
    }
    memcpy(b->idx + 36, qi, sizeof qi);
}

static int write_gltf(FILE *f)
{
    size_t pos = sizeof(((lobby_buf *)0)->pos), nrm = pos, idx = sizeof(((lobby_buf *)0)->idx);
    fprintf(f, "{\"asset\":{\"version\":\"2.0\",\"generator\":\"stoa run (lobby)\"},\"scene\":0,"
               "\"scenes\":[{\"nodes\":[0,1");
    for (int i = 0; i < COLUMNS; i++)
        fprintf(f, ",%d", i + 2);
    fprintf(f, "]}],\"nodes\":[{\"name\":\"Spawn\"},{\"name\":\"Floor\",\"mesh\":1}");
    for (int i = 0; i < COLUMNS; i++) {
        float a = 6.2831853f * (float)i / COLUMNS + 0.314f;
        fprintf(f, ",{\"name\":\"Column_%d\",\"mesh\":0,\"translation\":[%.3f,0,%.3f],"
                   "\"scale\":[0.6,4.5,0.6]}",
                i, RING_M * sinf(a), RING_M * cosf(a));
    }
    fprintf(f, "],\"materials\":[{\"name\":\"Marble\",\"pbrMetallicRoughness\":{\"baseColorFactor\":"
               "[0.86,0.84,0.80,1],\"metallicFactor\":0,\"roughnessFactor\":0.7}},"
               "{\"name\":\"Stone\",\"pbrMetallicRoughness\":{\"baseColorFactor\":[0.62,0.58,0.52,1],"
               "\"metallicFactor\":0,\"roughnessFactor\":0.9}}],");
    fprintf(f, "\"meshes\":[{\"name\":\"Column\",\"primitives\":[{\"attributes\":{\"POSITION\":0,"
               "\"NORMAL\":1},\"indices\":2,\"material\":0}]},{\"name\":\"Floor\",\"primitives\":"
               "[{\"attributes\":{\"POSITION\":3,\"NORMAL\":4},\"indices\":5,\"material\":1}]}],");
    fprintf(f, "\"buffers\":[{\"uri\":\"lobby.bin\",\"byteLength\":%zu}],", pos + nrm + idx);
    fprintf(f, "\"bufferViews\":[{\"buffer\":0,\"byteOffset\":0,\"byteLength\":%zu},"
               "{\"buffer\":0,\"byteOffset\":%zu,\"byteLength\":%zu},"
               "{\"buffer\":0,\"byteOffset\":%zu,\"byteLength\":%zu}],",
            pos, pos, nrm, pos + nrm, idx);
    fprintf(f, "\"accessors\":["
               "{\"bufferView\":0,\"componentType\":5126,\"count\":24,\"type\":\"VEC3\","
               "\"min\":[-0.5,0,-0.5],\"max\":[0.5,1,0.5]},"
               "{\"bufferView\":1,\"componentType\":5126,\"count\":24,\"type\":\"VEC3\"},"
               "{\"bufferView\":2,\"componentType\":5123,\"count\":36,\"type\":\"SCALAR\"},"
               "{\"bufferView\":0,\"byteOffset\":288,\"componentType\":5126,\"count\":4,"
               "\"type\":\"VEC3\",\"min\":[-15,0,-15],\"max\":[15,0,15]},"
               "{\"bufferView\":1,\"byteOffset\":288,\"componentType\":5126,\"count\":4,\"type\":\"VEC3\"},"
               "{\"bufferView\":2,\"byteOffset\":72,\"componentType\":5123,\"count\":6,"
               "\"type\":\"SCALAR\"}]}\n");
    return ferror(f) ? -1 : 0;
}

// Makes dir and every folder above it.
static void mkdir_p(char *dir)
{
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(dir, 0700);
            *p = '/';
        }
    mkdir(dir, 0700);
}

bool run_lobby_scene_path(char *out, size_t size)
{
    const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char dir[1024];
    if (cache && cache[0])
        snprintf(dir, sizeof dir, "%s/stoa/lobby", cache);
    else
        snprintf(dir, sizeof dir, "%s/.cache/stoa/lobby", home && home[0] ? home : "/tmp");
    mkdir_p(dir);
    lobby_buf *b = calloc(1, sizeof *b);
    if (!b)
        return false;
    fill(b);
    char bin[1100];
    stoa_error err = {0};
    snprintf(bin, sizeof bin, "%s/lobby.bin", dir);
    bool ok = stoa_file_write_atomic(bin, b, sizeof *b, &err) == STOA_OK;
    free(b);
    snprintf(out, size, "%s/lobby.gltf", dir);
    FILE *f = ok ? fopen(out, "w") : NULL;
    ok = f && write_gltf(f) == 0;
    if (f)
        ok = fclose(f) == 0 && ok;
    return ok;
}
