// SPDX-License-Identifier: Apache-2.0
// The sun's shadow pass: the PBR vertex shader (morphs, skins, instances)
// with the sun's view-projection; depth only, no fragment shader.
#version 450
#define STOA_SHADOW 1
#include "pbr_vert.glsl"
