// SPDX-License-Identifier: Apache-2.0
// Each misuse of the API gets the XrResult the specification names, and
// lands in the summary's list of errors the app caused.
#include "stoa_test.h"
#include "xrsim_test_app.h"

static XrResult begin(tapp *a, XrViewConfigurationType t)
{
    XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO};
    bi.primaryViewConfigurationType = t;
    return xrBeginSession(a->session, &bi);
}

static XrSwapchain swapchain(tapp *a, int64_t format, uint32_t array, XrResult *r)
{
    XrSwapchainCreateInfo ci = {XR_TYPE_SWAPCHAIN_CREATE_INFO};
    ci.usageFlags = XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT;
    ci.format = format;
    ci.sampleCount = 1;
    ci.width = 64;
    ci.height = 64;
    ci.faceCount = 1;
    ci.arraySize = array;
    ci.mipCount = 1;
    XrSwapchain sc = XR_NULL_HANDLE;
    *r = xrCreateSwapchain(a->session, &ci, &sc);
    return sc;
}

STOA_TEST(frame_and_session_call_order)
{
    tapp a;
    tapp_env(&a, true);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    CHECK(xrWaitFrame(a.session, NULL, &fs) == XR_ERROR_SESSION_NOT_RUNNING);
    tapp_poll(&a);
    CHECK(begin(&a, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_MONO) ==
          XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED);
    CHECK(begin(&a, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO) == XR_SUCCESS);
    CHECK(begin(&a, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO) == XR_ERROR_SESSION_RUNNING);
    CHECK(xrBeginFrame(a.session, NULL) == XR_ERROR_CALL_ORDER_INVALID);
    XrFrameEndInfo end = {XR_TYPE_FRAME_END_INFO};
    end.environmentBlendMode = XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
    end.displayTime = 1;
    CHECK(xrEndFrame(a.session, &end) == XR_ERROR_CALL_ORDER_INVALID);
    CHECK(xrWaitFrame(a.session, NULL, &fs) == XR_SUCCESS);
    CHECK(xrBeginFrame(a.session, NULL) == XR_SUCCESS);
    CHECK(xrWaitFrame(a.session, NULL, &fs) == XR_SUCCESS);
    CHECK(xrBeginFrame(a.session, NULL) == XR_FRAME_DISCARDED); // the last frame never ended
    end.displayTime = 0;
    CHECK(xrEndFrame(a.session, &end) == XR_ERROR_TIME_INVALID);
    end.displayTime = fs.predictedDisplayTime;
    end.environmentBlendMode = XR_ENVIRONMENT_BLEND_MODE_ADDITIVE;
    CHECK(xrEndFrame(a.session, &end) == XR_ERROR_ENVIRONMENT_BLEND_MODE_UNSUPPORTED);
    end.environmentBlendMode = XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
    CHECK(xrEndFrame(a.session, &end) == XR_SUCCESS);
    CHECK(xrEndFrame(a.session, &end) == XR_ERROR_CALL_ORDER_INVALID);
    CHECK(xrRequestExitSession(a.session) == XR_SUCCESS);
    CHECK(xrEndSession(a.session) == XR_SUCCESS);
    CHECK(begin(&a, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO) == XR_ERROR_SESSION_NOT_READY);
    tapp_destroy(&a);
    cJSON *s = tapp_summary(&a);
    CHECK(tapp_summary_has_error(s, "xrBeginFrame", "XR_ERROR_CALL_ORDER_INVALID"));
    CHECK(tapp_summary_has_error(s, "xrEndFrame", "XR_ERROR_CALL_ORDER_INVALID"));
    CHECK(tapp_summary_has_error(s, "xrWaitFrame", "XR_ERROR_SESSION_NOT_RUNNING"));
    CHECK(tapp_summary_has_error(s, "xrBeginSession", "XR_ERROR_SESSION_RUNNING"));
    CHECK(tapp_summary_has_error(s, "xrEndFrame", "XR_ERROR_TIME_INVALID"));
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "frames"), "dropped")) == 1);
    cJSON_Delete(s);
}

STOA_TEST(swapchain_misuse)
{
    tapp a;
    tapp_env(&a, false);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    XrResult r;
    swapchain(&a, VK_FORMAT_R5G6B5_UNORM_PACK16, 1, &r);
    CHECK(r == XR_ERROR_SWAPCHAIN_FORMAT_UNSUPPORTED);
    swapchain(&a, VK_FORMAT_R8G8B8A8_SRGB, 0, &r);
    CHECK(r == XR_ERROR_VALIDATION_FAILURE);
    XrSwapchain sc = swapchain(&a, VK_FORMAT_R8G8B8A8_SRGB, 1, &r);
    CHECK(r == XR_SUCCESS);
    XrSwapchainImageWaitInfo wi = {XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO, NULL, XR_INFINITE_DURATION};
    CHECK(xrWaitSwapchainImage(sc, &wi) == XR_ERROR_CALL_ORDER_INVALID);
    CHECK(xrReleaseSwapchainImage(sc, NULL) == XR_ERROR_CALL_ORDER_INVALID);
    uint32_t idx[4];
    uint32_t count = 0;
    CHECK(xrEnumerateSwapchainImages(sc, 0, &count, NULL) == XR_SUCCESS && count == 3);
    for (int i = 0; i < 3; i++)
        CHECK(xrAcquireSwapchainImage(sc, NULL, &idx[i]) == XR_SUCCESS);
    CHECK(idx[0] == 0 && idx[1] == 1 && idx[2] == 2);
    CHECK(xrAcquireSwapchainImage(sc, NULL, &idx[3]) == XR_ERROR_CALL_ORDER_INVALID);
    CHECK(xrReleaseSwapchainImage(sc, NULL) == XR_ERROR_CALL_ORDER_INVALID); // not waited
    CHECK(xrWaitSwapchainImage(sc, &wi) == XR_SUCCESS);
    CHECK(xrWaitSwapchainImage(sc, &wi) == XR_ERROR_CALL_ORDER_INVALID);
    CHECK(xrReleaseSwapchainImage(sc, NULL) == XR_SUCCESS);
    CHECK(xrDestroySwapchain(sc) == XR_SUCCESS);
    CHECK(xrAcquireSwapchainImage(sc, NULL, &idx[0]) == XR_ERROR_HANDLE_INVALID);
    tapp_destroy(&a);
}

static void projection(XrCompositionLayerProjectionView v[2], XrSwapchain sc, XrSpace space,
                       XrCompositionLayerProjection *layer)
{
    for (int i = 0; i < 2; i++) {
        v[i] = (XrCompositionLayerProjectionView){XR_TYPE_COMPOSITION_LAYER_PROJECTION_VIEW};
        v[i].pose.orientation.w = 1;
        v[i].subImage.swapchain = sc;
        v[i].subImage.imageRect.extent = (XrExtent2Di){64, 64};
    }
    *layer = (XrCompositionLayerProjection){XR_TYPE_COMPOSITION_LAYER_PROJECTION};
    layer->space = space;
    layer->viewCount = 2;
    layer->views = v;
}

STOA_TEST(layer_misuse)
{
    tapp a;
    tapp_env(&a, true);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(begin(&a, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO) == XR_SUCCESS);
    XrResult r;
    XrSwapchain sc = swapchain(&a, VK_FORMAT_R8G8B8A8_SRGB, 1, &r);
    XrReferenceSpaceCreateInfo ri = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    ri.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_LOCAL;
    ri.poseInReferenceSpace.orientation.w = 1;
    XrSpace local;
    CHECK(xrCreateReferenceSpace(a.session, &ri, &local) == XR_SUCCESS);
    XrCompositionLayerProjectionView views[2];
    XrCompositionLayerProjection layer;
    projection(views, sc, local, &layer);
    const XrCompositionLayerBaseHeader *layers[] = {(XrCompositionLayerBaseHeader *)&layer};
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    CHECK(xrWaitFrame(a.session, NULL, &fs) == XR_SUCCESS);
    CHECK(xrBeginFrame(a.session, NULL) == XR_SUCCESS);
    XrFrameEndInfo end = {XR_TYPE_FRAME_END_INFO, NULL, fs.predictedDisplayTime,
                          XR_ENVIRONMENT_BLEND_MODE_OPAQUE, 1, layers};
    CHECK(xrEndFrame(a.session, &end) == XR_ERROR_LAYER_INVALID); // nothing released yet
    uint32_t i;
    XrSwapchainImageWaitInfo wi = {XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO, NULL, XR_INFINITE_DURATION};
    CHECK(xrAcquireSwapchainImage(sc, NULL, &i) == XR_SUCCESS);
    CHECK(xrWaitSwapchainImage(sc, &wi) == XR_SUCCESS);
    CHECK(xrReleaseSwapchainImage(sc, NULL) == XR_SUCCESS);
    views[1].subImage.imageRect.offset.x = 1;
    CHECK(xrEndFrame(a.session, &end) == XR_ERROR_SWAPCHAIN_RECT_INVALID);
    views[1].subImage.imageRect.offset.x = 0;
    views[1].subImage.imageArrayIndex = 1;
    CHECK(xrEndFrame(a.session, &end) == XR_ERROR_VALIDATION_FAILURE);
    views[1].subImage.imageArrayIndex = 0;
    layer.viewCount = 1;
    CHECK(xrEndFrame(a.session, &end) == XR_ERROR_VALIDATION_FAILURE);
    layer.viewCount = 2;
    XrCompositionLayerCylinderKHR cyl = {XR_TYPE_COMPOSITION_LAYER_CYLINDER_KHR};
    const XrCompositionLayerBaseHeader *odd[] = {(XrCompositionLayerBaseHeader *)&cyl};
    end.layers = odd;
    CHECK(xrEndFrame(a.session, &end) == XR_ERROR_LAYER_INVALID);
    end.layers = layers;
    CHECK(xrEndFrame(a.session, &end) == XR_SUCCESS);
    // A destroyed space is a stale handle, not a crash.
    CHECK(xrDestroySpace(local) == XR_SUCCESS);
    XrSpaceLocation loc = {XR_TYPE_SPACE_LOCATION};
    XrSpace view;
    ri.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_VIEW;
    CHECK(xrCreateReferenceSpace(a.session, &ri, &view) == XR_SUCCESS);
    CHECK(xrLocateSpace(view, local, fs.predictedDisplayTime, &loc) == XR_ERROR_HANDLE_INVALID);
    CHECK(xrLocateSpace(view, view, 0, &loc) == XR_ERROR_TIME_INVALID);
    ri.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_UNBOUNDED_MSFT;
    CHECK(xrCreateReferenceSpace(a.session, &ri, &view) == XR_ERROR_REFERENCE_SPACE_UNSUPPORTED);
    ri.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_STAGE;
    ri.poseInReferenceSpace.orientation.w = 2;
    CHECK(xrCreateReferenceSpace(a.session, &ri, &view) == XR_ERROR_POSE_INVALID);
    tapp_destroy(&a);
    cJSON *s = tapp_summary(&a);
    CHECK(tapp_summary_has_error(s, "xrEndFrame", "XR_ERROR_LAYER_INVALID"));
    CHECK(tapp_summary_has_error(s, "xrEndFrame", "XR_ERROR_SWAPCHAIN_RECT_INVALID"));
    cJSON *f = cJSON_GetObjectItem(s, "frames");
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(f, "layers_per_frame"),
                                                   "1")) == 1);
    cJSON_Delete(s);
}

STOA_TEST(action_misuse)
{
    tapp a;
    tapp_env(&a, false);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    XrPath p;
    CHECK(xrStringToPath(a.instance, "no/leading/slash", &p) == XR_ERROR_PATH_FORMAT_INVALID);
    CHECK(xrStringToPath(a.instance, "/user//hand", &p) == XR_ERROR_PATH_FORMAT_INVALID);
    char buf[64];
    uint32_t n;
    CHECK(xrPathToString(a.instance, 987654, sizeof buf, &n, buf) == XR_ERROR_PATH_INVALID);
    XrActionSetCreateInfo si = {XR_TYPE_ACTION_SET_CREATE_INFO};
    snprintf(si.actionSetName, sizeof si.actionSetName, "Bad Name");
    snprintf(si.localizedActionSetName, sizeof si.localizedActionSetName, "Set");
    XrActionSet set;
    CHECK(xrCreateActionSet(a.instance, &si, &set) == XR_ERROR_PATH_FORMAT_INVALID);
    snprintf(si.actionSetName, sizeof si.actionSetName, "set");
    CHECK(xrCreateActionSet(a.instance, &si, &set) == XR_SUCCESS);
    XrActionSet twin;
    CHECK(xrCreateActionSet(a.instance, &si, &twin) == XR_ERROR_NAME_DUPLICATED);
    XrActionCreateInfo ci = {XR_TYPE_ACTION_CREATE_INFO};
    snprintf(ci.actionName, sizeof ci.actionName, "press");
    snprintf(ci.localizedActionName, sizeof ci.localizedActionName, "Press");
    ci.actionType = XR_ACTION_TYPE_BOOLEAN_INPUT;
    XrPath bad = tapp_path(&a, "/user/hand/left/input");
    ci.countSubactionPaths = 1;
    ci.subactionPaths = &bad;
    XrAction act;
    CHECK(xrCreateAction(set, &ci, &act) == XR_ERROR_PATH_UNSUPPORTED);
    ci.countSubactionPaths = 0;
    CHECK(xrCreateAction(set, &ci, &act) == XR_SUCCESS);
    XrInteractionProfileState ps = {XR_TYPE_INTERACTION_PROFILE_STATE};
    CHECK(xrGetCurrentInteractionProfile(a.session, tapp_path(&a, "/user/hand/left"), &ps) ==
          XR_ERROR_ACTIONSET_NOT_ATTACHED);
    XrActiveActionSet as = {set, XR_NULL_PATH};
    XrActionsSyncInfo sync = {XR_TYPE_ACTIONS_SYNC_INFO, NULL, 1, &as};
    CHECK(xrSyncActions(a.session, &sync) == XR_ERROR_ACTIONSET_NOT_ATTACHED);
    XrSessionActionSetsAttachInfo ai = {XR_TYPE_SESSION_ACTION_SETS_ATTACH_INFO, NULL, 1, &set};
    CHECK(xrAttachSessionActionSets(a.session, &ai) == XR_SUCCESS);
    CHECK(xrAttachSessionActionSets(a.session, &ai) == XR_ERROR_ACTIONSETS_ALREADY_ATTACHED);
    snprintf(ci.actionName, sizeof ci.actionName, "late");
    snprintf(ci.localizedActionName, sizeof ci.localizedActionName, "Late");
    XrAction late;
    CHECK(xrCreateAction(set, &ci, &late) == XR_ERROR_ACTIONSETS_ALREADY_ATTACHED);
    XrActionSuggestedBinding b = {act, tapp_path(&a, "/user/hand/left/input/select/click")};
    XrInteractionProfileSuggestedBinding sb = {XR_TYPE_INTERACTION_PROFILE_SUGGESTED_BINDING};
    sb.interactionProfile = tapp_path(&a, "/interaction_profiles/khr/simple_controller");
    sb.countSuggestedBindings = 1;
    sb.suggestedBindings = &b;
    CHECK(xrSuggestInteractionProfileBindings(a.instance, &sb) ==
          XR_ERROR_ACTIONSETS_ALREADY_ATTACHED);
    // Not FOCUSED yet: sync succeeds but says so.
    CHECK(xrSyncActions(a.session, &sync) == XR_SESSION_NOT_FOCUSED);
    XrActionStateGetInfo gi = {XR_TYPE_ACTION_STATE_GET_INFO, NULL, act, XR_NULL_PATH};
    XrActionStateFloat f = {XR_TYPE_ACTION_STATE_FLOAT};
    CHECK(xrGetActionStateFloat(a.session, &gi, &f) == XR_ERROR_ACTION_TYPE_MISMATCH);
    gi.subactionPath = tapp_path(&a, "/user/hand/left");
    XrActionStateBoolean bs = {XR_TYPE_ACTION_STATE_BOOLEAN};
    CHECK(xrGetActionStateBoolean(a.session, &gi, &bs) == XR_ERROR_PATH_UNSUPPORTED);
    tapp_destroy(&a);
}

STOA_TEST(instance_and_system_misuse)
{
    tapp a;
    tapp_env(&a, false);
    const char *ext[] = {"XR_ACME_teleporter"};
    XrInstanceCreateInfo ci = {XR_TYPE_INSTANCE_CREATE_INFO};
    snprintf(ci.applicationInfo.applicationName, sizeof ci.applicationInfo.applicationName, "t");
    ci.applicationInfo.apiVersion = XR_MAKE_VERSION(1, 0, 0);
    ci.enabledExtensionCount = 1;
    ci.enabledExtensionNames = ext;
    XrInstance inst;
    CHECK(xrCreateInstance(&ci, &inst) == XR_ERROR_EXTENSION_NOT_PRESENT);
    ci.enabledExtensionCount = 0;
    CHECK(xrCreateInstance(&ci, &inst) == XR_SUCCESS);
    XrSystemGetInfo si = {XR_TYPE_SYSTEM_GET_INFO, NULL, XR_FORM_FACTOR_HANDHELD_DISPLAY};
    XrSystemId sys;
    CHECK(xrGetSystem(inst, &si, &sys) == XR_ERROR_FORM_FACTOR_UNSUPPORTED);
    si.formFactor = XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY;
    CHECK(xrGetSystem(inst, &si, &sys) == XR_SUCCESS);
    XrGraphicsBindingVulkan2KHR b = {XR_TYPE_GRAPHICS_BINDING_VULKAN2_KHR};
    XrSessionCreateInfo sci = {XR_TYPE_SESSION_CREATE_INFO, &b, 0, sys};
    XrSession s;
    CHECK(xrCreateSession(inst, &sci, &s) == XR_ERROR_GRAPHICS_REQUIREMENTS_CALL_MISSING);
    PFN_xrVoidFunction fn;
    CHECK(xrGetInstanceProcAddr(inst, "xrCreateVulkanInstanceKHR", &fn) ==
          XR_ERROR_FUNCTION_UNSUPPORTED); // extension not enabled
    uint32_t n = 0;
    XrViewConfigurationView views[2] = {{XR_TYPE_VIEW_CONFIGURATION_VIEW},
                                        {XR_TYPE_VIEW_CONFIGURATION_VIEW}};
    CHECK(xrEnumerateViewConfigurationViews(inst, sys, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO,
                                            1, &n, views) == XR_ERROR_SIZE_INSUFFICIENT);
    CHECK(xrEnumerateViewConfigurationViews(inst, sys, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO,
                                            2, &n, views) == XR_SUCCESS);
    CHECK(n == 2 && views[0].recommendedImageRectWidth == 64);
    CHECK(xrDestroyInstance(inst) == XR_SUCCESS);
}

// §10.1.2 xrCreateSwapchain: a combination the system cannot create is
// XR_ERROR_FEATURE_UNSUPPORTED (never an invalid Vulkan call or
// XR_ERROR_RUNTIME_FAILURE). Storage use of an sRGB format is such a
// combination on lavapipe; on a device that has it, it must work.
STOA_TEST(swapchain_the_device_cannot_make_is_feature_unsupported)
{
    tapp a;
    tapp_env(&a, false);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    VkImageFormatProperties p;
    const bool has = vkGetPhysicalDeviceImageFormatProperties(
                         a.phys, VK_FORMAT_R8G8B8A8_SRGB, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL,
                         VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT, 0,
                         &p) == VK_SUCCESS;
    XrSwapchainCreateInfo ci = {XR_TYPE_SWAPCHAIN_CREATE_INFO};
    ci.usageFlags = XR_SWAPCHAIN_USAGE_UNORDERED_ACCESS_BIT;
    ci.format = VK_FORMAT_R8G8B8A8_SRGB;
    ci.sampleCount = ci.faceCount = ci.arraySize = ci.mipCount = 1;
    ci.width = ci.height = 16;
    XrSwapchain sc = XR_NULL_HANDLE;
    XrResult r = xrCreateSwapchain(a.session, &ci, &sc);
    CHECK_MSG(r == (has ? XR_SUCCESS : XR_ERROR_FEATURE_UNSUPPORTED), "got %d", (int)r);
    if (r == XR_SUCCESS)
        xrDestroySwapchain(sc);
    tapp_destroy(&a);
}

STOA_TEST_MAIN()
