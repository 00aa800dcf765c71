// SPDX-License-Identifier: Apache-2.0
#include "run_audio_probe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"

#define PROBE_MAX_S 0.5 // a longer gap (a pause, a load) renders only this much

bool run_audio_probe_wanted(void)
{
    const char *p = getenv("STOA_AUDIO_PROBE");
    return p && p[0];
}

bool run_audio_probe_open(run_audio_probe *p)
{
    memset(p, 0, sizeof *p);
    const char *path = getenv("STOA_AUDIO_PROBE");
    p->out = path && path[0] ? fopen(path, "a") : NULL;
    if (!p->out && path && path[0])
        STOA_LOGW("run", "%s: cannot write the audio probe", path);
    return p->out != NULL;
}

void run_audio_probe_frame(run_audio_probe *p, stoa_audio *a, int64_t now_ns,
                           const float head_forward[3])
{
    if (!p->out || !a)
        return;
    int rate = stoa_audio_sample_rate(a);
    double dt = p->last_ns ? (double)(now_ns - p->last_ns) * 1e-9 : 0.0;
    p->last_ns = now_ns;
    int frames = (int)(fmin(fmax(dt, 0.0), PROBE_MAX_S) * rate);
    if (frames <= 0)
        return;
    if (frames > p->cap) {
        float *b = realloc(p->buf, (size_t)frames * 2 * sizeof *b);
        if (!b)
            return;
        p->buf = b;
        p->cap = frames;
    }
    if (stoa_audio_render(a, p->buf, frames) < 0)
        return;
    double l = 0.0, r = 0.0;
    for (int i = 0; i < frames; i++) {
        l += (double)p->buf[2 * i] * p->buf[2 * i];
        r += (double)p->buf[2 * i + 1] * p->buf[2 * i + 1];
    }
    double yaw = atan2(-(double)head_forward[0], -(double)head_forward[2]);
    fprintf(p->out,
            "{\"t\":%.4f,\"yaw\":%.4f,\"l\":%.6g,\"r\":%.6g,\"narration\":%s,\"ui\":\"%s\"}\n",
            (double)now_ns * 1e-9, yaw, sqrt(l / frames), sqrt(r / frames),
            stoa_audio_narration_busy(a) ? "true" : "false", p->ui);
    p->ui[0] = '\0';
    fflush(p->out);
}

void run_audio_probe_close(run_audio_probe *p)
{
    if (p->out)
        fclose(p->out);
    free(p->buf);
    memset(p, 0, sizeof *p);
}
