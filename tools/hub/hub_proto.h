// SPDX-License-Identifier: Apache-2.0
// The hub's wire parsers, pure functions with no I/O (so that the fuzzers in
// tests/fuzz run exactly what the server runs): the HTTP/1.1 request head,
// query strings, and the WebSocket frame reader (RFC 6455).
//
// Each is strict and bounded: a head is refused past its size limit, a
// WebSocket frame is judged on its header alone (its announced length is
// refused before a byte of payload is read or any memory is reserved).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// ---- HTTP --------------------------------------------------------------------

#define HUB_HTTP_MAX_HEADERS 64

typedef struct hub_http_header {
    const char *name, *value; // inside the parsed buffer, NUL-terminated
} hub_http_header;

typedef struct hub_http_head {
    const char *method;      // "GET", "POST", ... (only those the hub knows)
    const char *target;      // as sent: "/path?query"
    char path[1024];         // percent-decoded once; no NUL, no control bytes
    const char *query;       // raw query (after '?'), "" when none
    int minor;               // HTTP/1.<minor>
    hub_http_header headers[HUB_HTTP_MAX_HEADERS];
    int header_count;
    long long content_length; // -1 when absent
    const char *host;         // the Host header (required)
    bool upgrade_websocket;   // Upgrade: websocket + Connection: upgrade
} hub_http_head;

typedef enum hub_head_result {
    HUB_HEAD_INCOMPLETE = 0, // no blank line yet (and under the limit)
    HUB_HEAD_OK = 1,
    HUB_HEAD_BAD = -400,       // malformed
    HUB_HEAD_TOO_LARGE = -431, // over the size limit or too many headers
    HUB_HEAD_METHOD = -405,    // a method the hub does not serve
    HUB_HEAD_NO_LENGTH = -411, // Transfer-Encoding (chunked bodies are not taken)
    HUB_HEAD_VERSION = -505,   // not HTTP/1.0 or 1.1
} hub_head_result;

// Looks for the end of the head in buf[0..len) (bytes from scanned_from on
// are new, so repeated calls stay linear) and parses it in place (buf is
// modified: names and values are NUL-terminated). *head_len gets the head's
// length with its blank line. Only CRLF line ends; no obsolete line folding;
// one Host; one Content-Length of digits.
hub_head_result hub_http_parse_head(char *buf, size_t len, size_t scanned_from, size_t max_len,
                                    hub_http_head *out, size_t *head_len);

// The header's value (first of that name, case-insensitive), or NULL.
const char *hub_http_header_get(const hub_http_head *h, const char *name);

// Decodes %XX and '+' once. false on a bad escape, a decoded byte below
// 0x20 or 0x7f, invalid UTF-8, or no room.
bool hub_url_decode(const char *in, size_t len, char *out, size_t size);

// A query-string variable, decoded once (hub_url_decode). false when absent
// or not decodable.
bool hub_query_get(const char *query, const char *name, char *out, size_t size);

// Is this well-formed UTF-8 (no overlong forms, surrogates, > U+10FFFF)?
bool hub_utf8_valid(const char *s, size_t len);

// ---- WebSocket -------------------------------------------------------------------

// Sec-WebSocket-Accept for a client's key: base64(SHA-1(key + GUID)). out: 29+ bytes.
bool hub_ws_accept_key(const char *client_key, char out[32]);

typedef enum hub_ws_event {
    HUB_WS_NEED_MORE = 0, // every byte given was taken; no frame complete yet
    HUB_WS_FRAME = 1,     // one frame complete (out filled); maybe bytes left over
    HUB_WS_ERROR = -1,    // protocol error or refused size: close with *close_code
} hub_ws_event;

typedef struct hub_ws_frame {
    int opcode;      // 1 text, 2 binary, 8 close, 9 ping, 10 pong
    bool fin;
    uint8_t *payload; // unmasked, NUL-terminated (one byte more); the caller frees it
    size_t len;
} hub_ws_frame;

// Reserves memory for a payload about to be read; false = refused (no room).
typedef bool (*hub_ws_reserve_fn)(void *user, size_t bytes);

typedef struct hub_ws_reader {
    size_t max_payload;  // a data frame announcing more is refused (1009)
    uint8_t head[14];    // the frame header so far
    size_t head_len;
    bool in_payload;
    int opcode;
    bool fin;
    uint8_t mask[4];
    uint64_t len, got;
    uint8_t *payload;
} hub_ws_reader;

// Feeds received bytes. *used gets how many were taken (all of them unless
// a frame completed or an error stopped it). On HUB_WS_FRAME the frame is
// handed over in *out. On HUB_WS_ERROR *close_code says why: 1002 protocol
// (unmasked client frame, reserved bits or opcodes, bad control frame),
// 1009 too big (judged from the header), 1013 no memory reserved.
// reserve may be NULL (no accounting).
hub_ws_event hub_ws_reader_feed(hub_ws_reader *r, const uint8_t *data, size_t len, size_t *used,
                                hub_ws_frame *out, int *close_code, hub_ws_reserve_fn reserve,
                                void *user);
// Frees a payload being read (the connection went away mid-frame); returns
// how many reserved bytes it held.
size_t hub_ws_reader_reset(hub_ws_reader *r);

// Writes a server frame header (unmasked) for a payload of len; returns its size (<= 10).
size_t hub_ws_frame_header(uint8_t out[10], int opcode, uint64_t len);
