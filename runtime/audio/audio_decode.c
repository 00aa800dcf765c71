// SPDX-License-Identifier: Apache-2.0
// Decoding with libsndfile: WAV, OGG Vorbis and FLAC to mono 16-bit.
#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audio_internal.h"
#include "core/stoa_log.h"

static const char *format_name(int major)
{
    switch (major) {
    case SF_FORMAT_WAV:
        return "WAV";
    case SF_FORMAT_WAVEX:
        return "WAVE_FORMAT_EXTENSIBLE";
    case SF_FORMAT_RF64:
        return "RF64";
    case SF_FORMAT_OGG:
        return "OGG";
    case SF_FORMAT_FLAC:
        return "FLAC";
    default:
        return NULL;
    }
}

// Opens `path` and checks that it is one of the formats lessons may use;
// every error names the file, for `stoa lint` and for the run-time warning.
static stoa_result open_checked(const char *path, SF_INFO *info, SNDFILE **out, stoa_error *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0)
        return stoa_error_set(err, errno == ENOENT ? STOA_ERROR_NOT_FOUND : STOA_ERROR_IO,
                              "audio file %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return stoa_error_set(err, STOA_ERROR_IO, "audio file %s: not a regular file", path);
    memset(info, 0, sizeof *info);
    SNDFILE *f = sf_open(path, SFM_READ, info);
    if (!f)
        return stoa_error_set(err, STOA_ERROR_PARSE,
                              "audio file %s: cannot decode (libsndfile: %s); expected WAV, OGG "
                              "Vorbis or FLAC",
                              path, sf_strerror(NULL));
    int major = info->format & SF_FORMAT_TYPEMASK;
    stoa_result r = STOA_OK;
    if (!format_name(major))
        r = stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                           "audio file %s: format 0x%x is not WAV, OGG Vorbis or FLAC", path,
                           (unsigned)major);
    else if (info->channels < 1 || info->samplerate < 1000 || info->samplerate > 384000)
        r = stoa_error_set(err, STOA_ERROR_PARSE, "audio file %s: bad header (%d channels, %d Hz)",
                           path, info->channels, info->samplerate);
    else if (info->frames <= 0)
        r = stoa_error_set(err, STOA_ERROR_PARSE, "audio file %s: contains no audio", path);
    else if ((double)info->frames / info->samplerate > AUDIO_MAX_SECONDS)
        r = stoa_error_set(err, STOA_ERROR_LIMIT, "audio file %s: longer than %.0f s", path,
                           AUDIO_MAX_SECONDS);
    if (r < 0) {
        sf_close(f);
        return r;
    }
    *out = f;
    return STOA_OK;
}

stoa_result audio_probe(const char *path, double *out_duration_s, int *out_channels,
                        stoa_error *err)
{
    SF_INFO info;
    SNDFILE *f;
    stoa_result r = open_checked(path, &info, &f, err);
    if (r < 0)
        return r;
    if (out_duration_s)
        *out_duration_s = (double)info.frames / info.samplerate;
    if (out_channels)
        *out_channels = info.channels;
    sf_close(f);
    return STOA_OK;
}

static int16_t to_s16(float v)
{
    if (isnan(v)) // a damaged float file
        return 0;
    if (v >= 1.0f)
        return INT16_MAX;
    if (v <= -1.0f)
        return -INT16_MAX;
    return (int16_t)lrintf(v * (float)INT16_MAX);
}

// Reads every frame, averaging channels: positional sources must be mono.
static stoa_result read_mono(SNDFILE *f, const SF_INFO *info, const char *path, audio_pcm *out,
                             stoa_error *err)
{
    enum { CHUNK = 4096 };
    const int ch = info->channels;
    float *tmp = malloc(sizeof(float) * CHUNK * (size_t)ch);
    out->samples = malloc(sizeof(int16_t) * (size_t)info->frames);
    if (!tmp || !out->samples) {
        free(tmp);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "audio file %s: out of memory", path);
    }
    int64_t done = 0;
    while (done < info->frames) {
        sf_count_t want = info->frames - done < CHUNK ? info->frames - done : CHUNK;
        sf_count_t got = sf_readf_float(f, tmp, want);
        if (got <= 0)
            break;
        for (sf_count_t i = 0; i < got; i++) {
            float sum = 0.0f;
            for (int c = 0; c < ch; c++)
                sum += tmp[i * ch + c];
            out->samples[done + i] = to_s16(sum / (float)ch);
        }
        done += got;
    }
    free(tmp);
    if (sf_error(f) != SF_ERR_NO_ERROR || done == 0)
        return stoa_error_set(err, STOA_ERROR_PARSE,
                              "audio file %s: decoding failed after %lld "
                              "frames (libsndfile: %s)",
                              path, (long long)done, sf_strerror(f));
    if (done < info->frames)
        STOA_LOGW(AUDIO_LOG, "audio file %s: truncated, %lld of %lld frames", path, (long long)done,
                  (long long)info->frames);
    out->frames = done;
    return STOA_OK;
}

stoa_result audio_decode_mono16(const char *path, audio_pcm *out, stoa_error *err)
{
    memset(out, 0, sizeof *out);
    SF_INFO info;
    SNDFILE *f;
    stoa_result r = open_checked(path, &info, &f, err);
    if (r < 0)
        return r;
    out->sample_rate = info.samplerate;
    out->file_channels = info.channels;
    r = read_mono(f, &info, path, out, err);
    sf_close(f);
    if (r < 0) {
        audio_pcm_fini(out);
        return r;
    }
    return STOA_OK;
}

void audio_pcm_fini(audio_pcm *pcm)
{
    free(pcm->samples);
    memset(pcm, 0, sizeof *pcm);
}

stoa_result stoa_audio_check_file(const char *path, double *out_duration_s, int *out_channels,
                                  stoa_error *err)
{
    if (!path)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "audio file: NULL path");
    audio_pcm pcm;
    stoa_result r = audio_decode_mono16(path, &pcm, err);
    if (r < 0)
        return r;
    if (out_duration_s)
        *out_duration_s = (double)pcm.frames / pcm.sample_rate;
    if (out_channels)
        *out_channels = pcm.file_channels;
    audio_pcm_fini(&pcm);
    return STOA_OK;
}
