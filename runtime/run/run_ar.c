// SPDX-License-Identifier: Apache-2.0
// What AR changes in the session (docs/ar.md): the blend mode the headset
// submits in, a clear to transparent black where the room shows, the
// lesson's environment-only nodes hidden (drawn and picked) while it does,
// and the fade between the room and the scene.
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "run_ar.h"
#include "run_session.h"

// The sky Stoa clears to in VR (linear RGB).
static const float k_sky[3] = {0.55f, 0.70f, 0.90f};

stoa_result run_ar_start(run_session *s, stoa_error *err)
{
    run_ar *ar = &s->ar;
    const stoa_lesson *l = s->lesson_on ? s->lesson.lesson : NULL;
    if (!run_xr_on(s)) { // the desktop: VR, unless --ar asks to preview AR (a flat room)
        ar->choice = (run_ar_choice){.blend = RUN_BLEND_OPAQUE,
                                     .ar = s->opt->present == RUN_PRESENT_AR};
    } else {
        run_blend offered[3];
        uint32_t n = run_xr_blend_modes(s, offered);
        stoa_result r = run_ar_pick(offered, n, run_xr_has_fb_passthrough(s),
                                    l ? l->presentation : STOA_LESSON_PRESENT_ANY, // a bare scene: either
                                    s->opt->present, l ? l->file_name : s->opt->scene_path,
                                    run_xr_runtime_name(s), &ar->choice, err);
        if (r < 0)
            return r;
        if (ar->choice.note[0])
            STOA_LOGW("run", "%s", ar->choice.note);
        if ((r = run_xr_set_blend(s, ar->choice.blend, ar->choice.fb_passthrough, err)) < 0)
            return r;
    }
    STOA_LOGI("run", "presentation: %s (%s%s)", ar->choice.ar ? "AR" : "VR",
              run_blend_name(ar->choice.blend),
              ar->choice.fb_passthrough ? " + XR_FB_passthrough" : "");
    ar->room = ar->from = ar->to = ar->choice.ar ? 1.0f : 0.0f;
    ar->fade_s = 0;
    ar->room_version = s->lesson_on ? s->lesson.room_version : 0;
    if (s->overlay.plates != ar->choice.ar) { // panels redrawn with (or without) their plate
        s->overlay.plates = ar->choice.ar;
        for (int i = 0; i < RUN_MAX_PANELS; i++)
            s->overlay.versions[i] = UINT32_MAX;
    }
    ar->version++;
    return run_ar_scene(s, err);
}

stoa_result run_ar_scene(run_session *s, stoa_error *err)
{
    run_ar *ar = &s->ar;
    uint32_t n = s->scene ? s->scene->node_count : 0;
    free(ar->env);
    free(ar->hidden);
    ar->env = calloc(n ? n : 1, sizeof *ar->env);
    ar->hidden = calloc(n ? n : 1, sizeof *ar->hidden);
    ar->env_count = n;
    if (!ar->env || !ar->hidden)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    const stoa_lesson *l = s->lesson_on ? s->lesson.lesson : NULL;
    uint32_t marked = 0;
    for (uint32_t i = 0; l && i < l->environment_count; i++) {
        int32_t node = l->environment[i] ? stoa_scene_find_node(s->scene, l->environment[i]) : -1;
        if (node < 0) { // `stoa lint` reports it; the lesson still runs
            STOA_LOGW("run", "%s: environment node '%s' is not in the scene", l->file_name,
                      l->environment[i] ? l->environment[i] : "?");
            continue;
        }
        ar->env[node] = true;
        marked++;
    }
    const stoa_scene_extras *x = run_sky_extras(s); // glTF nodes[].extras.stoa.environment
    for (uint32_t i = 0; x && i < x->env_node_count; i++) {
        int32_t node = stoa_scene_find_node(s->scene, x->env_nodes[i]);
        marked += node >= 0 && !ar->env[node];
        if (node >= 0)
            ar->env[node] = true;
    }
    if (ar->choice.ar)
        STOA_LOGI("run", "AR: %u environment node(s) hidden over the room", marked);
    ar->version++;
    return run_tabletop_start(s, err);
}

void run_ar_fade(run_ar *ar, float to, double seconds, int64_t now_ns)
{
    ar->from = ar->room;
    ar->to = to < 0.0f ? 0.0f : to > 1.0f ? 1.0f : to;
    ar->fade_start_ns = now_ns;
    ar->fade_s = seconds > 0 ? seconds : 0;
    if (ar->fade_s == 0)
        ar->room = ar->to;
}

void run_ar_frame(run_session *s, int64_t now_ns, float clear[4])
{
    run_ar *ar = &s->ar;
    if (s->lesson_on && s->lesson.room_version != ar->room_version) {
        ar->room_version = s->lesson.room_version;
        float start = ar->choice.ar ? 1.0f : 0.0f;
        run_ar_fade(ar, s->lesson.room_to < 0 ? start : s->lesson.room_to, s->lesson.room_s,
                    now_ns);
    }
    if (ar->room != ar->to && ar->fade_s > 0) {
        double t = (double)(now_ns - ar->fade_start_ns) * 1e-9 / ar->fade_s;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        ar->room = ar->from + (ar->to - ar->from) * (float)t;
    }
    // Only where the session is AR can the room show at all.
    float room = ar->choice.ar ? ar->room : 0.0f;
    // Premultiplied: the sky fades in as the room fades out.
    for (int c = 0; c < 3; c++)
        clear[c] = k_sky[c] * (1.0f - room);
    clear[3] = 1.0f - room;
    if (run_xr_on(s) && ar->choice.fb_passthrough)
        run_xr_set_passthrough_opacity(s, room);
    // The environment (sky dome, ground, walls) stands in for the room: it
    // goes while the room shows, and comes back past the fade's midpoint.
    bool hide = room > 0.5f;
    if (hide != ar->env_hidden) {
        ar->env_hidden = hide;
        ar->version++;
    }
    run_tabletop_apply(s); // the model on the table: its root transform
    if (!hide || !ar->env || ar->env_count != s->scene->node_count)
        return;
    static const float zero[3] = {0, 0, 0};
    for (uint32_t n = 0; n < ar->env_count; n++)
        if (ar->env[n]) {
            const stoa_node *node = &s->scene->nodes[n];
            stoa_pose_set_local(s->pose, n, node->translation, node->rotation, zero);
        }
}

const bool *run_ar_hidden(run_session *s, const bool *lesson_hidden)
{
    run_ar *ar = &s->ar;
    if (!ar->env_hidden || !ar->hidden || ar->env_count != s->scene->node_count)
        return lesson_hidden;
    for (uint32_t n = 0; n < ar->env_count; n++)
        ar->hidden[n] = ar->env[n] || (lesson_hidden && lesson_hidden[n]);
    return ar->hidden;
}

void run_ar_free(run_ar *ar)
{
    run_tabletop_free(&ar->table);
    free(ar->env);
    free(ar->hidden);
    memset(ar, 0, sizeof *ar);
}
