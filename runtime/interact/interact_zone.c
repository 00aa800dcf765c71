// SPDX-License-Identifier: Apache-2.0
// Zones: a registered node's world bounds. The head decides enter/leave;
// a released node's bounds centre decides "placed into".
#include <float.h>
#include <stdlib.h>

#include "interact_internal.h"

static int32_t slot_of(const stoa_interact *ia, uint32_t node)
{
    for (uint32_t z = 0; z < ia->zone_count; z++)
        if (ia->zones[z].node == node)
            return (int32_t)z;
    return -1;
}

// Which mesh nodes feed which zone is fixed by the node tree, so it is
// worked out here, once per registration change, not every frame.
static uint32_t collect_pairs(stoa_interact *ia, bool fill)
{
    const stoa_scene *s = ia->scene;
    uint32_t count = 0;
    for (uint32_t i = 0; i < s->node_count; i++) {
        if (s->nodes[i].mesh_count == 0 || !ia->nodes[i].transparent)
            continue; // only nodes below a zone (or ray-transparent) can feed one
        for (int32_t a = (int32_t)i; a >= 0; a = s->nodes[a].parent) {
            if (!(ia->nodes[a].flags & STOA_INTERACT_ZONE))
                continue;
            if (fill)
                ia->zone_meshes[count] =
                    (interact_zone_mesh){.node = i, .slot = (uint32_t)slot_of(ia, (uint32_t)a)};
            count++;
        }
    }
    return count;
}

stoa_result interact_zones_rebuild(stoa_interact *ia)
{
    const stoa_scene *s = ia->scene;
    uint32_t old_count = ia->zone_count;
    bool *was_inside = calloc(s->node_count ? s->node_count : 1, sizeof *was_inside);
    if (!was_inside)
        return STOA_ERROR_OUT_OF_MEMORY;
    for (uint32_t z = 0; z < old_count; z++)
        was_inside[ia->zones[z].node] = ia->zones[z].head_inside;

    ia->zone_count = 0;
    for (uint32_t i = 0; i < s->node_count; i++)
        if (ia->nodes[i].flags & STOA_INTERACT_ZONE)
            ia->zones[ia->zone_count++] = (interact_zone){.node = i, .head_inside = was_inside[i]};
    free(was_inside);

    uint32_t pairs = collect_pairs(ia, false);
    if (pairs > ia->zone_mesh_cap) {
        interact_zone_mesh *m = realloc(ia->zone_meshes, pairs * sizeof *m);
        if (!m)
            return STOA_ERROR_OUT_OF_MEMORY;
        ia->zone_meshes = m;
        ia->zone_mesh_cap = pairs;
    }
    ia->zone_mesh_count = collect_pairs(ia, true);
    return STOA_OK;
}

void interact_zones_update_bounds(stoa_interact *ia)
{
    static const float unit_min[3] = {-1, -1, -1}, unit_max[3] = {1, 1, 1};
    const stoa_scene *s = ia->scene;
    for (uint32_t z = 0; z < ia->zone_count; z++) {
        interact_box_empty(ia->zones[z].min, ia->zones[z].max);
        ia->zones[z].has_mesh = false;
    }
    for (uint32_t p = 0; p < ia->zone_mesh_count; p++) {
        const interact_zone_mesh *zm = &ia->zone_meshes[p];
        interact_zone *zone = &ia->zones[zm->slot];
        const float *w = stoa_pose_world(ia->pose, zm->node);
        for (uint32_t k = 0; k < s->nodes[zm->node].mesh_count; k++) {
            const stoa_mesh *mesh = &s->meshes[s->nodes[zm->node].meshes[k]];
            interact_box_grow(w, mesh->bounds_min, mesh->bounds_max, zone->min, zone->max);
        }
        zone->has_mesh = true;
    }
    // An empty (a node without mesh) spans -1..1 under its transform, as
    // Blender's cube empties display.
    for (uint32_t z = 0; z < ia->zone_count; z++)
        if (!ia->zones[z].has_mesh)
            interact_box_grow(stoa_pose_world(ia->pose, ia->zones[z].node), unit_min, unit_max,
                              ia->zones[z].min, ia->zones[z].max);
}

void interact_zones_update_head(stoa_interact *ia, const float head[3])
{
    for (uint32_t z = 0; z < ia->zone_count; z++) {
        interact_zone *zone = &ia->zones[z];
        bool inside = interact_box_contains(zone->min, zone->max, head, 0);
        if (inside == zone->head_inside)
            continue;
        zone->head_inside = inside;
        interact_emit(ia, inside ? STOA_INTERACT_ZONE_ENTER : STOA_INTERACT_ZONE_LEAVE, ia->now,
                      STOA_INTERACT_NO_HAND, (int32_t)zone->node, (int32_t)zone->node, head, 0);
    }
}

int32_t interact_zone_at(const stoa_interact *ia, const float p[3])
{
    int32_t best = -1;
    float best_volume = FLT_MAX;
    for (uint32_t z = 0; z < ia->zone_count; z++) {
        const interact_zone *zone = &ia->zones[z];
        if (!interact_box_contains(zone->min, zone->max, p, 0))
            continue;
        float v = (zone->max[0] - zone->min[0]) * (zone->max[1] - zone->min[1]) *
                  (zone->max[2] - zone->min[2]);
        if (v < best_volume) {
            best_volume = v;
            best = (int32_t)zone->node;
        }
    }
    return best;
}
