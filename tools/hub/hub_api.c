// SPDX-License-Identifier: Apache-2.0
// The panel's HTTP API (/api/...) and its static files. Every state-changing
// request needs the instructor's session and CSRF token (hub_auth.c).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"

#define HUB_MAX_TEXT 500 // broadcast messages, state and node names

static void handle_state(stoa_hub *hub, hub_req *c)
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

static void handle_lessons(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, false))
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "lessons", hub_lessons_list(hub));
    hub_send_json(c, 200, o, NULL);
    cJSON_Delete(o);
}

// Connected devices among the requested ones (none requested = all). A
// quitting headset says so (status phase "leaving") while its socket stays
// open to flush its log; it is no target, so "Sent to N" counts only
// headsets that are there. A headset that sent nothing for long, not even
// the ping its network thread sends every 5 s (an older one that does not
// say "leaving", still flushing), is no target either; a slow one (a loaded
// machine, a scene loading: its frames, and so its status, stop for tens of
// seconds while its pings go on) still is.
static size_t pick_targets(stoa_hub *hub, const cJSON *targets, int64_t *out, size_t cap)
{
    size_t n = 0;
    bool all = !cJSON_IsArray(targets) || cJSON_GetArraySize(targets) == 0;
    int64_t now = hub_mono_ns();
    pthread_mutex_lock(&hub->mu);
    for (int i = 0; i < hub->device_count && n < cap; i++) {
        const hub_device *d = &hub->devices[i];
        bool hit = all;
        const cJSON *t;
        cJSON_ArrayForEach(t, targets) hit = hit || (cJSON_IsNumber(t) && t->valuedouble == (double)d->id);
        bool live = d->conn && strcmp(d->phase, "leaving") != 0 &&
                    (!d->status_ns || now - d->heard_ns < hub->silent_ns);
        if (hit && live)
            out[n++] = d->id;
    }
    pthread_mutex_unlock(&hub->mu);
    return n;
}

static int launch(stoa_hub *hub, hub_req *c, const char *file, const int64_t *ids,
                  size_t n, char run[37])
{
    char *text = NULL, sha[65], lesson_id[128];
    size_t len;
    stoa_error err = {0};
    if (!file || hub_lesson_read(hub, file, &text, &len, sha, lesson_id, &err) != STOA_OK) {
        hub_send_error(c, !file ? 400 : err.code == STOA_ERROR_UNSAFE_PATH ? 400 : err.code == STOA_ERROR_NOT_FOUND ? 404 : 422,
                       file ? err.message : "which lesson?");
        return -1;
    }
    free(text);
    // A lesson that names files outside its folder (the sample library's
    // "../agora.glb") goes without "files", as an older hub sends it (an
    // older headset keeps it beside the lesson it started with), and with
    // "layout": its files relative to its content root (hub_content.c).
    cJSON *files = NULL, *layout = NULL;
    hub_lesson_content(hub, file, &files, &layout);
    cJSON *bakes = files || layout ? hub_lesson_bakes(hub, file, layout != NULL) : NULL;
    hub_uuid(run);
    hub_roster_new_run(hub);
    int sent = 0;
    for (size_t i = 0; i < n; i++) {
        char reg[37], learner[40];
        hub_uuid(reg);
        hub_class_signed_in(hub, ids[i], learner);
        if (!hub_db_add_run(hub, run, lesson_id, ids[i], reg, learner))
            continue;
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "t", "cmd");
        cJSON_AddStringToObject(m, "cmd", "launch");
        cJSON_AddStringToObject(m, "lesson", file);
        cJSON_AddStringToObject(m, "lesson_id", lesson_id);
        cJSON_AddStringToObject(m, "sha256", sha);
        cJSON_AddStringToObject(m, "registration", reg);
        cJSON_AddStringToObject(m, "run", run);
        if (learner[0])
            cJSON_AddStringToObject(m, "learner_id", learner);
        if (files)
            cJSON_AddItemToObject(m, "files", cJSON_Duplicate(files, 1));
        if (layout)
            cJSON_AddItemToObject(m, "layout", cJSON_Duplicate(layout, 1));
        if (bakes)
            cJSON_AddItemToObject(m, "bakes", cJSON_Duplicate(bakes, 1));
        char *s = cJSON_PrintUnformatted(m);
        if (s)
            sent += hub_ws_send_command(hub, &ids[i], 1, s);
        free(s);
        cJSON_Delete(m);
    }
    cJSON_Delete(files);
    cJSON_Delete(layout);
    cJSON_Delete(bakes);
    return sent;
}

static const char *const k_commands[] = {"launch", "pause", "resume", "skip", "goto",
                                         "restart", "end", "look_here", "message",
                                         "place_together"};

static void handle_command(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, true))
        return;
    cJSON *j = hub_read_json(c, HUB_MAX_COMMAND_BODY);
    if (!j)
        return;
    const char *cmd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "cmd"));
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
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, fields[i]);
        if (v && (!cJSON_IsString(v) || strlen(v->valuestring) > HUB_MAX_TEXT)) {
            cJSON_Delete(j);
            hub_send_error(c, 400, "state, node and text must be strings of at most 500 bytes");
            return;
        }
    }
    size_t cap = (size_t)hub->max_headsets;
    int64_t *ids = calloc(cap, sizeof *ids);
    if (!ids) {
        cJSON_Delete(j);
        hub_send_error(c, 503, "out of memory");
        return;
    }
    size_t n = pick_targets(hub, cJSON_GetObjectItemCaseSensitive(j, "targets"), ids, cap);
    int sent = 0;
    char run[37] = "";
    if (strcmp(cmd, "launch") == 0) {
        sent = launch(hub, c, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "lesson")), ids, n, run);
    } else {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "t", "cmd");
        cJSON_AddStringToObject(m, "cmd", cmd);
        for (size_t i = 0; i < 3; i++) {
            const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, fields[i]));
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
    free(ids);
    if (sent < 0)
        return; // launch answered already
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "sent", sent);
    if (run[0])
        cJSON_AddStringToObject(o, "run", run);
    hub_send_json(c, 200, o, NULL);
    cJSON_Delete(o);
}

static void handle_report(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, false))
        return;
    char run[64] = "", path[1400];
    stoa_error err = {0};
    if (!hub_query_var(c, "run", run, sizeof run) || !hub_is_uuid(run)) {
        hub_send_error(c, 400, "run: expected a run id");
        return;
    }
    char lang[16] = "en";
    hub_query_var(c, "lang", lang, sizeof lang);
    if (hub_report_make(hub, run, lang, path, sizeof path, &err) != STOA_OK) {
        // The panel opens this link in a tab: a page a teacher can read, not JSON.
        hub_report_problem_page(c, err.code == STOA_ERROR_NOT_FOUND ? 404 : err.code == STOA_TIMEOUT ? 503 : 500,
                                err.code == STOA_ERROR_NOT_FOUND ? HUB_PROBLEM_NO_RECORDS : HUB_PROBLEM_FAILED, lang,
                                err.message);
        return;
    }
    // The report is one self-contained page with its own <style>: no script at all.
    hub_serve_file(c, path, "text/html; charset=utf-8",
                   "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:\r\n");
}

static void handle_headset_lesson(stoa_hub *hub, hub_req *c)
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
        hub_send_error(c, r == STOA_ERROR_UNSAFE_PATH ? 400 : r == STOA_ERROR_NOT_FOUND ? 404 : 422, err.message);
        return;
    }
    char headers[128];
    snprintf(headers, sizeof headers, "X-Stoa-SHA256: %s\r\n", sha);
    hub_send_text(c, 200, "application/yaml; charset=utf-8", text, len, headers);
    free(text);
}

// The device a panel action names: {"device": id}.
static int64_t device_arg(hub_req *c)
{
    cJSON *j = hub_read_json(c, HUB_MAX_SMALL_BODY);
    if (!j)
        return -1;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "device");
    int64_t id = cJSON_IsNumber(d) && d->valuedouble >= 1 && d->valuedouble < 9e15 ? (int64_t)d->valuedouble : 0;
    cJSON_Delete(j);
    if (id <= 0)
        hub_send_error(c, 400, "device: expected a device id");
    return id > 0 ? id : -1;
}

static void handle_devices(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, false))
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "devices", hub_db_list_devices(hub));
    hub_send_json(c, 200, o, NULL);
    cJSON_Delete(o);
}

// Revocation takes effect at once: the token stops matching, the socket closes.
static void handle_revoke(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, true))
        return;
    int64_t id = device_arg(c);
    if (id < 0)
        return;
    if (!hub_db_revoke_device(hub, id)) {
        hub_send_error(c, 404, "no such headset (or revoked already)");
        return;
    }
    hub_roster_remove(hub, id);
    hub_server_close_tagged(hub->srv, id);
    fprintf(stderr, "stoa hub: headset %lld revoked from the panel\n", (long long)id);
    hub_send_text(c, 200, "application/json", "{\"revoked\":true}", 16, NULL);
}

static void handle_admit(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, true))
        return;
    int64_t id = device_arg(c);
    if (id < 0)
        return;
    if (!hub_db_admit_device(hub, id)) {
        hub_send_error(c, 404, "no such headset");
        return;
    }
    pthread_mutex_lock(&hub->mu);
    hub_pending_drop(hub, id);
    pthread_mutex_unlock(&hub->mu);
    hub_send_text(c, 200, "application/json", "{\"admitted\":true}", 17, NULL);
}

static void handle_rotate_key(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, true))
        return;
    char key[40];
    if (!hub_rotate_xapi_key(hub, key)) {
        hub_send_error(c, 500, "cannot store the new key");
        return;
    }
    fprintf(stderr, "stoa hub: xAPI key replaced from the panel\n");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "xapi_key", key);
    hub_send_json(c, 200, o, NULL);
    cJSON_Delete(o);
}

void hub_api_route(stoa_hub *hub, hub_req *c)
{
    const char *p = c->head.path + 5; // after "/api/"
    if (strncmp(p, "headset/content/", 16) == 0) {
        if (strcmp(hub_method(c), "GET") != 0)
            hub_send_error(c, 405, "method not allowed");
        else
            hub_handle_content(hub, c, p + 16);
        return;
    }
    if (hub_api_class_route(hub, c, p))
        return;
    if (hub_view_route(hub, c, p)) // live views (hub_view.c)
        return;
    struct {
        const char *path, *method;
        void (*fn)(stoa_hub *, hub_req *);
    } routes[] = {
        {"login", "POST", hub_handle_login},     {"logout", "POST", hub_handle_logout},
        {"session", "GET", hub_handle_session},  {"join", "POST", hub_handle_join},
        {"state", "GET", handle_state},          {"lessons", "GET", handle_lessons},
        {"command", "POST", handle_command},     {"report", "GET", handle_report},
        {"headset/lesson", "GET", handle_headset_lesson},
        {"devices", "GET", handle_devices},      {"device/revoke", "POST", handle_revoke},
        {"device/admit", "POST", handle_admit},  {"xapi-key", "POST", handle_rotate_key},
        {"evaluation", "GET", hub_handle_evaluation},
        {"xapi-credentials", "GET", hub_api_xapi_credentials},
        {"xapi-credentials/new", "POST", hub_api_xapi_credential_new},
        {"xapi-credentials/revoke", "POST", hub_api_xapi_credential_revoke},
    };
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        if (strcmp(p, routes[i].path) != 0)
            continue;
        if (strcmp(hub_method(c), routes[i].method) != 0)
            hub_send_error(c, 405, "method not allowed");
        else
            routes[i].fn(hub, c);
        return;
    }
    hub_send_error(c, 404, "no such API");
}
