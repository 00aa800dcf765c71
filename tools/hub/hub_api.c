// SPDX-License-Identifier: Apache-2.0
// The panel's HTTP API (/api/...) and its static files. Every state-changing
// request needs the instructor's session and CSRF token (hub_auth.c).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"

#define HUB_MAX_TEXT 500 // broadcast messages, state and node names

static bool is(struct mg_connection *c, const char *method)
{
    return strcmp(hub_method(c), method) == 0;
}

static int panel_handler(struct mg_connection *c, void *user)
{
    stoa_hub *hub = user;
    const char *uri = mg_get_request_info(c)->local_uri;
    if (!is(c, "GET") && !is(c, "HEAD")) {
        hub_send_error(c, 405, "method not allowed");
        return 405;
    }
    if (strcmp(uri, "/") == 0)
        hub_serve_panel_file(hub, c, "index.html");
    else if (strncmp(uri, "/panel/", 7) == 0)
        hub_serve_panel_file(hub, c, uri + 7);
    else
        hub_send_error(c, 404, "not found");
    return 200;
}

static void handle_state(stoa_hub *hub, struct mg_connection *c)
{
    if (!hub_require_instructor(hub, c, false))
        return;
    cJSON *o = hub_roster_json(hub);
    cJSON_AddStringToObject(o, "join_code", hub->join_code);
    cJSON_AddStringToObject(o, "url", hub->url);
    cJSON_AddItemToObject(o, "runs", hub_db_list_runs(hub, 20));
    hub_send_json(c, 200, o, NULL);
    cJSON_Delete(o);
}

static void handle_lessons(stoa_hub *hub, struct mg_connection *c)
{
    if (!hub_require_instructor(hub, c, false))
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "lessons", hub_lessons_list(hub));
    hub_send_json(c, 200, o, NULL);
    cJSON_Delete(o);
}

// Connected devices among the requested ones (none requested = all).
static size_t pick_targets(stoa_hub *hub, const cJSON *targets, int64_t *out, size_t cap)
{
    size_t n = 0;
    bool all = !cJSON_IsArray(targets) || cJSON_GetArraySize(targets) == 0;
    pthread_mutex_lock(&hub->mu);
    for (int i = 0; i < hub->device_count && n < cap; i++) {
        const hub_device *d = &hub->devices[i];
        bool hit = all;
        const cJSON *t;
        cJSON_ArrayForEach(t, targets) hit = hit || (cJSON_IsNumber(t) && t->valuedouble == (double)d->id);
        if (hit && d->conn)
            out[n++] = d->id;
    }
    pthread_mutex_unlock(&hub->mu);
    return n;
}

static int launch(stoa_hub *hub, struct mg_connection *c, const char *file, const int64_t *ids,
                  size_t n, char run[37])
{
    char *text = NULL, sha[65], lesson_id[128];
    size_t len;
    stoa_error err = {0};
    if (!file || hub_lesson_read(hub, file, &text, &len, sha, lesson_id, &err) != STOA_OK) {
        hub_send_error(c, file && err.code == STOA_ERROR_UNSAFE_PATH ? 400 : 404,
                       file ? err.message : "which lesson?");
        return -1;
    }
    free(text);
    hub_uuid(run);
    hub_roster_new_run(hub);
    int sent = 0;
    for (size_t i = 0; i < n; i++) {
        char reg[37];
        hub_uuid(reg);
        if (!hub_db_add_run(hub, run, lesson_id, ids[i], reg))
            continue;
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "t", "cmd");
        cJSON_AddStringToObject(m, "cmd", "launch");
        cJSON_AddStringToObject(m, "lesson", file);
        cJSON_AddStringToObject(m, "lesson_id", lesson_id);
        cJSON_AddStringToObject(m, "sha256", sha);
        cJSON_AddStringToObject(m, "registration", reg);
        cJSON_AddStringToObject(m, "run", run);
        char *s = cJSON_PrintUnformatted(m);
        if (s)
            sent += hub_ws_send_command(hub, &ids[i], 1, s);
        free(s);
        cJSON_Delete(m);
    }
    return sent;
}

static const char *const k_commands[] = {"launch", "pause", "resume", "skip", "goto",
                                         "restart", "end", "look_here", "message"};

static void handle_command(stoa_hub *hub, struct mg_connection *c)
{
    if (!hub_require_instructor(hub, c, true))
        return;
    size_t len;
    char *body = hub_read_body(c, 16384, &len);
    if (!body)
        return;
    cJSON *j = cJSON_ParseWithLength(body, len);
    free(body);
    const char *cmd = cJSON_GetStringValue(cJSON_GetObjectItem(j, "cmd"));
    bool known = false;
    for (size_t i = 0; cmd && i < sizeof k_commands / sizeof *k_commands; i++)
        known = known || strcmp(cmd, k_commands[i]) == 0;
    if (!known) {
        cJSON_Delete(j);
        hub_send_error(c, 400, "unknown command");
        return;
    }
    const char *fields[] = {"state", "node", "text"};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *v = cJSON_GetObjectItem(j, fields[i]);
        if (v && (!cJSON_IsString(v) || strlen(v->valuestring) > HUB_MAX_TEXT)) {
            cJSON_Delete(j);
            hub_send_error(c, 400, "state, node and text must be strings of at most 500 bytes");
            return;
        }
    }
    int64_t ids[HUB_MAX_DEVICES];
    size_t n = pick_targets(hub, cJSON_GetObjectItem(j, "targets"), ids, HUB_MAX_DEVICES);
    int sent = 0;
    char run[37] = "";
    if (strcmp(cmd, "launch") == 0) {
        sent = launch(hub, c, cJSON_GetStringValue(cJSON_GetObjectItem(j, "lesson")), ids, n, run);
    } else {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "t", "cmd");
        cJSON_AddStringToObject(m, "cmd", cmd);
        for (size_t i = 0; i < 3; i++) {
            const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(j, fields[i]));
            if (v)
                cJSON_AddStringToObject(m, fields[i], v);
        }
        char *s = cJSON_PrintUnformatted(m);
        if (s && n)
            sent = hub_ws_send_command(hub, ids, n, s);
        free(s);
        cJSON_Delete(m);
        if (strcmp(cmd, "pause") == 0 || strcmp(cmd, "resume") == 0)
            hub_roster_set_paused(hub, ids, n, strcmp(cmd, "pause") == 0);
    }
    cJSON_Delete(j);
    if (sent < 0)
        return; // launch answered already
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "sent", sent);
    if (run[0])
        cJSON_AddStringToObject(o, "run", run);
    hub_send_json(c, 200, o, NULL);
    cJSON_Delete(o);
}

static void handle_report(stoa_hub *hub, struct mg_connection *c)
{
    if (!hub_require_instructor(hub, c, false))
        return;
    char run[64] = "", path[1400];
    stoa_error err = {0};
    if (!hub_query_var(c, "run", run, sizeof run) || !hub_is_uuid(run)) {
        hub_send_error(c, 400, "run: expected a run id");
        return;
    }
    if (hub_report_make(hub, run, path, sizeof path, &err) != STOA_OK) {
        hub_send_error(c, err.code == STOA_ERROR_NOT_FOUND ? 404 : 500, err.message);
        return;
    }
    // The report is one self-contained page with its own <style>: no script at all.
    hub_serve_file(c, path, "text/html; charset=utf-8",
                   "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:\r\n");
}

static void handle_headset_lesson(stoa_hub *hub, struct mg_connection *c)
{
    if (hub_device_from_bearer(hub, c) <= 0) {
        hub_send_error(c, 401, "device token required");
        return;
    }
    char name[256] = "", sha[65], id[128], *text = NULL;
    size_t len;
    stoa_error err = {0};
    if (!hub_query_var(c, "name", name, sizeof name)) {
        hub_send_error(c, 400, "name: missing");
        return;
    }
    stoa_result r = hub_lesson_read(hub, name, &text, &len, sha, id, &err);
    if (r != STOA_OK) {
        hub_send_error(c, r == STOA_ERROR_UNSAFE_PATH ? 400 : 404, err.message);
        return;
    }
    char headers[128];
    snprintf(headers, sizeof headers, "X-Stoa-SHA256: %s\r\n", sha);
    hub_send_text(c, 200, "application/yaml; charset=utf-8", text, len, headers);
    free(text);
}

static int api_handler(struct mg_connection *c, void *user)
{
    stoa_hub *hub = user;
    const char *uri = mg_get_request_info(c)->local_uri;
    const char *p = uri + 5; // after "/api/"
    struct {
        const char *path, *method;
        void (*fn)(stoa_hub *, struct mg_connection *);
    } routes[] = {
        {"login", "POST", hub_handle_login},     {"logout", "POST", hub_handle_logout},
        {"session", "GET", hub_handle_session},  {"join", "POST", hub_handle_join},
        {"state", "GET", handle_state},          {"lessons", "GET", handle_lessons},
        {"command", "POST", handle_command},     {"report", "GET", handle_report},
        {"headset/lesson", "GET", handle_headset_lesson},
        {"evaluation", "GET", hub_handle_evaluation},
    };
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        if (strcmp(p, routes[i].path) != 0)
            continue;
        if (!is(c, routes[i].method))
            hub_send_error(c, 405, "method not allowed");
        else
            routes[i].fn(hub, c);
        return 200;
    }
    hub_send_error(c, 404, "no such API");
    return 404;
}

void hub_api_register(stoa_hub *hub)
{
    mg_set_request_handler(hub->ctx, "/api/", api_handler, hub);
    mg_set_request_handler(hub->ctx, "/$", panel_handler, hub);
    mg_set_request_handler(hub->ctx, "/panel/", panel_handler, hub);
    hub_eval_register(hub);
}
