// SPDX-License-Identifier: Apache-2.0
// Shared by the net module's files. `mu` guards every field below it; the
// civetweb connection itself is touched only by the net thread.
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <civetweb.h>
#include <cjson/cJSON.h>

#include "net/stoa_net.h"
#include "net_layout.h"

#define NET_MAX_COMMANDS 64
#define NET_BATCH 64                 // statements per message
#define NET_BATCH_BYTES (128 * 1024) // stays under the hub's 256 KiB message limit
#define NET_MAX_INFLIGHT 1024        // sent, not yet acknowledged
#define NET_MAX_MESSAGE (1024 * 1024) // from the hub (an ack of a full batch is ~40 KiB)
#define NET_MAX_CTL 16               // signin/signout messages waiting for the socket

typedef struct net_entry {
    char id[37];
    char *line; // NULL once acknowledged
    bool inflight;
} net_entry;

struct stoa_net {
    // set at create, read-only afterwards
    char host[256], token_path[1024], name[128], join_code[16], lesson_dir[1024], hub_cert[1024];
    int port;
    bool tls;
    size_t max_queue;
    char cache_dir[1024]; // content-addressed files of launched lessons (net_content.c)
    uint64_t cache_max;
    char bake_format[128], scene_cache_dir[1024]; // baked scenes taken (net_content.c)
    net_layouts layouts; // the lesson layouts this headset holds (net thread only)
    pthread_t thread;

    // thread-only
    struct mg_connection *conn;
    int follow_fd;       // the followed log, -1 = none open
    off_t follow_offset;
    char *partial;       // a line not finished yet (malloc'd on first use)
    size_t partial_len;
    char token[65];
    int64_t next_try_ns, backoff_ns, hello_ns, last_status_ns, last_ping_ns, last_follow_ns;

    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop, closed, welcomed, token_refused;
    int64_t last_rx_ns;
    char **inbox; // raw lines from the frame loop
    size_t inbox_n, inbox_cap;
    net_entry *out; // the outbox, oldest first, from index head
    size_t head, out_n, out_cap;
    stoa_net_status status;
    char status_strs[9][256];
    bool status_dirty;
    // A status that a newer one with another phase or run replaced before it
    // was sent (a one-second lesson between two sends): sent first, whatever
    // the rate, so that the hub sees every lesson a headset went through.
    char *status_kept;
    stoa_net_command cmds[NET_MAX_COMMANDS];
    size_t cmd_head, cmd_n;
    cJSON *fetches; // launch commands waiting for their lesson file
    stoa_net_info info;
    char follow_path[1024]; // "" = none; changed by stoa_net_follow_log
    bool follow_changed;
    int64_t follow_eof_ns; // when the follower last read to the end of the log
    char *ctl[NET_MAX_CTL]; // messages for the hub other than status and statements
    size_t ctl_n;
    stoa_net_class *cls;    // the last roster the hub sent (NULL until one came)
    bool cls_new;
    uint64_t transfer_done, transfer_total; // a launch's files being fetched
    bool transferring;
    // live views (net_view.c)
    stoa_net_view_want view_want;
    uint8_t *view_rgba;     // the picture waiting to be sent (NULL = none)
    uint8_t *view_spare;    // a buffer given back by the net thread, for the next picture
    size_t view_spare_bytes;
    uint32_t view_w, view_h;
    stoa_net_view_meta view_meta;
    uint64_t view_seq, views_sent, view_bytes;
};

int64_t net_now_ns(void);
// "http://HOST[:PORT][/]" or "https://..." into host, port, tls (net.c).
bool net_parse_url(stoa_net *net, const char *url);
void net_set_error(stoa_net *net, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// ---- net_http.c ----
// POSTs the join code; fills net->token and saves it. false on failure (error set).
bool net_join(stoa_net *net);
// One request (head: request line and headers; body may be NULL); reads at
// most max bytes of the answer into *out_body (malloc'd). Returns the HTTP
// status, 0 when the hub could not be reached (error set). sha_hdr: the
// X-Stoa-SHA256 header, or NULL.
int net_request(stoa_net *net, const char *head, const char *body, char **out_body,
                size_t *out_len, size_t max, char sha_hdr[65]);
bool net_load_token(stoa_net *net);
void net_forget_token(stoa_net *net);
// Makes sure lesson_dir/<lesson> has the given hash, fetching it when not.
// Fills out_path; false on failure (error set).
bool net_fetch_lesson(stoa_net *net, const char *lesson, const char *sha256, char *out_path, size_t size);

// ---- net_message.c ----
// A string field of a hub message into dst ("" when absent).
void net_copy_str(char *dst, size_t size, const cJSON *o, const char *key);
// {"t":"class"}: the roster kept for stoa_net_take_class (mu held).
void net_take_class(stoa_net *net, const cJSON *msg);
// The status message (mu held: reads the transfer's progress).
char *net_status_json(const stoa_net *net, const stoa_net_status *s);

// ---- net_content.c ----
// Lays a launch's lesson out from the content cache: the lesson file (by its
// name, fetched as net_fetch_lesson does) and each of `files` ([{path,
// sha256,size}]) fetched when the cache lacks it, hash checked, under a
// folder of its own. lesson_rel: the lesson's path in that folder (the
// launch's layout.lesson, e.g. "lessons/x.yaml"; NULL = its name), the
// files' paths being relative to the folder; it must end in the lesson's
// name. Fills cmd->lesson_path with the lesson file and cmd's transfer
// counts; false and cmd->error filled when any of it fails. Net thread.
bool net_content_launch(stoa_net *net, const char *lesson, const char *sha256, const char *lesson_rel,
                        const cJSON *files, stoa_net_command *cmd);
// net_content.c's pieces that net_content_bake.c shares: a lower-case hex
// SHA-256; a relative path without "." or ".." confined below base; one
// answer streamed into the content cache and its hash checked; whether the
// cache holds a file (marking it used); a cache file linked or copied to dest.
bool net_is_sha(const char *s);
bool net_safe_rel(const char *base, const char *rel, char *out, size_t size);
bool net_fetch_content(stoa_net *net, const char *target, const char *sha, uint64_t limit,
                       char *err, size_t err_size);
bool net_content_cached(stoa_net *net, const char *sha, uint64_t size, bool check_size);
bool net_content_place(stoa_net *net, const char *sha, const char *dest);
// After a launch laid out: the launch's `bakes` whose format is this
// headset's and whose key its scene cache lacks, fetched and laid out
// beside their scene (docs/hub.md, "Baked scenes"). Never fails the launch:
// a baked file that cannot be had is logged, and the scene is imported.
void net_content_bakes(stoa_net *net, const char *lesson_sha, const cJSON *bakes,
                       stoa_net_command *cmd);

// ---- net_thread.c ----
// Sends status (with the transfer's progress), pings and statements while the
// net thread is busy fetching files.
void net_transfer_tick(stoa_net *net);

// ---- net_follow.c ----
// Reads what was appended to the followed log and queues its complete lines.
void net_follow_poll(stoa_net *net);

// ---- net_thread.c ----
void *net_thread_main(void *arg);
// Called by the connection's reader thread with one message from the hub.
void net_on_message(stoa_net *net, const char *data, size_t len);

// ---- net_view.c ----
// {"t":"view",...} from the hub (mu held).
void net_view_on_message(stoa_net *net, const cJSON *msg);
// The waiting picture as a message, JPEG in base64; NULL when none (takes mu).
char *net_view_next(stoa_net *net);
// The connection went: nobody watches (mu held).
void net_view_reset(stoa_net *net);
