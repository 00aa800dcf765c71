// SPDX-License-Identifier: Apache-2.0
// The script's AR keys: blend_modes, camera, passthrough, planes, anchors
// (docs/xrsim.md, "AR"). Every error names the file, the line and the key.
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xr/stoa_openxr_ext.h"
#include "xrsim_script_yaml.h"

static size_t seq_len(const yaml_node_t *n)
{
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

// A path in the script: relative paths are taken from the script's folder.
static bool script_path(xrsim_sy_ctx *c, yaml_node_t *v, const char *key, char *out, size_t size)
{
    const char *p = xrsim_sy_scalar(v);
    if (!p || !p[0])
        return xrsim_sy_fail(c, v, "'%s' takes a path", key);
    const char *slash = strrchr(c->file, '/');
    int n = p[0] == '/' || !slash
                ? snprintf(out, size, "%s", p)
                : snprintf(out, size, "%.*s/%s", (int)(slash - c->file), c->file, p);
    if (n < 0 || (size_t)n >= size)
        return xrsim_sy_fail(c, v, "'%s': path too long", key);
    return true;
}

static bool parse_blend_modes(xrsim_sy_ctx *c, yaml_node_t *v)
{
    static const char *names[] = {"opaque", "additive", "alpha_blend"};
    static const XrEnvironmentBlendMode modes[] = {XR_ENVIRONMENT_BLEND_MODE_OPAQUE,
                                                   XR_ENVIRONMENT_BLEND_MODE_ADDITIVE,
                                                   XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND};
    xrsim_script_ar *ar = &c->s->ar;
    if (v->type != YAML_SEQUENCE_NODE || seq_len(v) < 1 || seq_len(v) > XRSIM_MAX_BLEND_MODES)
        return xrsim_sy_fail(c, v,
                             "'blend_modes' is a list of 1 to 3 of OPAQUE, ADDITIVE, "
                             "ALPHA_BLEND (the order offered)");
    ar->blend_count = 0;
    for (size_t i = 0; i < seq_len(v); i++) {
        yaml_node_t *item = xrsim_sy_node(c, v->data.sequence.items.start[i]);
        const char *t = xrsim_sy_scalar(item);
        int found = -1;
        for (int k = 0; t && k < 3; k++)
            if (strcasecmp(t, names[k]) == 0)
                found = k;
        if (found < 0)
            return xrsim_sy_fail(c, item,
                                 "'blend_modes': '%s' is not OPAQUE, ADDITIVE or "
                                 "ALPHA_BLEND",
                                 t ? t : "(not a word)");
        for (uint32_t j = 0; j < ar->blend_count; j++)
            if (ar->blend[j] == modes[found])
                return xrsim_sy_fail(c, item, "'blend_modes': %s given twice", t);
        ar->blend[ar->blend_count++] = modes[found];
    }
    return true;
}

static bool parse_bool(xrsim_sy_ctx *c, yaml_node_t *v, const char *key, bool *out)
{
    const char *t = xrsim_sy_scalar(v);
    if (t && (strcmp(t, "true") == 0 || strcmp(t, "false") == 0)) {
        *out = t[0] == 't';
        return true;
    }
    return xrsim_sy_fail(c, v, "'%s' is true or false", key);
}

static bool parse_camera(xrsim_sy_ctx *c, yaml_node_t *v)
{
    xrsim_script_ar *ar = &c->s->ar;
    const char *t = xrsim_sy_scalar(v);
    if (t && strcmp(t, "classroom") == 0) {
        ar->camera = XRSIM_CAMERA_CLASSROOM;
        return true;
    }
    if (v->type != YAML_MAPPING_NODE ||
        v->data.mapping.pairs.top - v->data.mapping.pairs.start != 1)
        return xrsim_sy_fail(c, v,
                             "'camera' is classroom, {color: [r, g, b]} (sRGB 0..255) or "
                             "{image: FILE} (equirectangular PNG/JPEG)");
    yaml_node_pair_t *p = v->data.mapping.pairs.start;
    yaml_node_t *kn = xrsim_sy_node(c, p->key), *val = xrsim_sy_node(c, p->value);
    const char *key = xrsim_sy_scalar(kn);
    if (key && strcmp(key, "color") == 0) {
        float rgb[3];
        if (!xrsim_sy_numbers(c, val, rgb, 3))
            return false;
        for (int i = 0; i < 3; i++) {
            if (!(rgb[i] >= 0 && rgb[i] <= 255) || rgb[i] != (float)(int)rgb[i])
                return xrsim_sy_fail(c, val, "'camera.color': whole numbers 0..255 (sRGB)");
            ar->camera_color[i] = (uint8_t)rgb[i];
        }
        ar->camera = XRSIM_CAMERA_COLOR;
        return true;
    }
    if (key && strcmp(key, "image") == 0) {
        ar->camera = XRSIM_CAMERA_IMAGE;
        return script_path(c, val, "camera.image", ar->camera_image, sizeof ar->camera_image);
    }
    return xrsim_sy_fail(c, kn, "unknown key '%s' in 'camera' (color, image)", key ? key : "");
}

static bool parse_word(xrsim_sy_ctx *c, yaml_node_t *v, const char *key, const char *const *names,
                       int count, int32_t *out)
{
    const char *t = xrsim_sy_scalar(v);
    for (int i = 0; t && i < count; i++)
        if (strcmp(t, names[i]) == 0) {
            *out = i;
            return true;
        }
    char list[160] = "";
    for (int i = 0; i < count; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
    return xrsim_sy_fail(c, v, "'%s' is one of %s", key, list);
}

static bool parse_plane(xrsim_sy_ctx *c, yaml_node_t *map, xrsim_script_plane *pl)
{
    // Index = XrPlaneDetectorSemanticTypeEXT; "table" is PLATFORM.
    static const char *semantics[] = {"undefined", "ceiling", "floor", "wall", "table"};
    static const char *orients[] = {"up", "down", "vertical"};
    if (map->type != YAML_MAPPING_NODE)
        return xrsim_sy_fail(c, map,
                             "a plane is a mapping (position, size, yaw, semantic, "
                             "orientation)");
    bool has_pos = false, has_size = false, has_orient = false;
    pl->semantic = XR_PLANE_DETECTOR_SEMANTIC_TYPE_UNDEFINED_EXT;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *kn = xrsim_sy_node(c, p->key), *v = xrsim_sy_node(c, p->value);
        const char *key = xrsim_sy_scalar(kn);
        double d;
        if (!key)
            return xrsim_sy_fail(c, kn, "expected a key");
        if (strcmp(key, "position") == 0) {
            if (!xrsim_sy_numbers(c, v, pl->position, 3))
                return false;
            has_pos = true;
        } else if (strcmp(key, "size") == 0) {
            float wd[2];
            if (!xrsim_sy_numbers(c, v, wd, 2))
                return false;
            if (!(wd[0] > 0 && wd[0] <= 100 && wd[1] > 0 && wd[1] <= 100))
                return xrsim_sy_fail(c, v,
                                     "'planes.size': [width, depth] in metres, each in "
                                     "(0, 100]");
            pl->width = wd[0], pl->depth = wd[1];
            has_size = true;
        } else if (strcmp(key, "yaw") == 0) {
            if (!xrsim_sy_number(c, v, &d))
                return false;
            pl->yaw_deg = (float)d;
        } else if (strcmp(key, "semantic") == 0) {
            if (!parse_word(c, v, "planes.semantic", semantics, 5, &pl->semantic))
                return false;
        } else if (strcmp(key, "orientation") == 0) {
            if (!parse_word(c, v, "planes.orientation", orients, 3, &pl->orientation))
                return false;
            has_orient = true;
        } else {
            return xrsim_sy_fail(c, kn,
                                 "unknown key '%s' in a plane (position, size, yaw, "
                                 "semantic, orientation)",
                                 key);
        }
    }
    if (!has_pos || !has_size)
        return xrsim_sy_fail(c, map, "a plane needs 'position' and 'size'");
    if (!has_orient) // from the semantic: ceilings face down, walls stand
        pl->orientation = pl->semantic == XR_PLANE_DETECTOR_SEMANTIC_TYPE_CEILING_EXT
                              ? XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_DOWNWARD_EXT
                          : pl->semantic == XR_PLANE_DETECTOR_SEMANTIC_TYPE_WALL_EXT
                              ? XR_PLANE_DETECTOR_ORIENTATION_VERTICAL_EXT
                              : XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_UPWARD_EXT;
    return true;
}

static bool parse_planes(xrsim_sy_ctx *c, yaml_node_t *v)
{
    xrsim_script_ar *ar = &c->s->ar;
    if (v->type != YAML_SEQUENCE_NODE || seq_len(v) > XRSIM_MAX_PLANES)
        return xrsim_sy_fail(c, v, "'planes' is a list of at most %d planes", XRSIM_MAX_PLANES);
    ar->planes_given = true;
    ar->plane_count = 0;
    for (size_t i = 0; i < seq_len(v); i++) {
        if (!parse_plane(c, xrsim_sy_node(c, v->data.sequence.items.start[i]),
                         &ar->planes[ar->plane_count]))
            return false;
        ar->plane_count++;
    }
    return true;
}

static bool parse_anchors(xrsim_sy_ctx *c, yaml_node_t *v)
{
    if (v->type != YAML_MAPPING_NODE)
        return xrsim_sy_fail(c, v, "'anchors' is a mapping (store, persistence)");
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = xrsim_sy_node(c, p->key), *val = xrsim_sy_node(c, p->value);
        const char *key = xrsim_sy_scalar(kn);
        if (key && strcmp(key, "store") == 0) {
            if (!script_path(c, val, "anchors.store", c->s->ar.anchor_store,
                             sizeof c->s->ar.anchor_store))
                return false;
        } else if (key && strcmp(key, "persistence") == 0) {
            bool on = true;
            if (!parse_bool(c, val, "anchors.persistence", &on))
                return false;
            c->s->ar.no_anchor_store = !on;
        } else {
            return xrsim_sy_fail(c, kn, "unknown key '%s' in 'anchors' (store, persistence)",
                                 key ? key : "");
        }
    }
    return true;
}

bool xrsim_sy_parse_ar_key(xrsim_sy_ctx *c, const char *key, yaml_node_t *v, bool *handled)
{
    *handled = true;
    if (strcmp(key, "blend_modes") == 0)
        return parse_blend_modes(c, v);
    if (strcmp(key, "passthrough") == 0) {
        bool on = false;
        if (!parse_bool(c, v, "passthrough", &on))
            return false;
        c->s->ar.passthrough = on ? 1 : -1;
        return true;
    }
    if (strcmp(key, "camera") == 0)
        return parse_camera(c, v);
    if (strcmp(key, "planes") == 0)
        return parse_planes(c, v);
    if (strcmp(key, "anchors") == 0)
        return parse_anchors(c, v);
    *handled = false;
    return true;
}
