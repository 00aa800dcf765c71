// SPDX-License-Identifier: Apache-2.0
// The GLFW the desktop windows run with, for `stoa doctor`.
#pragma once

const char *stoa_desktop_glfw_version(void);
