// SPDX-License-Identifier: Apache-2.0
// The overlay's geometry and materials, built in memory as a stoa_scene.
#include <stdlib.h>
#include <string.h>

#include "run_overlay_mesh.h"

char *run_ov_dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

bool run_ov_mesh_alloc(stoa_mesh *m, const char *name, uint32_t verts, uint32_t idx,
                       int32_t material)
{
    m->name = run_ov_dup(name);
    m->vertex_count = verts;
    m->index_count = idx;
    m->positions = calloc(verts * 3, sizeof(float));
    m->normals = calloc(verts * 3, sizeof(float));
    m->uv0 = calloc(verts * 2, sizeof(float));
    m->indices = calloc(idx, sizeof(uint32_t));
    m->material = material;
    m->skin = -1;
    return m->name && m->positions && m->normals && m->uv0 && m->indices;
}

void run_ov_bounds(stoa_mesh *m)
{
    for (int c = 0; c < 3; c++) {
        m->bounds_min[c] = 1e30f;
        m->bounds_max[c] = -1e30f;
    }
    for (uint32_t v = 0; v < m->vertex_count; v++)
        for (int c = 0; c < 3; c++) {
            float x = m->positions[v * 3 + c];
            m->bounds_min[c] = x < m->bounds_min[c] ? x : m->bounds_min[c];
            m->bounds_max[c] = x > m->bounds_max[c] ? x : m->bounds_max[c];
        }
}

// A unit quad in XY facing +Z; uv (0,0) at the top left, as images are.
static bool quad(stoa_mesh *m, const char *name, int32_t material)
{
    static const float p[4][2] = {{-0.5f, 0.5f}, {0.5f, 0.5f}, {0.5f, -0.5f}, {-0.5f, -0.5f}};
    static const float uv[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
    static const uint32_t idx[6] = {0, 3, 2, 0, 2, 1};
    if (!run_ov_mesh_alloc(m, name, 4, 6, material))
        return false;
    for (int v = 0; v < 4; v++) {
        m->positions[v * 3] = p[v][0];
        m->positions[v * 3 + 1] = p[v][1];
        m->normals[v * 3 + 2] = 1.0f;
        m->uv0[v * 2] = uv[v][0];
        m->uv0[v * 2 + 1] = uv[v][1];
    }
    memcpy(m->indices, idx, sizeof idx);
    run_ov_bounds(m);
    return true;
}

// A box with flat faces; z from z0 to z1 (a laser runs from 0 to -1).
bool run_ov_box(stoa_mesh *m, const char *name, int32_t material, float z0, float z1)
{
    static const int faces[6][4][3] = {
        {{1, 0, 0}, {1, 1, 0}, {1, 1, 1}, {1, 0, 1}}, {{0, 0, 1}, {0, 1, 1}, {0, 1, 0}, {0, 0, 0}},
        {{0, 1, 0}, {0, 1, 1}, {1, 1, 1}, {1, 1, 0}}, {{0, 0, 1}, {0, 0, 0}, {1, 0, 0}, {1, 0, 1}},
        {{0, 0, 1}, {1, 0, 1}, {1, 1, 1}, {0, 1, 1}}, {{1, 0, 0}, {0, 0, 0}, {0, 1, 0}, {1, 1, 0}}};
    static const float n[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    if (!run_ov_mesh_alloc(m, name, 24, 36, material))
        return false;
    for (int f = 0; f < 6; f++) {
        for (int v = 0; v < 4; v++) {
            float *pos = &m->positions[(f * 4 + v) * 3];
            pos[0] = faces[f][v][0] - 0.5f;
            pos[1] = faces[f][v][1] - 0.5f;
            pos[2] = faces[f][v][2] ? z0 : z1;
            memcpy(&m->normals[(f * 4 + v) * 3], n[f], sizeof n[f]);
        }
        uint32_t b = (uint32_t)f * 4, *ix = &m->indices[f * 6];
        ix[0] = b;
        ix[1] = b + 2;
        ix[2] = b + 1;
        ix[3] = b;
        ix[4] = b + 3;
        ix[5] = b + 2;
    }
    // Winding chosen per face above may be either way round: the overlay
    // materials are double-sided, so it does not matter for drawing.
    run_ov_bounds(m);
    return true;
}

// A four-sided pyramid pointing down, tip at the origin, 1 m tall.
static bool arrow(stoa_mesh *m, const char *name, int32_t material)
{
    static const float base[4][2] = {{-0.5f, -0.5f}, {0.5f, -0.5f}, {0.5f, 0.5f}, {-0.5f, 0.5f}};
    if (!run_ov_mesh_alloc(m, name, 12, 12, material))
        return false;
    for (int s = 0; s < 4; s++) {
        float *p = &m->positions[s * 9];
        p[0] = 0, p[1] = 0, p[2] = 0;
        p[3] = base[s][0], p[4] = 1.0f, p[5] = base[s][1];
        p[6] = base[(s + 1) % 4][0], p[7] = 1.0f, p[8] = base[(s + 1) % 4][1];
        float nx = (base[s][0] + base[(s + 1) % 4][0]) * 0.5f,
              nz = (base[s][1] + base[(s + 1) % 4][1]) * 0.5f;
        for (int v = 0; v < 3; v++) {
            m->normals[(s * 3 + v) * 3] = nx;
            m->normals[(s * 3 + v) * 3 + 1] = -0.3f;
            m->normals[(s * 3 + v) * 3 + 2] = nz;
            m->indices[s * 3 + v] = (uint32_t)(s * 3 + v);
        }
    }
    run_ov_bounds(m);
    return true;
}

void run_ov_solid(stoa_material *mat, const char *name, float r, float g, float b, float a)
{
    mat->name = run_ov_dup(name);
    mat->base_color[0] = r, mat->base_color[1] = g, mat->base_color[2] = b, mat->base_color[3] = a;
    mat->metallic = 0.0f;
    mat->roughness = 1.0f;
    mat->base_color_tex = (stoa_texture_ref){-1, 0, 1};
    mat->metallic_roughness_tex = mat->normal_tex = mat->occlusion_tex = mat->emissive_tex =
        (stoa_texture_ref){-1, 0, 1};
    mat->alpha_mode = a < 1.0f ? STOA_ALPHA_BLEND : STOA_ALPHA_OPAQUE;
    mat->alpha_cutoff = 0.5f;
    mat->double_sided = true;
    mat->unlit = true;
}

void run_ov_node(stoa_node *n, const char *name, int32_t mesh)
{
    n->name = run_ov_dup(name);
    n->parent = -1;
    n->rotation[3] = 1.0f;
    n->scale[0] = n->scale[1] = n->scale[2] = 0.0f; // hidden until placed
    n->camera = n->light = -1;
    if (mesh >= 0) {
        n->mesh_count = 1;
        n->meshes = malloc(sizeof(uint32_t));
        if (n->meshes)
            n->meshes[0] = (uint32_t)mesh;
    }
}

stoa_scene *overlay_scene_build(const stoa_ui_panel_image *images, const bool *shown,
                                const run_hands *hands)
{
    stoa_scene *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    bool with_hands = hands && hands->part_count;
    s->path = run_ov_dup("(overlay)");
    s->node_count = OV_NODE_COUNT + (with_hands ? run_hands_node_count(hands) : 0);
    s->mesh_count = OV_MESH_COUNT + (with_hands ? run_hands_mesh_count(hands) : 0);
    s->material_count = OV_MATERIAL_COUNT + (with_hands ? RUN_HANDS_MATERIALS : 0);
    s->texture_count = RUN_MAX_PANELS;
    s->nodes = calloc(s->node_count, sizeof *s->nodes);
    s->meshes = calloc(s->mesh_count, sizeof *s->meshes);
    s->materials = calloc(s->material_count, sizeof *s->materials);
    s->textures = calloc(s->texture_count, sizeof *s->textures);
    if (!s->nodes || !s->meshes || !s->materials || !s->textures)
        return s; // the caller checks overlay_scene_ok
    bool ok = true;
    for (uint32_t i = 0; i < RUN_MAX_PANELS; i++) {
        stoa_texture *t = &s->textures[i];
        t->name = run_ov_dup("panel");
        bool has = shown[i] && images[i].rgba;
        t->width = has ? (uint32_t)images[i].width : 1;
        t->height = has ? (uint32_t)images[i].height : 1;
        t->rgba = calloc((size_t)t->width * t->height, 4);
        if (t->rgba && has) {
            memcpy(t->rgba, images[i].rgba, (size_t)t->width * t->height * 4);
            stoa_ui_unpremultiply(t->rgba, (size_t)t->width * t->height);
        }
        t->sampler = (stoa_sampler){9729, 9729, 33071, 33071};
        run_ov_solid(&s->materials[i], "panel", 1, 1, 1, 0.99f);
        s->materials[i].base_color_tex = (stoa_texture_ref){(int32_t)i, 0, 1};
        ok = ok && t->rgba && quad(&s->meshes[i], "panel", (int32_t)i);
        run_ov_node(&s->nodes[OV_NODE_PANEL0 + i], "panel", (int32_t)i);
    }
    run_ov_solid(&s->materials[OV_MAT_LASER], "laser", 0.25f, 0.85f, 1.0f, 1.0f);
    run_ov_solid(&s->materials[OV_MAT_RETICLE], "reticle", 1.0f, 1.0f, 1.0f, 1.0f);
    run_ov_solid(&s->materials[OV_MAT_ARROW], "arrow", 1.0f, 0.65f, 0.1f, 1.0f);
    run_ov_solid(&s->materials[OV_MAT_ARC], "arc", 0.3f, 1.0f, 0.45f, 1.0f);
    ok = ok && run_ov_box(&s->meshes[OV_MESH_LASER], "laser", OV_MAT_LASER, 0.0f, -1.0f) &&
         run_ov_box(&s->meshes[OV_MESH_RETICLE], "reticle", OV_MAT_RETICLE, 0.5f, -0.5f) &&
         arrow(&s->meshes[OV_MESH_ARROW], "arrow", OV_MAT_ARROW) &&
         run_ov_box(&s->meshes[OV_MESH_ARC], "arc", OV_MAT_ARC, 0.5f, -0.5f);
    run_ov_node(&s->nodes[OV_NODE_LASER_L], "laser_left", OV_MESH_LASER);
    run_ov_node(&s->nodes[OV_NODE_LASER_R], "laser_right", OV_MESH_LASER);
    run_ov_node(&s->nodes[OV_NODE_RETICLE], "reticle", OV_MESH_RETICLE);
    run_ov_node(&s->nodes[OV_NODE_ARROW], "arrow", OV_MESH_ARROW);
    for (uint32_t i = 0; i < OV_ARC_NODES; i++)
        run_ov_node(&s->nodes[OV_NODE_ARC0 + i], "arc", OV_MESH_ARC);
    if (with_hands)
        ok = ok && run_hands_build(hands, s, OV_MESH_COUNT, OV_MATERIAL_COUNT, OV_NODE_COUNT);
    if (!ok)
        s->mesh_count = 0; // marks a failed build
    return s;
}

bool overlay_scene_ok(const stoa_scene *s)
{
    return s && s->nodes && s->meshes && s->materials && s->textures && s->mesh_count;
}
