// SPDX-License-Identifier: Apache-2.0
// Small Vulkan helpers shared by the preview window and the mirror window.
#pragma once

#include <vulkan/vulkan.h>

// One image-layout transition of mip 0, layer 0 (colour).
void desktop_vk_barrier(VkCommandBuffer cmd, VkImage image, VkImageLayout from, VkImageLayout to,
                        VkAccessFlags src_access, VkAccessFlags dst_access,
                        VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage);
