// SPDX-License-Identifier: Apache-2.0
// stoa_scene -> GPU: one vertex buffer holding every stream of every mesh
// (so one bind per stream serves all draws), one index buffer, the morph
// deltas, then materials and textures (gfx_material.c) and the draw list.
// Where device memory is host visible (integrated GPUs, lavapipe) the data is
// written in place; otherwise it goes through one staging buffer.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_cull.h"
#include "gfx_scene_internal.h"
#include "core/stoa_log.h"
#include "scene/stoa_scene.h"
#include "scene/stoa_scene_quant.h"

// ---- upload helper -------------------------------------------------------------

void *gfx_upload_place(gfx_upload *u, gfx_buffer *dst, VkDeviceSize size)
{
    if (dst->alloc.mapped)
        return dst->alloc.mapped;
    int64_t o = gfx_staging_take(&u->staging, size);
    if (o < 0)
        return NULL;
    VkBufferCopy copy = {(VkDeviceSize)o, 0, size};
    vkCmdCopyBuffer(u->cmd, u->staging.buffer.buffer, dst->buffer, 1, &copy);
    return (uint8_t *)u->staging.buffer.alloc.mapped + o;
}

stoa_result gfx_upload_buffer(gfx_upload *u, VkDeviceSize size, VkBufferUsageFlags usage,
                              gfx_buffer *out, stoa_error *err)
{
    if (u->mapped_ok) {
        stoa_result res = gfx_buffer_create(u->dev, size, usage, GFX_MEM_GPU_MAPPED, out, err);
        if (res >= 0 || res != STOA_ERROR_UNSUPPORTED)
            return res;
        u->mapped_ok = false;
    }
    return gfx_buffer_create(u->dev, size, usage | VK_BUFFER_USAGE_TRANSFER_DST_BIT, GFX_MEM_GPU,
                             out, err);
}

// ---- geometry ------------------------------------------------------------------

static void write_morphs(float *dst, const stoa_mesh *m, float scale)
{
    size_t n = m->vertex_count;
    for (uint32_t t = 0; t < m->morph_target_count; t++) {
        const stoa_morph_target *mt = &m->morph_targets[t];
        float *p = dst + (size_t)t * 2 * n * 4;
        float *q = p + n * 4;
        for (size_t v = 0; v < n; v++) {
            p[v * 4 + 0] = mt->positions[v * 3 + 0] * scale;
            p[v * 4 + 1] = mt->positions[v * 3 + 1] * scale;
            p[v * 4 + 2] = mt->positions[v * 3 + 2] * scale;
            p[v * 4 + 3] = 0.0f;
            q[v * 4 + 0] = mt->normals ? mt->normals[v * 3 + 0] : 0.0f;
            q[v * 4 + 1] = mt->normals ? mt->normals[v * 3 + 1] : 0.0f;
            q[v * 4 + 2] = mt->normals ? mt->normals[v * 3 + 2] : 0.0f;
            q[v * 4 + 3] = 0.0f;
        }
    }
}

// The GPU must never read out of bounds: every index names a vertex of its
// mesh and every joint a joint of its skin (the scene module checks the
// glTF; this guards against any stoa_scene built elsewhere).
static stoa_result check_mesh(const stoa_scene *sc, uint32_t i, stoa_error *err)
{
    const stoa_mesh *m = &sc->meshes[i];
    if (!m->positions || (m->index_count && !m->indices) || m->index_count % 3)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: mesh %u (%s) lacks positions or whole triangles", i,
                              m->name ? m->name : "");
    for (uint32_t k = 0; k < m->index_count; k++)
        if (m->indices[k] >= m->vertex_count)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                                  "gfx: mesh %u (%s): index %u = %u is past its %u vertices", i,
                                  m->name ? m->name : "", k, m->indices[k], m->vertex_count);
    uint32_t joints =
        m->skin >= 0 && (uint32_t)m->skin < sc->skin_count ? sc->skins[m->skin].joint_count : 0;
    for (size_t k = 0; m->joints && k < (size_t)m->vertex_count * 4; k++)
        if (m->joints[k] >= joints && joints)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                                  "gfx: mesh %u (%s): joint %u is past its skin's %u joints", i,
                                  m->name ? m->name : "", m->joints[k], joints);
    return STOA_OK;
}

// The quantised streams to upload: the baked file's (no per-vertex work),
// else made now (gfx_quant_wanted: STOA_GFX_QUANT=off, none). Sets s->vertex_format to
// the streams both quantised and readable by the device.
static stoa_result choose_quant(stoa_gfx_scene *s, const stoa_scene *sc, gfx_upload *u,
                                stoa_error *err)
{
    uint32_t want = gfx_quant_wanted(u->dev);
    s->vertex_format = 0;
    if (!want)
        return STOA_OK;
    u->quant = stoa_scene_quant_baked(sc);
    if (!u->quant || u->quant->mesh_count != sc->mesh_count) {
        stoa_result res = stoa_scene_quantise_twins(sc, want, u->twin, &u->quant_own, err);
        if (res < 0)
            return res;
        u->quant = u->quant_own;
    }
    s->vertex_format = u->quant->flags & want;
    if (u->quant->reason[0])
        STOA_LOGD("gfx", "%s: vertex stream kept as floats: %s", sc->path ? sc->path : "scene",
                  u->quant->reason);
    return STOA_OK;
}

// Twins (equal vertex data and indices) share one copy on the GPU: their
// draws take the first one's vertex and index ranges. A twin's joints are
// checked against its own skin; the rest was checked on the first.
static stoa_result upload_geometry(stoa_gfx_scene *s, const stoa_scene *sc, gfx_upload *u,
                                   stoa_error *err)
{
    stoa_result qres = choose_quant(s, sc, u, err);
    if (qres < 0)
        return qres;
    const uint32_t *twin = u->twin;
    uint64_t verts = 0, indices = 0, morph = 0;
    for (uint32_t i = 0; i < sc->mesh_count; i++) {
        if (twin[i] != i && !sc->meshes[i].joints)
            continue;
        stoa_result bad = check_mesh(sc, i, err);
        if (bad < 0)
            return bad;
        if (twin[i] != i)
            continue;
        verts += sc->meshes[i].vertex_count;
        indices += sc->meshes[i].index_count;
        morph += (uint64_t)sc->meshes[i].morph_target_count * 2 * sc->meshes[i].vertex_count;
    }
    uint64_t mesh_indices = indices;
    indices += gfx_lod_index_total(sc); // levels of detail after the meshes' own
    if (verts > INT32_MAX || indices > UINT32_MAX / 4 || morph > INT32_MAX)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: scene geometry is too large");
    VkDeviceSize total = 0;
    for (uint32_t k = 0; k < GFX_STREAM_COUNT; k++) {
        s->stream_offset[k] = total;
        total += (verts * gfx_stream_stride(s->vertex_format, k) + 15) & ~(VkDeviceSize)15;
    }
    s->vertex_bytes = total;
    STOA_LOGD("gfx", "%s: vertex streams %llu bytes for %llu vertices (quantised streams %#x)",
              sc->path ? sc->path : "scene", (unsigned long long)total, (unsigned long long)verts,
              s->vertex_format);
    stoa_result res =
        gfx_upload_buffer(u, total, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT, &s->vertices, err);
    if (res >= 0)
        res = gfx_upload_buffer(u, indices * 4, VK_BUFFER_USAGE_INDEX_BUFFER_BIT, &s->indices, err);
    if (res >= 0)
        res = gfx_upload_buffer(u, morph * 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &s->morphs, err);
    if (res < 0)
        return res;
    s->mesh_first_vertex = calloc(sc->mesh_count + 1, sizeof *s->mesh_first_vertex);
    s->mesh_first_index = calloc(sc->mesh_count + 1, sizeof *s->mesh_first_index);
    s->mesh_morph_base = calloc(sc->mesh_count + 1, sizeof *s->mesh_morph_base);
    uint8_t *vdst = gfx_upload_place(u, &s->vertices, total);
    uint32_t *idst = gfx_upload_place(u, &s->indices, indices * 4);
    float *mdst = morph ? gfx_upload_place(u, &s->morphs, morph * 16) : NULL;
    if (!s->mesh_first_vertex || !s->mesh_first_index || !s->mesh_morph_base || !vdst || !idst ||
        (morph && !mdst))
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory for geometry");
    uint8_t *base[GFX_STREAM_COUNT];
    for (uint32_t k = 0; k < GFX_STREAM_COUNT; k++)
        base[k] = vdst + s->stream_offset[k];
    uint32_t v = 0, ix = 0, mo = 0;
    for (uint32_t i = 0; i < sc->mesh_count; i++) {
        const stoa_mesh *m = &sc->meshes[i];
        if (twin[i] != i) { // no morph targets (never twins)
            s->mesh_first_vertex[i] = s->mesh_first_vertex[twin[i]];
            s->mesh_first_index[i] = s->mesh_first_index[twin[i]];
            s->mesh_morph_base[i] = -1;
            continue;
        }
        s->mesh_first_vertex[i] = v;
        s->mesh_first_index[i] = ix;
        s->mesh_morph_base[i] = m->morph_target_count ? (int32_t)mo : -1;
        gfx_write_mesh_streams(base, s->vertex_format, m,
                               s->vertex_format ? &u->quant->meshes[i] : NULL, v);
        memcpy(idst + ix, m->indices, (size_t)m->index_count * 4);
        if (m->morph_target_count)
            write_morphs(
                mdst + (size_t)mo * 4, m,
                gfx_morph_scale(s->vertex_format, s->vertex_format ? &u->quant->meshes[i] : NULL));
        v += m->vertex_count;
        ix += m->index_count;
        mo += m->morph_target_count * 2 * m->vertex_count;
    }
    return gfx_select_init(s, sc, idst + mesh_indices, (uint32_t)mesh_indices, err);
}

// ---- nodes, skins, lights --------------------------------------------------------

void gfx_mat4_mul(const float a[16], const float b[16], float out[16])
{
    float t[16];
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++)
            t[c * 4 + r] = a[r] * b[c * 4] + a[4 + r] * b[c * 4 + 1] + a[8 + r] * b[c * 4 + 2] +
                           a[12 + r] * b[c * 4 + 3];
    memcpy(out, t, sizeof t);
}

static stoa_result copy_nodes(stoa_gfx_scene *s, const stoa_scene *sc, stoa_error *err)
{
    s->node_count = sc->node_count;
    s->rest_world = malloc(((size_t)sc->node_count + 1) * 16 * sizeof(float));
    s->node_parent = malloc(((size_t)sc->node_count + 1) * sizeof(int32_t));
    if (!s->rest_world || !s->node_parent)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    // Node transforms are runtime/scene's to compute (one implementation):
    // the rest pose's world matrices, for draws without a pose.
    stoa_pose *rest = stoa_pose_create(sc);
    if (!rest)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    stoa_pose_reset(rest);
    stoa_pose_update(rest);
    for (uint32_t i = 0; i < sc->node_count; i++) {
        int32_t p = sc->nodes[i].parent;
        s->node_parent[i] = p >= 0 && (uint32_t)p < i ? p : -1;
        memcpy(s->rest_world + (size_t)i * 16, stoa_pose_world(rest, i), 16 * sizeof(float));
    }
    stoa_pose_destroy(&rest);
    uint32_t joints = 0;
    for (uint32_t i = 0; i < sc->skin_count; i++)
        joints += sc->skins[i].joint_count;
    s->skin_count = sc->skin_count;
    s->joint_total = joints;
    s->skin_joint_count = calloc(sc->skin_count + 1, sizeof(uint32_t));
    s->skin_joint_offset = calloc(sc->skin_count + 1, sizeof(uint32_t));
    s->skin_joints = calloc(joints + 1, sizeof(uint32_t));
    s->inverse_bind = calloc(((size_t)joints + 1) * 16, sizeof(float));
    s->lights = calloc(sc->light_count + 1, sizeof *s->lights);
    if (!s->skin_joint_count || !s->skin_joint_offset || !s->skin_joints || !s->inverse_bind ||
        !s->lights)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    uint32_t o = 0;
    for (uint32_t i = 0; i < sc->skin_count; i++) {
        const stoa_skin *k = &sc->skins[i];
        s->skin_joint_count[i] = k->joint_count;
        s->skin_joint_offset[i] = o;
        memcpy(s->skin_joints + o, k->joints, k->joint_count * sizeof(uint32_t));
        memcpy(s->inverse_bind + (size_t)o * 16, k->inverse_bind,
               (size_t)k->joint_count * 16 * sizeof(float));
        o += k->joint_count;
    }
    s->light_count = sc->light_count;
    for (uint32_t i = 0; i < sc->light_count; i++) {
        s->lights[i] = sc->lights[i];
        s->lights[i].name = NULL;
    }
    return STOA_OK;
}

// ---- draw list -------------------------------------------------------------------

static int compare_draws(const void *a, const void *b)
{
    const gfx_draw *x = a, *y = b;
    bool bx = x->variant & GFX_VARIANT_BLEND, by = y->variant & GFX_VARIANT_BLEND;
    if (bx != by)
        return bx ? 1 : -1;
    if (x->variant != y->variant)
        return (int)x->variant - (int)y->variant;
    if (x->material != y->material)
        return (int)x->material - (int)y->material;
    // Copies of one mesh side by side, so that they can be drawn instanced.
    if (x->first_index != y->first_index)
        return x->first_index < y->first_index ? -1 : 1;
    return x->node < y->node ? -1 : x->node > y->node;
}

static stoa_result build_draws(stoa_gfx_scene *s, const stoa_scene *sc, const gfx_upload *u,
                               stoa_error *err)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < sc->node_count; i++)
        n += sc->nodes[i].mesh_count;
    s->draws = calloc(n + 1, sizeof *s->draws);
    uint32_t weights = 0;
    for (uint32_t i = 0; i < sc->mesh_count; i++)
        weights += sc->meshes[i].morph_target_count;
    s->mesh_weights = calloc(weights + 1, sizeof(float));
    if (!s->draws || !s->mesh_weights)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    uint32_t *weight_offset = calloc(sc->mesh_count + 1, sizeof(uint32_t));
    if (!weight_offset)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    for (uint32_t i = 0, o = 0; i < sc->mesh_count; i++) {
        const stoa_mesh *m = &sc->meshes[i];
        weight_offset[i] = o;
        if (m->default_weights)
            memcpy(s->mesh_weights + o, m->default_weights, m->morph_target_count * sizeof(float));
        o += m->morph_target_count;
    }
    s->draw_count = 0;
    for (uint32_t i = 0; i < sc->node_count; i++) {
        const stoa_node *node = &sc->nodes[i];
        for (uint32_t k = 0; k < node->mesh_count; k++) {
            uint32_t mi = node->meshes[k];
            if (mi >= sc->mesh_count || sc->meshes[mi].index_count == 0)
                continue;
            const stoa_mesh *m = &sc->meshes[mi];
            gfx_draw *d = &s->draws[s->draw_count++];
            d->node = i;
            d->mesh = mi;
            d->material = m->material >= 0 && (uint32_t)m->material < sc->material_count
                              ? (uint32_t)m->material
                              : sc->material_count; // the default material
            d->variant = gfx_material_variant(s, d->material) | s->vertex_format
                                                                    << GFX_VARIANT_VFMT_SHIFT;
            d->skin = m->skin >= 0 && (uint32_t)m->skin < sc->skin_count ? m->skin : -1;
            d->first_index = s->mesh_first_index[mi];
            d->index_count = m->index_count;
            d->vertex_base = (int32_t)s->mesh_first_vertex[mi];
            d->vertex_count = m->vertex_count;
            d->morph_targets = m->morph_target_count;
            d->morph_base = s->mesh_morph_base[mi];
            d->default_weights = weight_offset[mi];
            d->has_tangents = m->tangents != NULL;
            gfx_draw_set_dequant(d, s->vertex_format,
                                 s->vertex_format ? &u->quant->meshes[mi] : NULL);
            for (uint32_t t = 0; t < m->morph_target_count; t++)
                d->has_morph_normals |= m->morph_targets[t].normals != NULL;
            for (int c = 0; c < 3; c++)
                d->center[c] = 0.5f * (m->bounds_min[c] + m->bounds_max[c]);
        }
    }
    free(weight_offset);
    memcpy(s->bounds_min, sc->bounds_min, sizeof s->bounds_min);
    memcpy(s->bounds_max, sc->bounds_max, sizeof s->bounds_max);
    qsort(s->draws, s->draw_count, sizeof *s->draws, compare_draws);
    s->opaque_count = 0;
    while (s->opaque_count < s->draw_count &&
           !(s->draws[s->opaque_count].variant & GFX_VARIANT_BLEND))
        s->opaque_count++;
    return gfx_select_finish(s, sc, err);
}

// ---- create / destroy ----------------------------------------------------------------

static VkDeviceSize texture_bytes(const gfx_upload *u, const stoa_scene *sc)
{
    VkDeviceSize n = 0;
    for (uint32_t i = 0; i < sc->texture_count; i++) {
        const stoa_texture *t = &sc->textures[i];
        if (t->blocks && t->width && t->height) // copied, or decoded when not sampled here
            n += gfx_texture_blocks_staging_bytes(t->gpu_format, t->width, t->height) +
                 gfx_texture_staging_bytes(u->dev, t->width, t->height, u->tex_srgb[i]) + 16;
        else if (t->rgba && t->width && t->height)
            n += gfx_texture_staging_bytes(u->dev, t->width, t->height, u->tex_srgb[i]) + 16;
    }
    return n;
}

static stoa_result begin_upload(stoa_gfx_scene *s, const stoa_scene *sc, gfx_upload *u,
                                stoa_error *err)
{
    memset(u, 0, sizeof *u);
    u->dev = s->r->dev;
    u->staging.buffer.alloc.block = -1;
    u->tex_srgb = gfx_textures_srgb(sc);
    u->twin = stoa_scene_mesh_twins(sc);
    if (!u->tex_srgb || !u->twin)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    // Probe whether device-local memory is host visible: then only textures
    // need the staging buffer.
    const VkPhysicalDeviceMemoryProperties *mp = &u->dev->mem_props;
    for (uint32_t i = 0; i < mp->memoryTypeCount && !u->mapped_ok; i++) {
        VkMemoryPropertyFlags f = mp->memoryTypes[i].propertyFlags;
        u->mapped_ok = (f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) &&
                       (f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) &&
                       (f & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    }
    VkDeviceSize staging = texture_bytes(u, sc) + gfx_pending_staging_bytes(u->dev) + 256;
    if (!u->mapped_ok) {
        for (uint32_t i = 0; i < sc->mesh_count; i++) {
            const stoa_mesh *m = &sc->meshes[i];
            if (u->twin[i] != i)
                continue; // drawn from its twin's copy
            staging += (VkDeviceSize)m->vertex_count * 96 + 16;
            staging += (VkDeviceSize)m->index_count * 4 + 16;
            staging += (VkDeviceSize)m->morph_target_count * 2 * m->vertex_count * 16 + 16;
        }
        staging += (VkDeviceSize)(sc->material_count + 1) * 512;
        staging += gfx_lod_index_total(sc) * 4 + 16; // levels of detail
    }
    stoa_result res = gfx_buffer_create(u->dev, staging, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                        GFX_MEM_UPLOAD, &u->staging.buffer, err);
    if (res >= 0)
        res = gfx_own_commands_begin(u->dev, &u->pool, &u->cmd, err);
    return res;
}

// A scene upload split in three (see stoa_gfx_scene_upload_begin).
struct stoa_gfx_upload {
    stoa_gfx_renderer *r;
    stoa_gfx_scene *s;
    const stoa_scene *scene;
    gfx_upload u;
    bool recording;
    bool filled;
    stoa_result res;
    stoa_error err;
};

stoa_result stoa_gfx_scene_upload_begin(stoa_gfx_renderer *renderer, const stoa_scene *scene,
                                        stoa_gfx_upload **out, stoa_error *err)
{
    if (!renderer || !scene || !out)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: scene needs a renderer");
    *out = NULL;
    stoa_gfx_upload *up = calloc(1, sizeof *up);
    stoa_gfx_scene *s = calloc(1, sizeof *s);
    if (!up || !s) {
        free(up);
        free(s);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    }
    up->r = renderer;
    up->s = s;
    up->scene = scene;
    s->r = renderer;
    s->vertices.alloc.block = s->indices.alloc.block = s->morphs.alloc.block = -1;
    s->materials_ubo.alloc.block = -1;
    gfx_upload *u = &up->u;
    stoa_result res = copy_nodes(s, scene, err);
    if (res >= 0)
        res = begin_upload(s, scene, u, err);
    u->defer_fills = true;
    up->recording = res >= 0;
    if (res >= 0)
        res = upload_geometry(s, scene, u, err);
    free(u->twin);
    u->twin = NULL;
    if (res >= 0)
        res = gfx_materials_upload(s, scene, u, err);
    if (res >= 0)
        res = build_draws(s, scene, u, err);
    up->res = res;
    if (res < 0)
        up->err = *err;
    *out = up;
    return res;
}

stoa_result stoa_gfx_scene_upload_fill(stoa_gfx_upload *up, stoa_error *err)
{
    if (up->res >= 0 && !up->filled) {
        up->filled = true;
        up->res = gfx_tex_fill_run_all(up->u.dev, up->u.fills, up->u.fill_count, &up->err);
    }
    if (up->res < 0 && err)
        *err = up->err;
    return up->res;
}

stoa_result stoa_gfx_scene_upload_prepare(stoa_gfx_upload *up, const stoa_gfx_pass_info *pass,
                                          stoa_error *err)
{
    if (!up || !pass)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: prepare: no upload");
    if (up->res < 0) {
        if (err)
            *err = up->err;
        return up->res;
    }
    return gfx_prepare_scene(up->r, up->s, pass, err);
}

stoa_result stoa_gfx_scene_upload_end(stoa_gfx_upload **pup, stoa_gfx_scene **out_scene,
                                      stoa_error *err)
{
    stoa_gfx_upload *up = *pup;
    *out_scene = NULL;
    if (!up)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: no upload");
    stoa_result res = up->res >= 0 && !up->filled
                          ? stoa_error_set(&up->err, STOA_ERROR_INVALID_ARGUMENT,
                                           "gfx: upload ended before its pixels were written")
                          : up->res;
    stoa_gfx_renderer *renderer = up->r;
    if (up->recording) {
        stoa_error serr = {0};
        stoa_result sub =
            gfx_upload_submit(renderer, up->u.pool, up->u.cmd, &up->u.staging.buffer, &serr);
        if (res >= 0 && sub < 0) {
            res = sub;
            up->err = serr;
        }
    }
    gfx_buffer_destroy(renderer->dev, &up->u.staging.buffer);
    free(up->u.tex_srgb);
    free(up->u.fills);
    stoa_scene_quant_destroy(&up->u.quant_own);
    if (res < 0) {
        if (err)
            *err = up->err;
        stoa_gfx_scene_destroy(&up->s);
    } else {
        *out_scene = up->s;
    }
    free(up);
    *pup = NULL;
    return res;
}

stoa_result stoa_gfx_scene_create(stoa_gfx_renderer *renderer, const stoa_scene *scene,
                                  stoa_gfx_scene **out_scene, stoa_error *err)
{
    if (out_scene)
        *out_scene = NULL;
    stoa_gfx_upload *up = NULL;
    stoa_result res = stoa_gfx_scene_upload_begin(renderer, scene, &up, err);
    if (!up)
        return res;
    stoa_gfx_scene_upload_fill(up, err);
    return stoa_gfx_scene_upload_end(&up, out_scene, err);
}

void stoa_gfx_scene_destroy(stoa_gfx_scene **scene)
{
    if (!scene || !*scene)
        return;
    gfx_defer_scene((*scene)->r, *scene);
    *scene = NULL;
}

void gfx_scene_free(stoa_gfx_scene *s)
{
    stoa_gfx_device *dev = s->r->dev;
    gfx_scene_drop_writes(s);
    gfx_select_free(s->select);
    free(s->draws);
    free(s->mesh_weights);
    gfx_materials_destroy(s);
    gfx_buffer_destroy(dev, &s->morphs);
    gfx_buffer_destroy(dev, &s->indices);
    gfx_buffer_destroy(dev, &s->vertices);
    free(s->mesh_first_vertex);
    free(s->mesh_first_index);
    free(s->mesh_morph_base);
    free(s->lights);
    free(s->inverse_bind);
    free(s->skin_joints);
    free(s->skin_joint_offset);
    free(s->skin_joint_count);
    free(s->node_parent);
    free(s->rest_world);
    free(s);
}
