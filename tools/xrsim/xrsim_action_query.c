// SPDX-License-Identifier: Apache-2.0
// Haptics (recorded for the summary), the current interaction profile, and
// the questions an app asks about its bindings.
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/stoa_log.h"
#include "xrsim_api.h"

static XrResult action_of(xrsim_session *s, XrAction h, const char *fn, xrsim_action **out)
{
    if (!xrsim_handle_live(h, XRSIM_ACTION))
        return xrsim_app_error(s->instance, fn, XR_ERROR_HANDLE_INVALID, "bad action");
    xrsim_action *a = (xrsim_action *)h;
    bool attached = false;
    for (uint32_t i = 0; i < s->attached_count; i++)
        attached = attached || s->attached[i] == a->set;
    if (!attached)
        return xrsim_app_error(s->instance, fn, XR_ERROR_ACTIONSET_NOT_ATTACHED, a->set->name);
    *out = a;
    return XR_SUCCESS;
}

static XrResult haptic_common(XrSession session, const XrHapticActionInfo *info, const char *fn,
                              xrsim_session **s_out, xrsim_action **a_out)
{
    XrResult r = xrsim_check_session(session, fn, s_out);
    if (r != XR_SUCCESS)
        return r;
    xrsim_session *s = *s_out;
    if (!info || info->type != XR_TYPE_HAPTIC_ACTION_INFO)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE, "bad action info");
    r = action_of(s, info->action, fn, a_out);
    if (r != XR_SUCCESS)
        return r;
    if ((*a_out)->type != XR_ACTION_TYPE_VIBRATION_OUTPUT)
        return xrsim_app_error(s->instance, fn, XR_ERROR_ACTION_TYPE_MISMATCH, (*a_out)->name);
    if (info->subactionPath && !xrsim_path_str(s->instance, info->subactionPath))
        return xrsim_app_error(s->instance, fn, XR_ERROR_PATH_INVALID, "unknown subaction XrPath");
    if (info->subactionPath && xrsim_action_subaction_slot(*a_out, info->subactionPath) < 0)
        return xrsim_app_error(s->instance, fn, XR_ERROR_PATH_UNSUPPORTED,
                               "subaction path not declared by the action");
    return XR_SUCCESS;
}

static void record(xrsim_session *s, xrsim_action *a, XrPath sub, const XrHapticVibration *v)
{
    xrsim_summary_haptic h = {.t = xrsim_script_time(s, s->predicted_ns), .stop = v == NULL};
    snprintf(h.action, sizeof h.action, "%s/%s", a->set->name, a->name);
    const char *p = sub ? xrsim_path_str(s->instance, sub) : NULL;
    snprintf(h.subaction, sizeof h.subaction, "%s", p ? p : "");
    if (v) {
        h.amplitude = v->amplitude;
        h.duration_ns = v->duration;
        h.frequency = v->frequency;
    }
    xrsim_summary_haptic_add(&s->instance->summary, &h);
}

XrResult xrsim_xrApplyHapticFeedback(XrSession session, const XrHapticActionInfo *info,
                                     const XrHapticBaseHeader *feedback)
{
    XRSIM_API_LOCK();
    const char *fn = "xrApplyHapticFeedback";
    xrsim_session *s;
    xrsim_action *a;
    XrResult r = haptic_common(session, info, fn, &s, &a);
    if (r != XR_SUCCESS)
        return r;
    if (!feedback || feedback->type != XR_TYPE_HAPTIC_VIBRATION)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                               "feedback is not XrHapticVibration");
    const XrHapticVibration *v = (const XrHapticVibration *)feedback;
    if (v->amplitude < 0 || v->amplitude > 1)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                               "amplitude outside 0..1");
    if (s->state != XR_SESSION_STATE_FOCUSED)
        return XR_SESSION_NOT_FOCUSED;
    record(s, a, info->subactionPath, v);
    return XR_SUCCESS;
}

XrResult xrsim_xrStopHapticFeedback(XrSession session, const XrHapticActionInfo *info)
{
    XRSIM_API_LOCK();
    xrsim_session *s;
    xrsim_action *a;
    XrResult r = haptic_common(session, info, "xrStopHapticFeedback", &s, &a);
    if (r != XR_SUCCESS)
        return r;
    if (s->state != XR_SESSION_STATE_FOCUSED)
        return XR_SESSION_NOT_FOCUSED;
    record(s, a, info->subactionPath, NULL);
    return XR_SUCCESS;
}

XrResult xrsim_xrGetCurrentInteractionProfile(XrSession session, XrPath top,
                                              XrInteractionProfileState *state)
{
    XRSIM_API_LOCK();
    const char *fn = "xrGetCurrentInteractionProfile";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = s->instance;
    if (!state || state->type != XR_TYPE_INTERACTION_PROFILE_STATE)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad state struct");
    if (!s->sets_attached)
        return xrsim_app_error(inst, fn, XR_ERROR_ACTIONSET_NOT_ATTACHED,
                               "no action sets attached yet");
    const char *p = xrsim_path_str(inst, top);
    if (!p)
        return xrsim_app_error(inst, fn, XR_ERROR_PATH_INVALID, "unknown XrPath");
    bool hand = strcmp(p, "/user/hand/left") == 0 || strcmp(p, "/user/hand/right") == 0;
    if (!hand && strcmp(p, "/user/head") != 0 && strcmp(p, "/user/gamepad") != 0)
        return xrsim_app_error(inst, fn, XR_ERROR_PATH_UNSUPPORTED, p);
    state->interactionProfile = hand ? s->current_profile : XR_NULL_PATH;
    return XR_SUCCESS;
}

XrResult xrsim_xrEnumerateBoundSourcesForAction(XrSession session,
                                                const XrBoundSourcesForActionEnumerateInfo *info,
                                                uint32_t cap, uint32_t *count, XrPath *sources)
{
    XRSIM_API_LOCK();
    const char *fn = "xrEnumerateBoundSourcesForAction";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = s->instance;
    if (!info || info->type != XR_TYPE_BOUND_SOURCES_FOR_ACTION_ENUMERATE_INFO)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad info");
    xrsim_action *a;
    r = action_of(s, info->action, fn, &a);
    if (r != XR_SUCCESS)
        return r;
    XrPath found[XRSIM_MAX_BINDINGS];
    uint32_t n = 0;
    for (uint32_t i = 0; i < inst->binding_count; i++)
        if (inst->bindings[i].action == a && inst->bindings[i].profile == s->current_profile)
            found[n++] = inst->bindings[i].path;
    return xrsim_fill(inst, fn, cap, count, sources, found, n, sizeof found[0]);
}

// "/user/hand/left/input/trigger/value" -> words, per the requested parts.
static void append_words(char *out, size_t size, const char *segment)
{
    size_t len = strlen(out);
    if (len && len + 1 < size)
        out[len++] = ' ', out[len] = '\0';
    for (const char *c = segment; *c && *c != '/' && len + 1 < size; c++) {
        bool start = c == segment || c[-1] == '_';
        out[len++] = *c == '_' ? ' ' : (char)(start ? toupper((unsigned char)*c) : *c);
        out[len] = '\0';
    }
}

XrResult xrsim_xrGetInputSourceLocalizedName(XrSession session,
                                             const XrInputSourceLocalizedNameGetInfo *info,
                                             uint32_t cap, uint32_t *count, char *buffer)
{
    XRSIM_API_LOCK();
    const char *fn = "xrGetInputSourceLocalizedName";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = s->instance;
    if (!info || info->type != XR_TYPE_INPUT_SOURCE_LOCALIZED_NAME_GET_INFO ||
        info->whichComponents == 0)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad info");
    // Spec §11.8 (xrGetInputSourceLocalizedName): "If the action sets have
    // not yet been attached to the session with xrAttachSessionActionSets,
    // the runtime must return XR_ERROR_ACTIONSET_NOT_ATTACHED."
    if (!s->sets_attached)
        return xrsim_app_error(inst, fn, XR_ERROR_ACTIONSET_NOT_ATTACHED,
                               "no action sets attached yet");
    const char *p = xrsim_path_str(inst, info->sourcePath);
    if (!p)
        return xrsim_app_error(inst, fn, XR_ERROR_PATH_INVALID, "unknown XrPath");
    if (strncmp(p, "/user/hand/", 11) != 0 || !strchr(p + 11, '/'))
        return xrsim_app_error(inst, fn, XR_ERROR_PATH_UNSUPPORTED, p);
    char name[256] = "";
    const char *side = p + 11; // "left/..." or "right/..."
    if (info->whichComponents & XR_INPUT_SOURCE_LOCALIZED_NAME_USER_PATH_BIT) {
        append_words(name, sizeof name, side);
        append_words(name, sizeof name, "hand");
    }
    if (info->whichComponents & XR_INPUT_SOURCE_LOCALIZED_NAME_INTERACTION_PROFILE_BIT &&
        s->current_profile) {
        const char *prof = strrchr(xrsim_path_str(inst, s->current_profile), '/');
        append_words(name, sizeof name, prof ? prof + 1 : "");
    }
    if (info->whichComponents & XR_INPUT_SOURCE_LOCALIZED_NAME_COMPONENT_BIT) {
        const char *c = strchr(side, '/');
        c = c ? strchr(c + 1, '/') : NULL; // skip "input" / "output"
        for (; c && c[1]; c = strchr(c + 1, '/'))
            append_words(name, sizeof name, c + 1);
    }
    return xrsim_fill_string(inst, fn, cap, count, buffer, name);
}
