// SPDX-License-Identifier: Apache-2.0
// The panel's WebSocket for live views (/ws/panel, docs/hub.md, "Live
// views: pictures pushed to the panel"). The instructor's panel opens it
// with its session cookie (same origin only) and says which headsets it
// watches:
//   {"t":"watch","thumbs":[ID,...],"large":ID|0}
// at once when that changes and once a second meanwhile (which keeps them
// watched, as a fetch of GET /api/view does). The hub answers with each
// new picture of a watched headset the moment it arrives, as one binary
// message: 4 bytes (big-endian) the length of a JSON header
//   {"device","seq","w","h","drawn","stages":[rec,ready,enc,hub],"gaze":[x,y]}
// then the JPEG. Pictures are dropped, never queued, when the panel has not
// taken the last ones yet (its send queue holds more than PUSH_QUEUE_MAX):
// the next one replaces them. The session is checked at the upgrade and on
// every watch message: a panel logged out stops getting pictures within a
// second. A headset's connection is untouched by any of this: commands and
// statements still go first there.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_json.h"
#include "hub_view_internal.h"

#define PUSH_MAX_PANELS 16          // panels open at once (each teacher's tab)
#define PUSH_MAX_WATCH 256          // headsets one panel watches
#define PUSH_QUEUE_MAX (512 * 1024) // bytes queued to a panel beyond which a picture is dropped
#define PUSH_MAX_MESSAGE 8192       // a watch message: 256 ids fit

struct hub_view_panel {
    uint64_t conn;
    int64_t tag;
    char token_hash[65]; // the session that opened it
    int n;
    int64_t ids[PUSH_MAX_WATCH]; // [0] is the large view's when `large`
    uint64_t sent[PUSH_MAX_WATCH];
    bool large;
};

// mu held.
static hub_view_panel *panel_of(hub_views *v, uint64_t conn)
{
    for (int i = 0; v && i < v->panel_n; i++)
        if (v->panels[i].conn == conn)
            return &v->panels[i];
    return NULL;
}

void hub_view_panel_open(stoa_hub *hub, hub_req *c)
{
    char h[65];
    if (!hub_session_valid(hub, c, NULL) || !hub_session_cookie_hash(c, h)) {
        hub_send_error(c, 401, "log in first");
        return;
    }
    hub_view_load(hub);
    pthread_mutex_lock(&hub->mu);
    hub_views *v = hub->views;
    hub_view_panel *p = NULL;
    if (v && v->panel_n < PUSH_MAX_PANELS) {
        if (!v->panels)
            v->panels = calloc(PUSH_MAX_PANELS, sizeof *v->panels);
        if (v->panels) {
            p = &v->panels[v->panel_n++];
            *p = (hub_view_panel){.conn = c->conn, .tag = -(++v->panel_tags)};
            memcpy(p->token_hash, h, 65);
        }
    }
    int64_t tag = p ? p->tag : 0;
    pthread_mutex_unlock(&hub->mu);
    if (!p) {
        hub_send_error(c, 503, "too many panels watching live views");
        return;
    }
    if (!hub_server_ws_accept(c, NULL)) {
        hub_view_panel_close(hub, c->conn);
        hub_send_error(c, 400, "a WebSocket upgrade is expected here");
        return;
    }
    // A negative tag: a panel, not a headset (hub_ws.c routes by it).
    hub_server_ws_set_tag(hub->srv, c->conn, tag);
}

void hub_view_panel_close(stoa_hub *hub, uint64_t conn)
{
    pthread_mutex_lock(&hub->mu);
    hub_views *v = hub->views;
    hub_view_panel *p = panel_of(v, conn);
    if (p)
        *p = v->panels[--v->panel_n];
    pthread_mutex_unlock(&hub->mu);
}

// One binary message: header length, header, JPEG. NULL: out of memory.
static unsigned char *frame_of(const hub_view_slot *s, size_t *out_len)
{
    char head[400];
    int n = snprintf(head, sizeof head,
                     "{\"device\":%lld,\"seq\":%llu,\"w\":%u,\"h\":%u,\"drawn\":%lld,\"stages\":[%"
                     "lld,%lld,%lld,%lld]",
                     (long long)s->device, (unsigned long long)s->seq, s->w, s->h,
                     (long long)s->drawn_ms, (long long)s->rec_ms, (long long)s->ready_ms,
                     (long long)s->enc_ms, (long long)s->hub_ms);
    if (s->has_gaze)
        n += snprintf(head + n, sizeof head - (size_t)n, ",\"gaze\":[%.4f,%.4f]", s->gaze[0],
                      s->gaze[1]);
    n += snprintf(head + n, sizeof head - (size_t)n, "}");
    unsigned char *f = malloc(4 + (size_t)n + s->len);
    if (!f)
        return NULL;
    f[0] = (unsigned char)(n >> 24), f[1] = (unsigned char)(n >> 16),
    f[2] = (unsigned char)(n >> 8), f[3] = (unsigned char)n;
    memcpy(f + 4, head, (size_t)n);
    memcpy(f + 4 + n, s->jpeg, s->len);
    *out_len = 4 + (size_t)n + s->len;
    return f;
}

typedef struct push_job {
    uint64_t conn;
    int64_t device;
    uint64_t seq;
    unsigned char *frame; // owned by the first job of its device (`own`)
    size_t len;
    bool own;
} push_job;

// mu held: the pictures this panel has not had (device = 0: all it watches).
static int collect(hub_views *v, hub_view_panel *p, int64_t device, push_job *jobs, int k, int max)
{
    for (int i = 0; i < p->n && k < max; i++) {
        if (device && p->ids[i] != device)
            continue;
        hub_view_slot *s = NULL;
        for (int j = 0; j < v->n && !s; j++)
            if (v->slots[j].device == p->ids[i])
                s = &v->slots[j];
        if (!s || !s->jpeg || s->seq <= p->sent[i])
            continue;
        push_job *same = NULL; // another panel's copy of this picture
        for (int j = 0; j < k && !same; j++)
            if (jobs[j].own && jobs[j].device == s->device)
                same = &jobs[j];
        jobs[k] = (push_job){.conn = p->conn, .device = s->device, .seq = s->seq};
        if (same) {
            jobs[k].frame = same->frame, jobs[k].len = same->len;
        } else {
            jobs[k].frame = frame_of(s, &jobs[k].len);
            jobs[k].own = true;
            if (!jobs[k].frame)
                continue;
        }
        k++;
    }
    return k;
}

// mu NOT held: sends, then notes what went.
static void send_jobs(stoa_hub *hub, push_job *jobs, int k)
{
    uint64_t bytes = 0;
    for (int i = 0; i < k; i++) {
        if (!hub_server_ws_send_if_room(hub->srv, jobs[i].conn, 2, jobs[i].frame, jobs[i].len,
                                        PUSH_QUEUE_MAX))
            jobs[i].seq = 0; // dropped: the next picture (or the next watch message) makes up
        else
            bytes += jobs[i].len;
    }
    pthread_mutex_lock(&hub->mu);
    hub_views *v = hub->views;
    for (int i = 0; v && i < k; i++) {
        hub_view_panel *p = jobs[i].seq ? panel_of(v, jobs[i].conn) : NULL;
        for (int j = 0; p && j < p->n; j++)
            if (p->ids[j] == jobs[i].device && p->sent[j] < jobs[i].seq)
                p->sent[j] = jobs[i].seq;
    }
    if (v)
        v->pushed_total += bytes;
    pthread_mutex_unlock(&hub->mu);
    for (int i = 0; i < k; i++)
        if (jobs[i].own)
            free(jobs[i].frame);
}

void hub_view_push_new(stoa_hub *hub, int64_t device)
{
    push_job jobs[PUSH_MAX_PANELS];
    int k = 0;
    pthread_mutex_lock(&hub->mu);
    hub_views *v = hub->views;
    for (int i = 0; v && v->enabled && i < v->panel_n; i++)
        k = collect(v, &v->panels[i], device, jobs, k, PUSH_MAX_PANELS);
    pthread_mutex_unlock(&hub->mu);
    send_jobs(hub, jobs, k);
}

// {"t":"watch","thumbs":[...],"large":ID}: the panel's whole watch list.
void hub_view_panel_message(stoa_hub *hub, uint64_t conn, int opcode, bool fin, const char *data,
                            size_t len)
{
    cJSON *msg = NULL;
    stoa_error err = {0};
    const char *why = NULL;
    if (opcode != 1 || !fin)
        why = "text_messages_only";
    else if (stoa_json_parse(data, len, HUB_JSON_POLICY(PUSH_MAX_MESSAGE), &msg, &err) < 0 ||
             !cJSON_IsObject(msg))
        why = "malformed";
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "t"));
    const cJSON *thumbs = cJSON_GetObjectItemCaseSensitive(msg, "thumbs");
    const cJSON *large = cJSON_GetObjectItemCaseSensitive(msg, "large");
    if (!why && (!t || strcmp(t, "watch") != 0))
        why = "unknown_message";
    if (!why && (!cJSON_IsArray(thumbs) || cJSON_GetArraySize(thumbs) >= PUSH_MAX_WATCH ||
                 (large && !cJSON_IsNumber(large))))
        why = "bad_watch";
    if (why) {
        char m[80];
        snprintf(m, sizeof m, "{\"t\":\"error\",\"code\":\"%s\"}", why);
        hub_server_ws_send(hub->srv, conn, 1, m, strlen(m));
        hub_server_ws_close(hub->srv, conn, 1003);
        cJSON_Delete(msg);
        return;
    }
    bool start = false, alive = false;
    push_job jobs[PUSH_MAX_WATCH];
    int k = 0;
    int64_t now = hub_mono_ns();
    pthread_mutex_lock(&hub->mu);
    hub_views *v = hub->views;
    hub_view_panel *p = panel_of(v, conn);
    alive = p && hub_session_by_hash(hub, p->token_hash) != NULL;
    if (alive) {
        hub_view_panel old = *p;
        p->n = 0;
        double big = large ? large->valuedouble : 0;
        p->large = big >= 1 && big < 9e15;
        if (p->large)
            p->ids[p->n++] = (int64_t)big;
        const cJSON *it;
        cJSON_ArrayForEach(it, thumbs)
        {
            int64_t id = cJSON_IsNumber(it) && it->valuedouble >= 1 && it->valuedouble < 9e15
                             ? (int64_t)it->valuedouble
                             : 0;
            for (int j = 0; j < p->n && id; j++)
                if (p->ids[j] == id)
                    id = 0; // named twice: once
            if (id && p->n < PUSH_MAX_WATCH)
                p->ids[p->n++] = id;
        }
        for (int i = 0; i < p->n; i++) {
            // What it had of this headset before, if it watched it then in
            // the same way: a headset moved to the large view (or back) gets
            // its newest picture again at once, on the other canvas.
            p->sent[i] = 0;
            for (int j = 0; j < old.n; j++)
                if (old.ids[j] == p->ids[i] && (old.large && j == 0) == (p->large && i == 0))
                    p->sent[i] = old.sent[j];
            hub_device *d = hub_roster_find(hub, p->ids[i]);
            hub_view_slot *s = v->enabled && d ? hub_view_slot_of(hub, p->ids[i], true) : NULL;
            if (s)
                start |= hub_view_mark_watched(v, s, p->large && i == 0, now);
        }
        if (v->enabled)
            k = collect(v, p, 0, jobs, 0, PUSH_MAX_WATCH);
    }
    pthread_mutex_unlock(&hub->mu);
    cJSON_Delete(msg);
    if (!alive) {
        hub_server_ws_send(hub->srv, conn, 1, "{\"t\":\"error\",\"code\":\"log_in_first\"}", 35);
        hub_server_ws_close(hub->srv, conn, 1008);
        return;
    }
    send_jobs(hub, jobs, k);
    if (start)
        hub_view_apply(hub); // the headset hears it now, not at the next tick
}

void hub_view_push_free(hub_views *v)
{
    free(v->panels);
    v->panels = NULL;
    v->panel_n = 0;
}
