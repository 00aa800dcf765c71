// SPDX-License-Identifier: Apache-2.0
// Assimp's version as the loaded library reports it (not the headers').
#include <stdio.h>

#include <assimp/version.h>

#include "scene/stoa_scene_version.h"

const char *stoa_scene_assimp_version(void)
{
    static char v[32];
    snprintf(v, sizeof v, "%u.%u.%u", aiGetVersionMajor(), aiGetVersionMinor(), aiGetVersionPatch());
    return v;
}
