// SPDX-License-Identifier: Apache-2.0
// All views in one render pass with VK_KHR_multiview (gl_ViewIndex).
#version 450
#extension GL_EXT_multiview : require
#define STOA_MULTIVIEW 1
#include "pbr_vert.glsl"
