// SPDX-License-Identifier: Apache-2.0
// The runtime's one lock. The specification (1.1, §2.3 "Threading
// Behavior") lets an app call any function from any thread, serialising only
// the accesses each function's "Thread Safety" block names. xrsim keeps all
// of its state (handle table, instance, session, events, paths) behind one
// mutex that every entry point holds for its whole call: calls are short
// and never block on the app, except xrWaitFrame, which waits on a
// condition variable (releasing the lock) for the previous frame to be
// begun on another thread.
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "xrsim_internal.h"

static pthread_mutex_t g_mutex;
static pthread_cond_t g_frame_cond; // on CLOCK_MONOTONIC
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void init_once(void)
{
    // Recursive: an entry point may end up in another one's helpers that lock.
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&g_mutex, &ma);
    pthread_mutexattr_destroy(&ma);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g_frame_cond, &ca);
    pthread_condattr_destroy(&ca);
}

int xrsim_api_lock(void)
{
    pthread_once(&g_once, init_once);
    pthread_mutex_lock(&g_mutex);
    return 1;
}

void xrsim_api_unlock_scope(int *held)
{
    if (*held)
        pthread_mutex_unlock(&g_mutex);
}

bool xrsim_api_frame_wait(int64_t deadline_mono_ns)
{
    struct timespec ts = {deadline_mono_ns / 1000000000, deadline_mono_ns % 1000000000};
    return pthread_cond_timedwait(&g_frame_cond, &g_mutex, &ts) != ETIMEDOUT;
}

void xrsim_api_frame_signal(void)
{
    pthread_once(&g_once, init_once);
    pthread_cond_broadcast(&g_frame_cond);
}

int64_t xrsim_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
