// SPDX-License-Identifier: Apache-2.0
// Controller actions with suggested bindings for the common controllers.
#include <stdio.h>
#include <string.h>

#include "xr_internal.h"

typedef struct binding {
    const char *action; // select, squeeze, menu, thumbstick, aim, grip, haptic
    const char *path;
} binding;

typedef struct profile {
    const char *path;
    binding b[20];
} profile;

// Each profile binds what the controller has; both hands unless a control
// exists on one side only (e.g. Touch's menu button).
static const profile g_profiles[] = {
    {"/interaction_profiles/khr/simple_controller",
     {{"select", "/user/hand/left/input/select/click"},
      {"select", "/user/hand/right/input/select/click"},
      {"menu", "/user/hand/left/input/menu/click"},
      {"menu", "/user/hand/right/input/menu/click"},
      {"aim", "/user/hand/left/input/aim/pose"},
      {"aim", "/user/hand/right/input/aim/pose"},
      {"grip", "/user/hand/left/input/grip/pose"},
      {"grip", "/user/hand/right/input/grip/pose"},
      {"haptic", "/user/hand/left/output/haptic"},
      {"haptic", "/user/hand/right/output/haptic"}}},
    {"/interaction_profiles/oculus/touch_controller",
     {{"select", "/user/hand/left/input/trigger/value"},
      {"select", "/user/hand/right/input/trigger/value"},
      {"squeeze", "/user/hand/left/input/squeeze/value"},
      {"squeeze", "/user/hand/right/input/squeeze/value"},
      {"menu", "/user/hand/left/input/menu/click"},
      {"thumbstick", "/user/hand/left/input/thumbstick"},
      {"thumbstick", "/user/hand/right/input/thumbstick"},
      {"aim", "/user/hand/left/input/aim/pose"},
      {"aim", "/user/hand/right/input/aim/pose"},
      {"grip", "/user/hand/left/input/grip/pose"},
      {"grip", "/user/hand/right/input/grip/pose"},
      {"haptic", "/user/hand/left/output/haptic"},
      {"haptic", "/user/hand/right/output/haptic"}}},
    {"/interaction_profiles/valve/index_controller",
     {{"select", "/user/hand/left/input/trigger/value"},
      {"select", "/user/hand/right/input/trigger/value"},
      {"squeeze", "/user/hand/left/input/squeeze/value"},
      {"squeeze", "/user/hand/right/input/squeeze/value"},
      {"menu", "/user/hand/left/input/b/click"},
      {"menu", "/user/hand/right/input/b/click"},
      {"thumbstick", "/user/hand/left/input/thumbstick"},
      {"thumbstick", "/user/hand/right/input/thumbstick"},
      {"aim", "/user/hand/left/input/aim/pose"},
      {"aim", "/user/hand/right/input/aim/pose"},
      {"grip", "/user/hand/left/input/grip/pose"},
      {"grip", "/user/hand/right/input/grip/pose"},
      {"haptic", "/user/hand/left/output/haptic"},
      {"haptic", "/user/hand/right/output/haptic"}}},
    {"/interaction_profiles/htc/vive_controller",
     {{"select", "/user/hand/left/input/trigger/value"},
      {"select", "/user/hand/right/input/trigger/value"},
      {"squeeze", "/user/hand/left/input/squeeze/click"},
      {"squeeze", "/user/hand/right/input/squeeze/click"},
      {"menu", "/user/hand/left/input/menu/click"},
      {"menu", "/user/hand/right/input/menu/click"},
      {"thumbstick", "/user/hand/left/input/trackpad"},
      {"thumbstick", "/user/hand/right/input/trackpad"},
      {"aim", "/user/hand/left/input/aim/pose"},
      {"aim", "/user/hand/right/input/aim/pose"},
      {"grip", "/user/hand/left/input/grip/pose"},
      {"grip", "/user/hand/right/input/grip/pose"},
      {"haptic", "/user/hand/left/output/haptic"},
      {"haptic", "/user/hand/right/output/haptic"}}},
    {"/interaction_profiles/microsoft/motion_controller",
     {{"select", "/user/hand/left/input/trigger/value"},
      {"select", "/user/hand/right/input/trigger/value"},
      {"squeeze", "/user/hand/left/input/squeeze/click"},
      {"squeeze", "/user/hand/right/input/squeeze/click"},
      {"menu", "/user/hand/left/input/menu/click"},
      {"menu", "/user/hand/right/input/menu/click"},
      {"thumbstick", "/user/hand/left/input/thumbstick"},
      {"thumbstick", "/user/hand/right/input/thumbstick"},
      {"aim", "/user/hand/left/input/aim/pose"},
      {"aim", "/user/hand/right/input/aim/pose"},
      {"grip", "/user/hand/left/input/grip/pose"},
      {"grip", "/user/hand/right/input/grip/pose"},
      {"haptic", "/user/hand/left/output/haptic"},
      {"haptic", "/user/hand/right/output/haptic"}}},
};

static stoa_result make_action(stoa_xr *xr, const char *name, const char *label,
                               XrActionType type, bool per_hand, XrAction *out, stoa_error *err)
{
    XrActionCreateInfo ci = {XR_TYPE_ACTION_CREATE_INFO};
    snprintf(ci.actionName, sizeof ci.actionName, "%s", name);
    snprintf(ci.localizedActionName, sizeof ci.localizedActionName, "%s", label);
    ci.actionType = type;
    if (per_hand) {
        ci.countSubactionPaths = 2;
        ci.subactionPaths = xr->actions.hand_paths;
    }
    XR_CHECK(xr, xrCreateAction(xr->actions.set, &ci, out));
    return STOA_OK;
}

static XrAction action_named(xr_actions *a, const char *name)
{
    if (!strcmp(name, "select"))
        return a->select;
    if (!strcmp(name, "squeeze"))
        return a->squeeze;
    if (!strcmp(name, "menu"))
        return a->menu;
    if (!strcmp(name, "thumbstick"))
        return a->thumbstick;
    if (!strcmp(name, "aim"))
        return a->aim;
    if (!strcmp(name, "grip"))
        return a->grip;
    return a->haptic;
}

static stoa_result suggest(stoa_xr *xr, const profile *p, stoa_error *err)
{
    XrActionSuggestedBinding sb[20];
    uint32_t n = 0;
    for (; n < 20 && p->b[n].action; n++) {
        sb[n].action = action_named(&xr->actions, p->b[n].action);
        XR_CHECK(xr, xrStringToPath(xr->instance, p->b[n].path, &sb[n].binding));
    }
    XrInteractionProfileSuggestedBinding s = {XR_TYPE_INTERACTION_PROFILE_SUGGESTED_BINDING};
    XR_CHECK(xr, xrStringToPath(xr->instance, p->path, &s.interactionProfile));
    s.countSuggestedBindings = n;
    s.suggestedBindings = sb;
    XrResult r = xrSuggestInteractionProfileBindings(xr->instance, &s);
    if (r == XR_ERROR_PATH_UNSUPPORTED) {
        // A runtime may not know a profile; the others still work.
        STOA_LOGW("xr", "the runtime does not know %s", p->path);
        return STOA_OK;
    }
    XR_CHECK(xr, r);
    return STOA_OK;
}

static stoa_result suggest_eye_gaze(stoa_xr *xr, stoa_error *err)
{
    XrActionSuggestedBinding sb = {xr->actions.eye_gaze, XR_NULL_PATH};
    XR_CHECK(xr, xrStringToPath(xr->instance, "/user/eyes_ext/input/gaze_ext/pose", &sb.binding));
    XrInteractionProfileSuggestedBinding s = {XR_TYPE_INTERACTION_PROFILE_SUGGESTED_BINDING};
    XR_CHECK(xr, xrStringToPath(xr->instance, "/interaction_profiles/ext/eye_gaze_interaction",
                                &s.interactionProfile));
    s.countSuggestedBindings = 1;
    s.suggestedBindings = &sb;
    XR_CHECK(xr, xrSuggestInteractionProfileBindings(xr->instance, &s));
    return STOA_OK;
}

stoa_result xr_actions_create(stoa_xr *xr, stoa_error *err)
{
    xr_actions *a = &xr->actions;
    XR_CHECK(xr, xrStringToPath(xr->instance, "/user/hand/left", &a->hand_paths[0]));
    XR_CHECK(xr, xrStringToPath(xr->instance, "/user/hand/right", &a->hand_paths[1]));
    XrActionSetCreateInfo si = {XR_TYPE_ACTION_SET_CREATE_INFO};
    snprintf(si.actionSetName, sizeof si.actionSetName, "learner");
    snprintf(si.localizedActionSetName, sizeof si.localizedActionSetName, "Learner");
    XR_CHECK(xr, xrCreateActionSet(xr->instance, &si, &a->set));
    stoa_result r;
    if ((r = make_action(xr, "aim", "Aim", XR_ACTION_TYPE_POSE_INPUT, true, &a->aim, err)) < 0 ||
        (r = make_action(xr, "grip", "Grip", XR_ACTION_TYPE_POSE_INPUT, true, &a->grip, err)) < 0 ||
        (r = make_action(xr, "select", "Select", XR_ACTION_TYPE_FLOAT_INPUT, true, &a->select,
                         err)) < 0 ||
        (r = make_action(xr, "grab", "Grab", XR_ACTION_TYPE_FLOAT_INPUT, true, &a->squeeze,
                         err)) < 0 ||
        (r = make_action(xr, "menu", "Menu", XR_ACTION_TYPE_BOOLEAN_INPUT, true, &a->menu, err)) <
            0 ||
        (r = make_action(xr, "move", "Teleport and turn", XR_ACTION_TYPE_VECTOR2F_INPUT, true,
                         &a->thumbstick, err)) < 0 ||
        (r = make_action(xr, "haptic", "Buzz", XR_ACTION_TYPE_VIBRATION_OUTPUT, true, &a->haptic,
                         err)) < 0)
        return r;
    if (xr->has_eye_gaze &&
        (r = make_action(xr, "eye_gaze", "Eye gaze", XR_ACTION_TYPE_POSE_INPUT, false,
                         &a->eye_gaze, err)) < 0)
        return r;
    for (size_t i = 0; i < sizeof g_profiles / sizeof g_profiles[0]; i++)
        if ((r = suggest(xr, &g_profiles[i], err)) < 0)
            return r;
    if (xr->has_eye_gaze && (r = suggest_eye_gaze(xr, err)) < 0)
        return r;
    return STOA_OK;
}

static stoa_result action_space(stoa_xr *xr, XrAction action, XrPath sub, XrSpace *out,
                                stoa_error *err)
{
    XrActionSpaceCreateInfo ci = {XR_TYPE_ACTION_SPACE_CREATE_INFO};
    ci.action = action;
    ci.subactionPath = sub;
    ci.poseInActionSpace.orientation.w = 1.0f;
    XR_CHECK(xr, xrCreateActionSpace(xr->session, &ci, out));
    return STOA_OK;
}

stoa_result xr_actions_attach(stoa_xr *xr, stoa_error *err)
{
    xr_actions *a = &xr->actions;
    stoa_result r;
    for (int h = 0; h < 2; h++) {
        if ((r = action_space(xr, a->aim, a->hand_paths[h], &a->aim_space[h], err)) < 0 ||
            (r = action_space(xr, a->grip, a->hand_paths[h], &a->grip_space[h], err)) < 0)
            return r;
    }
    if (xr->has_eye_gaze && (r = action_space(xr, a->eye_gaze, XR_NULL_PATH, &a->eye_space, err)) < 0)
        return r;
    XrSessionActionSetsAttachInfo ai = {XR_TYPE_SESSION_ACTION_SETS_ATTACH_INFO};
    ai.countActionSets = 1;
    ai.actionSets = &a->set;
    XR_CHECK(xr, xrAttachSessionActionSets(xr->session, &ai));
    a->attached = true;
    return STOA_OK;
}

void xr_actions_destroy_spaces(stoa_xr *xr)
{
    xr_actions *a = &xr->actions;
    for (int h = 0; h < 2; h++) {
        if (a->aim_space[h])
            xrDestroySpace(a->aim_space[h]);
        if (a->grip_space[h])
            xrDestroySpace(a->grip_space[h]);
        a->aim_space[h] = a->grip_space[h] = XR_NULL_HANDLE;
    }
    if (a->eye_space)
        xrDestroySpace(a->eye_space);
    a->eye_space = XR_NULL_HANDLE;
    a->attached = false;
}

void xr_pose_from(const XrPosef *p, bool valid, stoa_xr_pose *out)
{
    out->position[0] = p->position.x;
    out->position[1] = p->position.y;
    out->position[2] = p->position.z;
    out->orientation[0] = p->orientation.x;
    out->orientation[1] = p->orientation.y;
    out->orientation[2] = p->orientation.z;
    out->orientation[3] = p->orientation.w;
    out->valid = valid;
}

static void locate(stoa_xr *xr, XrSpace space, XrTime time, stoa_xr_pose *out)
{
    XrSpaceLocation loc = {XR_TYPE_SPACE_LOCATION};
    XrResult r = xrLocateSpace(space, xr->app_space, time, &loc);
    bool ok = XR_SUCCEEDED(r) && (loc.locationFlags & XR_SPACE_LOCATION_POSITION_VALID_BIT) &&
              (loc.locationFlags & XR_SPACE_LOCATION_ORIENTATION_VALID_BIT);
    xr_pose_from(&loc.pose, ok, out);
}

static float get_float(stoa_xr *xr, XrAction action, XrPath sub, bool *active)
{
    XrActionStateGetInfo gi = {XR_TYPE_ACTION_STATE_GET_INFO, NULL, action, sub};
    XrActionStateFloat st = {XR_TYPE_ACTION_STATE_FLOAT};
    if (XR_FAILED(xrGetActionStateFloat(xr->session, &gi, &st)) || !st.isActive)
        return 0.0f;
    *active = true;
    return st.currentState;
}

stoa_result xr_actions_sync(stoa_xr *xr, XrTime time, stoa_xr_frame *frame, stoa_error *err)
{
    xr_actions *a = &xr->actions;
    XrActiveActionSet active = {a->set, XR_NULL_PATH};
    XrActionsSyncInfo si = {XR_TYPE_ACTIONS_SYNC_INFO};
    si.countActiveActionSets = 1;
    si.activeActionSets = &active;
    XrResult r = xrSyncActions(xr->session, &si);
    if (r == XR_SESSION_NOT_FOCUSED)
        return STOA_OK; // no input while unfocused: hands stay inactive
    XR_CHECK(xr, r);
    for (int h = 0; h < 2; h++) {
        stoa_xr_hand *hand = &frame->hands[h];
        XrPath sub = a->hand_paths[h];
        bool active = false;
        hand->select = get_float(xr, a->select, sub, &active);
        hand->squeeze = get_float(xr, a->squeeze, sub, &active);
        XrActionStateGetInfo gi = {XR_TYPE_ACTION_STATE_GET_INFO, NULL, a->menu, sub};
        XrActionStateBoolean b = {XR_TYPE_ACTION_STATE_BOOLEAN};
        if (XR_SUCCEEDED(xrGetActionStateBoolean(xr->session, &gi, &b)) && b.isActive) {
            hand->menu = b.currentState;
            active = true;
        }
        gi.action = a->thumbstick;
        XrActionStateVector2f v = {XR_TYPE_ACTION_STATE_VECTOR2F};
        if (XR_SUCCEEDED(xrGetActionStateVector2f(xr->session, &gi, &v)) && v.isActive) {
            hand->thumbstick[0] = v.currentState.x;
            hand->thumbstick[1] = v.currentState.y;
        }
        gi.action = a->aim;
        XrActionStatePose ps = {XR_TYPE_ACTION_STATE_POSE};
        if (XR_SUCCEEDED(xrGetActionStatePose(xr->session, &gi, &ps)) && ps.isActive) {
            locate(xr, a->aim_space[h], time, &hand->aim);
            locate(xr, a->grip_space[h], time, &hand->grip);
            active = active || hand->aim.valid;
        }
        hand->active = active && hand->aim.valid;
    }
    if (xr->has_eye_gaze) {
        XrActionStateGetInfo gi = {XR_TYPE_ACTION_STATE_GET_INFO, NULL, a->eye_gaze, XR_NULL_PATH};
        XrActionStatePose ps = {XR_TYPE_ACTION_STATE_POSE};
        if (XR_SUCCEEDED(xrGetActionStatePose(xr->session, &gi, &ps)) && ps.isActive) {
            locate(xr, a->eye_space, time, &frame->eye_gaze);
            frame->eye_gaze_valid = frame->eye_gaze.valid;
        }
    }
    return STOA_OK;
}

void xr_actions_profiles(stoa_xr *xr, stoa_xr_frame *frame)
{
    for (int h = 0; h < 2; h++) {
        XrInteractionProfileState st = {XR_TYPE_INTERACTION_PROFILE_STATE};
        frame->hands[h].profile[0] = '\0';
        if (XR_FAILED(xrGetCurrentInteractionProfile(xr->session, xr->actions.hand_paths[h], &st)) ||
            st.interactionProfile == XR_NULL_PATH)
            continue;
        uint32_t n = 0;
        if (XR_FAILED(xrPathToString(xr->instance, st.interactionProfile,
                                     sizeof frame->hands[h].profile, &n, frame->hands[h].profile)))
            frame->hands[h].profile[0] = '\0'; // unnamed: the hand still works

    }
}
