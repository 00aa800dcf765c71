// SPDX-License-Identifier: Apache-2.0
// The session's sky (docs/environment.md). The first that says anything
// wins: --sky (HH:MM, off or an environment image), the lesson's `sky:`
// (time or environment), the scene's own glTF extras (stoa.sky,
// stoa.environment), then the default (10:30). Shadows the same way
// (--shadows, sky.shadows, stoa.sky.shadows, auto). Within one of them an
// environment image beats a time, and a time (or the default) stands in
// when the image cannot be read (an error naming the file and the field).
// Resolved when the session starts, and for a lesson the hub switches to
// on the switch's loader thread (run_content.c): the glTF's extras read,
// the image decoded and hashed, the light baked (stoa_gfx_sky_bake_create);
// the frame thread takes the result over with the lesson and only hands the
// bake to the renderer. What a sky was resolved from is kept as a hash of
// its sources (the option, the lesson's sky fields and path, the scene's
// path), so that `stoa play`'s reload of an edited lesson resolves it again
// and nothing is told apart by where it sits in memory. After a lesson (the
// class's lobby) its sky stays, as its scene does.
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
    uint64_t say;          // what it was resolved from (say_key): content, not addresses
    uint64_t key;          // stoa_gfx_sky_key of sky
    char extras_for[4096]; // the scene file the extras were read from
    stoa_scene_extras extras;
    stoa_scene_env_image image;
    stoa_gfx_sky sky;
    stoa_gfx_sky_bake *bake; // its light, made by the switch's loader (NULL: none pending)
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
                                  "file, not '%s' (no such file)",
                                  time);
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

// The scene file on the headset: its own path (the lesson's scene_path is
// the same string; the command line's may name a lesson).
static const char *scene_file(const run_session *s)
{
    return s->lesson_on                 ? s->lesson.scene_path
           : s->scene && s->scene->path ? s->scene->path
           : s->opt                     ? s->opt->scene_path
                                        : NULL;
}

static const stoa_scene_extras *extras_for(struct run_sky *k, const char *path)
{
    if (!path)
        return NULL;
    if (strcmp(k->extras_for, path) != 0) {
        stoa_scene_extras_fini(&k->extras);
        stoa_error err = {0};
        if (stoa_scene_extras_read(path, &k->extras, &err) < 0)
            STOA_LOGE("run", "%s; the scene's extras are ignored", err.message);
        snprintf(k->extras_for, sizeof k->extras_for, "%s", path);
    }
    return &k->extras;
}

const stoa_scene_extras *run_sky_extras(run_session *s)
{
    struct run_sky *k = state(s);
    return k && s->scene ? extras_for(k, scene_file(s)) : NULL;
}

// One place's say: a time (or off) and an environment image.
typedef struct sky_say {
    const char *time, *image, *file, *field;
    char path[4096];
    float intensity;
} sky_say;

static uint64_t hash_str(uint64_t h, const char *v)
{
    for (const unsigned char *p = (const unsigned char *)(v ? v : ""); *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    return (h ^ (v ? 0xffu : 0xfeu)) * 0x100000001b3ull; // NULL and "" differ
}

// What the sky is resolved from. The scene's extras are its file's: the
// scene's path stands for them.
static uint64_t say_key(const run_options *o, const stoa_lesson *L, const char *lesson_path,
                        const char *scene_path)
{
    uint64_t h = 0xcbf29ce484222325ull;
    h = hash_str(hash_str(h, o->sky), o->shadows);
    if (L) {
        h = hash_str(hash_str(h, L->sky_time), L->sky_shadows);
        h = hash_str(hash_str(h, L->sky_environment), lesson_path);
    }
    return hash_str(h, scene_path);
}

static void resolve(const run_options *o, const stoa_lesson *L, const char *lesson_path,
                    const char *scene_path, struct run_sky *k)
{
    const stoa_scene_extras *x = extras_for(k, scene_path);
    sky_say say = {.intensity = 1.0f};
    if (o->sky) {
        *(is_time(o->sky) ? &say.time : &say.image) = o->sky;
        say.file = "the command line";
        say.field = "--sky";
    } else if (L && (L->sky_time || L->sky_environment)) {
        say.time = L->sky_time;
        say.file = lesson_path;
        say.field = "sky.environment";
        char dir[4096];
        stoa_path_dirname(lesson_path, dir, sizeof dir);
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
        say.file = scene_path;
        say.field = x->environment_field;
    }
    const char *shadows = o->shadows               ? o->shadows
                          : L && L->sky_shadows    ? L->sky_shadows
                          : x && x->sky_shadows[0] ? x->sky_shadows
                                                   : NULL;
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
            STOA_LOGE("run",
                      "the environment image named by %s in %s: %s; the procedural sky "
                      "instead",
                      say.field, say.file, err.message);
        } else {
            k->sky.enabled = true;
            k->sky.env_rgb = k->image.rgb;
            k->sky.env_width = k->image.width;
            k->sky.env_height = k->image.height;
            // Hashed once here, not by the renderer each frame.
            k->sky.env_hash = stoa_gfx_sky_env_hash(k->image.rgb, k->image.width, k->image.height);
            STOA_LOGI("run", "sky: the environment image %s (%s)", say.image, say.field);
        }
    }
    stoa_gfx_sky_bake_destroy(&k->bake);
    k->key = stoa_gfx_sky_key(&k->sky);
    k->say = say_key(o, L, lesson_path, scene_path);
    k->resolved = true;
}

void run_sky_prepare(run_session *t, stoa_gfx_renderer *renderer, uint64_t current_key)
{
    struct run_sky *k = state(t);
    if (!k || !t->lesson_on)
        return;
    resolve(t->opt, t->lesson.lesson, t->lesson.lesson_path, t->lesson.scene_path, k);
    if (!renderer || !k->sky.enabled || k->key == current_key)
        return; // nothing to bake: no headset yet, no sky, or the sky on the headset now
    stoa_error err = {0};
    if (stoa_gfx_sky_bake_create(renderer, &k->sky, &k->bake, &err) < 0)
        STOA_LOGW("run", "sky for %s: %s (computed when it is shown)", t->lesson.lesson_path,
                  err.message);
    else
        STOA_LOGI("run", "sky for %s: its light baked on the loader", t->lesson.lesson_path);
}

uint64_t run_sky_key(run_session *s)
{
    return s->sky_state && s->sky_state->resolved ? s->sky_state->key : 0;
}

void run_sky_take(run_session *s, run_session *t)
{
    struct run_sky *k = t->sky_state;
    if (!k || !k->resolved)
        return;
    t->sky_state = s->sky_state; // freed with the loader's session
    s->sky_state = k;
}

void run_sky_frame(run_session *s, stoa_gfx_renderer *renderer)
{
    struct run_sky *k = state(s);
    if (!renderer || !k)
        return;
    // After a lesson (the class's lobby, the last seconds of a run) its sky
    // stays with its scene; otherwise a change of what the sky comes from
    // (the session's start, `stoa play` reloading an edited lesson)
    // resolves it here.
    if (!k->resolved || s->lesson_on) {
        const stoa_lesson *L = s->lesson_on ? s->lesson.lesson : NULL;
        const char *lp = L ? s->lesson.lesson_path : NULL, *sp = scene_file(s);
        if (!k->resolved || say_key(s->opt, L, lp, sp) != k->say)
            resolve(s->opt, L, lp, sp, k);
    }
    stoa_gfx_sky sky = k->sky;
    if (s->ar.choice.ar && s->ar.room > 0.0f)
        sky.enabled = false; // the real room shows where the scene is clear (run_ar.c)
    stoa_error err = {0};
    if (stoa_gfx_renderer_set_sky_bake(renderer, &sky, &k->bake, &err) < 0 && sky.env_rgb) {
        STOA_LOGE("run", "sky: %s; the procedural sky instead", err.message);
        k->sky.env_rgb = NULL;
        k->sky.env_hash = 0;
        k->key = stoa_gfx_sky_key(&k->sky);
    }
}

void run_sky_release_gpu(run_session *s)
{
    if (s->sky_state)
        stoa_gfx_sky_bake_destroy(&s->sky_state->bake);
}

void run_sky_fini(run_session *s)
{
    if (!s->sky_state)
        return;
    stoa_gfx_sky_bake_destroy(&s->sky_state->bake);
    stoa_scene_extras_fini(&s->sky_state->extras);
    free(s->sky_state->image.rgb);
    free(s->sky_state);
    s->sky_state = NULL;
}
