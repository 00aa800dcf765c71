// SPDX-License-Identifier: Apache-2.0
// The session's sky (docs/environment.md). The first that says anything
// wins: --sky (HH:MM, off or an environment image), the lesson's `sky:`
// (time or environment), the scene's own glTF extras (stoa.sky,
// stoa.environment), then the default (10:30). Shadows the same way
// (--shadows, sky.shadows, stoa.sky.shadows, auto). Within one of them an
// environment image beats a time, and a time (or the default) stands in
// when the image cannot be read (an error naming the file and the field).
// Resolved once per lesson and scene (the glTF's extras read, the image
// decoded), then set on the renderer every frame, which costs nothing
// unless the sky changed.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "core/stoa_path.h"
#include "gfx/stoa_gfx.h"
#include "lesson/stoa_lesson.h"
#include "run_lesson.h"
#include "run_session.h"

struct run_sky {
    bool resolved;
    const stoa_lesson *lesson; // what the sky was resolved for
    const stoa_scene *scene;
    const stoa_scene *extras_scene; // the scene the extras were read for
    stoa_scene_extras extras;
    stoa_scene_env_image image;
    stoa_gfx_sky sky;
};

static bool is_time(const char *v)
{
    float h;
    return strcmp(v, "off") == 0 || stoa_gfx_sky_parse_time(v, &h);
}

stoa_result run_sky_resolve(const run_options *o, const stoa_lesson *L, stoa_gfx_sky *out,
                            stoa_error *err)
{
    stoa_gfx_sky_default(out);
    const char *time = o->sky ? o->sky : L ? L->sky_time : NULL;
    const char *shadows = o->shadows ? o->shadows : L ? L->sky_shadows : NULL;
    if (time && strcmp(time, "off") == 0) {
        out->enabled = false;
    } else if (time && !stoa_gfx_sky_parse_time(time, &out->hour)) {
        FILE *f = o->sky == time ? fopen(time, "rb") : NULL; // --sky IMAGE
        if (!f)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                                  "--sky wants a time of day HH:MM, off or an environment image "
                                  "file, not '%s' (no such file)", time);
        fclose(f);
    }
    if (shadows && !stoa_gfx_shadows_parse(shadows, &out->shadows))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "--shadows wants off, low, high or auto, not '%s'", shadows);
    return STOA_OK;
}

static struct run_sky *state(run_session *s)
{
    if (!s->sky_state)
        s->sky_state = calloc(1, sizeof *s->sky_state);
    return s->sky_state;
}

const stoa_scene_extras *run_sky_extras(run_session *s)
{
    struct run_sky *k = state(s);
    const char *path = s->lesson_on ? s->lesson.scene_path : s->opt ? s->opt->scene_path : NULL;
    if (!k || !s->scene || !path)
        return NULL;
    if (k->extras_scene != s->scene) {
        stoa_scene_extras_fini(&k->extras);
        stoa_error err = {0};
        if (stoa_scene_extras_read(path, &k->extras, &err) < 0)
            STOA_LOGE("run", "%s; the scene's extras are ignored", err.message);
        k->extras_scene = s->scene;
    }
    return &k->extras;
}

// One place's say: a time (or off) and an environment image.
typedef struct sky_say {
    const char *time, *image, *file, *field;
    char path[4096];
    float intensity;
} sky_say;

static void resolve(run_session *s, struct run_sky *k, const stoa_lesson *L)
{
    const run_options *o = s->opt;
    const stoa_scene_extras *x = run_sky_extras(s);
    sky_say say = {.intensity = 1.0f};
    if (o->sky) {
        *(is_time(o->sky) ? &say.time : &say.image) = o->sky;
        say.file = "the command line";
        say.field = "--sky";
    } else if (L && (L->sky_time || L->sky_environment)) {
        say.time = L->sky_time;
        say.file = s->lesson.lesson_path;
        say.field = "sky.environment";
        char dir[4096];
        stoa_path_dirname(s->lesson.lesson_path, dir, sizeof dir);
        stoa_error err = {0};
        if (L->sky_environment &&
            stoa_path_confine(dir, L->sky_environment, say.path, sizeof say.path, &err) < 0)
            STOA_LOGE("run", "%s: sky.environment: %s; the procedural sky instead", say.file,
                      err.message);
        else if (L->sky_environment)
            say.image = say.path;
    } else if (x && (x->sky_time[0] || x->environment[0])) {
        say.time = x->sky_time[0] ? x->sky_time : NULL;
        say.image = x->environment[0] ? x->environment : NULL;
        say.intensity = x->environment_intensity;
        say.file = s->lesson_on ? s->lesson.scene_path : o->scene_path;
        say.field = x->environment_field;
    }
    const char *shadows = o->shadows ? o->shadows
                          : L && L->sky_shadows ? L->sky_shadows
                          : x && x->sky_shadows[0] ? x->sky_shadows : NULL;
    stoa_gfx_sky_default(&k->sky);
    if (shadows)
        stoa_gfx_shadows_parse(shadows, &k->sky.shadows); // checked where it was read
    if (say.time && strcmp(say.time, "off") == 0)
        k->sky.enabled = false;
    else if (say.time)
        stoa_gfx_sky_parse_time(say.time, &k->sky.hour);
    free(k->image.rgb);
    k->image = (stoa_scene_env_image){0};
    if (say.image) {
        stoa_error err = {0};
        if (stoa_scene_env_image_load(say.image, say.intensity, &k->image, &err) < 0) {
            STOA_LOGE("run", "the environment image named by %s in %s: %s; the procedural sky "
                             "instead", say.field, say.file, err.message);
        } else {
            k->sky.enabled = true;
            k->sky.env_rgb = k->image.rgb;
            k->sky.env_width = k->image.width;
            k->sky.env_height = k->image.height;
            STOA_LOGI("run", "sky: the environment image %s (%s)", say.image, say.field);
        }
    }
}

void run_sky_frame(run_session *s, stoa_gfx_renderer *renderer)
{
    struct run_sky *k = state(s);
    if (!renderer || !k)
        return;
    const stoa_lesson *L = s->lesson_on ? s->lesson.lesson : NULL;
    if (!k->resolved || k->lesson != L || k->scene != s->scene) {
        // The image's buffer goes: the renderer tells skies apart by address.
        stoa_gfx_renderer_set_sky(renderer, NULL, NULL);
        resolve(s, k, L);
        k->lesson = L;
        k->scene = s->scene;
        k->resolved = true;
    }
    stoa_gfx_sky sky = k->sky;
    if (s->ar.choice.ar && s->ar.room > 0.0f)
        sky.enabled = false; // the real room shows where the scene is clear (run_ar.c)
    stoa_error err = {0};
    if (stoa_gfx_renderer_set_sky(renderer, &sky, &err) < 0 && sky.env_rgb) {
        STOA_LOGE("run", "sky: %s; the procedural sky instead", err.message);
        k->sky.env_rgb = NULL;
    }
}

void run_sky_fini(run_session *s)
{
    if (!s->sky_state)
        return;
    stoa_scene_extras_fini(&s->sky_state->extras);
    free(s->sky_state->image.rgb);
    free(s->sky_state);
    s->sky_state = NULL;
}
