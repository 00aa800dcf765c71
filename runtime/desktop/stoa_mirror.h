// SPDX-License-Identifier: Apache-2.0
// A desktop window that mirrors the learner's left eye (`stoa run --mirror`),
// so a teacher or a visitor sees what the headset shows. It shares the
// headset's Vulkan device: open the window first, hand its surface hook and
// extensions to runtime/xr, then attach it to the device runtime/xr made.
//
// Lifetimes: stoa_desktop_mirror_open allocates; stoa_desktop_mirror_close
// frees (after the frames using it are done: it waits for the device).
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "core/stoa_result.h"
#include "gfx/stoa_gfx.h"

typedef struct stoa_desktop_mirror stoa_desktop_mirror;

stoa_result stoa_desktop_mirror_open(const char *title, uint32_t width, uint32_t height,
                                     stoa_desktop_mirror **out_mirror, stoa_error *err);
// Instance extensions the window needs (GLFW's list; owned by GLFW).
const char *const *stoa_desktop_mirror_instance_extensions(uint32_t *out_count);
// For stoa_gfx_device_hooks.create_surface / stoa_xr_desc.create_surface,
// with the mirror as user pointer.
VkResult stoa_desktop_mirror_create_surface(void *mirror, VkInstance instance,
                                            VkSurfaceKHR *out_surface);
// Makes the swapchain on the device (whose handles carry the surface).
stoa_result stoa_desktop_mirror_attach(stoa_desktop_mirror *m, stoa_gfx_device *device,
                                       stoa_error *err);
// For stoa_xr_set_mirror: copies the left eye into the mirror's own image
// inside the headset's command buffer.
void stoa_desktop_mirror_record(void *mirror, VkCommandBuffer cmd, VkImage image, uint32_t width,
                                uint32_t height, VkFormat format);
// Shows the last copied eye in the window (after the headset's submit on
// the same queue) and handles window events. Returns false once the window
// has been closed by the user.
bool stoa_desktop_mirror_present(stoa_desktop_mirror *m);
// Before the device goes away (instance loss): drops what lives on it.
void stoa_desktop_mirror_detach(stoa_desktop_mirror *m);
void stoa_desktop_mirror_close(stoa_desktop_mirror **m);
