// SPDX-License-Identifier: Apache-2.0
// Controller and hand models in the overlay (run_hands.h).
#include "run_hands.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"

static const char *const k_models[RUN_HAND_MODELS] = {"controller", "simple", "hand"};
static const char *const k_parts[RUN_HAND_PARTS] = {"body", "trigger", "grip", "stick"};

void run_hands_load(run_hands *h, const char *path)
{
    memset(h, 0, sizeof *h);
    if (!path) {
        STOA_LOGW("run", "no controller models (assets/controllers): lasers only");
        return;
    }
    stoa_scene_load_desc load = {0};
    stoa_error err = {0};
    if (stoa_scene_load(path, &load, &h->models, &err) < 0) {
        STOA_LOGW("run", "controller models: %s: lasers only", err.message);
        return;
    }
    // Meshes named MODEL.PART (tools/scenegen/controllers.py).
    for (uint32_t m = 0; m < h->models->mesh_count && h->part_count < RUN_HAND_SLOTS; m++) {
        const stoa_mesh *mesh = &h->models->meshes[m];
        for (int a = 0; a < RUN_HAND_MODELS; a++)
            for (int b = 0; b < RUN_HAND_PARTS; b++) {
                char want[48];
                snprintf(want, sizeof want, "%s.%s", k_models[a], k_parts[b]);
                if (mesh->name && !strcmp(mesh->name, want) && mesh->vertex_count &&
                    mesh->index_count) {
                    h->part_mesh[h->part_count] = m;
                    h->part_model[h->part_count] = (uint8_t)a;
                    h->part_kind[h->part_count] = (uint8_t)b;
                    h->part_count++;
                }
            }
    }
    STOA_LOGI("run", "controller models: %u parts from %s", h->part_count, path);
}

void run_hands_fini(run_hands *h)
{
    stoa_scene_destroy(&h->models);
    memset(h, 0, sizeof *h);
}

int run_hands_model_of(const char *profile)
{
    static const char *const full[] = {"oculus/touch_controller", "valve/index_controller",
                                       "htc/vive_controller", "microsoft/motion_controller"};
    if (profile && strstr(profile, "khr/simple_controller"))
        return 1;
    for (size_t i = 0; profile && i < sizeof full / sizeof *full; i++)
        if (strstr(profile, full[i]))
            return 0;
    return 2;
}

void run_hands_set(run_hands *h, const stoa_interact_frame *in, const float world_from_tracking[16],
                   const char *const profiles[2])
{
    for (int k = 0; k < 2; k++) {
        const stoa_interact_hand_input *hi = &in->hands[k];
        // Headsets only (the desktop's mouse laser has no profiles, no hand).
        h->active[k] = hi->active && h->part_count && profiles;
        if (!h->active[k])
            continue;
        h->model[k] = run_hands_model_of(profiles ? profiles[k] : NULL);
        mat4 aim, w;
        versor q = {hi->aim.orientation[0], hi->aim.orientation[1], hi->aim.orientation[2],
                    hi->aim.orientation[3]};
        glm_quat_mat4(q, aim);
        glm_vec3_copy((float *)hi->aim.position, aim[3]);
        glm_mat4_mul((vec4 *)world_from_tracking, aim, w);
        memcpy(h->world[k], w, sizeof h->world[k]);
        float stick =
            sqrtf(hi->thumbstick[0] * hi->thumbstick[0] + hi->thumbstick[1] * hi->thumbstick[1]);
        h->lit[k][0] = false;
        h->lit[k][1] = hi->select_value > 0.5f || hi->select_pressed;
        h->lit[k][2] = hi->grab_value > 0.5f || hi->grab_pressed;
        h->lit[k][3] = stick > 0.3f;
    }
}

uint32_t run_hands_mesh_count(const run_hands *h)
{
    return 2 * h->part_count;
}

uint32_t run_hands_node_count(const run_hands *h)
{
    return 2 * 2 * h->part_count;
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void *copy(const void *src, size_t bytes)
{
    void *d = src ? malloc(bytes) : NULL;
    if (d)
        memcpy(d, src, bytes);
    return d;
}

static void material(stoa_material *m, const char *name, const float rgb[3], float rough,
                     const float *glow)
{
    m->name = dup(name);
    memcpy(m->base_color, rgb, 3 * sizeof(float));
    m->base_color[3] = 1.0f;
    m->metallic = 0.0f;
    m->roughness = rough;
    m->base_color_tex = m->metallic_roughness_tex = m->normal_tex = m->occlusion_tex =
        m->emissive_tex = (stoa_texture_ref){-1, 0, 1};
    if (glow)
        memcpy(m->emissive, glow, 3 * sizeof(float));
    m->alpha_mode = STOA_ALPHA_OPAQUE;
    m->alpha_cutoff = 0.5f;
}

bool run_hands_build(const run_hands *h, stoa_scene *s, uint32_t mesh0, uint32_t mat0,
                     uint32_t node0)
{
    static const float plastic[3] = {0.09f, 0.09f, 0.1f}, button[3] = {0.22f, 0.23f, 0.25f},
                       glove[3] = {0.55f, 0.6f, 0.68f}, lit[3] = {0.25f, 0.85f, 1.0f};
    material(&s->materials[mat0], "controller", plastic, 0.45f, NULL);
    material(&s->materials[mat0 + 1], "button", button, 0.6f, NULL);
    material(&s->materials[mat0 + 2], "hand", glove, 0.8f, NULL);
    material(&s->materials[mat0 + 3], "pressed", lit, 0.5f, lit); // the laser's colour, glowing
    bool ok = true;
    for (uint32_t k = 0; k < h->part_count; k++) {
        const stoa_mesh *src = &h->models->meshes[h->part_mesh[k]];
        int32_t base = h->part_model[k] == 2 ? 2 : h->part_kind[k] == 0 ? 0 : 1;
        for (int l = 0; l < 2; l++) {
            stoa_mesh *m = &s->meshes[mesh0 + 2 * k + (uint32_t)l];
            size_t v = src->vertex_count;
            m->name = dup(src->name);
            m->vertex_count = src->vertex_count;
            m->index_count = src->index_count;
            m->positions = copy(src->positions, v * 3 * sizeof(float));
            m->normals = copy(src->normals, v * 3 * sizeof(float));
            m->indices = copy(src->indices, src->index_count * sizeof(uint32_t));
            m->material = (int32_t)mat0 + (l ? 3 : base);
            m->skin = -1;
            memcpy(m->bounds_min, src->bounds_min, sizeof m->bounds_min);
            memcpy(m->bounds_max, src->bounds_max, sizeof m->bounds_max);
            ok = ok && m->name && m->positions && m->normals && m->indices;
        }
        for (int hand = 0; hand < 2; hand++)
            for (int l = 0; l < 2; l++) {
                stoa_node *n =
                    &s->nodes[node0 + (uint32_t)hand * 2 * h->part_count + 2 * k + (uint32_t)l];
                n->name = dup("controller");
                n->parent = -1;
                n->rotation[3] = 1.0f; // scale 0: hidden until placed
                n->camera = n->light = -1;
                n->mesh_count = 1;
                n->meshes = malloc(sizeof(uint32_t));
                if (n->meshes)
                    n->meshes[0] = mesh0 + 2 * k + (uint32_t)l;
                ok = ok && n->name && n->meshes;
            }
    }
    return ok;
}

void run_hands_place(const run_hands *h, stoa_pose *pose, uint32_t node0)
{
    for (int hand = 0; hand < 2; hand++) {
        if (!h->active[hand])
            continue;
        mat4 w;
        memcpy(w, h->world[hand], sizeof w);
        vec4 t;
        mat4 r;
        vec3 s;
        glm_decompose(w, t, r, s);
        versor q;
        glm_mat4_quat(r, q);
        float one[3] = {1.0f, 1.0f, 1.0f};
        for (uint32_t k = 0; k < h->part_count; k++) {
            if (h->part_model[k] != h->model[hand])
                continue;
            bool lit = h->lit[hand][h->part_kind[k]];
            uint32_t node = node0 + (uint32_t)hand * 2 * h->part_count + 2 * k + (lit ? 1 : 0);
            stoa_pose_set_local(pose, node, t, q, one);
        }
    }
}
