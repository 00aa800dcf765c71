// SPDX-License-Identifier: Apache-2.0
// The author's side of play mode (play.c): an overlay toggled by F1/Tab
// that shows the current state, its triggers (the one under way marked),
// the variables, the nodes, zones, teleport points and narration sources the
// lesson names (listed here; play.c also lights them in the scene);
// jump to any state (PageUp/PageDown, Enter), restart (F5), time sped up
// (F2: x1, x2, x4, x8); and a reload when the lesson file changes, resuming
// at the same state through the machine's save/restore.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "desktop/stoa_desktop_window.h"
#include "run/run_reload.h"
#include "run/run_session.h"

#define PLAY_AUTHOR_LINES 14
#define PLAY_AUTHOR_CHARS 240 // bytes a row keeps (a Chinese character takes 3)
#define PLAY_AUTHOR_MARKS 64

typedef struct play_author {
    run_session *s;
    bool shown;        // the overlay is on screen
    bool reload;       // watch the lesson file
    double speed;      // lesson time per wall second
    int32_t pick;      // the state chosen for a jump
    int64_t mtime;     // of the lesson file when last loaded
    char watched[4096]; // that file's path (a hub's launch switches to another)
    double next_poll;  // wall time of the next look at the file
    uint32_t reloads;  // done, for the summary
    run_reload reloader; // the lesson file being read again (run_reload.c)
    bool reload_again; // it changed again meanwhile
    char status[160];  // the last reload's outcome
    char lines[PLAY_AUTHOR_LINES][PLAY_AUTHOR_CHARS + 1];
    uint32_t marks[PLAY_AUTHOR_MARKS]; // nodes the lesson names, lit in the scene
    uint32_t mark_count;
} play_author;

void play_author_init(play_author *a, run_session *s, bool shown, bool reload);
void play_author_fini(play_author *a);
// Reacts to this frame's keys and to a changed lesson file. *out_rescene:
// the scene was reloaded too (the caller makes its GPU copy again).
stoa_result play_author_frame(play_author *a, const stoa_desktop_input *in,
                                  bool *out_rescene, stoa_error *err);
// The overlay's text lines (pointers into a), 0 when it is hidden.
uint32_t play_author_hud(play_author *a, const char **lines, uint32_t max);
// While shown: the lesson's named nodes for the renderer to light (with the
// step's own highlights kept); fills options' highlight fields.
void play_author_marks(play_author *a, stoa_gfx_render_options *o);
