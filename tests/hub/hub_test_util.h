// SPDX-License-Identifier: Apache-2.0
// Helpers for the hub tests: a hub in this process or in a child process,
// raw HTTP and WebSocket clients (so tests can send what no well-behaved
// client would), and an xAPI statement maker. Everything talks to
// 127.0.0.1 only; every wait is bounded.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stoa_hub.h"

#define TEST_PASSWORD "correct horse battery"

int test_free_port(void);
// A fresh temporary folder (mkdtemp); the caller may leave it.
void test_temp_dir(char out[256]);
// Starts a hub in this process on 127.0.0.1:port (port 0 = free one).
stoa_hub *test_hub_start(const char *data_dir, int *out_port);
// The same with options (deadlines, limits); listen, data_dir, lessons_dir
// (NULL: the sample library) and password are the test's.
stoa_hub *test_hub_start_desc(const stoa_hub_desc *desc, const char *data_dir, int *out_port);

// One HTTP request (raw: method, path, extra headers ending in \r\n, body).
// Returns the status (0 = no answer); out_body malloc'd (NUL-terminated),
// out_headers (optional) gets the header block.
int test_http(int port, const char *method, const char *path, const char *headers,
              const char *body, size_t body_len, char **out_body, char *out_headers, size_t hsize);
// Sends raw bytes and reads the whole answer; returns the status or 0.
int test_http_raw(int port, const void *data, size_t len, char **out_answer);
// Logs in; fills cookie ("stoa_session=...") and csrf. Returns the status.
int test_login(int port, const char *password, char cookie[128], char csrf[65]);
// Joins with the hub's code; fills the device token. Returns the status.
int test_join(int port, const char *code, const char *name, char token[65]);

// A raw WebSocket client on /ws/headset. Returns a socket or -1.
int test_ws_open(int port);
// The same from a chosen loopback source address (127.0.0.0/8): many
// "machines" for per-address limits.
int test_ws_open_from(int port, const char *source);
// A raw WebSocket client on any path with extra header lines ("Name: v\r\n").
// Returns a socket, or -1 and (when status is not NULL) the answer's status.
int test_ws_open_path(int port, const char *path, const char *headers, int *status);
int test_http_raw_from(int port, const char *source, const void *data, size_t len, char **out_answer);
// A TCP connection to 127.0.0.1:port from that source address; -1 on failure.
int test_connect_from(int port, const char *source);
bool test_send_all(int fd, const void *data, size_t len);
// Sends one frame (masked, as a client must) with the given first byte
// (0x81 = final text frame); len may be a lie (announced_len != 0).
bool test_ws_send(int fd, unsigned char first, const void *data, size_t len, unsigned long long announced_len);
// Reads one frame's payload (text) into out; returns its opcode or -1 on
// close/timeout.
int test_ws_recv(int fd, char *out, size_t size, int timeout_ms);
// A text frame from the client side.
void test_ws_send_text(int fd, const char *text);
// The next message containing `want` within ms each (others skipped, at
// most 60): true and that message in out.
bool test_ws_recv_until(int fd, const char *want, char *out, size_t size, int ms);
// A headset joins with the class code as `name` and says hello on its
// WebSocket (*out_fd): its device id, or -1.
int test_headset_join(int port, const char *code, const char *name, char token[65], int *out_fd);

// A valid xAPI statement with the given id (and registration, or NULL),
// as a malloc'd one-line JSON string.
char *test_statement(const char *id, const char *registration, int n);
// The same with the learner's account name.
char *test_statement_as(const char *id, const char *registration, int n, const char *learner);
// The hub's xAPI key now (a buffer of this thread).
const char *test_xapi_key(stoa_hub *hub);
// "Authorization: Basic <base64 of user:secret>\r\n" then `extra` (more
// header lines, or NULL) into out; returns out ("" when it does not fit).
#define TEST_XAPI_VERSION "X-Experience-API-Version: 1.0.3\r\n"
char *test_basic_auth(const char *user, const char *secret, const char *extra, char *out, size_t size);
// The headers of an xAPI request with the hub's key: Basic xapi:<key> and
// TEST_XAPI_VERSION, then `extra` (or NULL).
char *test_xapi_auth(stoa_hub *hub, const char *extra, char *out, size_t size);
void test_uuid(char out[37]);
void test_sleep_ms(int ms);
