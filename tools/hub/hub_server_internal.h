// SPDX-License-Identifier: Apache-2.0
// Private to the hub's server (hub_server*.c): its types and the functions
// its files share. Locking: `mu` guards the connection table's shared parts
// (state, flags, output queues), the job queues and the counters. Only the
// I/O thread touches sockets, TLS objects, input buffers and the WebSocket
// readers, and only it closes file descriptors; workers queue output and
// flags under `mu` and wake it through an eventfd.
//   hub_server_conn.c   memory budget, connection slots, output, socket I/O
//   hub_server_input.c  request heads and bodies, WebSocket frames, accepting,
//                       deadlines
//   hub_server.c        the I/O thread, workers, the handlers' API, start/stop
#pragma once

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
#define FILE_CHUNK 65536               // a file answer's bytes in memory per connection

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
    // a file answer's body (hub_server_respond_file), read a chunk at a time
    // as the client takes the previous one
    bool file_on;
    int file_fd;
    uint64_t file_left;
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

// ---- hub_server_conn.c
addr_count *hub_srv_addr_entry(hub_server *s, const uint8_t key[16], bool add);
void hub_srv_answer_error(hub_server *s, conn *c, int status, const char *message);
// The same with more header lines (the refusal_headers callback's).
void hub_srv_answer_error_h(hub_server *s, conn *c, int status, const char *message, const char *extra);
bool hub_srv_append_out(hub_server *s, conn *c, const void *a, size_t al, const void *b, size_t bl, bool force);
uint64_t hub_srv_conn_id(hub_server *s, const conn *c);
ssize_t hub_srv_conn_read(conn *c, void *buf, size_t n);
void hub_srv_flush(hub_server *s, conn *c);
void hub_srv_kill_conn(hub_server *s, conn *c);
conn *hub_srv_lookup(hub_server *s, uint64_t id);
void hub_srv_mark_dirty(hub_server *s, conn *c);
void hub_srv_maybe_free(hub_server *s, conn *c);
int64_t hub_srv_now_ns(void);
void hub_srv_push_job(hub_server *s, job *j, bool slow);
void hub_srv_release(hub_server *s, size_t n);
bool hub_srv_reserve(hub_server *s, size_t n);
bool hub_srv_reserve_cb(void *user, size_t n);
void hub_srv_update_events(hub_server *s, conn *c);
void hub_srv_wake(hub_server *s);
bool hub_srv_ws_queue(hub_server *s, conn *c, int opcode, const void *data, size_t len, bool force);
void hub_srv_ws_refuse(hub_server *s, conn *c, const char *why, int code);

// ---- hub_server_input.c
void hub_srv_dispatch_frame(hub_server *s, conn *c, hub_ws_frame f);
void hub_srv_do_accept(hub_server *s);
void hub_srv_do_tls(hub_server *s, conn *c);
void hub_srv_on_readable(hub_server *s, conn *c);
void hub_srv_read_ws(hub_server *s, conn *c);
void hub_srv_tick(hub_server *s);

