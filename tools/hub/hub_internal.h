// SPDX-License-Identifier: Apache-2.0
// Shared by the hub's files. Locking: `db_mu` guards the SQLite handle,
// `mu` guards everything else that changes after create (sessions, rate
// limits, the live roster and the WebSocket registry). Never take db_mu
// while holding mu.
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <civetweb.h>
#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "stoa_hub.h"

#define HUB_MAX_BODY (256 * 1024)       // HTTP bodies (xAPI arrays included)
#define HUB_MAX_WS_MESSAGE (256 * 1024) // one WebSocket message
#define HUB_MAX_SESSIONS 32
#define HUB_MAX_DEVICES 256
#define HUB_MAX_RATE 64                 // client addresses tracked per limit
#define HUB_SESSION_TTL_NS (12LL * 3600 * 1000000000LL)
#define HUB_NAME_MAX 64

typedef struct hub_session {
    char token_hash[65]; // sha256 of the cookie value
    char csrf[65];
    int64_t expires_ns;
} hub_session;

typedef struct hub_rate {
    char addr[48];
    int64_t window_start_ns;
    int count;
} hub_rate;

// What the roster shows of one headset; filled from its status messages.
typedef struct hub_device {
    int64_t id;
    char name[HUB_NAME_MAX + 1];
    struct mg_connection *conn; // NULL = not connected
    bool paused;
    char lesson[128], state[128], state_title[160], registration[40];
    char error[256]; // the headset's last reported failure (a launch that could not start)
    double progress, score, idle_s, fps, expected_s;
    int64_t state_since_ns, last_seen_ns;
    int answers_right, answers_wrong;
    int64_t stored; // statements stored since the hub started
} hub_device;

// Live quiz results of the class: one row per question seen.
typedef struct hub_quiz {
    char id[200];
    char name[160];
    int right, wrong;
} hub_quiz;
#define HUB_MAX_QUIZ 64

struct stoa_hub {
    struct mg_context *ctx;
    sqlite3 *db;
    pthread_mutex_t db_mu, mu;
    char url[128], join_code[8], xapi_key[40], new_password[32];
    char data_dir[900], lessons_dir[1024], panel_dir[1024], reports_dir[1024];
    bool tls;
    int login_per_minute, join_per_minute;
    hub_session sessions[HUB_MAX_SESSIONS];
    hub_rate login_rate[HUB_MAX_RATE], join_rate[HUB_MAX_RATE];
    hub_device devices[HUB_MAX_DEVICES];
    int device_count;
    hub_quiz quiz[HUB_MAX_QUIZ];
    int quiz_count;
    char password_hash[160]; // crypto_pwhash_str output
    struct hub_forward *forward; // NULL = no LRS to forward to
};

// ---- hub_util.c -------------------------------------------------------------
int64_t hub_now_ns(void);          // wall clock, Unix ns
int64_t hub_mono_ns(void);         // monotonic
void hub_random_hex(char *out, size_t bytes); // out holds 2*bytes+1
void hub_uuid(char out[37]);
void hub_sha256_hex(const void *data, size_t size, char out[65]);
bool hub_is_uuid(const char *s);
void hub_format_iso(int64_t unix_ns, char out[32]);
bool hub_parse_iso(const char *s, int64_t *out_ns);
// Copies at most HUB_NAME_MAX bytes of printable text (control bytes dropped,
// UTF-8 kept whole); "" when nothing remains.
void hub_clean_name(const char *in, char out[HUB_NAME_MAX + 1]);

// ---- hub_http.c ---------------------------------------------------------------
// Reads the request body (at most `limit` bytes, NUL-terminated, caller frees).
// On a too large or unreadable body it has already answered (413/400) and
// returns NULL.
char *hub_read_body(struct mg_connection *c, size_t limit, size_t *out_len);
void hub_send_json(struct mg_connection *c, int status, const cJSON *body, const char *extra_headers);
void hub_send_error(struct mg_connection *c, int status, const char *message);
void hub_send_text(struct mg_connection *c, int status, const char *type, const char *body,
                   size_t len, const char *extra_headers);
// A query-string variable, URL-decoded into out; false when absent.
bool hub_query_var(struct mg_connection *c, const char *name, char *out, size_t size);
const char *hub_method(struct mg_connection *c);
const char *hub_remote(struct mg_connection *c);
// Serves one file of the panel (name confined to panel_dir).
void hub_serve_panel_file(stoa_hub *hub, struct mg_connection *c, const char *name);
// Serves a file the hub made itself (its path is not from a client).
// headers: extra header lines (a Content-Security-Policy replaces the panel's).
void hub_serve_file(struct mg_connection *c, const char *path, const char *type, const char *headers);

// ---- hub_db.c -------------------------------------------------------------------
stoa_result hub_db_open(stoa_hub *hub, stoa_error *err);
void hub_db_close(stoa_hub *hub);
// settings: NULL/false when absent. Caller frees the returned string.
char *hub_db_get_setting(stoa_hub *hub, const char *key);
bool hub_db_set_setting(stoa_hub *hub, const char *key, const char *value);
// Devices: returns the new device's id (> 0), or 0 on error.
int64_t hub_db_add_device(stoa_hub *hub, const char *name, const char *token_hash);
// The device whose token hashes to token_hash: id (> 0) and name, or 0.
int64_t hub_db_find_device(stoa_hub *hub, const char *token_hash, char name[HUB_NAME_MAX + 1]);
typedef enum hub_store_result {
    HUB_STORED = 0,    // new, stored
    HUB_DUPLICATE,     // same id, same content: already stored
    HUB_CONFLICT,      // same id, different content
    HUB_STORE_FAILED,  // the database failed
} hub_store_result;
// Stores statements in one transaction. ids[i]/canon[i]: the statement id and
// its canonical JSON. results[i] gets each outcome. When all_or_nothing and
// any conflicts, nothing is stored. Returns false when the database failed.
bool hub_db_store(stoa_hub *hub, size_t n, const char *const *ids, const char *const *canon,
                  const char *const *registrations, int64_t device_id, bool all_or_nothing,
                  hub_store_result *results);
// The stored JSON and its stored time, or NULL (caller frees).
char *hub_db_get_statement(stoa_hub *hub, const char *id, int64_t *out_stored_ns);
// Statements by stored time (> since_ns) and registration (NULL = any), at
// most limit, after seq `after`; each passed to fn. Returns the last seq or 0.
typedef void (*hub_db_row_fn)(void *user, int64_t seq, const char *json, int64_t stored_ns);
int64_t hub_db_query(stoa_hub *hub, int64_t since_ns, const char *registration, int64_t after,
                     int limit, bool ascending, hub_db_row_fn fn, void *user);
int64_t hub_db_count(stoa_hub *hub, int64_t device_id); // device_id 0 = all
bool hub_db_add_run(stoa_hub *hub, const char *run_id, const char *lesson, int64_t device_id,
                    const char *registration);
// A headset that kept its own registration for a launch: the run's row for
// it is renamed from the one the hub proposed to the one in use.
bool hub_db_rebind_run(stoa_hub *hub, const char *proposed, const char *used);
// Runs newest first as JSON [{run, lesson, started, learners, statements}].
cJSON *hub_db_list_runs(stoa_hub *hub, int limit);
// Registrations of a run; NULL when the run is unknown. cJSON array of strings.
cJSON *hub_db_run_registrations(stoa_hub *hub, const char *run_id);

// ---- hub_auth.c -------------------------------------------------------------------
stoa_result hub_auth_init(stoa_hub *hub, const stoa_hub_desc *desc, stoa_error *err);
// false (and answered 429) when addr exceeded its limit this minute.
bool hub_rate_ok(stoa_hub *hub, hub_rate *table, int per_minute, struct mg_connection *c);
// The instructor session of this request; out_csrf gets its CSRF token.
bool hub_session_valid(stoa_hub *hub, struct mg_connection *c, char out_csrf[65]);
// For state-changing requests: a valid session and a matching X-CSRF-Token.
// Answers 401/403 itself and returns false otherwise.
bool hub_require_instructor(stoa_hub *hub, struct mg_connection *c, bool state_changing);
void hub_handle_login(stoa_hub *hub, struct mg_connection *c);
void hub_handle_logout(stoa_hub *hub, struct mg_connection *c);
void hub_handle_session(stoa_hub *hub, struct mg_connection *c);
void hub_handle_join(stoa_hub *hub, struct mg_connection *c);
// The device of a "Bearer <token>" header; 0 when missing or unknown.
int64_t hub_device_from_bearer(stoa_hub *hub, struct mg_connection *c);
// xAPI clients: HTTP Basic xapi:<key>, a device token, or (GET only) the
// instructor's session.
bool hub_xapi_authorized(stoa_hub *hub, struct mg_connection *c, bool read_only);

// ---- hub_ws.c -------------------------------------------------------------------
void hub_ws_register(stoa_hub *hub);
// Sends a command message to each connected device in ids (n = 0: all).
// Returns how many received it.
int hub_ws_send_command(stoa_hub *hub, const int64_t *ids, size_t n, const char *json);
// Processes statements (one or an array) from a device: validate, store,
// update the live view. Fills `acks` (cJSON array) with the ids to drop.
void hub_ws_take_statements(stoa_hub *hub, int64_t device_id, const cJSON *items, cJSON *acks,
                            cJSON *rejected);

// ---- hub_roster.c ------------------------------------------------------------------
hub_device *hub_roster_get(stoa_hub *hub, int64_t id, const char *name); // mu held; adds
void hub_roster_status(stoa_hub *hub, int64_t id, const cJSON *status);
void hub_roster_statement(stoa_hub *hub, int64_t id, const cJSON *st);
cJSON *hub_roster_json(stoa_hub *hub);
void hub_roster_set_paused(stoa_hub *hub, const int64_t *ids, size_t n, bool paused);
// A new launch: the live quiz results start again (the reports keep all).
void hub_roster_new_run(stoa_hub *hub);

// ---- hub_forward.c -------------------------------------------------------------------
stoa_result hub_forward_start(stoa_hub *hub, const char *url, const char *auth, stoa_error *err);
void hub_forward_stop(stoa_hub *hub);

// ---- hub_api.c, hub_xapi.c, hub_lessons.c, hub_report.c ------------------------------
void hub_api_register(stoa_hub *hub);
void hub_xapi_register(stoa_hub *hub);
// Lesson library as JSON [{file, id, title{lang:text}, states[{id,title,expected_s,
// key_nodes[]}], sha256}]. Caller frees.
cJSON *hub_lessons_list(stoa_hub *hub);
// Reads one lesson file of the library (name confined). Caller frees *out_text.
stoa_result hub_lesson_read(stoa_hub *hub, const char *name, char **out_text, size_t *out_len,
                            char out_sha[65], char out_id[128], stoa_error *err);
// Writes the report of a run (its registrations) and returns the HTML's path.
stoa_result hub_report_make(stoa_hub *hub, const char *run_id, char *out_path, size_t size,
                            stoa_error *err);

// ---- hub_statement.c ----------------------------------------------------------------
// One incoming statement made ready to store: checked against xAPI 1.0.3
// (runtime/trace's checker), given an id when it has none (allowed only
// when assign_id), and printed canonically (without the LRS-set
// "stored"/"authority"). false: *why says what is wrong.
typedef struct hub_prepared {
    char id[37];
    char registration[37];
    char *canon; // malloc'd
} hub_prepared;
bool hub_statement_prepare(cJSON *st, bool assign_id, hub_prepared *out, char *why, size_t why_size);
// The stored form returned to xAPI clients: canon + "stored" (+ authority).
cJSON *hub_statement_stored(const char *canon, int64_t stored_ns);
