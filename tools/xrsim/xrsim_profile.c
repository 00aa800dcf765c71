// SPDX-License-Identifier: Apache-2.0
// Interaction profiles and the simulated controllers' inputs. Each profile
// lists its component paths per hand ("B" both hands, "L" left, "R" right),
// as in the OpenXR specification's interaction profile chapter.
#include <stdio.h>
#include <string.h>

#include "xrsim_api.h"

typedef struct profile {
    const char *path;
    const char *components; // "B input/select/click;L input/x/click;..."
} profile;

#define POSES_HAPTIC "B input/grip/pose;B input/aim/pose;B output/haptic;"

static const profile k_profiles[] = {
    {"/interaction_profiles/oculus/touch_controller",
     "L input/x/click;L input/x/touch;L input/y/click;L input/y/touch;L input/menu/click;"
     "R input/a/click;R input/a/touch;R input/b/click;R input/b/touch;R input/system/click;"
     "B input/squeeze/value;B input/trigger/value;B input/trigger/touch;B input/thumbstick;"
     "B input/thumbstick/x;B input/thumbstick/y;B input/thumbstick/click;"
     "B input/thumbstick/touch;B input/thumbrest/touch;" POSES_HAPTIC},
    {"/interaction_profiles/khr/simple_controller",
     "B input/select/click;B input/menu/click;" POSES_HAPTIC},
    {"/interaction_profiles/valve/index_controller",
     "B input/system/click;B input/system/touch;B input/a/click;B input/a/touch;"
     "B input/b/click;B input/b/touch;B input/squeeze/value;B input/squeeze/force;"
     "B input/trigger/click;B input/trigger/value;B input/trigger/touch;B input/thumbstick;"
     "B input/thumbstick/x;B input/thumbstick/y;B input/thumbstick/click;"
     "B input/thumbstick/touch;B input/trackpad;B input/trackpad/x;B input/trackpad/y;"
     "B input/trackpad/force;B input/trackpad/touch;" POSES_HAPTIC},
    {"/interaction_profiles/htc/vive_controller",
     "B input/system/click;B input/squeeze/click;B input/menu/click;B input/trigger/click;"
     "B input/trigger/value;B input/trackpad;B input/trackpad/x;B input/trackpad/y;"
     "B input/trackpad/click;B input/trackpad/touch;" POSES_HAPTIC},
    {"/interaction_profiles/microsoft/motion_controller",
     "B input/menu/click;B input/squeeze/click;B input/trigger/value;B input/thumbstick;"
     "B input/thumbstick/x;B input/thumbstick/y;B input/thumbstick/click;B input/trackpad;"
     "B input/trackpad/x;B input/trackpad/y;B input/trackpad/click;B input/trackpad/touch;"
     POSES_HAPTIC},
};
#define PROFILE_COUNT (sizeof k_profiles / sizeof k_profiles[0])

static const profile *find(const char *path)
{
    for (size_t i = 0; i < PROFILE_COUNT; i++)
        if (strcmp(k_profiles[i].path, path) == 0)
            return &k_profiles[i];
    return NULL;
}

bool xrsim_profile_known(const char *profile_path)
{
    return find(profile_path) != NULL;
}

const char *xrsim_profile_preferred(uint32_t i)
{
    return i < PROFILE_COUNT ? k_profiles[i].path : NULL;
}

// Does `comp` (e.g. "input/trigger") match the listed `entry` exactly, or
// as an identifier whose component the runtime picks (spec: "If the
// component is omitted, the runtime chooses")?
static bool component_match(const char *entry, size_t len, const char *comp)
{
    size_t n = strlen(comp);
    if (n == len && strncmp(entry, comp, len) == 0)
        return true;
    return n < len && strncmp(entry, comp, n) == 0 && entry[n] == '/';
}

bool xrsim_profile_has_path(const char *profile_path, const char *path)
{
    const profile *p = find(profile_path);
    if (!p)
        return false;
    char side;
    const char *rest;
    if (strncmp(path, "/user/hand/left/", 16) == 0)
        side = 'L', rest = path + 16;
    else if (strncmp(path, "/user/hand/right/", 17) == 0)
        side = 'R', rest = path + 17;
    else
        return false;
    for (const char *e = p->components; *e;) {
        const char *end = strchr(e, ';');
        size_t len = end ? (size_t)(end - e) : strlen(e);
        if ((e[0] == 'B' || e[0] == side) && component_match(e + 2, len - 2, rest))
            return true;
        e += len + (end ? 1 : 0);
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
