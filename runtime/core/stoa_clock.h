// SPDX-License-Identifier: Apache-2.0
// Clocks are injected into pure logic (lesson machine, interaction, trace
// building) so tests drive time by hand. Times are nanoseconds.
#pragma once

#include <stdint.h>

typedef struct stoa_clock stoa_clock;
struct stoa_clock {
    int64_t (*now_ns)(stoa_clock *clock);
};

static inline int64_t stoa_clock_now(stoa_clock *c)
{
    return c->now_ns(c);
}

// The process-wide monotonic clock (CLOCK_MONOTONIC). Never NULL.
stoa_clock *stoa_clock_monotonic(void);

// A clock that only moves when told to; init/fini style, caller-owned.
typedef struct stoa_fake_clock {
    stoa_clock base;
    int64_t t_ns;
} stoa_fake_clock;

void stoa_fake_clock_init(stoa_fake_clock *c, int64_t start_ns);
static inline void stoa_fake_clock_advance(stoa_fake_clock *c, int64_t dt_ns)
{
    c->t_ns += dt_ns;
}

// Wall-clock time, nanoseconds since the Unix epoch (for trace timestamps).
int64_t stoa_time_unix_ns(void);
// Monotonic seconds as a double, for benchmarks and logs.
double stoa_time_seconds(void);
// CPU time this thread has used, in seconds (CLOCK_THREAD_CPUTIME_ID): work
// done, not time spent descheduled on a busy machine or blocked.
double stoa_thread_cpu_seconds(void);
