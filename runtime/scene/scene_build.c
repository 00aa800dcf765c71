// SPDX-License-Identifier: Apache-2.0
// Nodes, cameras, lights and skins, read from the glTF JSON (Assimp keeps
// none of these exactly: it renames nodes, drops orthographic fields and
// merges skins into per-mesh bones).
#include <cglm/cglm.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "scene_internal.h"

char *scene_strdup(const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void scene_warn(stoa_scene *scene, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **w = realloc(scene->warnings, (scene->warning_count + 1) * sizeof *w);
    if (!w)
        return;
    scene->warnings = w;
    w[scene->warning_count] = scene_strdup(buf);
    if (w[scene->warning_count])
        scene->warning_count++;
    STOA_LOGD("scene", "%s: %s", scene->path, buf);
}

// A node's "matrix" as TRS (glTF only animates TRS nodes, so no loss).
static void matrix_to_trs(const float m16[16], stoa_node *n)
{
    mat4 m, rot;
    vec4 t;
    vec3 s;
    memcpy(m, m16, sizeof m);
    glm_decompose(m, t, rot, s);
    if (glm_mat4_det(m) < 0) { // a mirror: put it in one scale axis
        s[0] = -s[0];
        for (int k = 0; k < 3; k++)
            rot[0][k] = -rot[0][k];
    }
    versor q;
    glm_mat4_quat(rot, q);
    glm_quat_normalize(q);
    memcpy(n->translation, t, 3 * sizeof(float));
    memcpy(n->rotation, q, 4 * sizeof(float));
    memcpy(n->scale, s, 3 * sizeof(float));
}

static void read_node(scene_doc *doc, stoa_scene *scene, const cJSON *jn, stoa_node *n)
{
    n->name = scene_strdup(scene_json_str(jn, "name"));
    n->camera = -1;
    n->light = -1;
    n->rotation[3] = 1;
    n->scale[0] = n->scale[1] = n->scale[2] = 1;
    float m[16];
    if (scene_json_floats(jn, "matrix", m, 16) == 16) {
        matrix_to_trs(m, n);
    } else {
        scene_json_floats(jn, "translation", n->translation, 3);
        scene_json_floats(jn, "rotation", n->rotation, 4);
        scene_json_floats(jn, "scale", n->scale, 3);
        float len = sqrtf(n->rotation[0] * n->rotation[0] + n->rotation[1] * n->rotation[1] +
                          n->rotation[2] * n->rotation[2] + n->rotation[3] * n->rotation[3]);
        if (len < 1e-6f) {
            scene_warn(scene, "node '%s': zero rotation quaternion, identity used", n->name);
            n->rotation[0] = n->rotation[1] = n->rotation[2] = 0;
            n->rotation[3] = len = 1;
        }
        for (int k = 0; k < 4; k++)
            n->rotation[k] /= len;
    }
    (void)doc;
}

static stoa_result add_camera(scene_doc *doc, stoa_scene *scene, const cJSON *jc, int32_t node)
{
    stoa_camera *c = &scene->cameras[scene->camera_count];
    const char *type = scene_json_str(jc, "type");
    c->name = scene_strdup(scene_json_str(jc, "name"));
    c->node = node;
    if (type && strcmp(type, "orthographic") == 0) {
        cJSON *o = cJSON_GetObjectItemCaseSensitive(jc, "orthographic");
        c->type = STOA_CAMERA_ORTHOGRAPHIC;
        c->xmag = (float)scene_json_num(o, "xmag", 1);
        c->ymag = (float)scene_json_num(o, "ymag", 1);
        c->znear = (float)scene_json_num(o, "znear", 0.01);
        c->zfar = (float)scene_json_num(o, "zfar", 100);
    } else {
        cJSON *p = cJSON_GetObjectItemCaseSensitive(jc, "perspective");
        c->type = STOA_CAMERA_PERSPECTIVE;
        c->yfov = (float)scene_json_num(p, "yfov", 0.8);
        c->aspect = (float)scene_json_num(p, "aspectRatio", 0);
        c->znear = (float)scene_json_num(p, "znear", 0.01);
        c->zfar = (float)scene_json_num(p, "zfar", 0);
        if (!(c->yfov > 0 && c->yfov < 3.14f)) {
            scene_warn(scene, "camera '%s': yfov %g is not in (0, pi); 0.8 used", c->name, c->yfov);
            c->yfov = 0.8f;
        }
    }
    (void)doc;
    return c->name ? scene->camera_count++, STOA_OK : STOA_ERROR_OUT_OF_MEMORY;
}

static void add_light(scene_doc *doc, stoa_scene *scene, const cJSON *jl, int32_t node)
{
    stoa_light *l = &scene->lights[scene->light_count++];
    const char *type = scene_json_str(jl, "type");
    l->name = scene_strdup(scene_json_str(jl, "name"));
    l->node = node;
    l->type = !type || !strcmp(type, "directional") ? STOA_LIGHT_DIRECTIONAL
              : !strcmp(type, "spot")               ? STOA_LIGHT_SPOT
                                                    : STOA_LIGHT_POINT;
    l->color[0] = l->color[1] = l->color[2] = 1;
    scene_json_floats(jl, "color", l->color, 3);
    l->intensity = (float)scene_json_num(jl, "intensity", 1);
    l->range = (float)scene_json_num(jl, "range", 0);
    cJSON *spot = cJSON_GetObjectItemCaseSensitive(jl, "spot");
    l->inner_cone = (float)scene_json_num(spot, "innerConeAngle", 0);
    l->outer_cone = (float)scene_json_num(spot, "outerConeAngle", GLM_PI_4f);
    (void)doc;
}

static const cJSON *node_light(scene_doc *doc, const cJSON *jn)
{
    cJSON *ext = cJSON_GetObjectItemCaseSensitive(jn, "extensions");
    cJSON *lp = cJSON_GetObjectItemCaseSensitive(ext, "KHR_lights_punctual");
    if (!lp)
        return NULL;
    cJSON *rext = cJSON_GetObjectItemCaseSensitive(doc->root, "extensions");
    return scene_json_at(cJSON_GetObjectItemCaseSensitive(rext, "KHR_lights_punctual"), "lights",
                         (uint32_t)scene_json_int(lp, "light", 0));
}

typedef struct walk {
    scene_doc *doc;
    stoa_scene *scene;
    const uint32_t *mesh_first, *mesh_prims;
    int32_t *node_map;
    uint32_t *stack; // glTF node indices still to visit, with their parent
    int32_t *stack_parent;
} walk;

static stoa_result visit(walk *w, uint32_t g, int32_t parent)
{
    stoa_scene *scene = w->scene;
    cJSON *jn = scene_json_at(w->doc->root, "nodes", g);
    int32_t idx = (int32_t)scene->node_count++;
    stoa_node *n = &scene->nodes[idx];
    w->node_map[g] = idx;
    read_node(w->doc, scene, jn, n);
    n->parent = parent;
    if (!n->name)
        return STOA_ERROR_OUT_OF_MEMORY;
    int64_t m = scene_json_int(jn, "mesh", -1);
    if (m >= 0 && w->mesh_prims[m] > 0) {
        n->mesh_count = w->mesh_prims[m];
        n->meshes = malloc(n->mesh_count * sizeof *n->meshes);
        if (!n->meshes)
            return STOA_ERROR_OUT_OF_MEMORY;
        int64_t skin = scene_json_int(jn, "skin", -1);
        for (uint32_t k = 0; k < n->mesh_count; k++) {
            n->meshes[k] = w->mesh_first[m] + k;
            stoa_mesh *mesh = &scene->meshes[n->meshes[k]];
            if (skin >= 0 && mesh->skin < 0)
                mesh->skin = (int32_t)skin;
            scene->triangle_count += mesh->index_count / 3;
        }
    }
    int64_t cam = scene_json_int(jn, "camera", -1);
    if (cam >= 0) {
        n->camera = (int32_t)scene->camera_count;
        if (add_camera(w->doc, scene, scene_json_at(w->doc->root, "cameras", (uint32_t)cam), idx) <
            0)
            return STOA_ERROR_OUT_OF_MEMORY;
    }
    const cJSON *jl = node_light(w->doc, jn);
    if (jl) {
        n->light = (int32_t)scene->light_count;
        add_light(w->doc, scene, jl, idx);
    }
    return STOA_OK;
}

// Depth-first from the default scene's roots, so that parents come first.
stoa_result scene_build_nodes(scene_doc *doc, stoa_scene *scene, const uint32_t *mesh_first,
                              const uint32_t *mesh_prims, int32_t *node_map, stoa_error *err)
{
    uint32_t nn = scene_json_count(doc->root, "nodes");
    size_t cap = nn ? nn : 1;
    walk w = {doc,
              scene,
              mesh_first,
              mesh_prims,
              node_map,
              malloc(cap * sizeof(uint32_t)),
              malloc(cap * sizeof(int32_t))};
    scene->nodes = calloc(cap, sizeof *scene->nodes);
    scene->cameras = calloc(cap, sizeof *scene->cameras);
    scene->lights = calloc(cap, sizeof *scene->lights);
    stoa_result r = STOA_OK;
    if (!w.stack || !w.stack_parent || !scene->nodes || !scene->cameras || !scene->lights) {
        r = STOA_ERROR_OUT_OF_MEMORY;
        goto done;
    }
    for (uint32_t i = 0; i < nn; i++)
        node_map[i] = -1;
    size_t top = 0;
    cJSON *roots =
        doc->default_scene >= 0
            ? scene_json_arr(scene_json_at(doc->root, "scenes", (uint32_t)doc->default_scene),
                             "nodes")
            : NULL;
    cJSON *it;
    // Push in reverse so that the walk visits them in file order.
    for (int i = roots ? (int)scene_json_size(roots) - 1 : -1; i >= 0; i--) {
        uint32_t g = (uint32_t)scene_json_item(roots, (uint32_t)i)->valuedouble;
        if (top < cap && node_map[g] == -1) {
            node_map[g] = -2; // queued
            w.stack[top] = g;
            w.stack_parent[top++] = -1;
        }
    }
    while (top > 0 && r == STOA_OK) {
        uint32_t g = w.stack[--top];
        int32_t parent = w.stack_parent[top];
        if ((r = visit(&w, g, parent)) < 0)
            break;
        cJSON *children = scene_json_arr(scene_json_at(doc->root, "nodes", g), "children");
        int nc = children ? (int)scene_json_size(children) : 0;
        for (int i = nc - 1; i >= 0; i--) {
            it = scene_json_item(children, (uint32_t)i);
            uint32_t c = (uint32_t)it->valuedouble;
            if (top < cap && node_map[c] == -1) {
                node_map[c] = -2;
                w.stack[top] = c;
                w.stack_parent[top++] = w.node_map[g];
            }
        }
    }
    if (doc->default_scene < 0 && nn > 0)
        scene_warn(scene, "the file has no scenes: nothing to show");
done:
    free(w.stack);
    free(w.stack_parent);
    if (r < 0)
        return stoa_error_set(err, r, "%s: out of memory building nodes", doc->path);
    return STOA_OK;
}

stoa_result scene_build_skins(scene_doc *doc, stoa_scene *scene, const int32_t *node_map,
                              stoa_error *err)
{
    uint32_t ns = scene_json_count(doc->root, "skins");
    scene->skins = calloc(ns ? ns : 1, sizeof *scene->skins);
    if (!scene->skins)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    for (uint32_t s = 0; s < ns; s++) {
        cJSON *js = scene_json_at(doc->root, "skins", s), *j;
        stoa_skin *skin = &scene->skins[scene->skin_count++];
        uint32_t nj = scene_json_count(js, "joints");
        skin->name = scene_strdup(scene_json_str(js, "name"));
        skin->joints = calloc(nj, sizeof *skin->joints);
        skin->inverse_bind = calloc((size_t)nj * 16, sizeof(float));
        if (!skin->name || !skin->joints || !skin->inverse_bind)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
        skin->joint_count = nj;
        uint32_t k = 0;
        cJSON_ArrayForEach(j, scene_json_arr(js, "joints"))
        {
            int32_t mapped = node_map[(uint32_t)j->valuedouble];
            if (mapped < 0) {
                scene_warn(scene, "skins[%u].joints[%u]: node is not in the scene", s, k);
                mapped = 0;
            }
            skin->joints[k] = (uint32_t)mapped;
            glm_mat4_identity((vec4 *)(skin->inverse_bind + (size_t)k * 16));
            k++;
        }
        if (cJSON_GetObjectItemCaseSensitive(js, "inverseBindMatrices")) {
            float *ibm;
            uint32_t count, comps;
            stoa_result r =
                scene_accessor_floats(doc, (uint32_t)scene_json_int(js, "inverseBindMatrices", 0),
                                      &ibm, &count, &comps, err);
            if (r < 0)
                return r;
            memcpy(skin->inverse_bind, ibm, (size_t)nj * 16 * sizeof(float));
            free(ibm);
            for (size_t i = 0; i < (size_t)nj * 16; i++)
                if (!isfinite(skin->inverse_bind[i]))
                    return stoa_error_set(err, STOA_ERROR_PARSE,
                                          "%s: skins[%u].inverseBindMatrices: matrix %zu holds "
                                          "NaN or infinity",
                                          doc->path, s, i / 16);
        }
    }
    // Joint indices come from Assimp's bones, one per skin joint.
    for (uint32_t m = 0; m < scene->mesh_count; m++) {
        stoa_mesh *mesh = &scene->meshes[m];
        if (!mesh->joints)
            continue;
        if (mesh->skin < 0) {
            scene_warn(scene, "mesh '%s' has joints but no node gives it a skin", mesh->name);
            continue;
        }
        uint32_t nj = scene->skins[mesh->skin].joint_count;
        for (size_t i = 0; i < (size_t)mesh->vertex_count * 4; i++)
            if (mesh->joints[i] >= nj) {
                scene_warn(scene, "mesh '%s': joint index %u out of range (skin has %u)",
                           mesh->name, mesh->joints[i], nj);
                for (; i < (size_t)mesh->vertex_count * 4; i++)
                    if (mesh->joints[i] >= nj)
                        mesh->joints[i] = 0;
            }
    }
    return STOA_OK;
}
