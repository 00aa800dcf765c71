// SPDX-License-Identifier: Apache-2.0
// The OpenXR entry points xrsim implements, each named xrsim_<xrFunction>,
// with the exact prototype of the OpenXR function (taken from the headers
// with __typeof__, so a mismatch is a compile error). Reached only through
// xrGetInstanceProcAddr; nothing here is exported from the library.
#pragma once

#include "xrsim_internal.h"

#define XRSIM_CORE_FUNCTIONS(X)                                                                    \
    X(xrGetInstanceProcAddr) X(xrEnumerateApiLayerProperties)                                     \
    X(xrEnumerateInstanceExtensionProperties) X(xrCreateInstance) X(xrDestroyInstance)             \
    X(xrGetInstanceProperties) X(xrPollEvent) X(xrResultToString) X(xrStructureTypeToString)       \
    X(xrGetSystem) X(xrGetSystemProperties) X(xrEnumerateEnvironmentBlendModes)                    \
    X(xrCreateSession) X(xrDestroySession) X(xrEnumerateReferenceSpaces)                           \
    X(xrCreateReferenceSpace) X(xrGetReferenceSpaceBoundsRect) X(xrCreateActionSpace)              \
    X(xrLocateSpace) X(xrDestroySpace) X(xrEnumerateViewConfigurations)                            \
    X(xrGetViewConfigurationProperties) X(xrEnumerateViewConfigurationViews)                       \
    X(xrEnumerateSwapchainFormats) X(xrCreateSwapchain) X(xrDestroySwapchain)                      \
    X(xrEnumerateSwapchainImages) X(xrAcquireSwapchainImage) X(xrWaitSwapchainImage)               \
    X(xrReleaseSwapchainImage) X(xrBeginSession) X(xrEndSession) X(xrRequestExitSession)           \
    X(xrWaitFrame) X(xrBeginFrame) X(xrEndFrame) X(xrLocateViews) X(xrStringToPath)                \
    X(xrPathToString) X(xrCreateActionSet) X(xrDestroyActionSet) X(xrCreateAction)                 \
    X(xrDestroyAction) X(xrSuggestInteractionProfileBindings) X(xrAttachSessionActionSets)         \
    X(xrGetCurrentInteractionProfile) X(xrGetActionStateBoolean) X(xrGetActionStateFloat)          \
    X(xrGetActionStateVector2f) X(xrGetActionStatePose) X(xrSyncActions)                           \
    X(xrEnumerateBoundSourcesForAction) X(xrGetInputSourceLocalizedName)                           \
    X(xrApplyHapticFeedback) X(xrStopHapticFeedback)

#define XRSIM_VK1_FUNCTIONS(X)                                                                     \
    X(xrGetVulkanInstanceExtensionsKHR) X(xrGetVulkanDeviceExtensionsKHR)                          \
    X(xrGetVulkanGraphicsDeviceKHR) X(xrGetVulkanGraphicsRequirementsKHR)

#define XRSIM_VK2_FUNCTIONS(X)                                                                     \
    X(xrCreateVulkanInstanceKHR) X(xrCreateVulkanDeviceKHR) X(xrGetVulkanGraphicsDevice2KHR)       \
    X(xrGetVulkanGraphicsRequirements2KHR)

#define XRSIM_TIMESPEC_FUNCTIONS(X) X(xrConvertTimespecTimeToTimeKHR) X(xrConvertTimeToTimespecTimeKHR)

#define XRSIM_FB_PASSTHROUGH_FUNCTIONS(X)                                                          \
    X(xrCreatePassthroughFB) X(xrDestroyPassthroughFB) X(xrPassthroughStartFB)                     \
    X(xrPassthroughPauseFB) X(xrCreatePassthroughLayerFB) X(xrDestroyPassthroughLayerFB)           \
    X(xrPassthroughLayerPauseFB) X(xrPassthroughLayerResumeFB) X(xrPassthroughLayerSetStyleFB)     \
    X(xrCreateGeometryInstanceFB) X(xrDestroyGeometryInstanceFB)                                   \
    X(xrGeometryInstanceSetTransformFB)

#define XRSIM_PLANE_FUNCTIONS(X)                                                                   \
    X(xrCreatePlaneDetectorEXT) X(xrDestroyPlaneDetectorEXT) X(xrBeginPlaneDetectionEXT)           \
    X(xrGetPlaneDetectionStateEXT) X(xrGetPlaneDetectionsEXT) X(xrGetPlanePolygonBufferEXT)

#define XRSIM_ANCHOR_FUNCTIONS(X)                                                                  \
    X(xrCreateSpatialAnchorMSFT) X(xrCreateSpatialAnchorSpaceMSFT) X(xrDestroySpatialAnchorMSFT)

#define XRSIM_ANCHOR_STORE_FUNCTIONS(X)                                                            \
    X(xrCreateSpatialAnchorStoreConnectionMSFT) X(xrDestroySpatialAnchorStoreConnectionMSFT)       \
    X(xrPersistSpatialAnchorMSFT) X(xrEnumeratePersistedSpatialAnchorNamesMSFT)                   \
    X(xrCreateSpatialAnchorFromPersistedNameMSFT) X(xrUnpersistSpatialAnchorMSFT)                 \
    X(xrClearSpatialAnchorStoreMSFT)

// OpenXR 1.1 core, for 1.1 instances only (prototype in xrsim_openxr11.h).
#define XRSIM_CORE11_FUNCTIONS(X) X(xrLocateSpaces)
XrResult xrsim_xrLocateSpaces(XrSession session, const xrsim_spaces_locate_info *info,
                              xrsim_space_locations *locations);

#define XRSIM_DECLARE(name) extern __typeof__(name) xrsim_##name;
XRSIM_CORE_FUNCTIONS(XRSIM_DECLARE)
XRSIM_VK1_FUNCTIONS(XRSIM_DECLARE)
XRSIM_VK2_FUNCTIONS(XRSIM_DECLARE)
XRSIM_TIMESPEC_FUNCTIONS(XRSIM_DECLARE)
#undef XRSIM_DECLARE
// The AR extensions' functions have no prototypes in every header
// (stoa_openxr_ext.h has only the function pointer types): typed from those.
#define XRSIM_DECLARE_PFN(name) extern __typeof__(*(PFN_##name)0) xrsim_##name;
XRSIM_FB_PASSTHROUGH_FUNCTIONS(XRSIM_DECLARE_PFN)
XRSIM_PLANE_FUNCTIONS(XRSIM_DECLARE_PFN)
XRSIM_ANCHOR_FUNCTIONS(XRSIM_DECLARE_PFN)
XRSIM_ANCHOR_STORE_FUNCTIONS(XRSIM_DECLARE_PFN)
#undef XRSIM_DECLARE_PFN

// xrsim_checked_<name> (xrsim_result_wrap.c, generated from the registry)
// calls xrsim_<name> and checks its result against the registry's list;
// xrGetInstanceProcAddr gives out only these. Same type as the function
// each wraps, so the generated prototypes are checked by the compiler.
#define XRSIM_DECLARE_CHECKED(name) extern __typeof__(xrsim_##name) xrsim_checked_##name;
XRSIM_CORE_FUNCTIONS(XRSIM_DECLARE_CHECKED)
XRSIM_VK1_FUNCTIONS(XRSIM_DECLARE_CHECKED)
XRSIM_VK2_FUNCTIONS(XRSIM_DECLARE_CHECKED)
XRSIM_TIMESPEC_FUNCTIONS(XRSIM_DECLARE_CHECKED)
XRSIM_CORE11_FUNCTIONS(XRSIM_DECLARE_CHECKED)
XRSIM_FB_PASSTHROUGH_FUNCTIONS(XRSIM_DECLARE_CHECKED)
XRSIM_PLANE_FUNCTIONS(XRSIM_DECLARE_CHECKED)
XRSIM_ANCHOR_FUNCTIONS(XRSIM_DECLARE_CHECKED)
XRSIM_ANCHOR_STORE_FUNCTIONS(XRSIM_DECLARE_CHECKED)
#undef XRSIM_DECLARE_CHECKED
