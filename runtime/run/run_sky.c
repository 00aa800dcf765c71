// SPDX-License-Identifier: Apache-2.0
// The session's sky (docs/environment.md): --sky and --shadows on the
// command line first, then the lesson's `sky:`, then the default (10:30,
// shadows auto: low on a GPU, off on lavapipe). Set on the renderer every frame: the renderer
// recomputes its environment only when the sky changed (a lesson the hub switched to may bring
// another time of day).
#include <string.h>

#include "gfx/stoa_gfx.h"
#include "lesson/stoa_lesson.h"
#include "run_lesson.h"
#include "run_session.h"

stoa_result run_sky_resolve(const run_options *o, const stoa_lesson *L, stoa_gfx_sky *out,
                            stoa_error *err)
{
    stoa_gfx_sky_default(out);
    const char *time = o->sky ? o->sky : L ? L->sky_time : NULL;
    const char *shadows = o->shadows ? o->shadows : L ? L->sky_shadows : NULL;
    if (time && strcmp(time, "off") == 0)
        out->enabled = false;
    else if (time && !stoa_gfx_sky_parse_time(time, &out->hour))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "--sky wants a time of day HH:MM or off, not '%s'", time);
    if (shadows && !stoa_gfx_shadows_parse(shadows, &out->shadows))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "--shadows wants off, low, high or auto, not '%s'", shadows);
    return STOA_OK;
}

void run_sky_frame(run_session *s, stoa_gfx_renderer *renderer)
{
    if (!renderer)
        return;
    stoa_gfx_sky sky;
    const stoa_lesson *L = s->lesson_on ? s->lesson.lesson : NULL;
    if (run_sky_resolve(s->opt, L, &sky, NULL) < 0)
        sky.enabled = false; // refused at start (run_session_init): never here
    if (s->ar.choice.ar && s->ar.room > 0.0f)
        sky.enabled = false; // the real room shows where the scene is clear (run_ar.c)
    stoa_gfx_renderer_set_sky(renderer, &sky, NULL);
}
