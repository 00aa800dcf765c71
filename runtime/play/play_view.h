// SPDX-License-Identifier: Apache-2.0
// The desktop seat's pictures for the teacher's live view: the window's
// frame (without the HUD) through the shared picture code
// (runtime/run/run_view_pics.c), like a headset's left eye.
#pragma once

#include <stdbool.h>

#include "desktop/stoa_desktop_window.h"
#include "run/run_session.h"

// Once per frame, before stoa_desktop_window_draw: the hand (hand_key: H
// held), attention, and the pictures the hub asks for (the learner looks
// through the window's centre).
void play_view_frame(run_session *s, stoa_desktop_window *w, bool hand_key, int64_t now_ns);
