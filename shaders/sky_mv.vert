// SPDX-License-Identifier: Apache-2.0
// The sky, all views in one render pass (VK_KHR_multiview).
#version 450
#extension GL_EXT_multiview : require
#define STOA_MULTIVIEW 1
#include "sky_vert.glsl"
