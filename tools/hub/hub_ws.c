// SPDX-License-Identifier: Apache-2.0
// The headsets' WebSocket (/ws/headset). Protocol (JSON text messages,
// docs/hub.md): the headset's first message is
//   {"t":"hello","token":"<device token>"}  -> {"t":"welcome","device_id":N,"name":...}
// within 10 s of the upgrade, then {"t":"status",...} and
// {"t":"st","items":[statement...]} -> {"t":"ack","ids":[...],"rejected":[{"id","why"}]};
// the hub sends {"t":"cmd",...}. Anything else, an oversized or fragmented
// message, or a bad token closes that one connection; the others are untouched.
//
// The server (hub_server.c) hands over one message at a time per connection,
// tagged with the device id once the hello was accepted, and never lets a
// send wait: a headset that stops reading is closed, the others go on.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"
#include "hub_xapi.h"

#define HUB_MAX_BATCH 512 // statements in one "st" message

static void ws_send_text(stoa_hub *hub, uint64_t conn, const char *text)
{
    hub_server_ws_send(hub->srv, conn, 1, text, strlen(text));
}

static void ws_send_json(stoa_hub *hub, uint64_t conn, cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    if (s)
        ws_send_text(hub, conn, s);
    free(s);
}

// Says why, then closes with the given WebSocket status code.
static void ws_refuse(stoa_hub *hub, uint64_t conn, const char *code, int close_code)
{
    char msg[160];
    snprintf(msg, sizeof msg, "{\"t\":\"error\",\"code\":\"%s\"}", code);
    ws_send_text(hub, conn, msg);
    hub_server_ws_close(hub->srv, conn, close_code);
}

void hub_ws_open(stoa_hub *hub, hub_req *c)
{
    if (strcmp(hub_method(c), "GET") != 0 || !hub_server_ws_accept(c, NULL))
        hub_send_error(c, 400, "a WebSocket upgrade is expected here");
    (void)hub;
}

static void on_hello(stoa_hub *hub, uint64_t conn, const cJSON *msg)
{
    const char *token = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "token"));
    char h[65];
    hub_device_row row = {0};
    bool found = false;
    if (token && strlen(token) == 64) {
        hub_sha256_hex(token, 64, h);
        found = hub_db_find_device(hub, h, &row);
    }
    if (!found) {
        ws_refuse(hub, conn, "bad_token", 1008);
        return;
    }
    hub_db_device_used(hub, row.id);
    if (!row.admitted) { // the teacher admits it in the panel; it tries again meanwhile
        pthread_mutex_lock(&hub->mu);
        hub_pending_note(hub, row.id, row.name, "");
        pthread_mutex_unlock(&hub->mu);
        ws_refuse(hub, conn, "waiting_for_teacher", 1008);
        return;
    }
    pthread_mutex_lock(&hub->mu);
    hub_device *d = hub_roster_get(hub, row.id, row.name);
    uint64_t old = 0;
    if (d) {
        old = d->conn != conn ? d->conn : 0;
        d->conn = conn; // a reconnect replaces a connection that has not closed yet
        d->status_ns = 0;
        d->heard_ns = hub_mono_ns();
        d->stored_total = row.stored_total;
        d->last_seen_ns = hub_mono_ns();
    }
    pthread_mutex_unlock(&hub->mu);
    if (!d) { // every place is held by a connected headset
        ws_refuse(hub, conn, "roster_full", 1013);
        return;
    }
    if (old)
        hub_server_ws_close(hub->srv, old, 1000);
    hub_server_ws_set_tag(hub->srv, conn, row.id);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "t", "welcome");
    cJSON_AddNumberToObject(o, "device_id", (double)row.id);
    cJSON_AddStringToObject(o, "name", row.name);
    ws_send_json(hub, conn, o);
    cJSON_Delete(o);
    // A headset that comes back finds its class and its learner as it left
    // them (nothing is said when the hub has no class or no learner on it,
    // so a headset of before issue 11 hears what it always heard).
    char *current = hub_db_get_setting(hub, "class_current"), learner[40];
    if (current)
        hub_ws_send_class(hub, row.id);
    free(current);
    if (hub_class_signed_in(hub, row.id, learner))
        hub_ws_send_signin(hub, row.id);
}

void hub_ws_take_statements(stoa_hub *hub, int64_t device_id, const cJSON *items, cJSON *acks,
                            cJSON *rejected)
{
    size_t n = 0, cap = (size_t)cJSON_GetArraySize(items);
    hub_prepared *p = calloc(cap ? cap : 1, sizeof *p);
    hub_store_result *res = calloc(cap ? cap : 1, sizeof *res);
    const char **why = calloc(cap ? cap : 1, sizeof *why);
    cJSON **parsed = calloc(cap ? cap : 1, sizeof *parsed);
    cJSON *authority = NULL;
    int64_t quota;
    pthread_mutex_lock(&hub->mu);
    quota = hub->device_quota;
    pthread_mutex_unlock(&hub->mu);
    if (!p || !res || !why || !parsed)
        goto out;
    const cJSON *it;
    authority = hub_xapi_authority(hub, device_id);
    cJSON_ArrayForEach(it, items) {
        char reason[300];
        cJSON *st = cJSON_Duplicate(it, 1);
        const char *given = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "id"));
        if (!st || !hub_statement_prepare(st, false, authority, &p[n], reason, sizeof reason)) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "id", given && hub_is_uuid(given) ? given : "");
            cJSON_AddStringToObject(r, "why", st ? reason : "out of memory");
            cJSON_AddItemToArray(rejected, r);
            cJSON_Delete(st);
            continue;
        }
        parsed[n++] = st;
    }
    if (n && hub_db_store(hub, n, p, device_id, quota, false, res, why)) {
        int64_t stored = 0;
        for (size_t i = 0; i < n; i++) {
            if (res[i] == HUB_STORED) {
                hub_roster_statement(hub, device_id, parsed[i]);
                stored++;
            }
            if (res[i] == HUB_CONFLICT || res[i] == HUB_REFUSED) { // kept in the headset's log
                cJSON *r = cJSON_CreateObject();
                cJSON_AddStringToObject(r, "id", p[i].id);
                cJSON_AddStringToObject(r, "why", res[i] == HUB_CONFLICT ? "conflict: another statement has this id"
                                                                          : why[i]);
                cJSON_AddItemToArray(rejected, r);
            } else {
                cJSON_AddItemToArray(acks, cJSON_CreateString(p[i].id));
            }
        }
        pthread_mutex_lock(&hub->mu);
        hub_device *d = hub_roster_find(hub, device_id);
        if (d)
            d->stored_total += stored;
        pthread_mutex_unlock(&hub->mu);
    } // a failed store acknowledges nothing: the headset sends again
out:
    for (size_t i = 0; i < n; i++) {
        hub_prepared_free(&p[i]);
        cJSON_Delete(parsed[i]);
    }
    cJSON_Delete(authority);
    free(p), free(res), free(why), free(parsed);
}

static void on_statements(stoa_hub *hub, uint64_t conn, int64_t device_id, const cJSON *msg)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(msg, "items");
    if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) > HUB_MAX_BATCH) {
        ws_refuse(hub, conn, "bad_batch", 1003);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "t", "ack");
    cJSON *acks = cJSON_AddArrayToObject(o, "ids");
    cJSON *rejected = cJSON_AddArrayToObject(o, "rejected");
    hub_ws_take_statements(hub, device_id, items, acks, rejected);
    ws_send_json(hub, conn, o);
    cJSON_Delete(o);
}

// A status may only point at this headset's own runs: a registration it was
// given or is the first to use, a launch of its own.
// A status may only point at this headset's own runs: a registration it was
// given or is the first to use, a launch of its own. Status messages come
// four times a second: the database is asked once per new registration or
// launch, not per message.
static void on_status(stoa_hub *hub, uint64_t conn, int64_t device_id, cJSON *msg)
{
    (void)conn;
    const char *proposed = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "launched_as"));
    const char *used = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "registration"));
    bool new_reg = false, new_launch = false;
    pthread_mutex_lock(&hub->mu);
    hub_device *d = hub_roster_find(hub, device_id);
    if (d && hub_is_uuid(used))
        new_reg = strcmp(d->claimed, used) != 0;
    if (d && hub_is_uuid(proposed) && hub_is_uuid(used) && strcmp(proposed, used) != 0) {
        char key[80];
        snprintf(key, sizeof key, "%.36s", proposed);
        new_launch = strcmp(d->rebound, key) != 0;
    }
    pthread_mutex_unlock(&hub->mu);
    bool mine = !new_reg || hub_db_claim_registration(hub, device_id, used);
    if (hub_is_uuid(used) && !mine) {
        cJSON_DeleteItemFromObjectCaseSensitive(msg, "registration"); // another headset's: ignored
        used = NULL;
        new_launch = false;
    }
    if (new_launch)
        hub_db_rebind_run(hub, device_id, proposed, used);
    pthread_mutex_lock(&hub->mu);
    d = hub_roster_find(hub, device_id);
    if (d && new_reg && mine)
        snprintf(d->claimed, sizeof d->claimed, "%s", used);
    if (d && new_launch)
        snprintf(d->rebound, sizeof d->rebound, "%.36s", proposed);
    pthread_mutex_unlock(&hub->mu);
    hub_roster_status(hub, device_id, msg);
}

void hub_ws_on_message(void *user, uint64_t conn, int64_t tag, int opcode, bool fin, char *data, size_t len)
{
    stoa_hub *hub = user;
    if (tag < 0) { // a panel's (hub_view_push.c)
        hub_view_panel_message(hub, conn, opcode, fin, data, len);
        return;
    }
    if (opcode != 1 || !fin) {
        ws_refuse(hub, conn, "text_messages_only", 1003);
        return;
    }
    if (tag > 0 && !hub_db_device_exists(hub, tag)) { // revoked meanwhile
        ws_refuse(hub, conn, "bad_token", 1008);
        return;
    }
    if (tag > 0) { // it is there: its network thread pings while a long frame (a scene loading) holds its status
        pthread_mutex_lock(&hub->mu);
        hub_device *d = hub_roster_find(hub, tag);
        if (d && d->conn == conn)
            d->heard_ns = hub_mono_ns();
        pthread_mutex_unlock(&hub->mu);
    }
    cJSON *msg = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_json_parse(data, len, HUB_JSON_POLICY(HUB_MAX_WS_MESSAGE), &msg, &err);
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "t"));
    if (r == STOA_ERROR_LIMIT)
        ws_refuse(hub, conn, "too_large", 1009);
    else if (!t || !cJSON_IsObject(msg))
        ws_refuse(hub, conn, "malformed", 1003);
    else if (strcmp(t, "hello") == 0)
        tag ? ws_refuse(hub, conn, "hello_twice", 1008) : on_hello(hub, conn, msg);
    else if (!tag)
        ws_refuse(hub, conn, "hello_first", 1008);
    else if (strcmp(t, "status") == 0)
        on_status(hub, conn, tag, msg);
    else if (strcmp(t, "st") == 0)
        on_statements(hub, conn, tag, msg);
    else if (strcmp(t, "signin") == 0)
        hub_ws_on_signin(hub, conn, tag, msg);
    else if (strcmp(t, "signout") == 0)
        hub_ws_on_signout(hub, tag);
    else if (strcmp(t, "view") == 0)
        hub_view_on_message(hub, tag, msg, len);
    else if (strcmp(t, "ping") == 0)
        ws_send_text(hub, conn, "{\"t\":\"pong\"}");
    else
        ws_refuse(hub, conn, "unknown_message", 1003);
    cJSON_Delete(msg);
}

void hub_ws_on_close(void *user, uint64_t conn, int64_t tag)
{
    stoa_hub *hub = user;
    if (tag > 0)
        hub_view_forget(hub, tag);
    else
        hub_view_panel_close(hub, conn);
    pthread_mutex_lock(&hub->mu);
    for (int i = 0; i < hub->device_count; i++)
        if (hub->devices[i].conn == conn) {
            hub->devices[i].conn = 0;
            hub->devices[i].last_seen_ns = hub_mono_ns();
        }
    pthread_mutex_unlock(&hub->mu);
}

int hub_ws_send_command(stoa_hub *hub, const int64_t *ids, size_t n, const char *json)
{
    // The connections are collected under the lock and written to after it:
    // a send only queues, but the roster's lock is not held meanwhile.
    pthread_mutex_lock(&hub->mu);
    uint64_t *conns = calloc((size_t)hub->device_count + 1, sizeof *conns);
    size_t k = 0;
    for (int i = 0; conns && i < hub->device_count; i++) {
        hub_device *d = &hub->devices[i];
        bool hit = n == 0;
        for (size_t j = 0; j < n && !hit; j++)
            hit = ids[j] == d->id;
        if (hit && d->conn)
            conns[k++] = d->conn;
    }
    pthread_mutex_unlock(&hub->mu);
    int sent = 0;
    for (size_t i = 0; i < k; i++)
        sent += hub_server_ws_send(hub->srv, conns[i], 1, json, strlen(json));
    free(conns);
    return sent;
}
