// SPDX-License-Identifier: Apache-2.0
#include "xrsim_test_app.h"

#include "stoa_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void tapp_env(tapp *a, bool summary)
{
    static const char *vars[] = {"STOA_XRSIM_FRAMES", "STOA_XRSIM_CAPTURE",
                                 "STOA_XRSIM_CAPTURE_EVERY", "STOA_XRSIM_SUMMARY",
                                 "STOA_XRSIM_SCRIPT", "STOA_XRSIM_REALTIME",
                                 "STOA_XRSIM_EYE_SIZE", "STOA_XRSIM_REFRESH_HZ", "STOA_XRSIM_FAST"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    memset(a, 0, sizeof *a);
    const char *build = getenv("STOA_BUILD_DIR");
    char manifest[512];
    snprintf(manifest, sizeof manifest, "%s/xrsim/xrsim.json", build ? build : ".");
    setenv("XR_RUNTIME_JSON", manifest, 1);
    snprintf(a->dir, sizeof a->dir, "/tmp/xrsim_test_XXXXXX");
    if (!mkdtemp(a->dir))
        snprintf(a->dir, sizeof a->dir, "/tmp");
    if (summary) {
        char path[300];
        snprintf(path, sizeof path, "%s/summary.json", a->dir);
        setenv("STOA_XRSIM_SUMMARY", path, 1);
    }
    setenv("STOA_XRSIM_EYE_SIZE", "64x64", 1); // small: tests are about logic
    // Any result outside its function's registry entry aborts the test (xrsim_result.h).
    setenv("STOA_XRSIM_STRICT_RESULTS", "1", 1);
}

void tapp_script(tapp *a, const char *yaml)
{
    char path[300];
    snprintf(path, sizeof path, "%s/script.yaml", a->dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(yaml, f);
        fclose(f);
    }
    setenv("STOA_XRSIM_SCRIPT", path, 1);
}

// With STOA_VALIDATION=1 (set by ctest) the app's Vulkan instance carries
// the Khronos validation layer, so xrsim's own use of the app's device (image
// creation, layout transitions, capture copies) is validated too; every
// warning or error fails the running test.
static VKAPI_ATTR VkBool32 VKAPI_CALL on_vk_message(
    VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT type,
    const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
    (void)type;
    (void)user;
    if (severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
        fprintf(stderr, "Vulkan validation: %s\n", data->pMessage);
        stoa_test_failed_checks++;
    }
    return VK_FALSE;
}

static bool validation_wanted(void)
{
    const char *v = getenv("STOA_VALIDATION");
    if (!v || strcmp(v, "1") != 0)
        return false;
    uint32_t n = 0;
    vkEnumerateInstanceLayerProperties(&n, NULL);
    VkLayerProperties props[64];
    n = n > 64 ? 64 : n;
    vkEnumerateInstanceLayerProperties(&n, props);
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(props[i].layerName, "VK_LAYER_KHRONOS_validation") == 0)
            return true;
    return false;
}

static void add_messenger(tapp *a)
{
    PFN_vkCreateDebugUtilsMessengerEXT create = (PFN_vkCreateDebugUtilsMessengerEXT)
        vkGetInstanceProcAddr(a->vk_instance, "vkCreateDebugUtilsMessengerEXT");
    VkDebugUtilsMessengerCreateInfoEXT ci = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT,
        .pfnUserCallback = on_vk_message,
    };
    if (create)
        create(a->vk_instance, &ci, NULL, &a->messenger);
}

static XrResult create_vulkan(tapp *a)
{
    PFN_xrGetVulkanGraphicsRequirements2KHR reqs;
    PFN_xrCreateVulkanInstanceKHR make_instance;
    PFN_xrGetVulkanGraphicsDevice2KHR get_device;
    PFN_xrCreateVulkanDeviceKHR make_device;
    xrGetInstanceProcAddr(a->instance, "xrGetVulkanGraphicsRequirements2KHR",
                          (PFN_xrVoidFunction *)&reqs);
    xrGetInstanceProcAddr(a->instance, "xrCreateVulkanInstanceKHR",
                          (PFN_xrVoidFunction *)&make_instance);
    xrGetInstanceProcAddr(a->instance, "xrGetVulkanGraphicsDevice2KHR",
                          (PFN_xrVoidFunction *)&get_device);
    xrGetInstanceProcAddr(a->instance, "xrCreateVulkanDeviceKHR",
                          (PFN_xrVoidFunction *)&make_device);
    if (!reqs || !make_instance || !get_device || !make_device)
        return XR_ERROR_FUNCTION_UNSUPPORTED;
    XrGraphicsRequirementsVulkan2KHR req = {XR_TYPE_GRAPHICS_REQUIREMENTS_VULKAN2_KHR};
    XrResult r = reqs(a->instance, a->system, &req);
    if (r != XR_SUCCESS)
        return r;
    VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                             .pApplicationName = "xrsim test",
                             .apiVersion = VK_API_VERSION_1_1};
    VkInstanceCreateInfo ici = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                                .pApplicationInfo = &app};
    const char *layer = "VK_LAYER_KHRONOS_validation";
    const char *ext = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
    bool validate = validation_wanted();
    if (validate) {
        ici.enabledLayerCount = 1;
        ici.ppEnabledLayerNames = &layer;
        ici.enabledExtensionCount = 1;
        ici.ppEnabledExtensionNames = &ext;
    }
    XrVulkanInstanceCreateInfoKHR xi = {XR_TYPE_VULKAN_INSTANCE_CREATE_INFO_KHR};
    xi.systemId = a->system;
    xi.pfnGetInstanceProcAddr = vkGetInstanceProcAddr;
    xi.vulkanCreateInfo = &ici;
    VkResult vr;
    r = make_instance(a->instance, &xi, &a->vk_instance, &vr);
    if (r != XR_SUCCESS || vr != VK_SUCCESS)
        return r != XR_SUCCESS ? r : XR_ERROR_RUNTIME_FAILURE;
    if (validate)
        add_messenger(a);
    XrVulkanGraphicsDeviceGetInfoKHR gi = {XR_TYPE_VULKAN_GRAPHICS_DEVICE_GET_INFO_KHR};
    gi.systemId = a->system;
    gi.vulkanInstance = a->vk_instance;
    r = get_device(a->instance, &gi, &a->phys);
    if (r != XR_SUCCESS)
        return r;
    float prio = 1.0f;
    VkDeviceQueueCreateInfo qci = {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                                   .queueFamilyIndex = 0,
                                   .queueCount = 1,
                                   .pQueuePriorities = &prio};
    VkDeviceCreateInfo dci = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                              .queueCreateInfoCount = 1,
                              .pQueueCreateInfos = &qci};
    XrVulkanDeviceCreateInfoKHR xd = {XR_TYPE_VULKAN_DEVICE_CREATE_INFO_KHR};
    xd.systemId = a->system;
    xd.pfnGetInstanceProcAddr = vkGetInstanceProcAddr;
    xd.vulkanPhysicalDevice = a->phys;
    xd.vulkanCreateInfo = &dci;
    r = make_device(a->instance, &xd, &a->device, &vr);
    if (r != XR_SUCCESS || vr != VK_SUCCESS)
        return r != XR_SUCCESS ? r : XR_ERROR_RUNTIME_FAILURE;
    a->family = 0;
    vkGetDeviceQueue(a->device, 0, 0, &a->queue);
    return XR_SUCCESS;
}

XrResult tapp_create(tapp *a)
{
    const char *exts[2 + TAPP_MAX_EXTRA_EXTENSIONS] = {XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME};
    uint32_t n = 1;
    if (a->timespec)
        exts[n++] = XR_KHR_CONVERT_TIMESPEC_TIME_EXTENSION_NAME;
    for (int i = 0; i < TAPP_MAX_EXTRA_EXTENSIONS && a->extra_extensions[i]; i++)
        exts[n++] = a->extra_extensions[i];
    XrInstanceCreateInfo ci = {XR_TYPE_INSTANCE_CREATE_INFO};
    snprintf(ci.applicationInfo.applicationName, sizeof ci.applicationInfo.applicationName,
             "xrsim-test");
    ci.applicationInfo.apiVersion = a->api_version ? a->api_version : XR_MAKE_VERSION(1, 0, 0);
    ci.enabledExtensionCount = n;
    ci.enabledExtensionNames = exts;
    XrResult r = xrCreateInstance(&ci, &a->instance);
    if (r != XR_SUCCESS)
        return r;
    XrSystemGetInfo si = {XR_TYPE_SYSTEM_GET_INFO};
    si.formFactor = XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY;
    r = xrGetSystem(a->instance, &si, &a->system);
    return r != XR_SUCCESS ? r : create_vulkan(a);
}

XrResult tapp_session(tapp *a)
{
    XrGraphicsBindingVulkan2KHR b = {XR_TYPE_GRAPHICS_BINDING_VULKAN2_KHR};
    b.instance = a->vk_instance;
    b.physicalDevice = a->phys;
    b.device = a->device;
    b.queueFamilyIndex = a->family;
    XrSessionCreateInfo ci = {XR_TYPE_SESSION_CREATE_INFO};
    ci.next = &b;
    ci.systemId = a->system;
    a->state = XR_SESSION_STATE_UNKNOWN;
    return xrCreateSession(a->instance, &ci, &a->session);
}

void tapp_destroy_session(tapp *a)
{
    if (a->session)
        xrDestroySession(a->session);
    a->session = XR_NULL_HANDLE;
}

void tapp_destroy(tapp *a)
{
    tapp_destroy_session(a);
    if (a->device)
        vkDestroyDevice(a->device, NULL);
    if (a->messenger) {
        PFN_vkDestroyDebugUtilsMessengerEXT destroy = (PFN_vkDestroyDebugUtilsMessengerEXT)
            vkGetInstanceProcAddr(a->vk_instance, "vkDestroyDebugUtilsMessengerEXT");
        if (destroy)
            destroy(a->vk_instance, a->messenger, NULL);
        a->messenger = VK_NULL_HANDLE;
    }
    if (a->vk_instance)
        vkDestroyInstance(a->vk_instance, NULL);
    if (a->instance)
        xrDestroyInstance(a->instance);
    a->device = VK_NULL_HANDLE;
    a->vk_instance = VK_NULL_HANDLE;
    a->instance = XR_NULL_HANDLE;
}

XrResult tapp_poll(tapp *a)
{
    for (;;) {
        XrEventDataBuffer ev = {XR_TYPE_EVENT_DATA_BUFFER};
        XrResult r = xrPollEvent(a->instance, &ev);
        if (r != XR_SUCCESS)
            return r;
        if (ev.type == XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED) {
            XrEventDataSessionStateChanged *s = (XrEventDataSessionStateChanged *)&ev;
            if (a->state_count < TAPP_MAX_STATES)
                a->states[a->state_count++] = s->state;
            a->state = s->state;
        } else if (ev.type == XR_TYPE_EVENT_DATA_REFERENCE_SPACE_CHANGE_PENDING) {
            a->space_changes++;
            a->last_space_change = *(XrEventDataReferenceSpaceChangePending *)&ev;
        } else if (ev.type == XR_TYPE_EVENT_DATA_INTERACTION_PROFILE_CHANGED) {
            a->profile_changes++;
        } else if (ev.type == XR_TYPE_EVENT_DATA_INSTANCE_LOSS_PENDING) {
            a->instance_losses++;
        }
    }
}

XrResult tapp_frame(tapp *a, XrFrameState *out)
{
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    XrResult r = xrWaitFrame(a->session, NULL, &fs);
    if (XR_FAILED(r))
        return r;
    if (out)
        *out = fs;
    r = xrBeginFrame(a->session, NULL);
    if (XR_FAILED(r))
        return r;
    XrFrameEndInfo end = {XR_TYPE_FRAME_END_INFO};
    end.displayTime = fs.predictedDisplayTime;
    end.environmentBlendMode = XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
    return xrEndFrame(a->session, &end);
}

bool tapp_run_until(tapp *a, XrSessionState state, int max_frames)
{
    for (int i = 0; i < max_frames; i++) {
        tapp_poll(a);
        if (a->state == state)
            return true;
        if (XR_FAILED(tapp_frame(a, NULL)))
            return false;
    }
    tapp_poll(a);
    return a->state == state;
}

cJSON *tapp_summary(tapp *a)
{
    char path[300];
    snprintf(path, sizeof path, "%s/summary.json", a->dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return cJSON_Parse(buf);
}

bool tapp_summary_has_error(cJSON *summary, const char *fn, const char *result)
{
    cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(summary, "errors"))
    {
        const char *f = cJSON_GetStringValue(cJSON_GetObjectItem(e, "function"));
        const char *r = cJSON_GetStringValue(cJSON_GetObjectItem(e, "result"));
        if (f && r && strcmp(f, fn) == 0 && strcmp(r, result) == 0)
            return true;
    }
    return false;
}

XrPath tapp_path(tapp *a, const char *s)
{
    XrPath p = XR_NULL_PATH;
    xrStringToPath(a->instance, s, &p);
    return p;
}
