// SPDX-License-Identifier: Apache-2.0
// Logging with levels, a per-module level from the environment and a
// pluggable sink. The learner trace is NOT this: see runtime/trace.
//
//   STOA_LOG=debug            default level for every module
//   STOA_LOG_SCENE=trace      level for module "scene" (name upper-cased)
//
// Levels: trace, debug, info, warn, error, off. Default: info.
// The default sink writes "stoa[module] level: message" to stderr.
#pragma once

#include <stdbool.h>

typedef enum stoa_log_level {
    STOA_LOG_TRACE = 0,
    STOA_LOG_DEBUG,
    STOA_LOG_INFO,
    STOA_LOG_WARN,
    STOA_LOG_ERROR,
    STOA_LOG_OFF,
} stoa_log_level;

typedef void (*stoa_log_sink_fn)(void *user, const char *module, stoa_log_level level,
                                 const char *message);

// Replaces the sink (NULL restores stderr). Not thread-safe against
// concurrent logging; set it at start-up or in tests.
void stoa_log_set_sink(stoa_log_sink_fn fn, void *user);

// Level in force for a module (reads the environment once per module name).
stoa_log_level stoa_log_level_for(const char *module);
bool stoa_log_enabled(const char *module, stoa_log_level level);

void stoa_log(const char *module, stoa_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *stoa_log_level_str(stoa_log_level level);

#define STOA_LOGT(mod, ...) stoa_log(mod, STOA_LOG_TRACE, __VA_ARGS__)
#define STOA_LOGD(mod, ...) stoa_log(mod, STOA_LOG_DEBUG, __VA_ARGS__)
#define STOA_LOGI(mod, ...) stoa_log(mod, STOA_LOG_INFO, __VA_ARGS__)
#define STOA_LOGW(mod, ...) stoa_log(mod, STOA_LOG_WARN, __VA_ARGS__)
#define STOA_LOGE(mod, ...) stoa_log(mod, STOA_LOG_ERROR, __VA_ARGS__)
