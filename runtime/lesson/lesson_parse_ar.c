// SPDX-License-Identifier: Apache-2.0
// How a lesson asks to be shown over the real room (docs/ar.md):
//   presentation: vr | ar | any        (default vr)
//   environment: [Sky, Ground, Walls]  nodes hidden over the real room
//   tabletop: {scale: 0.02, node: Temple}   placed on a real surface in AR
#include <string.h>

#include "lesson_parse.h"

#define COUNT(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))
static const char *const k_tabletop_keys[] = {"scale", "node"};

const char *stoa_lesson_presentation_str(stoa_lesson_presentation p)
{
    switch (p) {
    case STOA_LESSON_PRESENT_VR: return "vr";
    case STOA_LESSON_PRESENT_AR: return "ar";
    case STOA_LESSON_PRESENT_ANY: return "any";
    }
    return "?";
}

static void parse_presentation(lp *p, yaml_node_t *n, stoa_lesson *L)
{
    const char *v = NULL;
    L->presentation_loc = lp_loc(n);
    if (!lp_string(p, n, "presentation", &v))
        return;
    if (!strcmp(v, "vr"))
        L->presentation = STOA_LESSON_PRESENT_VR;
    else if (!strcmp(v, "ar"))
        L->presentation = STOA_LESSON_PRESENT_AR;
    else if (!strcmp(v, "any"))
        L->presentation = STOA_LESSON_PRESENT_ANY;
    else
        lp_error(p, lp_loc(n), "presentation",
                 "'presentation' is vr, ar or any, not '%s'", v);
}

static void parse_tabletop(lp *p, yaml_node_t *n, stoa_lesson *L)
{
    L->tabletop_loc = lp_loc(n);
    if (!lp_keys(p, n, "tabletop", k_tabletop_keys, COUNT(k_tabletop_keys)))
        return;
    yaml_node_t *v;
    double scale = 0;
    if ((v = lp_need(p, n, "scale", "tabletop")) && lp_number(p, v, "scale", &scale)) {
        // 1:10000 (a city on a table) to 1:1 (an object life size).
        if (!(scale >= 1e-4 && scale <= 1.0))
            lp_error(p, lp_loc(v), "tabletop-scale",
                     "tabletop 'scale' is between 0.0001 and 1 (0.02 for 1:50), not %g", scale);
        else
            L->tabletop_scale = scale;
    }
    if ((v = lp_get(p, n, "node"))) {
        L->tabletop_node_loc = lp_loc(v);
        lp_string(p, v, "node", &L->tabletop_node);
    }
}

void lp_parse_ar(lp *p, yaml_node_t *root, stoa_lesson *L)
{
    yaml_node_t *v;
    if ((v = lp_get(p, root, "presentation")))
        parse_presentation(p, v, L);
    if ((v = lp_get(p, root, "environment")))
        lp_names(p, v, "environment", &L->environment_count, &L->environment,
                 &L->environment_locs);
    if ((v = lp_get(p, root, "tabletop")))
        parse_tabletop(p, v, L);
    if (L->tabletop_scale > 0 && L->presentation == STOA_LESSON_PRESENT_VR &&
        !lp_get(p, root, "presentation"))
        lp_warn(p, L->tabletop_loc, "tabletop-vr",
                "a tabletop lesson is shown in AR: add 'presentation: ar' or 'any' "
                "(as it is, it runs in VR, life size)");
}

// `passthrough: {to: 0..1, seconds: N}`: how much of the real room shows
// where the scene is clear (1 = all of it, 0 = none: the scene's own
// surroundings), reached over `seconds` (default 1).
void lp_parse_passthrough(lp *p, yaml_node_t *n, stoa_lesson_step *s)
{
    static const char *const keys[] = {"to", "seconds"};
    s->room_seconds = 1.0;
    if (!lp_keys(p, n, "passthrough", keys, COUNT(keys)))
        return;
    yaml_node_t *v;
    if ((v = lp_need(p, n, "to", "passthrough")) && lp_number(p, v, "to", &s->room_to) &&
        !(s->room_to >= 0.0 && s->room_to <= 1.0))
        lp_error(p, lp_loc(v), "passthrough", "passthrough 'to' is between 0 and 1, not %g",
                 s->room_to);
    if ((v = lp_get(p, n, "seconds")) && lp_number(p, v, "seconds", &s->room_seconds) &&
        !(s->room_seconds >= 0.0 && s->room_seconds <= 600.0))
        lp_error(p, lp_loc(v), "passthrough",
                 "passthrough 'seconds' is between 0 and 600, not %g", s->room_seconds);
}
