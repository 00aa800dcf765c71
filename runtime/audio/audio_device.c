// SPDX-License-Identifier: Apache-2.0
// The OpenAL device and context: system output, loopback, or none (silent).
#include <cglm/quat.h>
#include <stdlib.h>
#include <string.h>

#include "audio_internal.h"
#include "core/stoa_log.h"

static const char *al_error_name(ALenum e)
{
    switch (e) {
    case AL_INVALID_NAME:
        return "AL_INVALID_NAME";
    case AL_INVALID_ENUM:
        return "AL_INVALID_ENUM";
    case AL_INVALID_VALUE:
        return "AL_INVALID_VALUE";
    case AL_INVALID_OPERATION:
        return "AL_INVALID_OPERATION";
    case AL_OUT_OF_MEMORY:
        return "AL_OUT_OF_MEMORY";
    default:
        return "unknown AL error";
    }
}

stoa_result audio_al_check(stoa_error *err, const char *call, const char *file, int line)
{
    ALenum e = alGetError();
    if (e == AL_NO_ERROR)
        return STOA_OK;
    STOA_LOGW(AUDIO_LOG, "%s failed: %s (0x%x) at %s:%d", call, al_error_name(e), (unsigned)e, file,
              line);
    return stoa_error_set(err, STOA_ERROR_AUDIO, "%s failed: %s (0x%x) at %s:%d", call,
                          al_error_name(e), (unsigned)e, file, line);
}

static stoa_result open_loopback(stoa_audio *a, const ALCint *hrtf_attr, stoa_error *err)
{
    if (!alcIsExtensionPresent(NULL, "ALC_SOFT_loopback"))
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "OpenAL has no ALC_SOFT_loopback extension");
    LPALCLOOPBACKOPENDEVICESOFT open_fn =
        (LPALCLOOPBACKOPENDEVICESOFT)alcGetProcAddress(NULL, "alcLoopbackOpenDeviceSOFT");
    LPALCISRENDERFORMATSUPPORTEDSOFT supported_fn =
        (LPALCISRENDERFORMATSUPPORTEDSOFT)alcGetProcAddress(NULL, "alcIsRenderFormatSupportedSOFT");
    a->render_samples = (LPALCRENDERSAMPLESSOFT)alcGetProcAddress(NULL, "alcRenderSamplesSOFT");
    if (!open_fn || !supported_fn || !a->render_samples)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "OpenAL loopback functions missing");
    a->device = open_fn(NULL);
    if (!a->device)
        return stoa_error_set(err, STOA_ERROR_AUDIO, "alcLoopbackOpenDeviceSOFT failed");
    if (!supported_fn(a->device, a->sample_rate, ALC_STEREO_SOFT, ALC_FLOAT_SOFT))
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "loopback cannot render stereo float at %d Hz", a->sample_rate);
    const ALCint attrs[] = {ALC_FORMAT_CHANNELS_SOFT,
                            ALC_STEREO_SOFT,
                            ALC_FORMAT_TYPE_SOFT,
                            ALC_FLOAT_SOFT,
                            ALC_FREQUENCY,
                            a->sample_rate,
                            hrtf_attr[0],
                            hrtf_attr[1],
                            0};
    a->context = alcCreateContext(a->device, attrs);
    if (!a->context)
        return stoa_error_set(err, STOA_ERROR_AUDIO, "alcCreateContext on loopback failed (0x%x)",
                              (unsigned)alcGetError(a->device));
    return STOA_OK;
}

// A machine without a sound card is normal (CI, a lab PC driving a
// tethered headset): one warning, then silent mode, never a failure.
static bool open_system(stoa_audio *a, const char *name, const ALCint *hrtf_attr)
{
    a->device = alcOpenDevice(name);
    if (!a->device) {
        STOA_LOGW(AUDIO_LOG,
                  "no audio output device%s%s; running silently (narration still "
                  "times out on the clock)",
                  name ? " named " : "", name ? name : "");
        return false;
    }
    const ALCint attrs[] = {hrtf_attr[0], hrtf_attr[1], 0};
    a->context = alcCreateContext(a->device, attrs);
    if (!a->context) {
        STOA_LOGW(AUDIO_LOG, "cannot create an OpenAL context on '%s'; running silently",
                  alcGetString(a->device, ALC_DEVICE_SPECIFIER));
        alcCloseDevice(a->device);
        a->device = NULL;
        return false;
    }
    return true;
}

static void query_hrtf(stoa_audio *a, bool wanted)
{
    ALCint status = ALC_HRTF_DISABLED_SOFT;
    if (alcIsExtensionPresent(a->device, "ALC_SOFT_HRTF"))
        alcGetIntegerv(a->device, ALC_HRTF_STATUS_SOFT, 1, &status);
    a->hrtf = status == ALC_HRTF_ENABLED_SOFT || status == ALC_HRTF_REQUIRED_SOFT ||
              status == ALC_HRTF_HEADPHONES_DETECTED_SOFT;
    if (wanted && !a->hrtf)
        STOA_LOGW(AUDIO_LOG, "HRTF requested but not available (status 0x%x); plain panning",
                  (unsigned)status);
    else
        STOA_LOGI(AUDIO_LOG, "device '%s', HRTF %s", alcGetString(a->device, ALC_DEVICE_SPECIFIER),
                  a->hrtf ? "on" : "off");
}

static stoa_result open_device(stoa_audio *a, const stoa_audio_desc *desc, stoa_error *err)
{
    const ALCint hrtf_attr[2] = {ALC_HRTF_SOFT, desc->disable_hrtf ? ALC_FALSE : ALC_TRUE};
    if (a->kind == STOA_AUDIO_DEVICE_SILENT)
        return STOA_OK;
    if (a->kind == STOA_AUDIO_DEVICE_LOOPBACK) {
        stoa_result r = open_loopback(a, hrtf_attr, err);
        if (r < 0)
            return r;
    } else if (!open_system(a, desc->device_name, hrtf_attr)) {
        a->kind = STOA_AUDIO_DEVICE_SILENT;
        return STOA_OK;
    }
    if (!alcMakeContextCurrent(a->context))
        return stoa_error_set(err, STOA_ERROR_AUDIO, "alcMakeContextCurrent failed");
    query_hrtf(a, !desc->disable_hrtf);
    return AUDIO_AL(err, alDistanceModel(AL_INVERSE_DISTANCE_CLAMPED));
}

stoa_result stoa_audio_create(const stoa_audio_desc *desc, stoa_audio **out_audio, stoa_error *err)
{
    if (!desc || !out_audio)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "stoa_audio_create: NULL argument");
    *out_audio = NULL;
    if (desc->base_dir && strlen(desc->base_dir) >= AUDIO_PATH_MAX)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "audio base folder path too long");
    stoa_audio *a = calloc(1, sizeof *a);
    if (!a)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory creating audio");
    a->kind = desc->device;
    a->sample_rate = desc->sample_rate > 0 ? desc->sample_rate : 48000;
    if (desc->base_dir)
        strcpy(a->base_dir, desc->base_dir);
    a->duck_gain = desc->duck_gain > 0.0f ? desc->duck_gain : 0.3f;
    a->duck_fade_s = desc->duck_fade_s > 0.0f ? desc->duck_fade_s : 0.3f;
    a->duck_level = 1.0f;
    a->node_position = desc->node_position;
    a->node_position_user = desc->node_position_user;
    a->next_narration_id = 1;
    stoa_result r = open_device(a, desc, err);
    if (r < 0) {
        stoa_audio_destroy(&a);
        return r;
    }
    *out_audio = a;
    return STOA_OK;
}

void stoa_audio_destroy(stoa_audio **audio)
{
    if (!audio || !*audio)
        return;
    stoa_audio *a = *audio;
    audio_narration_fini(a);
    for (int i = 0; i < AUDIO_MAX_VOICES; i++)
        if (a->voices[i].used)
            audio_voice_release(a, i);
    // Sources are gone, so the buffers are no longer attached.
    audio_clip_cache_fini(&a->clips);
    if (a->context) {
        alcMakeContextCurrent(NULL);
        alcDestroyContext(a->context);
    }
    if (a->device)
        alcCloseDevice(a->device);
    free(a);
    *audio = NULL;
}

stoa_audio_device_kind stoa_audio_device_in_use(const stoa_audio *a)
{
    return a->kind;
}

bool stoa_audio_hrtf_enabled(const stoa_audio *a)
{
    return a->hrtf;
}

int stoa_audio_sample_rate(const stoa_audio *a)
{
    return a->sample_rate;
}

stoa_result stoa_audio_render(stoa_audio *a, float *out, int frames)
{
    if (!a || a->kind != STOA_AUDIO_DEVICE_LOOPBACK || !a->render_samples)
        return STOA_ERROR_UNSUPPORTED;
    if (!out || frames < 0)
        return STOA_ERROR_INVALID_ARGUMENT;
    a->render_samples(a->device, out, frames);
    return STOA_OK;
}

void stoa_audio_set_listener(stoa_audio *a, const float position[3],
                             const float orientation_xyzw[4])
{
    if (!a->context || !position)
        return;
    versor q = {0.0f, 0.0f, 0.0f, 1.0f};
    if (orientation_xyzw)
        glm_quat_init(q, orientation_xyzw[0], orientation_xyzw[1], orientation_xyzw[2],
                      orientation_xyzw[3]);
    glm_quat_normalize(q);
    vec3 fwd = {0.0f, 0.0f, -1.0f}, up = {0.0f, 1.0f, 0.0f};
    vec3 at_dir, up_dir;
    glm_quat_rotatev(q, fwd, at_dir);
    glm_quat_rotatev(q, up, up_dir);
    const ALfloat ori[6] = {at_dir[0], at_dir[1], at_dir[2], up_dir[0], up_dir[1], up_dir[2]};
    AUDIO_AL(NULL, alListener3f(AL_POSITION, position[0], position[1], position[2]));
    AUDIO_AL(NULL, alListenerfv(AL_ORIENTATION, ori));
}
