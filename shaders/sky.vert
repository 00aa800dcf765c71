// SPDX-License-Identifier: Apache-2.0
// The sky, one view per render pass.
#version 450
#include "sky_vert.glsl"
