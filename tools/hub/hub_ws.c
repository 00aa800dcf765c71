// SPDX-License-Identifier: Apache-2.0
// The headsets' WebSocket (/ws/headset). Protocol (JSON text messages,
// docs/hub.md): the headset's first message is
//   {"t":"hello","token":"<device token>"}  -> {"t":"welcome","device_id":N,"name":...}
// then {"t":"status",...} and {"t":"st","items":[statement...]} ->
// {"t":"ack","ids":[...],"rejected":[{"id","why"}]}; the hub sends
// {"t":"cmd",...}. Anything else, an oversized or fragmented message, or a
// bad token closes that one connection; the others are untouched.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"

#define HUB_MAX_BATCH 512 // statements in one "st" message

typedef struct ws_conn {
    int64_t device_id; // 0 until the hello was accepted
    pthread_mutex_t write_mu;
} ws_conn;

static void ws_send(struct mg_connection *c, ws_conn *wc, const char *text)
{
    pthread_mutex_lock(&wc->write_mu);
    mg_websocket_write(c, MG_WEBSOCKET_OPCODE_TEXT, text, strlen(text));
    pthread_mutex_unlock(&wc->write_mu);
}

static void ws_send_json(struct mg_connection *c, ws_conn *wc, cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    if (s)
        ws_send(c, wc, s);
    free(s);
}

// Says why, then closes with the given WebSocket status code.
static int ws_refuse(struct mg_connection *c, ws_conn *wc, const char *code, int close_code)
{
    char msg[160];
    snprintf(msg, sizeof msg, "{\"t\":\"error\",\"code\":\"%s\"}", code);
    ws_send(c, wc, msg);
    unsigned char payload[2] = {(unsigned char)(close_code >> 8), (unsigned char)close_code};
    pthread_mutex_lock(&wc->write_mu);
    mg_websocket_write(c, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE, (const char *)payload, 2);
    pthread_mutex_unlock(&wc->write_mu);
    return 0;
}

static int on_connect(const struct mg_connection *c, void *user)
{
    (void)user;
    ws_conn *wc = calloc(1, sizeof *wc);
    if (!wc)
        return 1;
    pthread_mutex_init(&wc->write_mu, NULL);
    mg_set_user_connection_data(c, wc);
    return 0;
}

static int on_hello(stoa_hub *hub, struct mg_connection *c, ws_conn *wc, const cJSON *msg)
{
    const char *token = cJSON_GetStringValue(cJSON_GetObjectItem(msg, "token"));
    char h[65], name[HUB_NAME_MAX + 1];
    int64_t id = 0;
    if (token && strlen(token) == 64) {
        hub_sha256_hex(token, 64, h);
        id = hub_db_find_device(hub, h, name);
    }
    if (id <= 0)
        return ws_refuse(c, wc, "bad_token", 1008);
    wc->device_id = id;
    pthread_mutex_lock(&hub->mu);
    hub_device *d = hub_roster_get(hub, id, name);
    if (d)
        d->conn = c; // a reconnect replaces a connection that has not closed yet
    pthread_mutex_unlock(&hub->mu);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "t", "welcome");
    cJSON_AddNumberToObject(o, "device_id", (double)id);
    cJSON_AddStringToObject(o, "name", name);
    ws_send_json(c, wc, o);
    cJSON_Delete(o);
    return 1;
}

void hub_ws_take_statements(stoa_hub *hub, int64_t device_id, const cJSON *items, cJSON *acks,
                            cJSON *rejected)
{
    size_t n = 0, cap = (size_t)cJSON_GetArraySize(items);
    hub_prepared *p = calloc(cap ? cap : 1, sizeof *p);
    const char **ids = calloc(cap ? cap : 1, sizeof *ids), **canon = calloc(cap ? cap : 1, sizeof *canon);
    const char **regs = calloc(cap ? cap : 1, sizeof *regs);
    hub_store_result *res = calloc(cap ? cap : 1, sizeof *res);
    cJSON **parsed = calloc(cap ? cap : 1, sizeof *parsed);
    if (!p || !ids || !canon || !regs || !res || !parsed)
        goto out;
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        char why[300];
        cJSON *st = cJSON_Duplicate(it, 1);
        const char *given = cJSON_GetStringValue(cJSON_GetObjectItem(it, "id"));
        if (!st || !hub_statement_prepare(st, false, &p[n], why, sizeof why)) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "id", given ? given : "");
            cJSON_AddStringToObject(r, "why", st ? why : "out of memory");
            cJSON_AddItemToArray(rejected, r);
            cJSON_Delete(st);
            continue;
        }
        parsed[n] = st;
        ids[n] = p[n].id;
        canon[n] = p[n].canon;
        regs[n] = p[n].registration[0] ? p[n].registration : NULL;
        n++;
    }
    if (n && hub_db_store(hub, n, ids, canon, regs, device_id, false, res)) {
        for (size_t i = 0; i < n; i++) {
            if (res[i] == HUB_STORED)
                hub_roster_statement(hub, device_id, parsed[i]);
            if (res[i] == HUB_CONFLICT) { // kept in the headset's log; the stored one stays
                cJSON *r = cJSON_CreateObject();
                cJSON_AddStringToObject(r, "id", ids[i]);
                cJSON_AddStringToObject(r, "why", "conflict: another statement has this id");
                cJSON_AddItemToArray(rejected, r);
            } else {
                cJSON_AddItemToArray(acks, cJSON_CreateString(ids[i]));
            }
        }
    } // a failed store acknowledges nothing: the headset sends again
out:
    for (size_t i = 0; i < n; i++) {
        free(p[i].canon);
        cJSON_Delete(parsed[i]);
    }
    free(p), free(ids), free(canon), free(regs), free(res), free(parsed);
}

static int on_statements(stoa_hub *hub, struct mg_connection *c, ws_conn *wc, const cJSON *msg)
{
    const cJSON *items = cJSON_GetObjectItem(msg, "items");
    if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) > HUB_MAX_BATCH)
        return ws_refuse(c, wc, "bad_batch", 1003);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "t", "ack");
    cJSON *acks = cJSON_AddArrayToObject(o, "ids");
    cJSON *rejected = cJSON_AddArrayToObject(o, "rejected");
    hub_ws_take_statements(hub, wc->device_id, items, acks, rejected);
    ws_send_json(c, wc, o);
    cJSON_Delete(o);
    return 1;
}

static int on_data(struct mg_connection *c, int bits, char *data, size_t len, void *user)
{
    stoa_hub *hub = user;
    ws_conn *wc = mg_get_user_connection_data(c);
    int op = bits & 0x0f;
    if (!wc)
        return 0;
    if (op == MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE)
        return 0;
    if (op == MG_WEBSOCKET_OPCODE_PING || op == MG_WEBSOCKET_OPCODE_PONG)
        return 1;
    if (len > HUB_MAX_WS_MESSAGE)
        return ws_refuse(c, wc, "too_large", 1009);
    if (op != MG_WEBSOCKET_OPCODE_TEXT || !(bits & 0x80))
        return ws_refuse(c, wc, "text_messages_only", 1003);
    cJSON *msg = cJSON_ParseWithLength(data, len);
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(msg, "t"));
    int keep;
    if (!t)
        keep = ws_refuse(c, wc, "malformed", 1003);
    else if (strcmp(t, "hello") == 0)
        keep = wc->device_id ? ws_refuse(c, wc, "hello_twice", 1008) : on_hello(hub, c, wc, msg);
    else if (!wc->device_id)
        keep = ws_refuse(c, wc, "hello_first", 1008);
    else if (strcmp(t, "status") == 0)
        hub_roster_status(hub, wc->device_id, msg), keep = 1;
    else if (strcmp(t, "st") == 0)
        keep = on_statements(hub, c, wc, msg);
    else if (strcmp(t, "ping") == 0)
        ws_send(c, wc, "{\"t\":\"pong\"}"), keep = 1;
    else
        keep = ws_refuse(c, wc, "unknown_message", 1003);
    cJSON_Delete(msg);
    return keep;
}

static void on_close(const struct mg_connection *c, void *user)
{
    stoa_hub *hub = user;
    ws_conn *wc = mg_get_user_connection_data(c);
    pthread_mutex_lock(&hub->mu);
    for (int i = 0; i < hub->device_count; i++)
        if (hub->devices[i].conn == c)
            hub->devices[i].conn = NULL;
    pthread_mutex_unlock(&hub->mu);
    if (!wc)
        return;
    // Nobody else can reach this connection now (commands go through mu):
    // wait for a write in progress, then free.
    pthread_mutex_lock(&wc->write_mu);
    pthread_mutex_unlock(&wc->write_mu);
    pthread_mutex_destroy(&wc->write_mu);
    free(wc);
    mg_set_user_connection_data(c, NULL);
}

void hub_ws_register(stoa_hub *hub)
{
    mg_set_websocket_handler(hub->ctx, "/ws/headset$", on_connect, NULL, on_data, on_close, hub);
}

int hub_ws_send_command(stoa_hub *hub, const int64_t *ids, size_t n, const char *json)
{
    int sent = 0;
    pthread_mutex_lock(&hub->mu);
    for (int i = 0; i < hub->device_count; i++) {
        hub_device *d = &hub->devices[i];
        bool hit = n == 0;
        for (size_t k = 0; k < n && !hit; k++)
            hit = ids[k] == d->id;
        if (!hit || !d->conn)
            continue;
        ws_conn *wc = mg_get_user_connection_data(d->conn);
        if (wc && wc->device_id == d->id) {
            ws_send(d->conn, wc, json);
            sent++;
        }
    }
    pthread_mutex_unlock(&hub->mu);
    return sent;
}
