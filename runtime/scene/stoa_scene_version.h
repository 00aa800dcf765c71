// SPDX-License-Identifier: Apache-2.0
// The Assimp library the scene module runs with ("5.2.5"), for `stoa doctor`.
#pragma once

const char *stoa_scene_assimp_version(void);
