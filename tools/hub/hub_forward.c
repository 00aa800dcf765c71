// SPDX-License-Identifier: Apache-2.0
// Forwarding to a school's own LRS: a thread sends the stored statements in
// store order (batches of up to 100, POST <url>/statements, xAPI 1.0.3) and
// keeps its position in the settings table, so a restart goes on where it
// stopped and an LRS that was away gets everything later. Statements the
// LRS refuses one by one (409: it holds another with that id; 400) are
// skipped with a log line; anything else is retried every few seconds.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/stoa_log.h"
#include "hub_internal.h"

#define FORWARD_BATCH 100
#define FORWARD_IDLE_MS 1000
#define FORWARD_RETRY_MS 5000

typedef struct hub_forward {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    char host[256], path[512], auth_header[400];
    int port;
    bool tls;
} hub_forward;

static bool parse_url(hub_forward *f, const char *url)
{
    const char *p = url;
    f->tls = strncmp(p, "https://", 8) == 0;
    if (!f->tls && strncmp(p, "http://", 7) != 0)
        return false;
    p += f->tls ? 8 : 7;
    f->port = f->tls ? 443 : 80;
    size_t hl = strcspn(p, ":/");
    if (hl == 0 || hl >= sizeof f->host)
        return false;
    memcpy(f->host, p, hl);
    f->host[hl] = 0;
    p += hl;
    if (*p == ':') {
        char *end;
        long port = strtol(p + 1, &end, 10);
        if (port <= 0 || port > 65535)
            return false;
        f->port = (int)port;
        p = end;
    }
    size_t len = strlen(p);
    while (len && p[len - 1] == '/')
        len--;
    // The Statements resource below the endpoint the school gave.
    snprintf(f->path, sizeof f->path, "%.*s/statements", (int)len, p);
    return strlen(f->path) < sizeof f->path - 1;
}

// POSTs a JSON body; returns the HTTP status (0 = the LRS cannot be reached).
static int post(hub_forward *f, const char *body)
{
    char ebuf[256];
    struct mg_client_options o = {.host = f->host, .port = f->port, .host_name = f->host};
    struct mg_connection *c = f->tls ? mg_connect_client_secure(&o, ebuf, sizeof ebuf)
                                     : mg_connect_client(f->host, f->port, 0, ebuf, sizeof ebuf);
    if (!c) {
        STOA_LOGW("hub", "LRS %s:%d: %s", f->host, f->port, ebuf);
        return 0;
    }
    mg_printf(c,
              "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
              "X-Experience-API-Version: 1.0.3\r\n%sContent-Length: %zu\r\nConnection: close\r\n\r\n",
              f->path, f->host, f->port, f->auth_header, strlen(body));
    mg_write(c, body, strlen(body));
    int status = 0;
    if (mg_get_response(c, ebuf, sizeof ebuf, 10000) >= 0)
        status = mg_get_response_info(c)->status_code;
    mg_close_connection(c);
    return status;
}

typedef struct batch {
    cJSON *arr;
    int64_t last_seq;
    int64_t seqs[FORWARD_BATCH];
    int n;
} batch;

static void add_row(void *user, int64_t seq, const char *json, int64_t stored_ns)
{
    batch *b = user;
    cJSON *st = hub_statement_stored(json, stored_ns);
    cJSON_DeleteItemFromObjectCaseSensitive(st, "stored"); // the LRS sets its own
    if (st && b->n < FORWARD_BATCH) {
        cJSON_AddItemToArray(b->arr, st);
        b->seqs[b->n++] = seq;
    } else {
        cJSON_Delete(st);
    }
    b->last_seq = seq;
}

static int64_t load_cursor(stoa_hub *hub)
{
    char *v = hub_db_get_setting(hub, "forward_seq");
    int64_t seq = v ? strtoll(v, NULL, 10) : 0;
    free(v);
    return seq;
}

static void save_cursor(stoa_hub *hub, int64_t seq)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)seq);
    hub_db_set_setting(hub, "forward_seq", v);
}

// One round: true when it got somewhere (more may be waiting).
static bool forward_round(stoa_hub *hub, hub_forward *f, bool *failed)
{
    batch b = {.arr = cJSON_CreateArray()};
    int64_t cursor = load_cursor(hub);
    hub_db_query(hub, 0, NULL, cursor, FORWARD_BATCH, true, add_row, &b);
    bool moved = false;
    *failed = false;
    if (b.n > 0) {
        char *body = cJSON_PrintUnformatted(b.arr);
        int status = body ? post(f, body) : 0;
        free(body);
        if (status == 200 || status == 204) {
            save_cursor(hub, b.last_seq);
            moved = true;
        } else if (status == 400 || status == 409) {
            // One statement spoils the batch: send them singly, skip the refused.
            int i = 0;
            for (cJSON *st = b.arr->child; st; st = st->next, i++) {
                cJSON *one = cJSON_CreateArray();
                cJSON_AddItemReferenceToArray(one, st);
                char *s = cJSON_PrintUnformatted(one);
                int r = s ? post(f, s) : 0;
                free(s);
                cJSON_Delete(one);
                if (r != 200 && r != 204 && r != 400 && r != 409)
                    break;
                if (r == 400 || r == 409)
                    STOA_LOGW("hub", "LRS refused statement %s (HTTP %d): skipped",
                              cJSON_GetStringValue(cJSON_GetObjectItem(st, "id")), r);
                save_cursor(hub, b.seqs[i]);
                moved = true;
            }
        } else {
            *failed = true;
            STOA_LOGW("hub", "LRS %s:%d%s answered HTTP %d; will retry", f->host, f->port, f->path, status);
        }
    }
    cJSON_Delete(b.arr);
    return moved;
}

static void *forward_main(void *arg)
{
    stoa_hub *hub = arg;
    hub_forward *f = hub->forward;
    for (;;) {
        bool failed = false;
        bool moved = forward_round(hub, f, &failed);
        int wait_ms = moved ? 0 : failed ? FORWARD_RETRY_MS : FORWARD_IDLE_MS;
        pthread_mutex_lock(&f->mu);
        if (!f->stop && wait_ms > 0) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += wait_ms / 1000;
            ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L)
                ts.tv_sec++, ts.tv_nsec -= 1000000000L;
            pthread_cond_timedwait(&f->cv, &f->mu, &ts);
        }
        bool stop = f->stop;
        pthread_mutex_unlock(&f->mu);
        if (stop)
            break;
    }
    return NULL;
}

stoa_result hub_forward_start(stoa_hub *hub, const char *url, const char *auth, stoa_error *err)
{
    hub_forward *f = calloc(1, sizeof *f);
    if (!f)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    if (!parse_url(f, url)) {
        free(f);
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "--forward: want http(s)://HOST[:PORT]/PATH, not '%s'", url);
    }
    if (auth && *auth) {
        char b64[300];
        if (strlen(auth) > 200) {
            free(f);
            return stoa_error_set(err, STOA_ERROR_LIMIT, "LRS credentials longer than 200 bytes");
        }
        sodium_bin2base64(b64, sizeof b64, (const unsigned char *)auth, strlen(auth), sodium_base64_VARIANT_ORIGINAL);
        snprintf(f->auth_header, sizeof f->auth_header, "Authorization: Basic %s\r\n", b64);
    }
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    hub->forward = f;
    if (pthread_create(&f->thread, NULL, forward_main, hub) != 0) {
        hub->forward = NULL;
        pthread_mutex_destroy(&f->mu);
        pthread_cond_destroy(&f->cv);
        free(f);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "cannot start the LRS forwarder");
    }
    return STOA_OK;
}

void hub_forward_stop(stoa_hub *hub)
{
    hub_forward *f = hub->forward;
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    f->stop = true;
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    free(f);
    hub->forward = NULL;
}
