// SPDX-License-Identifier: Apache-2.0
// The ruin: a scanned ground patch (60 m square, in tiles as a
// photogrammetry tool exports them), the broken walls of a building on it,
// and the instanced site around (columns, stumps and rocks, through
// EXT_mesh_gpu_instancing). A Spawn node and an Overview camera.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hg.h"

static void quat_y(float angle, float q[4])
{
    q[0] = 0;
    q[1] = sinf(angle * 0.5f);
    q[2] = 0;
    q[3] = cosf(angle * 0.5f);
}

// The rotation that turns a camera (looking down -Z, +Y up) toward dir.
static void look_quat(const float dir[3], float q[4])
{
    float z[3] = {-dir[0], -dir[1], -dir[2]};
    float n = sqrtf(z[0] * z[0] + z[1] * z[1] + z[2] * z[2]);
    for (int i = 0; i < 3; i++)
        z[i] /= n;
    float x[3] = {z[2], 0, -z[0]}; // up x z
    n = sqrtf(x[0] * x[0] + x[2] * x[2]);
    x[0] /= n;
    x[2] /= n;
    float y[3] = {z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]};
    float tr = x[0] + y[1] + z[2];
    if (tr > 0) {
        float s = sqrtf(tr + 1.0f) * 2;
        q[3] = 0.25f * s;
        q[0] = (y[2] - z[1]) / s;
        q[1] = (z[0] - x[2]) / s;
        q[2] = (x[1] - y[0]) / s;
    } else if (x[0] > y[1] && x[0] > z[2]) {
        float s = sqrtf(1.0f + x[0] - y[1] - z[2]) * 2;
        q[3] = (y[2] - z[1]) / s;
        q[0] = 0.25f * s;
        q[1] = (y[0] + x[1]) / s;
        q[2] = (z[0] + x[2]) / s;
    } else if (y[1] > z[2]) {
        float s = sqrtf(1.0f + y[1] - x[0] - z[2]) * 2;
        q[3] = (z[0] - x[2]) / s;
        q[0] = (y[0] + x[1]) / s;
        q[1] = 0.25f * s;
        q[2] = (z[1] + y[2]) / s;
    } else {
        float s = sqrtf(1.0f + z[2] - x[0] - y[1]) * 2;
        q[3] = (x[1] - y[0]) / s;
        q[0] = (z[0] + x[2]) / s;
        q[1] = (z[1] + y[2]) / s;
        q[2] = 0.25f * s;
    }
}

static void add_ground(hg_glb *g, const hg_size *z, uint32_t seed, int mat, int root)
{
    uint32_t per = z->ground_quads / z->ground_tiles;
    for (uint32_t j = 0; j < z->ground_tiles; j++)
        for (uint32_t i = 0; i < z->ground_tiles; i++) {
            hg_mesh m;
            float t = (float)z->ground_tiles;
            hg_grid(&m, hg_ground_point, &seed, per, per, (float)i / t, (float)(i + 1) / t,
                    (float)j / t, (float)(j + 1) / t);
            char name[64];
            snprintf(name, sizeof name, "Scan ground %u-%u", j, i);
            hg_glb_child(g, root, hg_glb_node(g, name, hg_glb_mesh(g, name, &m, mat), NULL, NULL, NULL));
            hg_mesh_free(&m);
        }
}

// Walls of the building: x, z of the centre, angle about +Y, length.
static const float k_walls[8][4] = {
    {-8.0f, -9.0f, 0.0f, 12.0f}, {8.0f, -9.0f, 0.0f, 12.0f},  {14.0f, 0.0f, 1.5708f, 12.0f},
    {-14.0f, 0.0f, -1.5708f, 12.0f}, {-8.0f, 9.0f, 3.1416f, 12.0f}, {8.0f, 9.0f, 3.1416f, 12.0f},
    {-3.0f, -3.0f, 1.5708f, 12.0f}, {4.0f, 2.5f, 0.0f, 12.0f},
};

static void add_walls(hg_glb *g, const hg_size *z, uint32_t seed, int mat, int root)
{
    for (uint32_t w = 0; w < z->wall_count && w < 8; w++) {
        hg_wall wall = {k_walls[w][3], 3.6f, 0.7f, seed + 100 + w};
        float q[4], t[3] = {k_walls[w][0], 0, k_walls[w][1]};
        quat_y(k_walls[w][2], q);
        t[1] = hg_ground_height(t[0], t[2], seed) - 0.25f;
        char name[64];
        snprintf(name, sizeof name, "Wall %u", w);
        int node = hg_glb_node(g, name, -1, t, q, NULL);
        hg_glb_child(g, root, node);
        for (uint32_t k = 0; k < z->wall_tiles; k++) {
            hg_mesh m;
            float n = (float)z->wall_tiles;
            hg_grid(&m, hg_wall_point, &wall, z->wall_quads_u / z->wall_tiles, z->wall_quads_v,
                    (float)k / n, (float)(k + 1) / n, 0.0f, 1.0f);
            snprintf(name, sizeof name, "Wall %u part %u", w, k);
            hg_glb_child(g, node, hg_glb_node(g, name, hg_glb_mesh(g, name, &m, mat), NULL, NULL, NULL));
            hg_mesh_free(&m);
        }
    }
}

typedef struct inst {
    float *t, *r, *s;
    uint32_t n, cap;
} inst;

static void inst_add(inst *a, const float t[3], const float r[4], const float s[3])
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->t = realloc(a->t, a->cap * 3 * sizeof(float));
        a->r = realloc(a->r, a->cap * 4 * sizeof(float));
        a->s = realloc(a->s, a->cap * 3 * sizeof(float));
        if (!a->t || !a->r || !a->s)
            abort();
    }
    memcpy(a->t + a->n * 3, t, 12);
    memcpy(a->r + a->n * 4, r, 16);
    memcpy(a->s + a->n * 3, s, 12);
    a->n++;
}

// Columns along two rectangles around the building and an avenue to the
// south; about 40% are broken stumps.
static void place_columns(const hg_size *z, uint32_t seed, inst *cols, inst *stumps)
{
    static const float rects[3][4] = {{-23, -17, 23, 17}, {-20, -14, 20, 14}, {-27, 23, 27, 26}};
    uint32_t k = 0;
    for (int r = 0; r < 3; r++) {
        const float *b = rects[r];
        float w = b[2] - b[0], h = b[3] - b[1];
        float perim = r < 2 ? 2 * (w + h) : 2 * w;
        uint32_t count = (uint32_t)(perim / z->column_spacing);
        for (uint32_t i = 0; i < count; i++, k++) {
            float d = (float)i * z->column_spacing, x, y;
            if (r == 2) {
                x = b[0] + fmodf(d, w);
                y = d < w ? b[1] : b[3];
            } else if (d < w) {
                x = b[0] + d, y = b[1];
            } else if (d < w + h) {
                x = b[2], y = b[1] + d - w;
            } else if (d < 2 * w + h) {
                x = b[2] - (d - w - h), y = b[3];
            } else {
                x = b[0], y = b[3] - (d - 2 * w - h);
            }
            uint32_t hs = hg_hash(seed ^ (k * 7919U));
            float t[3] = {x, hg_ground_height(x, y, seed) - 0.1f, y}, q[4], s[3] = {1, 1, 1};
            quat_y((float)(hs % 360) * 0.01745f, q);
            inst_add((hs >> 12) % 10 < 4 ? stumps : cols, t, q, s);
        }
    }
}

static void place_rocks(const hg_size *z, uint32_t seed, inst *rocks)
{
    uint32_t st = seed * 31U + 5;
    for (uint32_t i = 0; i < z->rocks; i++) {
        float x = (hg_rand01(&st) * 2 - 1) * 28.0f, y = (hg_rand01(&st) * 2 - 1) * 28.0f;
        float size = 0.15f + 0.5f * powf(hg_rand01(&st), 2.0f);
        float q[4] = {hg_rand01(&st) - 0.5f, hg_rand01(&st) - 0.5f, hg_rand01(&st) - 0.5f,
                      hg_rand01(&st) - 0.5f};
        float n = sqrtf(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        for (int c = 0; c < 4; c++)
            q[c] /= n;
        float t[3] = {x, hg_ground_height(x, y, seed) + size * 0.2f, y};
        float s[3] = {size, size, size};
        inst_add(rocks, t, q, s);
    }
}

static void add_instanced(hg_glb *g, int root, const char *name, int mesh, inst *a)
{
    if (!a->n)
        return;
    int node = hg_glb_node(g, name, mesh, NULL, NULL, NULL);
    hg_glb_instances(g, node, a->n, a->t, a->r, a->s);
    hg_glb_child(g, root, node);
    free(a->t);
    free(a->r);
    free(a->s);
}

int hg_build_site(const hg_size *z, uint32_t seed, const char *out_path)
{
    hg_glb g;
    hg_glb_init(&g);
    size_t len;
    uint8_t *jpg;
    int tex[4];
    static const char *const names[4] = {"scan_ground.jpg", "scan_ground_normal.jpg",
                                         "scan_walls.jpg", "marble.jpg"};
    for (int i = 0; i < 4; i++) {
        jpg = hg_texture_jpeg((hg_tex_kind)i, z->tex_size, seed + (uint32_t)i, &len);
        tex[i] = hg_glb_image(&g, names[i], jpg, len);
        free(jpg);
    }
    int m_ground = hg_glb_material(&g, "Scan ground", tex[0], tex[1], 0.95f);
    int m_wall = hg_glb_material(&g, "Scan walls", tex[2], -1, 0.9f);
    int m_stone = hg_glb_material(&g, "Marble", tex[3], -1, 0.6f);
    int ruin = hg_glb_node(&g, "Ruin scan", -1, NULL, NULL, NULL);
    add_ground(&g, z, seed, m_ground, ruin);
    add_walls(&g, z, seed, m_wall, ruin);
    int site = hg_glb_node(&g, "Site", -1, NULL, NULL, NULL);
    hg_mesh m;
    inst cols = {0}, stumps = {0}, rocks = {0};
    place_columns(z, seed, &cols, &stumps);
    place_rocks(z, seed, &rocks);
    hg_column(&m, z->column_sides, z->column_rings, 5.2f, seed + 40, 0.0f);
    add_instanced(&g, site, "Columns", hg_glb_mesh(&g, "Column", &m, m_stone), &cols);
    hg_mesh_free(&m);
    hg_column(&m, z->column_sides, z->column_rings / 2, 5.2f, seed + 41, 1.6f);
    add_instanced(&g, site, "Stumps", hg_glb_mesh(&g, "Column stump", &m, m_stone), &stumps);
    hg_mesh_free(&m);
    hg_rock(&m, z->rock_subdiv, seed + 42);
    add_instanced(&g, site, "Rocks", hg_glb_mesh(&g, "Rock", &m, m_stone), &rocks);
    hg_mesh_free(&m);
    float spawn_t[3] = {0, hg_ground_height(0, 20, seed), 20};
    int spawn = hg_glb_node(&g, "Spawn", -1, spawn_t, NULL, NULL);
    cJSON *cam = cJSON_CreateObject();
    cJSON_AddStringToObject(cam, "type", "perspective");
    cJSON *persp = cJSON_AddObjectToObject(cam, "perspective");
    cJSON_AddNumberToObject(persp, "yfov", 0.9);
    cJSON_AddNumberToObject(persp, "znear", 0.1);
    cJSON_AddNumberToObject(persp, "zfar", 300);
    cJSON *cams = cJSON_AddArrayToObject(g.root, "cameras");
    cJSON_AddItemToArray(cams, cam);
    float eye[3] = {30, 20, 34}, dir[3] = {-30, -20, -34}, q[4];
    look_quat(dir, q);
    int overview = hg_glb_node(&g, "Overview", -1, eye, q, NULL);
    cJSON_AddNumberToObject(cJSON_GetArrayItem(cJSON_GetObjectItem(g.root, "nodes"), overview),
                            "camera", 0);
    int roots[4] = {ruin, site, spawn, overview};
    int rc = hg_glb_write(&g, roots, 4, out_path);
    hg_glb_free(&g);
    return rc;
}
