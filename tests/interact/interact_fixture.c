// SPDX-License-Identifier: Apache-2.0
#include "interact_fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stoa_test.h"

typedef struct room_node {
    const char *name;
    int32_t parent;
    float t[3], s[3];
    bool mesh;
} room_node;

static const room_node room[] = {
    {"Floor", -1, {0, -0.05f, 0}, {40, 0.1f, 40}, true},
    {"Wall", -1, {0, 2, -10}, {20, 4, 0.2f}, true},
    {"Statue", -1, {-2, 0, -4}, {1, 1, 1}, false},
    {"Statue_mesh", 2, {0, 1, 0}, {0.6f, 2, 0.6f}, true},
    {"Lamp", -1, {2, 1.5f, -4}, {0.5f, 0.5f, 0.5f}, true},
    {"Vase", -1, {0, 1, -2}, {0.3f, 0.3f, 0.3f}, true},
    {"Zone_A", -1, {5, 1.5f, 0}, {2, 3, 2}, true},
    {"Sign", -1, {5, 1.5f, -3}, {0.5f, 0.5f, 0.5f}, true},
};
#define ROOM_NODES (sizeof room / sizeof room[0])

static char *dup(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    strcpy(d, s);
    return d;
}

// A unit cube (-0.5..0.5) shared by every box in the room.
static void make_cube(stoa_mesh *m)
{
    static const uint32_t idx[36] = {0, 1, 3, 0, 3, 2, 4, 6, 7, 4, 7, 5, 0, 4, 5, 0, 5, 1,
                                     2, 3, 7, 2, 7, 6, 0, 2, 6, 0, 6, 4, 1, 5, 7, 1, 7, 3};
    memset(m, 0, sizeof *m);
    m->name = dup("cube");
    m->vertex_count = 8;
    m->index_count = 36;
    m->positions = malloc(8 * 3 * sizeof(float));
    m->normals = malloc(8 * 3 * sizeof(float));
    m->indices = malloc(sizeof idx);
    memcpy(m->indices, idx, sizeof idx);
    for (int v = 0; v < 8; v++)
        for (int k = 0; k < 3; k++) {
            m->positions[v * 3 + k] = (v >> k & 1) ? 0.5f : -0.5f;
            m->normals[v * 3 + k] = m->positions[v * 3 + k] * 1.1547f;
        }
    for (int k = 0; k < 3; k++) {
        m->bounds_min[k] = -0.5f;
        m->bounds_max[k] = 0.5f;
    }
    m->material = -1;
    m->skin = -1;
}

static stoa_scene *build_room(void)
{
    stoa_scene *s = calloc(1, sizeof *s);
    s->path = dup("(test room)");
    s->mesh_count = 1;
    s->meshes = calloc(1, sizeof *s->meshes);
    make_cube(&s->meshes[0]);
    s->node_count = ROOM_NODES;
    s->nodes = calloc(ROOM_NODES, sizeof *s->nodes);
    for (uint32_t i = 0; i < ROOM_NODES; i++) {
        stoa_node *n = &s->nodes[i];
        n->name = dup(room[i].name);
        n->parent = room[i].parent;
        memcpy(n->translation, room[i].t, sizeof n->translation);
        memcpy(n->scale, room[i].s, sizeof n->scale);
        n->rotation[3] = 1;
        n->camera = n->light = -1;
        if (room[i].mesh) {
            n->mesh_count = 1;
            n->meshes = calloc(1, sizeof(uint32_t));
        }
    }
    return s;
}

static void free_room(stoa_scene *s)
{
    for (uint32_t i = 0; i < s->node_count; i++) {
        free(s->nodes[i].name);
        free(s->nodes[i].meshes);
    }
    free(s->meshes[0].name);
    free(s->meshes[0].positions);
    free(s->meshes[0].normals);
    free(s->meshes[0].indices);
    free(s->meshes);
    free(s->nodes);
    free(s->path);
    free(s);
}

static void start(fixture *f, const stoa_interact_desc *desc)
{
    f->pose = stoa_pose_create(f->scene);
    f->bvh = stoa_bvh_build(f->scene, f->pose);
    stoa_error err = {0};
    stoa_result r = stoa_interact_create(f->scene, desc, &f->ia, &err);
    if (r < 0)
        fprintf(stderr, "stoa_interact_create: %s\n", err.message);
    CHECK(r == STOA_OK && f->pose && f->bvh && f->ia);
    f->frame.head.orientation[3] = 1;
    f->frame.head.position[1] = 1.6f;
    for (int h = 0; h < STOA_INTERACT_HAND_COUNT; h++) {
        f->frame.hands[h].aim.orientation[3] = 1;
        f->frame.hands[h].grip.orientation[3] = 1;
    }
}

void fixture_init(fixture *f, const stoa_interact_desc *desc)
{
    memset(f, 0, sizeof *f);
    f->scene = build_room();
    f->own_scene = true;
    start(f, desc);
}

bool fixture_init_file(fixture *f, const char *path, const stoa_interact_desc *desc)
{
    memset(f, 0, sizeof *f);
    stoa_error err = {0};
    if (stoa_scene_load(path, NULL, &f->scene, &err) < 0) {
        fprintf(stderr, "cannot load %s: %s\n", path, err.message);
        return false;
    }
    start(f, desc);
    return true;
}

void fixture_fini(fixture *f)
{
    stoa_interact_destroy(&f->ia);
    CHECK(f->ia == NULL);
    stoa_bvh_destroy(&f->bvh);
    stoa_pose_destroy(&f->pose);
    if (f->own_scene)
        free_room(f->scene);
    else
        stoa_scene_destroy(&f->scene);
    f->scene = NULL;
}

const stoa_interact_output *fixture_step(fixture *f)
{
    f->frame.time_ns = f->t;
    f->frame.pose = f->pose;
    f->frame.bvh = f->bvh;
    const stoa_interact_output *o = stoa_interact_update(f->ia, &f->frame);
    f->out = o;
    CHECK(o->time_ns == f->t);
    for (uint32_t i = 0; i < o->event_count && f->log_count < FIXTURE_LOG_MAX; i++)
        f->log[f->log_count++] = o->events[i];
    bool moved = false;
    for (int h = 0; h < STOA_INTERACT_HAND_COUNT; h++) {
        if (o->haptics[h].requested) {
            f->haptic_count[h]++;
            f->last_haptic[h] = o->haptics[h];
        }
        const stoa_interact_grab *g = &o->grabs[h];
        if (g->active) {
            stoa_pose_set_local(f->pose, (uint32_t)g->node, g->translation, g->rotation, g->scale);
            moved = true;
        }
    }
    if (moved) {
        stoa_pose_update(f->pose);
        stoa_bvh_destroy(&f->bvh);
        f->bvh = stoa_bvh_build(f->scene, f->pose);
    }
    f->t += FIXTURE_DT_NS;
    return o;
}

void fixture_run(fixture *f, double seconds)
{
    int64_t frames = (int64_t)llround(seconds * 1e9 / FIXTURE_DT_NS);
    for (int64_t i = 0; i < frames; i++)
        fixture_step(f);
}

int32_t fixture_node(const fixture *f, const char *name)
{
    int32_t n = stoa_scene_find_node(f->scene, name);
    CHECK_MSG(n >= 0, "no node %s", name);
    return n;
}

void fixture_register(fixture *f, const char *name, uint32_t flags, float dwell_s)
{
    stoa_result r = stoa_interact_set_node_named(
        f->ia, name, &(stoa_interact_node_desc){.flags = flags, .dwell_s = dwell_s});
    CHECK_MSG(r == STOA_OK, "register %s", name);
}

uint32_t fixture_count(const fixture *f, stoa_interact_event_type type, int32_t node)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->log_count; i++)
        if (f->log[i].type == type && (node < 0 || f->log[i].node == node))
            n++;
    return n;
}

const stoa_interact_event *fixture_find(const fixture *f, stoa_interact_event_type type, uint32_t n)
{
    for (uint32_t i = 0; i < f->log_count; i++)
        if (f->log[i].type == type && n-- == 0)
            return &f->log[i];
    return NULL;
}

void fixture_look_dir(stoa_interact_pose *p, const float from[3], float yaw_deg, float pitch_deg)
{
    double yaw = yaw_deg * M_PI / 180, pitch = pitch_deg * M_PI / 180;
    // q = q_yaw(about +Y) * q_pitch(about +X)
    double cy = cos(yaw / 2), sy = sin(yaw / 2), cp = cos(pitch / 2), sp = sin(pitch / 2);
    p->orientation[0] = (float)(cy * sp);
    p->orientation[1] = (float)(sy * cp);
    p->orientation[2] = (float)(-sy * sp);
    p->orientation[3] = (float)(cy * cp);
    memcpy(p->position, from, sizeof p->position);
}

void fixture_look_at(stoa_interact_pose *p, const float from[3], const float to[3])
{
    double d[3] = {to[0] - from[0], to[1] - from[1], to[2] - from[2]};
    double len = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    double yaw = atan2(-d[0], -d[2]) * 180 / M_PI;
    double pitch = asin(d[1] / len) * 180 / M_PI;
    fixture_look_dir(p, from, (float)yaw, (float)pitch);
}
