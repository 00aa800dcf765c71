// SPDX-License-Identifier: Apache-2.0
// Decoded clips cached by resolved path: a lesson replays the same few
// files (a quiz's "right"/"wrong"), so each is decoded and uploaded once.
#include <stdlib.h>
#include <string.h>

#include "audio_internal.h"
#include "core/stoa_log.h"
#include "core/stoa_path.h"

static stoa_result resolve(const stoa_audio *a, const char *rel, char *out, stoa_error *err)
{
    if (!rel || !rel[0])
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "audio file: empty path");
    if (a->base_dir[0])
        return stoa_path_confine(a->base_dir, rel, out, AUDIO_PATH_MAX, err);
    if (strlen(rel) >= AUDIO_PATH_MAX)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "audio file path too long");
    strcpy(out, rel);
    return STOA_OK;
}

static stoa_result upload(const audio_pcm *pcm, const char *path, ALuint *out_buffer,
                          stoa_error *err)
{
    ALuint buf = 0;
    stoa_error al_err = {0};
    stoa_result r = AUDIO_AL(&al_err, alGenBuffers(1, &buf));
    if (r >= 0) {
        r = AUDIO_AL(&al_err, alBufferData(buf, AL_FORMAT_MONO16, pcm->samples,
                                           (ALsizei)(pcm->frames * (int64_t)sizeof(int16_t)),
                                           pcm->sample_rate));
        if (r < 0)
            alDeleteBuffers(1, &buf);
    }
    if (r < 0)
        return stoa_error_set(err, r, "audio file %s: upload failed: %s", path, al_err.message);
    *out_buffer = buf;
    return STOA_OK;
}

// SILENT mode needs only the duration, so the header is enough.
static stoa_result load(stoa_audio *a, const char *path, audio_clip *clip, stoa_error *err)
{
    if (!a->context)
        return audio_probe(path, &clip->duration_s, NULL, err);
    audio_pcm pcm;
    stoa_result r = audio_decode_mono16(path, &pcm, err);
    if (r < 0)
        return r;
    if (pcm.file_channels > 1)
        STOA_LOGW(AUDIO_LOG, "audio file %s: %d channels downmixed to mono for spatial playback",
                  path, pcm.file_channels);
    clip->duration_s = (double)pcm.frames / pcm.sample_rate;
    r = upload(&pcm, path, &clip->buffer, err);
    audio_pcm_fini(&pcm);
    return r;
}

static stoa_result append(audio_clip_cache *c, const audio_clip *clip, stoa_error *err)
{
    if (c->count == c->cap) {
        int cap = c->cap ? c->cap * 2 : 16;
        audio_clip *items = realloc(c->items, sizeof *items * (size_t)cap);
        if (!items)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory caching audio");
        c->items = items;
        c->cap = cap;
    }
    c->items[c->count++] = *clip;
    return STOA_OK;
}

stoa_result audio_clip_get(stoa_audio *a, const char *rel, audio_clip *out_clip, stoa_error *err)
{
    char path[AUDIO_PATH_MAX];
    stoa_result r = resolve(a, rel, path, err);
    if (r < 0)
        return r;
    for (int i = 0; i < a->clips.count; i++) {
        if (strcmp(a->clips.items[i].path, path) == 0) {
            *out_clip = a->clips.items[i];
            return STOA_OK;
        }
    }
    audio_clip clip = {.path = strdup(path)};
    if (!clip.path)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory caching audio");
    r = load(a, path, &clip, err);
    if (r >= 0)
        r = append(&a->clips, &clip, err);
    if (r < 0) {
        if (clip.buffer)
            alDeleteBuffers(1, &clip.buffer);
        free(clip.path);
        return r;
    }
    *out_clip = clip;
    return STOA_OK;
}

void audio_clip_cache_fini(audio_clip_cache *cache)
{
    for (int i = 0; i < cache->count; i++) {
        if (cache->items[i].buffer)
            AUDIO_AL(NULL, alDeleteBuffers(1, &cache->items[i].buffer));
        free(cache->items[i].path);
    }
    free(cache->items);
    memset(cache, 0, sizeof *cache);
}
