// SPDX-License-Identifier: Apache-2.0
#include "stoa_clock.h"

#include <time.h>

static int64_t mono_now(stoa_clock *c)
{
    (void)c;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static stoa_clock g_mono = {.now_ns = mono_now};

stoa_clock *stoa_clock_monotonic(void)
{
    return &g_mono;
}

static int64_t fake_now(stoa_clock *c)
{
    return ((stoa_fake_clock *)c)->t_ns;
}

void stoa_fake_clock_init(stoa_fake_clock *c, int64_t start_ns)
{
    c->base.now_ns = fake_now;
    c->t_ns = start_ns;
}

int64_t stoa_time_unix_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

double stoa_thread_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double stoa_time_seconds(void)
{
    return (double)mono_now(&g_mono) * 1e-9;
}
