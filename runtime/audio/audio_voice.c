// SPDX-License-Identifier: Apache-2.0
// Voices: OpenAL sources in use, placed at the head, a node or a point.
// Sound ids are generation-counted so a stale id from a finished one-shot
// can never stop whatever reused its slot.
#include <string.h>

#include "audio_internal.h"
#include "core/stoa_log.h"

uint32_t audio_voice_id(const stoa_audio *a, int index)
{
    return ((uint32_t)a->voices[index].generation << 16) | (uint32_t)(index + 1);
}

static int voice_from_id(const stoa_audio *a, uint32_t id)
{
    int index = (int)(id & 0xffffu) - 1;
    if (index < 0 || index >= AUDIO_MAX_VOICES || !a->voices[index].used ||
        a->voices[index].narration || a->voices[index].generation != (uint16_t)(id >> 16))
        return -1;
    return index;
}

static void place_source(ALuint src, const stoa_audio_place *p)
{
    // Head-locked: relative to the listener at its origin, so it neither
    // moves nor pans as the head turns.
    bool head = p->anchor == STOA_AUDIO_AT_HEAD;
    AUDIO_AL(NULL, alSourcei(src, AL_SOURCE_RELATIVE, head ? AL_TRUE : AL_FALSE));
    if (head)
        AUDIO_AL(NULL, alSource3f(src, AL_POSITION, 0.0f, 0.0f, 0.0f));
    else
        AUDIO_AL(NULL,
                 alSource3f(src, AL_POSITION, p->position[0], p->position[1], p->position[2]));
}

static float voice_gain(const stoa_audio *a, const audio_voice *v)
{
    return v->duck ? v->gain * a->duck_level : v->gain;
}

static int free_slot(const stoa_audio *a)
{
    for (int i = 0; i < AUDIO_MAX_VOICES; i++)
        if (!a->voices[i].used)
            return i;
    return -1;
}

stoa_result audio_voice_start(stoa_audio *a, const audio_clip *clip, const stoa_audio_place *place,
                              float gain, bool loop, bool duck, bool narration, int *out_index,
                              stoa_error *err)
{
    int i = free_slot(a);
    if (i < 0)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "audio: all %d voices in use",
                              AUDIO_MAX_VOICES);
    audio_voice *v = &a->voices[i];
    ALuint src = 0;
    stoa_result r = AUDIO_AL(err, alGenSources(1, &src));
    if (r < 0)
        return r;
    *v = (audio_voice){.used = true,
                       .generation = (uint16_t)(v->generation + 1),
                       .source = src,
                       .place = *place,
                       .gain = gain,
                       .duck = duck,
                       .narration = narration};
    place_source(src, place);
    // Narration must stay intelligible from across a room: it fades half as
    // fast with distance as ordinary sounds.
    AUDIO_AL(NULL, alSourcef(src, AL_ROLLOFF_FACTOR, narration ? 0.5f : 1.0f));
    AUDIO_AL(NULL, alSourcei(src, AL_LOOPING, loop ? AL_TRUE : AL_FALSE));
    AUDIO_AL(NULL, alSourcef(src, AL_GAIN, voice_gain(a, v)));
    r = AUDIO_AL(err, alSourcei(src, AL_BUFFER, (ALint)clip->buffer));
    if (r >= 0)
        r = AUDIO_AL(err, alSourcePlay(src));
    if (r < 0) {
        audio_voice_release(a, i);
        return r;
    }
    *out_index = i;
    return STOA_OK;
}

void audio_voice_release(stoa_audio *a, int index)
{
    audio_voice *v = &a->voices[index];
    if (!v->used)
        return;
    AUDIO_AL(NULL, alSourceStop(v->source));
    AUDIO_AL(NULL, alSourcei(v->source, AL_BUFFER, 0));
    AUDIO_AL(NULL, alDeleteSources(1, &v->source));
    v->used = false;
    v->source = 0;
}

bool audio_voice_stopped(stoa_audio *a, int index)
{
    ALint state = AL_STOPPED;
    AUDIO_AL(NULL, alGetSourcei(a->voices[index].source, AL_SOURCE_STATE, &state));
    return state == AL_STOPPED;
}

void stoa_audio_set_node_position(stoa_audio *a, uint32_t node, const float position[3])
{
    for (int i = 0; i < AUDIO_MAX_VOICES; i++) {
        audio_voice *v = &a->voices[i];
        if (!v->used || v->place.anchor != STOA_AUDIO_AT_NODE || v->place.node != node)
            continue;
        memcpy(v->place.position, position, sizeof v->place.position);
        place_source(v->source, &v->place);
    }
    // Queued narration at this node starts where the node is now.
    for (int i = 0; i < a->queue_count; i++) {
        stoa_audio_place *p = &a->queue[i].place;
        if (p->anchor == STOA_AUDIO_AT_NODE && p->node == node)
            memcpy(p->position, position, sizeof p->position);
    }
}

void audio_voices_update(stoa_audio *a)
{
    for (int i = 0; i < AUDIO_MAX_VOICES; i++) {
        audio_voice *v = &a->voices[i];
        if (!v->used)
            continue;
        if (!v->narration && audio_voice_stopped(a, i)) { // an ended one-shot
            audio_voice_release(a, i);
            continue;
        }
        float pos[3];
        if (a->node_position && v->place.anchor == STOA_AUDIO_AT_NODE &&
            a->node_position(a->node_position_user, v->place.node, pos)) {
            memcpy(v->place.position, pos, sizeof pos);
            place_source(v->source, &v->place);
        }
        if (v->duck)
            AUDIO_AL(NULL, alSourcef(v->source, AL_GAIN, voice_gain(a, v)));
    }
}

stoa_result stoa_audio_play(stoa_audio *a, const stoa_audio_sound_desc *desc, uint32_t *out_id,
                            stoa_error *err)
{
    if (!a || !desc || !out_id)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "stoa_audio_play: NULL argument");
    *out_id = 0;
    audio_clip clip;
    stoa_result r = audio_clip_get(a, desc->path, &clip, err);
    if (r < 0) {
        STOA_LOGW(AUDIO_LOG, "%s", err ? err->message : "cannot load sound");
        return r;
    }
    if (!audio_audible(a))
        return STOA_OK; // SILENT: nothing to hear, nothing to stop later
    float gain = desc->gain > 0.0f ? desc->gain : 1.0f;
    int index;
    r = audio_voice_start(a, &clip, &desc->place, gain, desc->loop, !desc->no_duck, false, &index,
                          err);
    if (r < 0)
        return r;
    *out_id = audio_voice_id(a, index);
    return STOA_OK;
}

void stoa_audio_stop(stoa_audio *a, uint32_t id)
{
    int index = voice_from_id(a, id);
    if (index >= 0)
        audio_voice_release(a, index);
}
