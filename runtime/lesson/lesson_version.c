// SPDX-License-Identifier: Apache-2.0
// libyaml's version as the loaded library reports it.
#include <yaml.h>

#include "lesson/stoa_lesson_version.h"

const char *stoa_lesson_yaml_version(void) { return yaml_get_version_string(); }
