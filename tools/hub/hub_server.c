// SPDX-License-Identifier: Apache-2.0
// The hub's server (hub_server.h): one epoll I/O thread, worker threads,
// bounded everything; the API handlers use; start and stop. The pieces are
// in hub_server_conn.c and hub_server_input.c (hub_server_internal.h).
#define _GNU_SOURCE // accept4
#include "hub_server_internal.h"

// ---- the I/O thread ------------------------------------------------------------------------------------

static void process_dirty(hub_server *s) // mu held
{
    bool all = s->dirty_all;
    s->dirty_all = false;
    int n = all ? s->nslots : s->ndirty;
    for (int k = 0; k < n; k++) {
        conn *c = &s->conns[all ? k : s->dirty[k]];
        if (all && !c->dirty)
            continue;
        c->dirty = false;
        if (c->state == C_FREE || c->dead)
            continue;
        if (c->kill) {
            hub_srv_kill_conn(s, c);
            continue;
        }
        if (c->state == C_BUSY && !c->job) {
            if (c->req && c->req->upgraded) {
                c->state = C_WS;
                c->ws_open = true;
                s->stats.websockets++;
                c->t_state = c->t_rx = hub_srv_now_ns();
                free(c->req);
                c->req = NULL;
                free(c->body);
                c->body = NULL;
                hub_srv_release(s, c->body_charged);
                c->body_charged = 0;
            } else {
                c->state = C_WRITE;
                c->t_state = c->t_tx = hub_srv_now_ns();
                c->want_close = true;
            }
        }
        if (c->state == C_WS && !c->job && c->has_pending) {
            c->has_pending = false;
            hub_srv_dispatch_frame(s, c, c->pending);
        }
        if (c->state == C_WS && !c->has_pending && !c->want_close && !c->dead)
            hub_srv_read_ws(s, c); // what waited in the buffer, and what came meanwhile
        if (!c->dead)
            hub_srv_flush(s, c);
        if (!c->dead)
            hub_srv_update_events(s, c);
    }
    s->ndirty = 0;
}

static void *io_main(void *arg)
{
    hub_server *s = arg;
    struct epoll_event evs[64];
    int64_t last_tick = hub_srv_now_ns();
    for (;;) {
        int n = epoll_wait(s->epfd, evs, 64, 100);
        pthread_mutex_lock(&s->mu);
        bool stop = s->stop_io;
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
        for (int i = 0; i < n; i++) {
            uint32_t slot = evs[i].data.u32;
            if (slot == UINT32_MAX) {
                hub_srv_do_accept(s);
                continue;
            }
            if (slot == UINT32_MAX - 1) {
                uint64_t v;
                ssize_t r = read(s->evfd, &v, sizeof v);
                (void)r;
                continue;
            }
            pthread_mutex_lock(&s->mu);
            conn *c = &s->conns[slot];
            if (c->state != C_FREE && !c->dead) {
                if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
                    if (c->state == C_TLS && c->ssl_want_write)
                        hub_srv_do_tls(s, c);
                    else
                        hub_srv_flush(s, c);
                }
                if (!c->dead && (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
                    hub_srv_on_readable(s, c);
                if (!c->dead && c->out && c->state != C_BUSY)
                    hub_srv_flush(s, c);
                hub_srv_update_events(s, c);
            }
            pthread_mutex_unlock(&s->mu);
        }
        pthread_mutex_lock(&s->mu);
        process_dirty(s);
        pthread_mutex_unlock(&s->mu);
        int64_t now = hub_srv_now_ns();
        if (now - last_tick >= 100 * MS) {
            hub_srv_tick(s);
            last_tick = now;
            pthread_mutex_lock(&s->mu);
            process_dirty(s);
            pthread_mutex_unlock(&s->mu);
        }
    }
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < s->nslots; i++)
        if (s->conns[i].state != C_FREE)
            hub_srv_kill_conn(s, &s->conns[i]);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

// ---- workers ----------------------------------------------------------------------------------------------

static void finish_job(hub_server *s, job *j)
{
    pthread_mutex_lock(&s->mu);
    conn *c = hub_srv_lookup(s, j->id);
    if (c) {
        c->job = false;
        if (j->kind == J_REQ) {
            if (!j->req->answered && !c->dead)
                hub_srv_answer_error(s, c, 500, "no answer");
            if (c->dead) {
                hub_srv_release(s, c->body_charged);
                c->body_charged = 0;
            }
        }
        if (j->kind == J_CLOSE) {
            c->ws_open = false;
        }
        if (c->dead)
            hub_srv_maybe_free(s, c);
        else
            hub_srv_mark_dirty(s, c);
    }
    pthread_mutex_unlock(&s->mu);
    hub_srv_wake(s);
}

static void run_job(hub_server *s, job *j)
{
    switch (j->kind) {
    case J_REQ:
        s->cb.on_request(s->cb.user, j->req);
        break;
    case J_WS:
        if (s->cb.on_ws_message)
            s->cb.on_ws_message(s->cb.user, j->id, j->tag, j->f.opcode, j->f.fin, (char *)j->f.payload, j->f.len);
        hub_srv_release(s, j->f.len + 1);
        free(j->f.payload);
        break;
    case J_CLOSE:
        if (s->cb.on_ws_close)
            s->cb.on_ws_close(s->cb.user, j->id, j->tag);
        break;
    }
    finish_job(s, j);
    free(j);
}

static void *worker_main(void *arg)
{
    hub_server *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (!s->q_head && !s->stop_workers)
            pthread_cond_wait(&s->cv, &s->mu);
        job *j = s->q_head;
        if (j) {
            s->q_head = j->next;
            if (!s->q_head)
                s->q_tail = NULL;
        }
        pthread_mutex_unlock(&s->mu);
        if (!j)
            return NULL;
        run_job(s, j);
    }
}

static void *slow_main(void *arg)
{
    hub_server *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (!s->s_head && !s->stop_workers)
            pthread_cond_wait(&s->slow_cv, &s->mu);
        job *j = s->s_head;
        if (j) {
            s->s_head = j->next;
            if (!s->s_head)
                s->s_tail = NULL;
            s->s_len--;
        }
        pthread_mutex_unlock(&s->mu);
        if (!j)
            return NULL;
        run_job(s, j);
    }
}

// ---- the API for handlers ------------------------------------------------------------------------------------

void hub_server_respond(hub_request *req, const char *head, size_t head_len, const void *body, size_t body_len)
{
    hub_server *s = req->srv;
    if (req->answered)
        return;
    req->answered = true;
    if (strcmp(req->head.method, "HEAD") == 0)
        body_len = 0;
    pthread_mutex_lock(&s->mu);
    conn *c = hub_srv_lookup(s, req->conn);
    if (c && !c->dead) {
        size_t n = head_len + body_len;
        bool ok = n <= SMALL_ANSWER ? hub_srv_append_out(s, c, head, head_len, body, body_len, true)
                                    : hub_srv_append_out(s, c, head, head_len, body, body_len, false);
        if (!ok) {
            static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                                       "Content-Length: 28\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"
                                       "{\"error\":\"busy: try again\"}\n";
            hub_srv_append_out(s, c, busy, sizeof busy - 1, NULL, 0, true);
        }
    }
    pthread_mutex_unlock(&s->mu);
}

void hub_server_respond_file(hub_request *req, const char *head, size_t head_len, int fd, uint64_t size)
{
    hub_server *s = req->srv;
    bool taken = false;
    if (!req->answered) {
        req->answered = true;
        if (strcmp(req->head.method, "HEAD") == 0)
            size = 0;
        pthread_mutex_lock(&s->mu);
        conn *c = hub_srv_lookup(s, req->conn);
        if (c && !c->dead && hub_srv_append_out(s, c, head, head_len, NULL, 0, true) && size) {
            c->file_on = taken = true;
            c->file_fd = fd;
            c->file_left = size;
        }
        pthread_mutex_unlock(&s->mu);
    }
    if (!taken)
        close(fd);
}

bool hub_server_ws_accept(hub_request *req, const char *extra_headers)
{
    const char *version = hub_http_header_get(&req->head, "Sec-WebSocket-Version");
    char accept[32];
    if (req->answered || strcmp(req->head.method, "GET") != 0 || !req->head.upgrade_websocket ||
        !version || strcmp(version, "13") != 0 ||
        !hub_ws_accept_key(hub_http_header_get(&req->head, "Sec-WebSocket-Key"), accept))
        return false;
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: %s\r\n%s\r\n",
                     accept, extra_headers ? extra_headers : "");
    if (n <= 0 || (size_t)n >= sizeof head)
        return false;
    hub_server_respond(req, head, (size_t)n, NULL, 0);
    req->upgraded = true;
    return true;
}

bool hub_server_ws_send(hub_server *s, uint64_t id, int opcode, const void *data, size_t len)
{
    bool ok = false;
    pthread_mutex_lock(&s->mu);
    conn *c = hub_srv_lookup(s, id);
    if (c && !c->dead && c->state == C_WS && !c->want_close) {
        ok = hub_srv_ws_queue(s, c, opcode, data, len, false);
        if (!ok) { // it stopped reading, or the budget is spent: it goes, the others stay
            c->kill = true;
        }
        hub_srv_mark_dirty(s, c);
    }
    pthread_mutex_unlock(&s->mu);
    hub_srv_wake(s);
    return ok;
}

bool hub_server_ws_send_if_room(hub_server *s, uint64_t id, int opcode, const void *data, size_t len,
                                size_t max_queued)
{
    bool ok = false;
    pthread_mutex_lock(&s->mu);
    conn *c = hub_srv_lookup(s, id);
    if (c && !c->dead && c->state == C_WS && !c->want_close && c->out_bytes + len + 10 <= max_queued) {
        ok = hub_srv_ws_queue(s, c, opcode, data, len, false);
        if (ok)
            hub_srv_mark_dirty(s, c);
    }
    pthread_mutex_unlock(&s->mu);
    if (ok)
        hub_srv_wake(s);
    return ok;
}

void hub_server_ws_close(hub_server *s, uint64_t id, int code)
{
    pthread_mutex_lock(&s->mu);
    conn *c = hub_srv_lookup(s, id);
    if (c && !c->dead && c->state == C_WS && !c->want_close) {
        uint8_t cc[2] = {(uint8_t)(code >> 8), (uint8_t)code};
        hub_srv_ws_queue(s, c, 8, cc, 2, true);
        c->want_close = true;
        c->t_tx = hub_srv_now_ns();
        hub_srv_mark_dirty(s, c);
    }
    pthread_mutex_unlock(&s->mu);
    hub_srv_wake(s);
}

void hub_server_ws_set_tag(hub_server *s, uint64_t id, int64_t tag)
{
    pthread_mutex_lock(&s->mu);
    conn *c = hub_srv_lookup(s, id);
    if (c)
        c->tag = tag;
    pthread_mutex_unlock(&s->mu);
}

int hub_server_close_tagged(hub_server *s, int64_t tag)
{
    int n = 0;
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < s->nslots; i++) {
        conn *c = &s->conns[i];
        if (c->state == C_WS && !c->dead && c->tag == tag && tag != 0) {
            hub_srv_ws_refuse(s, c, "revoked", 1008);
            hub_srv_mark_dirty(s, c);
            n++;
        }
    }
    pthread_mutex_unlock(&s->mu);
    hub_srv_wake(s);
    return n;
}

void hub_server_get_stats(hub_server *s, hub_server_stats *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->stats;
    out->connections = s->live;
    out->inflight = atomic_load(&s->inflight);
    out->inflight_peak = atomic_load(&s->peak);
    pthread_mutex_unlock(&s->mu);
}

int hub_server_port(const hub_server *s) { return s->port; }

// ---- start and stop ------------------------------------------------------------------------------------------

static int open_listener(const char *spec, stoa_error *err, int *out_port)
{
    char host[256] = "", port[16] = "";
    const char *colon = strrchr(spec, ':');
    if (!colon) {
        snprintf(port, sizeof port, "%s", spec);
    } else if (spec[0] == '[') {
        const char *rb = strchr(spec, ']');
        if (!rb || rb[1] != ':' || (size_t)(rb - spec - 1) >= sizeof host)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "--listen: want [ADDR]:PORT, not '%s'", spec), -1;
        snprintf(host, sizeof host, "%.*s", (int)(rb - spec - 1), spec + 1);
        snprintf(port, sizeof port, "%s", rb + 2);
    } else {
        if ((size_t)(colon - spec) >= sizeof host)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "--listen: address too long"), -1;
        snprintf(host, sizeof host, "%.*s", (int)(colon - spec), spec);
        snprintf(port, sizeof port, "%s", colon + 1);
    }
    if (!port[0] || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "--listen: want ADDR:PORT, not '%s'", spec), -1;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int gr = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (gr != 0)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "--listen %s: %s", spec, gai_strerror(gr)), -1;
    int fd = -1, last_errno = 0;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, 511) != 0) {
            last_errno = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        return stoa_error_set(err, STOA_ERROR_IO, "cannot listen on %s: %s", spec,
                              strerror(last_errno ? last_errno : EADDRNOTAVAIL)), -1;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    *out_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)(void *)&ss)->sin6_port
                                               : ((struct sockaddr_in *)(void *)&ss)->sin_port);
    return fd;
}

static void defaults(hub_server_desc *d)
{
    if (d->workers <= 0)
        d->workers = 8;
    if (!d->worker_stack)
        d->worker_stack = 1u << 20;
    if (d->max_connections <= 0)
        d->max_connections = 1024;
    if (d->max_per_address <= 0)
        d->max_per_address = 32;
    if (!d->max_inflight)
        d->max_inflight = 64u << 20;
    if (!d->max_head)
        d->max_head = 16u << 10;
    if (!d->max_ws_payload)
        d->max_ws_payload = 256u << 10;
    if (!d->ws_send_queue)
        d->ws_send_queue = 1u << 20;
    if (d->slow_queue <= 0)
        d->slow_queue = 8;
    if (d->header_timeout_ms <= 0)
        d->header_timeout_ms = 10000;
    if (d->body_timeout_ms <= 0)
        d->body_timeout_ms = 30000;
    if (d->ws_hello_timeout_ms <= 0)
        d->ws_hello_timeout_ms = 10000;
    if (d->ws_idle_timeout_ms <= 0)
        d->ws_idle_timeout_ms = 20000;
    if (d->write_timeout_ms <= 0)
        d->write_timeout_ms = 20000;
}

static void free_server(hub_server *s)
{
    if (s->lfd >= 0)
        close(s->lfd);
    if (s->epfd >= 0)
        close(s->epfd);
    if (s->evfd >= 0)
        close(s->evfd);
    if (s->ssl_ctx)
        SSL_CTX_free(s->ssl_ctx);
    for (job *j = s->q_head, *n; j; j = n) {
        n = j->next;
        free(j->f.payload);
        free(j);
    }
    if (s->conns) {
        for (int i = 0; i < s->nslots; i++) {
            conn *c = &s->conns[i];
            free(c->in);
            free(c->req);
            free(c->body);
            hub_ws_reader_reset(&c->wsr);
            if (c->has_pending)
                free(c->pending.payload);
            for (outbuf *b = c->out, *n; b; b = n) {
                n = b->next;
                free(b);
            }
            if (c->file_on)
                close(c->file_fd);
        }
    }
    free(s->conns);
    free(s->dirty);
    free(s->addrs);
    free(s->workers);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    pthread_cond_destroy(&s->slow_cv);
    free(s);
}

stoa_result hub_server_start(const hub_server_desc *desc, const hub_server_callbacks *cb,
                             hub_server **out, stoa_error *err)
{
    *out = NULL;
    hub_server *s = calloc(1, sizeof *s);
    if (!s)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    s->d = *desc;
    s->cb = *cb;
    s->lfd = s->epfd = s->evfd = -1;
    defaults(&s->d);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_cond_init(&s->slow_cv, NULL);
    // Room for every connection, plus slots of closed ones whose handlers still run.
    s->nslots = s->d.max_connections * 2;
    s->conns = calloc((size_t)s->nslots, sizeof *s->conns);
    s->dirty = calloc((size_t)s->nslots, sizeof *s->dirty);
    s->addrs = calloc((size_t)s->d.max_connections + 1, sizeof *s->addrs);
    s->workers = calloc((size_t)s->d.workers, sizeof *s->workers);
    if (!s->conns || !s->dirty || !s->addrs || !s->workers) {
        free_server(s);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    for (int i = 0; i < s->nslots; i++)
        s->conns[i].fd = -1, s->conns[i].gen = 1;
    // Every connection is a descriptor: ask for the hard limit.
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max &&
        rl.rlim_cur < (rlim_t)s->nslots + 256) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)s->nslots + 256 ? rl.rlim_max : (rlim_t)s->nslots + 256;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (desc->cert_file && desc->cert_file[0]) {
        s->ssl_ctx = SSL_CTX_new(TLS_server_method());
        if (!s->ssl_ctx || SSL_CTX_set_min_proto_version(s->ssl_ctx, TLS1_2_VERSION) != 1 ||
            SSL_CTX_use_certificate_chain_file(s->ssl_ctx, desc->cert_file) != 1 ||
            SSL_CTX_use_PrivateKey_file(s->ssl_ctx, desc->cert_file, SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(s->ssl_ctx) != 1) {
            char e[200];
            ERR_error_string_n(ERR_get_error(), e, sizeof e);
            free_server(s);
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "--cert: not a PEM certificate with its key (%s)", e);
        }
        SSL_CTX_set_mode(s->ssl_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    }
    if ((s->lfd = open_listener(desc->listen ? desc->listen : "0.0.0.0:8480", err, &s->port)) < 0) {
        free_server(s);
        return err ? err->code : STOA_ERROR_IO;
    }
    s->epfd = epoll_create1(EPOLL_CLOEXEC);
    s->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event le = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
    struct epoll_event ee = {.events = EPOLLIN, .data.u32 = UINT32_MAX - 1};
    if (s->epfd < 0 || s->evfd < 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &le) != 0 ||
        epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->evfd, &ee) != 0) {
        free_server(s);
        return stoa_error_set(err, STOA_ERROR_IO, "cannot start the server: %s", strerror(errno));
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, s->d.worker_stack);
    bool ok = true;
    for (int i = 0; i < s->d.workers && ok; i++) {
        ok = pthread_create(&s->workers[i], &attr, worker_main, s) == 0;
        s->nworkers += ok;
    }
    // Argon2id runs here, one at a time: its 64 MiB are needed once, not per login.
    ok = ok && (s->slow_started = pthread_create(&s->slow, &attr, slow_main, s) == 0);
    pthread_attr_destroy(&attr);
    ok = ok && (s->io_started = pthread_create(&s->io, NULL, io_main, s) == 0);
    if (!ok) {
        *out = s;
        hub_server_stop(out);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "cannot start the server's threads");
    }
    *out = s;
    return STOA_OK;
}

void hub_server_stop(hub_server **ps)
{
    if (!ps || !*ps)
        return;
    hub_server *s = *ps;
    if (s->io_started) {
        pthread_mutex_lock(&s->mu);
        s->stop_io = true;
        pthread_mutex_unlock(&s->mu);
        hub_srv_wake(s);
        pthread_join(s->io, NULL);
    }
    pthread_mutex_lock(&s->mu);
    s->stop_workers = true;
    pthread_cond_broadcast(&s->cv);
    pthread_cond_broadcast(&s->slow_cv);
    pthread_mutex_unlock(&s->mu);
    for (int i = 0; i < s->nworkers; i++)
        pthread_join(s->workers[i], NULL);
    if (s->slow_started)
        pthread_join(s->slow, NULL);
    free_server(s);
    *ps = NULL;
}
