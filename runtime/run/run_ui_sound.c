// SPDX-License-Identifier: Apache-2.0
#include "run_ui_sound.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_log.h"

static const char *const k_names[RUN_SOUND_COUNT] = {"select", "hover", "right", "wrong", "panel", "message"};

const char *run_sound_name(run_sound s)
{
    return (unsigned)s < RUN_SOUND_COUNT ? k_names[s] : "?";
}

static const char *sounds_dir(const run_lesson *rl)
{
    const char *env = getenv("STOA_SOUNDS_DIR");
    if (env && env[0])
        return env;
    return rl->sounds_dir[0] ? rl->sounds_dir : NULL;
}

void run_ui_sound(run_lesson *rl, run_sound s, int32_t node, const float *pos)
{
    const char *dir = rl ? sounds_dir(rl) : NULL;
    if (!dir || !rl->audio || (unsigned)s >= RUN_SOUND_COUNT)
        return;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.wav", dir, k_names[s]);
    struct stat st;
    if (stat(path, &st) != 0)
        return; // an installation without the sounds stays quiet
    stoa_audio_place place = {.anchor = STOA_AUDIO_AT_HEAD};
    if (node >= 0 && rl->scene && (uint32_t)node < rl->scene->node_count) {
        place.anchor = STOA_AUDIO_AT_NODE;
        place.node = (uint32_t)node;
        const float *m = run_lesson_node_world(rl, node);
        if (m)
            memcpy(place.position, m + 12, sizeof place.position);
    } else if (pos) {
        place.anchor = STOA_AUDIO_AT_POSITION;
        memcpy(place.position, pos, sizeof place.position);
    }
    stoa_error err = {0};
    uint32_t id = 0;
    if (stoa_audio_play(rl->audio, &(stoa_audio_sound_desc){.path = path, .place = place, .no_duck = true},
                        &id, &err) < 0) {
        STOA_LOGW("run", "interface sound: %s", err.message);
        return;
    }
    rl->sounds_played[s]++;
    if (rl->probe.out) { // what the probe's next line heard start (run_audio_probe.h)
        size_t n = strlen(rl->probe.ui);
        snprintf(rl->probe.ui + n, sizeof rl->probe.ui - n, "%s%s@%.2f,%.2f,%.2f", n ? " " : "",
                 k_names[s], place.position[0], place.position[1], place.position[2]);
    }
    STOA_LOGD("run", "sound %s at %s (%.2f, %.2f, %.2f)", k_names[s],
              place.anchor == STOA_AUDIO_AT_NODE       ? "node"
              : place.anchor == STOA_AUDIO_AT_POSITION ? "position"
                                                       : "head",
              place.position[0], place.position[1], place.position[2]);
}
