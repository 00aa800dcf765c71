// SPDX-License-Identifier: Apache-2.0
// xrsim's result codes, function by function, against the OpenXR 1.1
// specification (sections named by title) and its registry (xr.xml). Every
// call here goes through EXPECT, which also checks the result against the
// registry's list for that function (the generated table xrsim checks itself
// with, linked in here), so a code the registry does not allow fails this
// test even where the expected code is wrong. The rest of the suite runs
// with STOA_XRSIM_STRICT_RESULTS=1: there such a code aborts the test.
#include <stdio.h>
#include <string.h>

#include "stoa_test.h"
#include "xrsim_expect.h"
#include "xrsim_result.h"
#include "xrsim_test_app.h"

typedef struct objects {
    XrSpace space, view;
    XrSwapchain swapchain;
    XrActionSet set;
    XrAction action;
} objects;

static void start(tapp *a, const char *script)
{
    tapp_env(a, false);
    if (script)
        tapp_script(a, script);
    CHECK(tapp_create(a) == XR_SUCCESS);
    CHECK(tapp_session(a) == XR_SUCCESS);
    tapp_poll(a);
    XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO};
    bi.primaryViewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
    EXPECT(XR_SUCCESS, xrBeginSession, a->session, &bi);
}

static void make_objects(tapp *a, objects *o)
{
    XrReferenceSpaceCreateInfo rs = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    rs.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_LOCAL;
    rs.poseInReferenceSpace.orientation.w = 1;
    EXPECT(XR_SUCCESS, xrCreateReferenceSpace, a->session, &rs, &o->space);
    rs.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_VIEW;
    EXPECT(XR_SUCCESS, xrCreateReferenceSpace, a->session, &rs, &o->view);
    XrSwapchainCreateInfo sc = {XR_TYPE_SWAPCHAIN_CREATE_INFO};
    sc.usageFlags = XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT;
    sc.format = VK_FORMAT_R8G8B8A8_SRGB;
    sc.sampleCount = sc.faceCount = sc.arraySize = sc.mipCount = 1;
    sc.width = sc.height = 16;
    EXPECT(XR_SUCCESS, xrCreateSwapchain, a->session, &sc, &o->swapchain);
    XrActionSetCreateInfo si = {XR_TYPE_ACTION_SET_CREATE_INFO};
    strcpy(si.actionSetName, "set");
    strcpy(si.localizedActionSetName, "Set");
    EXPECT(XR_SUCCESS, xrCreateActionSet, a->instance, &si, &o->set);
    XrActionCreateInfo ai = {XR_TYPE_ACTION_CREATE_INFO};
    strcpy(ai.actionName, "select");
    strcpy(ai.localizedActionName, "Select");
    ai.actionType = XR_ACTION_TYPE_BOOLEAN_INPUT;
    EXPECT(XR_SUCCESS, xrCreateAction, o->set, &ai, &o->action);
}

// ---- Fundamentals › Handles; each function's implicit valid usage
// ("<handle> must be a valid Xr… handle"): a destroyed, null or foreign
// handle is XR_ERROR_HANDLE_INVALID, and a destroyed handle is never
// mistaken for a live one.
STOA_TEST(stale_null_and_foreign_handles_are_handle_invalid)
{
    tapp a;
    objects o;
    start(&a, NULL);
    make_objects(&a, &o);
    EXPECT(XR_SUCCESS, xrDestroySpace, o.space);
    EXPECT(XR_SUCCESS, xrDestroySwapchain, o.swapchain);
    EXPECT(XR_SUCCESS, xrDestroyAction, o.action);
    EXPECT(XR_SUCCESS, xrDestroyActionSet, o.set);
    // Destroyed once: gone for every function, destroy included.
    EXPECT(XR_ERROR_HANDLE_INVALID, xrDestroySpace, o.space);
    EXPECT(XR_ERROR_HANDLE_INVALID, xrDestroySwapchain, o.swapchain);
    EXPECT(XR_ERROR_HANDLE_INVALID, xrDestroyAction, o.action);
    EXPECT(XR_ERROR_HANDLE_INVALID, xrDestroyActionSet, o.set);
    XrSpaceLocation loc = {XR_TYPE_SPACE_LOCATION};
    EXPECT(XR_ERROR_HANDLE_INVALID, xrLocateSpace, o.space, o.view, 1, &loc);
    EXPECT(XR_ERROR_HANDLE_INVALID, xrLocateSpace, o.view, o.space, 1, &loc);
    uint32_t n = 0, index = 0;
    EXPECT(XR_ERROR_HANDLE_INVALID, xrEnumerateSwapchainImages, o.swapchain, 0, &n, NULL);
    XrSwapchainImageAcquireInfo acq = {XR_TYPE_SWAPCHAIN_IMAGE_ACQUIRE_INFO};
    EXPECT(XR_ERROR_HANDLE_INVALID, xrAcquireSwapchainImage, o.swapchain, &acq, &index);
    XrSwapchainImageWaitInfo wait = {XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO, NULL, 0};
    EXPECT(XR_ERROR_HANDLE_INVALID, xrWaitSwapchainImage, o.swapchain, &wait);
    XrSwapchainImageReleaseInfo rel = {XR_TYPE_SWAPCHAIN_IMAGE_RELEASE_INFO};
    EXPECT(XR_ERROR_HANDLE_INVALID, xrReleaseSwapchainImage, o.swapchain, &rel);
    XrActionCreateInfo ai = {XR_TYPE_ACTION_CREATE_INFO};
    strcpy(ai.actionName, "again");
    strcpy(ai.localizedActionName, "Again");
    ai.actionType = XR_ACTION_TYPE_BOOLEAN_INPUT;
    XrAction act;
    EXPECT(XR_ERROR_HANDLE_INVALID, xrCreateAction, o.set, &ai, &act);
    // An action handle inside a structure is checked as well.
    XrActionStateGetInfo gi = {XR_TYPE_ACTION_STATE_GET_INFO, NULL, o.action, XR_NULL_PATH};
    XrActionStateBoolean st = {XR_TYPE_ACTION_STATE_BOOLEAN};
    EXPECT(XR_ERROR_HANDLE_INVALID, xrGetActionStateBoolean, a.session, &gi, &st);
    XrActionSpaceCreateInfo asi = {XR_TYPE_ACTION_SPACE_CREATE_INFO, NULL, o.action, XR_NULL_PATH};
    asi.poseInActionSpace.orientation.w = 1;
    XrSpace sp;
    EXPECT(XR_ERROR_HANDLE_INVALID, xrCreateActionSpace, a.session, &asi, &sp);
    // A handle of another type where a session belongs (the view space).
    EXPECT(XR_ERROR_HANDLE_INVALID, xrRequestExitSession, (XrSession)(uintptr_t)o.view);
    EXPECT(XR_ERROR_HANDLE_INVALID, xrEndSession, XR_NULL_HANDLE);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    EXPECT(XR_ERROR_HANDLE_INVALID, xrWaitFrame, XR_NULL_HANDLE, NULL, &fs);
    // A destroyed session: every session function.
    XrSession old = a.session;
    EXPECT(XR_SUCCESS, xrDestroySession, old);
    a.session = XR_NULL_HANDLE;
    EXPECT(XR_ERROR_HANDLE_INVALID, xrDestroySession, old);
    EXPECT(XR_ERROR_HANDLE_INVALID, xrBeginFrame, old, NULL);
    EXPECT(XR_ERROR_HANDLE_INVALID, xrEnumerateReferenceSpaces, old, 0, &n, NULL);
    EXPECT(XR_ERROR_HANDLE_INVALID, xrLocateSpace, o.view, o.view, 1, &loc); // freed with it
    XrActionsSyncInfo sync = {XR_TYPE_ACTIONS_SYNC_INFO};
    EXPECT(XR_ERROR_HANDLE_INVALID, xrSyncActions, old, &sync);
    tapp_destroy(&a);
}

// ---- Fundamentals › Valid Usage › Implicit Valid Usage: a structure whose
// `type` is not its XrStructureType, or a NULL where a pointer is required,
// is XR_ERROR_VALIDATION_FAILURE.
STOA_TEST(wrong_structure_types_and_null_pointers_are_validation_failure)
{
    tapp a;
    objects o;
    start(&a, NULL);
    make_objects(&a, &o);
    XrSystemGetInfo sgi = {XR_TYPE_SESSION_CREATE_INFO};
    XrSystemId sys;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrGetSystem, a.instance, &sgi, &sys);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrGetSystem, a.instance, NULL, &sys);
    XrSystemProperties sp = {XR_TYPE_VIEW_STATE};
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrGetSystemProperties, a.instance, a.system, &sp);
    XrInstanceProperties ip = {XR_TYPE_SYSTEM_PROPERTIES};
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrGetInstanceProperties, a.instance, &ip);
    XrViewConfigurationProperties vp = {XR_TYPE_VIEW_STATE};
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrGetViewConfigurationProperties, a.instance, a.system,
           XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, &vp);
    XrEventDataBuffer ev = {XR_TYPE_VIEW_STATE};
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrPollEvent, a.instance, &ev);
    XrPath path;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrStringToPath, a.instance, NULL, &path);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrStringToPath, a.instance, "/user/hand/left", NULL);
    XrReferenceSpaceCreateInfo rs = {XR_TYPE_ACTION_SPACE_CREATE_INFO};
    rs.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_LOCAL;
    rs.poseInReferenceSpace.orientation.w = 1;
    XrSpace space;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrCreateReferenceSpace, a.session, &rs, &space);
    rs.type = XR_TYPE_REFERENCE_SPACE_CREATE_INFO;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrCreateReferenceSpace, a.session, &rs, NULL);
    XrSpaceLocation loc = {XR_TYPE_SPACE_VELOCITY};
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrLocateSpace, o.view, o.space, 1, &loc);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrLocateSpace, o.view, o.space, 1, NULL);
    XrSwapchainCreateInfo sc = {XR_TYPE_SESSION_CREATE_INFO};
    XrSwapchain swapchain;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrCreateSwapchain, a.session, &sc, &swapchain);
    // Flags: only the defined bits (none at all for XrSessionCreateFlags).
    sc = (XrSwapchainCreateInfo){XR_TYPE_SWAPCHAIN_CREATE_INFO};
    sc.usageFlags = XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT;
    sc.format = VK_FORMAT_R8G8B8A8_SRGB;
    sc.sampleCount = sc.faceCount = sc.arraySize = sc.mipCount = 1;
    sc.width = sc.height = 16;
    sc.createFlags = 0x100;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrCreateSwapchain, a.session, &sc, &swapchain);
    XrGraphicsBindingVulkan2KHR gb = {XR_TYPE_GRAPHICS_BINDING_VULKAN2_KHR, NULL, a.vk_instance,
                                      a.phys, a.device, a.family, 0};
    XrSessionCreateInfo sci = {XR_TYPE_SESSION_CREATE_INFO, &gb, 1, a.system};
    XrSession other;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrCreateSession, a.instance, &sci, &other);
    XrSwapchainImageAcquireInfo acq = {XR_TYPE_SWAPCHAIN_IMAGE_RELEASE_INFO};
    uint32_t index;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrAcquireSwapchainImage, o.swapchain, &acq, &index);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrAcquireSwapchainImage, o.swapchain, NULL, NULL);
    XrActionSetCreateInfo si = {XR_TYPE_ACTION_CREATE_INFO};
    XrActionSet set;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrCreateActionSet, a.instance, &si, &set);
    XrActionCreateInfo ai = {XR_TYPE_ACTION_SET_CREATE_INFO};
    XrAction act;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrCreateAction, o.set, &ai, &act);
    XrActionsSyncInfo sync = {XR_TYPE_ACTION_STATE_GET_INFO};
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrSyncActions, a.session, &sync);
    XrInteractionProfileState ps = {XR_TYPE_ACTION_STATE_BOOLEAN};
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrGetCurrentInteractionProfile, a.session,
           tapp_path(&a, "/user/hand/left"), &ps);
    XrFrameBeginInfo fbi = {XR_TYPE_FRAME_WAIT_INFO};
    XrFrameState fs = {XR_TYPE_FRAME_BEGIN_INFO};
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrWaitFrame, a.session, NULL, &fs);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrWaitFrame, a.session, NULL, NULL);
    fs.type = XR_TYPE_FRAME_STATE;
    EXPECT(XR_SUCCESS, xrWaitFrame, a.session, NULL, &fs);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrBeginFrame, a.session, &fbi);
    EXPECT(XR_SUCCESS, xrBeginFrame, a.session, NULL);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrEndFrame, a.session, NULL);
    XrViewLocateInfo vli = {XR_TYPE_VIEW_STATE, NULL, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO,
                            fs.predictedDisplayTime, o.space};
    XrViewState vs = {XR_TYPE_VIEW_STATE};
    XrView views[2] = {{XR_TYPE_VIEW}, {XR_TYPE_VIEW}};
    uint32_t n;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrLocateViews, a.session, &vli, &vs, 2, &n, views);
    tapp_destroy(&a);
}

// ---- Fundamentals › Buffer Size Parameters: capacity 0 asks for the count
// (XR_SUCCESS); a capacity below it is XR_ERROR_SIZE_INSUFFICIENT and still
// reports the count; a non-zero capacity needs the array and every call
// needs the count pointer (XR_ERROR_VALIDATION_FAILURE otherwise).
STOA_TEST(every_two_call_function_follows_the_buffer_size_rules)
{
    tapp a;
    objects o;
    start(&a, NULL);
    make_objects(&a, &o);
    uint32_t n = 0;
    XrViewConfigurationView cv[1] = {{XR_TYPE_VIEW_CONFIGURATION_VIEW}};
    const XrViewConfigurationType stereo = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
    EXPECT(XR_SUCCESS, xrEnumerateViewConfigurationViews, a.instance, a.system, stereo, 0, &n, NULL);
    CHECK(n == 2);
    n = 0;
    EXPECT(XR_ERROR_SIZE_INSUFFICIENT, xrEnumerateViewConfigurationViews, a.instance, a.system,
           stereo, 1, &n, cv);
    CHECK(n == 2);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrEnumerateViewConfigurationViews, a.instance, a.system,
           stereo, 2, &n, NULL);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrEnumerateViewConfigurationViews, a.instance, a.system,
           stereo, 0, NULL, NULL);
    XrReferenceSpaceType types[1];
    EXPECT(XR_SUCCESS, xrEnumerateReferenceSpaces, a.session, 0, &n, NULL);
    CHECK(n >= 3);
    uint32_t want = n;
    EXPECT(XR_ERROR_SIZE_INSUFFICIENT, xrEnumerateReferenceSpaces, a.session, 1, &n, types);
    CHECK(n == want);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrEnumerateReferenceSpaces, a.session, 4, &n, NULL);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrEnumerateReferenceSpaces, a.session, 0, NULL, NULL);
    int64_t formats[1];
    EXPECT(XR_SUCCESS, xrEnumerateSwapchainFormats, a.session, 0, &n, NULL);
    CHECK(n > 1);
    want = n;
    EXPECT(XR_ERROR_SIZE_INSUFFICIENT, xrEnumerateSwapchainFormats, a.session, 1, &n, formats);
    CHECK(n == want);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrEnumerateSwapchainFormats, a.session, 8, &n, NULL);
    XrSwapchainImageVulkan2KHR images[1] = {{XR_TYPE_SWAPCHAIN_IMAGE_VULKAN2_KHR}};
    EXPECT(XR_SUCCESS, xrEnumerateSwapchainImages, o.swapchain, 0, &n, NULL);
    CHECK(n == 3);
    EXPECT(XR_ERROR_SIZE_INSUFFICIENT, xrEnumerateSwapchainImages, o.swapchain, 1, &n,
           (XrSwapchainImageBaseHeader *)images);
    CHECK(n == 3);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrEnumerateSwapchainImages, o.swapchain, 3, &n, NULL);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrEnumerateSwapchainImages, o.swapchain, 0, NULL, NULL);
    char text[4];
    XrPath p = tapp_path(&a, "/user/hand/left");
    EXPECT(XR_SUCCESS, xrPathToString, a.instance, p, 0, &n, NULL);
    CHECK(n == strlen("/user/hand/left") + 1);
    EXPECT(XR_ERROR_SIZE_INSUFFICIENT, xrPathToString, a.instance, p, sizeof text, &n, text);
    CHECK(n == strlen("/user/hand/left") + 1);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrPathToString, a.instance, p, 64, &n, NULL);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    EXPECT(XR_SUCCESS, xrWaitFrame, a.session, NULL, &fs);
    XrViewLocateInfo vli = {XR_TYPE_VIEW_LOCATE_INFO, NULL, stereo, fs.predictedDisplayTime,
                            o.space};
    XrViewState vs = {XR_TYPE_VIEW_STATE};
    XrView views[1] = {{XR_TYPE_VIEW}};
    EXPECT(XR_SUCCESS, xrLocateViews, a.session, &vli, &vs, 0, &n, NULL);
    CHECK(n == 2);
    n = 0;
    EXPECT(XR_ERROR_SIZE_INSUFFICIENT, xrLocateViews, a.session, &vli, &vs, 1, &n, views);
    CHECK(n == 2);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrLocateViews, a.session, &vli, &vs, 2, &n, NULL);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrLocateViews, a.session, &vli, &vs, 0, NULL, NULL);
    tapp_destroy(&a);
}

// ---- Session Lifecycle › XR_SESSION_STATE_LOSS_PENDING; Return Codes
// (XR_SESSION_LOSS_PENDING, XR_ERROR_SESSION_LOST): while the loss is
// pending, a session function that succeeds says so with
// XR_SESSION_LOSS_PENDING wherever its registry entry lists it; once the app
// has been told (the event polled), every function on the session and its
// children is XR_ERROR_SESSION_LOST, and destroying them still works.
STOA_TEST(session_loss_reaches_every_session_function)
{
    tapp a;
    objects o;
    start(&a, "events:\n  - {t: 0.03, do: lose_session}\n");
    make_objects(&a, &o);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    XrResult r = XR_SUCCESS;
    for (int i = 0; i < 20 && r == XR_SUCCESS; i++) {
        r = xrWaitFrame(a.session, NULL, &fs);
        if (r == XR_SUCCESS) {
            EXPECT(XR_SUCCESS, xrBeginFrame, a.session, NULL);
            XrFrameEndInfo end = {XR_TYPE_FRAME_END_INFO, NULL, fs.predictedDisplayTime,
                                  XR_ENVIRONMENT_BLEND_MODE_OPAQUE, 0, NULL};
            EXPECT(XR_SUCCESS, xrEndFrame, a.session, &end);
        }
    }
    CHECK(r == XR_SESSION_LOSS_PENDING);
    // Pending: the calls still work and report the coming loss.
    EXPECT(pending("xrBeginFrame"), xrBeginFrame, a.session, NULL);
    XrFrameEndInfo end = {XR_TYPE_FRAME_END_INFO, NULL, fs.predictedDisplayTime,
                          XR_ENVIRONMENT_BLEND_MODE_OPAQUE, 0, NULL};
    EXPECT(pending("xrEndFrame"), xrEndFrame, a.session, &end);
    XrSpaceLocation loc = {XR_TYPE_SPACE_LOCATION};
    EXPECT(pending("xrLocateSpace"), xrLocateSpace, o.view, o.space, fs.predictedDisplayTime,
           &loc);
    uint32_t n = 0;
    EXPECT(pending("xrEnumerateReferenceSpaces"), xrEnumerateReferenceSpaces, a.session, 0, &n,
           NULL);
    EXPECT(pending("xrEnumerateSwapchainImages"), xrEnumerateSwapchainImages, o.swapchain, 0, &n,
           NULL);
    XrExtent2Df bounds;
    EXPECT(pending("xrGetReferenceSpaceBoundsRect"), xrGetReferenceSpaceBoundsRect, a.session,
           XR_REFERENCE_SPACE_TYPE_STAGE, &bounds);
    // Told: lost for good.
    tapp_poll(&a);
    CHECK(a.state == XR_SESSION_STATE_LOSS_PENDING);
    EXPECT(XR_ERROR_SESSION_LOST, xrWaitFrame, a.session, NULL, &fs);
    EXPECT(XR_ERROR_SESSION_LOST, xrBeginFrame, a.session, NULL);
    EXPECT(XR_ERROR_SESSION_LOST, xrEndFrame, a.session, &end);
    EXPECT(XR_ERROR_SESSION_LOST, xrLocateSpace, o.view, o.space, fs.predictedDisplayTime, &loc);
    EXPECT(XR_ERROR_SESSION_LOST, xrEnumerateReferenceSpaces, a.session, 0, &n, NULL);
    EXPECT(XR_ERROR_SESSION_LOST, xrEnumerateSwapchainImages, o.swapchain, 0, &n, NULL);
    uint32_t index;
    XrSwapchainImageAcquireInfo acq = {XR_TYPE_SWAPCHAIN_IMAGE_ACQUIRE_INFO};
    EXPECT(XR_ERROR_SESSION_LOST, xrAcquireSwapchainImage, o.swapchain, &acq, &index);
    XrActionsSyncInfo sync = {XR_TYPE_ACTIONS_SYNC_INFO};
    EXPECT(XR_ERROR_SESSION_LOST, xrSyncActions, a.session, &sync);
    XrSessionActionSetsAttachInfo att = {XR_TYPE_SESSION_ACTION_SETS_ATTACH_INFO, NULL, 1, &o.set};
    EXPECT(XR_ERROR_SESSION_LOST, xrAttachSessionActionSets, a.session, &att);
    EXPECT(XR_ERROR_SESSION_LOST, xrRequestExitSession, a.session);
    EXPECT(XR_ERROR_SESSION_LOST, xrEndSession, a.session);
    XrReferenceSpaceCreateInfo rs = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    rs.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_LOCAL;
    rs.poseInReferenceSpace.orientation.w = 1;
    XrSpace sp;
    EXPECT(XR_ERROR_SESSION_LOST, xrCreateReferenceSpace, a.session, &rs, &sp);
    // Instance functions are not affected; destroying the children works.
    XrPath p;
    EXPECT(XR_SUCCESS, xrStringToPath, a.instance, "/user/head", &p);
    EXPECT(XR_SUCCESS, xrDestroySpace, o.space);
    EXPECT(XR_SUCCESS, xrDestroySwapchain, o.swapchain);
    EXPECT(XR_SUCCESS, xrDestroySession, a.session);
    a.session = XR_NULL_HANDLE;
    tapp_destroy(&a);
}

// ---- Instance Lifecycle › XrEventDataInstanceLossPending; Return Codes
// (XR_ERROR_INSTANCE_LOST): once the app has polled the loss, every function
// on the instance and on everything made from it is XR_ERROR_INSTANCE_LOST,
// except the destroy functions, which still succeed.
STOA_TEST(instance_loss_reaches_every_function)
{
    tapp a;
    objects o;
    start(&a, "events:\n  - {t: 0.02, do: lose_instance}\n");
    make_objects(&a, &o);
    for (int i = 0; i < 20 && a.instance_losses == 0; i++) {
        tapp_poll(&a);
        if (a.instance_losses == 0)
            CHECK(XR_SUCCEEDED(tapp_frame(&a, NULL)));
    }
    CHECK(a.instance_losses == 1);
    XrEventDataBuffer ev = {XR_TYPE_EVENT_DATA_BUFFER};
    EXPECT(XR_ERROR_INSTANCE_LOST, xrPollEvent, a.instance, &ev);
    XrInstanceProperties ip = {XR_TYPE_INSTANCE_PROPERTIES};
    EXPECT(XR_ERROR_INSTANCE_LOST, xrGetInstanceProperties, a.instance, &ip);
    XrSystemGetInfo sgi = {XR_TYPE_SYSTEM_GET_INFO, NULL, XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY};
    XrSystemId sys;
    EXPECT(XR_ERROR_INSTANCE_LOST, xrGetSystem, a.instance, &sgi, &sys);
    XrPath p;
    EXPECT(XR_ERROR_INSTANCE_LOST, xrStringToPath, a.instance, "/user/head", &p);
    char text[XR_MAX_RESULT_STRING_SIZE];
    EXPECT(XR_ERROR_INSTANCE_LOST, xrResultToString, a.instance, XR_SUCCESS, text);
    XrActionSetCreateInfo si = {XR_TYPE_ACTION_SET_CREATE_INFO};
    strcpy(si.actionSetName, "other");
    strcpy(si.localizedActionSetName, "Other");
    XrActionSet set;
    EXPECT(XR_ERROR_INSTANCE_LOST, xrCreateActionSet, a.instance, &si, &set);
    XrActionCreateInfo ai = {XR_TYPE_ACTION_CREATE_INFO};
    strcpy(ai.actionName, "other");
    strcpy(ai.localizedActionName, "Other");
    ai.actionType = XR_ACTION_TYPE_BOOLEAN_INPUT;
    XrAction act;
    EXPECT(XR_ERROR_INSTANCE_LOST, xrCreateAction, o.set, &ai, &act);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    EXPECT(XR_ERROR_INSTANCE_LOST, xrWaitFrame, a.session, NULL, &fs);
    XrSpaceLocation loc = {XR_TYPE_SPACE_LOCATION};
    EXPECT(XR_ERROR_INSTANCE_LOST, xrLocateSpace, o.view, o.space, 1, &loc);
    uint32_t n;
    EXPECT(XR_ERROR_INSTANCE_LOST, xrEnumerateSwapchainImages, o.swapchain, 0, &n, NULL);
    EXPECT(XR_SUCCESS, xrDestroyAction, o.action);
    EXPECT(XR_SUCCESS, xrDestroyActionSet, o.set);
    EXPECT(XR_SUCCESS, xrDestroySpace, o.space);
    EXPECT(XR_SUCCESS, xrDestroySwapchain, o.swapchain);
    EXPECT(XR_SUCCESS, xrDestroySession, a.session);
    a.session = XR_NULL_HANDLE;
    tapp_destroy(&a);
}

// ---- The registry table itself (gen_result_table.py): present for every
// function xrsim offers, and as the registry lists them.
STOA_TEST(registry_table_lists_each_function)
{
    CHECK(xrsim_result_rule_count >= 55 + 1 + 4 + 4 + 2); // 1.0, 1.1, two Vulkan bindings, timespec
    const xrsim_result_rule *wait = xrsim_result_rule_find("xrWaitFrame");
    CHECK(wait && xrsim_result_allowed(wait, XR_SESSION_LOSS_PENDING));
    CHECK(wait && !xrsim_result_allowed(wait, XR_ERROR_PATH_INVALID));
    const xrsim_result_rule *destroy = xrsim_result_rule_find("xrDestroySpace");
    CHECK(destroy && destroy->count == 2 && xrsim_result_allowed(destroy, XR_ERROR_HANDLE_INVALID));
    const xrsim_result_rule *vk = xrsim_result_rule_find("xrCreateVulkanInstanceKHR");
    CHECK(vk && !xrsim_result_allowed(vk, XR_ERROR_GRAPHICS_REQUIREMENTS_CALL_MISSING));
    CHECK(xrsim_result_rule_find("xrLocateSpaces") != NULL);
    CHECK(xrsim_result_rule_find("xrGetVulkanGraphicsRequirements2KHR") != NULL);
    CHECK(xrsim_result_rule_find("xrNoSuchFunction") == NULL);
}

STOA_TEST_MAIN()
