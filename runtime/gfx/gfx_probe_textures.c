// SPDX-License-Identifier: Apache-2.0
// The GPU texture format a scene cache file should be baked for, asked of
// the machine's Vulkan device before any stoa_gfx_device exists (`stoa run`
// loads its first lesson, `stoa info` its scene, before the renderer is
// made): a bare instance, the physical device the renderer would pick, its
// features and format properties — no logical device.
#include <stdlib.h>

#include "core/stoa_log.h"
#include "gfx/stoa_gfx_probe.h"
#include "gfx_internal.h"
#include "scene/stoa_scene_texfmt.h"

static bool has_graphics_queue(VkPhysicalDevice pd)
{
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, NULL);
    VkQueueFamilyProperties props[16];
    n = n < 16 ? n : 16;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, props);
    for (uint32_t i = 0; i < n; i++)
        if (props[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)
            return true;
    return false;
}

// As gfx_device.c picks without a window: Vulkan 1.1 with a graphics queue,
// discrete before integrated before the rest.
static VkPhysicalDevice pick(VkInstance instance)
{
    VkPhysicalDevice pds[16], best = VK_NULL_HANDLE;
    uint32_t n = 16;
    VkResult vr = vkEnumeratePhysicalDevices(instance, &n, pds);
    if (vr != VK_SUCCESS && vr != VK_INCOMPLETE)
        return VK_NULL_HANDLE;
    int best_score = -1;
    for (uint32_t i = 0; i < n; i++) {
        VkPhysicalDeviceProperties p;
        vkGetPhysicalDeviceProperties(pds[i], &p);
        if (p.apiVersion < VK_API_VERSION_1_1 || !has_graphics_queue(pds[i]))
            continue;
        int score = p.deviceType == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU     ? 3
                    : p.deviceType == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU ? 2
                                                                             : 1;
        if (score > best_score) {
            best = pds[i];
            best_score = score;
        }
    }
    return best;
}

// The instance `stoa run` keeps until its renderer exists (NULL: none kept).
static VkInstance g_kept;

void stoa_gfx_probe_release(void)
{
    if (g_kept)
        vkDestroyInstance(g_kept, NULL);
    g_kept = VK_NULL_HANDLE;
}

bool stoa_gfx_probe_texture_target(bool keep)
{
    stoa_texture_target env;
    if (stoa_texture_target_parse(getenv("STOA_TEXTURE_FORMAT"), &env) &&
        env != STOA_TEXTURE_TARGET_AUTO)
        return true; // the variable decides; nothing to ask
    VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                             .pApplicationName = "stoa probe",
                             .apiVersion = VK_API_VERSION_1_1};
    VkInstanceCreateInfo info = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                                 .pApplicationInfo = &app};
    VkInstance instance = VK_NULL_HANDLE;
    VkResult vr = vkCreateInstance(&info, NULL, &instance);
    if (vr != VK_SUCCESS) {
        STOA_LOGD("gfx", "texture format probe: no Vulkan instance (VkResult %d)", (int)vr);
        return false;
    }
    VkPhysicalDevice pd = pick(instance);
    if (pd != VK_NULL_HANDLE) {
        VkPhysicalDeviceFeatures avail, enable = {0};
        vkGetPhysicalDeviceFeatures(pd, &avail);
        gfx_texture_blocks_features(pd, &avail, &enable);
        gfx_texture_blocks_register(pd, enable.textureCompressionBC,
                                    enable.textureCompressionASTC_LDR);
        STOA_LOGD("gfx", "texture format probe: scenes baked for %s",
                  stoa_texture_target_name(stoa_texture_target_resolve(STOA_TEXTURE_TARGET_AUTO)));
    }
    if (keep && !g_kept)
        g_kept = instance; // its drivers stay loaded for the renderer's instance
    else
        vkDestroyInstance(instance, NULL);
    return pd != VK_NULL_HANDLE;
}
