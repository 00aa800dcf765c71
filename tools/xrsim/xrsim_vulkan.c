// SPDX-License-Identifier: Apache-2.0
// XR_KHR_vulkan_enable and XR_KHR_vulkan_enable2, and the device-side
// helpers xrsim uses on the app's VkDevice (through the app's own dispatch,
// so validation layers the app enabled check xrsim's Vulkan use too).
#include <string.h>

#include "core/stoa_log.h"
#include "xrsim_api.h"

static PFN_vkGetInstanceProcAddr gipa(const xrsim_instance *inst)
{
    return inst->vk_gipa ? inst->vk_gipa : vkGetInstanceProcAddr;
}

XrResult xrsim_vk_init(xrsim_instance *inst, const XrGraphicsBindingVulkanKHR *b, xrsim_vk *vk)
{
    memset(vk, 0, sizeof *vk);
    vk->instance = b->instance;
    vk->phys = b->physicalDevice;
    vk->device = b->device;
    vk->family = b->queueFamilyIndex;
    vk->index = b->queueIndex;
    PFN_vkGetInstanceProcAddr get = gipa(inst);
    PFN_vkGetDeviceProcAddr gdpa =
        (PFN_vkGetDeviceProcAddr)get(vk->instance, "vkGetDeviceProcAddr");
    PFN_vkGetPhysicalDeviceMemoryProperties mem =
        (PFN_vkGetPhysicalDeviceMemoryProperties)get(vk->instance,
                                                     "vkGetPhysicalDeviceMemoryProperties");
    vk->vkGetPhysicalDeviceImageFormatProperties =
        (PFN_vkGetPhysicalDeviceImageFormatProperties)get(
            vk->instance, "vkGetPhysicalDeviceImageFormatProperties");
    if (!gdpa || !mem || !vk->vkGetPhysicalDeviceImageFormatProperties)
        return XR_ERROR_GRAPHICS_DEVICE_INVALID;
    mem(vk->phys, &vk->mem_props);
#define XRSIM_VK_LOAD(name)                                                                        \
    vk->name = (PFN_##name)gdpa(vk->device, #name);                                                \
    if (!vk->name)                                                                                 \
        return XR_ERROR_GRAPHICS_DEVICE_INVALID;
    XRSIM_VK_DEVICE_FNS(XRSIM_VK_LOAD)
#undef XRSIM_VK_LOAD
    vk->vkGetDeviceQueue(vk->device, vk->family, vk->index, &vk->queue);
    VkCommandPoolCreateInfo pci = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
        .queueFamilyIndex = vk->family,
    };
    if (!vk->queue || vk->vkCreateCommandPool(vk->device, &pci, NULL, &vk->pool) != VK_SUCCESS)
        return XR_ERROR_GRAPHICS_DEVICE_INVALID;
    return XR_SUCCESS;
}

void xrsim_vk_fini(xrsim_vk *vk)
{
    if (vk->pool)
        vk->vkDestroyCommandPool(vk->device, vk->pool, NULL);
    vk->pool = VK_NULL_HANDLE;
}

bool xrsim_vk_run(xrsim_vk *vk, xrsim_vk_record_fn fn, void *user)
{
    VkCommandBufferAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = vk->pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    VkCommandBuffer cb;
    if (vk->vkAllocateCommandBuffers(vk->device, &ai, &cb) != VK_SUCCESS)
        return false;
    VkCommandBufferBeginInfo bi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    bool ok = vk->vkBeginCommandBuffer(cb, &bi) == VK_SUCCESS;
    if (ok) {
        fn(vk, cb, user);
        ok = vk->vkEndCommandBuffer(cb) == VK_SUCCESS;
    }
    VkSubmitInfo si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .commandBufferCount = 1,
        .pCommandBuffers = &cb,
    };
    // The app's queue: external synchronisation is the app's single thread.
    ok = ok && vk->vkQueueSubmit(vk->queue, 1, &si, VK_NULL_HANDLE) == VK_SUCCESS;
    ok = ok && vk->vkQueueWaitIdle(vk->queue) == VK_SUCCESS;
    vk->vkFreeCommandBuffers(vk->device, vk->pool, 1, &cb);
    return ok;
}

int32_t xrsim_vk_memory_type(const xrsim_vk *vk, uint32_t bits, VkMemoryPropertyFlags flags)
{
    for (uint32_t i = 0; i < vk->mem_props.memoryTypeCount; i++)
        if ((bits & (1u << i)) && (vk->mem_props.memoryTypes[i].propertyFlags & flags) == flags)
            return (int32_t)i;
    return -1;
}

// ---- the extension functions ---------------------------------------------------------

static XrResult check_sys(XrInstance instance, XrSystemId id, const char *fn,
                          xrsim_instance **out)
{
    XrResult r = xrsim_check_instance(instance, fn);
    if (r != XR_SUCCESS)
        return r;
    *out = (xrsim_instance *)instance;
    if (id != 1)
        return xrsim_app_error(*out, fn, XR_ERROR_SYSTEM_INVALID, "unknown XrSystemId");
    return XR_SUCCESS;
}

static XrResult requirements(XrInstance instance, XrSystemId id, XrGraphicsRequirementsVulkanKHR *req,
                             const char *fn)
{
    xrsim_instance *inst;
    XrResult r = check_sys(instance, id, fn, &inst);
    if (r != XR_SUCCESS)
        return r;
    if (!req || req->type != XR_TYPE_GRAPHICS_REQUIREMENTS_VULKAN_KHR)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad requirements struct");
    req->minApiVersionSupported = XR_MAKE_VERSION(1, 0, 0);
    req->maxApiVersionSupported = XR_MAKE_VERSION(1, 3, 0);
    inst->gfx_reqs_queried = true;
    return XR_SUCCESS;
}

XrResult xrsim_xrGetVulkanGraphicsRequirementsKHR(XrInstance instance, XrSystemId id,
                                                  XrGraphicsRequirementsVulkanKHR *req)
{
    XRSIM_API_LOCK();
    return requirements(instance, id, req, "xrGetVulkanGraphicsRequirementsKHR");
}

XrResult xrsim_xrGetVulkanGraphicsRequirements2KHR(XrInstance instance, XrSystemId id,
                                                   XrGraphicsRequirementsVulkan2KHR *req)
{
    XRSIM_API_LOCK();
    return requirements(instance, id, req, "xrGetVulkanGraphicsRequirements2KHR");
}

// xrsim needs no Vulkan extensions: it only creates images, memory, buffers
// and copies, all core 1.0.
XrResult xrsim_xrGetVulkanInstanceExtensionsKHR(XrInstance instance, XrSystemId id, uint32_t cap,
                                                uint32_t *count, char *buffer)
{
    XRSIM_API_LOCK();
    xrsim_instance *inst;
    XrResult r = check_sys(instance, id, "xrGetVulkanInstanceExtensionsKHR", &inst);
    if (r != XR_SUCCESS)
        return r;
    return xrsim_fill_string(inst, "xrGetVulkanInstanceExtensionsKHR", cap, count, buffer, "");
}

XrResult xrsim_xrGetVulkanDeviceExtensionsKHR(XrInstance instance, XrSystemId id, uint32_t cap,
                                              uint32_t *count, char *buffer)
{
    XRSIM_API_LOCK();
    xrsim_instance *inst;
    XrResult r = check_sys(instance, id, "xrGetVulkanDeviceExtensionsKHR", &inst);
    if (r != XR_SUCCESS)
        return r;
    return xrsim_fill_string(inst, "xrGetVulkanDeviceExtensionsKHR", cap, count, buffer, "");
}

static XrResult pick_device(xrsim_instance *inst, VkInstance vki, VkPhysicalDevice *out,
                            const char *fn)
{
    PFN_vkEnumeratePhysicalDevices enumerate =
        (PFN_vkEnumeratePhysicalDevices)gipa(inst)(vki, "vkEnumeratePhysicalDevices");
    if (!vki || !out || !enumerate)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad VkInstance");
    uint32_t n = 1;
    VkPhysicalDevice dev = VK_NULL_HANDLE;
    VkResult vr = enumerate(vki, &n, &dev);
    if ((vr != VK_SUCCESS && vr != VK_INCOMPLETE) || n == 0 || !dev)
        return XR_ERROR_RUNTIME_FAILURE;
    *out = dev;
    inst->vk_phys = dev;
    inst->vk_instance = vki;
    return XR_SUCCESS;
}

XrResult xrsim_xrGetVulkanGraphicsDeviceKHR(XrInstance instance, XrSystemId id, VkInstance vki,
                                            VkPhysicalDevice *dev)
{
    XRSIM_API_LOCK();
    xrsim_instance *inst;
    XrResult r = check_sys(instance, id, "xrGetVulkanGraphicsDeviceKHR", &inst);
    if (r != XR_SUCCESS)
        return r;
    return pick_device(inst, vki, dev, "xrGetVulkanGraphicsDeviceKHR");
}

XrResult xrsim_xrGetVulkanGraphicsDevice2KHR(XrInstance instance,
                                             const XrVulkanGraphicsDeviceGetInfoKHR *info,
                                             VkPhysicalDevice *dev)
{
    XRSIM_API_LOCK();
    const char *fn = "xrGetVulkanGraphicsDevice2KHR";
    XrResult r = xrsim_check_instance(instance, fn);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = (xrsim_instance *)instance;
    if (!info || info->type != XR_TYPE_VULKAN_GRAPHICS_DEVICE_GET_INFO_KHR)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad get info");
    if (info->systemId != 1)
        return xrsim_app_error(inst, fn, XR_ERROR_SYSTEM_INVALID, "unknown XrSystemId");
    return pick_device(inst, info->vulkanInstance, dev, fn);
}

XrResult xrsim_xrCreateVulkanInstanceKHR(XrInstance instance,
                                         const XrVulkanInstanceCreateInfoKHR *ci,
                                         VkInstance *out, VkResult *vr)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreateVulkanInstanceKHR";
    XrResult r = xrsim_check_instance(instance, fn);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = (xrsim_instance *)instance;
    if (!ci || !out || !vr || ci->type != XR_TYPE_VULKAN_INSTANCE_CREATE_INFO_KHR ||
        !ci->pfnGetInstanceProcAddr || !ci->vulkanCreateInfo)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad create info");
    if (ci->systemId != 1)
        return xrsim_app_error(inst, fn, XR_ERROR_SYSTEM_INVALID, "unknown XrSystemId");
    // XR_KHR_vulkan_enable2 lists no XR_ERROR_GRAPHICS_REQUIREMENTS_CALL_MISSING
    // here (only xrCreateSession checks that call); the requirements hold anyway.
    PFN_vkCreateInstance create =
        (PFN_vkCreateInstance)ci->pfnGetInstanceProcAddr(VK_NULL_HANDLE, "vkCreateInstance");
    if (!create)
        return XR_ERROR_RUNTIME_FAILURE;
    *vr = create(ci->vulkanCreateInfo, ci->vulkanAllocator, out);
    if (*vr == VK_SUCCESS) {
        inst->vk_instance = *out;
        inst->vk_gipa = ci->pfnGetInstanceProcAddr;
    }
    return XR_SUCCESS; // a Vulkan failure is reported through *vr
}

XrResult xrsim_xrCreateVulkanDeviceKHR(XrInstance instance, const XrVulkanDeviceCreateInfoKHR *ci,
                                       VkDevice *out, VkResult *vr)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreateVulkanDeviceKHR";
    XrResult r = xrsim_check_instance(instance, fn);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = (xrsim_instance *)instance;
    if (!ci || !out || !vr || ci->type != XR_TYPE_VULKAN_DEVICE_CREATE_INFO_KHR ||
        !ci->pfnGetInstanceProcAddr || !ci->vulkanCreateInfo)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad create info");
    if (ci->systemId != 1)
        return xrsim_app_error(inst, fn, XR_ERROR_SYSTEM_INVALID, "unknown XrSystemId");
    // XR_KHR_vulkan_enable2 lists no XR_ERROR_GRAPHICS_REQUIREMENTS_CALL_MISSING
    // here (only xrCreateSession checks that call); the requirements hold anyway.
    if (!inst->vk_phys || ci->vulkanPhysicalDevice != inst->vk_phys)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE,
                               "physical device not from xrGetVulkanGraphicsDevice2KHR");
    PFN_vkCreateDevice create =
        (PFN_vkCreateDevice)ci->pfnGetInstanceProcAddr(inst->vk_instance, "vkCreateDevice");
    if (!inst->vk_gipa)
        inst->vk_gipa = ci->pfnGetInstanceProcAddr;
    if (!create)
        return XR_ERROR_RUNTIME_FAILURE;
    *vr = create(ci->vulkanPhysicalDevice, ci->vulkanCreateInfo, ci->vulkanAllocator, out);
    return XR_SUCCESS;
}
