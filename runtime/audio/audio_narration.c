// SPDX-License-Identifier: Apache-2.0
// The narration queue: clips play one after another; each reports STARTED
// and FINISHED. A clip that cannot be heard (missing file, no device) plays
// "on the clock" so the lesson waiting for it never stalls.
#include <stdlib.h>
#include <string.h>

#include "audio_internal.h"
#include "core/stoa_log.h"

static stoa_result queue_push(stoa_audio *a, const audio_narration *n)
{
    if (a->queue_count == a->queue_cap) {
        int cap = a->queue_cap ? a->queue_cap * 2 : 8;
        audio_narration *q = realloc(a->queue, sizeof *q * (size_t)cap);
        if (!q)
            return STOA_ERROR_OUT_OF_MEMORY;
        a->queue = q;
        a->queue_cap = cap;
    }
    a->queue[a->queue_count++] = *n;
    return STOA_OK;
}

static void queue_remove(stoa_audio *a, int index)
{
    memmove(&a->queue[index], &a->queue[index + 1],
            sizeof *a->queue * (size_t)(a->queue_count - index - 1));
    a->queue_count--;
}

stoa_result stoa_audio_narrate(stoa_audio *a, const stoa_audio_narration_desc *desc,
                               uint32_t *out_id, stoa_error *err)
{
    if (!a || !desc || !out_id)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "stoa_audio_narrate: NULL argument");
    audio_narration n = {.id = a->next_narration_id,
                         .user_tag = desc->user_tag,
                         .place = desc->place,
                         .gain = desc->gain > 0.0f ? desc->gain : 1.0f,
                         .voice = -1};
    stoa_result r = STOA_OK;
    if (desc->path)
        r = audio_clip_get(a, desc->path, &n.clip, err);
    if (!desc->path || r < 0) {
        n.silent = true;
        n.clip = (audio_clip){.duration_s = stoa_audio_estimate_reading_s(desc->text)};
        if (r < 0)
            STOA_LOGW(AUDIO_LOG, "%s; showing the subtitle for %.1f s instead",
                      err ? err->message : "narration audio unusable", n.clip.duration_s);
    }
    if (queue_push(a, &n) < 0)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory queueing narration");
    a->next_narration_id++;
    if (a->next_narration_id == 0) // ids are never 0, even after 4 billion clips
        a->next_narration_id = 1;
    *out_id = n.id;
    return r;
}

// Starts queue[0]: through OpenAL when it has audio and a device, else on
// the clock. An OpenAL failure falls back to the clock too.
static void start_head(stoa_audio *a)
{
    audio_narration *n = &a->queue[0];
    a->playing = true;
    n->voice = -1;
    if (!n->silent && audio_audible(a)) {
        stoa_error err = {0};
        if (audio_voice_start(a, &n->clip, &n->place, n->gain, false, false, true, &n->voice,
                              &err) < 0) {
            STOA_LOGW(AUDIO_LOG, "narration %s: %s; timing it on the clock", n->clip.path,
                      err.message);
            n->voice = -1;
        }
    }
    n->end_ns = a->now_ns + (int64_t)(n->clip.duration_s * 1e9);
    audio_push_event(a, STOA_AUDIO_EVENT_NARRATION_STARTED, n, false);
}

static bool head_ended(stoa_audio *a)
{
    const audio_narration *n = &a->queue[0];
    if (n->voice >= 0)
        return audio_voice_stopped(a, n->voice);
    return a->now_ns >= n->end_ns;
}

static void finish_head(stoa_audio *a, bool skipped)
{
    audio_narration *n = &a->queue[0];
    if (n->voice >= 0)
        audio_voice_release(a, n->voice);
    audio_push_event(a, STOA_AUDIO_EVENT_NARRATION_FINISHED, n, skipped);
    a->playing = false;
    queue_remove(a, 0);
}

void audio_narration_update(stoa_audio *a)
{
    if (a->playing && head_ended(a))
        finish_head(a, false);
    if (!a->playing && a->queue_count > 0)
        start_head(a);
}

stoa_result stoa_audio_skip_narration(stoa_audio *a, uint32_t id)
{
    for (int i = 0; i < a->queue_count; i++) {
        if (id != 0 && a->queue[i].id != id)
            continue;
        if (i == 0 && a->playing) {
            finish_head(a, true);
        } else if (id != 0) {
            audio_push_event(a, STOA_AUDIO_EVENT_NARRATION_FINISHED, &a->queue[i], true);
            queue_remove(a, i);
        } else {
            break; // id 0 means "the one playing", and none is
        }
        return STOA_OK;
    }
    return STOA_ERROR_NOT_FOUND;
}

void stoa_audio_stop_all_narration(stoa_audio *a)
{
    if (a->playing)
        finish_head(a, true);
    while (a->queue_count > 0) {
        audio_push_event(a, STOA_AUDIO_EVENT_NARRATION_FINISHED, &a->queue[0], true);
        queue_remove(a, 0);
    }
}

bool stoa_audio_narration_busy(const stoa_audio *a)
{
    return a->queue_count > 0;
}

void audio_narration_fini(stoa_audio *a)
{
    if (a->playing && a->queue[0].voice >= 0)
        audio_voice_release(a, a->queue[0].voice);
    free(a->queue);
    a->queue = NULL;
    a->queue_count = a->queue_cap = 0;
    a->playing = false;
}
