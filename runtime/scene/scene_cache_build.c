// SPDX-License-Identifier: Apache-2.0
// A scene from checked cache bytes (scene_cache_check.c has checked the
// header, table and hashes). Every count is bounded by the bytes left before
// anything is allocated, every array reference must lie in DATA with exactly
// the size its count implies, and every index the rest of Stoa follows
// (parents, meshes, materials, textures, skins, joints, vertex indices,
// animation targets) is checked, so that even a file whose hashes were
// forged cannot make Stoa read out of bounds. Arrays point into the bytes.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene/stoa_scene_texfmt.h"
#include "scene_cache_io.h"

#define MAX_DIM 16384u

static void get_texref(rd *r, stoa_texture_ref *t, uint32_t textures)
{
    t->texture = get_i32(r);
    t->texcoord = get_u32(r);
    get_f32s(r, &t->scale, 1);
    t->transformed = get_u8(r);
    get_f32s(r, t->uv_matrix, 6);
    if (t->texture < -1 || t->texture >= (int32_t)textures || t->texcoord > 1)
        fail(r, "material names a texture or UV set that does not exist");
}

static bool in_range(int32_t i, uint32_t count, bool none_ok)
{
    return (none_ok && i == -1) || (i >= 0 && (uint32_t)i < count);
}

static void read_nodes(rd *r, stoa_scene *s)
{
    for (uint32_t i = 0; i < s->node_count && !r->bad; i++) {
        stoa_node *n = &s->nodes[i];
        n->name = get_str(r);
        n->parent = get_i32(r);
        get_f32s(r, n->translation, 3);
        get_f32s(r, n->rotation, 4);
        get_f32s(r, n->scale, 3);
        n->mesh_count = get_u32(r);
        n->meshes = get_ref(r, (size_t)n->mesh_count * 4, false);
        n->camera = get_i32(r);
        n->light = get_i32(r);
        if (n->parent < -1 || n->parent >= (int32_t)i || !in_range(n->camera, s->camera_count, true) ||
            !in_range(n->light, s->light_count, true) || (n->mesh_count && !n->meshes))
            fail(r, "node refers to a parent, camera or light that does not exist");
        for (uint32_t k = 0; k < n->mesh_count && !r->bad; k++)
            if (n->meshes[k] >= s->mesh_count)
                fail(r, "node refers to a mesh that does not exist");
    }
}

static void read_mesh(rd *r, stoa_scene *s, stoa_mesh *m, index_max_seen *seen)
{
    m->name = get_str(r);
    m->vertex_count = get_u32(r);
    m->index_count = get_u32(r);
    size_t vc = m->vertex_count;
    m->positions = get_ref(r, vc * 12, true);
    m->normals = get_ref(r, vc * 12, true);
    m->tangents = get_ref(r, vc * 16, false);
    m->uv0 = get_ref(r, vc * 8, false);
    m->uv1 = get_ref(r, vc * 8, false);
    m->colors = get_ref(r, vc * 16, false);
    m->joints = get_ref(r, vc * 8, false);
    m->weights = get_ref(r, vc * 16, false);
    m->indices = get_ref(r, (size_t)m->index_count * 4, m->index_count > 0);
    m->material = get_i32(r);
    m->skin = get_i32(r);
    m->morph_target_count = get_u32(r);
    if (m->index_count % 3 || !in_range(m->material, s->material_count, true) ||
        !in_range(m->skin, s->skin_count, true))
        fail(r, "mesh has a partial triangle, or a material or skin that does not exist");
    if (m->morph_target_count && count_fits(r, m->morph_target_count, 48) &&
        !(m->morph_targets = calloc(m->morph_target_count, sizeof *m->morph_targets)))
        fail(r, "out of memory");
    for (uint32_t t = 0; t < m->morph_target_count && !r->bad; t++) {
        m->morph_targets[t].positions = get_ref(r, vc * 12, true);
        m->morph_targets[t].normals = get_ref(r, vc * 12, false);
        m->morph_targets[t].tangents = get_ref(r, vc * 12, false);
    }
    m->default_weights = get_ref(r, (size_t)m->morph_target_count * 4, false);
    get_f32s(r, m->bounds_min, 3);
    get_f32s(r, m->bounds_max, 3);
    if (!r->bad && m->index_count && index_max(seen, m->indices, m->index_count) >= m->vertex_count)
        fail(r, "mesh index past its vertices");
    bool skinned = !r->bad && m->skin >= 0 && (uint32_t)m->skin < s->skin_count;
    uint32_t joints = skinned ? s->skins[m->skin].joint_count : 0;
    for (size_t k = 0; !r->bad && m->joints && skinned && k < vc * 4; k++)
        if (m->joints[k] >= joints)
            fail(r, "vertex joint past its skin's joints");
}

static void read_materials(rd *r, stoa_scene *s)
{
    for (uint32_t i = 0; i < s->material_count && !r->bad; i++) {
        stoa_material *m = &s->materials[i];
        m->name = get_str(r);
        get_f32s(r, m->base_color, 4);
        get_f32s(r, &m->metallic, 1);
        get_f32s(r, &m->roughness, 1);
        get_f32s(r, m->emissive, 3);
        get_texref(r, &m->base_color_tex, s->texture_count);
        get_texref(r, &m->metallic_roughness_tex, s->texture_count);
        get_texref(r, &m->normal_tex, s->texture_count);
        get_texref(r, &m->occlusion_tex, s->texture_count);
        get_texref(r, &m->emissive_tex, s->texture_count);
        uint32_t mode = get_u32(r);
        m->alpha_mode = mode <= STOA_ALPHA_BLEND ? (stoa_alpha_mode)mode : STOA_ALPHA_OPAQUE;
        get_f32s(r, &m->alpha_cutoff, 1);
        m->double_sided = get_u8(r);
        m->unlit = get_u8(r);
        if (mode > STOA_ALPHA_BLEND)
            fail(r, "unknown alpha mode");
    }
}

static size_t chain_bytes(uint32_t w, uint32_t h)
{
    size_t n = 0;
    while (w > 1 || h > 1) {
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
        n += (size_t)w * h * 4;
    }
    return n;
}

static void read_textures(rd *r, stoa_scene *s)
{
    for (uint32_t i = 0; i < s->texture_count && !r->bad; i++) {
        stoa_texture *t = &s->textures[i];
        t->name = get_str(r);
        t->width = get_u32(r);
        t->height = get_u32(r);
        bool sized = t->width && t->height && t->width <= MAX_DIM && t->height <= MAX_DIM;
        if (!sized && (t->width || t->height))
            fail(r, "texture size out of range");
        t->rgba = get_tex_ref(r, (size_t)t->width * t->height * 4);
        t->sampler.mag_filter = get_i32(r);
        t->sampler.min_filter = get_i32(r);
        t->sampler.wrap_s = get_i32(r);
        t->sampler.wrap_t = get_i32(r);
        t->placeholder = get_u8(r);
        t->mips_srgb = get_u8(r);
        t->mips = get_tex_ref(r, chain_bytes(t->width, t->height));
        t->gpu_format = get_u32(r); // since format 3
        if (t->gpu_format >= STOA_TEXFMT_COUNT)
            fail(r, "texture format unknown");
        size_t blocks = t->gpu_format && sized
                            ? stoa_texfmt_chain_bytes(t->gpu_format, t->width, t->height)
                            : 0;
        t->blocks = get_tex_ref(r, blocks);
        t->blocks_size = t->blocks ? blocks : 0;
        if (sized != (t->rgba || t->blocks) || (t->mips && !t->rgba) ||
            (t->gpu_format != STOA_TEXFMT_RGBA8) != (t->blocks != NULL) || (t->blocks && t->rgba))
            fail(r, "texture pixels absent or of the wrong size");
    }
}

static void read_skins(rd *r, stoa_scene *s)
{
    for (uint32_t i = 0; i < s->skin_count && !r->bad; i++) {
        stoa_skin *k = &s->skins[i];
        k->name = get_str(r);
        k->joint_count = get_u32(r);
        k->joints = get_ref(r, (size_t)k->joint_count * 4, k->joint_count > 0);
        k->inverse_bind = get_ref(r, (size_t)k->joint_count * 64, k->joint_count > 0);
        for (uint32_t j = 0; j < k->joint_count && !r->bad; j++)
            if (k->joints[j] >= s->node_count)
                fail(r, "skin joint is not a node");
    }
}

static void read_cameras_lights(rd *r, rd *rl, stoa_scene *s)
{
    for (uint32_t i = 0; i < s->camera_count && !r->bad; i++) {
        stoa_camera *c = &s->cameras[i];
        c->name = get_str(r);
        c->node = get_i32(r);
        uint32_t type = get_u32(r);
        c->type = type ? STOA_CAMERA_ORTHOGRAPHIC : STOA_CAMERA_PERSPECTIVE;
        float f[6];
        get_f32s(r, f, 6);
        *c = (stoa_camera){c->name, c->node, c->type, f[0], f[1], f[2], f[3], f[4], f[5]};
        if (type > 1 || !in_range(c->node, s->node_count, false))
            fail(r, "camera of unknown type or on a missing node");
    }
    for (uint32_t i = 0; i < s->light_count && !rl->bad; i++) {
        stoa_light *l = &s->lights[i];
        l->name = get_str(rl);
        l->node = get_i32(rl);
        uint32_t type = get_u32(rl);
        float f[7];
        get_f32s(rl, f, 7);
        l->type = type <= STOA_LIGHT_SPOT ? (stoa_light_type)type : STOA_LIGHT_POINT;
        memcpy(l->color, f, sizeof l->color);
        l->intensity = f[3];
        l->range = f[4];
        l->inner_cone = f[5];
        l->outer_cone = f[6];
        if (type > STOA_LIGHT_SPOT || !in_range(l->node, s->node_count, false))
            fail(rl, "light of unknown type or on a missing node");
    }
}

static void read_channel(rd *r, stoa_scene *s, stoa_anim_channel *ch)
{
    ch->node = get_i32(r);
    uint32_t path = get_u32(r), interp = get_u32(r);
    ch->key_count = get_u32(r);
    ch->components = get_u32(r);
    ch->path = path <= STOA_ANIM_WEIGHTS ? (stoa_anim_path)path : STOA_ANIM_TRANSLATION;
    ch->interp = interp <= STOA_INTERP_CUBIC ? (stoa_interp)interp : STOA_INTERP_LINEAR;
    uint32_t want = path == STOA_ANIM_ROTATION ? 4 : 3;
    if (!in_range(ch->node, s->node_count, false) || path > STOA_ANIM_WEIGHTS ||
        interp > STOA_INTERP_CUBIC ||
        (path == STOA_ANIM_WEIGHTS ? ch->components == 0 || ch->components > 4096
                                   : ch->components != want))
        fail(r, "animation channel of unknown kind or on a missing node");
    size_t nv = (size_t)ch->key_count * ch->components * (interp == STOA_INTERP_CUBIC ? 3 : 1);
    ch->times = get_ref(r, (size_t)ch->key_count * 4, ch->key_count > 0);
    ch->values = get_ref(r, nv * 4, ch->key_count > 0);
}

static void read_animations(rd *r, stoa_scene *s)
{
    for (uint32_t i = 0; i < s->animation_count && !r->bad; i++) {
        stoa_animation *a = &s->animations[i];
        a->name = get_str(r);
        get_f32s(r, &a->duration, 1);
        a->channel_count = get_u32(r);
        if (a->channel_count && count_fits(r, a->channel_count, 52) &&
            !(a->channels = calloc(a->channel_count, sizeof *a->channels)))
            fail(r, "out of memory");
        for (uint32_t c = 0; c < a->channel_count && !r->bad; c++)
            read_channel(r, s, &a->channels[c]);
    }
}

// Set field by field: rd's message buffer is written only on failure (a
// hit builds a dozen readers; zeroing and copying each showed in profiles).
static void reader(rd *r, const cache_span *span, const cache_section *table, uint32_t n,
                   uint32_t id, const cache_section *data)
{
    r->p = NULL;
    r->n = r->at = 0;
    r->data = r->tex_data = (uint8_t *)span->p + data->offset; // DATA: in the front
    r->data_size = r->eager_end = data->size;
    r->tex_from = 0;
    r->bad = false;
    r->why[0] = 0;
    for (uint32_t i = 0; i < n; i++)
        if (table[i].id == id) { // in the span (scene_cache_check)
            r->p = cache_span_at(span, table[i].offset, table[i].size);
            r->n = table[i].size;
        }
}

// Once lazy_from is known: geometry before it, texels from the chunk after
// on, read through the texel bytes (scene_baked.texels when a memo's copy
// of the file's front is read: the file is mapped there on first use).
static void limit_refs(rd *r, const struct scene_baked *b, const cache_section *data)
{
    r->eager_end = b->lazy_from;
    r->tex_from = (b->lazy_from + CACHE_CHUNK - 1) / CACHE_CHUNK * CACHE_CHUNK;
    if (b->texels)
        r->tex_data = b->texels + data->offset;
}

// Counts from META, each bounded by its section's bytes (min record sizes).
static stoa_result read_meta(rd *meta, rd *rs, stoa_scene *s, stoa_error *err)
{
    uint32_t c[9];
    get(meta, c, sizeof c);
    get(meta, &s->triangle_count, 8);
    get_f32s(meta, s->bounds_min, 3);
    get_f32s(meta, s->bounds_max, 3);
    uint64_t lazy_from;
    get(meta, &lazy_from, 8);
    struct scene_baked *b = s->baked;
    if (lazy_from > rs[0].data_size)
        fail(meta, "texels start outside DATA");
    if (meta->at != meta->n)
        fail(meta, "bytes left over after the last field");
    b->lazy_from = lazy_from;
    static const size_t min_bytes[9] = {77, 209, 236, 63, 41, 37, 41, 13, 5};
    for (int i = 0; i < 9 && !meta->bad; i++)
        if (c[i] > rs[i].n / min_bytes[i])
            fail(meta, "a count is larger than its section");
    if (meta->bad)
        return stoa_error_set(err, STOA_ERROR_PARSE, "META: %s", meta->why);
    // The eight arrays in one block (b->arrays, freed whole by
    // stoa_scene_destroy): a hit allocated each apart. The counts are
    // bounded by their sections' bytes, so the sum cannot overflow.
    const size_t sizes[8] = {sizeof *s->nodes,    sizeof *s->meshes,    sizeof *s->materials,
                             sizeof *s->textures, sizeof *s->skins,     sizeof *s->cameras,
                             sizeof *s->lights,   sizeof *s->animations};
    size_t at[8], total = 0;
    for (int i = 0; i < 8; i++) {
        at[i] = total;
        total += ((size_t)(c[i] + 1) * sizes[i] + 15) & ~(size_t)15;
    }
    uint8_t *block = calloc(1, total);
    s->warnings = calloc(c[8] + 1, sizeof *s->warnings); // scene_warn may grow it
    if (!block || !s->warnings) {
        free(block);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    b->arrays = block;
    s->nodes = (stoa_node *)(block + at[0]);
    s->meshes = (stoa_mesh *)(block + at[1]);
    s->materials = (stoa_material *)(block + at[2]);
    s->textures = (stoa_texture *)(block + at[3]);
    s->skins = (stoa_skin *)(block + at[4]);
    s->cameras = (stoa_camera *)(block + at[5]);
    s->lights = (stoa_light *)(block + at[6]);
    s->animations = (stoa_animation *)(block + at[7]);
    s->node_count = c[0];
    s->mesh_count = c[1];
    s->material_count = c[2];
    s->texture_count = c[3];
    s->skin_count = c[4];
    s->camera_count = c[5];
    s->light_count = c[6];
    s->animation_count = c[7];
    s->warning_count = c[8];
    return STOA_OK;
}

stoa_result scene_cache_build(stoa_scene *s, const cache_span *span, const cache_section *table,
                              uint32_t n, stoa_error *err)
{
    const cache_section *data = NULL;
    for (uint32_t i = 0; i < n; i++)
        if (table[i].id == CACHE_DATA)
            data = &table[i];
    static const uint32_t ids[9] = {CACHE_NODE, CACHE_MESH, CACHE_MATL, CACHE_TEXR, CACHE_SKIN,
                                    CACHE_CAMR, CACHE_LITE, CACHE_ANIM, CACHE_WARN};
    rd rs[9], meta;
    reader(&meta, span, table, n, CACHE_META, data);
    for (int i = 0; i < 9; i++)
        reader(&rs[i], span, table, n, ids[i], data);
    stoa_result res = read_meta(&meta, rs, s, err);
    if (res < 0)
        return res;
    if (data->offset + s->baked->lazy_from > span->front) // a copy's front: too short
        return stoa_error_set(err, STOA_ERROR_PARSE,
                              "META: the geometry runs past the %llu bytes of the front copied",
                              (unsigned long long)span->front);
    for (int i = 0; i < 9; i++)
        limit_refs(&rs[i], s->baked, data);
    // Skins and textures first: meshes and materials are checked against them.
    read_skins(&rs[4], s);
    read_textures(&rs[3], s);
    read_materials(&rs[2], s);
    read_cameras_lights(&rs[5], &rs[6], s);
    index_max_seen seen = {0};
    for (uint32_t i = 0; i < s->mesh_count && !rs[1].bad; i++)
        read_mesh(&rs[1], s, &s->meshes[i], &seen);
    if (rs[1].bad) // before LODS and QVTX, which are read only for good meshes
        return stoa_error_set(err, STOA_ERROR_PARSE, "MESH: %s", rs[1].why);
    rd lods;
    reader(&lods, span, table, n, CACHE_LODS, data);
    limit_refs(&lods, s->baked, data);
    if (!rs[1].bad)
        scene_cache_read_lods(&lods, s);
    if (!lods.bad && lods.at != lods.n)
        fail(&lods, "bytes left over after the last record");
    if (lods.bad)
        return stoa_error_set(err, STOA_ERROR_PARSE, "LODS: %s", lods.why);
    rd quant;
    reader(&quant, span, table, n, CACHE_QVTX, data);
    limit_refs(&quant, s->baked, data);
    if (!rs[1].bad)
        scene_cache_read_quant(&quant, s);
    if (!quant.bad && quant.at != quant.n)
        fail(&quant, "bytes left over after the last record");
    if (quant.bad)
        return stoa_error_set(err, STOA_ERROR_PARSE, "QVTX: %s", quant.why);
    read_nodes(&rs[0], s);
    read_animations(&rs[7], s);
    for (uint32_t i = 0; i < s->warning_count && !rs[8].bad; i++)
        s->warnings[i] = get_str(&rs[8]);
    static const char *const names[9] = {"NODE", "MESH", "MATL", "TEXR", "SKIN",
                                         "CAMR", "LITE", "ANIM", "WARN"};
    for (int i = 0; i < 9; i++) {
        if (!rs[i].bad && rs[i].at != rs[i].n)
            fail(&rs[i], "bytes left over after the last record");
        if (rs[i].bad)
            return stoa_error_set(err, STOA_ERROR_PARSE, "%s: %s", names[i], rs[i].why);
    }
    return STOA_OK;
}
