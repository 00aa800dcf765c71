// SPDX-License-Identifier: Apache-2.0
// A lesson read again on a worker, with its sky (run_reload.h).
#include "run_reload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"

static void *reload_main(void *arg)
{
    run_reload *rl = arg;
    run_session *t = rl->scratch;
    rl->result = run_lesson_load(&t->lesson, &t->lesson_desc, &rl->err);
    if (rl->result >= 0) {
        t->lesson_on = true;
        // What the sky comes from may have changed (the lesson's `sky:`):
        // the image decoded and the light baked here (run_sky.c).
        run_sky_prepare(t, rl->renderer, rl->sky_key);
    }
    atomic_store(&rl->done, 1);
    return NULL;
}

stoa_result run_reload_start(run_reload *rl, run_session *s, stoa_error *err)
{
    if (rl->busy)
        return stoa_error_set(err, STOA_ERROR_STATE, "a reload is under way");
    run_reload_fini(rl); // what a taken reload left (its scratch, the sky let go), if not yet freed
    run_session *t = calloc(1, sizeof *t);
    if (!t)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    t->opt = s->opt;
    t->lesson_desc = s->lesson_desc;
    // Its own copy of the path (a hub's launch may reuse s's storage meanwhile).
    snprintf(rl->path, sizeof rl->path, "%s",
             s->lesson_desc.lesson_path ? s->lesson_desc.lesson_path : "");
    t->lesson_desc.lesson_path = rl->path;
    rl->renderer = s->renderer;
    rl->sky_key = run_sky_key(s); // the sky shown now: not baked again
    rl->scratch = t;
    if (pthread_create(&rl->thread, NULL, reload_main, rl) != 0) {
        free(t);
        rl->scratch = NULL;
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "cannot start a reload thread");
    }
    rl->busy = true;
    return STOA_OK;
}

bool run_reload_take(run_reload *rl, run_lesson *out_lesson, stoa_result *out_result,
                     stoa_error *err)
{
    if (!rl->busy || !atomic_load(&rl->done))
        return false;
    pthread_join(rl->thread, NULL);
    rl->busy = false;
    *out_result = rl->result;
    if (err)
        *err = rl->err;
    run_session *t = rl->scratch;
    if (rl->result >= 0) {
        *out_lesson = t->lesson; // moved out
        memset(&t->lesson, 0, sizeof t->lesson);
    } else if (t->lesson.lesson || t->lesson.machine) {
        run_lesson_fini(&t->lesson);
    }
    return true;
}

void run_reload_take_sky(run_reload *rl, run_session *s)
{
    if (rl->scratch)
        run_sky_take(s, rl->scratch);
}

void run_reload_fini(run_reload *rl)
{
    if (rl->busy) {
        pthread_join(rl->thread, NULL);
        rl->busy = false;
        if (rl->scratch && (rl->scratch->lesson.lesson || rl->scratch->lesson.machine))
            run_lesson_fini(&rl->scratch->lesson);
    }
    if (rl->scratch) {
        run_sky_fini(rl->scratch); // a sky it made, or the one taking it let go
        free(rl->scratch);
    }
    memset(rl, 0, sizeof *rl);
}
