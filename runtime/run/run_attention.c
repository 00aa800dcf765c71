// SPDX-License-Identifier: Apache-2.0
#include "run_attention.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct run_heard {
    bool open, playing;
    uint32_t audio_id;
    char lesson_id[64];
    int32_t node;
    int64_t started_ns, last_ns, facing_ns;
} run_heard;

typedef struct run_attention {
    run_heard items[RUN_MAX_NARRATIONS];
} run_attention;

void run_attention_start(run_lesson *rl, uint32_t audio_id, const char *lesson_id, int32_t node)
{
    if (!rl->attention && !(rl->attention = calloc(1, sizeof(run_attention))))
        return;
    run_heard *slot = NULL;
    for (uint32_t i = 0; i < RUN_MAX_NARRATIONS && !slot; i++)
        if (!rl->attention->items[i].open)
            slot = &rl->attention->items[i];
    if (!slot)
        return; // more narrations at once than the lesson can play: not judged
    *slot = (run_heard){.open = true, .audio_id = audio_id, .node = node,
                        .started_ns = rl->now_ns, .last_ns = rl->now_ns};
    snprintf(slot->lesson_id, sizeof slot->lesson_id, "%s", lesson_id ? lesson_id : "");
}

static bool facing(const run_lesson *rl, int32_t node)
{
    const float *m = run_lesson_node_world(rl, node);
    if (!m)
        return false;
    float d[3] = {m[12] - rl->head_world[0], m[13] - rl->head_world[1], m[14] - rl->head_world[2]};
    float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    if (len < 1e-3f)
        return true; // standing at the source
    float c = (d[0] * rl->head_forward[0] + d[1] * rl->head_forward[1] + d[2] * rl->head_forward[2]) / len;
    return c >= cosf(RUN_ATTENTION_DEGREES * 3.14159265f / 180.0f);
}

void run_attention_playing(run_lesson *rl, uint32_t audio_id)
{
    for (uint32_t i = 0; rl->attention && i < RUN_MAX_NARRATIONS; i++) {
        run_heard *h = &rl->attention->items[i];
        if (h->open && h->audio_id == audio_id && !h->playing) {
            h->playing = true;
            h->started_ns = h->last_ns = rl->now_ns;
        }
    }
}

void run_attention_tick(run_lesson *rl, int64_t now_ns)
{
    if (!rl->attention)
        return;
    // Paused time is not listening time: the clock only runs while unpaused.
    bool paused = rl->pause_sources != 0;
    for (uint32_t i = 0; i < RUN_MAX_NARRATIONS; i++) {
        run_heard *h = &rl->attention->items[i];
        if (!h->open || !h->playing)
            continue;
        if (h->node >= 0 && !paused && facing(rl, h->node))
            h->facing_ns += now_ns - h->last_ns;
        h->last_ns = now_ns;
    }
}

void run_attention_end(run_lesson *rl, uint32_t audio_id, bool finished)
{
    for (uint32_t i = 0; rl->attention && i < RUN_MAX_NARRATIONS; i++) {
        run_heard *h = &rl->attention->items[i];
        if (!h->open || h->audio_id != audio_id)
            continue;
        h->open = false;
        if (!h->playing)
            return; // dropped from the queue before it played: nothing to judge
        int64_t played = rl->now_ns - h->started_ns;
        const char *source = h->node >= 0 && (uint32_t)h->node < rl->scene->node_count
                                 ? rl->scene->nodes[h->node].name
                                 : NULL;
        double share = played > 0 ? (double)h->facing_ns / (double)played : 0;
        stoa_trace_names none = {0};
        stoa_trace_narration(rl->trace, h->lesson_id, none, source, share, finished, played,
                             rl->now_ns - rl->display0_ns);
        return;
    }
}

void run_attention_free(run_lesson *rl)
{
    free(rl->attention);
    rl->attention = NULL;
}
