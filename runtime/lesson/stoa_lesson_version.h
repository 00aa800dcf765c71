// SPDX-License-Identifier: Apache-2.0
// The libyaml the lesson parser runs with ("0.2.5"), for `stoa doctor`.
#pragma once

const char *stoa_lesson_yaml_version(void);
