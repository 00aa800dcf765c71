// SPDX-License-Identifier: Apache-2.0
#include "stoa_log.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static stoa_log_sink_fn g_sink;
static void *g_sink_user;

// A small cache of per-module levels; modules are few and fixed.
#define MAX_MODULES 32
static struct {
    char name[24];
    stoa_log_level level;
} g_levels[MAX_MODULES];
static int g_level_count;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

const char *stoa_log_level_str(stoa_log_level level)
{
    static const char *names[] = {"trace", "debug", "info", "warn", "error", "off"};
    return (unsigned)level <= STOA_LOG_OFF ? names[level] : "?";
}

static stoa_log_level parse_level(const char *s, stoa_log_level fallback)
{
    if (!s || !*s)
        return fallback;
    for (int l = STOA_LOG_TRACE; l <= STOA_LOG_OFF; l++)
        if (strcasecmp(s, stoa_log_level_str((stoa_log_level)l)) == 0)
            return (stoa_log_level)l;
    if (strcasecmp(s, "warning") == 0)
        return STOA_LOG_WARN;
    return fallback;
}

stoa_log_level stoa_log_level_for(const char *module)
{
    pthread_mutex_lock(&g_lock);
    for (int i = 0; i < g_level_count; i++) {
        if (strcmp(g_levels[i].name, module) == 0) {
            stoa_log_level l = g_levels[i].level;
            pthread_mutex_unlock(&g_lock);
            return l;
        }
    }
    stoa_log_level level = parse_level(getenv("STOA_LOG"), STOA_LOG_INFO);
    char var[64] = "STOA_LOG_";
    size_t n = strlen(var);
    for (const char *p = module; *p && n + 1 < sizeof var; p++)
        var[n++] = (char)toupper((unsigned char)*p);
    var[n] = '\0';
    level = parse_level(getenv(var), level);
    if (g_level_count < MAX_MODULES) {
        snprintf(g_levels[g_level_count].name, sizeof g_levels[0].name, "%s", module);
        g_levels[g_level_count].level = level;
        g_level_count++;
    }
    pthread_mutex_unlock(&g_lock);
    return level;
}

bool stoa_log_enabled(const char *module, stoa_log_level level)
{
    return level != STOA_LOG_OFF && level >= stoa_log_level_for(module);
}

void stoa_log_set_sink(stoa_log_sink_fn fn, void *user)
{
    g_sink = fn;
    g_sink_user = user;
}

void stoa_log(const char *module, stoa_log_level level, const char *fmt, ...)
{
    if (!stoa_log_enabled(module, level))
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (g_sink) {
        g_sink(g_sink_user, module, level, msg);
        return;
    }
    fprintf(stderr, "stoa[%s] %s: %s\n", module, stoa_log_level_str(level), msg);
}
