// SPDX-License-Identifier: Apache-2.0
// Interaction profiles and the simulated controllers' inputs. The profiles
// and their paths are the specification's (§6.4 "Interaction Profiles", the
// table generated from the registry: xrsim_profile_table.c); a profile or
// path that 1.1 added exists only for a 1.1 instance.
#include <stdio.h>
#include <string.h>

#include "xrsim_api.h"
#include "xrsim_profile_table.h"

// The simulated controllers can present themselves as any profile with
// hands; these first, in this order, when the app suggested several.
static const char *const k_preferred[] = {
    "/interaction_profiles/oculus/touch_controller",
    "/interaction_profiles/khr/simple_controller",
    "/interaction_profiles/valve/index_controller",
    "/interaction_profiles/htc/vive_controller",
    "/interaction_profiles/microsoft/motion_controller",
};
#define PREFERRED_COUNT (sizeof k_preferred / sizeof k_preferred[0])

static int find(const char *path, int minor)
{
    for (unsigned i = 0; i < xrsim_profile_def_count; i++)
        if (strcmp(xrsim_profile_defs[i].path, path) == 0)
            return xrsim_profile_defs[i].minor <= minor ? (int)i : -1;
    return -1;
}

bool xrsim_profile_known(const char *profile_path, int minor)
{
    return find(profile_path, minor) >= 0;
}

const char *xrsim_profile_preferred(uint32_t i, int minor)
{
    if (i < PREFERRED_COUNT)
        return k_preferred[i];
    // Then every other profile of the core version that has a hand.
    uint32_t k = (uint32_t)PREFERRED_COUNT;
    for (unsigned p = 0; p < xrsim_profile_def_count; p++) {
        const xrsim_profile_def *d = &xrsim_profile_defs[p];
        bool listed = false;
        for (size_t j = 0; j < PREFERRED_COUNT; j++)
            listed = listed || strcmp(k_preferred[j], d->path) == 0;
        if (listed || d->minor > minor || !strstr(d->user_paths, "/user/hand/"))
            continue;
        if (k++ == i)
            return d->path;
    }
    return NULL;
}

// Does `comp` (e.g. "/input/trigger") match the listed `entry` exactly, or
// as an identifier whose component the runtime picks (spec §6.3.2 "Input
// Path Descriptions": "If the component is omitted, the runtime chooses")?
static bool component_match(const char *entry, const char *comp)
{
    size_t n = strlen(comp);
    if (strcmp(entry, comp) == 0)
        return true;
    return strncmp(entry, comp, n) == 0 && entry[n] == '/' && strchr(entry + n + 1, '/') == NULL &&
           strncmp(comp, "/input/", 7) == 0 && strchr(comp + 7, '/') == NULL;
}

// The top-level user path of `path` that the profile has, or 0 (its length).
static size_t user_prefix(const xrsim_profile_def *d, const char *path)
{
    for (const char *u = d->user_paths; *u;) {
        const char *end = strchr(u, ';');
        size_t len = end ? (size_t)(end - u) : strlen(u);
        if (strncmp(path, u, len) == 0 && path[len] == '/')
            return len;
        u += len + (end ? 1 : 0);
    }
    return 0;
}

bool xrsim_profile_has_path(const char *profile_path, const char *path, int minor)
{
    int p = find(profile_path, minor);
    if (p < 0)
        return false;
    const xrsim_profile_def *d = &xrsim_profile_defs[p];
    size_t ulen = user_prefix(d, path);
    if (!ulen)
        return false;
    const char *rest = path + ulen;
    for (unsigned i = 0; i < xrsim_component_def_count; i++) {
        const xrsim_component_def *c = &xrsim_component_defs[i];
        if (c->profile != (unsigned)p || c->minor > minor)
            continue;
        if (c->user_path[0] &&
            (strncmp(c->user_path, path, ulen) != 0 || c->user_path[ulen] != '\0'))
            continue;
        if (component_match(c->subpath, rest))
            return true;
    }
    return false;
}

// Splits /user/hand/<side>/input/<id>[/<component>] into the identifier
// path (what scripts set) and the component.
static bool split_input(const char *path, char *id_path, size_t size, const char **component)
{
    const char *in = strstr(path, "/input/");
    if (!in)
        return false;
    const char *id = in + 7;
    const char *slash = strchr(id, '/');
    size_t n = slash ? (size_t)(slash - path) : strlen(path);
    if (n >= size)
        return false;
    memcpy(id_path, path, n);
    id_path[n] = '\0';
    *component = slash ? slash + 1 : "";
    return true;
}

bool xrsim_input_read(xrsim_session *s, const char *path, int64_t t, float *x, float *y)
{
    char id[192];
    const char *comp;
    *x = *y = 0;
    if (!split_input(path, id, sizeof id, &comp))
        return false;
    float vx = 0, vy = 0;
    xrsim_script_input(&s->instance->script, id, xrsim_script_time(s, t), &vx, &vy);
    if (strcmp(comp, "click") == 0)
        *x = vx >= 0.5f ? 1.0f : 0.0f;
    else if (strcmp(comp, "touch") == 0)
        *x = (vx != 0 || vy != 0) ? 1.0f : 0.0f;
    else if (strcmp(comp, "y") == 0)
        *x = vy;
    else if (comp[0] == '\0')
        *x = vx, *y = vy; // a 2D identifier, or a value chosen by the runtime
    else
        *x = vx; // value, force, x
    return true;
}
