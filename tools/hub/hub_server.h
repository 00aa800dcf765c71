// SPDX-License-Identifier: Apache-2.0
// The hub's HTTP/1.1 + WebSocket server: one I/O thread that owns every
// socket (epoll, non-blocking, TLS through OpenSSL), a pool of worker threads
// that run the hub's handlers, and one "slow" worker for password hashing.
//
// What a client can hold is bounded by design, not by luck:
//   - connections: a global cap and a per-address cap (IPv4 address, IPv6
//     /64); when the table is full the oldest connection that has not
//     authenticated yet makes room;
//   - time: a head must arrive within header_timeout, a body within
//     body_timeout, a WebSocket's hello within ws_hello_timeout, and an
//     open WebSocket that says nothing for ws_idle_timeout is closed; output
//     that makes no progress for write_timeout closes the connection;
//   - memory: heads are capped (max_head), bodies are capped per request and
//     reserved from one budget for every body, WebSocket payload and
//     queued answer in flight (max_inflight); a WebSocket frame is judged
//     on its header, before its payload is read; a connection's send queue
//     is capped (a headset that stops reading is closed, the others are not
//     delayed: nothing ever waits on a socket);
//   - threads: handlers run on `workers` threads with a stated stack size;
//     a connection has at most one job in flight (it is not read meanwhile),
//     so the job queue is bounded by the connection cap; the slow queue
//     (logins) holds at most slow_queue requests, then answers 503.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stoa_result.h"
#include "hub_proto.h"

typedef struct hub_server hub_server;

typedef struct hub_request {
    hub_server *srv;
    uint64_t conn;
    hub_http_head head;    // method, decoded path, raw query, headers
    char remote[64];       // the client's address as text
    uint8_t addr_key[16];  // the address as counted for limits (IPv4, or IPv6 /64)
    bool loopback;         // from this machine
    const char *body;      // NUL-terminated; "" when none
    size_t body_len;
    int local_port;        // the port the hub listens on
    bool answered;         // set by hub_server_respond / hub_server_ws_accept
    bool upgraded;
} hub_request;

typedef struct hub_server_callbacks {
    void *user;
    // On a worker: answer with hub_server_respond (or hub_server_ws_accept).
    void (*on_request)(void *user, hub_request *req);
    // On the I/O thread, once the head is in (must not block or lock):
    // the largest body this request may have, and whether it goes to the slow queue.
    size_t (*body_limit)(void *user, const hub_http_head *head);
    bool (*is_slow)(void *user, const hub_http_head *head);
    // On the I/O thread (optional): header lines ("Name: v\r\n") for the
    // server's own refusal of a request whose head was read (413, 503).
    void (*refusal_headers)(void *user, const hub_http_head *head, char *out, size_t size);
    // On a worker, one at a time per connection: one complete frame of an
    // upgraded connection (text, binary, or a fragment: fin false), NUL-terminated.
    void (*on_ws_message)(void *user, uint64_t conn, int64_t tag, int opcode, bool fin, char *data,
                          size_t len);
    // On a worker, once, after the connection's last message: it is gone.
    void (*on_ws_close)(void *user, uint64_t conn, int64_t tag);
} hub_server_callbacks;

typedef struct hub_server_desc {
    const char *listen;        // "ADDR:PORT", "[V6]:PORT" or "PORT"
    const char *cert_file;     // PEM certificate + key: TLS (NULL = plain)
    int workers;               // 0 = 8
    size_t worker_stack;       // bytes; 0 = 1 MiB
    int max_connections;       // 0 = 1024
    int max_per_address;       // 0 = 32
    size_t max_inflight;       // bytes of bodies, payloads and answers in flight; 0 = 64 MiB
    size_t max_head;           // request line + headers; 0 = 16 KiB
    size_t max_ws_payload;     // one WebSocket frame; 0 = 256 KiB
    size_t ws_send_queue;      // bytes queued to one WebSocket; 0 = 1 MiB
    int slow_queue;            // 0 = 8
    int header_timeout_ms;     // 0 = 10000
    int body_timeout_ms;       // 0 = 30000
    int ws_hello_timeout_ms;   // 0 = 10000
    int ws_idle_timeout_ms;    // 0 = 20000
    int write_timeout_ms;      // 0 = 20000
    // The text sent before a close the server decides itself, with %s the
    // reason ("too_large", "protocol", "busy", "hello_timeout", "idle"); NULL = none.
    const char *ws_error_format;
} hub_server_desc;

stoa_result hub_server_start(const hub_server_desc *desc, const hub_server_callbacks *cb,
                             hub_server **out, stoa_error *err);
// Closes every connection, waits for the handlers, frees.
void hub_server_stop(hub_server **srv);
int hub_server_port(const hub_server *srv);

// The whole answer (head with its blank line, then body); copied. Under HEAD
// the body is not sent. Answers over the memory budget become a 503.
void hub_server_respond(hub_request *req, const char *head, size_t head_len, const void *body,
                        size_t body_len);
// The head (with its blank line), then `size` bytes read from fd, a chunk
// at a time as the client takes them: a file of any size in bounded memory.
// fd is taken (closed when sent, or when the connection goes). Under HEAD
// only the head is sent.
void hub_server_respond_file(hub_request *req, const char *head, size_t head_len, int fd, uint64_t size);
// Accepts a WebSocket upgrade (checks the key and version; false = not a
// valid upgrade, nothing sent). After the handler returns the connection
// carries frames; extra_headers may be NULL.
bool hub_server_ws_accept(hub_request *req, const char *extra_headers);

// Queues one frame (opcode 1 text, 8 close) to a WebSocket; never waits.
// false: gone, or its send queue is full (then it is closed).
bool hub_server_ws_send(hub_server *srv, uint64_t conn, int opcode, const void *data, size_t len);
// The same for what may be dropped (a picture pushed to a panel): queued
// only when the connection's send queue would then hold at most max_queued
// bytes; false (and nothing else happens) when it would not, or it is gone.
bool hub_server_ws_send_if_room(hub_server *srv, uint64_t conn, int opcode, const void *data, size_t len,
                                size_t max_queued);
// Sends a close frame with the code after what is queued, then closes.
void hub_server_ws_close(hub_server *srv, uint64_t conn, int code);
// Tags a WebSocket (e.g. with its device id): it has passed its hello (no
// hello deadline, never evicted to make room). The tag comes back with
// every message.
void hub_server_ws_set_tag(hub_server *srv, uint64_t conn, int64_t tag);
// Closes (code 1008) every WebSocket carrying this tag; returns how many.
int hub_server_close_tagged(hub_server *srv, int64_t tag);

typedef struct hub_server_stats {
    int connections, websockets;
    size_t inflight, inflight_peak;
    uint64_t accepted, refused_address, refused_full, evicted, timeouts, too_large, slow_busy;
} hub_server_stats;
void hub_server_get_stats(hub_server *srv, hub_server_stats *out);
