// SPDX-License-Identifier: Apache-2.0
// The headset front-end of the lesson session (`stoa run`, `stoa bench
// frame`): an OpenXR session (runtime/xr) drives runtime/run's shared
// session. Each frame takes the head, eyes and controllers from the
// runtime, runs run_session_step (the same as the desktop's play mode,
// runtime/play), records the live view's snapshot and submits the frame;
// it survives lost sessions and instances (docs/learner-runtime.md,
// "Errors"). The module graph stays one way: headset uses run, xr and
// desktop (the mirror window); run knows none of them.
#pragma once

#include "run/run_session.h"

// run_session_init, then the mirror window (opt->mirror) and the headset.
// Whatever happened, end with run_session_fini (it releases the headset).
stoa_result headset_open(run_session *s, const run_options *opt, stoa_error *err);
// Runs the frame loop until the runtime ends the session (or *stop_flag,
// or opt->max_seconds).
stoa_result headset_loop(run_session *s, volatile int *stop_flag, stoa_error *err);
