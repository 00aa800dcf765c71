// SPDX-License-Identifier: Apache-2.0
// Creating the module, registering nodes, the rig, events.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "interact_internal.h"

#define DEFAULT(field, value)                                                                      \
    do {                                                                                           \
        if (d->field == 0)                                                                         \
            d->field = (value);                                                                    \
    } while (0)

static void fill_defaults(stoa_interact_desc *d)
{
    DEFAULT(max_events, STOA_INTERACT_DEFAULT_MAX_EVENTS);
    DEFAULT(seated_eye_height_m, 1.6f);
    DEFAULT(gaze_dwell_s, 2.0f);
    DEFAULT(gaze_max_m, 20.0f);
    DEFAULT(reticle_distance_m, 2.0f);
    DEFAULT(pointer_max_m, 10.0f);
    DEFAULT(grip_reach_m, 0.05f);
    DEFAULT(press_threshold, 0.75f);
    DEFAULT(release_threshold, 0.5f);
    DEFAULT(stick_engage, 0.7f);
    DEFAULT(stick_release, 0.35f);
    DEFAULT(snap_turn_deg, 30.0f);
    DEFAULT(teleport_speed, 7.0f);
    DEFAULT(gravity, 9.81f);
    DEFAULT(arc_step_s, 0.05f);
    DEFAULT(arc_max_points, 32);
    DEFAULT(max_slope_deg, 30.0f);
    DEFAULT(haptic_select_amplitude, 0.5f);
    DEFAULT(haptic_select_s, 0.04f);
    DEFAULT(haptic_grab_amplitude, 0.8f);
    DEFAULT(haptic_grab_s, 0.08f);
}

static stoa_result check_desc(const stoa_interact_desc *d, stoa_error *err)
{
    if (d->arc_max_points < 2 || d->arc_max_points > STOA_INTERACT_MAX_ARC_POINTS)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "interact: arc_max_points %u is outside 2..%d", d->arc_max_points,
                              STOA_INTERACT_MAX_ARC_POINTS);
    if (d->release_threshold > d->press_threshold || d->stick_release > d->stick_engage)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "interact: a release threshold is above its press threshold");
    if (d->gaze_dwell_s < 0 || d->pointer_max_m < 0 || d->gaze_max_m < 0 || d->arc_step_s < 0 ||
        d->teleport_speed < 0 || d->gravity < 0)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "interact: a distance, speed or time option is negative");
    if (d->mode != STOA_INTERACT_STANDING && d->mode != STOA_INTERACT_SEATED)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "interact: unknown mode %d",
                              (int)d->mode);
    return STOA_OK;
}

// Parents come first, so one forward pass resolves every node's nearest
// registered ancestor.
static void resolve_all(stoa_interact *ia)
{
    const stoa_scene *s = ia->scene;
    ia->walkable_count = 0;
    for (uint32_t i = 0; i < s->node_count; i++) {
        interact_node *n = &ia->nodes[i];
        const interact_node *p = s->nodes[i].parent >= 0 ? &ia->nodes[s->nodes[i].parent] : NULL;
        uint32_t f = n->flags;
        n->pick = (f & (STOA_INTERACT_PICKABLE | STOA_INTERACT_GRABBABLE)) ? (int32_t)i
                  : p                                                      ? p->pick
                                                                           : -1;
        n->grab = (f & STOA_INTERACT_GRABBABLE) ? (int32_t)i : p ? p->grab : -1;
        n->walk = (f & STOA_INTERACT_WALKABLE) ? (int32_t)i : p ? p->walk : -1;
        ia->walkable_count += (f & STOA_INTERACT_WALKABLE) ? 1 : 0;
        n->transparent =
            (f & (STOA_INTERACT_ZONE | STOA_INTERACT_RAY_TRANSPARENT)) || (p && p->transparent);
    }
}

stoa_result stoa_interact_create(const stoa_scene *scene, const stoa_interact_desc *desc,
                                 stoa_interact **out_ia, stoa_error *err)
{
    if (!out_ia)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "interact: out_ia is NULL");
    *out_ia = NULL;
    if (!scene)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "interact: scene is NULL");
    stoa_interact_desc d = desc ? *desc : (stoa_interact_desc){0};
    fill_defaults(&d);
    stoa_result r = check_desc(&d, err);
    if (r < 0)
        return r;

    stoa_interact *ia = calloc(1, sizeof *ia);
    uint32_t n = scene->node_count;
    if (ia) {
        ia->nodes = calloc(n ? n : 1, sizeof *ia->nodes);
        ia->zones = calloc(n ? n : 1, sizeof *ia->zones);
        ia->events = calloc(d.max_events, sizeof *ia->events);
    }
    if (!ia || !ia->nodes || !ia->zones || !ia->events) {
        stoa_interact_destroy(&ia);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "interact: out of memory");
    }
    ia->scene = scene;
    ia->desc = d;
    ia->rig = d.rig;
    ia->gaze_target = -1;
    for (int h = 0; h < STOA_INTERACT_HAND_COUNT; h++)
        ia->hands[h].hover = ia->hands[h].ray_grab = -1;
    ia->last_head.orientation[3] = 1;
    for (uint32_t i = 0; i < n; i++) {
        interact_node *node = &ia->nodes[i];
        node->default_pick = !d.classify && !d.only_registered && scene->nodes[i].mesh_count > 0;
        if (d.classify)
            node->flags = d.classify(d.classify_user, scene, i);
    }
    resolve_all(ia);
    r = interact_zones_rebuild(ia);
    if (r < 0) {
        stoa_interact_destroy(&ia);
        return stoa_error_set(err, r, "interact: out of memory");
    }
    *out_ia = ia;
    return STOA_OK;
}

void stoa_interact_destroy(stoa_interact **pia)
{
    if (!pia || !*pia)
        return;
    stoa_interact *ia = *pia;
    free(ia->nodes);
    free(ia->zones);
    free(ia->zone_meshes);
    free(ia->events);
    free(ia);
    *pia = NULL;
}

stoa_result stoa_interact_set_node(stoa_interact *ia, uint32_t node,
                                   const stoa_interact_node_desc *nd)
{
    if (!ia || !nd || node >= ia->scene->node_count)
        return STOA_ERROR_INVALID_ARGUMENT;
    if (nd->dwell_s < 0 || !isfinite(nd->dwell_s))
        return STOA_ERROR_INVALID_ARGUMENT;
    uint32_t was_zone = ia->nodes[node].flags & STOA_INTERACT_ZONE;
    ia->nodes[node].flags = nd->flags;
    ia->nodes[node].dwell_s = nd->dwell_s;
    resolve_all(ia);
    if (was_zone != (nd->flags & STOA_INTERACT_ZONE))
        return interact_zones_rebuild(ia);
    return STOA_OK;
}

stoa_result stoa_interact_set_node_named(stoa_interact *ia, const char *name,
                                         const stoa_interact_node_desc *nd)
{
    if (!ia || !name)
        return STOA_ERROR_INVALID_ARGUMENT;
    int32_t node = stoa_scene_find_node(ia->scene, name);
    if (node < 0) {
        STOA_LOGW(INTERACT_LOG, "no node named \"%s\" to register", name);
        return STOA_ERROR_NOT_FOUND;
    }
    return stoa_interact_set_node(ia, (uint32_t)node, nd);
}

uint32_t stoa_interact_node_flags(const stoa_interact *ia, uint32_t node)
{
    return ia && node < ia->scene->node_count ? ia->nodes[node].flags : 0;
}

int32_t stoa_interact_resolve(const stoa_interact *ia, int32_t hit_node, uint32_t flag)
{
    if (!ia || hit_node < 0 || (uint32_t)hit_node >= ia->scene->node_count)
        return -1;
    const interact_node *n = &ia->nodes[hit_node];
    switch (flag) {
    case STOA_INTERACT_PICKABLE:
        return n->pick >= 0 ? n->pick : n->default_pick ? hit_node : -1;
    case STOA_INTERACT_GRABBABLE:
        return n->grab;
    case STOA_INTERACT_WALKABLE:
        return n->walk;
    default:
        return -1;
    }
}

float interact_dwell_threshold(const stoa_interact *ia, int32_t node)
{
    if (node >= 0 && ia->nodes[node].dwell_s > 0)
        return ia->nodes[node].dwell_s;
    return ia->desc.gaze_dwell_s;
}

void stoa_interact_set_mode(stoa_interact *ia, stoa_interact_mode mode)
{
    if (ia && (mode == STOA_INTERACT_STANDING || mode == STOA_INTERACT_SEATED))
        ia->desc.mode = mode;
}

void stoa_interact_set_rig(stoa_interact *ia, const stoa_interact_rig *rig)
{
    if (ia && rig)
        ia->rig = *rig;
}

stoa_interact_rig stoa_interact_get_rig(const stoa_interact *ia)
{
    return ia ? ia->rig : (stoa_interact_rig){0};
}

void stoa_interact_to_world(const stoa_interact *ia, const stoa_interact_pose *tracking,
                            stoa_interact_pose *out_world)
{
    if (ia && tracking && out_world)
        interact_rig_apply(&ia->rig, interact_rig_height(ia), tracking, out_world);
}

void interact_emit(stoa_interact *ia, stoa_interact_event_type type, int64_t t,
                   stoa_interact_hand hand, int32_t node, int32_t zone, const float point[3],
                   float value)
{
    stoa_interact_output *o = &ia->out;
    if (o->event_count >= ia->desc.max_events) {
        o->events_dropped++;
        return;
    }
    stoa_interact_event *e = &ia->events[o->event_count++];
    *e = (stoa_interact_event){
        .type = type, .time_ns = t, .hand = hand, .node = node, .zone = zone, .value = value};
    if (point)
        memcpy(e->point, point, sizeof e->point);
    STOA_LOGD(INTERACT_LOG, "%s node %d zone %d hand %d", stoa_interact_event_name(type), node,
              zone, (int)hand);
}

const char *stoa_interact_event_name(stoa_interact_event_type type)
{
    static const char *names[] = {
        [STOA_INTERACT_EVENT_NONE] = "none",
        [STOA_INTERACT_GAZE_ENTER] = "gaze_enter",
        [STOA_INTERACT_GAZE_LEAVE] = "gaze_leave",
        [STOA_INTERACT_GAZE_DWELL] = "gaze_dwell",
        [STOA_INTERACT_HOVER_ENTER] = "hover_enter",
        [STOA_INTERACT_HOVER_LEAVE] = "hover_leave",
        [STOA_INTERACT_SELECT] = "select",
        [STOA_INTERACT_GRAB] = "grab",
        [STOA_INTERACT_RELEASE] = "release",
        [STOA_INTERACT_PLACE] = "place",
        [STOA_INTERACT_ZONE_ENTER] = "zone_enter",
        [STOA_INTERACT_ZONE_LEAVE] = "zone_leave",
        [STOA_INTERACT_TELEPORT] = "teleport",
        [STOA_INTERACT_SNAP_TURN] = "snap_turn",
        [STOA_INTERACT_MENU] = "menu",
    };
    if ((unsigned)type < sizeof names / sizeof names[0] && names[type])
        return names[type];
    return "unknown";
}
