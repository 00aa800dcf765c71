// SPDX-License-Identifier: Apache-2.0
// Fault injection for tests: errors that a healthy driver never gives, on
// demand, so that what follows them can be tested on any machine.
//
// STOA_GFX_FAULT=KIND@FRAME[,KIND@FRAME...] is read once; FRAME counts the
// stoa_gfx_begin_frame calls of the process from 1:
//   frame-full@N   frame N's per-frame ring buffer says it is full: its
//                  stoa_gfx_render fails with STOA_ERROR_LIMIT, by the same
//                  path a real overflow takes (a frame dropped, the session
//                  going on);
//   device-lost@N  frame N's submit is not made and reports
//                  VK_ERROR_DEVICE_LOST instead (stoa_gfx_fault_device_lost;
//                  the runtime makes the device again).
// Each fault fires once. Unset, nothing is ever injected.
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "gfx_internal.h"

enum { FAULT_FULL, FAULT_LOST, FAULT_KINDS, MAX_FAULTS = 8 };

typedef struct fault {
    int kind;
    uint64_t frame;
} fault;

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static fault g_faults[MAX_FAULTS];
static uint32_t g_fault_count;
static atomic_uint_fast64_t g_frames;
static atomic_bool g_lost_due;

static void parse_one(const char *item, size_t n)
{
    static const char *const names[FAULT_KINDS] = {"frame-full", "device-lost"};
    const char *at = memchr(item, '@', n);
    for (int k = 0; at && k < FAULT_KINDS; k++) {
        size_t len = strlen(names[k]);
        char *end = NULL;
        unsigned long long frame = strtoull(at + 1, &end, 10);
        if ((size_t)(at - item) == len && !strncmp(item, names[k], len) && frame > 0 &&
            end == item + n && g_fault_count < MAX_FAULTS) {
            g_faults[g_fault_count++] = (fault){k, frame};
            STOA_LOGW(GFX_MODULE, "STOA_GFX_FAULT: %s at frame %llu (a test hook)", names[k],
                      frame);
            return;
        }
    }
    STOA_LOGW(GFX_MODULE, "STOA_GFX_FAULT: '%.*s' ignored (KIND@FRAME, KIND frame-full or "
                          "device-lost, at most %d)", (int)n, item, MAX_FAULTS);
}

static void parse(void)
{
    const char *v = getenv("STOA_GFX_FAULT");
    for (const char *p = v; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n > 0 && n < 64)
            parse_one(p, n);
        p += n + (p[n] == ',');
    }
}

bool gfx_fault_begin_frame(void)
{
    pthread_once(&g_once, parse);
    if (g_fault_count == 0)
        return false;
    uint64_t frame = atomic_fetch_add(&g_frames, 1) + 1;
    bool full = false;
    for (uint32_t i = 0; i < g_fault_count; i++) {
        if (g_faults[i].frame != frame)
            continue;
        full |= g_faults[i].kind == FAULT_FULL;
        if (g_faults[i].kind == FAULT_LOST)
            atomic_store(&g_lost_due, true);
    }
    return full;
}

bool stoa_gfx_fault_device_lost(void)
{
    if (!atomic_exchange(&g_lost_due, false))
        return false;
    STOA_LOGW(GFX_MODULE, "STOA_GFX_FAULT: this frame's submit reports VK_ERROR_DEVICE_LOST");
    return true;
}
