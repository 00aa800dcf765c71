// SPDX-License-Identifier: Apache-2.0
// One view per render pass (the view comes from the push constants).
#version 450
#include "pbr_vert.glsl"
