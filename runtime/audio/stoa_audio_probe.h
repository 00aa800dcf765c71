// SPDX-License-Identifier: Apache-2.0
// The system's audio output as Stoa would open it, for `stoa doctor`:
// whether there is one, its name, whether HRTF (spatial narration) is on,
// and the OpenAL and libsndfile versions. Opens and closes its own device.
#pragma once

#include <stdbool.h>

typedef struct stoa_audio_probe_result {
    bool output;             // the default output device opened
    char device[256];        // its name
    bool hrtf_supported;     // ALC_SOFT_HRTF present
    bool hrtf_enabled;       // and enabled on the context Stoa asks for
    char hrtf_name[128];
    char openal_version[128]; // AL_VERSION, AL_RENDERER ("" without a device)
    char sndfile_version[64];
    char error[512];         // why there is no output
} stoa_audio_probe_result;

// Always fills out; returns out->output.
bool stoa_audio_probe(stoa_audio_probe_result *out);
