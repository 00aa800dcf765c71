// SPDX-License-Identifier: Apache-2.0
// The XrInstance, the system, and the Vulkan device made the way the runtime
// asks (XR_KHR_vulkan_enable2, or the older XR_KHR_vulkan_enable).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xr_internal.h"

stoa_result xr_result_code(XrResult r)
{
    switch (r) {
    case XR_ERROR_SESSION_LOST: return STOA_ERROR_SESSION_LOST;
    case XR_ERROR_INSTANCE_LOST: return STOA_ERROR_INSTANCE_LOST;
    case XR_ERROR_OUT_OF_MEMORY: return STOA_ERROR_OUT_OF_MEMORY;
    case XR_ERROR_SESSION_NOT_RUNNING:
    case XR_ERROR_SESSION_RUNNING:
    case XR_ERROR_SESSION_NOT_READY:
    case XR_ERROR_SESSION_NOT_STOPPING:
    case XR_ERROR_CALL_ORDER_INVALID: return STOA_ERROR_STATE;
    default: return XR_SUCCEEDED(r) ? STOA_OK : STOA_ERROR_XR;
    }
}

stoa_result xr_check(XrInstance instance, XrResult r, const char *call, const char *file,
                     int line, stoa_error *err)
{
    char name[XR_MAX_RESULT_STRING_SIZE] = "";
    if (instance == XR_NULL_HANDLE || XR_FAILED(xrResultToString(instance, r, name)))
        snprintf(name, sizeof name, "XrResult %d", (int)r);
    stoa_result code = xr_result_code(r);
    return stoa_error_set(err, code, "%s failed: %s (%s:%d)", call, name, file, line);
}

static bool has_ext(const XrExtensionProperties *exts, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(exts[i].extensionName, name) == 0)
            return true;
    return false;
}

static stoa_result no_runtime(XrResult r, stoa_error *err)
{
    return stoa_error_set(err, STOA_ERROR_NOT_FOUND,
                          "No OpenXR runtime is available (XrResult %d): connect and start a "
                          "headset's runtime (SteamVR, Monado, ...), or use the simulated "
                          "headset with `stoa run --sim ...`.",
                          (int)r);
}

stoa_result xr_instance_create(stoa_xr *xr, stoa_error *err)
{
    uint32_t n = 0;
    XrResult r = xrEnumerateInstanceExtensionProperties(NULL, 0, &n, NULL);
    if (XR_FAILED(r) || n == 0)
        return no_runtime(r, err);
    XrExtensionProperties *exts = calloc(n, sizeof *exts);
    if (!exts)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    for (uint32_t i = 0; i < n; i++)
        exts[i].type = XR_TYPE_EXTENSION_PROPERTIES;
    r = xrEnumerateInstanceExtensionProperties(NULL, n, &n, exts);
    if (XR_FAILED(r)) {
        free(exts);
        return no_runtime(r, err);
    }
    const char *enabled[12];
    uint32_t count = 0;
    bool v2 = has_ext(exts, n, XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME) && !xr->desc.force_vulkan1;
    if (v2)
        enabled[count++] = XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME;
    else if (has_ext(exts, n, XR_KHR_VULKAN_ENABLE_EXTENSION_NAME))
        enabled[count++] = XR_KHR_VULKAN_ENABLE_EXTENSION_NAME;
    else {
        free(exts);
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "the OpenXR runtime supports no Vulkan (XR_KHR_vulkan_enable2 or "
                              "XR_KHR_vulkan_enable)");
    }
    xr->vulkan2 = v2;
    // Optional extensions, used when the runtime has them.
    if ((xr->has_depth_layer = has_ext(exts, n, XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME)))
        enabled[count++] = XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME;
    if ((xr->has_eye_gaze = has_ext(exts, n, XR_EXT_EYE_GAZE_INTERACTION_EXTENSION_NAME)))
        enabled[count++] = XR_EXT_EYE_GAZE_INTERACTION_EXTENSION_NAME;
    if ((xr->has_hand_tracking = has_ext(exts, n, XR_EXT_HAND_TRACKING_EXTENSION_NAME)))
        enabled[count++] = XR_EXT_HAND_TRACKING_EXTENSION_NAME;
    if ((xr->blend.has_fb = has_ext(exts, n, XR_FB_PASSTHROUGH_EXTENSION_NAME)))
        enabled[count++] = XR_FB_PASSTHROUGH_EXTENSION_NAME;
    if ((xr->planes.has = has_ext(exts, n, XR_EXT_PLANE_DETECTION_EXTENSION_NAME)))
        enabled[count++] = XR_EXT_PLANE_DETECTION_EXTENSION_NAME;
    if ((xr->anchor.has = has_ext(exts, n, XR_MSFT_SPATIAL_ANCHOR_EXTENSION_NAME)))
        enabled[count++] = XR_MSFT_SPATIAL_ANCHOR_EXTENSION_NAME;
    if ((xr->anchor.has_store =
             xr->anchor.has && has_ext(exts, n, XR_MSFT_SPATIAL_ANCHOR_PERSISTENCE_EXTENSION_NAME)))
        enabled[count++] = XR_MSFT_SPATIAL_ANCHOR_PERSISTENCE_EXTENSION_NAME;
    free(exts);

    XrInstanceCreateInfo ci = {XR_TYPE_INSTANCE_CREATE_INFO};
    snprintf(ci.applicationInfo.applicationName, sizeof ci.applicationInfo.applicationName, "%s",
             xr->desc.app_name ? xr->desc.app_name : "Stoa");
    ci.applicationInfo.applicationVersion = 1;
    snprintf(ci.applicationInfo.engineName, sizeof ci.applicationInfo.engineName, "Stoa");
    ci.applicationInfo.engineVersion = 1;
    ci.applicationInfo.apiVersion = XR_MAKE_VERSION(1, 0, 0);
    ci.enabledExtensionCount = count;
    ci.enabledExtensionNames = enabled;
    r = xrCreateInstance(&ci, &xr->instance);
    if (XR_FAILED(r))
        return r == XR_ERROR_RUNTIME_UNAVAILABLE || r == XR_ERROR_RUNTIME_FAILURE
                   ? no_runtime(r, err)
                   : xr_check(XR_NULL_HANDLE, r, "xrCreateInstance", __FILE__, __LINE__, err);
    XrInstanceProperties ip = {XR_TYPE_INSTANCE_PROPERTIES};
    XR_CHECK(xr, xrGetInstanceProperties(xr->instance, &ip));
    snprintf(xr->runtime_name, sizeof xr->runtime_name, "%s %u.%u.%u", ip.runtimeName,
             XR_VERSION_MAJOR(ip.runtimeVersion), XR_VERSION_MINOR(ip.runtimeVersion),
             XR_VERSION_PATCH(ip.runtimeVersion));

    XrSystemGetInfo si = {XR_TYPE_SYSTEM_GET_INFO};
    si.formFactor = XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY;
    r = xrGetSystem(xr->instance, &si, &xr->system);
    if (XR_FAILED(r))
        return stoa_error_set(err, STOA_ERROR_NOT_FOUND,
                              "The OpenXR runtime '%s' sees no headset (xrGetSystem: %d); "
                              "connect one, or use `stoa run --sim ...`.",
                              xr->runtime_name, (int)r);
    if (xr->has_eye_gaze) {
        XrSystemEyeGazeInteractionPropertiesEXT eg = {
            XR_TYPE_SYSTEM_EYE_GAZE_INTERACTION_PROPERTIES_EXT};
        XrSystemProperties sp = {XR_TYPE_SYSTEM_PROPERTIES, &eg};
        XR_CHECK(xr, xrGetSystemProperties(xr->instance, xr->system, &sp));
        xr->has_eye_gaze = eg.supportsEyeGazeInteraction;
    }
    uint32_t vc = 0;
    xr->view_config[0].type = xr->view_config[1].type = XR_TYPE_VIEW_CONFIGURATION_VIEW;
    XR_CHECK(xr, xrEnumerateViewConfigurationViews(xr->instance, xr->system,
                                                   XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, 2,
                                                   &vc, xr->view_config));
    STOA_LOGI("xr", "runtime %s, %ux%u per eye, Vulkan through %s", xr->runtime_name,
              xr->view_config[0].recommendedImageRectWidth,
              xr->view_config[0].recommendedImageRectHeight,
              v2 ? "XR_KHR_vulkan_enable2" : "XR_KHR_vulkan_enable");
    return STOA_OK;
}

static PFN_xrVoidFunction xr_proc(stoa_xr *xr, const char *name)
{
    PFN_xrVoidFunction fn = NULL;
    if (XR_FAILED(xrGetInstanceProcAddr(xr->instance, name, &fn)))
        return NULL;
    return fn;
}

// ---- XR_KHR_vulkan_enable2: the runtime creates the instance and device ----

static VkResult v2_create_instance(void *user, const VkInstanceCreateInfo *info, VkInstance *out)
{
    stoa_xr *xr = user;
    PFN_xrCreateVulkanInstanceKHR fn =
        (PFN_xrCreateVulkanInstanceKHR)xr_proc(xr, "xrCreateVulkanInstanceKHR");
    if (!fn)
        return VK_ERROR_INITIALIZATION_FAILED;
    XrVulkanInstanceCreateInfoKHR ci = {XR_TYPE_VULKAN_INSTANCE_CREATE_INFO_KHR};
    ci.systemId = xr->system;
    ci.pfnGetInstanceProcAddr = vkGetInstanceProcAddr;
    ci.vulkanCreateInfo = info;
    VkResult vr = VK_SUCCESS;
    XrResult r = fn(xr->instance, &ci, out, &vr);
    if (XR_FAILED(r))
        return vr != VK_SUCCESS ? vr : VK_ERROR_INITIALIZATION_FAILED;
    return vr;
}

static VkResult v2_pick(void *user, VkInstance instance, VkPhysicalDevice *out)
{
    stoa_xr *xr = user;
    PFN_xrGetVulkanGraphicsDevice2KHR fn =
        (PFN_xrGetVulkanGraphicsDevice2KHR)xr_proc(xr, "xrGetVulkanGraphicsDevice2KHR");
    if (!fn)
        return VK_ERROR_INITIALIZATION_FAILED;
    XrVulkanGraphicsDeviceGetInfoKHR gi = {XR_TYPE_VULKAN_GRAPHICS_DEVICE_GET_INFO_KHR};
    gi.systemId = xr->system;
    gi.vulkanInstance = instance;
    return XR_FAILED(fn(xr->instance, &gi, out)) ? VK_ERROR_INITIALIZATION_FAILED : VK_SUCCESS;
}

static VkResult v2_create_device(void *user, VkPhysicalDevice phys, const VkDeviceCreateInfo *info,
                                 VkDevice *out)
{
    stoa_xr *xr = user;
    PFN_xrCreateVulkanDeviceKHR fn =
        (PFN_xrCreateVulkanDeviceKHR)xr_proc(xr, "xrCreateVulkanDeviceKHR");
    if (!fn)
        return VK_ERROR_INITIALIZATION_FAILED;
    XrVulkanDeviceCreateInfoKHR ci = {XR_TYPE_VULKAN_DEVICE_CREATE_INFO_KHR};
    ci.systemId = xr->system;
    ci.pfnGetInstanceProcAddr = vkGetInstanceProcAddr;
    ci.vulkanPhysicalDevice = phys;
    ci.vulkanCreateInfo = info;
    VkResult vr = VK_SUCCESS;
    XrResult r = fn(xr->instance, &ci, out, &vr);
    if (XR_FAILED(r))
        return vr != VK_SUCCESS ? vr : VK_ERROR_INITIALIZATION_FAILED;
    return vr;
}

// ---- XR_KHR_vulkan_enable: the runtime names extensions, the app creates ----

// Splits the runtime's space-separated list and appends it to the app's own.
static const char **merge_exts(const char *const *base, uint32_t base_n, char *list,
                               uint32_t *out_n)
{
    uint32_t extra = 1;
    for (const char *p = list; *p; p++)
        extra += *p == ' ';
    const char **all = calloc(base_n + extra, sizeof *all);
    if (!all)
        return NULL;
    uint32_t n = 0;
    for (uint32_t i = 0; i < base_n; i++)
        all[n++] = base[i];
    for (char *tok = strtok(list, " "); tok; tok = strtok(NULL, " ")) {
        bool dup = false;
        for (uint32_t i = 0; i < n && !dup; i++)
            dup = strcmp(all[i], tok) == 0;
        if (!dup)
            all[n++] = tok;
    }
    *out_n = n;
    return all;
}

typedef XrResult(XRAPI_PTR *xr_ext_list_fn)(XrInstance, XrSystemId, uint32_t, uint32_t *, char *);

static char *ext_list(stoa_xr *xr, const char *fn_name)
{
    xr_ext_list_fn fn = (xr_ext_list_fn)xr_proc(xr, fn_name);
    uint32_t n = 0;
    if (!fn || XR_FAILED(fn(xr->instance, xr->system, 0, &n, NULL)))
        return NULL;
    char *s = calloc(n + 1, 1);
    if (s && XR_FAILED(fn(xr->instance, xr->system, n, &n, s))) {
        free(s);
        return NULL;
    }
    return s;
}

static VkResult v1_create_instance(void *user, const VkInstanceCreateInfo *info, VkInstance *out)
{
    stoa_xr *xr = user;
    char *list = ext_list(xr, "xrGetVulkanInstanceExtensionsKHR");
    if (!list)
        return VK_ERROR_INITIALIZATION_FAILED;
    VkInstanceCreateInfo ci = *info;
    const char **all = merge_exts(info->ppEnabledExtensionNames, info->enabledExtensionCount,
                                  list, &ci.enabledExtensionCount);
    ci.ppEnabledExtensionNames = all;
    VkResult vr = all ? vkCreateInstance(&ci, NULL, out) : VK_ERROR_OUT_OF_HOST_MEMORY;
    free(all);
    free(list);
    return vr;
}

static VkResult v1_pick(void *user, VkInstance instance, VkPhysicalDevice *out)
{
    stoa_xr *xr = user;
    PFN_xrGetVulkanGraphicsDeviceKHR fn =
        (PFN_xrGetVulkanGraphicsDeviceKHR)xr_proc(xr, "xrGetVulkanGraphicsDeviceKHR");
    if (!fn || XR_FAILED(fn(xr->instance, xr->system, instance, out)))
        return VK_ERROR_INITIALIZATION_FAILED;
    return VK_SUCCESS;
}

static VkResult v1_create_device(void *user, VkPhysicalDevice phys, const VkDeviceCreateInfo *info,
                                 VkDevice *out)
{
    stoa_xr *xr = user;
    char *list = ext_list(xr, "xrGetVulkanDeviceExtensionsKHR");
    if (!list)
        return VK_ERROR_INITIALIZATION_FAILED;
    VkDeviceCreateInfo ci = *info;
    const char **all = merge_exts(info->ppEnabledExtensionNames, info->enabledExtensionCount,
                                  list, &ci.enabledExtensionCount);
    ci.ppEnabledExtensionNames = all;
    VkResult vr = all ? vkCreateDevice(phys, &ci, NULL, out) : VK_ERROR_OUT_OF_HOST_MEMORY;
    free(all);
    free(list);
    return vr;
}

// The gfx hooks share one user pointer (this stoa_xr): pass the mirror's on.
static VkResult mirror_surface(void *user, VkInstance instance, VkSurfaceKHR *out)
{
    stoa_xr *xr = user;
    return xr->desc.create_surface(xr->desc.surface_user, instance, out);
}

static stoa_result check_requirements(stoa_xr *xr, stoa_error *err)
{
    // The spec requires this call before a session is created.
    XrGraphicsRequirementsVulkanKHR req = {XR_TYPE_GRAPHICS_REQUIREMENTS_VULKAN_KHR};
    const char *name = xr->vulkan2 ? "xrGetVulkanGraphicsRequirements2KHR"
                                   : "xrGetVulkanGraphicsRequirementsKHR";
    PFN_xrGetVulkanGraphicsRequirementsKHR fn =
        (PFN_xrGetVulkanGraphicsRequirementsKHR)xr_proc(xr, name);
    if (!fn)
        return stoa_error_set(err, STOA_ERROR_XR, "the runtime lacks %s", name);
    XR_CHECK(xr, fn(xr->instance, xr->system, &req));
    STOA_LOGD("xr", "runtime wants Vulkan %u.%u to %u.%u",
              XR_VERSION_MAJOR(req.minApiVersionSupported),
              XR_VERSION_MINOR(req.minApiVersionSupported),
              XR_VERSION_MAJOR(req.maxApiVersionSupported),
              XR_VERSION_MINOR(req.maxApiVersionSupported));
    return STOA_OK;
}

stoa_result xr_device_create(stoa_xr *xr, stoa_error *err)
{
    stoa_result r = check_requirements(xr, err);
    if (r < 0)
        return r;
    stoa_gfx_device_desc dd = {
        .app_name = "stoa run",
        .headless = xr->desc.create_surface == NULL,
        .instance_extensions = xr->desc.instance_extensions,
        .instance_extension_count = xr->desc.instance_extension_count,
        .device_extensions = xr->desc.device_extensions,
        .device_extension_count = xr->desc.device_extension_count,
    };
    dd.hooks.user = xr;
    dd.hooks.create_instance = xr->vulkan2 ? v2_create_instance : v1_create_instance;
    dd.hooks.pick_physical_device = xr->vulkan2 ? v2_pick : v1_pick;
    dd.hooks.create_device = xr->vulkan2 ? v2_create_device : v1_create_device;
    if (xr->desc.create_surface)
        dd.hooks.create_surface = mirror_surface;
    r = stoa_gfx_device_create(&dd, &xr->device, err);
    if (r < 0)
        return r;
    stoa_gfx_renderer_desc rd = {.frames_in_flight = 2};
    return stoa_gfx_renderer_create(xr->device, &rd, &xr->renderer, err);
}
