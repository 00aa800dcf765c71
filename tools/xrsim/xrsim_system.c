// SPDX-License-Identifier: Apache-2.0
// The simulated system: one stereo HMD, its blend modes (the script's), and the
// configuration that shapes it (environment variables, script).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xrsim_api.h"
#include "xrsim_result.h"

#define XRSIM_SYSTEM_ID 1

static float deg(float d)
{
    return d * (float)M_PI / 180.0f;
}

static int64_t env_int(const char *name, int64_t fallback)
{
    const char *v = getenv(name);
    char *end;
    if (!v || !v[0])
        return fallback;
    long long n = strtoll(v, &end, 10);
    return (*end == '\0' && n >= 0) ? n : fallback;
}

void xrsim_config_apply_env_display(xrsim_config *c)
{
    const char *size = getenv("STOA_XRSIM_EYE_SIZE");
    unsigned w, h;
    char extra;
    if (size && sscanf(size, "%ux%u%c", &w, &h, &extra) == 2 && w >= 16 && h >= 16 && w <= 8192 &&
        h <= 8192)
        c->eye_width = w, c->eye_height = h;
    const char *hz = getenv("STOA_XRSIM_REFRESH_HZ");
    if (hz && atof(hz) >= 1.0 && atof(hz) <= 1000.0)
        c->refresh_hz = atof(hz);
}

void xrsim_config_from_env(xrsim_config *c)
{
    // Defaults like a current standalone headset (Quest 2 class).
    memset(c, 0, sizeof *c);
    c->eye_width = 1832;
    c->eye_height = 1920;
    c->refresh_hz = 90.0;
    c->ipd_m = 0.063f;
    c->fov[0] = (XrFovf){deg(-50), deg(43), deg(47), deg(-53)};
    c->fov[1] = (XrFovf){deg(-43), deg(50), deg(47), deg(-53)};
    c->frames_limit = env_int("STOA_XRSIM_FRAMES", 0);
    c->capture_every = env_int("STOA_XRSIM_CAPTURE_EVERY", 30);
    if (c->capture_every < 1)
        c->capture_every = 30;
    const char *dir = getenv("STOA_XRSIM_CAPTURE");
    if (dir)
        snprintf(c->capture_dir, sizeof c->capture_dir, "%s", dir);
    const char *sum = getenv("STOA_XRSIM_SUMMARY");
    if (sum)
        snprintf(c->summary_path, sizeof c->summary_path, "%s", sum);
    const char *rt = getenv("STOA_XRSIM_REALTIME");
    c->realtime = rt && strcmp(rt, "1") == 0;
    const char *fast = getenv("STOA_XRSIM_FAST");
    c->fast = !c->realtime && fast && strcmp(fast, "1") == 0;
    xrsim_config_apply_env_display(c);
}

static uint32_t max_rect(uint32_t recommended)
{
    uint32_t m = recommended * 2 < 2048 ? 2048 : recommended * 2;
    return m > 8192 ? 8192 : m;
}

static XrResult check_system(XrInstance instance, XrSystemId id, const char *fn,
                             xrsim_instance **out)
{
    XrResult r = xrsim_check_instance(instance, fn);
    if (r != XR_SUCCESS)
        return r;
    *out = (xrsim_instance *)instance;
    if (id != XRSIM_SYSTEM_ID)
        return xrsim_app_error(*out, fn, XR_ERROR_SYSTEM_INVALID, "unknown XrSystemId");
    return XR_SUCCESS;
}

XrResult xrsim_xrGetSystem(XrInstance instance, const XrSystemGetInfo *info, XrSystemId *id)
{
    XRSIM_API_LOCK();
    XrResult r = xrsim_check_instance(instance, "xrGetSystem");
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = (xrsim_instance *)instance;
    if (!info || !id || info->type != XR_TYPE_SYSTEM_GET_INFO)
        return xrsim_app_error(inst, "xrGetSystem", XR_ERROR_VALIDATION_FAILURE, "bad info");
    // Spec §5.2 (xrGetSystem): a form factor the runtime does not
    // support, known or not, is XR_ERROR_FORM_FACTOR_UNSUPPORTED.
    if (info->formFactor != XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY)
        return xrsim_app_error(inst, "xrGetSystem", XR_ERROR_FORM_FACTOR_UNSUPPORTED,
                               "only HEAD_MOUNTED_DISPLAY");
    *id = XRSIM_SYSTEM_ID;
    return XR_SUCCESS;
}

XrResult xrsim_xrGetSystemProperties(XrInstance instance, XrSystemId id, XrSystemProperties *p)
{
    XRSIM_API_LOCK();
    xrsim_instance *inst;
    XrResult r = check_system(instance, id, "xrGetSystemProperties", &inst);
    if (r != XR_SUCCESS)
        return r;
    if (!p || p->type != XR_TYPE_SYSTEM_PROPERTIES)
        return xrsim_app_error(inst, "xrGetSystemProperties", XR_ERROR_VALIDATION_FAILURE,
                               "bad XrSystemProperties");
    p->systemId = id;
    p->vendorId = 0x5354; // "ST"
    snprintf(p->systemName, sizeof p->systemName, "Stoa simulated headset");
    p->graphicsProperties.maxSwapchainImageWidth = 8192;
    p->graphicsProperties.maxSwapchainImageHeight = 8192;
    p->graphicsProperties.maxLayerCount = XRSIM_MAX_LAYERS;
    p->trackingProperties.orientationTracking = XR_TRUE;
    p->trackingProperties.positionTracking = XR_TRUE;
    xrsim_planes_system_properties(inst, p);
    return XR_SUCCESS;
}

static const XrViewConfigurationType k_view_config = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;

XrResult xrsim_xrEnumerateViewConfigurations(XrInstance instance, XrSystemId id, uint32_t cap,
                                             uint32_t *count, XrViewConfigurationType *types)
{
    XRSIM_API_LOCK();
    xrsim_instance *inst;
    XrResult r = check_system(instance, id, "xrEnumerateViewConfigurations", &inst);
    if (r != XR_SUCCESS)
        return r;
    return xrsim_fill(inst, "xrEnumerateViewConfigurations", cap, count, types, &k_view_config, 1,
                      sizeof k_view_config);
}

XrResult xrsim_check_view_config(xrsim_instance *inst, XrViewConfigurationType t, const char *fn)
{
    if (t == k_view_config)
        return XR_SUCCESS;
    // A value of the instance's core version that xrsim lacks (MONO; the
    // 1.1 foveated inset) is unsupported; any other value, one of an
    // extension not enabled included, is not a valid XrViewConfigurationType.
    if (xrsim_enum_valid("XrViewConfigurationType", t, inst->api_minor))
        return xrsim_app_error(inst, fn, XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED,
                               "only PRIMARY_STEREO");
    return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "invalid view configuration");
}

XrResult xrsim_xrGetViewConfigurationProperties(XrInstance instance, XrSystemId id,
                                                XrViewConfigurationType t,
                                                XrViewConfigurationProperties *p)
{
    XRSIM_API_LOCK();
    const char *fn = "xrGetViewConfigurationProperties";
    xrsim_instance *inst;
    XrResult r = check_system(instance, id, fn, &inst);
    if (r == XR_SUCCESS)
        r = xrsim_check_view_config(inst, t, fn);
    if (r != XR_SUCCESS)
        return r;
    if (!p || p->type != XR_TYPE_VIEW_CONFIGURATION_PROPERTIES)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad properties struct");
    p->viewConfigurationType = t;
    p->fovMutable = XR_FALSE;
    return XR_SUCCESS;
}

XrResult xrsim_xrEnumerateViewConfigurationViews(XrInstance instance, XrSystemId id,
                                                 XrViewConfigurationType t, uint32_t cap,
                                                 uint32_t *count, XrViewConfigurationView *views)
{
    XRSIM_API_LOCK();
    const char *fn = "xrEnumerateViewConfigurationViews";
    xrsim_instance *inst;
    XrResult r = check_system(instance, id, fn, &inst);
    if (r == XR_SUCCESS)
        r = xrsim_check_view_config(inst, t, fn);
    if (r != XR_SUCCESS)
        return r;
    if (!count)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "NULL count");
    *count = 2;
    if (cap == 0)
        return XR_SUCCESS;
    if (!views) // spec: a non-zero capacity needs the array
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "NULL views");
    if (cap < 2)
        return xrsim_app_error(inst, fn, XR_ERROR_SIZE_INSUFFICIENT, "capacity below 2");
    for (int i = 0; i < 2; i++) {
        if (views[i].type != XR_TYPE_VIEW_CONFIGURATION_VIEW)
            return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad view struct");
        views[i].recommendedImageRectWidth = inst->cfg.eye_width;
        views[i].recommendedImageRectHeight = inst->cfg.eye_height;
        // Twice the recommended size (at least 2048): apps that render at
        // the maximum stay within what a software Vulkan device can hold.
        views[i].maxImageRectWidth = max_rect(inst->cfg.eye_width);
        views[i].maxImageRectHeight = max_rect(inst->cfg.eye_height);
        views[i].recommendedSwapchainSampleCount = 1;
        views[i].maxSwapchainSampleCount = 4;
    }
    return XR_SUCCESS;
}

XrResult xrsim_xrEnumerateEnvironmentBlendModes(XrInstance instance, XrSystemId id,
                                                XrViewConfigurationType t, uint32_t cap,
                                                uint32_t *count, XrEnvironmentBlendMode *modes)
{
    XRSIM_API_LOCK();
    const char *fn = "xrEnumerateEnvironmentBlendModes";
    xrsim_instance *inst;
    XrResult r = check_system(instance, id, fn, &inst);
    if (r == XR_SUCCESS)
        r = xrsim_check_view_config(inst, t, fn);
    if (r != XR_SUCCESS)
        return r;
    // The script's `blend_modes`, in its order (default OPAQUE, ALPHA_BLEND).
    return xrsim_fill(inst, fn, cap, count, modes, inst->ar.blend, inst->ar.blend_count,
                      sizeof inst->ar.blend[0]);
}
