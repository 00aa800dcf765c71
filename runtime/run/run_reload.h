// SPDX-License-Identifier: Apache-2.0
// A lesson file read again while the lesson goes on (`stoa play` reloading
// an edited lesson, runtime/play/play_author.c): on a worker, the file is
// loaded and its sky resolved and its light baked (run_sky_prepare, as a
// lesson the hub switches to: run_content.c), so that the frame thread
// only swaps them in: it reads no file and makes no sky.
//
// run_reload_start on the frame thread; run_reload_take there once per
// frame until it returns true; then run_reload_take_sky if the lesson is
// kept, and run_reload_fini (also before the session goes).
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "run_session.h"

typedef struct run_reload {
    pthread_t thread;
    bool busy;                   // a worker was started and not yet joined
    atomic_int done;             // the worker finished
    run_session *scratch;        // its lesson and sky (a session of its own, on the heap)
    stoa_gfx_renderer *renderer; // the sky's light is baked for it (NULL: not baked)
    uint64_t sky_key;            // the sky shown when the reload started (run_sky_key)
    char path[4096];             // the lesson file read
    stoa_result result;
    stoa_error err;
} run_reload;

// Starts reading s->lesson_desc's lesson again on a worker (its sky baked
// for s->renderer unless it is the one shown now). Fails when a reload is
// under way or no thread can be started.
stoa_result run_reload_start(run_reload *rl, run_session *s, stoa_error *err);
// When the worker is done: true, with *out_result and err (the load's
// failure) and, on success, *out_lesson the lesson read (the caller owns it
// and runs run_lesson_fini when it does not keep it). Otherwise false.
bool run_reload_take(run_reload *rl, run_lesson *out_lesson, stoa_result *out_result,
                     stoa_error *err);
// The reloaded lesson's sky becomes s's (call when the lesson taken is
// installed; after run_reload_take returned it). The former sky is freed
// with the worker's session.
void run_reload_take_sky(run_reload *rl, run_session *s);
// Joins a running worker and frees what was not taken.
void run_reload_fini(run_reload *rl);
