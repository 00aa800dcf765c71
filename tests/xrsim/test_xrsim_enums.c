// SPDX-License-Identifier: Apache-2.0
// OpenXR 1.1 specification, Fundamentals › Valid Usage › Implicit Valid
// Usage › "Valid Usage for Enumerated Types": a parameter of an enumerated
// type must be one of the type's values, and a value an extension adds is
// valid only with that extension enabled (or the core version that promoted
// it). An invalid value is XR_ERROR_VALIDATION_FAILURE; a valid value the
// runtime does not support gets the function's *_UNSUPPORTED code, so that
// an app can tell its own mistake from a missing feature. Through Debian's
// loader: a 1.0 instance, no extension but the Vulkan binding.
#include <string.h>

#include "stoa_test.h"
#include "xrsim_expect.h"
#include "xrsim_test_app.h"

#define MONO XR_VIEW_CONFIGURATION_TYPE_PRIMARY_MONO              // core, not offered
#define QUAD_VARJO ((XrViewConfigurationType)1000037000)          // XR_VARJO_quad_views / 1.1
#define OBSERVER_MSFT ((XrViewConfigurationType)1000054000)       // XR_MSFT_first_person_observer
#define LOCAL_FLOOR ((XrReferenceSpaceType)1000426000)            // XR_EXT_local_floor / 1.1

static void start(tapp *a)
{
    tapp_env(a, false);
    CHECK(tapp_create(a) == XR_SUCCESS);
    CHECK(tapp_session(a) == XR_SUCCESS);
    tapp_poll(a);
}

STOA_TEST(view_configuration_types_invalid_or_unsupported)
{
    tapp a;
    start(&a);
    XrViewConfigurationProperties vp = {XR_TYPE_VIEW_CONFIGURATION_PROPERTIES};
    uint32_t n;
    const struct {
        XrViewConfigurationType t;
        XrResult want;
    } cases[] = {{MONO, XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED},
                 {QUAD_VARJO, XR_ERROR_VALIDATION_FAILURE},
                 {OBSERVER_MSFT, XR_ERROR_VALIDATION_FAILURE},
                 {XR_VIEW_CONFIGURATION_TYPE_MAX_ENUM, XR_ERROR_VALIDATION_FAILURE}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const XrViewConfigurationType t = cases[i].t;
        EXPECT(cases[i].want, xrGetViewConfigurationProperties, a.instance, a.system, t, &vp);
        EXPECT(cases[i].want, xrEnumerateViewConfigurationViews, a.instance, a.system, t, 0, &n,
               NULL);
        EXPECT(cases[i].want, xrEnumerateEnvironmentBlendModes, a.instance, a.system, t, 0, &n,
               NULL);
        XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO, NULL, t};
        EXPECT(cases[i].want, xrBeginSession, a.session, &bi);
    }
    XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO, NULL,
                             XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO};
    EXPECT(XR_SUCCESS, xrBeginSession, a.session, &bi);
    XrReferenceSpaceCreateInfo rs = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    rs.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_LOCAL;
    rs.poseInReferenceSpace.orientation.w = 1;
    XrSpace space;
    EXPECT(XR_SUCCESS, xrCreateReferenceSpace, a.session, &rs, &space);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    EXPECT(XR_SUCCESS, xrWaitFrame, a.session, NULL, &fs);
    XrViewState vs = {XR_TYPE_VIEW_STATE};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        XrViewLocateInfo li = {XR_TYPE_VIEW_LOCATE_INFO, NULL, cases[i].t, fs.predictedDisplayTime,
                               space};
        EXPECT(cases[i].want, xrLocateViews, a.session, &li, &vs, 0, &n, NULL);
    }
    tapp_destroy(&a);
}

STOA_TEST(reference_space_types_blend_modes_and_action_types)
{
    tapp a;
    start(&a);
    XrExtent2Df bounds;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrGetReferenceSpaceBoundsRect, a.session,
           XR_REFERENCE_SPACE_TYPE_MAX_ENUM, &bounds);
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrGetReferenceSpaceBoundsRect, a.session, LOCAL_FLOOR,
           &bounds); // 1.0 without XR_EXT_local_floor
    EXPECT(XR_SPACE_BOUNDS_UNAVAILABLE, xrGetReferenceSpaceBoundsRect, a.session,
           XR_REFERENCE_SPACE_TYPE_VIEW, &bounds);
    // §7.1 xrCreateReferenceSpace: a type the session does not offer is
    // XR_ERROR_REFERENCE_SPACE_UNSUPPORTED, whatever the value (the Khronos
    // conformance suite requires it for XR_REFERENCE_SPACE_TYPE_MAX_ENUM).
    XrReferenceSpaceCreateInfo rs = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    rs.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_MAX_ENUM;
    rs.poseInReferenceSpace.orientation.w = 1;
    XrSpace space;
    EXPECT(XR_ERROR_REFERENCE_SPACE_UNSUPPORTED, xrCreateReferenceSpace, a.session, &rs, &space);
    // §5.2 xrGetSystem: likewise any form factor but the HMD is unsupported.
    XrSystemGetInfo sgi = {XR_TYPE_SYSTEM_GET_INFO, NULL, XR_FORM_FACTOR_HANDHELD_DISPLAY};
    XrSystemId sys;
    EXPECT(XR_ERROR_FORM_FACTOR_UNSUPPORTED, xrGetSystem, a.instance, &sgi, &sys);
    sgi.formFactor = XR_FORM_FACTOR_MAX_ENUM;
    EXPECT(XR_ERROR_FORM_FACTOR_UNSUPPORTED, xrGetSystem, a.instance, &sgi, &sys);
    // xrCreateAction: actionType must be a valid XrActionType.
    XrActionSetCreateInfo si = {XR_TYPE_ACTION_SET_CREATE_INFO};
    strcpy(si.actionSetName, "set");
    strcpy(si.localizedActionSetName, "Set");
    XrActionSet set;
    EXPECT(XR_SUCCESS, xrCreateActionSet, a.instance, &si, &set);
    XrActionCreateInfo ai = {XR_TYPE_ACTION_CREATE_INFO};
    strcpy(ai.actionName, "act");
    strcpy(ai.localizedActionName, "Act");
    ai.actionType = (XrActionType)5;
    XrAction act;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrCreateAction, set, &ai, &act);
    ai.actionType = XR_ACTION_TYPE_VIBRATION_OUTPUT;
    EXPECT(XR_SUCCESS, xrCreateAction, set, &ai, &act);
    // §10.5 xrEndFrame: a valid blend mode the system lacks (the default
    // headset offers OPAQUE and ALPHA_BLEND, not ADDITIVE) is
    // XR_ERROR_ENVIRONMENT_BLEND_MODE_UNSUPPORTED, an invalid one is not.
    XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO, NULL,
                             XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO};
    EXPECT(XR_SUCCESS, xrBeginSession, a.session, &bi);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    EXPECT(XR_SUCCESS, xrWaitFrame, a.session, NULL, &fs);
    EXPECT(XR_SUCCESS, xrBeginFrame, a.session, NULL);
    XrFrameEndInfo end = {XR_TYPE_FRAME_END_INFO, NULL, fs.predictedDisplayTime,
                          XR_ENVIRONMENT_BLEND_MODE_ADDITIVE, 0, NULL};
    EXPECT(XR_ERROR_ENVIRONMENT_BLEND_MODE_UNSUPPORTED, xrEndFrame, a.session, &end);
    end.environmentBlendMode = XR_ENVIRONMENT_BLEND_MODE_MAX_ENUM;
    EXPECT(XR_ERROR_VALIDATION_FAILURE, xrEndFrame, a.session, &end);
    end.environmentBlendMode = XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
    EXPECT(XR_SUCCESS, xrEndFrame, a.session, &end);
    tapp_destroy(&a);
}

STOA_TEST_MAIN()
