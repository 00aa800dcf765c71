// SPDX-License-Identifier: Apache-2.0
// Start and stop of the hub: data folder, database, secrets, the server,
// housekeeping; and the administration of a data folder from the command
// line (`stoa hub --revoke-device` & co.), which a running hub follows.
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/stoa_log.h"
#include "hub_internal.h"
#include "hub_lrs_doc.h"
#include "hub_xapi.h"

#ifndef STOA_HUB_PANEL_DIR
#define STOA_HUB_PANEL_DIR "panel"
#endif

static bool make_dir(const char *path, stoa_error *err)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return true;
    stoa_error_set(err, STOA_ERROR_IO, "%s: cannot create folder: %s", path, strerror(errno));
    return false;
}

static int64_t read_epoch(stoa_hub *hub)
{
    char *v = hub_db_get_setting(hub, "auth_epoch");
    int64_t e = v ? strtoll(v, NULL, 10) : 0;
    free(v);
    return e;
}

// Someone changed who may do what (the command line, another panel): take
// the xAPI key again and close the sockets of headsets that lost their token.
static void follow_auth_changes(stoa_hub *hub)
{
    int64_t epoch = read_epoch(hub);
    if (epoch == hub->auth_epoch)
        return;
    hub->auth_epoch = epoch;
    char *key = hub_db_get_setting(hub, "xapi_key");
    if (key) {
        pthread_mutex_lock(&hub->mu);
        snprintf(hub->xapi_key, sizeof hub->xapi_key, "%s", key);
        pthread_mutex_unlock(&hub->mu);
        free(key);
    }
    pthread_mutex_lock(&hub->mu);
    int n = hub->device_count;
    int64_t *ids = calloc((size_t)n + 1, sizeof *ids);
    for (int i = 0; ids && i < n; i++)
        ids[i] = hub->devices[i].id;
    pthread_mutex_unlock(&hub->mu);
    for (int i = 0; ids && i < n; i++) {
        if (hub_db_device_exists(hub, ids[i]))
            continue;
        hub_roster_remove(hub, ids[i]);
        hub_server_close_tagged(hub->srv, ids[i]);
        fprintf(stderr, "stoa hub: headset %lld revoked\n", (long long)ids[i]);
    }
    free(ids);
}

static void *maint_main(void *arg)
{
    stoa_hub *hub = arg;
    int64_t last_expiry = 0;
    for (;;) {
        pthread_mutex_lock(&hub->mu);
        if (!hub->stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&hub->maint_cv, &hub->mu, &ts);
        }
        bool stop = hub->stop;
        pthread_mutex_unlock(&hub->mu);
        if (stop)
            break;
        follow_auth_changes(hub);
        hub_view_tick(hub); // live views: who is watched, the budget
        hub_lrs_fold_step(hub, 500000000); // xAPI Activities/Agents (hub_lrs_about.c): 0.5 s a second at most
        int64_t now = hub_mono_ns();
        if (now - last_expiry > 30LL * 1000000000LL) {
            last_expiry = now;
            int n = hub_db_expire_unused(hub);
            if (n > 0)
                fprintf(stderr, "stoa hub: %d join token(s) never used: expired\n", n);
        }
    }
    return NULL;
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static stoa_result start_server(stoa_hub *hub, const stoa_hub_desc *desc, stoa_error *err)
{
    const char *listen = desc->listen ? desc->listen : "0.0.0.0:8480";
    hub_server_desc sd = {
        .listen = listen,
        .cert_file = desc->cert_file,
        .worker_stack = HUB_WORKER_STACK,
        .max_connections = desc->max_connections,
        .max_per_address = desc->max_connections_per_address,
        .max_ws_payload = HUB_MAX_WS_MESSAGE,
        .header_timeout_ms = desc->header_timeout_ms,
        .body_timeout_ms = desc->body_timeout_ms,
        .ws_hello_timeout_ms = desc->hello_timeout_ms,
        .ws_idle_timeout_ms = desc->idle_timeout_ms,
        .ws_error_format = "{\"t\":\"error\",\"code\":\"%s\"}",
    };
    hub_server_callbacks cb = {
        .user = hub,
        .on_request = hub_on_request,
        .body_limit = hub_body_limit,
        .refusal_headers = hub_xapi_refusal_headers,
        .is_slow = hub_is_slow,
        .on_ws_message = hub_ws_on_message,
        .on_ws_close = hub_ws_on_close,
    };
    stoa_result r = hub_server_start(&sd, &cb, &hub->srv, err);
    if (r != STOA_OK)
        return r;
    hub->port = hub_server_port(hub->srv);
    hub->listen_any = strncmp(listen, "0.0.0.0:", 8) == 0 || strncmp(listen, "[::]:", 5) == 0;
    const char *colon = strrchr(listen, ':');
    char host[64] = "127.0.0.1";
    if (colon && colon != listen && strncmp(listen, "0.0.0.0", 7) != 0 && listen[0] != '[' &&
        (size_t)(colon - listen) < sizeof host)
        snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    snprintf(hub->url, sizeof hub->url, "%s://%s:%d/", hub->tls ? "https" : "http", host, hub->port);
    return STOA_OK;
}

stoa_result stoa_hub_create(const stoa_hub_desc *desc, stoa_hub **out_hub, stoa_error *err)
{
    *out_hub = NULL;
    stoa_hub *hub = calloc(1, sizeof *hub);
    if (!hub)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    pthread_mutex_init(&hub->db_mu, NULL);
    pthread_mutex_init(&hub->mu, NULL);
    pthread_mutex_init(&hub->report_mu, NULL);
    pthread_cond_init(&hub->maint_cv, NULL);
    hub->tls = desc->cert_file && desc->cert_file[0];
    hub->login_per_minute = desc->login_per_minute > 0 ? desc->login_per_minute : 5;
    hub->join_per_minute = desc->join_per_minute > 0 ? desc->join_per_minute : 30;
    hub->max_headsets = desc->max_headsets > 0 ? desc->max_headsets : 500;
    hub->device_quota = desc->device_quota > 0 ? desc->device_quota : 200000;
    hub->lrs_doc_max = desc->lrs_document_max > 0 ? desc->lrs_document_max : HUB_LRS_DOC_MAX_DEFAULT;
    if (hub->lrs_doc_max > HUB_LRS_DOC_MAX_CAP)
        hub->lrs_doc_max = HUB_LRS_DOC_MAX_CAP;
    hub->lrs_limit = desc->lrs_statements_limit > 0 ? desc->lrs_statements_limit : HUB_XAPI_LIMIT_MAX;
    if (hub->lrs_limit > HUB_XAPI_LIMIT_CAP)
        hub->lrs_limit = HUB_XAPI_LIMIT_CAP;
    hub->admit_by_teacher = desc->admit_by_teacher;
    hub->silent_ns = desc->silent_ms > 0 ? (int64_t)desc->silent_ms * 1000000LL : HUB_STATUS_SILENT_NS;
    hub->devices = calloc((size_t)hub->max_headsets, sizeof *hub->devices);
    snprintf(hub->allowed_hosts, sizeof hub->allowed_hosts, ",%s,", desc->allowed_hosts ? desc->allowed_hosts : "");
    lower(hub->allowed_hosts);
    for (char *p = hub->allowed_hosts; *p; p++) // "a, b" is "a,b"
        if (*p == ' ')
            memmove(p, p + 1, strlen(p)), p--;
    if (gethostname(hub->host_name, sizeof hub->host_name - 1) != 0)
        hub->host_name[0] = 0;
    lower(hub->host_name);
    if (!hub->host_name[0])
        snprintf(hub->host_name, sizeof hub->host_name, "localhost");
    snprintf(hub->data_dir, sizeof hub->data_dir, "%s", desc->data_dir ? desc->data_dir : "stoa-hub");
    if (desc->lessons_dir)
        snprintf(hub->lessons_dir, sizeof hub->lessons_dir, "%s", desc->lessons_dir);
    else
        snprintf(hub->lessons_dir, sizeof hub->lessons_dir, "%s/lessons", hub->data_dir);
    snprintf(hub->reports_dir, sizeof hub->reports_dir, "%s/reports", hub->data_dir);
    snprintf(hub->panel_dir, sizeof hub->panel_dir, "%s", desc->panel_dir ? desc->panel_dir : STOA_HUB_PANEL_DIR);
    stoa_result r = STOA_ERROR_IO;
    if (!hub->devices) {
        r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
        goto fail;
    }
    if (!make_dir(hub->data_dir, err) || !make_dir(hub->reports_dir, err) ||
        (!desc->lessons_dir && !make_dir(hub->lessons_dir, err)))
        goto fail;
    if ((r = hub_db_open(hub, err)) != STOA_OK || (r = hub_auth_init(hub, desc, err)) != STOA_OK)
        goto fail;
    if ((r = hub_lrs_db_open(hub, err)) != STOA_OK) // the LRS's document tables (hub_lrs_doc.h)
        goto fail;
    if ((r = hub_db_ckpt_start(hub, err)) != STOA_OK)
        goto fail;
    hub->auth_epoch = read_epoch(hub);
    if ((r = start_server(hub, desc, err)) != STOA_OK)
        goto fail;
    hub->maint_started = pthread_create(&hub->maint, NULL, maint_main, hub) == 0;
    if (desc->forward_url &&
        (r = hub_forward_start(hub, desc->forward_url, desc->forward_auth, desc->forward_ca, err)) != STOA_OK) {
        stoa_hub_destroy(&hub);
        return r;
    }
    *out_hub = hub;
    return STOA_OK;
fail:
    hub_db_ckpt_stop(hub);
    hub_db_close(hub);
    pthread_mutex_destroy(&hub->db_mu);
    pthread_mutex_destroy(&hub->mu);
    pthread_mutex_destroy(&hub->report_mu);
    pthread_cond_destroy(&hub->maint_cv);
    free(hub->devices);
    free(hub);
    return r;
}

void stoa_hub_destroy(stoa_hub **hub)
{
    if (!hub || !*hub)
        return;
    stoa_hub *h = *hub;
    hub_forward_stop(h);
    if (h->maint_started) {
        pthread_mutex_lock(&h->mu);
        h->stop = true;
        pthread_cond_signal(&h->maint_cv);
        pthread_mutex_unlock(&h->mu);
        pthread_join(h->maint, NULL);
    }
    hub_server_stop(&h->srv);
    hub_bake_free(h); // after the server: no request starts another bake
    hub_db_ckpt_stop(h);
    hub_db_close(h);
    pthread_mutex_destroy(&h->db_mu);
    pthread_mutex_destroy(&h->mu);
    pthread_mutex_destroy(&h->report_mu);
    pthread_cond_destroy(&h->maint_cv);
    hub_view_free(h);
    free(h->devices);
    free(h);
    *hub = NULL;
}

const char *stoa_hub_url(const stoa_hub *hub) { return hub->url; }
bool stoa_hub_serves_all_interfaces(const stoa_hub *hub) { return hub->listen_any; }
const char *stoa_hub_join_code(const stoa_hub *hub) { return hub->join_code; }
const char *stoa_hub_new_password(const stoa_hub *hub) { return hub->new_password[0] ? hub->new_password : NULL; }

void stoa_hub_xapi_key(stoa_hub *hub, char out[64])
{
    pthread_mutex_lock(&hub->mu);
    snprintf(out, 64, "%s", hub->xapi_key);
    pthread_mutex_unlock(&hub->mu);
}

// ---- administration of a data folder --------------------------------------------------

static stoa_result admin_open(const char *data_dir, stoa_hub *h, stoa_error *err)
{
    memset(h, 0, sizeof *h);
    pthread_mutex_init(&h->db_mu, NULL);
    pthread_mutex_init(&h->mu, NULL);
    snprintf(h->data_dir, sizeof h->data_dir, "%s", data_dir ? data_dir : "stoa-hub");
    char path[1100];
    snprintf(path, sizeof path, "%s/hub.sqlite", h->data_dir);
    if (access(path, F_OK) != 0)
        return stoa_error_set(err, STOA_ERROR_NOT_FOUND, "%s: no hub database here (--data DIR)", h->data_dir);
    return hub_db_open(h, err);
}

static void admin_close(stoa_hub *h)
{
    hub_db_close(h);
    pthread_mutex_destroy(&h->db_mu);
    pthread_mutex_destroy(&h->mu);
}

// A running hub looks at this every second.
static void bump_epoch(stoa_hub *h)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)hub_now_ns());
    hub_db_set_setting(h, "auth_epoch", v);
}

static int64_t find_device(stoa_hub *h, const char *id_or_name, stoa_error *err)
{
    cJSON *list = hub_db_list_devices(h);
    int64_t found = 0;
    int matches = 0;
    char *end = NULL;
    long long want = strtoll(id_or_name, &end, 10);
    bool numeric = end && *end == 0 && end != id_or_name;
    const cJSON *d;
    cJSON_ArrayForEach(d, list) {
        int64_t id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(d, "id"));
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(d, "name"));
        if ((numeric && id == want) || (!numeric && name && strcmp(name, id_or_name) == 0))
            found = id, matches++;
    }
    cJSON_Delete(list);
    if (matches == 0)
        stoa_error_set(err, STOA_ERROR_NOT_FOUND, "no headset '%s' (see --list-devices)", id_or_name);
    else if (matches > 1)
        stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "%d headsets are called '%s': give its id", matches, id_or_name);
    return matches == 1 ? found : 0;
}

stoa_result stoa_hub_admin_list_devices(const char *data_dir, FILE *out, stoa_error *err)
{
    stoa_hub h;
    stoa_result r = admin_open(data_dir, &h, err);
    if (r != STOA_OK)
        return r;
    cJSON *list = hub_db_list_devices(&h);
    fprintf(out, "%6s  %-8s  %9s  %-20s  %s\n", "id", "state", "records", "joined", "name");
    const cJSON *d;
    cJSON_ArrayForEach(d, list) {
        bool revoked = cJSON_IsTrue(cJSON_GetObjectItem(d, "revoked"));
        bool admitted = cJSON_IsTrue(cJSON_GetObjectItem(d, "admitted"));
        bool used = cJSON_IsTrue(cJSON_GetObjectItem(d, "used"));
        fprintf(out, "%6lld  %-8s  %9lld  %-20.20s  %s\n",
                (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(d, "id")),
                revoked ? "revoked" : !admitted ? "waiting" : used ? "active" : "unused",
                (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(d, "stored")),
                cJSON_GetStringValue(cJSON_GetObjectItem(d, "joined")),
                cJSON_GetStringValue(cJSON_GetObjectItem(d, "name")));
    }
    cJSON_Delete(list);
    admin_close(&h);
    return STOA_OK;
}

stoa_result stoa_hub_admin_revoke_device(const char *data_dir, const char *id_or_name, stoa_error *err)
{
    stoa_hub h;
    stoa_result r = admin_open(data_dir, &h, err);
    if (r != STOA_OK)
        return r;
    int64_t id = find_device(&h, id_or_name, err);
    if (id > 0 && !hub_db_revoke_device(&h, id))
        r = stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "headset %lld is revoked already", (long long)id);
    else if (id <= 0)
        r = err ? err->code : STOA_ERROR_NOT_FOUND;
    if (r == STOA_OK)
        bump_epoch(&h);
    admin_close(&h);
    return r;
}

stoa_result stoa_hub_admin_admit_device(const char *data_dir, const char *id_or_name, stoa_error *err)
{
    stoa_hub h;
    stoa_result r = admin_open(data_dir, &h, err);
    if (r != STOA_OK)
        return r;
    int64_t id = find_device(&h, id_or_name, err);
    if (id <= 0)
        r = err ? err->code : STOA_ERROR_NOT_FOUND;
    else if (!hub_db_admit_device(&h, id))
        r = stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "headset %lld is revoked", (long long)id);
    admin_close(&h);
    return r;
}

stoa_result stoa_hub_admin_rotate_xapi_key(const char *data_dir, char out[64], stoa_error *err)
{
    stoa_hub h;
    stoa_result r = admin_open(data_dir, &h, err);
    if (r != STOA_OK)
        return r;
    if (sodium_init() < 0)
        r = stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "libsodium failed to initialise");
    char key[40];
    if (r == STOA_OK) {
        hub_random_hex(key, 16);
        if (!hub_db_set_setting(&h, "xapi_key", key))
            r = stoa_error_set(err, STOA_ERROR_IO, "cannot store the new key");
    }
    if (r == STOA_OK) {
        bump_epoch(&h);
        snprintf(out, 64, "%s", key);
    }
    admin_close(&h);
    return r;
}
