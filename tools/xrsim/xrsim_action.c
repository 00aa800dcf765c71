// SPDX-License-Identifier: Apache-2.0
// Bindings, attach, sync, action states, haptics and interaction profiles.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/stoa_log.h"
#include "xrsim_api.h"

XrResult xrsim_xrSuggestInteractionProfileBindings(
    XrInstance instance, const XrInteractionProfileSuggestedBinding *sb)
{
    XRSIM_API_LOCK();
    const char *fn = "xrSuggestInteractionProfileBindings";
    XrResult r = xrsim_check_instance(instance, fn);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = (xrsim_instance *)instance;
    if (!sb || sb->type != XR_TYPE_INTERACTION_PROFILE_SUGGESTED_BINDING ||
        sb->countSuggestedBindings == 0 || !sb->suggestedBindings)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad suggested bindings");
    const char *profile = xrsim_path_str(inst, sb->interactionProfile);
    if (!profile)
        return xrsim_app_error(inst, fn, XR_ERROR_PATH_INVALID, "unknown profile XrPath");
    if (!xrsim_profile_known(profile, inst->api_minor))
        return xrsim_app_error(inst, fn, XR_ERROR_PATH_UNSUPPORTED, profile);
    for (uint32_t i = 0; i < sb->countSuggestedBindings; i++) {
        const XrActionSuggestedBinding *b = &sb->suggestedBindings[i];
        if (!xrsim_handle_live(b->action, XRSIM_ACTION))
            return xrsim_app_error(inst, fn, XR_ERROR_HANDLE_INVALID, "bad action");
        if (((xrsim_action *)b->action)->set->attached)
            return xrsim_app_error(inst, fn, XR_ERROR_ACTIONSETS_ALREADY_ATTACHED,
                                   "action set already attached");
        const char *path = xrsim_path_str(inst, b->binding);
        if (!path)
            return xrsim_app_error(inst, fn, XR_ERROR_PATH_INVALID, "unknown binding XrPath");
        if (!xrsim_profile_has_path(profile, path, inst->api_minor))
            return xrsim_app_error(inst, fn, XR_ERROR_PATH_UNSUPPORTED, path);
    }
    if (sb->countSuggestedBindings > XRSIM_MAX_BINDINGS)
        return xrsim_app_error(inst, fn, XR_ERROR_LIMIT_REACHED, "too many bindings");
    // A new suggestion for a profile replaces the previous one.
    uint32_t n = 0;
    for (uint32_t i = 0; i < inst->binding_count; i++)
        if (inst->bindings[i].profile != sb->interactionProfile)
            inst->bindings[n++] = inst->bindings[i];
    if (n + sb->countSuggestedBindings > XRSIM_MAX_BINDINGS)
        return xrsim_app_error(inst, fn, XR_ERROR_LIMIT_REACHED, "too many bindings");
    for (uint32_t i = 0; i < sb->countSuggestedBindings; i++)
        inst->bindings[n++] = (xrsim_binding){sb->interactionProfile,
                                              (xrsim_action *)sb->suggestedBindings[i].action,
                                              sb->suggestedBindings[i].binding};
    inst->binding_count = n;
    return XR_SUCCESS;
}

static bool profile_suggested(xrsim_instance *inst, XrPath profile)
{
    for (uint32_t i = 0; i < inst->binding_count; i++)
        if (inst->bindings[i].profile == profile)
            return true;
    return false;
}

// The simulated controllers become the script's profile, or the first of
// the app's suggestions in xrsim's order of preference.
static XrPath choose_profile(xrsim_instance *inst)
{
    if (inst->script.profile[0]) {
        XrPath p = xrsim_path_intern(inst, inst->script.profile);
        return profile_suggested(inst, p) ? p : XR_NULL_PATH;
    }
    for (uint32_t i = 0; xrsim_profile_preferred(i, inst->api_minor); i++) {
        XrPath p = xrsim_path_intern(inst, xrsim_profile_preferred(i, inst->api_minor));
        if (profile_suggested(inst, p))
            return p;
    }
    return XR_NULL_PATH;
}

XrResult xrsim_xrAttachSessionActionSets(XrSession session,
                                         const XrSessionActionSetsAttachInfo *info)
{
    XRSIM_API_LOCK();
    const char *fn = "xrAttachSessionActionSets";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = s->instance;
    if (!info || info->type != XR_TYPE_SESSION_ACTION_SETS_ATTACH_INFO ||
        info->countActionSets == 0 || !info->actionSets ||
        info->countActionSets > XRSIM_MAX_ATTACHED)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad attach info");
    if (s->sets_attached)
        return xrsim_app_error(inst, fn, XR_ERROR_ACTIONSETS_ALREADY_ATTACHED, "attached twice");
    for (uint32_t i = 0; i < info->countActionSets; i++)
        if (!xrsim_handle_live(info->actionSets[i], XRSIM_ACTION_SET))
            return xrsim_app_error(inst, fn, XR_ERROR_HANDLE_INVALID, "bad action set");
    for (uint32_t i = 0; i < info->countActionSets; i++) {
        xrsim_action_set *set = (xrsim_action_set *)info->actionSets[i];
        set->attached = true;
        set->active = false;
        for (uint32_t j = 0; j < set->action_count; j++)
            memset(set->actions[j]->values, 0, sizeof set->actions[j]->values);
        s->attached[s->attached_count++] = set;
    }
    s->sets_attached = true;
    // The controllers take the profile at the next xrSyncActions: spec
    // §11.6 (XrEventDataInteractionProfileChanged) has the runtime change
    // the current profile, and queue the event, only there.
    s->pending_profile = choose_profile(inst);
    return XR_SUCCESS;
}

static bool attached_here(const xrsim_session *s, const xrsim_action_set *set)
{
    for (uint32_t i = 0; i < s->attached_count; i++)
        if (s->attached[i] == set)
            return true;
    return false;
}

// Top-level user path of a binding path ("/user/hand/left/input/..." ->
// "/user/hand/left"), compared against a subaction path's string.
static bool binding_under(const char *binding, const char *top)
{
    size_t n = strlen(top);
    return strncmp(binding, top, n) == 0 && binding[n] == '/';
}

// Combines the bound inputs of an action for one subaction filter.
static void read_action(xrsim_session *s, xrsim_action *a, XrPath filter, xrsim_action_value *out)
{
    xrsim_instance *inst = s->instance;
    const char *top = filter ? xrsim_path_str(inst, filter) : NULL;
    float best = -1, bx = 0, by = 0;
    bool any = false;
    for (uint32_t i = 0; i < inst->binding_count; i++) {
        const xrsim_binding *b = &inst->bindings[i];
        const char *path = xrsim_path_str(inst, b->path);
        if (b->action != a || b->profile != s->current_profile || !path ||
            (top && !binding_under(path, top)))
            continue;
        any = true;
        float x, y;
        if (a->type == XR_ACTION_TYPE_POSE_INPUT || a->type == XR_ACTION_TYPE_VIBRATION_OUTPUT ||
            !xrsim_input_read(s, path, s->predicted_ns, &x, &y))
            continue;
        if (a->type == XR_ACTION_TYPE_BOOLEAN_INPUT)
            x = x >= 0.5f ? 1.0f : 0.0f, y = 0;
        float mag = a->type == XR_ACTION_TYPE_VECTOR2F_INPUT ? sqrtf(x * x + y * y) : fabsf(x);
        if (mag > best)
            best = mag, bx = x, by = y;
    }
    out->active = any && a->set->active;
    out->x = out->active ? bx : 0;
    out->y = out->active ? by : 0;
}

static void sync_action(xrsim_session *s, xrsim_action *a)
{
    for (uint32_t k = 0; k <= a->subaction_count; k++) {
        xrsim_action_value *v = &a->values[k], now = {0};
        read_action(s, a, k ? a->subactions[k - 1] : XR_NULL_PATH, &now);
        now.changed = now.active && v->active && (now.x != v->x || now.y != v->y);
        now.last_change = now.changed ? s->predicted_ns : v->last_change;
        if (now.active && !v->active)
            now.last_change = s->predicted_ns;
        *v = now;
    }
}

XrResult xrsim_xrSyncActions(XrSession session, const XrActionsSyncInfo *info)
{
    XRSIM_API_LOCK();
    const char *fn = "xrSyncActions";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = s->instance;
    if (!info || info->type != XR_TYPE_ACTIONS_SYNC_INFO ||
        (info->countActiveActionSets && !info->activeActionSets))
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad sync info");
    for (uint32_t i = 0; i < info->countActiveActionSets; i++) {
        const XrActiveActionSet *as = &info->activeActionSets[i];
        if (!xrsim_handle_live(as->actionSet, XRSIM_ACTION_SET))
            return xrsim_app_error(inst, fn, XR_ERROR_HANDLE_INVALID, "bad action set");
        if (!attached_here(s, (xrsim_action_set *)as->actionSet))
            return xrsim_app_error(inst, fn, XR_ERROR_ACTIONSET_NOT_ATTACHED, "not attached");
        const char *sub = as->subactionPath ? xrsim_path_str(inst, as->subactionPath) : "";
        if (!sub)
            return xrsim_app_error(inst, fn, XR_ERROR_PATH_INVALID, "unknown subaction XrPath");
    }
    if (s->pending_profile != s->current_profile) {
        s->current_profile = s->pending_profile;
        XrEventDataInteractionProfileChanged ev = {
            .type = XR_TYPE_EVENT_DATA_INTERACTION_PROFILE_CHANGED,
            .session = (XrSession)s,
        };
        xrsim_event_push(inst, &ev, sizeof ev);
        STOA_LOGI(XRSIM_LOG, "controllers are %s", xrsim_path_str(inst, s->current_profile));
    }
    bool focused = s->state == XR_SESSION_STATE_FOCUSED;
    for (uint32_t i = 0; i < s->attached_count; i++) {
        xrsim_action_set *set = s->attached[i];
        set->active = false;
        for (uint32_t j = 0; focused && j < info->countActiveActionSets; j++)
            set->active = set->active || (xrsim_action_set *)info->activeActionSets[j].actionSet == set;
        for (uint32_t j = 0; j < set->action_count; j++)
            sync_action(s, set->actions[j]);
    }
    return focused ? XR_SUCCESS : XR_SESSION_NOT_FOCUSED;
}

// Shared checks of the xrGetActionState* functions; *out is the cached value.
static XrResult state_lookup(XrSession session, const XrActionStateGetInfo *info,
                             XrActionType type, const char *fn, xrsim_action_value **out)
{
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = s->instance;
    if (!info || info->type != XR_TYPE_ACTION_STATE_GET_INFO)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad get info");
    if (!xrsim_handle_live(info->action, XRSIM_ACTION))
        return xrsim_app_error(inst, fn, XR_ERROR_HANDLE_INVALID, "bad action");
    xrsim_action *a = (xrsim_action *)info->action;
    if (!attached_here(s, a->set))
        return xrsim_app_error(inst, fn, XR_ERROR_ACTIONSET_NOT_ATTACHED, a->set->name);
    if (a->type != type)
        return xrsim_app_error(inst, fn, XR_ERROR_ACTION_TYPE_MISMATCH, a->name);
    int slot = 0;
    // Spec §11.5 (xrGetActionState*): an XrPath that is not a valid path is
    // XR_ERROR_PATH_INVALID; a valid one the action did not declare is
    // XR_ERROR_PATH_UNSUPPORTED.
    if (info->subactionPath && !xrsim_path_str(inst, info->subactionPath))
        return xrsim_app_error(inst, fn, XR_ERROR_PATH_INVALID, "unknown subaction XrPath");
    if (info->subactionPath) {
        slot = xrsim_action_subaction_slot(a, info->subactionPath) + 1;
        if (slot == 0)
            return xrsim_app_error(inst, fn, XR_ERROR_PATH_UNSUPPORTED,
                                   "subaction path not declared by the action");
    }
    *out = &a->values[slot];
    return XR_SUCCESS;
}

XrResult xrsim_xrGetActionStateBoolean(XrSession session, const XrActionStateGetInfo *info,
                                       XrActionStateBoolean *state)
{
    XRSIM_API_LOCK();
    const char *fn = "xrGetActionStateBoolean";
    xrsim_action_value *v;
    XrResult r = state_lookup(session, info, XR_ACTION_TYPE_BOOLEAN_INPUT, fn, &v);
    if (r != XR_SUCCESS)
        return r;
    if (!state || state->type != XR_TYPE_ACTION_STATE_BOOLEAN)
        return XR_ERROR_VALIDATION_FAILURE;
    state->currentState = v->x >= 0.5f;
    state->changedSinceLastSync = v->changed;
    state->lastChangeTime = v->last_change;
    state->isActive = v->active;
    return XR_SUCCESS;
}

XrResult xrsim_xrGetActionStateFloat(XrSession session, const XrActionStateGetInfo *info,
                                     XrActionStateFloat *state)
{
    XRSIM_API_LOCK();
    const char *fn = "xrGetActionStateFloat";
    xrsim_action_value *v;
    XrResult r = state_lookup(session, info, XR_ACTION_TYPE_FLOAT_INPUT, fn, &v);
    if (r != XR_SUCCESS)
        return r;
    if (!state || state->type != XR_TYPE_ACTION_STATE_FLOAT)
        return XR_ERROR_VALIDATION_FAILURE;
    state->currentState = v->x;
    state->changedSinceLastSync = v->changed;
    state->lastChangeTime = v->last_change;
    state->isActive = v->active;
    return XR_SUCCESS;
}

XrResult xrsim_xrGetActionStateVector2f(XrSession session, const XrActionStateGetInfo *info,
                                        XrActionStateVector2f *state)
{
    XRSIM_API_LOCK();
    const char *fn = "xrGetActionStateVector2f";
    xrsim_action_value *v;
    XrResult r = state_lookup(session, info, XR_ACTION_TYPE_VECTOR2F_INPUT, fn, &v);
    if (r != XR_SUCCESS)
        return r;
    if (!state || state->type != XR_TYPE_ACTION_STATE_VECTOR2F)
        return XR_ERROR_VALIDATION_FAILURE;
    state->currentState = (XrVector2f){v->x, v->y};
    state->changedSinceLastSync = v->changed;
    state->lastChangeTime = v->last_change;
    state->isActive = v->active;
    return XR_SUCCESS;
}

XrResult xrsim_xrGetActionStatePose(XrSession session, const XrActionStateGetInfo *info,
                                    XrActionStatePose *state)
{
    XRSIM_API_LOCK();
    const char *fn = "xrGetActionStatePose";
    xrsim_action_value *v;
    XrResult r = state_lookup(session, info, XR_ACTION_TYPE_POSE_INPUT, fn, &v);
    if (r != XR_SUCCESS)
        return r;
    if (!state || state->type != XR_TYPE_ACTION_STATE_POSE)
        return XR_ERROR_VALIDATION_FAILURE;
    state->isActive = v->active;
    return XR_SUCCESS;
}

bool xrsim_action_pose_source(xrsim_session *s, xrsim_action *a, XrPath subaction,
                              xrsim_track *hand)
{
    if (!xrsim_handle_live(a, XRSIM_ACTION) || !attached_here(s, a->set) || !a->set->active)
        return false;
    xrsim_instance *inst = s->instance;
    const char *top = subaction ? xrsim_path_str(inst, subaction) : NULL;
    for (uint32_t i = 0; i < inst->binding_count; i++) {
        const xrsim_binding *b = &inst->bindings[i];
        const char *path = xrsim_path_str(inst, b->path);
        if (b->action != a || b->profile != s->current_profile || !path ||
            (top && !binding_under(path, top)))
            continue;
        if (binding_under(path, "/user/hand/left"))
            return *hand = XRSIM_TRACK_LEFT, true;
        if (binding_under(path, "/user/hand/right"))
            return *hand = XRSIM_TRACK_RIGHT, true;
    }
    return false;
}
