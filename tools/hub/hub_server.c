// SPDX-License-Identifier: Apache-2.0
// The hub's server (hub_server.h): one epoll I/O thread, worker threads,
// bounded everything. Locking: `mu` guards the connection table's shared
// parts (state, flags, output queues), the job queues and the counters.
// Only the I/O thread touches sockets, TLS objects, input buffers and the
// WebSocket readers, and only it closes file descriptors; workers queue
// output and flags under `mu` and wake it through an eventfd.
#define _GNU_SOURCE // accept4
#include "hub_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "core/stoa_log.h"

#define MS 1000000LL
#define LINGER_NS (2000 * MS)           // after the answer: drain what the client still sends
#define LINGER_MAX_BYTES (4u << 20)
#define SMALL_ANSWER 4096               // error answers go out even over the budget
#define READ_CHUNK 16384

typedef struct outbuf {
    struct outbuf *next;
    size_t len, off;
    uint8_t data[];
} outbuf;

typedef enum cstate {
    C_FREE = 0,
    C_TLS,    // TLS handshake
    C_HEAD,   // reading the request head
    C_BODY,   // reading the body
    C_BUSY,   // a handler has the request
    C_WRITE,  // sending the answer, then closing
    C_LINGER, // answer sent, write side shut: draining, then closing
    C_WS,     // WebSocket
} cstate;

typedef struct conn {
    uint32_t gen;
    cstate state;
    int fd;
    SSL *ssl;
    bool live;        // counts against the caps (false once closed)
    bool dead;        // socket closed; the slot waits for its jobs
    bool job;         // a job in flight
    bool ws_open;     // upgraded: on_ws_close is owed
    bool close_sent;  // on_ws_close dispatched
    bool want_close;  // close once the output is flushed
    bool kill;        // a worker asked the I/O thread to close it now
    bool dirty;
    bool ssl_want_write;
    uint32_t events;
    uint8_t addr_key[16];
    char remote[64];
    bool loopback;
    int64_t t_accept, t_state, t_rx, t_tx;
    size_t lingered;
    // the head, then (WebSocket) bytes read but not yet fed
    char *in;
    size_t in_len, in_cap, in_off;
    hub_request *req;
    char *body;
    size_t body_want, body_got, body_charged;
    // WebSocket
    hub_ws_reader wsr;
    hub_ws_frame pending;
    bool has_pending;
    int64_t tag;
    // output
    outbuf *out, *out_tail;
    size_t out_bytes;
} conn;

typedef enum jkind { J_REQ, J_WS, J_CLOSE } jkind;

typedef struct job {
    struct job *next;
    jkind kind;
    uint64_t id;
    hub_request *req;
    hub_ws_frame f;
    int64_t tag;
} job;

typedef struct addr_count {
    uint8_t key[16];
    int count;
} addr_count;

struct hub_server {
    hub_server_desc d;
    hub_server_callbacks cb;
    int lfd, epfd, evfd, port;
    SSL_CTX *ssl_ctx;
    pthread_t io, slow;
    pthread_t *workers;
    int nworkers;
    bool io_started, slow_started;
    pthread_mutex_t mu;
    pthread_cond_t cv, slow_cv;
    bool stop_io, stop_workers;
    conn *conns;
    int nslots, live;
    job *q_head, *q_tail, *s_head, *s_tail;
    int s_len;
    int *dirty;
    int ndirty;
    bool dirty_all;
    addr_count *addrs;
    int naddrs;
    atomic_size_t inflight, peak;
    hub_server_stats stats;
    bool accept_paused;
    int64_t accept_resume_ns;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// ---- the memory budget -------------------------------------------------------------

static bool reserve(hub_server *s, size_t n)
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

static void release(hub_server *s, size_t n)
{
    if (n)
        atomic_fetch_sub(&s->inflight, n);
}

static bool reserve_cb(void *user, size_t n) { return reserve(user, n); }

// ---- connections ------------------------------------------------------------------------

static uint64_t conn_id(hub_server *s, const conn *c)
{
    return (uint64_t)c->gen << 32 | (uint64_t)(c - s->conns);
}

static conn *lookup(hub_server *s, uint64_t id) // mu held
{
    uint32_t slot = (uint32_t)id, gen = (uint32_t)(id >> 32);
    if (slot >= (uint32_t)s->nslots)
        return NULL;
    conn *c = &s->conns[slot];
    return c->state != C_FREE && c->gen == gen ? c : NULL;
}

static void wake(hub_server *s)
{
    uint64_t one = 1;
    ssize_t r = write(s->evfd, &one, sizeof one);
    (void)r;
}

static void mark_dirty(hub_server *s, conn *c) // mu held
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

static addr_count *addr_entry(hub_server *s, const uint8_t key[16], bool add)
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
    addr_count *a = addr_entry(s, key, false);
    if (a && --a->count <= 0)
        *a = s->addrs[--s->naddrs];
}

static void free_out(hub_server *s, conn *c)
{
    for (outbuf *b = c->out, *n; b; b = n) {
        n = b->next;
        release(s, b->len);
        free(b);
    }
    c->out = c->out_tail = NULL;
    c->out_bytes = 0;
}

static void push_job(hub_server *s, job *j, bool slow) // mu held
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
static void maybe_free(hub_server *s, conn *c)
{
    if (!c->dead || c->job)
        return;
    if (c->ws_open && !c->close_sent) {
        job *j = calloc(1, sizeof *j);
        if (j) {
            c->close_sent = true;
            c->job = true;
            *j = (job){.kind = J_CLOSE, .id = conn_id(s, c), .tag = c->tag};
            push_job(s, j, false);
            return;
        }
    }
    free(c->in);
    free(c->req);
    free(c->body);
    release(s, c->body_charged);
    if (c->has_pending) {
        release(s, c->pending.len + 1);
        free(c->pending.payload);
    }
    uint32_t gen = c->gen + 1;
    memset(c, 0, sizeof *c);
    c->gen = gen ? gen : 1;
    c->fd = -1;
}

// Closes the socket now (I/O thread; mu held). The slot stays until jobs end.
static void kill_conn(hub_server *s, conn *c)
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
    release(s, hub_ws_reader_reset(&c->wsr));
    if (!c->job) { // a handler may still read the request and its body
        release(s, c->body_charged);
        c->body_charged = 0;
    }
    if (c->state == C_WS)
        s->stats.websockets--;
    maybe_free(s, c);
}

// ---- output -------------------------------------------------------------------------------

static bool append_out(hub_server *s, conn *c, const void *a, size_t al, const void *b, size_t bl, bool force)
{
    size_t n = al + bl;
    if (force)
        charge(s, n);
    else if (!reserve(s, n))
        return false;
    outbuf *o = malloc(sizeof *o + n);
    if (!o) {
        release(s, n);
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
static void answer_error(hub_server *s, conn *c, int status, const char *message)
{
    char body[256], head[512];
    int bl = snprintf(body, sizeof body, "{\"error\":\"%s\"}", message);
    int hl = snprintf(head, sizeof head,
                      "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                      "Content-Length: %d\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n"
                      "%sConnection: close\r\n\r\n",
                      status, reason(status), bl, status == 503 ? "Retry-After: 5\r\n" : "");
    append_out(s, c, head, (size_t)hl, body, (size_t)bl, true);
    c->state = C_WRITE;
    c->t_state = c->t_tx = now_ns();
    c->want_close = true;
}

static bool ws_queue(hub_server *s, conn *c, int opcode, const void *data, size_t len, bool force)
{
    uint8_t h[10];
    size_t hl = hub_ws_frame_header(h, opcode, len);
    if (!force && c->out_bytes + hl + len > s->d.ws_send_queue)
        return false;
    return append_out(s, c, h, hl, data, len, force);
}

// The server's own close of a WebSocket: a reason text, then the close frame.
static void ws_refuse(hub_server *s, conn *c, const char *why, int code)
{
    if (c->want_close)
        return;
    if (s->d.ws_error_format) {
        char msg[160];
        int n = snprintf(msg, sizeof msg, s->d.ws_error_format, why);
        if (n > 0 && (size_t)n < sizeof msg)
            ws_queue(s, c, 1, msg, (size_t)n, true);
    }
    uint8_t cc[2] = {(uint8_t)(code >> 8), (uint8_t)code};
    ws_queue(s, c, 8, cc, 2, true);
    c->want_close = true;
    c->t_tx = now_ns();
}

// ---- socket I/O (I/O thread) --------------------------------------------------------------

// > 0 bytes, 0 end of stream, -1 would block, -2 error
static ssize_t conn_read(conn *c, void *buf, size_t n)
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

static void update_events(hub_server *s, conn *c) // mu held
{
    if (c->dead || c->fd < 0)
        return;
    bool in = false;
    switch (c->state) {
    case C_TLS: case C_HEAD: case C_BODY: case C_LINGER: in = true; break;
    case C_WS: in = !c->has_pending && !c->want_close; break;
    default: break;
    }
    bool out = c->out != NULL || c->ssl_want_write;
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
    c->t_state = now_ns();
    (void)s;
}

static void flush(hub_server *s, conn *c) // mu held (the syscalls do not block)
{
    c->ssl_want_write = false;
    while (c->out && !c->dead) {
        outbuf *b = c->out;
        ssize_t w = conn_write(c, b->data + b->off, b->len - b->off);
        if (w == -1)
            break;
        if (w < 0) {
            kill_conn(s, c);
            return;
        }
        c->t_tx = now_ns();
        b->off += (size_t)w;
        if (b->off == b->len) {
            c->out = b->next;
            if (!c->out)
                c->out_tail = NULL;
            c->out_bytes -= b->len;
            release(s, b->len);
            free(b);
        }
    }
    if (!c->dead && !c->out && c->want_close && (c->state == C_WRITE || c->state == C_WS)) {
        if (c->state == C_WS)
            s->stats.websockets--;
        start_linger(s, c);
    }
}

// ---- requests ---------------------------------------------------------------------------------

static void dispatch_request(hub_server *s, conn *c) // mu held
{
    hub_request *r = c->req;
    r->srv = s;
    r->conn = conn_id(s, c);
    snprintf(r->remote, sizeof r->remote, "%s", c->remote);
    memcpy(r->addr_key, c->addr_key, 16);
    r->loopback = c->loopback;
    r->body = c->body ? c->body : "";
    r->body_len = c->body_got;
    r->local_port = s->port;
    bool slow = s->cb.is_slow && s->cb.is_slow(s->cb.user, &r->head);
    if (slow && s->s_len >= s->d.slow_queue) {
        s->stats.slow_busy++;
        answer_error(s, c, 503, "busy: try again in a few seconds");
        return;
    }
    job *j = calloc(1, sizeof *j);
    if (!j) {
        answer_error(s, c, 503, "out of memory");
        return;
    }
    *j = (job){.kind = J_REQ, .id = r->conn, .req = r};
    c->job = true;
    c->state = C_BUSY;
    c->t_state = now_ns();
    push_job(s, j, slow);
}

static void head_complete(hub_server *s, conn *c, size_t head_len) // mu held
{
    hub_http_head *h = &c->req->head;
    c->in_off = head_len;
    size_t limit = s->cb.body_limit ? s->cb.body_limit(s->cb.user, h) : 0;
    long long cl = h->content_length < 0 ? 0 : h->content_length;
    if (h->upgrade_websocket && cl > 0) {
        answer_error(s, c, 400, "an upgrade has no body");
        return;
    }
    if ((unsigned long long)cl > limit) {
        s->stats.too_large++;
        answer_error(s, c, 413, "request body too large");
        return;
    }
    if (!reserve(s, (size_t)cl + 1)) {
        answer_error(s, c, 503, "busy: try again in a few seconds");
        return;
    }
    c->body_charged = (size_t)cl + 1;
    c->body = malloc((size_t)cl + 1);
    if (!c->body) {
        answer_error(s, c, 503, "out of memory");
        return;
    }
    c->body_want = (size_t)cl;
    size_t left = c->in_len - c->in_off, take = left < c->body_want ? left : c->body_want;
    memcpy(c->body, c->in + c->in_off, take);
    c->in_off += take;
    c->body_got = take;
    c->body[c->body_got] = 0;
    c->t_state = now_ns();
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
                answer_error(s, c, 431, "request head too large");
                return;
            }
            size_t cap = c->in_cap ? c->in_cap * 2 : 2048;
            if (cap > max)
                cap = max;
            char *g = realloc(c->in, cap + 1);
            if (!g) {
                kill_conn(s, c);
                return;
            }
            c->in = g, c->in_cap = cap;
        }
        ssize_t n = conn_read(c, c->in + c->in_len, c->in_cap - c->in_len);
        if (n == -1)
            return;
        if (n <= 0) {
            kill_conn(s, c);
            return;
        }
        size_t before = c->in_len;
        c->in_len += (size_t)n;
        c->t_rx = now_ns();
        if (!c->req && !(c->req = calloc(1, sizeof *c->req))) {
            kill_conn(s, c);
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
        answer_error(s, c, status, msg);
        return;
    }
}

static void read_body(hub_server *s, conn *c) // mu held
{
    while (c->body_got < c->body_want) {
        ssize_t n = conn_read(c, c->body + c->body_got, c->body_want - c->body_got);
        if (n == -1)
            return;
        if (n <= 0) {
            kill_conn(s, c);
            return;
        }
        c->body_got += (size_t)n;
        c->t_rx = now_ns();
    }
    c->body[c->body_got] = 0;
    dispatch_request(s, c);
}

// ---- WebSocket frames --------------------------------------------------------------------------

static void dispatch_frame(hub_server *s, conn *c, hub_ws_frame f) // mu held
{
    job *j = calloc(1, sizeof *j);
    if (!j) {
        release(s, f.len + 1);
        free(f.payload);
        ws_refuse(s, c, "busy", 1013);
        return;
    }
    *j = (job){.kind = J_WS, .id = conn_id(s, c), .f = f, .tag = c->tag};
    c->job = true;
    push_job(s, j, false);
}

static void take_frame(hub_server *s, conn *c, hub_ws_frame f) // mu held
{
    if (f.opcode == 9 || f.opcode == 10 || f.opcode == 8) {
        if (f.opcode == 9)
            ws_queue(s, c, 10, f.payload, f.len, true);
        else if (f.opcode == 8 && !c->want_close) {
            ws_queue(s, c, 8, f.payload, f.len >= 2 ? 2 : 0, true);
            c->want_close = true;
        }
        release(s, f.len + 1);
        free(f.payload);
        return;
    }
    if (c->want_close) { // closing: nothing more is handled
        release(s, f.len + 1);
        free(f.payload);
        return;
    }
    if (c->job) {
        c->pending = f;
        c->has_pending = true;
    } else {
        dispatch_frame(s, c, f);
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
        hub_ws_event ev = hub_ws_reader_feed(&c->wsr, data + off, len - off, &used, &f, &code, reserve_cb, s);
        off += used;
        if (ev == HUB_WS_ERROR) {
            release(s, hub_ws_reader_reset(&c->wsr));
            if (code == 1009)
                s->stats.too_large++;
            ws_refuse(s, c, code == 1009 ? "too_large" : code == 1013 ? "busy" : "protocol", code);
            return len; // the rest is not read
        }
        if (ev == HUB_WS_FRAME)
            take_frame(s, c, f);
    }
    return off;
}

static void read_ws(hub_server *s, conn *c) // mu held
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
        ssize_t n = conn_read(c, buf, sizeof buf);
        if (n == -1)
            return;
        if (n <= 0) {
            kill_conn(s, c);
            return;
        }
        c->t_rx = now_ns();
        size_t used = feed_ws(s, c, buf, (size_t)n);
        if (used < (size_t)n && !c->want_close) { // keep the rest for later
            c->in = malloc((size_t)n - used);
            if (!c->in) {
                kill_conn(s, c);
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
        ssize_t n = conn_read(c, buf, sizeof buf);
        if (n == -1)
            return;
        if (n <= 0 || (c->lingered += (size_t)n) > LINGER_MAX_BYTES) {
            kill_conn(s, c);
            return;
        }
    }
}

static void do_tls(hub_server *s, conn *c) // mu held
{
    ERR_clear_error();
    c->ssl_want_write = false;
    int r = SSL_accept(c->ssl);
    if (r == 1) {
        c->state = C_HEAD;
        c->t_state = now_ns();
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
    kill_conn(s, c);
}

static void on_readable(hub_server *s, conn *c) // mu held
{
    switch (c->state) {
    case C_TLS: do_tls(s, c); break;
    case C_HEAD: read_head(s, c); break;
    case C_BODY: read_body(s, c); break;
    case C_WS: read_ws(s, c); break;
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

static void do_accept(hub_server *s)
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
                s->accept_resume_ns = now_ns() + 100 * MS;
            }
            return;
        }
        uint8_t key[16];
        char text[64];
        bool loopback;
        addr_key_of(&ss, key, text, sizeof text, &loopback);
        pthread_mutex_lock(&s->mu);
        addr_count *a = addr_entry(s, key, false);
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
                kill_conn(s, victim);
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
        c->t_accept = c->t_state = c->t_rx = c->t_tx = now_ns();
        c->wsr.max_payload = s->d.max_ws_payload;
        addr_entry(s, key, true)->count++;
        s->stats.accepted++;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->state = C_HEAD;
        if (s->ssl_ctx) {
            c->ssl = SSL_new(s->ssl_ctx);
            if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) {
                kill_conn(s, c);
                pthread_mutex_unlock(&s->mu);
                continue;
            }
            SSL_set_accept_state(c->ssl);
            c->state = C_TLS;
        }
        c->events = EPOLLIN;
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)(c - s->conns)};
        if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &e) != 0)
            kill_conn(s, c);
        pthread_mutex_unlock(&s->mu);
    }
}

// ---- deadlines ---------------------------------------------------------------------------------------

static void tick(hub_server *s)
{
    int64_t now = now_ns();
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
                ws_refuse(s, c, "hello_timeout", 1008);
                mark_dirty(s, c);
            } else if (!c->want_close && !c->job && !c->has_pending &&
                       now - c->t_rx > (int64_t)s->d.ws_idle_timeout_ms * MS) {
                s->stats.timeouts++;
                ws_refuse(s, c, "idle", 1001);
                mark_dirty(s, c);
            } else if (c->want_close && now - c->t_tx > (int64_t)s->d.write_timeout_ms * MS) {
                expired = true;
            }
            break;
        default:
            break;
        }
        if (expired) {
            s->stats.timeouts++;
            kill_conn(s, c);
        }
    }
    pthread_mutex_unlock(&s->mu);
}

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
            kill_conn(s, c);
            continue;
        }
        if (c->state == C_BUSY && !c->job) {
            if (c->req && c->req->upgraded) {
                c->state = C_WS;
                c->ws_open = true;
                s->stats.websockets++;
                c->t_state = c->t_rx = now_ns();
                free(c->req);
                c->req = NULL;
                free(c->body);
                c->body = NULL;
                release(s, c->body_charged);
                c->body_charged = 0;
            } else {
                c->state = C_WRITE;
                c->t_state = c->t_tx = now_ns();
                c->want_close = true;
            }
        }
        if (c->state == C_WS && !c->job && c->has_pending) {
            c->has_pending = false;
            dispatch_frame(s, c, c->pending);
        }
        if (c->state == C_WS && !c->has_pending && !c->want_close && !c->dead)
            read_ws(s, c); // what waited in the buffer, and what came meanwhile
        if (!c->dead)
            flush(s, c);
        if (!c->dead)
            update_events(s, c);
    }
    s->ndirty = 0;
}

static void *io_main(void *arg)
{
    hub_server *s = arg;
    struct epoll_event evs[64];
    int64_t last_tick = now_ns();
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
                do_accept(s);
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
                        do_tls(s, c);
                    else
                        flush(s, c);
                }
                if (!c->dead && (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
                    on_readable(s, c);
                if (!c->dead && c->out && c->state != C_BUSY)
                    flush(s, c);
                update_events(s, c);
            }
            pthread_mutex_unlock(&s->mu);
        }
        pthread_mutex_lock(&s->mu);
        process_dirty(s);
        pthread_mutex_unlock(&s->mu);
        int64_t now = now_ns();
        if (now - last_tick >= 100 * MS) {
            tick(s);
            last_tick = now;
            pthread_mutex_lock(&s->mu);
            process_dirty(s);
            pthread_mutex_unlock(&s->mu);
        }
    }
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < s->nslots; i++)
        if (s->conns[i].state != C_FREE)
            kill_conn(s, &s->conns[i]);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

// ---- workers ----------------------------------------------------------------------------------------------

static void finish_job(hub_server *s, job *j)
{
    pthread_mutex_lock(&s->mu);
    conn *c = lookup(s, j->id);
    if (c) {
        c->job = false;
        if (j->kind == J_REQ) {
            if (!j->req->answered && !c->dead)
                answer_error(s, c, 500, "no answer");
            if (c->dead) {
                release(s, c->body_charged);
                c->body_charged = 0;
            }
        }
        if (j->kind == J_CLOSE) {
            c->ws_open = false;
        }
        if (c->dead)
            maybe_free(s, c);
        else
            mark_dirty(s, c);
    }
    pthread_mutex_unlock(&s->mu);
    wake(s);
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
        release(s, j->f.len + 1);
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
    conn *c = lookup(s, req->conn);
    if (c && !c->dead) {
        size_t n = head_len + body_len;
        bool ok = n <= SMALL_ANSWER ? append_out(s, c, head, head_len, body, body_len, true)
                                    : append_out(s, c, head, head_len, body, body_len, false);
        if (!ok) {
            static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                                       "Content-Length: 28\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"
                                       "{\"error\":\"busy: try again\"}\n";
            append_out(s, c, busy, sizeof busy - 1, NULL, 0, true);
        }
    }
    pthread_mutex_unlock(&s->mu);
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
    conn *c = lookup(s, id);
    if (c && !c->dead && c->state == C_WS && !c->want_close) {
        ok = ws_queue(s, c, opcode, data, len, false);
        if (!ok) { // it stopped reading, or the budget is spent: it goes, the others stay
            c->kill = true;
        }
        mark_dirty(s, c);
    }
    pthread_mutex_unlock(&s->mu);
    wake(s);
    return ok;
}

void hub_server_ws_close(hub_server *s, uint64_t id, int code)
{
    pthread_mutex_lock(&s->mu);
    conn *c = lookup(s, id);
    if (c && !c->dead && c->state == C_WS && !c->want_close) {
        uint8_t cc[2] = {(uint8_t)(code >> 8), (uint8_t)code};
        ws_queue(s, c, 8, cc, 2, true);
        c->want_close = true;
        c->t_tx = now_ns();
        mark_dirty(s, c);
    }
    pthread_mutex_unlock(&s->mu);
    wake(s);
}

void hub_server_ws_set_tag(hub_server *s, uint64_t id, int64_t tag)
{
    pthread_mutex_lock(&s->mu);
    conn *c = lookup(s, id);
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
            ws_refuse(s, c, "revoked", 1008);
            mark_dirty(s, c);
            n++;
        }
    }
    pthread_mutex_unlock(&s->mu);
    wake(s);
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
        wake(s);
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
