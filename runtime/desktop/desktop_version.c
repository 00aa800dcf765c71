// SPDX-License-Identifier: Apache-2.0
// GLFW's version string as the loaded library reports it (no window made).
#include <GLFW/glfw3.h>

#include "desktop/stoa_desktop_version.h"

const char *stoa_desktop_glfw_version(void) { return glfwGetVersionString(); }
