// SPDX-License-Identifier: Apache-2.0
// What one frame draws of a scene: once per render call (not per pass) the
// draws' world bounds are refit from the pose, the BVH is walked for every
// view at once (gfx_cull.c) and each visible draw picks its level of detail
// (gfx_lod.c); each pass then draws the list of what its views see, copies
// of one mesh at one level joined into instanced draws (gfx_render.c).
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_cull.h"
#include "gfx_internal.h"

// Per view of every render call: draws and triangles drawn, and the
// triangles a draw of everything at full detail would have cost.
static atomic_uint_fast64_t g_views, g_draws, g_tris, g_tris_full;

void gfx_batch_stats(stoa_gfx_stats *out)
{
    out->views_drawn = atomic_load(&g_views);
    out->draws_visible = atomic_load(&g_draws);
    out->triangles_drawn = atomic_load(&g_tris);
    out->triangles_full = atomic_load(&g_tris_full);
}

stoa_result gfx_select_finish(stoa_gfx_scene *s, const stoa_scene *sc, stoa_error *err)
{
    gfx_select *sel = s->select;
    uint32_t n = s->draw_count, cap = n ? n : 1;
    sel->draw_count = n;
    sel->local_min = malloc(cap * sizeof *sel->local_min);
    sel->local_max = malloc(cap * sizeof *sel->local_max);
    sel->world_min = malloc(cap * sizeof *sel->world_min);
    sel->world_max = malloc(cap * sizeof *sel->world_max);
    sel->cullable = calloc(cap, sizeof *sel->cullable);
    sel->mask = calloc(cap, 1);
    sel->level = calloc(cap, 1);
    sel->first_index = malloc(cap * sizeof *sel->first_index);
    sel->index_count = malloc(cap * sizeof *sel->index_count);
    sel->list = malloc(cap * sizeof *sel->list);
    if (!sel->local_min || !sel->local_max || !sel->world_min || !sel->world_max ||
        !sel->cullable || !sel->mask || !sel->level || !sel->first_index || !sel->index_count ||
        !sel->list)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    for (uint32_t i = 0; i < n; i++) {
        const gfx_draw *d = &s->draws[i];
        const stoa_mesh *m = &sc->meshes[d->mesh];
        memcpy(sel->local_min[i], m->bounds_min, sizeof sel->local_min[i]);
        memcpy(sel->local_max[i], m->bounds_max, sizeof sel->local_max[i]);
        sel->cullable[i] = d->skin < 0 && d->morph_targets == 0;
        sel->first_index[i] = d->first_index;
        sel->index_count[i] = d->index_count;
        gfx_box_transform(s->rest_world + (size_t)d->node * 16, sel->local_min[i],
                          sel->local_max[i], sel->world_min[i], sel->world_max[i]);
    }
    // Without a BVH (out of memory) every draw is drawn: correct, only slower.
    sel->bvh_ok = gfx_cull_bvh_build(&sel->bvh, n, (const float(*)[3])sel->world_min,
                                     (const float(*)[3])sel->world_max);
    return STOA_OK;
}

void gfx_select_free(gfx_select *sel)
{
    if (!sel)
        return;
    gfx_cull_bvh_free(&sel->bvh);
    free(sel->local_min);
    free(sel->local_max);
    free(sel->world_min);
    free(sel->world_max);
    free(sel->cullable);
    free(sel->mask);
    free(sel->level);
    free(sel->first_index);
    free(sel->index_count);
    free(sel->list);
    free(sel->mesh_lod_first);
    free(sel->lod_first_index);
    free(sel->lod_index_count);
    free(sel->lod_error);
    free(sel);
}

static bool env_off(const char *name)
{
    const char *v = getenv(name);
    return v && (!strcmp(v, "0") || !strcmp(v, "off"));
}

static void eye_position(const float v[16], float out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = -(v[i * 4 + 0] * v[12] + v[i * 4 + 1] * v[13] + v[i * 4 + 2] * v[14]);
}

// The level draw i takes this frame (mask: the views that see it).
static uint32_t pick_level(const gfx_select *sel, const gfx_draw *d, uint32_t i, const float *world,
                           const stoa_gfx_view *views, uint32_t view_count,
                           const float (*eyes)[3], uint32_t height_px, float threshold)
{
    uint32_t first = sel->mesh_lod_first[d->mesh], levels = sel->mesh_lod_first[d->mesh + 1] - first;
    if (!levels)
        return 0;
    float c[3], r2 = 0;
    for (int k = 0; k < 3; k++) {
        c[k] = 0.5f * (sel->world_min[i][k] + sel->world_max[i][k]);
        float h = 0.5f * (sel->world_max[i][k] - sel->world_min[i][k]);
        r2 += h * h;
    }
    float scale = 0; // the node's largest axis scale: mesh-space error to world
    for (int k = 0; k < 3; k++)
        scale = fmaxf(scale, sqrtf(world[k * 4] * world[k * 4] + world[k * 4 + 1] * world[k * 4 + 1] +
                                   world[k * 4 + 2] * world[k * 4 + 2]));
    float px = 0;
    for (uint32_t v = 0; v < view_count; v++) {
        if (!(sel->mask[i] & (1u << v)))
            continue;
        float dx = c[0] - eyes[v][0], dy = c[1] - eyes[v][1], dz = c[2] - eyes[v][2];
        float dist = sqrtf(dx * dx + dy * dy + dz * dz) - sqrtf(r2);
        px = fmaxf(px, gfx_lod_px_per_unit(views[v].projection, height_px, dist));
    }
    return gfx_lod_pick(sel->lod_error + first, levels, px * scale, threshold, sel->level[i]);
}

void gfx_select_frame(stoa_gfx_scene *s, const stoa_pose *pose, const stoa_gfx_view *views,
                      uint32_t view_count, uint32_t height_px, const stoa_gfx_render_options *opt)
{
    gfx_select *sel = s->select;
    if (!sel || !sel->list)
        return;
    if (view_count > 8) { // more views than a mask holds (never: GFX_MAX_VIEWS): draw all
        memset(sel->mask, 0xff, sel->draw_count);
        for (uint32_t i = 0; i < sel->draw_count; i++) {
            sel->first_index[i] = s->draws[i].first_index;
            sel->index_count[i] = s->draws[i].index_count;
        }
        return;
    }
    static int env_cull = -1, env_lod = -1; // read once: a benchmark's switch
    if (env_cull < 0) {
        env_cull = !env_off("STOA_GFX_CULL");
        env_lod = !env_off("STOA_GFX_LOD");
    }
    bool cull = env_cull && !opt->no_cull && sel->bvh_ok;
    bool lod = env_lod && !opt->no_lod && sel->mesh_lod_first;
    uint32_t n = sel->draw_count;
    uint8_t all = (uint8_t)((1u << view_count) - 1);
    if (cull || lod)
        for (uint32_t i = 0; i < n; i++)
            gfx_box_transform(gfx_frame_world(s, pose, s->draws[i].node), sel->local_min[i],
                              sel->local_max[i], sel->world_min[i], sel->world_max[i]);
    if (cull) {
        float planes[8][GFX_FRUSTUM_PLANES][4];
        for (uint32_t v = 0; v < view_count; v++) {
            float vp[16];
            gfx_mat4_mul(views[v].projection, views[v].view, vp);
            gfx_frustum_planes(vp, planes[v]);
        }
        gfx_cull_bvh_refit(&sel->bvh, (const float(*)[3])sel->world_min,
                           (const float(*)[3])sel->world_max);
        memset(sel->mask, 0, n);
        gfx_cull_bvh_run(&sel->bvh, (const float(*)[3])sel->world_min,
                         (const float(*)[3])sel->world_max,
                         (const float(*)[GFX_FRUSTUM_PLANES][4])planes, view_count, sel->mask);
        for (uint32_t i = 0; i < n; i++)
            if (!sel->cullable[i])
                sel->mask[i] = all;
    } else {
        memset(sel->mask, all, n);
    }
    float eyes[8][3];
    for (uint32_t v = 0; v < view_count; v++)
        eye_position(views[v].view, eyes[v]);
    float threshold = opt->lod_pixels > 0 ? opt->lod_pixels : GFX_LOD_PIXELS;
    uint64_t draws = 0, tris = 0, full = 0;
    for (uint32_t i = 0; i < n; i++) {
        const gfx_draw *d = &s->draws[i];
        uint32_t level = 0;
        if (lod && sel->mask[i] && sel->cullable[i])
            level = pick_level(sel, d, i, gfx_frame_world(s, pose, d->node), views, view_count,
                               (const float(*)[3])eyes, height_px, threshold);
        if (sel->mask[i] || !lod)
            sel->level[i] = (uint8_t)level; // an unseen draw keeps its level
        if (level) {
            uint32_t l = sel->mesh_lod_first[d->mesh] + level - 1;
            sel->first_index[i] = sel->lod_first_index[l];
            sel->index_count[i] = sel->lod_index_count[l];
        } else {
            sel->first_index[i] = d->first_index;
            sel->index_count[i] = d->index_count;
        }
        uint32_t views_seeing = (uint32_t)__builtin_popcount(sel->mask[i]);
        draws += views_seeing;
        tris += (uint64_t)views_seeing * (sel->index_count[i] / 3);
        full += (uint64_t)view_count * (d->index_count / 3);
    }
    sel->stats.renders++;
    sel->stats.views_drawn += view_count;
    sel->stats.draws_visible += draws;
    sel->stats.triangles_drawn += tris;
    sel->stats.triangles_full += full;
    atomic_fetch_add(&g_views, view_count);
    atomic_fetch_add(&g_draws, draws);
    atomic_fetch_add(&g_tris, tris);
    atomic_fetch_add(&g_tris_full, full);
}

stoa_gfx_scene_stats stoa_gfx_scene_stats_get(const stoa_gfx_scene *scene)
{
    stoa_gfx_scene_stats none = {0};
    return scene && scene->select ? scene->select->stats : none;
}

static uint32_t batch_commands(const stoa_gfx_scene *s, const stoa_pose *pose, const uint32_t *list,
                               uint32_t n, uint32_t first_slot, float *m,
                               VkDrawIndexedIndirectCommand *cmds)
{
    const gfx_select *sel = s->select;
    uint32_t count = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint32_t i = list[j];
        float folded[16];
        memcpy(m + (size_t)j * 16, gfx_draw_model(s, pose, &s->draws[i], folded), 64);
        VkDrawIndexedIndirectCommand *prev = count ? &cmds[count - 1] : NULL;
        if (prev && prev->firstIndex == sel->first_index[i] &&
            prev->indexCount == sel->index_count[i] &&
            prev->vertexOffset == s->draws[i].vertex_base) {
            prev->instanceCount++;
            continue;
        }
        cmds[count++] = (VkDrawIndexedIndirectCommand){
            .indexCount = sel->index_count[i],
            .instanceCount = 1,
            .firstIndex = sel->first_index[i],
            .vertexOffset = s->draws[i].vertex_base,
            .firstInstance = first_slot + j,
        };
    }
    return count;
}

stoa_result gfx_batch_record(stoa_gfx_renderer *r, VkCommandBuffer cmd, const stoa_gfx_scene *s,
                             const stoa_pose *pose, const uint32_t *list, uint32_t n,
                             int32_t view_base, const float tint[4], stoa_error *err)
{
    const gfx_draw *d = &s->draws[list[0]];
    VkDeviceSize moff, coff;
    float *m = gfx_frame_alloc(r, (VkDeviceSize)n * 64, 64, &moff); // whole 64-byte slots
    VkDrawIndexedIndirectCommand *cmds =
        m ? gfx_frame_alloc(r, (VkDeviceSize)n * sizeof *cmds, 16, &coff) : NULL;
    if (!cmds)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: frame ring buffer is full");
    uint32_t count = batch_commands(s, pose, list, n, (uint32_t)(moff / 64), m, cmds);
    for (uint32_t k = 0; k < count; k++)
        if (cmds[k].instanceCount > 1)
            gfx_count_instanced_draw(cmds[k].instanceCount); // copies of one mesh at once
    gfx_push push;
    memcpy(push.model, m, sizeof push.model); // unused: flag 4 reads the ring
    push.joint_base = -1;
    push.weight_base = 0; // ring[gl_InstanceIndex * 4]: firstInstance is the slot
    push.morph_count = 0;
    push.vertex_base = d->vertex_base;
    push.morph_base = 0;
    push.vertex_count = (int32_t)d->vertex_count;
    push.flags = (d->has_tangents ? 1 : 0) | 4;
    push.view_base = view_base;
    memcpy(push.tint, tint, sizeof push.tint);
    const float fade[4] = {gfx_material_fade(s, d->material), 0, 0, 0};
    memcpy(push.fade, fade, sizeof push.fade);
    vkCmdPushConstants(cmd, r->layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                       sizeof push, &push);
    vkCmdDrawIndexedIndirect(cmd, r->frames[r->frame].ring.buffer, coff, count, sizeof *cmds);
    gfx_count_draw_call();
    s->select->stats.draw_calls++;
    s->select->stats.indirect_commands += count;
    return STOA_OK;
}

uint32_t gfx_batch_pass(const stoa_gfx_scene *s, uint32_t begin, uint32_t end, uint32_t view_bits)
{
    gfx_select *sel = s->select;
    uint32_t n = 0;
    for (uint32_t i = begin; i < end; i++)
        if (sel->mask[i] & view_bits)
            sel->list[n++] = i;
    return n;
}
