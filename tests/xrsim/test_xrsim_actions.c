// SPDX-License-Identifier: Apache-2.0
// Actions on xrsim: bindings for every supported profile, attach, sync,
// state changes driven by the script (changedSinceLastSync, lastChangeTime),
// pose action spaces following the scripted controller, haptics recorded in
// the summary, the current interaction profile and path strings.
#include <math.h>

#include "stoa_test.h"
#include "xrsim_test_app.h"

typedef struct actions {
    XrActionSet set;
    XrAction select, trigger, stick, grip, buzz;
    XrPath hands[2];
} actions;

static XrAction make_action(tapp *a, XrActionSet set, const char *name, XrActionType type,
                            const XrPath *hands)
{
    XrActionCreateInfo ci = {XR_TYPE_ACTION_CREATE_INFO};
    snprintf(ci.actionName, sizeof ci.actionName, "%s", name);
    snprintf(ci.localizedActionName, sizeof ci.localizedActionName, "%s", name);
    ci.actionType = type;
    ci.countSubactionPaths = 2;
    ci.subactionPaths = hands;
    XrAction act = XR_NULL_HANDLE;
    CHECK(xrCreateAction(set, &ci, &act) == XR_SUCCESS);
    (void)a;
    return act;
}

static XrResult suggest(tapp *a, const char *profile, const XrActionSuggestedBinding *b, int n)
{
    XrInteractionProfileSuggestedBinding sb = {XR_TYPE_INTERACTION_PROFILE_SUGGESTED_BINDING};
    sb.interactionProfile = tapp_path(a, profile);
    sb.suggestedBindings = b;
    sb.countSuggestedBindings = (uint32_t)n;
    return xrSuggestInteractionProfileBindings(a->instance, &sb);
}

static void make_actions(tapp *a, actions *x)
{
    XrActionSetCreateInfo si = {XR_TYPE_ACTION_SET_CREATE_INFO};
    snprintf(si.actionSetName, sizeof si.actionSetName, "lesson");
    snprintf(si.localizedActionSetName, sizeof si.localizedActionSetName, "Lesson");
    CHECK(xrCreateActionSet(a->instance, &si, &x->set) == XR_SUCCESS);
    x->hands[0] = tapp_path(a, "/user/hand/left");
    x->hands[1] = tapp_path(a, "/user/hand/right");
    x->select = make_action(a, x->set, "select", XR_ACTION_TYPE_BOOLEAN_INPUT, x->hands);
    x->trigger = make_action(a, x->set, "trigger", XR_ACTION_TYPE_FLOAT_INPUT, x->hands);
    x->stick = make_action(a, x->set, "move", XR_ACTION_TYPE_VECTOR2F_INPUT, x->hands);
    x->grip = make_action(a, x->set, "grip", XR_ACTION_TYPE_POSE_INPUT, x->hands);
    x->buzz = make_action(a, x->set, "buzz", XR_ACTION_TYPE_VIBRATION_OUTPUT, x->hands);
}

// Suggests for all five profiles, as the learner runtime does.
static void suggest_all(tapp *a, actions *x)
{
#define B(act, path) {x->act, tapp_path(a, path)}
    XrActionSuggestedBinding touch[] = {
        B(select, "/user/hand/right/input/trigger/value"), B(select, "/user/hand/left/input/x/click"),
        B(trigger, "/user/hand/right/input/trigger/value"),
        B(trigger, "/user/hand/left/input/trigger/value"),
        B(stick, "/user/hand/right/input/thumbstick"), B(grip, "/user/hand/left/input/grip/pose"),
        B(grip, "/user/hand/right/input/grip/pose"), B(buzz, "/user/hand/right/output/haptic")};
    CHECK(suggest(a, "/interaction_profiles/oculus/touch_controller", touch, 8) == XR_SUCCESS);
    XrActionSuggestedBinding simple[] = {B(select, "/user/hand/right/input/select/click"),
                                         B(grip, "/user/hand/right/input/grip/pose"),
                                         B(buzz, "/user/hand/right/output/haptic")};
    CHECK(suggest(a, "/interaction_profiles/khr/simple_controller", simple, 3) == XR_SUCCESS);
    XrActionSuggestedBinding index[] = {B(select, "/user/hand/right/input/trigger/click"),
                                        B(stick, "/user/hand/right/input/thumbstick"),
                                        B(grip, "/user/hand/right/input/grip/pose")};
    CHECK(suggest(a, "/interaction_profiles/valve/index_controller", index, 3) == XR_SUCCESS);
    XrActionSuggestedBinding vive[] = {B(select, "/user/hand/right/input/trigger/click"),
                                       B(stick, "/user/hand/right/input/trackpad"),
                                       B(grip, "/user/hand/right/input/aim/pose")};
    CHECK(suggest(a, "/interaction_profiles/htc/vive_controller", vive, 3) == XR_SUCCESS);
    XrActionSuggestedBinding wmr[] = {B(trigger, "/user/hand/right/input/trigger/value"),
                                      B(stick, "/user/hand/right/input/thumbstick"),
                                      B(buzz, "/user/hand/left/output/haptic")};
    CHECK(suggest(a, "/interaction_profiles/microsoft/motion_controller", wmr, 3) == XR_SUCCESS);
    XrActionSuggestedBinding bad[] = {B(select, "/user/hand/right/input/a/click")};
    CHECK(suggest(a, "/interaction_profiles/khr/simple_controller", bad, 1) ==
          XR_ERROR_PATH_UNSUPPORTED);
    CHECK(suggest(a, "/interaction_profiles/acme/unknown", simple, 3) == XR_ERROR_PATH_UNSUPPORTED);
#undef B
}

static void attach(tapp *a, actions *x)
{
    XrSessionActionSetsAttachInfo ai = {XR_TYPE_SESSION_ACTION_SETS_ATTACH_INFO};
    ai.countActionSets = 1;
    ai.actionSets = &x->set;
    CHECK(xrAttachSessionActionSets(a->session, &ai) == XR_SUCCESS);
}

static XrResult sync(tapp *a, actions *x)
{
    XrActiveActionSet as = {x->set, XR_NULL_PATH};
    XrActionsSyncInfo si = {XR_TYPE_ACTIONS_SYNC_INFO};
    si.countActiveActionSets = 1;
    si.activeActionSets = &as;
    return xrSyncActions(a->session, &si);
}

static void start(tapp *a, actions *x, const char *script)
{
    tapp_env(a, true);
    if (script)
        tapp_script(a, script);
    CHECK(tapp_create(a) == XR_SUCCESS);
    make_actions(a, x);
    suggest_all(a, x);
    CHECK(tapp_session(a) == XR_SUCCESS);
    attach(a, x);
    tapp_poll(a);
    XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO};
    bi.primaryViewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
    CHECK(xrBeginSession(a->session, &bi) == XR_SUCCESS);
    CHECK(tapp_run_until(a, XR_SESSION_STATE_FOCUSED, 10));
}

STOA_TEST(actions_follow_the_script)
{
    tapp a;
    actions x;
    start(&a, &x,
          "events:\n"
          "  - {t: 0.10, set: /user/hand/right/input/trigger, value: 0.8}\n"
          "  - {t: 0.20, set: /user/hand/right/input/thumbstick, value: [0.5, -0.25]}\n"
          "  - {t: 0.30, set: /user/hand/right/input/trigger/value, value: 0.2}\n");
    // Spec §11.6 (XrEventDataInteractionProfileChanged): the runtime changes
    // the current profile, and queues the event, only in xrSyncActions.
    XrInteractionProfileState ps = {XR_TYPE_INTERACTION_PROFILE_STATE};
    CHECK(a.profile_changes == 0);
    CHECK(xrGetCurrentInteractionProfile(a.session, x.hands[1], &ps) == XR_SUCCESS);
    CHECK(ps.interactionProfile == XR_NULL_PATH);
    CHECK(sync(&a, &x) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(a.profile_changes == 1);
    CHECK(xrGetCurrentInteractionProfile(a.session, x.hands[1], &ps) == XR_SUCCESS);
    char buf[128];
    uint32_t n = 0;
    CHECK(xrPathToString(a.instance, ps.interactionProfile, sizeof buf, &n, buf) == XR_SUCCESS);
    CHECK_STR(buf, "/interaction_profiles/oculus/touch_controller");
    CHECK(n == strlen(buf) + 1);

    XrActionStateGetInfo gi = {XR_TYPE_ACTION_STATE_GET_INFO};
    int changes = 0, frame_of_press = -1, frame_of_release = -1;
    XrTime press_time = 0;
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    for (int f = 0; f < 40; f++) {
        CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
        CHECK(sync(&a, &x) == XR_SUCCESS);
        gi.action = x.trigger;
        gi.subactionPath = x.hands[1];
        XrActionStateFloat tf = {XR_TYPE_ACTION_STATE_FLOAT};
        CHECK(xrGetActionStateFloat(a.session, &gi, &tf) == XR_SUCCESS);
        CHECK(tf.isActive);
        gi.action = x.select;
        gi.subactionPath = XR_NULL_PATH;
        XrActionStateBoolean sel = {XR_TYPE_ACTION_STATE_BOOLEAN};
        CHECK(xrGetActionStateBoolean(a.session, &gi, &sel) == XR_SUCCESS);
        if (sel.changedSinceLastSync && sel.currentState)
            frame_of_press = f, press_time = sel.lastChangeTime;
        if (sel.changedSinceLastSync && !sel.currentState)
            frame_of_release = f;
        changes += tf.changedSinceLastSync;
        if (f == 15) {
            CHECK_NEAR(tf.currentState, 0.8, 1e-6);
            CHECK(sel.currentState);
        }
        if (f == 25) {
            gi.action = x.stick;
            gi.subactionPath = x.hands[1];
            XrActionStateVector2f st = {XR_TYPE_ACTION_STATE_VECTOR2F};
            CHECK(xrGetActionStateVector2f(a.session, &gi, &st) == XR_SUCCESS);
            CHECK_NEAR(st.currentState.x, 0.5, 1e-6);
            CHECK_NEAR(st.currentState.y, -0.25, 1e-6);
            gi.subactionPath = x.hands[0]; // nothing bound on the left
            CHECK(xrGetActionStateVector2f(a.session, &gi, &st) == XR_SUCCESS);
            CHECK(!st.isActive);
        }
    }
    CHECK(changes == 2); // 0 -> 0.8 and 0.8 -> 0.2, each reported once
    CHECK_MSG(frame_of_press >= 7 && frame_of_press <= 9, "pressed at frame %d", frame_of_press);
    CHECK(frame_of_release > frame_of_press);
    CHECK(press_time > 0);
    tapp_destroy(&a);
}

STOA_TEST(pose_action_space_follows_the_controller)
{
    tapp a;
    actions x;
    start(&a, &x,
          "right:\n"
          "  - {t: 0, position: [0.3, 1.0, -0.5]}\n"
          "  - {t: 1, position: [0.3, 2.0, -0.5], pitch: 90}\n");
    XrActionSpaceCreateInfo ci = {XR_TYPE_ACTION_SPACE_CREATE_INFO};
    ci.action = x.grip;
    ci.subactionPath = x.hands[1];
    ci.poseInActionSpace.orientation.w = 1;
    XrSpace hand, stage;
    CHECK(xrCreateActionSpace(a.session, &ci, &hand) == XR_SUCCESS);
    XrReferenceSpaceCreateInfo ri = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    ri.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_STAGE;
    ri.poseInReferenceSpace.orientation.w = 1;
    CHECK(xrCreateReferenceSpace(a.session, &ri, &stage) == XR_SUCCESS);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
    XrSpaceLocation loc = {XR_TYPE_SPACE_LOCATION};
    CHECK(xrLocateSpace(hand, stage, fs.predictedDisplayTime, &loc) == XR_SUCCESS);
    CHECK(loc.locationFlags == 0); // no xrSyncActions yet: the action is not active
    CHECK(sync(&a, &x) == XR_SUCCESS);
    XrActionStateGetInfo gi = {XR_TYPE_ACTION_STATE_GET_INFO, NULL, x.grip, x.hands[1]};
    XrActionStatePose ps = {XR_TYPE_ACTION_STATE_POSE};
    CHECK(xrGetActionStatePose(a.session, &gi, &ps) == XR_SUCCESS && ps.isActive);
    // The first frame after FOCUSED is frame 3 (t0 is frame 1): find t = 0.5 s.
    XrTime t_half = fs.predictedDisplayTime + (XrTime)((0.5 - 2 / 90.0) * 1e9);
    CHECK(xrLocateSpace(hand, stage, t_half, &loc) == XR_SUCCESS);
    CHECK(loc.locationFlags & XR_SPACE_LOCATION_POSITION_TRACKED_BIT);
    CHECK_NEAR(loc.pose.position.x, 0.3, 1e-4);
    CHECK_NEAR(loc.pose.position.y, 1.5, 1e-3);
    CHECK_NEAR(loc.pose.orientation.x, sin(M_PI / 8), 1e-3); // halfway to 90 degrees pitch
    tapp_destroy(&a);
}

STOA_TEST(haptics_are_recorded)
{
    tapp a;
    actions x;
    start(&a, &x, NULL);
    CHECK(sync(&a, &x) == XR_SUCCESS);
    XrHapticActionInfo hi = {XR_TYPE_HAPTIC_ACTION_INFO, NULL, x.buzz, x.hands[1]};
    XrHapticVibration v = {XR_TYPE_HAPTIC_VIBRATION, NULL, 50000000, XR_FREQUENCY_UNSPECIFIED, 0.6f};
    CHECK(xrApplyHapticFeedback(a.session, &hi, (XrHapticBaseHeader *)&v) == XR_SUCCESS);
    CHECK(xrStopHapticFeedback(a.session, &hi) == XR_SUCCESS);
    hi.action = x.trigger;
    CHECK(xrApplyHapticFeedback(a.session, &hi, (XrHapticBaseHeader *)&v) ==
          XR_ERROR_ACTION_TYPE_MISMATCH);
    // Bound sources and their names.
    XrBoundSourcesForActionEnumerateInfo bi = {XR_TYPE_BOUND_SOURCES_FOR_ACTION_ENUMERATE_INFO,
                                               NULL, x.trigger};
    uint32_t n = 0;
    XrPath src[8];
    CHECK(xrEnumerateBoundSourcesForAction(a.session, &bi, 0, &n, NULL) == XR_SUCCESS && n == 2);
    CHECK(xrEnumerateBoundSourcesForAction(a.session, &bi, 8, &n, src) == XR_SUCCESS);
    XrInputSourceLocalizedNameGetInfo li = {XR_TYPE_INPUT_SOURCE_LOCALIZED_NAME_GET_INFO, NULL,
                                            src[0], XR_INPUT_SOURCE_LOCALIZED_NAME_USER_PATH_BIT |
                                                        XR_INPUT_SOURCE_LOCALIZED_NAME_COMPONENT_BIT};
    char name[128];
    CHECK(xrGetInputSourceLocalizedName(a.session, &li, sizeof name, &n, name) == XR_SUCCESS);
    CHECK_STR(name, "Right Hand Trigger Value");
    tapp_destroy(&a);
    cJSON *s = tapp_summary(&a);
    cJSON *h = cJSON_GetObjectItem(s, "haptics");
    CHECK(cJSON_GetArraySize(h) == 2);
    cJSON *first = cJSON_GetArrayItem(h, 0);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(first, "action")), "lesson/buzz");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(first, "subaction")), "/user/hand/right");
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItem(first, "amplitude")), 0.6, 1e-6);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(first, "duration_ns")) == 50000000);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 1), "stop")));
    CHECK(tapp_summary_has_error(s, "xrApplyHapticFeedback", "XR_ERROR_ACTION_TYPE_MISMATCH"));
    cJSON_Delete(s);
}

STOA_TEST(script_picks_the_profile)
{
    tapp a;
    actions x;
    start(&a, &x, "profile: /interaction_profiles/khr/simple_controller\n"
                  "events:\n  - {t: 0, set: /user/hand/right/input/select, value: 1}\n");
    XrInteractionProfileState ps = {XR_TYPE_INTERACTION_PROFILE_STATE};
    CHECK(sync(&a, &x) == XR_SUCCESS);
    CHECK(xrGetCurrentInteractionProfile(a.session, x.hands[0], &ps) == XR_SUCCESS);
    CHECK(ps.interactionProfile == tapp_path(&a, "/interaction_profiles/khr/simple_controller"));
    XrActionStateGetInfo gi = {XR_TYPE_ACTION_STATE_GET_INFO, NULL, x.select, XR_NULL_PATH};
    XrActionStateBoolean b = {XR_TYPE_ACTION_STATE_BOOLEAN};
    CHECK(xrGetActionStateBoolean(a.session, &gi, &b) == XR_SUCCESS);
    CHECK(b.isActive && b.currentState);
    gi.action = x.stick; // no binding in simple_controller
    XrActionStateVector2f v = {XR_TYPE_ACTION_STATE_VECTOR2F};
    CHECK(xrGetActionStateVector2f(a.session, &gi, &v) == XR_SUCCESS && !v.isActive);
    tapp_destroy(&a);
}

STOA_TEST_MAIN()
