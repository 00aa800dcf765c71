// SPDX-License-Identifier: Apache-2.0
// Live views (docs/hub.md, "Live views, hands and attention"): each
// headset's newest picture, kept in memory only (never stored on disk),
// served to the instructor's panel; who is watched and how large; and the
// bandwidth budget the rates are fitted into.
//
// A panel watches a headset by fetching its picture (GET /api/view?device=ID,
// &size=large for the large view), or by naming it on its WebSocket
// (/ws/panel, hub_view_push.c), which then carries each new picture the
// moment it arrives: a headset that nobody watched for a few seconds is
// told to stop. Wanted: thumbnails 256 px wide twice a
// second, the large view 720 px ten times a second; when the class's
// pictures would pass the budget, the thumbnails slow down first (to one in
// five seconds), then the large view. Pictures travel after everything else
// on a headset's connection (runtime/net), and the hub handles a picture
// message by copying it under its lock: commands and statements never wait
// for pictures.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "hub_internal.h"
#include "hub_view_internal.h"

#define VIEW_THUMB_W 256
#define VIEW_LARGE_W 720
#define VIEW_THUMB_FPS 2.0
#define VIEW_LARGE_FPS 10.0
#define VIEW_MIN_FPS 0.2
#define VIEW_WATCH_NS (3000LL * 1000000LL)   // a picture fetched keeps its headset watched this long
#define VIEW_BUDGET_DEFAULT 4000000.0         // bytes a second: a school Wi-Fi's share for 30 headsets
#define VIEW_MAX_JPEG (192 * 1024)

// mu held. The device's slot, made when missing (NULL: out of memory).
hub_view_slot *hub_view_slot_of(stoa_hub *hub, int64_t device, bool make)
{
    hub_views *v = hub->views;
    for (int i = 0; i < v->n; i++)
        if (v->slots[i].device == device)
            return &v->slots[i];
    if (!make)
        return NULL;
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 32;
        hub_view_slot *grown = realloc(v->slots, (size_t)cap * sizeof *grown);
        if (!grown)
            return NULL;
        v->slots = grown, v->cap = cap;
    }
    hub_view_slot *s = &v->slots[v->n++];
    *s = (hub_view_slot){.device = device};
    return s;
}

// The settings, read once (outside mu: the database has its own lock).
void hub_view_load(stoa_hub *hub)
{
    pthread_mutex_lock(&hub->mu);
    bool loaded = hub->views && hub->views->loaded;
    pthread_mutex_unlock(&hub->mu);
    if (loaded)
        return;
    char *en = hub_db_get_setting(hub, "views_enabled"), *bu = hub_db_get_setting(hub, "views_budget");
    pthread_mutex_lock(&hub->mu);
    if (!hub->views)
        hub->views = calloc(1, sizeof *hub->views);
    if (hub->views && !hub->views->loaded) {
        hub->views->loaded = true;
        hub->views->enabled = !en || strcmp(en, "0") != 0;
        double b = bu ? strtod(bu, NULL) : 0;
        hub->views->budget = b >= 10000 && b <= 1e9 ? b : VIEW_BUDGET_DEFAULT;
    }
    pthread_mutex_unlock(&hub->mu);
    free(en), free(bu);
}

typedef struct view_order {
    uint64_t conn;
    char json[128];
} view_order;

// Fits every watched headset's rate into the budget (mu held) and lists the
// instructions that changed; the caller sends them after unlocking.
static int plan(stoa_hub *hub, int64_t now, view_order *orders, int max)
{
    hub_views *v = hub->views;
    double thumb_cost = 0, large_cost = 0;
    for (int i = 0; i < v->n; i++) {
        hub_view_slot *s = &v->slots[i];
        hub_device *d = hub_roster_find(hub, s->device);
        bool online = d && d->conn;
        bool large = v->enabled && online && s->large_until_ns > now;
        bool thumb = v->enabled && online && !large && s->thumb_until_ns > now;
        // A picture's cost scales with its area; before any came, 256x192
        // JPEGs are ~8 KB and 720x540 ~40 KB (x4/3 in base64).
        double want_w = large ? VIEW_LARGE_W : VIEW_THUMB_W;
        double cost = s->avg_wire > 0 && s->w ? s->avg_wire * (want_w / s->w) * (want_w / s->w)
                                              : large ? 54000 : 11000;
        if (large)
            large_cost += cost * VIEW_LARGE_FPS;
        else if (thumb)
            thumb_cost += cost;
    }
    // Thumbnails share what the large views leave (at least their floor).
    double thumb_fps = VIEW_THUMB_FPS, large_scale = 1.0;
    if (thumb_cost > 0)
        thumb_fps = fmin(VIEW_THUMB_FPS, fmax(VIEW_MIN_FPS, (v->budget - large_cost) / thumb_cost));
    double left = v->budget - thumb_cost * thumb_fps;
    if (large_cost > 0 && left < large_cost)
        large_scale = fmax(0.1, left / large_cost);
    int k = 0;
    for (int i = 0; i < v->n; i++) {
        hub_view_slot *s = &v->slots[i];
        hub_device *d = hub_roster_find(hub, s->device);
        bool online = d && d->conn;
        bool large = v->enabled && online && s->large_until_ns > now;
        bool on = v->enabled && online && (large || s->thumb_until_ns > now);
        uint32_t width = large ? VIEW_LARGE_W : VIEW_THUMB_W;
        double fps = large ? fmax(1.0, VIEW_LARGE_FPS * large_scale) : thumb_fps;
        bool changed = on != s->told_on || (on && (width != s->told_width || fabs(fps - s->told_fps) > 0.15 * s->told_fps ||
                                                    d->conn != s->conn));
        if (!changed || k == max || (!on && !online))
            continue;
        s->told_on = on, s->told_width = width, s->told_fps = fps, s->conn = online ? d->conn : 0;
        orders[k].conn = d->conn;
        snprintf(orders[k].json, sizeof orders[k].json, "{\"t\":\"view\",\"on\":%s,\"width\":%u,\"fps\":%.2f}",
                 on ? "true" : "false", width, fps);
        k++;
    }
    return k;
}

void hub_view_apply(stoa_hub *hub)
{
    hub_view_load(hub);
    view_order *orders = NULL;
    int k = 0;
    pthread_mutex_lock(&hub->mu);
    if (hub->views) {
        orders = calloc((size_t)hub->views->n + 1, sizeof *orders);
        if (orders)
            k = plan(hub, hub_mono_ns(), orders, hub->views->n);
    }
    pthread_mutex_unlock(&hub->mu);
    for (int i = 0; i < k; i++)
        hub_server_ws_send(hub->srv, orders[i].conn, 1, orders[i].json, strlen(orders[i].json));
    free(orders);
}

void hub_view_tick(stoa_hub *hub)
{
    hub_view_load(hub);
    pthread_mutex_lock(&hub->mu);
    hub_views *v = hub->views;
    int64_t now = hub_mono_ns();
    if (v && now - v->rate_ns >= 1000000000LL) {
        double dt = v->rate_ns ? (double)(now - v->rate_ns) * 1e-9 : 1.0;
        double r = (double)(v->wire_total - v->rate_total) / dt;
        v->rate = v->rate_ns ? 0.5 * v->rate + 0.5 * r : r;
        v->rate_total = v->wire_total;
        v->rate_ns = now;
    }
    pthread_mutex_unlock(&hub->mu);
    hub_view_apply(hub);
}

void hub_view_on_message(stoa_hub *hub, int64_t device, const cJSON *msg, size_t wire_len)
{
    const char *b64 = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "jpeg"));
    double w = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(msg, "w"));
    double h = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(msg, "h"));
    size_t blen = b64 ? strlen(b64) : 0;
    if (!b64 || blen == 0 || blen > VIEW_MAX_JPEG * 4 / 3 + 4 || !(w >= 1 && w <= 4096) || !(h >= 1 && h <= 4096))
        return; // a picture the hub cannot use is dropped, the connection goes on
    unsigned char *jpeg = malloc(blen);
    size_t len = 0;
    if (!jpeg || sodium_base642bin(jpeg, blen, b64, blen, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len < 4 || jpeg[0] != 0xff || jpeg[1] != 0xd8) { // a JPEG starts with SOI
        free(jpeg);
        return;
    }
    hub_view_load(hub);
    const cJSON *gaze = cJSON_GetObjectItemCaseSensitive(msg, "gaze");
    double drawn = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(msg, "drawn"));
    double rec = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(msg, "rec"));
    double ready = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(msg, "ready"));
    double enc = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(msg, "enc"));
    struct timespec now_ts;
    clock_gettime(CLOCK_REALTIME, &now_ts);
    int64_t hub_ms = (int64_t)now_ts.tv_sec * 1000 + now_ts.tv_nsec / 1000000;
    pthread_mutex_lock(&hub->mu);
    hub_view_slot *s = hub->views && hub->views->enabled ? hub_view_slot_of(hub, device, true) : NULL;
    if (s) {
        free(s->jpeg);
        s->jpeg = jpeg, jpeg = NULL;
        s->len = len;
        uint32_t prev_w = s->w;
        s->w = (uint32_t)w, s->h = (uint32_t)h;
        s->seq++;
        s->drawn_ms = drawn > 0 && drawn < 1e15 ? (int64_t)drawn : 0;
        int64_t got_ns = hub_mono_ns(), gap = s->received_ns ? got_ns - s->received_ns : 0;
        if (gap > 0 && gap < 10LL * 1000000000LL)
            s->interval_ns = s->interval_ns > 0 ? 0.7 * s->interval_ns + 0.3 * (double)gap : (double)gap;
        s->received_ns = got_ns;
        s->rec_ms = rec > 0 && rec < 1e15 ? (int64_t)rec : 0;
        s->ready_ms = ready > 0 && ready < 1e15 ? (int64_t)ready : 0;
        s->enc_ms = enc > 0 && enc < 1e15 ? (int64_t)enc : 0;
        s->hub_ms = hub_ms;
        s->has_gaze = cJSON_GetArraySize(gaze) == 2;
        for (int i = 0; i < 2 && s->has_gaze; i++) {
            double g = cJSON_GetNumberValue(cJSON_GetArrayItem(gaze, i));
            s->gaze[i] = g >= 0 && g <= 1 ? g : 0.5;
        }
        // The cost of a picture of this size, for the budget.
        bool same = s->avg_wire > 0 && s->w == prev_w;
        s->avg_wire = same ? 0.8 * s->avg_wire + 0.2 * (double)wire_len : (double)wire_len;
        hub->views->wire_total += wire_len;
    }
    pthread_mutex_unlock(&hub->mu);
    if (s)
        hub_view_push_new(hub, device); // the watching panels have it now, not when they next ask
    free(jpeg); // views off: nothing is kept
}

void hub_view_forget(stoa_hub *hub, int64_t device)
{
    pthread_mutex_lock(&hub->mu);
    hub_view_slot *s = hub->views ? hub_view_slot_of(hub, device, false) : NULL;
    if (s) {
        free(s->jpeg);
        s->jpeg = NULL;
        s->len = 0;
        s->told_on = false; // a new connection starts unwatched
    }
    pthread_mutex_unlock(&hub->mu);
}

bool hub_view_mark_watched(hub_views *v, hub_view_slot *s, bool large, int64_t now)
{
    (void)v;
    bool start = large ? s->large_until_ns <= now : s->thumb_until_ns <= now && s->large_until_ns <= now;
    if (large)
        s->large_until_ns = now + VIEW_WATCH_NS;
    else
        s->thumb_until_ns = now + VIEW_WATCH_NS;
    return start;
}

void hub_view_free(stoa_hub *hub)
{
    if (!hub->views)
        return;
    hub_view_push_free(hub->views);
    for (int i = 0; i < hub->views->n; i++)
        free(hub->views->slots[i].jpeg);
    free(hub->views->slots);
    free(hub->views);
    hub->views = NULL;
}

// GET /api/view?device=ID[&size=large]: the newest picture as image/jpeg.
static void handle_view(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, false))
        return;
    char id[24], size[16] = "";
    char *end = NULL;
    long long device = hub_query_var(c, "device", id, sizeof id) ? strtoll(id, &end, 10) : 0;
    if (device <= 0 || !end || *end) {
        hub_send_error(c, 400, "device: a headset id is expected");
        return;
    }
    hub_query_var(c, "size", size, sizeof size);
    // The panel asks before the first picture came, or just after the views
    // were turned off: "nothing to show" is 204 for it (a browser logs every
    // 404 as an error), 404 for scripts.
    char from[8] = "";
    bool panel = hub_query_var(c, "from", from, sizeof from) && strcmp(from, "panel") == 0;
    bool large = strcmp(size, "large") == 0;
    hub_view_load(hub);
    int64_t now = hub_mono_ns();
    pthread_mutex_lock(&hub->mu);
    bool enabled = hub->views && hub->views->enabled;
    bool known = hub_roster_find(hub, device) != NULL;
    hub_view_slot *s = enabled && known ? hub_view_slot_of(hub, device, true) : NULL;
    bool start = false;
    unsigned char *copy = NULL;
    size_t len = 0;
    char headers[384] = "";
    if (s) {
        start = hub_view_mark_watched(hub->views, s, large, now);
        if (s->jpeg && (copy = malloc(s->len))) {
            memcpy(copy, s->jpeg, s->len);
            len = s->len;
            int n = snprintf(headers, sizeof headers,
                             "Cache-Control: no-store\r\nX-Stoa-Seq: %llu\r\nX-Stoa-Drawn: %lld\r\n"
                             "X-Stoa-Size: %ux%u\r\nX-Stoa-Stages: %lld,%lld,%lld,%lld\r\n",
                             (unsigned long long)s->seq, (long long)s->drawn_ms, s->w, s->h,
                             (long long)s->rec_ms, (long long)s->ready_ms, (long long)s->enc_ms, (long long)s->hub_ms);
            if (s->has_gaze)
                n += snprintf(headers + n, sizeof headers - (size_t)n, "X-Stoa-Gaze: %.4f,%.4f\r\n", s->gaze[0], s->gaze[1]);
            // When the next picture should be here (ms from now): the panel
            // asks then rather than on its own beat (docs/hub.md, "latency").
            if (s->interval_ns > 0 && n < (int)sizeof headers) {
                double next = (s->interval_ns - (double)(now - s->received_ns)) / 1e6;
                snprintf(headers + n, sizeof headers - (size_t)n, "X-Stoa-Next: %d\r\n",
                         next < 0 ? 0 : next > 10000 ? 10000 : (int)next);
            }
        }
    }
    pthread_mutex_unlock(&hub->mu);
    if (start)
        hub_view_apply(hub); // tell the headset now, not at the next tick
    if (!known)
        hub_send_error(c, 404, "no such headset");
    else if (!copy && panel) // no picture yet, or views just turned off: the panel polls on
        hub_send_text(c, 204, "text/plain", "", 0, "Cache-Control: no-store\r\n");
    else if (!enabled)
        hub_send_error(c, 404, "live views are turned off");
    else if (!copy)
        hub_send_error(c, 404, "no picture of this headset yet");
    else
        hub_send_text(c, 200, "image/jpeg", (const char *)copy, len, headers);
    free(copy);
}

// GET /api/views: the switch, the budget, what flows. POST {"enabled","budget"}.
static void handle_views(stoa_hub *hub, hub_req *c)
{
    bool post = strcmp(hub_method(c), "POST") == 0;
    if (!hub_require_instructor(hub, c, post))
        return;
    hub_view_load(hub);
    if (post) {
        cJSON *body = hub_read_json(c, HUB_MAX_SMALL_BODY);
        if (!body)
            return;
        const cJSON *en = cJSON_GetObjectItemCaseSensitive(body, "enabled");
        const cJSON *bu = cJSON_GetObjectItemCaseSensitive(body, "budget");
        if ((en && !cJSON_IsBool(en)) || (bu && !(cJSON_IsNumber(bu) && bu->valuedouble >= 10000 &&
                                                   bu->valuedouble <= 1e9))) {
            cJSON_Delete(body);
            hub_send_error(c, 422, "enabled: true or false; budget: bytes a second, 10000 to 1e9");
            return;
        }
        pthread_mutex_lock(&hub->mu);
        if (hub->views && en)
            hub->views->enabled = cJSON_IsTrue(en);
        if (hub->views && bu)
            hub->views->budget = bu->valuedouble;
        if (hub->views && en && !cJSON_IsTrue(en))
            for (int i = 0; i < hub->views->n; i++) { // nothing is kept while views are off
                free(hub->views->slots[i].jpeg);
                hub->views->slots[i].jpeg = NULL;
                hub->views->slots[i].thumb_until_ns = hub->views->slots[i].large_until_ns = 0;
            }
        pthread_mutex_unlock(&hub->mu);
        if (en)
            hub_db_set_setting(hub, "views_enabled", cJSON_IsTrue(en) ? "1" : "0");
        if (bu) {
            char b[32];
            snprintf(b, sizeof b, "%.0f", bu->valuedouble);
            hub_db_set_setting(hub, "views_budget", b);
        }
        cJSON_Delete(body);
        hub_view_apply(hub);
    }
    cJSON *o = cJSON_CreateObject();
    int64_t now = hub_mono_ns();
    pthread_mutex_lock(&hub->mu);
    hub_views *v = hub->views;
    cJSON_AddBoolToObject(o, "enabled", v && v->enabled);
    cJSON_AddNumberToObject(o, "budget", v ? v->budget : VIEW_BUDGET_DEFAULT);
    cJSON_AddNumberToObject(o, "bytes_per_s", v ? round(v->rate) : 0);
    cJSON_AddNumberToObject(o, "bytes_total", v ? (double)v->wire_total : 0);
    cJSON_AddNumberToObject(o, "pushed_total", v ? (double)v->pushed_total : 0); // out to panels (/ws/panel)
    cJSON *arr = cJSON_AddArrayToObject(o, "headsets");
    for (int i = 0; v && i < v->n; i++) {
        hub_view_slot *s = &v->slots[i];
        if (!s->told_on)
            continue;
        cJSON *h = cJSON_CreateObject();
        cJSON_AddNumberToObject(h, "id", (double)s->device);
        cJSON_AddNumberToObject(h, "width", s->told_width);
        cJSON_AddNumberToObject(h, "fps", s->told_fps);
        cJSON_AddBoolToObject(h, "large", s->large_until_ns > now);
        cJSON_AddItemToArray(arr, h);
    }
    pthread_mutex_unlock(&hub->mu);
    hub_send_json(c, 200, o, NULL);
    cJSON_Delete(o);
}

bool hub_view_route(stoa_hub *hub, hub_req *c, const char *path)
{
    if (strcmp(path, "view") == 0) {
        if (strcmp(hub_method(c), "GET") != 0)
            hub_send_error(c, 405, "method not allowed");
        else
            handle_view(hub, c);
        return true;
    }
    if (strcmp(path, "views") == 0) {
        if (strcmp(hub_method(c), "GET") != 0 && strcmp(hub_method(c), "POST") != 0)
            hub_send_error(c, 405, "method not allowed");
        else
            handle_views(hub, c);
        return true;
    }
    return false;
}
