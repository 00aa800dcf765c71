// SPDX-License-Identifier: Apache-2.0
// The hub's server: reading request heads and bodies, WebSocket frames,
// accepting connections (caps per address, eviction) and the deadlines.
#define _GNU_SOURCE // accept4
#include "hub_server_internal.h"

// ---- requests ---------------------------------------------------------------------------------

static void dispatch_request(hub_server *s, conn *c) // mu held
{
    hub_request *r = c->req;
    r->srv = s;
    r->conn = hub_srv_conn_id(s, c);
    snprintf(r->remote, sizeof r->remote, "%s", c->remote);
    memcpy(r->addr_key, c->addr_key, 16);
    r->loopback = c->loopback;
    r->body = c->body ? c->body : "";
    r->body_len = c->body_got;
    r->local_port = s->port;
    bool slow = s->cb.is_slow && s->cb.is_slow(s->cb.user, &r->head);
    if (slow && s->s_len >= s->d.slow_queue) {
        s->stats.slow_busy++;
        hub_srv_answer_error(s, c, 503, "busy: try again in a few seconds");
        return;
    }
    job *j = calloc(1, sizeof *j);
    if (!j) {
        hub_srv_answer_error(s, c, 503, "out of memory");
        return;
    }
    *j = (job){.kind = J_REQ, .id = r->conn, .req = r};
    c->job = true;
    c->state = C_BUSY;
    c->t_state = hub_srv_now_ns();
    hub_srv_push_job(s, j, slow);
}

// A refusal of a request whose head was read: with the application's headers.
static void refuse(hub_server *s, conn *c, int status, const char *message)
{
    char extra[512] = "";
    if (s->cb.refusal_headers)
        s->cb.refusal_headers(s->cb.user, &c->req->head, extra, sizeof extra);
    hub_srv_answer_error_h(s, c, status, message, extra);
}

static void head_complete(hub_server *s, conn *c, size_t head_len) // mu held
{
    hub_http_head *h = &c->req->head;
    c->in_off = head_len;
    size_t limit = s->cb.body_limit ? s->cb.body_limit(s->cb.user, h) : 0;
    long long cl = h->content_length < 0 ? 0 : h->content_length;
    if (h->upgrade_websocket && cl > 0) {
        refuse(s, c, 400, "an upgrade has no body");
        return;
    }
    if ((unsigned long long)cl > limit) {
        s->stats.too_large++;
        refuse(s, c, 413, "request body too large");
        return;
    }
    if (!hub_srv_reserve(s, (size_t)cl + 1)) {
        refuse(s, c, 503, "busy: try again in a few seconds");
        return;
    }
    c->body_charged = (size_t)cl + 1;
    c->body = malloc((size_t)cl + 1);
    if (!c->body) {
        refuse(s, c, 503, "out of memory");
        return;
    }
    c->body_want = (size_t)cl;
    size_t left = c->in_len - c->in_off, take = left < c->body_want ? left : c->body_want;
    memcpy(c->body, c->in + c->in_off, take);
    c->in_off += take;
    c->body_got = take;
    c->body[c->body_got] = 0;
    c->t_state = hub_srv_now_ns();
    if (c->body_got == c->body_want)
        dispatch_request(s, c);
    else
        c->state = C_BODY;
}

static void read_head(hub_server *s, conn *c) // mu held
{
    size_t max = s->d.max_head + 4;
    for (;;) {
        if (c->in_len == c->in_cap) {
            if (c->in_cap >= max) {
                hub_srv_answer_error(s, c, 431, "request head too large");
                return;
            }
            size_t cap = c->in_cap ? c->in_cap * 2 : 2048;
            if (cap > max)
                cap = max;
            char *g = realloc(c->in, cap + 1);
            if (!g) {
                hub_srv_kill_conn(s, c);
                return;
            }
            c->in = g, c->in_cap = cap;
        }
        ssize_t n = hub_srv_conn_read(c, c->in + c->in_len, c->in_cap - c->in_len);
        if (n == -1)
            return;
        if (n <= 0) {
            hub_srv_kill_conn(s, c);
            return;
        }
        size_t before = c->in_len;
        c->in_len += (size_t)n;
        c->t_rx = hub_srv_now_ns();
        if (!c->req && !(c->req = calloc(1, sizeof *c->req))) {
            hub_srv_kill_conn(s, c);
            return;
        }
        size_t head_len = 0;
        hub_head_result r = hub_http_parse_head(c->in, c->in_len, before, s->d.max_head, &c->req->head, &head_len);
        if (r == HUB_HEAD_INCOMPLETE)
            continue;
        if (r == HUB_HEAD_OK) {
            head_complete(s, c, head_len);
            return;
        }
        static const struct { hub_head_result r; int status; const char *msg; } errs[] = {
            {HUB_HEAD_TOO_LARGE, 431, "request head too large"},
            {HUB_HEAD_METHOD, 405, "method not allowed"},
            {HUB_HEAD_NO_LENGTH, 411, "send a Content-Length, not chunks"},
            {HUB_HEAD_VERSION, 505, "HTTP/1.1 only"},
        };
        int status = 400;
        const char *msg = "malformed request";
        for (size_t i = 0; i < sizeof errs / sizeof *errs; i++)
            if (errs[i].r == r)
                status = errs[i].status, msg = errs[i].msg;
        hub_srv_answer_error(s, c, status, msg);
        return;
    }
}

static void read_body(hub_server *s, conn *c) // mu held
{
    while (c->body_got < c->body_want) {
        ssize_t n = hub_srv_conn_read(c, c->body + c->body_got, c->body_want - c->body_got);
        if (n == -1)
            return;
        if (n <= 0) {
            hub_srv_kill_conn(s, c);
            return;
        }
        c->body_got += (size_t)n;
        c->t_rx = hub_srv_now_ns();
    }
    c->body[c->body_got] = 0;
    dispatch_request(s, c);
}

// ---- WebSocket frames --------------------------------------------------------------------------

void hub_srv_dispatch_frame(hub_server *s, conn *c, hub_ws_frame f) // mu held
{
    job *j = calloc(1, sizeof *j);
    if (!j) {
        hub_srv_release(s, f.len + 1);
        free(f.payload);
        hub_srv_ws_refuse(s, c, "busy", 1013);
        return;
    }
    *j = (job){.kind = J_WS, .id = hub_srv_conn_id(s, c), .f = f, .tag = c->tag};
    c->job = true;
    hub_srv_push_job(s, j, false);
}

static void take_frame(hub_server *s, conn *c, hub_ws_frame f) // mu held
{
    if (f.opcode == 9 || f.opcode == 10 || f.opcode == 8) {
        if (f.opcode == 9)
            hub_srv_ws_queue(s, c, 10, f.payload, f.len, true);
        else if (f.opcode == 8 && !c->want_close) {
            hub_srv_ws_queue(s, c, 8, f.payload, f.len >= 2 ? 2 : 0, true);
            c->want_close = true;
        }
        hub_srv_release(s, f.len + 1);
        free(f.payload);
        return;
    }
    if (c->want_close) { // closing: nothing more is handled
        hub_srv_release(s, f.len + 1);
        free(f.payload);
        return;
    }
    if (c->job) {
        c->pending = f;
        c->has_pending = true;
    } else {
        hub_srv_dispatch_frame(s, c, f);
    }
}

// Feeds bytes to the frame reader until they are used up or a frame must
// wait; returns how many were used.
static size_t feed_ws(hub_server *s, conn *c, const uint8_t *data, size_t len) // mu held
{
    size_t off = 0;
    while (off < len && !c->has_pending && !c->want_close && !c->dead) {
        size_t used = 0;
        hub_ws_frame f;
        int code = 0;
        hub_ws_event ev = hub_ws_reader_feed(&c->wsr, data + off, len - off, &used, &f, &code, hub_srv_reserve_cb, s);
        off += used;
        if (ev == HUB_WS_ERROR) {
            hub_srv_release(s, hub_ws_reader_reset(&c->wsr));
            if (code == 1009)
                s->stats.too_large++;
            hub_srv_ws_refuse(s, c, code == 1009 ? "too_large" : code == 1013 ? "busy" : "protocol", code);
            return len; // the rest is not read
        }
        if (ev == HUB_WS_FRAME)
            take_frame(s, c, f);
    }
    return off;
}

void hub_srv_read_ws(hub_server *s, conn *c) // mu held
{
    // Bytes kept from before (after the upgrade head, or when a frame had to wait).
    if (c->in_off < c->in_len) {
        c->in_off += feed_ws(s, c, (const uint8_t *)c->in + c->in_off, c->in_len - c->in_off);
        if (c->in_off < c->in_len)
            return;
    }
    free(c->in);
    c->in = NULL;
    c->in_len = c->in_cap = c->in_off = 0;
    uint8_t buf[READ_CHUNK];
    while (!c->has_pending && !c->want_close && !c->dead) {
        ssize_t n = hub_srv_conn_read(c, buf, sizeof buf);
        if (n == -1)
            return;
        if (n <= 0) {
            hub_srv_kill_conn(s, c);
            return;
        }
        c->t_rx = hub_srv_now_ns();
        size_t used = feed_ws(s, c, buf, (size_t)n);
        if (used < (size_t)n && !c->want_close) { // keep the rest for later
            c->in = malloc((size_t)n - used);
            if (!c->in) {
                hub_srv_kill_conn(s, c);
                return;
            }
            memcpy(c->in, buf + used, (size_t)n - used);
            c->in_len = c->in_cap = (size_t)n - used;
            c->in_off = 0;
        }
    }
}

static void read_linger(hub_server *s, conn *c) // mu held
{
    uint8_t buf[READ_CHUNK];
    for (;;) {
        ssize_t n = hub_srv_conn_read(c, buf, sizeof buf);
        if (n == -1)
            return;
        if (n <= 0 || (c->lingered += (size_t)n) > LINGER_MAX_BYTES) {
            hub_srv_kill_conn(s, c);
            return;
        }
    }
}

void hub_srv_do_tls(hub_server *s, conn *c) // mu held
{
    ERR_clear_error();
    c->ssl_want_write = false;
    int r = SSL_accept(c->ssl);
    if (r == 1) {
        c->state = C_HEAD;
        c->t_state = hub_srv_now_ns();
        read_head(s, c);
        return;
    }
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ)
        return;
    if (e == SSL_ERROR_WANT_WRITE) {
        c->ssl_want_write = true;
        return;
    }
    hub_srv_kill_conn(s, c);
}

void hub_srv_on_readable(hub_server *s, conn *c) // mu held
{
    switch (c->state) {
    case C_TLS: hub_srv_do_tls(s, c); break;
    case C_HEAD: read_head(s, c); break;
    case C_BODY: read_body(s, c); break;
    case C_WS: hub_srv_read_ws(s, c); break;
    case C_LINGER: read_linger(s, c); break;
    default: break;
    }
}

// ---- accepting ------------------------------------------------------------------------------------

static void addr_key_of(const struct sockaddr_storage *ss, uint8_t key[16], char *text, size_t size, bool *loopback)
{
    memset(key, 0, 16);
    *loopback = false;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)ss;
        memcpy(key + 12, &in->sin_addr, 4);
        key[10] = key[11] = 0xff;
        inet_ntop(AF_INET, &in->sin_addr, text, (socklen_t)size);
        *loopback = ntohl(in->sin_addr.s_addr) == 0x7f000001; // this machine (127.0.x.y stand for others in tests)
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)ss;
        const uint8_t *a = in6->sin6_addr.s6_addr;
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(a, mapped, 12) == 0) {
            memcpy(key, a, 16);
            inet_ntop(AF_INET, a + 12, text, (socklen_t)size);
            *loopback = a[12] == 127 && a[13] == 0 && a[14] == 0 && a[15] == 1;
        } else {
            memcpy(key, a, 8); // one /64 is one client: it can pick any address in it
            inet_ntop(AF_INET6, a, text, (socklen_t)size);
            *loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
            if (*loopback)
                memcpy(key, a, 16);
        }
    } else {
        snprintf(text, size, "?");
    }
}

// The oldest connection that has not shown a credential yet (mu held).
static conn *eviction_candidate(hub_server *s)
{
    conn *best = NULL;
    for (int i = 0; i < s->nslots; i++) {
        conn *c = &s->conns[i];
        bool preauth = c->state == C_TLS || c->state == C_HEAD || c->state == C_BODY ||
                       c->state == C_LINGER || (c->state == C_WS && c->tag == 0 && !c->job);
        if (c->live && preauth && (!best || c->t_accept < best->t_accept))
            best = c;
    }
    return best;
}

void hub_srv_do_accept(hub_server *s)
{
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept4(s->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                // Out of descriptors: stop accepting for a moment rather than spin.
                struct epoll_event e = {.events = 0, .data.u32 = UINT32_MAX};
                epoll_ctl(s->epfd, EPOLL_CTL_MOD, s->lfd, &e);
                s->accept_paused = true;
                s->accept_resume_ns = hub_srv_now_ns() + 100 * MS;
            }
            return;
        }
        uint8_t key[16];
        char text[64];
        bool loopback;
        addr_key_of(&ss, key, text, sizeof text, &loopback);
        pthread_mutex_lock(&s->mu);
        addr_count *a = hub_srv_addr_entry(s, key, false);
        if (a && a->count >= s->d.max_per_address) {
            s->stats.refused_address++;
            pthread_mutex_unlock(&s->mu);
            close(fd);
            continue;
        }
        if (s->live >= s->d.max_connections) {
            conn *victim = eviction_candidate(s);
            if (victim) {
                s->stats.evicted++;
                hub_srv_kill_conn(s, victim);
            }
        }
        conn *c = NULL;
        for (int i = 0; i < s->nslots && !c && s->live < s->d.max_connections; i++)
            if (s->conns[i].state == C_FREE)
                c = &s->conns[i];
        if (!c) {
            s->stats.refused_full++;
            pthread_mutex_unlock(&s->mu);
            close(fd);
            continue;
        }
        uint32_t gen = c->gen;
        memset(c, 0, sizeof *c);
        c->gen = gen ? gen : 1;
        c->fd = fd;
        c->live = true;
        s->live++;
        memcpy(c->addr_key, key, 16);
        snprintf(c->remote, sizeof c->remote, "%s", text);
        c->loopback = loopback;
        c->t_accept = c->t_state = c->t_rx = c->t_tx = hub_srv_now_ns();
        c->wsr.max_payload = s->d.max_ws_payload;
        hub_srv_addr_entry(s, key, true)->count++;
        s->stats.accepted++;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->state = C_HEAD;
        if (s->ssl_ctx) {
            c->ssl = SSL_new(s->ssl_ctx);
            if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) {
                hub_srv_kill_conn(s, c);
                pthread_mutex_unlock(&s->mu);
                continue;
            }
            SSL_set_accept_state(c->ssl);
            c->state = C_TLS;
        }
        c->events = EPOLLIN;
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)(c - s->conns)};
        if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &e) != 0)
            hub_srv_kill_conn(s, c);
        pthread_mutex_unlock(&s->mu);
    }
}

// ---- deadlines ---------------------------------------------------------------------------------------

void hub_srv_tick(hub_server *s)
{
    int64_t now = hub_srv_now_ns();
    pthread_mutex_lock(&s->mu);
    if (s->accept_paused && now >= s->accept_resume_ns) {
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
        epoll_ctl(s->epfd, EPOLL_CTL_MOD, s->lfd, &e);
        s->accept_paused = false;
    }
    for (int i = 0; i < s->nslots; i++) {
        conn *c = &s->conns[i];
        if (c->state == C_FREE || c->dead)
            continue;
        bool expired = false;
        switch (c->state) {
        case C_TLS:
        case C_HEAD:
            expired = now - c->t_accept > (int64_t)s->d.header_timeout_ms * MS;
            break;
        case C_BODY:
            expired = now - c->t_state > (int64_t)s->d.body_timeout_ms * MS;
            break;
        case C_WRITE:
            expired = now - c->t_tx > (int64_t)s->d.write_timeout_ms * MS;
            break;
        case C_LINGER:
            expired = now - c->t_state > LINGER_NS;
            break;
        case C_WS:
            if (c->out && now - c->t_tx > (int64_t)s->d.write_timeout_ms * MS) {
                expired = true; // it stopped reading
            } else if (!c->want_close && c->tag == 0 && !c->job &&
                       now - c->t_state > (int64_t)s->d.ws_hello_timeout_ms * MS) {
                s->stats.timeouts++;
                hub_srv_ws_refuse(s, c, "hello_timeout", 1008);
                hub_srv_mark_dirty(s, c);
            } else if (!c->want_close && !c->job && !c->has_pending &&
                       now - c->t_rx > (int64_t)s->d.ws_idle_timeout_ms * MS) {
                s->stats.timeouts++;
                hub_srv_ws_refuse(s, c, "idle", 1001);
                hub_srv_mark_dirty(s, c);
            } else if (c->want_close && now - c->t_tx > (int64_t)s->d.write_timeout_ms * MS) {
                expired = true;
            }
            break;
        default:
            break;
        }
        if (expired) {
            s->stats.timeouts++;
            hub_srv_kill_conn(s, c);
        }
    }
    pthread_mutex_unlock(&s->mu);
}
