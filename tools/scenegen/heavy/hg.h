// SPDX-License-Identifier: Apache-2.0
// stoa_heavygen: a deterministic, photogrammetry-like ruin as glTF binary.
// Private to tools/scenegen/heavy.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

// ---- sizes ------------------------------------------------------------------
typedef struct hg_size {
    uint32_t ground_quads;  // per side of the ground patch
    uint32_t ground_tiles;  // tiles per side (each its own mesh and node)
    uint32_t wall_count;
    uint32_t wall_quads_u, wall_quads_v, wall_tiles;
    uint32_t column_sides, column_rings;
    uint32_t rock_subdiv;
    float column_spacing; // metres between columns along the colonnades
    uint32_t rocks;
    uint32_t tex_size; // every texture is tex_size x tex_size
} hg_size;

// ---- noise (hg_geom.c) ----------------------------------------------------------
float hg_noise2(float x, float y, uint32_t seed);             // value noise, -1..1
float hg_fbm2(float x, float y, int octaves, uint32_t seed);  // about -1..1
float hg_noise3(float x, float y, float z, uint32_t seed);
uint32_t hg_hash(uint32_t x);
float hg_rand01(uint32_t *state);

// ---- meshes -------------------------------------------------------------------
typedef struct hg_mesh {
    uint32_t vcount, icount;
    float *pos, *nrm, *tan, *uv; // 3, 3, 4, 2 per vertex
    uint32_t *idx;
} hg_mesh;

void hg_mesh_alloc(hg_mesh *m, uint32_t vcount, uint32_t icount);
void hg_mesh_free(hg_mesh *m);
// Normals from the triangles (area weighted), tangents along +u of the UVs.
void hg_mesh_normals(hg_mesh *m);

// A grid surface: fn(u, v) -> position for u, v in [0, 1], quads nu x nv over
// [u0, u1] x [v0, v1]; triangles face cross(dP/du, dP/dv). UVs (u, v).
typedef void (*hg_surface_fn)(void *user, float u, float v, float out[3]);
void hg_grid(hg_mesh *m, hg_surface_fn fn, void *user, uint32_t nu, uint32_t nv, float u0,
             float u1, float v0, float v1);

float hg_ground_height(float x, float z, uint32_t seed);
void hg_ground_point(void *user, float u, float v, float out[3]); // user: uint32_t *seed
#define HG_GROUND_HALF 30.0f
typedef struct hg_wall {
    float length, height, thickness;
    uint32_t seed;
} hg_wall;
void hg_wall_point(void *user, float u, float v, float out[3]); // user: hg_wall *
void hg_column(hg_mesh *m, uint32_t sides, uint32_t rings, float height, uint32_t seed,
               float broken); // broken > 0: a stump this high with a jagged top
void hg_rock(hg_mesh *m, uint32_t subdiv, uint32_t seed);

// ---- textures (hg_tex.c): JPEG bytes (malloc'd) ---------------------------------------
typedef enum { HG_TEX_GROUND, HG_TEX_GROUND_NORMAL, HG_TEX_WALL, HG_TEX_STONE } hg_tex_kind;
uint8_t *hg_texture_jpeg(hg_tex_kind kind, uint32_t size, uint32_t seed, size_t *out_len);

// ---- glTF binary (hg_glb.c) -----------------------------------------------------------
typedef struct hg_glb {
    cJSON *root;
    uint8_t *bin;
    size_t len, cap;
} hg_glb;

void hg_glb_init(hg_glb *g);
int hg_glb_image(hg_glb *g, const char *name, const uint8_t *jpeg, size_t len); // texture index
int hg_glb_material(hg_glb *g, const char *name, int base_tex, int normal_tex, float roughness);
int hg_glb_mesh(hg_glb *g, const char *name, const hg_mesh *m, int material); // mesh index
// A node with optional mesh (-1), translation/rotation/scale (NULL = none).
int hg_glb_node(hg_glb *g, const char *name, int mesh, const float t[3], const float r[4],
                const float s[3]);
void hg_glb_child(hg_glb *g, int parent, int child);
// Turns node into an EXT_mesh_gpu_instancing node with count instances.
void hg_glb_instances(hg_glb *g, int node, uint32_t count, const float *t, const float *r,
                      const float *s);
int hg_glb_write(hg_glb *g, const int *roots, int root_count, const char *path);
void hg_glb_free(hg_glb *g);

// ---- the site (hg_site.c) ----------------------------------------------------------
int hg_build_site(const hg_size *size, uint32_t seed, const char *out_path);
