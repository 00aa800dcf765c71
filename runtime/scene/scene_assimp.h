// SPDX-License-Identifier: Apache-2.0
// Private to scene_assimp.c and scene_assimp_io.c, the two files that see
// Assimp's types (everything else in runtime/scene reads cJSON and stoa_mesh).
#pragma once

#include "scene_internal.h"

struct aiScene;

// Imports doc with Assimp through a file system confined to the scene's
// folder; *out is released with aiReleaseImport.
stoa_result scene_assimp_run(scene_doc *doc, const struct aiScene **out, stoa_error *err);
