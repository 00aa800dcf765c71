// SPDX-License-Identifier: Apache-2.0
#include "play_marks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run/run_overlay_mesh.h"

#define DISC_SEGMENTS 24
#define DISC_RADIUS_M 0.45f // as drawn; a click lands within TELEPORT_PICK_M of the centre
#define TELEPORT_PICK_M 0.55f

enum { MESH_DISC, MESH_DISC_HOT, MESH_ZONE, MESH_ICON, MESH_COUNT };

static void add(int32_t *list, uint32_t *count, int32_t node)
{
    if (node < 0 || *count >= PLAY_MARKS_MAX)
        return;
    for (uint32_t i = 0; i < *count; i++)
        if (list[i] == node)
            return;
    list[(*count)++] = node;
}

static void collect(play_marks *m, const run_session *s)
{
    m->teleport_count = m->zone_count = m->narration_count = 0;
    const stoa_lesson *l = s->lesson_on ? s->lesson.lesson : NULL;
    const stoa_scene *sc = s->scene;
    for (uint32_t i = 0; l && sc && i < l->state_count; i++) {
        const stoa_lesson_state *st = &l->states[i];
        for (uint32_t t = 0; t < st->trigger_count; t++) {
            const stoa_lesson_trigger *tr = &st->triggers[t];
            if (tr->kind == STOA_LESSON_TRIG_ENTER_ZONE || tr->kind == STOA_LESSON_TRIG_LEAVE_ZONE)
                add(m->zones, &m->zone_count, tr->node ? stoa_scene_find_node(sc, tr->node) : -1);
            if (tr->zone)
                add(m->zones, &m->zone_count, stoa_scene_find_node(sc, tr->zone));
        }
        for (uint32_t k = 0; st->task && k < st->task->step_count + st->task->wrong_count; k++) {
            const stoa_lesson_move *mv = k < st->task->step_count
                                             ? &st->task->steps[k]
                                             : &st->task->wrong[k - st->task->step_count];
            if (mv->zone)
                add(m->zones, &m->zone_count, stoa_scene_find_node(sc, mv->zone));
        }
        for (uint32_t k = 0; k < st->step_count; k++) {
            const stoa_lesson_step *sp = &st->steps[k];
            int32_t n = sp->node ? stoa_scene_find_node(sc, sp->node) : -1;
            if (sp->kind == STOA_LESSON_STEP_TELEPORT)
                add(m->teleports, &m->teleport_count, n);
            else if (sp->kind == STOA_LESSON_STEP_NARRATE)
                add(m->narrations, &m->narration_count, n);
        }
    }
}

// A flat disc in XZ facing up, radius 0.5.
static bool disc(stoa_mesh *mesh, const char *name, int32_t material)
{
    if (!run_ov_mesh_alloc(mesh, name, DISC_SEGMENTS + 1, DISC_SEGMENTS * 3, material))
        return false;
    for (uint32_t v = 0; v <= DISC_SEGMENTS; v++) {
        float a = (float)v * 6.2831853f / DISC_SEGMENTS;
        mesh->positions[v * 3] = v ? 0.5f * cosf(a) : 0.0f;
        mesh->positions[v * 3 + 2] = v ? 0.5f * sinf(a) : 0.0f;
        mesh->normals[v * 3 + 1] = 1.0f;
    }
    for (uint32_t i = 0; i < DISC_SEGMENTS; i++) {
        mesh->indices[i * 3] = 0;
        mesh->indices[i * 3 + 1] = 1 + (i + 1) % DISC_SEGMENTS;
        mesh->indices[i * 3 + 2] = 1 + i;
    }
    run_ov_bounds(mesh);
    return true;
}

// A diamond (octahedron), 1 m from tip to tip.
static bool diamond(stoa_mesh *mesh, const char *name, int32_t material)
{
    static const float p[6][3] = {{0.5f, 0, 0}, {-0.5f, 0, 0}, {0, 0.5f, 0},
                                  {0, -0.5f, 0}, {0, 0, 0.5f}, {0, 0, -0.5f}};
    static const uint32_t f[8][3] = {{0, 2, 4}, {4, 2, 1}, {1, 2, 5}, {5, 2, 0},
                                     {4, 3, 0}, {1, 3, 4}, {5, 3, 1}, {0, 3, 5}};
    if (!run_ov_mesh_alloc(mesh, name, 6, 24, material))
        return false;
    for (int v = 0; v < 6; v++)
        for (int c = 0; c < 3; c++) {
            mesh->positions[v * 3 + c] = p[v][c];
            mesh->normals[v * 3 + c] = p[v][c] * 2.0f;
        }
    memcpy(mesh->indices, f, sizeof f);
    run_ov_bounds(mesh);
    return true;
}

static stoa_scene *build_scene(const play_marks *m)
{
    stoa_scene *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->path = run_ov_dup("(play marks)");
    s->node_count = 2 * m->teleport_count + m->zone_count + m->narration_count;
    s->mesh_count = s->material_count = MESH_COUNT;
    s->nodes = calloc(s->node_count, sizeof *s->nodes);
    s->meshes = calloc(MESH_COUNT, sizeof *s->meshes);
    s->materials = calloc(MESH_COUNT, sizeof *s->materials);
    bool ok = s->path && s->nodes && s->meshes && s->materials;
    if (ok) {
        run_ov_solid(&s->materials[MESH_DISC], "teleport", 0.25f, 0.95f, 0.45f, 0.55f);
        run_ov_solid(&s->materials[MESH_DISC_HOT], "teleport_hot", 0.85f, 1.0f, 0.3f, 0.9f);
        run_ov_solid(&s->materials[MESH_ZONE], "zone", 0.2f, 0.8f, 1.0f, 0.22f);
        run_ov_solid(&s->materials[MESH_ICON], "narration", 1.0f, 0.55f, 0.1f, 1.0f);
        ok = disc(&s->meshes[MESH_DISC], "teleport", MESH_DISC) &&
             disc(&s->meshes[MESH_DISC_HOT], "teleport_hot", MESH_DISC_HOT) &&
             run_ov_box(&s->meshes[MESH_ZONE], "zone", MESH_ZONE, 0.5f, -0.5f) &&
             diamond(&s->meshes[MESH_ICON], "narration", MESH_ICON);
        uint32_t n = 0;
        for (uint32_t i = 0; i < m->teleport_count; i++) {
            run_ov_node(&s->nodes[n++], "teleport", MESH_DISC);
            run_ov_node(&s->nodes[n++], "teleport_hot", MESH_DISC_HOT);
        }
        for (uint32_t i = 0; i < m->zone_count; i++)
            run_ov_node(&s->nodes[n++], "zone", MESH_ZONE);
        for (uint32_t i = 0; i < m->narration_count; i++)
            run_ov_node(&s->nodes[n++], "narration", MESH_ICON);
        for (uint32_t i = 0; i < n; i++)
            ok = ok && s->nodes[i].name && s->nodes[i].meshes;
    }
    if (!ok)
        stoa_scene_destroy(&s);
    return s;
}

stoa_result play_marks_build(play_marks *m, run_session *s, stoa_gfx_renderer *renderer,
                                 stoa_error *err)
{
    play_marks_free(m);
    collect(m, s);
    if (m->teleport_count + m->zone_count + m->narration_count == 0)
        return STOA_OK;
    m->scene = build_scene(m);
    m->pose = m->scene ? stoa_pose_create(m->scene) : NULL;
    if (!m->pose)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "play mode's markers");
    return stoa_gfx_scene_create(renderer, m->scene, &m->gscene, err);
}

// The world bounds of a node and what hangs below it (an empty: -1..1
// under its transform, as interaction's zones take it).
static void world_bounds(const stoa_scene *sc, const stoa_pose *pose, int32_t node, float lo[3],
                         float hi[3])
{
    lo[0] = lo[1] = lo[2] = 1e30f;
    hi[0] = hi[1] = hi[2] = -1e30f;
    bool any = false;
    for (uint32_t i = (uint32_t)node; i < sc->node_count; i++) {
        int32_t a = (int32_t)i;
        while (a >= 0 && a != node)
            a = sc->nodes[a].parent;
        if (a != node)
            continue; // nodes are parents-first: the subtree follows the node
        const float *w = stoa_pose_world(pose, i);
        for (uint32_t k = 0; k < sc->nodes[i].mesh_count; k++) {
            const stoa_mesh *me = &sc->meshes[sc->nodes[i].meshes[k]];
            for (int c = 0; c < 8; c++) {
                float p[3] = {c & 1 ? me->bounds_max[0] : me->bounds_min[0],
                              c & 2 ? me->bounds_max[1] : me->bounds_min[1],
                              c & 4 ? me->bounds_max[2] : me->bounds_min[2]};
                for (int r = 0; r < 3; r++) {
                    float x = w[r] * p[0] + w[4 + r] * p[1] + w[8 + r] * p[2] + w[12 + r];
                    lo[r] = fminf(lo[r], x);
                    hi[r] = fmaxf(hi[r], x);
                }
            }
            any = true;
        }
    }
    if (any)
        return;
    const float *w = stoa_pose_world(pose, (uint32_t)node);
    for (int c = 0; c < 8; c++) {
        float p[3] = {c & 1 ? 1.0f : -1.0f, c & 2 ? 1.0f : -1.0f, c & 4 ? 1.0f : -1.0f};
        for (int r = 0; r < 3; r++) {
            float x = w[r] * p[0] + w[4 + r] * p[1] + w[8 + r] * p[2] + w[12 + r];
            lo[r] = fminf(lo[r], x);
            hi[r] = fmaxf(hi[r], x);
        }
    }
}

static void place(stoa_pose *pose, uint32_t node, const float t[3], const float sc[3])
{
    static const float r[4] = {0, 0, 0, 1};
    stoa_pose_set_local(pose, node, t, r, sc);
}

static void hide(stoa_pose *pose, uint32_t node)
{
    static const float z[3] = {0, 0, 0};
    place(pose, node, z, z);
}

static int32_t pick(const play_marks *m, const stoa_pose *pose, const float eye[3],
                    const float dir[3], float hit_distance)
{
    int32_t best = -1;
    float best_t = 1e30f;
    for (uint32_t i = 0; i < m->teleport_count && fabsf(dir[1]) > 1e-4f; i++) {
        const float *w = stoa_pose_world(pose, (uint32_t)m->teleports[i]);
        float t = (w[13] - eye[1]) / dir[1];
        float dx = eye[0] + t * dir[0] - w[12], dz = eye[2] + t * dir[2] - w[14];
        if (t <= 0.0f || dx * dx + dz * dz > TELEPORT_PICK_M * TELEPORT_PICK_M)
            continue;
        if (hit_distance >= 0.0f && t > hit_distance + 0.1f)
            continue; // something stands in front of it
        if (t < best_t) {
            best_t = t;
            best = (int32_t)i;
        }
    }
    return best;
}

void play_marks_frame(play_marks *m, const run_session *s, const float eye[3],
                          const float dir[3], float hit_distance, bool author, run_draw *out)
{
    memset(out, 0, sizeof *out);
    m->hot = -1;
    if (!m->gscene || !s->pose)
        return;
    m->hot = pick(m, s->pose, eye, dir, hit_distance);
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->teleport_count; i++) {
        const float *w = stoa_pose_world(s->pose, (uint32_t)m->teleports[i]);
        float t[3] = {w[12], w[13] + 0.03f, w[14]};
        float r = 2.0f * DISC_RADIUS_M, rh = 2.2f * DISC_RADIUS_M;
        const float sc[3] = {r, 1.0f, r}, sh[3] = {rh, 1.0f, rh};
        bool hot = m->hot == (int32_t)i;
        if (hot)
            hide(m->pose, n);
        else
            place(m->pose, n, t, sc);
        t[1] += 0.005f;
        if (hot)
            place(m->pose, n + 1, t, sh);
        else
            hide(m->pose, n + 1);
        n += 2;
    }
    for (uint32_t i = 0; i < m->zone_count; i++, n++) {
        float lo[3], hi[3];
        world_bounds(s->scene, s->pose, m->zones[i], lo, hi);
        const float c[3] = {(lo[0] + hi[0]) * 0.5f, (lo[1] + hi[1]) * 0.5f, (lo[2] + hi[2]) * 0.5f};
        const float sz[3] = {hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]};
        if (author)
            place(m->pose, n, c, sz);
        else
            hide(m->pose, n);
    }
    for (uint32_t i = 0; i < m->narration_count; i++, n++) {
        float lo[3], hi[3];
        world_bounds(s->scene, s->pose, m->narrations[i], lo, hi);
        const float c[3] = {(lo[0] + hi[0]) * 0.5f, hi[1] + 0.35f, (lo[2] + hi[2]) * 0.5f};
        const float sz[3] = {0.22f, 0.32f, 0.22f};
        if (author)
            place(m->pose, n, c, sz);
        else
            hide(m->pose, n);
    }
    stoa_pose_update(m->pose);
    out->scene = m->gscene;
    out->pose = m->pose;
}

int32_t play_marks_hot(const play_marks *m)
{
    return m->hot >= 0 ? m->teleports[m->hot] : -1;
}

void play_marks_free(play_marks *m)
{
    stoa_gfx_scene_destroy(&m->gscene);
    stoa_pose_destroy(&m->pose);
    stoa_scene_destroy(&m->scene);
    memset(m, 0, sizeof *m);
    m->hot = -1;
}
