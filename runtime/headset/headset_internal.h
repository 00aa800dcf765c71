// SPDX-License-Identifier: Apache-2.0
// The headset front-end's own state, shared by its files (headset_loop.c,
// headset_ar.c); the session does not know it.
#pragma once

#include "desktop/stoa_mirror.h"
#include "headset_warm.h"
#include "run/run_session.h"
#include "xr/stoa_xr.h"

typedef struct headset {
    run_session *s;
    stoa_xr *xr;
    stoa_desktop_mirror *mirror; // the left eye in a desktop window (--mirror)
    headset_warm warm;           // the overlay's pipelines, compiled on a worker
} headset;

// AR's calls into OpenXR for the session (run_front_ops.xr; headset_ar.c).
extern const run_xr_ops headset_xr_ops;
