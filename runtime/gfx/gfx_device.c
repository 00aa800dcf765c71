// SPDX-License-Identifier: Apache-2.0
// Instance, physical device, device and queue; the validation messenger.
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "gfx_internal.h"
#include "scene/stoa_scene_texfmt.h"

#define VALIDATION_LAYER "VK_LAYER_KHRONOS_validation"
#define MAX_EXTENSIONS 64

static atomic_uint g_validation_messages;
static atomic_bool g_validation_requested;

uint32_t stoa_gfx_validation_message_count(void)
{
    return atomic_load(&g_validation_messages);
}

bool stoa_gfx_validation_requested(void)
{
    return atomic_load(&g_validation_requested);
}

stoa_result gfx_vk_check(VkResult r, const char *call, const char *file, int line,
                         stoa_error *err)
{
    if (r >= 0)
        return STOA_OK;
    stoa_result code = STOA_ERROR_VULKAN;
    if (r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_OUT_OF_DEVICE_MEMORY)
        code = STOA_ERROR_OUT_OF_MEMORY;
    else if (r == VK_ERROR_DEVICE_LOST)
        code = STOA_ERROR_DEVICE_LOST;
    else if (r == VK_ERROR_LAYER_NOT_PRESENT || r == VK_ERROR_EXTENSION_NOT_PRESENT ||
             r == VK_ERROR_FEATURE_NOT_PRESENT || r == VK_ERROR_INCOMPATIBLE_DRIVER)
        code = STOA_ERROR_UNSUPPORTED;
    const char *base = strrchr(file, '/');
    STOA_LOGE(GFX_MODULE, "%s failed: VkResult %d (%s:%d)", call, (int)r, base ? base + 1 : file,
              line);
    return stoa_error_set(err, code, "Vulkan: %s failed with VkResult %d (%s:%d)", call, (int)r,
                          base ? base + 1 : file, line);
}

stoa_result stoa_gfx_vk_result(VkResult r, const char *call, stoa_error *err)
{
    return gfx_vk_check(r, call, "caller", 0, err);
}

static VKAPI_ATTR VkBool32 VKAPI_CALL
debug_callback(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
               VkDebugUtilsMessageTypeFlagsEXT types,
               const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
    (void)types;
    (void)user;
    if (severity < VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT)
        return VK_FALSE;
    atomic_fetch_add(&g_validation_messages, 1);
    stoa_log(GFX_MODULE,
             severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? STOA_LOG_ERROR
                                                                       : STOA_LOG_WARN,
             "validation: %s", data && data->pMessage ? data->pMessage : "(no message)");
    return VK_FALSE;
}

static VkDebugUtilsMessengerCreateInfoEXT messenger_info(void)
{
    return (VkDebugUtilsMessengerCreateInfoEXT){
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
        .pfnUserCallback = debug_callback,
    };
}

static bool validation_wanted(const stoa_gfx_device_desc *desc)
{
    if (desc->validation == STOA_GFX_VALIDATION_ON)
        return true;
    if (desc->validation == STOA_GFX_VALIDATION_OFF)
        return false;
    const char *env = getenv("STOA_VALIDATION");
    return env && strcmp(env, "1") == 0;
}

static bool layer_available(const char *name)
{
    uint32_t n = 0;
    vkEnumerateInstanceLayerProperties(&n, NULL);
    VkLayerProperties *props = calloc(n ? n : 1, sizeof *props);
    if (!props)
        return false;
    vkEnumerateInstanceLayerProperties(&n, props);
    bool found = false;
    for (uint32_t i = 0; i < n && !found; i++)
        found = strcmp(props[i].layerName, name) == 0;
    free(props);
    return found;
}

static bool add_unique(const char **list, uint32_t *count, const char *name)
{
    for (uint32_t i = 0; i < *count; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    if (*count >= MAX_EXTENSIONS)
        return false;
    list[(*count)++] = name;
    return true;
}

static stoa_result create_instance(stoa_gfx_device *dev, const stoa_gfx_device_desc *desc,
                                   bool validation, stoa_error *err)
{
    const char *exts[MAX_EXTENSIONS];
    uint32_t ext_count = 0;
    for (uint32_t i = 0; i < desc->instance_extension_count; i++)
        if (!add_unique(exts, &ext_count, desc->instance_extensions[i]))
            return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: too many instance extensions");
    if (validation)
        add_unique(exts, &ext_count, VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    const char *layers[] = {VALIDATION_LAYER};
    VkDebugUtilsMessengerCreateInfoEXT dbg = messenger_info();
    VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = desc->app_name ? desc->app_name : "stoa",
        .pEngineName = "stoa",
        .apiVersion = VK_API_VERSION_1_1,
    };
    VkInstanceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
        .pNext = validation ? &dbg : NULL,
        .pApplicationInfo = &app,
        .enabledLayerCount = validation ? 1 : 0,
        .ppEnabledLayerNames = layers,
        .enabledExtensionCount = ext_count,
        .ppEnabledExtensionNames = exts,
    };
    VkResult vr = desc->hooks.create_instance
                      ? desc->hooks.create_instance(desc->hooks.user, &info, &dev->h.instance)
                      : vkCreateInstance(&info, NULL, &dev->h.instance);
    stoa_result res = GFX_VK(err, vr);
    if (res < 0)
        return res;
    dev->owns_instance = true;
    if (validation) {
        PFN_vkCreateDebugUtilsMessengerEXT create = (PFN_vkCreateDebugUtilsMessengerEXT)
            vkGetInstanceProcAddr(dev->h.instance, "vkCreateDebugUtilsMessengerEXT");
        if (create)
            res = GFX_VK(err, create(dev->h.instance, &dbg, NULL, &dev->messenger));
    }
    return res;
}

static int32_t graphics_family(VkPhysicalDevice pd, VkSurfaceKHR surface)
{
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, NULL);
    VkQueueFamilyProperties props[32];
    if (n > 32)
        n = 32;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, props);
    for (uint32_t i = 0; i < n; i++) {
        if (!(props[i].queueFlags & VK_QUEUE_GRAPHICS_BIT))
            continue;
        VkBool32 present = VK_TRUE;
        if (surface)
            vkGetPhysicalDeviceSurfaceSupportKHR(pd, i, surface, &present);
        if (present)
            return (int32_t)i;
    }
    return -1;
}

static stoa_result pick_physical_device(stoa_gfx_device *dev, const stoa_gfx_device_desc *desc,
                                        stoa_error *err)
{
    if (desc->hooks.pick_physical_device) {
        stoa_result res = GFX_VK(err, desc->hooks.pick_physical_device(
                                          desc->hooks.user, dev->h.instance, &dev->h.physical_device));
        if (res < 0)
            return res;
    } else {
        uint32_t n = 16;
        VkPhysicalDevice pds[16];
        stoa_result res = GFX_VK(err, vkEnumeratePhysicalDevices(dev->h.instance, &n, pds));
        if (res < 0)
            return res;
        int best = -1, best_score = -1;
        for (uint32_t i = 0; i < n; i++) {
            VkPhysicalDeviceProperties p;
            vkGetPhysicalDeviceProperties(pds[i], &p);
            if (p.apiVersion < VK_API_VERSION_1_1 || graphics_family(pds[i], dev->h.surface) < 0)
                continue;
            int score = p.deviceType == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU     ? 3
                        : p.deviceType == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU ? 2
                                                                                 : 1;
            if (score > best_score) {
                best = (int)i;
                best_score = score;
            }
        }
        if (best < 0)
            return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                                  "gfx: no Vulkan 1.1 device with a graphics queue%s",
                                  dev->h.surface ? " that can present to the window" : "");
        dev->h.physical_device = pds[best];
    }
    int32_t family = graphics_family(dev->h.physical_device, dev->h.surface);
    if (family < 0)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "gfx: the chosen device has no suitable graphics queue");
    dev->h.queue_family = (uint32_t)family;
    return STOA_OK;
}

static stoa_result create_device(stoa_gfx_device *dev, const stoa_gfx_device_desc *desc,
                                 stoa_error *err)
{
    VkPhysicalDeviceMultiviewFeatures mv_avail = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MULTIVIEW_FEATURES};
    VkPhysicalDeviceFeatures2 avail = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                                       .pNext = &mv_avail};
    vkGetPhysicalDeviceFeatures2(dev->h.physical_device, &avail);

    VkPhysicalDeviceMultiviewFeatures mv = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MULTIVIEW_FEATURES,
        .multiview = mv_avail.multiview};
    VkPhysicalDeviceFeatures2 features = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                                          .pNext = &mv};
    features.features.samplerAnisotropy = avail.features.samplerAnisotropy;
    features.features.shaderStorageBufferArrayDynamicIndexing = VK_FALSE;
    // Batched draws (gfx_batch.c): many meshes in one indirect call.
    features.features.multiDrawIndirect = avail.features.multiDrawIndirect;
    features.features.drawIndirectFirstInstance = avail.features.drawIndirectFirstInstance;
    // Block-compressed scene textures (gfx_texture_blocks.c).
    gfx_texture_blocks_features(dev->h.physical_device, &avail.features, &features.features);

    const char *exts[MAX_EXTENSIONS];
    uint32_t ext_count = 0;
    for (uint32_t i = 0; i < desc->device_extension_count; i++)
        if (!add_unique(exts, &ext_count, desc->device_extensions[i]))
            return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: too many device extensions");
    float priority = 1.0f;
    VkDeviceQueueCreateInfo queue = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
        .queueFamilyIndex = dev->h.queue_family,
        .queueCount = 1,
        .pQueuePriorities = &priority,
    };
    VkDeviceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
        .pNext = &features,
        .queueCreateInfoCount = 1,
        .pQueueCreateInfos = &queue,
        .enabledExtensionCount = ext_count,
        .ppEnabledExtensionNames = exts,
    };
    VkResult vr = desc->hooks.create_device
                      ? desc->hooks.create_device(desc->hooks.user, dev->h.physical_device, &info,
                                                  &dev->h.device)
                      : vkCreateDevice(dev->h.physical_device, &info, NULL, &dev->h.device);
    stoa_result res = GFX_VK(err, vr);
    if (res < 0)
        return res;
    dev->owns_device = true;
    dev->h.multiview = mv.multiview == VK_TRUE;
    dev->multi_draw = features.features.multiDrawIndirect && features.features.drawIndirectFirstInstance;
    dev->tex_bc = features.features.textureCompressionBC;
    dev->tex_astc = features.features.textureCompressionASTC_LDR;
    // What the scene cache bakes for when asked for "auto" (stoa_scene_texfmt.h).
    gfx_texture_blocks_register(dev->h.physical_device, dev->tex_bc, dev->tex_astc);
    return STOA_OK;
}

static void query_properties(stoa_gfx_device *dev)
{
    VkPhysicalDeviceMultiviewProperties mvp = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MULTIVIEW_PROPERTIES};
    VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                      .pNext = &mvp};
    vkGetPhysicalDeviceProperties2(dev->h.physical_device, &p2);
    dev->props = p2.properties;
    dev->h.api_version = p2.properties.apiVersion;
    dev->h.max_multiview_views = dev->h.multiview ? mvp.maxMultiviewViewCount : 1;
    dev->h.multiview_auto = dev->h.multiview && !strstr(dev->props.deviceName, "llvmpipe");
    if (dev->h.multiview && !dev->h.multiview_auto)
        STOA_LOGI(GFX_MODULE, "%s: stereo in two passes by default (its multiview clips "
                              "wrongly in the second view)", dev->props.deviceName);
    vkGetPhysicalDeviceMemoryProperties(dev->h.physical_device, &dev->mem_props);
}

static stoa_result create_instance_and_device(stoa_gfx_device *dev,
                                              const stoa_gfx_device_desc *desc, stoa_error *err)
{
    bool validation = validation_wanted(desc);
    atomic_store(&g_validation_requested, validation);
    if (validation && !layer_available(VALIDATION_LAYER)) {
        STOA_LOGW(GFX_MODULE, "validation requested but %s is not installed", VALIDATION_LAYER);
        atomic_fetch_add(&g_validation_messages, 1); // a test must not pass silently without it
        validation = false;
    }
    stoa_result res = create_instance(dev, desc, validation, err);
    if (res >= 0 && desc->hooks.create_surface)
        res = GFX_VK(err, desc->hooks.create_surface(desc->hooks.user, dev->h.instance,
                                                     &dev->h.surface));
    if (res >= 0)
        res = pick_physical_device(dev, desc, err);
    if (res >= 0)
        res = create_device(dev, desc, err);
    return res;
}

stoa_result stoa_gfx_device_create(const stoa_gfx_device_desc *desc, stoa_gfx_device **out_device,
                                   stoa_error *err)
{
    static const stoa_gfx_device_desc zero;
    if (!out_device)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: out_device is NULL");
    *out_device = NULL;
    if (!desc)
        desc = &zero;
    stoa_gfx_device *dev = calloc(1, sizeof *dev);
    if (!dev)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    pthread_mutex_init(&dev->mem_lock, NULL);
    stoa_result res = STOA_OK;
    if (desc->existing) {
        const stoa_gfx_existing_handles *e = desc->existing;
        dev->h.instance = e->instance;
        dev->h.physical_device = e->physical_device;
        dev->h.device = e->device;
        dev->h.queue_family = e->queue_family;
        dev->h.queue_index = e->queue_index;
        dev->h.multiview = e->multiview;
        if (!e->instance || !e->physical_device || !e->device)
            res = stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                                 "gfx: existing handles are incomplete");
        atomic_store(&g_validation_requested, validation_wanted(desc));
    } else {
        res = create_instance_and_device(dev, desc, err);
    }
    if (res >= 0) {
        query_properties(dev);
        gfx_texture_caps_init(dev);
        vkGetDeviceQueue(dev->h.device, dev->h.queue_family, dev->h.queue_index, &dev->h.queue);
        VkCommandPoolCreateInfo pool = {
            .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
            .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT |
                     VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
            .queueFamilyIndex = dev->h.queue_family,
        };
        res = GFX_VK(err, vkCreateCommandPool(dev->h.device, &pool, NULL, &dev->pool));
    }
    if (res >= 0) {
        VkFenceCreateInfo fence = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
        res = GFX_VK(err, vkCreateFence(dev->h.device, &fence, NULL, &dev->fence));
    }
    if (res < 0) {
        stoa_gfx_device_destroy(&dev);
        return res;
    }
    STOA_LOGD(GFX_MODULE, "device: %s, Vulkan %u.%u, multiview %s", dev->props.deviceName,
              VK_API_VERSION_MAJOR(dev->h.api_version), VK_API_VERSION_MINOR(dev->h.api_version),
              dev->h.multiview ? "yes" : "no");
    *out_device = dev;
    return STOA_OK;
}

void stoa_gfx_device_destroy(stoa_gfx_device **device)
{
    if (!device || !*device)
        return;
    stoa_gfx_device *dev = *device;
    if (dev->h.device) {
        vkDeviceWaitIdle(dev->h.device);
        if (dev->fence)
            vkDestroyFence(dev->h.device, dev->fence, NULL);
        if (dev->pool)
            vkDestroyCommandPool(dev->h.device, dev->pool, NULL);
        gfx_mem_fini(dev);
        if (dev->owns_device)
            vkDestroyDevice(dev->h.device, NULL);
    }
    if (dev->h.surface && dev->owns_instance)
        vkDestroySurfaceKHR(dev->h.instance, dev->h.surface, NULL);
    if (dev->messenger) {
        PFN_vkDestroyDebugUtilsMessengerEXT destroy = (PFN_vkDestroyDebugUtilsMessengerEXT)
            vkGetInstanceProcAddr(dev->h.instance, "vkDestroyDebugUtilsMessengerEXT");
        if (destroy)
            destroy(dev->h.instance, dev->messenger, NULL);
    }
    if (dev->owns_instance && dev->h.instance)
        vkDestroyInstance(dev->h.instance, NULL);
    pthread_mutex_destroy(&dev->mem_lock);
    free(dev);
    *device = NULL;
}

const stoa_gfx_device_handles *stoa_gfx_device_get_handles(const stoa_gfx_device *device)
{
    return device ? &device->h : NULL;
}

stoa_result stoa_gfx_device_wait_idle(stoa_gfx_device *device)
{
    if (!device)
        return STOA_ERROR_INVALID_ARGUMENT;
    gfx_count_idle_wait();
    return GFX_VK(NULL, vkDeviceWaitIdle(device->h.device));
}
