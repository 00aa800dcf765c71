// SPDX-License-Identifier: Apache-2.0
// The per-frame step (queue, ducking, node positions) and the event queue.
#include "audio_internal.h"
#include "core/stoa_log.h"

void audio_push_event(stoa_audio *a, stoa_audio_event_type type, const audio_narration *n,
                      bool skipped)
{
    if (a->event_count == AUDIO_MAX_EVENTS) {
        STOA_LOGW(AUDIO_LOG, "event queue full; dropping the oldest (is anyone polling?)");
        a->event_head = (a->event_head + 1) % AUDIO_MAX_EVENTS;
        a->event_count--;
    }
    int slot = (a->event_head + a->event_count) % AUDIO_MAX_EVENTS;
    a->events[slot] = (stoa_audio_event){.type = type,
                                         .narration_id = n->id,
                                         .user_tag = n->user_tag,
                                         .time_ns = a->now_ns,
                                         .skipped = skipped,
                                         .silent = n->silent};
    a->event_count++;
}

bool stoa_audio_poll_event(stoa_audio *a, stoa_audio_event *out_event)
{
    if (a->event_count == 0)
        return false;
    *out_event = a->events[a->event_head];
    a->event_head = (a->event_head + 1) % AUDIO_MAX_EVENTS;
    a->event_count--;
    return true;
}

// Moves the ambience level linearly toward its target, a full swing taking
// duck_fade_s: smooth enough to be unnoticed, quick enough to clear speech.
static void step_ducking(stoa_audio *a, double dt_s)
{
    bool speaking = a->playing && a->queue[0].voice >= 0;
    float target = speaking ? a->duck_gain : 1.0f;
    float step = (float)(dt_s / a->duck_fade_s) * (1.0f - a->duck_gain);
    if (a->duck_level < target)
        a->duck_level = a->duck_level + step > target ? target : a->duck_level + step;
    else if (a->duck_level > target)
        a->duck_level = a->duck_level - step < target ? target : a->duck_level - step;
}

bool audio_audible(const stoa_audio *a)
{
    return a->context && a->kind != STOA_AUDIO_DEVICE_SILENT;
}

// An output that goes away mid-lesson (a USB or Bluetooth headset) must not
// stall the lesson: the narration playing carries on on the clock (its end
// time was fixed when it started) and everything after plays silently.
static void check_connected(stoa_audio *a)
{
    if (a->kind != STOA_AUDIO_DEVICE_DEFAULT ||
        !alcIsExtensionPresent(a->device, "ALC_EXT_disconnect"))
        return;
    ALCint connected = ALC_TRUE;
    alcGetIntegerv(a->device, ALC_CONNECTED, 1, &connected);
    if (connected)
        return;
    STOA_LOGW(AUDIO_LOG, "audio output device lost; continuing silently");
    for (int i = 0; i < AUDIO_MAX_VOICES; i++)
        audio_voice_release(a, i);
    if (a->playing)
        a->queue[0].voice = -1;
    a->kind = STOA_AUDIO_DEVICE_SILENT;
}

void stoa_audio_update(stoa_audio *a, int64_t now_ns)
{
    int64_t dt_ns = a->updated_once && now_ns > a->now_ns ? now_ns - a->now_ns : 0;
    if (!a->updated_once || now_ns > a->now_ns)
        a->now_ns = now_ns; // a clock that goes backwards is held, not followed
    a->updated_once = true;
    audio_narration_update(a);
    step_ducking(a, (double)dt_ns * 1e-9);
    check_connected(a);
    if (audio_audible(a))
        audio_voices_update(a);
}
