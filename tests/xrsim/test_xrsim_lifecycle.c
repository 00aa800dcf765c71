// SPDX-License-Identifier: Apache-2.0
// xrsim through the real loader: session lifecycle (every transition,
// including exit, session loss with recovery, instance loss), frame pacing
// on the simulated clock, and an app that never calls xrEndFrame.
#include <math.h>
#include <time.h>

#include "stoa_test.h"
#include "xrsim_test_app.h"

static bool states_are(const tapp *a, const XrSessionState *want, int n)
{
    if (a->state_count != n)
        return false;
    for (int i = 0; i < n; i++)
        if (a->states[i] != want[i])
            return false;
    return true;
}

static XrResult begin(tapp *a)
{
    XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO};
    bi.primaryViewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
    return xrBeginSession(a->session, &bi);
}

STOA_TEST(lifecycle_frames_limit_walks_every_state)
{
    tapp a;
    tapp_env(&a, true);
    setenv("STOA_XRSIM_FRAMES", "5", 1);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(a.state == XR_SESSION_STATE_READY);
    CHECK(begin(&a) == XR_SUCCESS);
    CHECK(tapp_run_until(&a, XR_SESSION_STATE_STOPPING, 20));
    CHECK(xrEndSession(a.session) == XR_SUCCESS);
    tapp_poll(&a);
    const XrSessionState want[] = {
        XR_SESSION_STATE_IDLE,     XR_SESSION_STATE_READY,        XR_SESSION_STATE_SYNCHRONIZED,
        XR_SESSION_STATE_VISIBLE,  XR_SESSION_STATE_FOCUSED,      XR_SESSION_STATE_VISIBLE,
        XR_SESSION_STATE_SYNCHRONIZED, XR_SESSION_STATE_STOPPING, XR_SESSION_STATE_IDLE,
        XR_SESSION_STATE_EXITING};
    CHECK(states_are(&a, want, 10));
    tapp_destroy(&a);
    cJSON *s = tapp_summary(&a);
    CHECK(s != NULL);
    cJSON *frames = cJSON_GetObjectItem(s, "frames");
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(frames, "submitted")) == 5);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(s, "states")) == 10);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(s, "errors")) == 0);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(s, "exit_reason")), "STOA_XRSIM_FRAMES");
    cJSON_Delete(s);
}

STOA_TEST(lifecycle_request_exit)
{
    tapp a;
    tapp_env(&a, false);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    CHECK(xrRequestExitSession(a.session) == XR_ERROR_SESSION_NOT_RUNNING);
    tapp_poll(&a);
    CHECK(begin(&a) == XR_SUCCESS);
    CHECK(tapp_run_until(&a, XR_SESSION_STATE_FOCUSED, 10));
    CHECK(xrEndSession(a.session) == XR_ERROR_SESSION_NOT_STOPPING);
    CHECK(xrRequestExitSession(a.session) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(a.state == XR_SESSION_STATE_STOPPING);
    CHECK(xrEndSession(a.session) == XR_SUCCESS);
    CHECK(xrEndSession(a.session) == XR_ERROR_SESSION_NOT_RUNNING);
    tapp_poll(&a);
    CHECK(a.state == XR_SESSION_STATE_EXITING);
    tapp_destroy(&a);
}

STOA_TEST(lifecycle_scripted_exit)
{
    tapp a;
    tapp_env(&a, true);
    tapp_script(&a, "events:\n  - {t: 0.1, do: exit}\n");
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(begin(&a) == XR_SUCCESS);
    CHECK(tapp_run_until(&a, XR_SESSION_STATE_STOPPING, 30));
    CHECK(xrEndSession(a.session) == XR_SUCCESS);
    tapp_destroy(&a);
    cJSON *s = tapp_summary(&a);
    double n = cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "frames"),
                                                        "submitted"));
    CHECK_NEAR(n, 10, 1); // t = 0.1 s at 90 Hz, frame 1 at t = 0
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(s, "exit_reason")), "script exit");
    cJSON_Delete(s);
}

STOA_TEST(lifecycle_session_loss_and_recovery)
{
    tapp a;
    tapp_env(&a, true);
    tapp_script(&a, "events:\n  - {t: 0.05, do: lose_session}\n");
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(begin(&a) == XR_SUCCESS);
    XrResult r = XR_SUCCESS;
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    for (int i = 0; i < 20 && r == XR_SUCCESS; i++) {
        tapp_poll(&a);
        r = xrWaitFrame(a.session, NULL, &fs);
        if (r == XR_SUCCESS) {
            xrBeginFrame(a.session, NULL);
            XrFrameEndInfo end = {XR_TYPE_FRAME_END_INFO, NULL, fs.predictedDisplayTime,
                                  XR_ENVIRONMENT_BLEND_MODE_OPAQUE, 0, NULL};
            xrEndFrame(a.session, &end);
        }
    }
    CHECK(r == XR_SESSION_LOSS_PENDING);
    tapp_poll(&a);
    CHECK(a.state == XR_SESSION_STATE_LOSS_PENDING);
    CHECK(xrWaitFrame(a.session, NULL, &fs) == XR_ERROR_SESSION_LOST);
    CHECK(xrEndSession(a.session) == XR_ERROR_SESSION_LOST);
    tapp_destroy_session(&a);
    // Recovery: the instance lives on and a new session starts from IDLE.
    a.state_count = 0;
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(a.state_count == 2 && a.states[0] == XR_SESSION_STATE_IDLE &&
          a.states[1] == XR_SESSION_STATE_READY);
    CHECK(begin(&a) == XR_SUCCESS);
    CHECK(tapp_run_until(&a, XR_SESSION_STATE_FOCUSED, 10));
    // The timeline runs on: the loss at t = 0.05 is not replayed.
    for (int i = 0; i < 20; i++)
        CHECK(tapp_frame(&a, NULL) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(a.state == XR_SESSION_STATE_FOCUSED);
    tapp_destroy(&a);
    cJSON *s = tapp_summary(&a);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(s, "session_lost")));
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "sessions")) == 2);
    cJSON_Delete(s);
}

STOA_TEST(lifecycle_instance_loss)
{
    tapp a;
    tapp_env(&a, true);
    tapp_script(&a, "events:\n  - {t: 0.02, do: lose_instance}\n");
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(begin(&a) == XR_SUCCESS);
    for (int i = 0; i < 10 && a.instance_losses == 0; i++) {
        tapp_frame(&a, NULL);
        tapp_poll(&a);
    }
    CHECK(a.instance_losses == 1);
    XrEventDataBuffer ev = {XR_TYPE_EVENT_DATA_BUFFER};
    CHECK(xrPollEvent(a.instance, &ev) == XR_ERROR_INSTANCE_LOST);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    CHECK(xrWaitFrame(a.session, NULL, &fs) == XR_ERROR_INSTANCE_LOST);
    tapp_destroy(&a); // destroying a lost instance must work
    // ... and a new instance can be made; it continues the same run: the
    // loss is not replayed and the summary covers both instances.
    tapp b = a;
    b.instance = XR_NULL_HANDLE;
    b.session = XR_NULL_HANDLE;
    b.state_count = 0;
    CHECK(tapp_create(&b) == XR_SUCCESS);
    CHECK(tapp_session(&b) == XR_SUCCESS);
    tapp_poll(&b);
    CHECK(begin(&b) == XR_SUCCESS);
    CHECK(tapp_run_until(&b, XR_SESSION_STATE_FOCUSED, 10));
    for (int i = 0; i < 10; i++)
        CHECK(tapp_frame(&b, NULL) == XR_SUCCESS);
    tapp_poll(&b);
    CHECK(b.instance_losses == a.instance_losses);
    CHECK(b.state == XR_SESSION_STATE_FOCUSED);
    tapp_destroy(&b);
    cJSON *s = tapp_summary(&b);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(s, "instance_lost")));
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "sessions")) == 2);
    cJSON_Delete(s);
}

STOA_TEST(frame_pacing_simulated_clock)
{
    tapp a;
    tapp_env(&a, true);
    setenv("STOA_XRSIM_REFRESH_HZ", "72", 1);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(begin(&a) == XR_SUCCESS);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    XrTime prev = 0;
    bool steady = true;
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    for (int i = 0; i < 60; i++) {
        CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
        CHECK(fs.predictedDisplayPeriod == 13888889);
        if (prev && fs.predictedDisplayTime - prev != fs.predictedDisplayPeriod)
            steady = false;
        prev = fs.predictedDisplayTime;
        tapp_poll(&a);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK(steady);
    // Spec §10.4.2: xrWaitFrame blocks until the next display period; the
    // simulated clock is the monotonic clock, stepping one period a frame.
    CHECK_MSG(wall >= 59 * 13888889e-9, "60 frames at 72 Hz took %.2f s: too fast", wall);
    CHECK(fs.shouldRender);
    tapp_destroy(&a);
    // The summary's account of xrsim's own part of the frame time: this app
    // does nothing between frames, so xrWaitFrame slept for (nearly) every
    // period, and every xrEndFrame was timed.
    cJSON *s = tapp_summary(&a);
    cJSON *frames = cJSON_GetObjectItem(s, "frames");
    cJSON *wake = cJSON_GetObjectItem(frames, "wake_late_us");
    cJSON *end = cJSON_GetObjectItem(frames, "end_frame_us");
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(wake, "sleeps")) >= 30);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(wake, "max")) >=
          cJSON_GetNumberValue(cJSON_GetObjectItem(wake, "mean")));
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(end, "calls")) == 60);
    cJSON_Delete(s);
}

// STOA_XRSIM_FAST=1 leaves the frame times as they are but does not wait
// for them: 300 frames at 72 Hz in well under their 4.2 s.
STOA_TEST(frame_pacing_fast)
{
    tapp a;
    tapp_env(&a, false);
    setenv("STOA_XRSIM_REFRESH_HZ", "72", 1);
    setenv("STOA_XRSIM_FAST", "1", 1);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(begin(&a) == XR_SUCCESS);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    XrTime prev = 0;
    bool steady = true;
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    for (int i = 0; i < 300; i++) {
        CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
        if (prev && fs.predictedDisplayTime - prev != fs.predictedDisplayPeriod)
            steady = false;
        prev = fs.predictedDisplayTime;
        tapp_poll(&a);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK(steady);
    CHECK_MSG(wall < 3.0, "300 fast frames took %.2f s: the clock must not sleep", wall);
    tapp_destroy(&a);
}

STOA_TEST(frame_pacing_realtime)
{
    tapp a;
    tapp_env(&a, false);
    setenv("STOA_XRSIM_REALTIME", "1", 1);
    setenv("STOA_XRSIM_REFRESH_HZ", "100", 1);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(begin(&a) == XR_SUCCESS);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 20; i++)
        CHECK(tapp_frame(&a, NULL) == XR_SUCCESS);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK_MSG(wall > 0.15 && wall < 1.0, "20 frames at 100 Hz took %.3f s", wall);
    tapp_destroy(&a);
}

STOA_TEST(focused_app_without_end_frame_is_reported)
{
    tapp a;
    tapp_env(&a, true);
    setenv("STOA_XRSIM_FRAMES", "30", 1);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(begin(&a) == XR_SUCCESS);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    int frames = 0;
    for (; frames < 100 && a.state != XR_SESSION_STATE_STOPPING; frames++) {
        CHECK(XR_SUCCEEDED(xrWaitFrame(a.session, NULL, &fs)));
        CHECK(XR_SUCCEEDED(xrBeginFrame(a.session, NULL))); // ... and never xrEndFrame
        tapp_poll(&a);
    }
    CHECK(a.state == XR_SESSION_STATE_STOPPING);
    CHECK(frames <= 32);
    CHECK(xrEndSession(a.session) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(a.state == XR_SESSION_STATE_EXITING);
    tapp_destroy(&a);
    cJSON *s = tapp_summary(&a);
    cJSON *nef = cJSON_GetObjectItem(s, "focused_without_end_frame");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(nef, "detected")));
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(nef, "frames_waited")) >= 10);
    cJSON *f = cJSON_GetObjectItem(s, "frames");
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(f, "submitted")) == 0);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(f, "dropped")) > 0);
    cJSON_Delete(s);
}

STOA_TEST(a_well_behaved_app_is_not_reported)
{
    tapp a;
    tapp_env(&a, true);
    setenv("STOA_XRSIM_FRAMES", "30", 1);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(begin(&a) == XR_SUCCESS);
    CHECK(tapp_run_until(&a, XR_SESSION_STATE_STOPPING, 40));
    CHECK(xrEndSession(a.session) == XR_SUCCESS);
    tapp_destroy(&a);
    cJSON *s = tapp_summary(&a);
    cJSON *nef = cJSON_GetObjectItem(s, "focused_without_end_frame");
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(nef, "detected")));
    cJSON_Delete(s);
}

static XrSpace ref_space(tapp *a, XrReferenceSpaceType t)
{
    XrReferenceSpaceCreateInfo ri = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    ri.referenceSpaceType = t;
    ri.poseInReferenceSpace.orientation.w = 1;
    XrSpace sp = XR_NULL_HANDLE;
    CHECK(xrCreateReferenceSpace(a->session, &ri, &sp) == XR_SUCCESS);
    return sp;
}

STOA_TEST(recentre_moves_local)
{
    tapp a;
    tapp_env(&a, false);
    tapp_script(&a, "head:\n  - {t: 0, position: [1, 1.6, 0.5], yaw: 90, pitch: 20}\n"
                    "events:\n  - {t: 0.05, do: recentre}\n");
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(begin(&a) == XR_SUCCESS);
    XrSpace local = ref_space(&a, XR_REFERENCE_SPACE_TYPE_LOCAL);
    XrSpace stage = ref_space(&a, XR_REFERENCE_SPACE_TYPE_STAGE);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    for (int i = 0; i < 10 && a.space_changes == 0; i++) {
        CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
        tapp_poll(&a);
    }
    CHECK(a.space_changes == 1);
    CHECK(a.last_space_change.referenceSpaceType == XR_REFERENCE_SPACE_TYPE_LOCAL);
    CHECK(a.last_space_change.poseValid);
    // Before: LOCAL at (0, 1.7, 0). After: at the head, turned to its heading, level.
    CHECK_NEAR(a.last_space_change.poseInPreviousSpace.position.x, 1.0, 1e-5);
    CHECK_NEAR(a.last_space_change.poseInPreviousSpace.position.y, -0.1, 1e-5);
    XrSpaceLocation loc = {XR_TYPE_SPACE_LOCATION};
    CHECK(xrLocateSpace(local, stage, fs.predictedDisplayTime, &loc) == XR_SUCCESS);
    CHECK_NEAR(loc.pose.position.x, 1.0, 1e-5);
    CHECK_NEAR(loc.pose.position.y, 1.6, 1e-5);
    CHECK_NEAR(loc.pose.position.z, 0.5, 1e-5);
    CHECK_NEAR(loc.pose.orientation.y, sin(M_PI / 4), 1e-4); // yaw 90, no pitch
    CHECK_NEAR(loc.pose.orientation.x, 0, 1e-5);
    tapp_destroy(&a);
}

STOA_TEST(views_are_the_eyes)
{
    tapp a;
    tapp_env(&a, false);
    tapp_script(&a, "display: {ipd: 0.064}\nhead:\n  - {t: 0, position: [0, 1.5, 0], yaw: 90}\n");
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    XrSpace stage = ref_space(&a, XR_REFERENCE_SPACE_TYPE_STAGE);
    XrSpace view = ref_space(&a, XR_REFERENCE_SPACE_TYPE_VIEW);
    XrView views[2] = {{XR_TYPE_VIEW}, {XR_TYPE_VIEW}};
    XrViewState vs = {XR_TYPE_VIEW_STATE};
    XrViewLocateInfo li = {XR_TYPE_VIEW_LOCATE_INFO, NULL,
                           XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, 2000000000, stage};
    uint32_t n = 0;
    CHECK(xrLocateViews(a.session, &li, &vs, 2, &n, views) == XR_SUCCESS && n == 2);
    CHECK(vs.viewStateFlags & XR_VIEW_STATE_POSITION_TRACKED_BIT);
    // Turned 90 degrees left (facing -X): the left eye is at +Z, the right at -Z.
    CHECK_NEAR(views[0].pose.position.z, 0.032, 1e-5);
    CHECK_NEAR(views[1].pose.position.z, -0.032, 1e-5);
    CHECK_NEAR(views[0].pose.position.y, 1.5, 1e-5);
    CHECK(views[0].fov.angleLeft < 0 && views[0].fov.angleRight > 0);
    CHECK_NEAR(views[0].fov.angleLeft, -views[1].fov.angleRight, 1e-6); // mirrored
    li.space = view;
    CHECK(xrLocateViews(a.session, &li, &vs, 2, &n, views) == XR_SUCCESS);
    CHECK_NEAR(views[1].pose.position.x - views[0].pose.position.x, 0.064, 1e-5);
    CHECK_NEAR(views[0].pose.orientation.w, 1, 1e-5);
    tapp_destroy(&a);
}

STOA_TEST_MAIN()
