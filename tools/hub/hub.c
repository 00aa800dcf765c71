// SPDX-License-Identifier: Apache-2.0
// Start and stop of the hub: data folder, database, secrets, civetweb.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_log.h"
#include "hub_internal.h"

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

static int log_message(const struct mg_connection *c, const char *message)
{
    (void)c;
    STOA_LOGD("hub", "civetweb: %s", message);
    return 1; // handled: civetweb prints nothing itself
}

// civetweb wants "ADDR:PORT" (plus "s" for TLS); we accept "ADDR:PORT" and "PORT".
static bool listen_option(const char *listen, bool tls, char *out, size_t size)
{
    const char *colon = strrchr(listen, ':');
    const char *port = colon ? colon + 1 : listen;
    if (!*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5)
        return false;
    snprintf(out, size, "%s%s", listen, tls ? "s" : "");
    return true;
}

static stoa_result start_server(stoa_hub *hub, const stoa_hub_desc *desc, stoa_error *err)
{
    char ports[160];
    const char *listen = desc->listen ? desc->listen : "0.0.0.0:8480";
    if (!listen_option(listen, hub->tls, ports, sizeof ports))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "--listen: want ADDR:PORT, not '%s'", listen);
    // Each connected headset holds a worker thread for its WebSocket.
    const char *options[32] = {
        "listening_ports", ports,
        "num_threads", "300",
        "request_timeout_ms", "15000",
        "websocket_timeout_ms", "20000", // headsets ping every 5 s
        "enable_websocket_ping_pong", "no",
        "max_request_size", "16384",
        "enable_directory_listing", "no",
        "enable_keep_alive", "no",
    };
    size_t n = 16;
    if (hub->tls) {
        options[n++] = "ssl_certificate";
        options[n++] = desc->cert_file;
        options[n++] = "ssl_protocol_version";
        options[n++] = "4"; // TLS 1.2 and newer
    }
    struct mg_callbacks cb = {.log_message = log_message};
    hub->ctx = mg_start(&cb, hub, options);
    if (!hub->ctx)
        return stoa_error_set(err, STOA_ERROR_IO, "cannot listen on %s (in use, or a bad certificate?)", listen);
    struct mg_server_port sp[4];
    int np = mg_get_server_ports(hub->ctx, 4, sp);
    int port = np > 0 ? sp[0].port : 0;
    const char *colon = strrchr(listen, ':');
    char host[64] = "127.0.0.1";
    if (colon && colon != listen && strncmp(listen, "0.0.0.0", 7) != 0 && (size_t)(colon - listen) < sizeof host)
        snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    snprintf(hub->url, sizeof hub->url, "%s://%s:%d/", hub->tls ? "https" : "http", host, port);
    hub_api_register(hub);
    hub_xapi_register(hub);
    hub_ws_register(hub);
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
    hub->tls = desc->cert_file && desc->cert_file[0];
    hub->login_per_minute = desc->login_per_minute > 0 ? desc->login_per_minute : 5;
    hub->join_per_minute = desc->join_per_minute > 0 ? desc->join_per_minute : 30;
    snprintf(hub->data_dir, sizeof hub->data_dir, "%s", desc->data_dir ? desc->data_dir : "stoa-hub");
    if (desc->lessons_dir)
        snprintf(hub->lessons_dir, sizeof hub->lessons_dir, "%s", desc->lessons_dir);
    else
        snprintf(hub->lessons_dir, sizeof hub->lessons_dir, "%s/lessons", hub->data_dir);
    snprintf(hub->reports_dir, sizeof hub->reports_dir, "%s/reports", hub->data_dir);
    snprintf(hub->panel_dir, sizeof hub->panel_dir, "%s", desc->panel_dir ? desc->panel_dir : STOA_HUB_PANEL_DIR);
    stoa_result r = STOA_ERROR_IO;
    if (!make_dir(hub->data_dir, err) || !make_dir(hub->reports_dir, err) ||
        (!desc->lessons_dir && !make_dir(hub->lessons_dir, err)))
        goto fail;
    if ((r = hub_db_open(hub, err)) != STOA_OK || (r = hub_auth_init(hub, desc, err)) != STOA_OK)
        goto fail;
    if (mg_init_library(hub->tls ? MG_FEATURES_TLS : 0) == 0 && hub->tls) {
        r = stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "civetweb has no TLS support here");
        goto fail;
    }
    if ((r = start_server(hub, desc, err)) != STOA_OK) {
        mg_exit_library();
        goto fail;
    }
    if (desc->forward_url && (r = hub_forward_start(hub, desc->forward_url, desc->forward_auth, err)) != STOA_OK) {
        mg_stop(hub->ctx);
        mg_exit_library();
        goto fail;
    }
    *out_hub = hub;
    return STOA_OK;
fail:
    hub_db_close(hub);
    pthread_mutex_destroy(&hub->db_mu);
    pthread_mutex_destroy(&hub->mu);
    free(hub);
    return r;
}

void stoa_hub_destroy(stoa_hub **hub)
{
    if (!hub || !*hub)
        return;
    stoa_hub *h = *hub;
    hub_forward_stop(h);
    mg_stop(h->ctx);
    mg_exit_library();
    hub_db_close(h);
    pthread_mutex_destroy(&h->db_mu);
    pthread_mutex_destroy(&h->mu);
    free(h);
    *hub = NULL;
}

const char *stoa_hub_url(const stoa_hub *hub) { return hub->url; }
const char *stoa_hub_join_code(const stoa_hub *hub) { return hub->join_code; }
const char *stoa_hub_new_password(const stoa_hub *hub) { return hub->new_password[0] ? hub->new_password : NULL; }
const char *stoa_hub_xapi_key(const stoa_hub *hub) { return hub->xapi_key; }
