// SPDX-License-Identifier: Apache-2.0
// A GLFW window with a Vulkan swapchain that a stoa_gfx_target draws into,
// plus a HUD bitmap copied over the top-left corner before presenting.
// Internal to runtime/desktop.
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "core/stoa_result.h"
#include "desktop_hud.h"
#include "gfx/stoa_gfx.h"
#include "stoa_desktop_window.h"

struct GLFWwindow;

#define DESKTOP_FRAMES 2
#define DESKTOP_MAX_IMAGES 8

typedef struct desktop_frame {
    VkCommandBuffer cmd;
    VkFence fence;
    VkSemaphore acquired;
    VkBuffer hud_buffer;
    VkDeviceMemory hud_memory;
    void *hud_mapped;
} desktop_frame;

typedef struct desktop_swapchain {
    struct GLFWwindow *window;
    stoa_gfx_device *device;     // owned
    stoa_gfx_renderer *renderer; // owned
    stoa_gfx_target *target;     // owned, recreated with the swapchain
    const stoa_gfx_device_handles *vk;
    VkSwapchainKHR swapchain;
    VkSurfaceFormatKHR format;
    VkExtent2D extent;
    uint32_t image_count;
    VkImage images[DESKTOP_MAX_IMAGES];
    VkSemaphore rendered[DESKTOP_MAX_IMAGES];
    VkCommandPool pool;
    desktop_frame frames[DESKTOP_FRAMES];
    uint32_t frame_index;
    uint32_t msaa;
    uint32_t hud_width, hud_height; // size of the HUD staging buffers
    bool needs_recreate;
    stoa_desktop_tap_fn tap; // stoa_desktop_window_set_tap
    void *tap_user;
} desktop_swapchain;

// Creates the window, the device (with the surface) and the renderer.
stoa_result desktop_swapchain_init(desktop_swapchain *sc, const char *title, uint32_t width,
                                   uint32_t height, uint32_t msaa, uint32_t hud_width,
                                   uint32_t hud_height, stoa_error *err);
void desktop_swapchain_fini(desktop_swapchain *sc);

// One frame: draws[0] clears, the others are drawn over it. With no draw (or
// draws[0].scene NULL) only clears (loading screen). The HUD's box
// (used_width x used_height of its bitmap, which must be hud_width wide, in
// the swapchain's byte order) goes top-left; hud may be NULL.
// Returns STOA_OK, or STOA_TIMEOUT when the window is minimised or the
// swapchain had to be recreated (nothing drawn this time).
stoa_result desktop_swapchain_draw(desktop_swapchain *sc, const stoa_gfx_view *view,
                                   const stoa_desktop_draw *draws, uint32_t draw_count,
                                   const float clear[4], const desktop_hud *hud,
                                   stoa_error *err);

// True when the swapchain's format stores bytes as B, G, R, A.
bool desktop_swapchain_is_bgra(const desktop_swapchain *sc);
