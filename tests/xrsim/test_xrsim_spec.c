// SPDX-License-Identifier: Apache-2.0
// xrsim against the OpenXR specification, rule by rule, each test naming the
// section it checks (OpenXR 1.1 specification unless said otherwise). These
// are the behaviours the Khronos conformance suite exercises, so that a
// regression fails here, in CI, without the suite.
//
// Built twice: test_xrsim_spec goes through Debian's OpenXR loader (1.0.20,
// which refuses 1.1 instances itself), test_xrsim_spec_direct through
// xrsim_direct.c, a stand-in loader that lets 1.1 instances reach xrsim
// (XRSIM_TEST_DIRECT): the 1.1 cases run there.
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stoa_test.h"
#include "xrsim_test_app.h"

#define API_1_1 XR_MAKE_VERSION(1, 1, 0)
#ifdef XRSIM_TEST_DIRECT
#define HAVE_1_1 1
#else
#define HAVE_1_1 0
#endif
#define LOCAL_FLOOR ((XrReferenceSpaceType)1000426000)

static XrResult begin(tapp *a)
{
    XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO};
    bi.primaryViewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
    return xrBeginSession(a->session, &bi);
}

static void start(tapp *a, XrVersion api, bool timespec)
{
    tapp_env(a, false);
    a->api_version = api;
    a->timespec = timespec;
    CHECK(tapp_create(a) == XR_SUCCESS);
    CHECK(tapp_session(a) == XR_SUCCESS);
    tapp_poll(a);
    CHECK(begin(a) == XR_SUCCESS);
}

static XrResult end_frame(tapp *a, XrTime t)
{
    XrFrameEndInfo end = {XR_TYPE_FRAME_END_INFO, NULL, t, XR_ENVIRONMENT_BLEND_MODE_OPAQUE, 0,
                          NULL};
    return xrEndFrame(a->session, &end);
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// ---- §10.4.2 xrWaitFrame: frames pipelined across threads -------------------------

typedef struct waiter {
    tapp *a;
    XrFrameState fs;
    XrResult result;
    atomic_int done;
} waiter;

static void *wait_thread(void *p)
{
    waiter *w = p;
    w->fs = (XrFrameState){XR_TYPE_FRAME_STATE};
    w->result = xrWaitFrame(w->a->session, NULL, &w->fs);
    atomic_store(&w->done, 1);
    return NULL;
}

// "A subsequent xrWaitFrame call must block until the previous frame has
// been begun with xrBeginFrame and must unblock independently of the
// corresponding call to xrEndFrame." (§10.4.2); "xrWaitFrame must be
// callable from any thread, including a different thread than
// xrBeginFrame/xrEndFrame are being called from."
STOA_TEST(wait_frame_blocks_until_the_previous_frame_is_begun)
{
    tapp a;
    start(&a, 0, false);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    CHECK(xrWaitFrame(a.session, NULL, &fs) == XR_SUCCESS);
    waiter w = {.a = &a};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, wait_thread, &w) == 0);
    usleep(200 * 1000);
    CHECK(atomic_load(&w.done) == 0); // blocked: frame 1 not begun yet
    CHECK(xrBeginFrame(a.session, NULL) == XR_SUCCESS);
    for (int i = 0; i < 200 && !atomic_load(&w.done); i++)
        usleep(10 * 1000);
    CHECK(atomic_load(&w.done) == 1); // unblocked before xrEndFrame
    pthread_join(t, NULL);
    CHECK(w.result == XR_SUCCESS);
    CHECK(w.fs.predictedDisplayTime == fs.predictedDisplayTime + fs.predictedDisplayPeriod);
    // Frame 1 ends after frame 2 was waited: the pipelined order is valid.
    CHECK(end_frame(&a, fs.predictedDisplayTime) == XR_SUCCESS);
    CHECK(xrBeginFrame(a.session, NULL) == XR_SUCCESS);
    CHECK(end_frame(&a, w.fs.predictedDisplayTime) == XR_SUCCESS);
    tapp_destroy(&a);
}

// A render thread that begins and ends every frame the main thread waits
// for, over many frames: no call may fail or see the wrong order.
typedef struct render {
    tapp *a;
    atomic_int frames_waited;
    atomic_llong time; // predicted display time of the frame to render
    int failures;
} render;

static void *render_thread(void *p)
{
    render *r = p;
    for (int done = 0; done < 30;) {
        if (atomic_load(&r->frames_waited) <= done) {
            usleep(100);
            continue;
        }
        XrTime t = (XrTime)atomic_load(&r->time);
        if (xrBeginFrame(r->a->session, NULL) != XR_SUCCESS || end_frame(r->a, t) != XR_SUCCESS)
            r->failures++;
        done++;
    }
    return NULL;
}

STOA_TEST(frames_pipelined_across_threads)
{
    tapp a;
    start(&a, 0, false);
    render r = {.a = &a};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, render_thread, &r) == 0);
    for (int i = 0; i < 30; i++) {
        XrFrameState fs = {XR_TYPE_FRAME_STATE};
        CHECK(xrWaitFrame(a.session, NULL, &fs) == XR_SUCCESS);
        atomic_store(&r.time, (long long)fs.predictedDisplayTime);
        atomic_fetch_add(&r.frames_waited, 1);
    }
    pthread_join(t, NULL);
    CHECK(r.failures == 0);
    tapp_destroy(&a);
}

// ---- §2.3 Threading behaviour: concurrent calls --------------------------------------

typedef struct racer {
    tapp *a;
    XrActionSet set;
    XrResult result;
    int destroy_failures;
} racer;

static void *create_same_set(void *p)
{
    racer *r = p;
    XrActionSetCreateInfo ci = {XR_TYPE_ACTION_SET_CREATE_INFO};
    strcpy(ci.actionSetName, "same");
    strcpy(ci.localizedActionSetName, "Same");
    r->result = xrCreateActionSet(r->a->instance, &ci, &r->set);
    return NULL;
}

static void *create_destroy_actions(void *p)
{
    racer *r = p;
    for (int i = 0; i < 200; i++) {
        XrActionCreateInfo ci = {XR_TYPE_ACTION_CREATE_INFO};
        snprintf(ci.actionName, sizeof ci.actionName, "a%p_%d", p, i);
        snprintf(ci.localizedActionName, sizeof ci.localizedActionName, "A %p %d", p, i);
        ci.actionType = XR_ACTION_TYPE_BOOLEAN_INPUT;
        XrAction act;
        if (xrCreateAction(r->set, &ci, &act) != XR_SUCCESS || xrDestroyAction(act) != XR_SUCCESS)
            r->destroy_failures++;
    }
    return NULL;
}

// Names are unique per instance (§11.2 xrCreateActionSet:
// XR_ERROR_NAME_DUPLICATED), also when threads race for one; actions made and
// destroyed on several threads at once are all valid handles (§2.3).
STOA_TEST(concurrent_calls_give_the_spec_results)
{
    tapp a;
    tapp_env(&a, false);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    enum { N = 6 };
    racer r[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        r[i] = (racer){.a = &a};
        CHECK(pthread_create(&t[i], NULL, create_same_set, &r[i]) == 0);
    }
    int created = 0, duplicated = 0;
    XrActionSet set = XR_NULL_HANDLE;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        if (r[i].result == XR_SUCCESS)
            created++, set = r[i].set;
        duplicated += r[i].result == XR_ERROR_NAME_DUPLICATED;
    }
    CHECK(created == 1);
    CHECK(duplicated == N - 1);
    for (int i = 0; i < N; i++) {
        r[i] = (racer){.a = &a, .set = set};
        CHECK(pthread_create(&t[i], NULL, create_destroy_actions, &r[i]) == 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        CHECK(r[i].destroy_failures == 0);
    }
    tapp_destroy(&a);
}

// ---- XR_KHR_convert_timespec_time: the display clock is CLOCK_MONOTONIC --------------

// §12 (XR_KHR_convert_timespec_time) converts CLOCK_MONOTONIC; a predicted
// display time is "a time in the future" (§10.4.2), so it is after a
// monotonic time taken before the frame was waited. Frames step by exactly
// one period, so runs stay deterministic.
STOA_TEST(display_clock_maps_onto_the_monotonic_clock)
{
    tapp a;
    tapp_env(&a, false);
    a.timespec = true;
    CHECK(tapp_create(&a) == XR_SUCCESS);
    PFN_xrConvertTimespecTimeToTimeKHR to_time = NULL;
    CHECK(xrGetInstanceProcAddr(a.instance, "xrConvertTimespecTimeToTimeKHR",
                                (PFN_xrVoidFunction *)&to_time) == XR_SUCCESS);
    usleep(50 * 1000); // instance creation is not the clock's start
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(begin(&a) == XR_SUCCESS);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    XrTime before = 0;
    CHECK(to_time && to_time(a.instance, &ts, &before) == XR_SUCCESS);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    XrTime prev = 0;
    for (int i = 0; i < 5; i++) {
        CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
        CHECK(fs.predictedDisplayTime >= before);
        if (prev)
            CHECK(fs.predictedDisplayTime - prev == fs.predictedDisplayPeriod);
        prev = fs.predictedDisplayTime;
    }
    CHECK(fs.predictedDisplayTime - mono_ns() < 1000000000LL); // close to now, not far off
    // §10.4.2: xrWaitFrame blocks until the display period of the frame it
    // predicts begins (never returns before it), and an app that fell behind
    // catches up at most two frames a period: 20 frames take at least 9.5.
    int64_t t0 = mono_ns();
    for (int i = 0; i < 20; i++) {
        CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
        CHECK(mono_ns() >= fs.predictedDisplayTime - fs.predictedDisplayPeriod);
    }
    CHECK(mono_ns() - t0 >= 19 * fs.predictedDisplayPeriod / 2);
    tapp_destroy(&a);
}

// §7.4 xrLocateSpace with XrSpaceVelocity: the simulated head is tracked, so
// both velocities are known; standing still, both are zero.
STOA_TEST(space_velocities_are_known)
{
    tapp a;
    start(&a, 0, false);
    XrReferenceSpaceCreateInfo ci = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    ci.poseInReferenceSpace.orientation.w = 1;
    XrSpace view, stage;
    ci.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_VIEW;
    CHECK(xrCreateReferenceSpace(a.session, &ci, &view) == XR_SUCCESS);
    ci.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_STAGE;
    CHECK(xrCreateReferenceSpace(a.session, &ci, &stage) == XR_SUCCESS);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
    XrSpaceVelocity v = {XR_TYPE_SPACE_VELOCITY};
    XrSpaceLocation loc = {XR_TYPE_SPACE_LOCATION, &v};
    CHECK(xrLocateSpace(view, stage, fs.predictedDisplayTime, &loc) == XR_SUCCESS);
    CHECK(v.velocityFlags ==
          (XR_SPACE_VELOCITY_LINEAR_VALID_BIT | XR_SPACE_VELOCITY_ANGULAR_VALID_BIT));
    CHECK_NEAR(v.linearVelocity.y, 0, 1e-4);
    CHECK_NEAR(v.angularVelocity.y, 0, 1e-4);
    tapp_destroy(&a);
}

// ---- OpenXR 1.1 ------------------------------------------------------------------------

// §4.2 xrCreateInstance: a version the runtime does not implement is
// XR_ERROR_API_VERSION_UNSUPPORTED; 1.0 and 1.1 are implemented.
STOA_TEST(api_versions)
{
    tapp a;
    tapp_env(&a, false);
    a.api_version = XR_MAKE_VERSION(1, 2, 0);
    CHECK(tapp_create(&a) == XR_ERROR_API_VERSION_UNSUPPORTED);
    a.api_version = XR_MAKE_VERSION(2, 0, 0);
    CHECK(tapp_create(&a) == XR_ERROR_API_VERSION_UNSUPPORTED);
    if (HAVE_1_1) {
        a.api_version = API_1_1;
        CHECK(tapp_create(&a) == XR_SUCCESS);
        tapp_destroy(&a);
    }
}

typedef struct {
    XrStructureType type;
    const void *next;
    XrSpace baseSpace;
    XrTime time;
    uint32_t spaceCount;
    const XrSpace *spaces;
} spaces_locate_info; // XrSpacesLocateInfo (1.1)
typedef struct {
    XrSpaceLocationFlags locationFlags;
    XrPosef pose;
} space_location_data; // XrSpaceLocationData
typedef struct {
    XrStructureType type;
    void *next;
    uint32_t locationCount;
    space_location_data *locations;
} space_locations; // XrSpaceLocations
typedef XrResult (*locate_spaces_fn)(XrSession, const spaces_locate_info *, space_locations *);

static XrSpace ref_space(tapp *a, XrReferenceSpaceType type, XrResult *r)
{
    XrReferenceSpaceCreateInfo ci = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    ci.referenceSpaceType = type;
    ci.poseInReferenceSpace.orientation.w = 1;
    XrSpace s = XR_NULL_HANDLE;
    *r = xrCreateReferenceSpace(a->session, &ci, &s);
    return s;
}

// §7.1 reference space LOCAL_FLOOR (1.1 core): LOCAL's x, z and yaw, at the
// floor; §7.5 xrLocateSpaces locates several spaces in one call, and its
// counts must agree (XR_ERROR_VALIDATION_FAILURE otherwise).
#ifdef XRSIM_TEST_DIRECT
STOA_TEST(openxr_1_1_local_floor_and_locate_spaces)
{
    tapp a;
    start(&a, API_1_1, false);
    XrReferenceSpaceType types[8];
    uint32_t n = 0;
    CHECK(xrEnumerateReferenceSpaces(a.session, 8, &n, types) == XR_SUCCESS);
    bool listed = false;
    for (uint32_t i = 0; i < n; i++)
        listed = listed || types[i] == LOCAL_FLOOR;
    CHECK(listed);
    XrResult r;
    XrSpace floor = ref_space(&a, LOCAL_FLOOR, &r);
    CHECK(r == XR_SUCCESS);
    XrSpace local = ref_space(&a, XR_REFERENCE_SPACE_TYPE_LOCAL, &r);
    XrSpace stage = ref_space(&a, XR_REFERENCE_SPACE_TYPE_STAGE, &r);
    XrExtent2Df bounds;
    CHECK(xrGetReferenceSpaceBoundsRect(a.session, LOCAL_FLOOR, &bounds) ==
          XR_SPACE_BOUNDS_UNAVAILABLE);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
    locate_spaces_fn locate = NULL;
    CHECK(xrGetInstanceProcAddr(a.instance, "xrLocateSpaces", (PFN_xrVoidFunction *)&locate) ==
          XR_SUCCESS);
    CHECK(locate != NULL);
    if (locate) {
        XrSpace list[2] = {floor, stage};
        spaces_locate_info li = {(XrStructureType)1000471000, NULL, local,
                                 fs.predictedDisplayTime, 2, list};
        space_location_data d[2];
        space_locations locs = {(XrStructureType)1000471001, NULL, 2, d};
        CHECK(locate(a.session, &li, &locs) == XR_SUCCESS);
        CHECK(d[0].locationFlags & XR_SPACE_LOCATION_POSITION_VALID_BIT);
        CHECK_NEAR(d[0].pose.position.x, 0, 1e-5); // LOCAL's x and z
        CHECK_NEAR(d[0].pose.position.z, 0, 1e-5);
        CHECK_NEAR(d[0].pose.position.y, -1.7, 1e-4); // the floor, below LOCAL's origin
        CHECK_NEAR(d[1].pose.position.y, -1.7, 1e-4); // STAGE's floor is the same floor
        locs.locationCount = 1;
        CHECK(locate(a.session, &li, &locs) == XR_ERROR_VALIDATION_FAILURE);
        locs.locationCount = 2;
        li.time = 0;
        CHECK(locate(a.session, &li, &locs) == XR_ERROR_TIME_INVALID);
    }
    tapp_destroy(&a);
}
#endif

// A 1.0 instance has neither: LOCAL_FLOOR is XR_ERROR_REFERENCE_SPACE_UNSUPPORTED
// (§7.1) and xrLocateSpaces is XR_ERROR_FUNCTION_UNSUPPORTED (§2.11).
STOA_TEST(openxr_1_0_has_no_1_1_additions)
{
    tapp a;
    start(&a, 0, false);
    XrResult r;
    ref_space(&a, LOCAL_FLOOR, &r);
    CHECK(r == XR_ERROR_REFERENCE_SPACE_UNSUPPORTED);
    PFN_xrVoidFunction fn = NULL;
    CHECK(xrGetInstanceProcAddr(a.instance, "xrLocateSpaces", &fn) ==
          XR_ERROR_FUNCTION_UNSUPPORTED);
    tapp_destroy(&a);
}

// ---- §6.4 Interaction profiles -----------------------------------------------------------

static XrResult suggest(tapp *a, XrAction act, const char *profile, const char *binding)
{
    XrActionSuggestedBinding b = {act, tapp_path(a, binding)};
    XrInteractionProfileSuggestedBinding sb = {XR_TYPE_INTERACTION_PROFILE_SUGGESTED_BINDING};
    sb.interactionProfile = tapp_path(a, profile);
    sb.countSuggestedBindings = 1;
    sb.suggestedBindings = &b;
    return xrSuggestInteractionProfileBindings(a->instance, &sb);
}

static XrAction make_action(tapp *a, XrActionSet *set, XrActionType type, XrResult *r)
{
    XrActionSetCreateInfo si = {XR_TYPE_ACTION_SET_CREATE_INFO};
    strcpy(si.actionSetName, "profiles");
    strcpy(si.localizedActionSetName, "Profiles");
    CHECK(xrCreateActionSet(a->instance, &si, set) == XR_SUCCESS);
    XrActionCreateInfo ci = {XR_TYPE_ACTION_CREATE_INFO};
    strcpy(ci.actionName, "act");
    strcpy(ci.localizedActionName, "Act");
    ci.actionType = type;
    XrAction act = XR_NULL_HANDLE;
    *r = xrCreateAction(*set, &ci, &act);
    return act;
}

// Every profile and path of the core's list is accepted (§6.4); a path the
// profile does not have is XR_ERROR_PATH_UNSUPPORTED (§11.4
// xrSuggestInteractionProfileBindings). 1.1 adds /input/grip_surface/pose and
// the promoted profiles, which a 1.0 instance does not have.
STOA_TEST(interaction_profiles_of_the_specification)
{
    static const char *const core_1_0[][2] = {
        {"/interaction_profiles/google/daydream_controller", "/user/hand/left/input/trackpad/click"},
        {"/interaction_profiles/oculus/go_controller", "/user/hand/right/input/back/click"},
        {"/interaction_profiles/htc/vive_pro", "/user/head/input/volume_up/click"},
        {"/interaction_profiles/microsoft/xbox_controller", "/user/gamepad/input/a/click"},
        {"/interaction_profiles/valve/index_controller", "/user/hand/left/input/trackpad/force"},
        {"/interaction_profiles/oculus/touch_controller", "/user/hand/left/input/x/click"},
    };
    static const char *const core_1_1[][2] = {
        {"/interaction_profiles/htc/vive_cosmos_controller", "/user/hand/left/input/x/click"},
        {"/interaction_profiles/samsung/odyssey_controller", "/user/hand/right/input/menu/click"},
        {"/interaction_profiles/hp/mixed_reality_controller", "/user/hand/left/input/x/click"},
        {"/interaction_profiles/bytedance/pico4_controller", "/user/hand/right/input/a/click"},
        {"/interaction_profiles/meta/touch_controller_quest_2", "/user/hand/left/input/x/click"},
        {"/interaction_profiles/khr/simple_controller",
         "/user/hand/left/input/grip_surface/pose"},
    };
    for (int v = 0; v <= HAVE_1_1; v++) {
        tapp a;
        tapp_env(&a, false);
        a.api_version = v ? API_1_1 : 0;
        CHECK(tapp_create(&a) == XR_SUCCESS);
        XrActionSet set;
        XrResult r;
        XrAction b = make_action(&a, &set, XR_ACTION_TYPE_BOOLEAN_INPUT, &r);
        CHECK(r == XR_SUCCESS);
        XrActionCreateInfo pci = {XR_TYPE_ACTION_CREATE_INFO};
        strcpy(pci.actionName, "pose");
        strcpy(pci.localizedActionName, "Pose");
        pci.actionType = XR_ACTION_TYPE_POSE_INPUT;
        XrAction pose;
        CHECK(xrCreateAction(set, &pci, &pose) == XR_SUCCESS);
        for (size_t i = 0; i < sizeof core_1_0 / sizeof core_1_0[0]; i++)
            CHECK(suggest(&a, b, core_1_0[i][0], core_1_0[i][1]) == XR_SUCCESS);
        for (size_t i = 0; i < sizeof core_1_1 / sizeof core_1_1[0]; i++) {
            XrAction act = strstr(core_1_1[i][1], "pose") ? pose : b;
            CHECK(suggest(&a, act, core_1_1[i][0], core_1_1[i][1]) ==
                  (v ? XR_SUCCESS : XR_ERROR_PATH_UNSUPPORTED));
        }
        CHECK(suggest(&a, b, "/interaction_profiles/khr/simple_controller",
                      "/user/hand/left/input/invalid/click") == XR_ERROR_PATH_UNSUPPORTED);
        CHECK(suggest(&a, b, "/interaction_profiles/oculus/touch_controller",
                      "/user/hand/right/input/x/click") == XR_ERROR_PATH_UNSUPPORTED);
        tapp_destroy(&a);
    }
}

// ---- return codes, function by function ------------------------------------------------

STOA_TEST(return_codes_of_the_specification)
{
    tapp a;
    tapp_env(&a, false);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    // §5.2 xrGetSystem: an unsupported form factor.
    XrSystemGetInfo gi = {XR_TYPE_SYSTEM_GET_INFO};
    gi.formFactor = XR_FORM_FACTOR_MAX_ENUM;
    XrSystemId id;
    CHECK(xrGetSystem(a.instance, &gi, &id) == XR_ERROR_FORM_FACTOR_UNSUPPORTED);
    // §11.2 xrCreateActionSet / §11.3 xrCreateAction: empty name, bad name.
    XrActionSetCreateInfo si = {XR_TYPE_ACTION_SET_CREATE_INFO};
    strcpy(si.localizedActionSetName, "Empty");
    XrActionSet set;
    CHECK(xrCreateActionSet(a.instance, &si, &set) == XR_ERROR_NAME_INVALID);
    strcpy(si.actionSetName, "Upper");
    CHECK(xrCreateActionSet(a.instance, &si, &set) == XR_ERROR_PATH_FORMAT_INVALID);
    strcpy(si.actionSetName, "ok");
    CHECK(xrCreateActionSet(a.instance, &si, &set) == XR_SUCCESS);
    XrActionCreateInfo ci = {XR_TYPE_ACTION_CREATE_INFO};
    strcpy(ci.localizedActionName, "Empty");
    ci.actionType = XR_ACTION_TYPE_BOOLEAN_INPUT;
    XrAction act;
    CHECK(xrCreateAction(set, &ci, &act) == XR_ERROR_NAME_INVALID);
    strcpy(ci.actionName, "with space");
    CHECK(xrCreateAction(set, &ci, &act) == XR_ERROR_PATH_FORMAT_INVALID);
    strcpy(ci.actionName, "ok");
    CHECK(xrCreateAction(set, &ci, &act) == XR_SUCCESS);
    // §2.9 xrResultToString: an unknown failure keeps its sign.
    char buf[XR_MAX_RESULT_STRING_SIZE];
    CHECK(xrResultToString(a.instance, (XrResult)-1000999999, buf) == XR_SUCCESS);
    CHECK_STR(buf, "XR_UNKNOWN_FAILURE_-1000999999");
    CHECK(xrResultToString(a.instance, (XrResult)-1000710001, buf) == XR_SUCCESS);
    CHECK_STR(buf, "XR_ERROR_EXTENSION_DEPENDENCY_NOT_ENABLED");
    CHECK(tapp_session(&a) == XR_SUCCESS);
    // §11.8 xrGetInputSourceLocalizedName before xrAttachSessionActionSets.
    XrInputSourceLocalizedNameGetInfo ni = {XR_TYPE_INPUT_SOURCE_LOCALIZED_NAME_GET_INFO};
    ni.sourcePath = tapp_path(&a, "/user/hand/left/input/select/click");
    ni.whichComponents = XR_INPUT_SOURCE_LOCALIZED_NAME_USER_PATH_BIT;
    uint32_t n = 0;
    CHECK(xrGetInputSourceLocalizedName(a.session, &ni, 0, &n, NULL) ==
          XR_ERROR_ACTIONSET_NOT_ATTACHED);
    XrSessionActionSetsAttachInfo ai = {XR_TYPE_SESSION_ACTION_SETS_ATTACH_INFO};
    ai.countActionSets = 1;
    ai.actionSets = &set;
    CHECK(xrAttachSessionActionSets(a.session, &ai) == XR_SUCCESS);
    CHECK(xrGetInputSourceLocalizedName(a.session, &ni, 0, &n, NULL) == XR_SUCCESS);
    // §11.5 xrGetActionState*: an XrPath that is no path is XR_ERROR_PATH_INVALID;
    // a path the action did not declare is XR_ERROR_PATH_UNSUPPORTED.
    XrActionStateGetInfo sg = {XR_TYPE_ACTION_STATE_GET_INFO, NULL, act, (XrPath)0x7fff1234};
    XrActionStateBoolean st = {XR_TYPE_ACTION_STATE_BOOLEAN};
    CHECK(xrGetActionStateBoolean(a.session, &sg, &st) == XR_ERROR_PATH_INVALID);
    sg.subactionPath = tapp_path(&a, "/user/hand/left");
    CHECK(xrGetActionStateBoolean(a.session, &sg, &st) == XR_ERROR_PATH_UNSUPPORTED);
    tapp_destroy(&a);
}

// XR_KHR_vulkan_enable2 lists no XR_ERROR_GRAPHICS_REQUIREMENTS_CALL_MISSING
// for xrCreateVulkanInstanceKHR: it works before the requirements call.
STOA_TEST(vulkan_instance_before_requirements)
{
    tapp a;
    tapp_env(&a, false);
    const char *ext = XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME;
    XrInstanceCreateInfo ici = {XR_TYPE_INSTANCE_CREATE_INFO};
    strcpy(ici.applicationInfo.applicationName, "xrsim-test");
    ici.applicationInfo.apiVersion = XR_MAKE_VERSION(1, 0, 0);
    ici.enabledExtensionCount = 1;
    ici.enabledExtensionNames = &ext;
    CHECK(xrCreateInstance(&ici, &a.instance) == XR_SUCCESS);
    XrSystemGetInfo gi = {XR_TYPE_SYSTEM_GET_INFO};
    gi.formFactor = XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY;
    CHECK(xrGetSystem(a.instance, &gi, &a.system) == XR_SUCCESS);
    PFN_xrCreateVulkanInstanceKHR make = NULL;
    xrGetInstanceProcAddr(a.instance, "xrCreateVulkanInstanceKHR", (PFN_xrVoidFunction *)&make);
    CHECK(make != NULL);
    if (make) {
        VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                                 .apiVersion = VK_API_VERSION_1_1};
        VkInstanceCreateInfo vci = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                                    .pApplicationInfo = &app};
        XrVulkanInstanceCreateInfoKHR ci = {XR_TYPE_VULKAN_INSTANCE_CREATE_INFO_KHR};
        ci.systemId = a.system;
        ci.pfnGetInstanceProcAddr = vkGetInstanceProcAddr;
        ci.vulkanCreateInfo = &vci;
        VkInstance vk = VK_NULL_HANDLE;
        VkResult vr = VK_ERROR_UNKNOWN;
        CHECK(make(a.instance, &ci, &vk, &vr) == XR_SUCCESS);
        CHECK(vr == VK_SUCCESS);
        if (vk)
            vkDestroyInstance(vk, NULL);
    }
    xrDestroyInstance(a.instance);
}

STOA_TEST_MAIN()
