// SPDX-License-Identifier: Apache-2.0
// Forwarding to a school's own LRS: a thread sends the stored statements in
// store order (batches of up to 100, POST <url>/statements, xAPI 1.0.3) and
// keeps its position in the settings table, so a restart goes on where it
// stopped and an LRS that was away gets everything later. Statements the
// LRS refuses one by one (409: it holds another with that id; 400) are
// skipped with a log line; anything else is retried every few seconds.
//
// Over https the LRS's certificate is verified — against the system's CAs,
// or the school's own CA file (--forward-ca) — and its name (or address)
// must match, before the credentials are sent.
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sodium.h>

#include "core/stoa_log.h"
#include "core/stoa_url.h"
#include "hub_internal.h"
#include "hub_lrs.h"

#define FORWARD_BATCH 100
#define FORWARD_IDLE_MS 1000
#define FORWARD_RETRY_MS 5000
#define FORWARD_TIMEOUT_S 10

typedef struct hub_forward {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    stoa_url url;
    char path[1100], auth_header[400];
    SSL_CTX *ctx;
} hub_forward;

static int connect_to(const stoa_url *u)
{
    char port[8];
    snprintf(port, sizeof port, "%d", u->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    if (getaddrinfo(u->host, port, &hints, &res) != 0)
        return -1;
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0)
            continue;
        int rc = connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            struct pollfd pf = {fd, POLLOUT, 0};
            int e = 0;
            socklen_t el = sizeof e;
            rc = poll(&pf, 1, FORWARD_TIMEOUT_S * 1000) == 1 &&
                 getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0 ? 0 : -1;
        }
        if (rc != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        struct timeval tv = {FORWARD_TIMEOUT_S, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    return fd;
}

static bool io_all(int fd, SSL *ssl, const char *data, size_t len)
{
    while (len) {
        int n = ssl ? SSL_write(ssl, data, (int)len) : (int)send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        data += n, len -= (size_t)n;
    }
    return true;
}

// POSTs a JSON body; returns the HTTP status (0 = the LRS cannot be reached
// or could not be trusted).
static int post(hub_forward *f, const char *type, const char *body, size_t body_len)
{
    int fd = connect_to(&f->url);
    if (fd < 0) {
        STOA_LOGW("hub", "LRS %s:%d: cannot connect", f->url.host, f->url.port);
        return 0;
    }
    SSL *ssl = NULL;
    if (f->url.tls) {
        ssl = SSL_new(f->ctx);
        bool ok = ssl && SSL_set_fd(ssl, fd) == 1;
        X509_VERIFY_PARAM *param = ok ? SSL_get0_param(ssl) : NULL;
        // The certificate must name this host (or this address).
        if (ok && X509_VERIFY_PARAM_set1_ip_asc(param, f->url.host) != 1) {
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            ok = X509_VERIFY_PARAM_set1_host(param, f->url.host, 0) == 1 &&
                 SSL_set_tlsext_host_name(ssl, f->url.host) == 1;
        }
        ERR_clear_error();
        if (!ok || SSL_connect(ssl) != 1) {
            long v = ssl ? SSL_get_verify_result(ssl) : 0;
            STOA_LOGW("hub", "LRS %s:%d: TLS failed: %s", f->url.host, f->url.port,
                      v != X509_V_OK ? X509_verify_cert_error_string(v) : "handshake failed");
            SSL_free(ssl);
            close(fd);
            return 0;
        }
    }
    char head[1800];
    int hl = snprintf(head, sizeof head,
                      "POST %s HTTP/1.1\r\nHost: %s%s%s:%d\r\nContent-Type: %s\r\n"
                      "X-Experience-API-Version: 1.0.3\r\n%sContent-Length: %zu\r\nConnection: close\r\n\r\n",
                      f->path, f->url.ipv6 ? "[" : "", f->url.host, f->url.ipv6 ? "]" : "", f->url.port, type,
                      f->auth_header, body_len);
    int status = 0;
    if (hl > 0 && (size_t)hl < sizeof head && io_all(fd, ssl, head, (size_t)hl) &&
        io_all(fd, ssl, body, body_len)) {
        char buf[512];
        size_t got = 0;
        while (got < sizeof buf - 1 && !memchr(buf, '\n', got)) {
            int n = ssl ? SSL_read(ssl, buf + got, (int)(sizeof buf - 1 - got))
                        : (int)recv(fd, buf + got, sizeof buf - 1 - got, 0);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        buf[got] = 0;
        if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
            status = 0;
    }
    if (ssl) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    close(fd);
    return status;
}

typedef struct batch {
    char *body;
    size_t len, cap;
    int64_t seqs[FORWARD_BATCH];
    char *items[FORWARD_BATCH];
    int n;
} batch;

static bool add_row(void *user, int64_t seq, const char *json, int64_t stored_ns)
{
    (void)stored_ns; // the LRS sets its own "stored"
    batch *b = user;
    if (b->n >= FORWARD_BATCH)
        return false;
    b->items[b->n] = strdup(json);
    b->seqs[b->n++] = seq;
    return true;
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

// Sends statements (a JSON array) with their attachment data, if any.
static int post_statements(stoa_hub *hub, hub_forward *f, const char *json)
{
    size_t len = 0;
    char *mp = hub_xapi_forward_body(hub, json, &len);
    int status = mp ? post(f, HUB_XAPI_MULTIPART_TYPE, mp, len) : post(f, "application/json", json, strlen(json));
    free(mp);
    return status;
}

static char *join_items(char *const *items, int n)
{
    size_t len = 3;
    for (int i = 0; i < n; i++)
        len += strlen(items[i] ? items[i] : "null") + 1;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    *p++ = '[';
    for (int i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        const char *it = items[i] ? items[i] : "null";
        size_t l = strlen(it);
        memcpy(p, it, l);
        p += l;
    }
    *p++ = ']';
    *p = 0;
    return s;
}

// One round: true when it got somewhere (more may be waiting).
static bool forward_round(stoa_hub *hub, hub_forward *f, bool *failed)
{
    batch b = {0};
    int64_t cursor = load_cursor(hub);
    hub_db_query(hub, 0, NULL, 0, cursor, FORWARD_BATCH, true, add_row, &b);
    bool moved = false;
    *failed = false;
    if (b.n > 0) {
        char *body = join_items(b.items, b.n);
        int status = body ? post_statements(hub, f, body) : 0;
        free(body);
        if (status == 200 || status == 204) {
            save_cursor(hub, b.seqs[b.n - 1]);
            moved = true;
        } else if (status == 400 || status == 409) {
            // One statement spoils the batch: send them singly, skip the refused.
            for (int i = 0; i < b.n; i++) {
                char *s = join_items(&b.items[i], 1);
                int r = s ? post_statements(hub, f, s) : 0;
                free(s);
                if (r != 200 && r != 204 && r != 400 && r != 409)
                    break;
                if (r == 400 || r == 409)
                    STOA_LOGW("hub", "LRS refused a statement (HTTP %d): skipped", r);
                save_cursor(hub, b.seqs[i]);
                moved = true;
            }
        } else {
            *failed = true;
            STOA_LOGW("hub", "LRS %s:%d%s answered HTTP %d; will retry", f->url.host, f->url.port, f->path, status);
        }
    }
    for (int i = 0; i < b.n; i++)
        free(b.items[i]);
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

stoa_result hub_forward_start(stoa_hub *hub, const char *url, const char *auth, const char *ca_file, stoa_error *err)
{
    hub_forward *f = calloc(1, sizeof *f);
    if (!f)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    stoa_error uerr = {0};
    if (stoa_url_parse(url, &f->url, &uerr) != STOA_OK) {
        free(f);
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "--forward: %s", uerr.message);
    }
    size_t len = strlen(f->url.path);
    while (len && f->url.path[len - 1] == '/')
        len--;
    // The Statements resource below the endpoint the school gave.
    snprintf(f->path, sizeof f->path, "%.*s/statements", (int)len, f->url.path);
    if (auth && *auth) {
        char b64[300];
        if (strlen(auth) > 200) {
            free(f);
            return stoa_error_set(err, STOA_ERROR_LIMIT, "LRS credentials longer than 200 bytes");
        }
        sodium_bin2base64(b64, sizeof b64, (const unsigned char *)auth, strlen(auth), sodium_base64_VARIANT_ORIGINAL);
        snprintf(f->auth_header, sizeof f->auth_header, "Authorization: Basic %s\r\n", b64);
    }
    if (f->url.tls) {
        f->ctx = SSL_CTX_new(TLS_client_method());
        bool ok = f->ctx && SSL_CTX_set_min_proto_version(f->ctx, TLS1_2_VERSION) == 1 &&
                  (ca_file && *ca_file ? SSL_CTX_load_verify_locations(f->ctx, ca_file, NULL) == 1
                                       : SSL_CTX_set_default_verify_paths(f->ctx) == 1);
        if (!ok) {
            SSL_CTX_free(f->ctx);
            free(f);
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "--forward-ca: cannot load %s",
                                  ca_file && *ca_file ? "that CA file" : "the system's CAs");
        }
        SSL_CTX_set_verify(f->ctx, SSL_VERIFY_PEER, NULL);
    } else if (auth && *auth) {
        STOA_LOGW("hub", "--forward over plain http: the LRS credentials travel unencrypted");
    }
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    hub->forward = f;
    if (pthread_create(&f->thread, NULL, forward_main, hub) != 0) {
        hub->forward = NULL;
        pthread_mutex_destroy(&f->mu);
        pthread_cond_destroy(&f->cv);
        SSL_CTX_free(f->ctx);
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
    SSL_CTX_free(f->ctx);
    free(f);
    hub->forward = NULL;
}
