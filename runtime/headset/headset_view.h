// SPDX-License-Identifier: Apache-2.0
// The headset's side of the teacher's live view (docs/hub.md, "Live views,
// hands and attention"): the state is the session's run_view
// (runtime/run/run_view.h), the pictures run_view_pics.c's, shared with the
// desktop (runtime/play/play_view.c); this hooks them into the frame's
// command buffer (stoa_xr_set_tap), says where the learner looks, and reads
// the controller's menu button for the hand.
#pragma once

#include <stdint.h>

#include "run/run_view.h"
#include "xr/stoa_xr.h"

// Once per frame, before stoa_xr_end_frame: run_view_common and
// run_view_pics_frame (what the hub asks for, the next snapshot, the sign). rl: the lesson
// playing (NULL: the lobby); panels: the run_lesson whose panels show the
// "watched" sign.
void headset_view_frame(run_view *v, stoa_xr *xr, run_hub *hub, run_lesson *rl, run_lesson *panels,
                        const stoa_xr_frame *f, int64_t now_ns);
