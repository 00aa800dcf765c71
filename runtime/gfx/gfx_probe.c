// SPDX-License-Identifier: Apache-2.0
// stoa_gfx_probe: the device's support for what the renderer asks of it.
// The formats listed here are those gfx_target.c, gfx_texture.c and
// gfx_pipeline.c create; keep them in step.
#include <stdio.h>
#include <string.h>

#include "gfx/stoa_gfx_probe.h"

typedef struct need {
    VkFormat format;
    const char *name;
    int kind; // 0 colour attachment + sampled, 1 sampled + linear filter, 2 vertex buffer
} need;

static const need k_needs[] = {
    {VK_FORMAT_R8G8B8A8_SRGB, "R8G8B8A8_SRGB", 0},
    {VK_FORMAT_R8G8B8A8_UNORM, "R8G8B8A8_UNORM", 1},
    {VK_FORMAT_R8G8B8A8_SRGB, "R8G8B8A8_SRGB(texture)", 1},
    {VK_FORMAT_R32G32B32_SFLOAT, "R32G32B32_SFLOAT(vertex)", 2},
    {VK_FORMAT_R32G32B32A32_SFLOAT, "R32G32B32A32_SFLOAT(vertex)", 2},
    {VK_FORMAT_R32G32_SFLOAT, "R32G32_SFLOAT(vertex)", 2},
    {VK_FORMAT_R16G16B16A16_UINT, "R16G16B16A16_UINT(vertex)", 2},
};

static void append(char *out, size_t size, const char *word)
{
    size_t used = strlen(out);
    snprintf(out + used, size - used, "%s%s", used ? " " : "", word);
}

static void version(char *out, size_t size, uint32_t v)
{
    snprintf(out, size, "%u.%u.%u", VK_API_VERSION_MAJOR(v), VK_API_VERSION_MINOR(v),
             VK_API_VERSION_PATCH(v));
}

bool stoa_gfx_probe(const stoa_gfx_device *device, stoa_gfx_probe_result *o)
{
    memset(o, 0, sizeof *o);
    const stoa_gfx_device_handles *h = stoa_gfx_device_get_handles(device);
    VkPhysicalDevice pd = h->physical_device;
    uint32_t loader = VK_API_VERSION_1_0;
    vkEnumerateInstanceVersion(&loader);
    version(o->loader_version, sizeof o->loader_version, loader);

    VkPhysicalDeviceDriverProperties driver = {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceProperties2 props = {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    VkPhysicalDeviceProperties base;
    vkGetPhysicalDeviceProperties(pd, &base);
    if (base.apiVersion >= VK_API_VERSION_1_2) {
        props.pNext = &driver;
        vkGetPhysicalDeviceProperties2(pd, &props);
        snprintf(o->driver, sizeof o->driver, "%s %s", driver.driverName, driver.driverInfo);
    } else {
        snprintf(o->driver, sizeof o->driver, "vendor 0x%04x driver 0x%x", base.vendorID,
                 base.driverVersion);
    }
    snprintf(o->device_name, sizeof o->device_name, "%s", base.deviceName);
    version(o->api_version, sizeof o->api_version, base.apiVersion);
    o->multiview = h->multiview;
    o->multiview_auto = h->multiview_auto;
    o->max_views = h->max_multiview_views;

    bool ok = true;
    for (size_t i = 0; i < sizeof k_needs / sizeof *k_needs; i++) {
        VkFormatProperties fp;
        vkGetPhysicalDeviceFormatProperties(pd, k_needs[i].format, &fp);
        VkFormatFeatureFlags want, have;
        if (k_needs[i].kind == 0) {
            want = VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT | VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT;
            have = fp.optimalTilingFeatures;
        } else if (k_needs[i].kind == 1) {
            want = VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT | VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
            have = fp.optimalTilingFeatures;
        } else {
            want = VK_FORMAT_FEATURE_VERTEX_BUFFER_BIT;
            have = fp.bufferFeatures;
        }
        if ((have & want) != want) {
            append(o->missing, sizeof o->missing, k_needs[i].name);
            ok = false;
        }
    }
    // The depth formats gfx_target.c tries, in its order.
    static const struct {
        VkFormat f;
        const char *name;
    } depth[] = {{VK_FORMAT_D32_SFLOAT, "D32_SFLOAT"},
                 {VK_FORMAT_D24_UNORM_S8_UINT, "D24_UNORM_S8_UINT"},
                 {VK_FORMAT_D16_UNORM, "D16_UNORM"}};
    for (size_t i = 0; i < 3 && !o->depth_format[0]; i++) {
        VkFormatProperties fp;
        vkGetPhysicalDeviceFormatProperties(pd, depth[i].f, &fp);
        if (fp.optimalTilingFeatures & VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT)
            snprintf(o->depth_format, sizeof o->depth_format, "%s", depth[i].name);
    }
    if (!o->depth_format[0]) {
        append(o->missing, sizeof o->missing, "depth-attachment");
        ok = false;
    }
    return ok;
}
