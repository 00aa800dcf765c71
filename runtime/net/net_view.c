// SPDX-License-Identifier: Apache-2.0
// Live views (docs/hub.md, "Live views, hands and attention"): the hub says
// whether a panel watches this headset and how large and how often it
// wants pictures; the frame loop hands pictures over (stoa_net_send_view,
// a copy under the mutex), and the net thread encodes the newest one as
// JPEG and sends it when nothing else waits to be sent.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <turbojpeg.h>

#include "net_internal.h"

#define VIEW_MAX_SIDE 2048
#define VIEW_QUALITY 70

void net_view_on_message(stoa_net *net, const cJSON *msg)
{
    stoa_net_view_want w = {.on = cJSON_IsTrue(cJSON_GetObjectItem(msg, "on"))};
    double width = cJSON_GetNumberValue(cJSON_GetObjectItem(msg, "width"));
    double fps = cJSON_GetNumberValue(cJSON_GetObjectItem(msg, "fps"));
    // What the hub says is bounded here too: a picture is 64..1024 px wide,
    // 0.1..15 a second (NaN, an absent field, gives the low end).
    w.width = !(width >= 64) ? 64 : width > 1024 ? 1024 : (uint32_t)width;
    w.fps = !(fps >= 0.1) ? 0.1 : fps > 15 ? 15 : fps;
    net->view_want = w;
    if (!w.on) { // nobody watches: a picture still waiting is not sent
        free(net->view_rgba);
        net->view_rgba = NULL;
    }
}

void net_view_reset(stoa_net *net)
{
    net->view_want = (stoa_net_view_want){0};
    free(net->view_rgba);
    net->view_rgba = NULL;
    free(net->view_spare);
    net->view_spare = NULL;
    net->view_spare_bytes = 0;
}

void stoa_net_get_view_want(stoa_net *net, stoa_net_view_want *out)
{
    pthread_mutex_lock(&net->mu);
    *out = net->view_want;
    if (!net->welcomed)
        out->on = false;
    pthread_mutex_unlock(&net->mu);
}

bool stoa_net_send_view(stoa_net *net, const uint8_t *rgba, uint32_t width, uint32_t height,
                        const stoa_net_view_meta *meta)
{
    if (!rgba || width == 0 || height == 0 || width > VIEW_MAX_SIDE || height > VIEW_MAX_SIDE)
        return false;
    size_t bytes = (size_t)width * height * 4;
    // The copy is made outside the lock, into the buffer the net thread
    // gave back (no allocation, no page faults once running): the frame
    // thread holds the lock only to swap pointers.
    pthread_mutex_lock(&net->mu);
    bool on = net->view_want.on;
    uint8_t *buf = net->view_spare_bytes == bytes ? net->view_spare : NULL;
    if (buf)
        net->view_spare = NULL, net->view_spare_bytes = 0;
    pthread_mutex_unlock(&net->mu);
    if (!on) {
        free(buf);
        return false;
    }
    if (!buf && !(buf = malloc(bytes)))
        return false;
    memcpy(buf, rgba, bytes);
    pthread_mutex_lock(&net->mu);
    uint8_t *older = net->view_rgba; // not sent yet: the newer one replaces it
    size_t older_bytes = (size_t)net->view_w * net->view_h * 4;
    net->view_rgba = buf;
    net->view_w = width;
    net->view_h = height;
    net->view_meta = meta ? *meta : (stoa_net_view_meta){0};
    if (older && !net->view_spare) {
        net->view_spare = older, net->view_spare_bytes = older_bytes;
        older = NULL;
    }
    pthread_cond_signal(&net->cv);
    pthread_mutex_unlock(&net->mu);
    free(older);
    return true;
}

void stoa_net_view_counts(stoa_net *net, uint64_t *out_sent, uint64_t *out_bytes)
{
    pthread_mutex_lock(&net->mu);
    *out_sent = net->views_sent;
    *out_bytes = net->view_bytes;
    pthread_mutex_unlock(&net->mu);
}

char *net_view_next(stoa_net *net)
{
    pthread_mutex_lock(&net->mu);
    uint8_t *rgba = net->view_rgba;
    net->view_rgba = NULL;
    uint32_t w = net->view_w, h = net->view_h;
    stoa_net_view_meta meta = net->view_meta;
    uint64_t seq = ++net->view_seq;
    pthread_mutex_unlock(&net->mu);
    if (!rgba)
        return NULL;
    // Encoded here, on the net thread: the frame loop only copied pixels.
    unsigned char *jpeg = NULL;
    unsigned long jlen = 0;
    char *msg = NULL;
    tjhandle tj = tjInitCompress();
    if (tj && tjCompress2(tj, rgba, (int)w, 0, (int)h, meta.bgra ? TJPF_BGRX : TJPF_RGBX, &jpeg, &jlen, TJSAMP_420, VIEW_QUALITY,
                          TJFLAG_FASTDCT) == 0) {
        size_t b64 = sodium_base64_encoded_len(jlen, sodium_base64_VARIANT_ORIGINAL);
        msg = malloc(b64 + 256);
        if (msg) {
            // The stages' times (unix ms) for the latency: drawn, recorded,
            // picked up from the GPU, encoded (docs/hub.md, "Benchmark").
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            long long enc = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
            int n = snprintf(msg, 256,
                             "{\"t\":\"view\",\"w\":%u,\"h\":%u,\"seq\":%llu,\"drawn\":%lld,\"rec\":%lld,"
                             "\"ready\":%lld,\"enc\":%lld,",
                             w, h, (unsigned long long)seq, (long long)meta.drawn_unix_ms,
                             (long long)meta.recorded_unix_ms, (long long)meta.ready_unix_ms, enc);
            if (meta.has_gaze)
                n += snprintf(msg + n, 256 - (size_t)n, "\"gaze\":[%.4f,%.4f],", (double)meta.gaze[0],
                              (double)meta.gaze[1]);
            n += snprintf(msg + n, 256 - (size_t)n, "\"jpeg\":\"");
            sodium_bin2base64(msg + n, b64, jpeg, jlen, sodium_base64_VARIANT_ORIGINAL);
            size_t len = (size_t)n + strlen(msg + n);
            memcpy(msg + len, "\"}", 3);
            pthread_mutex_lock(&net->mu);
            net->views_sent++;
            net->view_bytes += jlen;
            pthread_mutex_unlock(&net->mu);
        }
    }
    if (jpeg)
        tjFree(jpeg);
    if (tj)
        tjDestroy(tj);
    pthread_mutex_lock(&net->mu); // the buffer goes back for the next picture
    if (!net->view_spare) {
        net->view_spare = rgba, net->view_spare_bytes = (size_t)w * h * 4;
        rgba = NULL;
    }
    pthread_mutex_unlock(&net->mu);
    free(rgba);
    return msg;
}
