// SPDX-License-Identifier: Apache-2.0
// The learner's own "raise my hand" button (docs/hub.md, "Live views, hands
// and attention"): with a hub, a small panel with one button stands with the
// others in front of the learner, in the lobby and during a lesson, for a
// learner who does not know the controller's menu button (or has none: a
// desktop clicks it with the reticle). A controller's trigger on it (or the
// desktop's click) raises the hand, or lowers it; its label says which. The
// select is taken from the lesson (a node behind the panel is not selected).
#pragma once

#include <stdbool.h>

#include "interact/stoa_interact.h"

typedef struct run_session run_session;

#define RUN_HAND_PANEL "hand"

// Once per frame, before the lesson's input (run_session_step).
void run_hand_frame(run_session *s, const stoa_interact_output *io, const stoa_interact_frame *in);
// The middle of the button, world, when it is drawn (xrsim's learner actions
// aim at it as the node "hand-button": run_simworld.c).
bool run_hand_point(run_session *s, float out[3]);
