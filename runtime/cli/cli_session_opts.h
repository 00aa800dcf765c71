// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <stdbool.h>

#include "run/run_session.h"

// One of the options `stoa run` and `stoa play` share (--hub, --join,
// --device, --traces, --lang, --learner, --seed, --events, --dwell,
// --max-seconds, --ar, --vr): true when argv[*i] was one, *i then on its value.
bool stoa_cli_session_option(int argc, char **argv, int *i, run_options *o);
