// SPDX-License-Identifier: Apache-2.0
// The hub's server: the memory budget, connection slots, queued output and
// non-blocking socket I/O (see hub_server_internal.h for the locking rules).
#define _GNU_SOURCE // accept4
#include "hub_server_internal.h"

int64_t hub_srv_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// ---- the memory budget -------------------------------------------------------------

bool hub_srv_reserve(hub_server *s, size_t n)
{
    size_t cur = atomic_load(&s->inflight);
    do {
        if (cur + n > s->d.max_inflight || cur + n < cur)
            return false;
    } while (!atomic_compare_exchange_weak(&s->inflight, &cur, cur + n));
    size_t peak = atomic_load(&s->peak);
    while (cur + n > peak && !atomic_compare_exchange_weak(&s->peak, &peak, cur + n)) {
    }
    return true;
}

static void charge(hub_server *s, size_t n) // may go over: small answers
{
    size_t now = atomic_fetch_add(&s->inflight, n) + n;
    size_t peak = atomic_load(&s->peak);
    while (now > peak && !atomic_compare_exchange_weak(&s->peak, &peak, now)) {
    }
}

void hub_srv_release(hub_server *s, size_t n)
{
    if (n)
        atomic_fetch_sub(&s->inflight, n);
}

bool hub_srv_reserve_cb(void *user, size_t n) { return hub_srv_reserve(user, n); }

// ---- connections ------------------------------------------------------------------------

uint64_t hub_srv_conn_id(hub_server *s, const conn *c)
{
    return (uint64_t)c->gen << 32 | (uint64_t)(c - s->conns);
}

conn *hub_srv_lookup(hub_server *s, uint64_t id) // mu held
{
    uint32_t slot = (uint32_t)id, gen = (uint32_t)(id >> 32);
    if (slot >= (uint32_t)s->nslots)
        return NULL;
    conn *c = &s->conns[slot];
    return c->state != C_FREE && c->gen == gen ? c : NULL;
}

void hub_srv_wake(hub_server *s)
{
    uint64_t one = 1;
    ssize_t r = write(s->evfd, &one, sizeof one);
    (void)r;
}

void hub_srv_mark_dirty(hub_server *s, conn *c) // mu held
{
    if (c->dirty)
        return;
    c->dirty = true;
    // A freed and reused slot may be listed twice; past the array's end
    // everything is looked at once instead.
    if (s->ndirty < s->nslots)
        s->dirty[s->ndirty++] = (int)(c - s->conns);
    else
        s->dirty_all = true;
}

addr_count *hub_srv_addr_entry(hub_server *s, const uint8_t key[16], bool add)
{
    for (int i = 0; i < s->naddrs; i++)
        if (memcmp(s->addrs[i].key, key, 16) == 0)
            return &s->addrs[i];
    if (!add)
        return NULL;
    addr_count *a = &s->addrs[s->naddrs++];
    memcpy(a->key, key, 16);
    a->count = 0;
    return a;
}

static void addr_drop(hub_server *s, const uint8_t key[16])
{
    addr_count *a = hub_srv_addr_entry(s, key, false);
    if (a && --a->count <= 0)
        *a = s->addrs[--s->naddrs];
}

static void close_file(conn *c)
{
    if (c->file_on)
        close(c->file_fd);
    c->file_on = false;
    c->file_left = 0;
}

static void free_out(hub_server *s, conn *c)
{
    close_file(c);
    for (outbuf *b = c->out, *n; b; b = n) {
        n = b->next;
        hub_srv_release(s, b->len);
        free(b);
    }
    c->out = c->out_tail = NULL;
    c->out_bytes = 0;
}

void hub_srv_push_job(hub_server *s, job *j, bool slow) // mu held
{
    j->next = NULL;
    if (slow) {
        if (s->s_tail)
            s->s_tail->next = j;
        else
            s->s_head = j;
        s->s_tail = j;
        s->s_len++;
        pthread_cond_signal(&s->slow_cv);
    } else {
        if (s->q_tail)
            s->q_tail->next = j;
        else
            s->q_head = j;
        s->q_tail = j;
        pthread_cond_signal(&s->cv);
    }
}

// Frees the slot once nothing refers to it (mu held).
void hub_srv_maybe_free(hub_server *s, conn *c)
{
    if (!c->dead || c->job)
        return;
    if (c->ws_open && !c->close_sent) {
        job *j = calloc(1, sizeof *j);
        if (j) {
            c->close_sent = true;
            c->job = true;
            *j = (job){.kind = J_CLOSE, .id = hub_srv_conn_id(s, c), .tag = c->tag};
            hub_srv_push_job(s, j, false);
            return;
        }
    }
    free(c->in);
    free(c->req);
    free(c->body);
    hub_srv_release(s, c->body_charged);
    if (c->has_pending) {
        hub_srv_release(s, c->pending.len + 1);
        free(c->pending.payload);
    }
    uint32_t gen = c->gen + 1;
    memset(c, 0, sizeof *c);
    c->gen = gen ? gen : 1;
    c->fd = -1;
}

// Closes the socket now (I/O thread; mu held). The slot stays until jobs end.
void hub_srv_kill_conn(hub_server *s, conn *c)
{
    if (c->dead)
        return;
    c->dead = true;
    if (c->fd >= 0) {
        epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
        if (c->ssl)
            SSL_free(c->ssl);
        close(c->fd);
    }
    c->ssl = NULL;
    c->fd = -1;
    if (c->live) {
        c->live = false;
        s->live--;
        addr_drop(s, c->addr_key);
    }
    free_out(s, c);
    hub_srv_release(s, hub_ws_reader_reset(&c->wsr));
    if (!c->job) { // a handler may still read the request and its body
        hub_srv_release(s, c->body_charged);
        c->body_charged = 0;
    }
    if (c->state == C_WS)
        s->stats.websockets--;
    hub_srv_maybe_free(s, c);
}

// ---- output -------------------------------------------------------------------------------

bool hub_srv_append_out(hub_server *s, conn *c, const void *a, size_t al, const void *b, size_t bl, bool force)
{
    size_t n = al + bl;
    if (force)
        charge(s, n);
    else if (!hub_srv_reserve(s, n))
        return false;
    outbuf *o = malloc(sizeof *o + n);
    if (!o) {
        hub_srv_release(s, n);
        return false;
    }
    o->next = NULL;
    o->len = n;
    o->off = 0;
    if (al)
        memcpy(o->data, a, al);
    if (bl)
        memcpy(o->data + al, b, bl);
    if (c->out_tail)
        c->out_tail->next = o;
    else
        c->out = o;
    c->out_tail = o;
    c->out_bytes += n;
    return true;
}

static const char *reason(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

// A short JSON error answered by the server itself, then close (mu held).
void hub_srv_answer_error(hub_server *s, conn *c, int status, const char *message)
{
    hub_srv_answer_error_h(s, c, status, message, "");
}

void hub_srv_answer_error_h(hub_server *s, conn *c, int status, const char *message, const char *extra)
{
    char body[256], head[1024];
    int bl = snprintf(body, sizeof body, "{\"error\":\"%s\"}", message);
    int hl = snprintf(head, sizeof head,
                      "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                      "Content-Length: %d\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n"
                      "%s%sConnection: close\r\n\r\n",
                      status, reason(status), bl, status == 503 ? "Retry-After: 5\r\n" : "", extra);
    hub_srv_append_out(s, c, head, (size_t)hl, body, (size_t)bl, true);
    c->state = C_WRITE;
    c->t_state = c->t_tx = hub_srv_now_ns();
    c->want_close = true;
}

bool hub_srv_ws_queue(hub_server *s, conn *c, int opcode, const void *data, size_t len, bool force)
{
    uint8_t h[10];
    size_t hl = hub_ws_frame_header(h, opcode, len);
    if (!force && c->out_bytes + hl + len > s->d.ws_send_queue)
        return false;
    return hub_srv_append_out(s, c, h, hl, data, len, force);
}

// The server's own close of a WebSocket: a reason text, then the close frame.
void hub_srv_ws_refuse(hub_server *s, conn *c, const char *why, int code)
{
    if (c->want_close)
        return;
    if (s->d.ws_error_format) {
        char msg[160];
        int n = snprintf(msg, sizeof msg, s->d.ws_error_format, why);
        if (n > 0 && (size_t)n < sizeof msg)
            hub_srv_ws_queue(s, c, 1, msg, (size_t)n, true);
    }
    uint8_t cc[2] = {(uint8_t)(code >> 8), (uint8_t)code};
    hub_srv_ws_queue(s, c, 8, cc, 2, true);
    c->want_close = true;
    c->t_tx = hub_srv_now_ns();
}

// ---- socket I/O (I/O thread) --------------------------------------------------------------

// > 0 bytes, 0 end of stream, -1 would block, -2 error
ssize_t hub_srv_conn_read(conn *c, void *buf, size_t n)
{
    if (c->ssl) {
        ERR_clear_error();
        int r = SSL_read(c->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
        if (r > 0)
            return r;
        int e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_WANT_READ)
            return -1;
        if (e == SSL_ERROR_WANT_WRITE) {
            c->ssl_want_write = true;
            return -1;
        }
        return e == SSL_ERROR_ZERO_RETURN ? 0 : -2;
    }
    ssize_t r = recv(c->fd, buf, n, 0);
    if (r >= 0)
        return r;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1 : -2;
}

static ssize_t conn_write(conn *c, const void *buf, size_t n)
{
    if (c->ssl) {
        ERR_clear_error();
        int r = SSL_write(c->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
        if (r > 0)
            return r;
        int e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
            c->ssl_want_write = e == SSL_ERROR_WANT_WRITE;
            return -1;
        }
        return -2;
    }
    ssize_t r = send(c->fd, buf, n, MSG_NOSIGNAL);
    if (r >= 0)
        return r;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1 : -2;
}

void hub_srv_update_events(hub_server *s, conn *c) // mu held
{
    if (c->dead || c->fd < 0)
        return;
    bool in = false;
    switch (c->state) {
    case C_TLS: case C_HEAD: case C_BODY: case C_LINGER: in = true; break;
    case C_WS: in = !c->has_pending && !c->want_close; break;
    default: break;
    }
    bool out = c->out != NULL || c->file_on || c->ssl_want_write;
    uint32_t ev = (in ? EPOLLIN : 0) | (out ? EPOLLOUT : 0);
    if (ev != c->events) {
        struct epoll_event e = {.events = ev, .data.u32 = (uint32_t)(c - s->conns)};
        epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &e);
        c->events = ev;
    }
}

static void start_linger(hub_server *s, conn *c) // mu held
{
    if (c->ssl)
        SSL_shutdown(c->ssl);
    shutdown(c->fd, SHUT_WR);
    c->state = C_LINGER;
    c->t_state = hub_srv_now_ns();
    (void)s;
}

// The next chunk of a file answer, once what was queued has gone: memory
// stays at one chunk per connection whatever the file's size. A local read
// of 64 KiB is the one blocking call here (the content cache's files).
static bool file_refill(hub_server *s, conn *c)
{
    if (!c->file_on || c->out)
        return c->out != NULL;
    size_t n = c->file_left < FILE_CHUNK ? (size_t)c->file_left : FILE_CHUNK;
    outbuf *o = malloc(sizeof *o + n);
    ssize_t got = o ? read(c->file_fd, o->data, n) : -1;
    if (got <= 0) { // shorter than it said (changed meanwhile): the client sees a cut answer
        free(o);
        hub_srv_kill_conn(s, c);
        return false;
    }
    charge(s, (size_t)got);
    o->next = NULL;
    o->len = (size_t)got;
    o->off = 0;
    c->out = c->out_tail = o;
    c->out_bytes += o->len;
    c->file_left -= (uint64_t)got;
    if (!c->file_left)
        close_file(c);
    return true;
}

void hub_srv_flush(hub_server *s, conn *c) // mu held (the syscalls do not block)
{
    c->ssl_want_write = false;
    while (!c->dead && (c->out || file_refill(s, c))) {
        outbuf *b = c->out;
        ssize_t w = conn_write(c, b->data + b->off, b->len - b->off);
        if (w == -1)
            break;
        if (w < 0) {
            hub_srv_kill_conn(s, c);
            return;
        }
        c->t_tx = hub_srv_now_ns();
        b->off += (size_t)w;
        if (b->off == b->len) {
            c->out = b->next;
            if (!c->out)
                c->out_tail = NULL;
            c->out_bytes -= b->len;
            hub_srv_release(s, b->len);
            free(b);
        }
    }
    if (!c->dead && !c->out && !c->file_on && c->want_close && (c->state == C_WRITE || c->state == C_WS)) {
        if (c->state == C_WS)
            s->stats.websockets--;
        start_linger(s, c);
    }
}
