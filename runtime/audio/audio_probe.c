// SPDX-License-Identifier: Apache-2.0
// stoa_audio_probe: the default output and HRTF, asked the same way
// audio_device.c opens them (HRTF requested unless disabled).
#include <stdio.h>
#include <string.h>

#include <sndfile.h>

#include "audio_internal.h"
#include "stoa_audio_probe.h"

bool stoa_audio_probe(stoa_audio_probe_result *o)
{
    memset(o, 0, sizeof *o);
    snprintf(o->sndfile_version, sizeof o->sndfile_version, "%s", sf_version_string());
    ALCdevice *dev = alcOpenDevice(NULL);
    if (!dev) {
        const ALCchar *def = alcGetString(NULL, ALC_DEFAULT_DEVICE_SPECIFIER);
        snprintf(o->error, sizeof o->error, "OpenAL opens no output device%s%s%s",
                 def && *def ? " (default: " : "", def && *def ? def : "", def && *def ? ")" : "");
        return false;
    }
    const ALCchar *name = NULL;
    if (alcIsExtensionPresent(dev, "ALC_ENUMERATE_ALL_EXT"))
        name = alcGetString(dev, ALC_ALL_DEVICES_SPECIFIER);
    if (!name)
        name = alcGetString(dev, ALC_DEVICE_SPECIFIER);
    snprintf(o->device, sizeof o->device, "%s", name ? name : "?");
    o->hrtf_supported = alcIsExtensionPresent(dev, "ALC_SOFT_HRTF");
    const ALCint attrs[] = {o->hrtf_supported ? ALC_HRTF_SOFT : 0, ALC_TRUE, 0};
    ALCcontext *ctx = alcCreateContext(dev, o->hrtf_supported ? attrs : NULL);
    if (!ctx) {
        snprintf(o->error, sizeof o->error, "alcCreateContext on %s failed (0x%x)", o->device,
                 (unsigned)alcGetError(dev));
        alcCloseDevice(dev);
        return false;
    }
    ALCcontext *previous = alcGetCurrentContext();
    alcMakeContextCurrent(ctx);
    const char *ver = (const char *)alGetString(AL_VERSION), *ren = (const char *)alGetString(AL_RENDERER);
    snprintf(o->openal_version, sizeof o->openal_version, "%s (%s)", ver ? ver : "?", ren ? ren : "?");
    if (o->hrtf_supported) {
        ALCint status = ALC_HRTF_DISABLED_SOFT;
        alcGetIntegerv(dev, ALC_HRTF_STATUS_SOFT, 1, &status);
        o->hrtf_enabled = status == ALC_HRTF_ENABLED_SOFT || status == ALC_HRTF_REQUIRED_SOFT ||
                          status == ALC_HRTF_HEADPHONES_DETECTED_SOFT;
        const ALCchar *h = alcGetString(dev, ALC_HRTF_SPECIFIER_SOFT);
        snprintf(o->hrtf_name, sizeof o->hrtf_name, "%s", h ? h : "");
    }
    alcMakeContextCurrent(previous);
    alcDestroyContext(ctx);
    alcCloseDevice(dev);
    o->output = true;
    return true;
}
