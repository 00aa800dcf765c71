// SPDX-License-Identifier: Apache-2.0
// Shared by the hub's files. Locking: `db_mu` guards the SQLite handle,
// `mu` guards everything else that changes after create (sessions, rate
// limits, the live roster, the xAPI key). Never take db_mu while holding mu,
// and never hold mu while calling into the server (hub_server_*): sends
// are queued per connection and never wait, but they take the server's lock.
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "core/stoa_json.h"
#include "hub_server.h"
#include "stoa_hub.h"

// ---- limits (docs/hub.md, "Threat model", lists them all) --------------------
#define HUB_MAX_BODY (256 * 1024)       // xAPI bodies
#define HUB_MAX_XAPI_BODY (4u << 20)    // POST/PUT /xapi/statements with attachment data
#define HUB_MAX_SMALL_BODY 4096         // login, join, device actions
#define HUB_MAX_COMMAND_BODY 16384      // panel commands
#define HUB_MAX_WS_MESSAGE (256 * 1024) // one WebSocket message
#define HUB_JSON_DEPTH 34               // a message or body: 2 levels of envelope + a statement
#define HUB_STATEMENT_DEPTH 32          // one statement, extensions included
#define HUB_JSON_NODES 65536            // values in one body or message
#define HUB_MAX_SESSIONS 32
#define HUB_RATE_SLOTS 4096             // client addresses tracked per limit and minute
#define HUB_SESSION_TTL_NS (12LL * 3600 * 1000000000LL)
#define HUB_NAME_MAX 64
#define HUB_UNUSED_TOKEN_TTL_NS (10LL * 60 * 1000000000LL) // a token never used expires
#define HUB_PENDING_MAX 64              // headsets waiting for the teacher
#define HUB_LEARNER_HOLD_NS (10LL * 60 * 1000000000LL) // a learner stays with a silent headset this long
#define HUB_LOGIN_GLOBAL_PER_MINUTE 30  // logins from other machines, all addresses together
#define HUB_JOIN_GLOBAL_PER_MINUTE 300  // joins, all addresses together
#define HUB_STATUS_SILENT_NS (10000LL * 1000000LL) // a headset that sent nothing this long (not even a ping) is gone (hub_api.c)
#define HUB_MAX_IMPORT_BODY (512 * 1024) // a class list (CSV in JSON)
#define HUB_MAX_UPLOAD_BODY (24u << 20)  // a lesson archive in base64 (18 MiB of archive)
#define HUB_WORKER_STACK (1u << 20)     // see docs/hub.md: JSON depth is bounded, so is recursion

// The JSON policy of everything a client sends.
#define HUB_JSON_POLICY(bytes) \
    (&(stoa_json_policy){.max_bytes = (bytes), .max_depth = HUB_JSON_DEPTH, .max_nodes = HUB_JSON_NODES, \
                         .flags = STOA_JSON_EXACT_INTEGERS})

typedef struct hub_session {
    char token_hash[65]; // sha256 of the cookie value
    char csrf[65];
    int64_t expires_ns;
} hub_session;

// Fixed one-minute windows: an address's count is never forgotten within
// its window (others cannot reset it), and every address shares one budget.
typedef struct hub_rate_slot {
    uint8_t key[16];
    int count;
} hub_rate_slot;
typedef struct hub_rate {
    int64_t window;    // minute number of the counts below, counted from origin_ns
    int64_t origin_ns; // the limit's first use (monotonic): its windows start there
    int used, global;
    hub_rate_slot slots[HUB_RATE_SLOTS];
} hub_rate;

// What the roster shows of one headset; filled from its status messages.
typedef struct hub_device {
    int64_t id;
    char name[HUB_NAME_MAX + 1];
    uint64_t conn; // 0 = not connected
    bool paused;
    char lesson[128], state[128], state_title[160], registration[40];
    char error[256]; // the headset's last reported failure (a launch that could not start)
    double progress, score, idle_s, fps, expected_s;
    int64_t state_since_ns, last_seen_ns;
    int answers_right, answers_wrong;
    char claimed[40], rebound[40]; // the last registration and launch its status named (checked once each)
    int64_t status_ns;    // last status on this connection (mono; 0 = none yet)
    int64_t heard_ns;     // last message of any kind on it (its pings too; mono)
    char phase[16];       // lobby | loading | lesson | result | leaving ("" = an older headset)
    char learner[40];     // the learner signed in on it, as it reports
    char seat[16];        // "desktop" (`stoa play`) or "" (a headset), as it reports
    int64_t transfer_done, transfer_total; // content being fetched for a launch
    bool result_known, result_completed;
    double result_score;  // -1 = none
    int64_t stored;       // statements stored since the hub started
    int64_t stored_total; // statements stored ever (the quota counts these)
    int64_t hand_since_ns; // the learner's hand went up (mono; 0 = down)
    int attention;        // gaze on the state's key nodes: 1, elsewhere -1, 0 = not known
    char placement[12];   // tabletop AR: placing|marker|waiting|placed|shared ("" = none)
} hub_device;

// A joined headset the teacher has not admitted yet (admit_by_teacher).
typedef struct hub_pending {
    int64_t id;
    char name[HUB_NAME_MAX + 1];
    char remote[64];
    int64_t seen_ns;
} hub_pending;

// Live quiz results of the class: one row per question seen.
// Wrong PINs of one learner within a window (hub_class.c).
typedef struct hub_pin_try {
    char learner[40];
    int count;
    int64_t since_ns;
} hub_pin_try;
#define HUB_PIN_SLOTS 256

typedef struct hub_quiz {
    char id[200];
    char name[160];
    int right, wrong;
} hub_quiz;
#define HUB_MAX_QUIZ 64

typedef struct hub_views hub_views;
typedef struct hub_ckpt hub_ckpt;
typedef struct hub_bakes hub_bakes;

struct stoa_hub {
    hub_server *srv;
    hub_views *views; // live views (hub_view.c), under mu; made on first use
    hub_bakes *bakes; // baked scenes (hub_bake.c), under mu; made on first use
    sqlite3 *db;
    hub_ckpt *ckpt; // the WAL checkpoint thread (hub_db_ckpt.c)
    pthread_mutex_t db_mu, mu, report_mu;
    char url[128], join_code[8], xapi_key[40], new_password[32];
    char data_dir[900], lessons_dir[1024], panel_dir[1024], reports_dir[1024];
    bool tls, admit_by_teacher;
    int64_t silent_ns; // HUB_STATUS_SILENT_NS, or stoa_hub_desc.silent_ms
    bool listen_any; // the listener's address is 0.0.0.0 or [::]
    int port;
    int login_per_minute, join_per_minute, max_headsets;
    int64_t device_quota;
    size_t lrs_doc_max; // xAPI document bytes (stoa_hub_desc.lrs_document_max)
    int lrs_limit;      // statements of one GET page (stoa_hub_desc.lrs_statements_limit)
    char allowed_hosts[1024]; // ",name,name," lower case
    char host_name[256];      // gethostname(), lower case
    hub_session sessions[HUB_MAX_SESSIONS];
    hub_rate login_rate, join_rate;
    hub_device *devices;
    int device_count;
    hub_pending pending[HUB_PENDING_MAX];
    int pending_count;
    hub_quiz quiz[HUB_MAX_QUIZ];
    int quiz_count;
    char password_hash[160]; // crypto_pwhash_str output
    struct hub_forward *forward; // NULL = no LRS to forward to
    // housekeeping: expiry, and changes made by `stoa hub --revoke-device` & co.
    pthread_t maint;
    bool maint_started, stop;
    pthread_cond_t maint_cv;
    int64_t auth_epoch;
    hub_pin_try pin_tries[HUB_PIN_SLOTS]; // under mu
};

// ---- hub_util.c -------------------------------------------------------------
int64_t hub_now_ns(void);          // wall clock, Unix ns
int64_t hub_mono_ns(void);         // monotonic
void hub_random_hex(char *out, size_t bytes); // out holds 2*bytes+1
void hub_uuid(char out[37]);
void hub_sha256_hex(const void *data, size_t size, char out[65]);
// A file's SHA-256, read in chunks; false when unreadable or over limit bytes.
bool hub_sha256_file(const char *path, uint64_t limit, char out[65], int64_t *out_size);
bool hub_is_uuid(const char *s);
void hub_format_iso(int64_t unix_ns, char out[32]);
bool hub_parse_iso(const char *s, int64_t *out_ns);
// Copies at most HUB_NAME_MAX bytes of printable text (control bytes dropped,
// UTF-8 kept whole); "" when nothing remains.
void hub_clean_name(const char *in, char out[HUB_NAME_MAX + 1]);
// An id as the trace writer puts it in an IRI (RFC 3986 unreserved bytes
// kept, the rest %XX); false when it does not fit.
bool hub_iri_segment(const char *id, char *out, size_t size);

// ---- hub_http.c ---------------------------------------------------------------
typedef hub_request hub_req;
// The body as a JSON value: the request must say Content-Type:
// application/json (else 415), the body must parse under the hub's policy
// (else 400/413). NULL when it answered already. Caller cJSON_Delete()s.
cJSON *hub_read_json(hub_req *c, size_t limit);
void hub_send_json(hub_req *c, int status, const cJSON *body, const char *extra_headers);
void hub_send_error(hub_req *c, int status, const char *message);
void hub_send_text(hub_req *c, int status, const char *type, const char *body, size_t len,
                   const char *extra_headers);
// A query-string variable, decoded once; false when absent or malformed.
bool hub_query_var(hub_req *c, const char *name, char *out, size_t size);
const char *hub_method(hub_req *c);
const char *hub_remote(hub_req *c);
const char *hub_header(hub_req *c, const char *name);
// Serves one file of the panel (a plain name, confined to panel_dir).
void hub_serve_panel_file(stoa_hub *hub, hub_req *c, const char *name);
// Serves a file the hub made itself (its path is not from a client).
// headers: extra header lines (a Content-Security-Policy replaces the panel's).
void hub_serve_file(hub_req *c, const char *path, const char *type, const char *headers);
// The server's entry points (hub.c wires them).
void hub_on_request(void *user, hub_request *req);
size_t hub_body_limit(void *user, const hub_http_head *head);
bool hub_is_slow(void *user, const hub_http_head *head);
// Host allow-list and same-origin test (DNS rebinding, cross-site requests).
bool hub_host_allowed(stoa_hub *hub, const char *host);
bool hub_origin_ok(stoa_hub *hub, hub_req *c);

// ---- hub_db.c -------------------------------------------------------------------
stoa_result hub_db_open(stoa_hub *hub, stoa_error *err);
stoa_result hub_db_open_path(const char *data_dir, sqlite3 **out, stoa_error *err);
// The WAL checkpoint thread (hub_db_ckpt.c): started after hub_db_open,
// stopped before hub_db_close. hub_db_ckpt_runs: the checkpoints it made
// (-1 without one); frames > 0 sets its threshold (tests).
stoa_result hub_db_ckpt_start(stoa_hub *hub, stoa_error *err);
void hub_db_ckpt_stop(stoa_hub *hub);
int64_t hub_db_ckpt_runs(stoa_hub *hub, int frames);
double hub_db_ckpt_cpu(stoa_hub *hub); // the thread's CPU seconds so far
void hub_db_close(stoa_hub *hub);
// settings: NULL/false when absent. Caller frees the returned string.
char *hub_db_get_setting(stoa_hub *hub, const char *key);
bool hub_db_set_setting(stoa_hub *hub, const char *key, const char *value);
// Devices: returns the new device's id (> 0), or 0 on error.
int64_t hub_db_add_device(stoa_hub *hub, const char *name, const char *token_hash, bool admitted);
typedef struct hub_device_row {
    int64_t id;
    char name[HUB_NAME_MAX + 1];
    bool admitted;
    int64_t stored_total;
} hub_device_row;
// The device whose token hashes to token_hash (not revoked): true and its row.
bool hub_db_find_device(stoa_hub *hub, const char *token_hash, hub_device_row *out);
// Marks the token used (first hello): it no longer expires.
void hub_db_device_used(stoa_hub *hub, int64_t id);
bool hub_db_device_exists(stoa_hub *hub, int64_t id); // joined and not revoked
bool hub_db_admit_device(stoa_hub *hub, int64_t id);
bool hub_db_revoke_device(stoa_hub *hub, int64_t id);
bool hub_db_rename_device(stoa_hub *hub, int64_t id, const char *name);
// Revokes (if not yet) and hides the device from the panel's lists.
bool hub_db_remove_device(stoa_hub *hub, int64_t id);
// Deletes tokens never used within HUB_UNUSED_TOKEN_TTL_NS; returns how many.
int hub_db_expire_unused(stoa_hub *hub);

typedef enum hub_store_result {
    HUB_STORED = 0,    // new, stored
    HUB_DUPLICATE,     // same id, same content: already stored
    HUB_CONFLICT,      // same id, different content
    HUB_REFUSED,       // not this device's to write (why says which rule)
    HUB_NOT_STORED,    // fine itself, but its all-or-nothing batch was refused
    HUB_STORE_FAILED,  // the database failed
} hub_store_result;

// One incoming statement made ready to store (hub_statement.c).
typedef struct hub_prepared {
    char id[37];
    char registration[37]; // "" when none
    char *actor;           // the actor's identity key (malloc'd)
    char *canon;           // canonical JSON (malloc'd)
    char account[64];      // actor.account.name ("" when none or longer): a roster learner_id?
    char lesson[128];      // the lesson's id: last segment of the parent lesson activity's IRI ("" = none)
    char ref[37];          // the object's StatementRef id ("" = none)
    bool voiding;          // verb "voided": ref is the statement it voids
    bool stamp;            // no timestamp: the LRS sets it to "stored" as it stores
    int64_t cred_id;       // the panel-made xAPI credential that stores it (0 = none)
    cJSON *keys;           // query index entries ["<kind><key>", ...] (hub_statement_index_keys)
} hub_prepared;

// Stores statements in one transaction; results[i] and (for refusals)
// why[i] (static text) get each outcome. device_id > 0: a headset writes,
// and each statement must be in a registration of that headset (one it was
// given or first used) with that registration's learner, a learner not
// signed in on another headset; quota caps what it may store in all.
// When all_or_nothing and any conflicts or is refused, nothing is stored.
// Returns false when the database failed.
bool hub_db_store(stoa_hub *hub, size_t n, const hub_prepared *st, int64_t device_id, int64_t quota,
                  bool all_or_nothing, hub_store_result *results, const char **why);
// The stored JSON and its stored time, or NULL (caller frees). device_id > 0:
// only that device's statements.
char *hub_db_get_statement(stoa_hub *hub, const char *id, int64_t device_id, int64_t *out_stored_ns);
// Statements by stored time (> since_ns), registration (NULL = any) and
// device (0 = any), at most limit, after seq `after`; each passed to fn
// (which returns false to stop). Returns the last seq given, or 0.
typedef bool (*hub_db_row_fn)(void *user, int64_t seq, const char *json, int64_t stored_ns);
int64_t hub_db_query(stoa_hub *hub, int64_t since_ns, const char *registration, int64_t device_id,
                     int64_t after, int limit, bool ascending, hub_db_row_fn fn, void *user);
int64_t hub_db_count(stoa_hub *hub, int64_t device_id); // device_id 0 = all
// Prepared statement / one-shot statement with "t"/"i" arguments (db_mu held).
sqlite3_stmt *hub_db_prep(stoa_hub *hub, const char *sql);
bool hub_db_exec(stoa_hub *hub, const char *sql, const char *types, const void *const *args, int64_t *out,
                 bool *had_row);
// hub_db_runs.c. A launch on one headset (learner_id: who is signed in on
// it, or NULL); the registration is the headset's, the run's row is made by
// the first record (hub_db_file_run, db_mu held, inside the store).
bool hub_db_add_run(stoa_hub *hub, const char *run_id, const char *lesson, int64_t device_id,
                    const char *registration, const char *learner_id);
bool hub_db_file_run(stoa_hub *hub, const char *registration, int64_t device_id, const char *lesson, int64_t now);
// A registration a headset names in its status: it becomes the headset's if
// nobody has it. true when it is (now) this device's.
bool hub_db_claim_registration(stoa_hub *hub, int64_t device_id, const char *registration);
// A headset that kept its own registration for a launch: the run's row for
// it is renamed from the one the hub proposed to the one in use; only the
// device's own launch, only to a registration that is (or becomes) its own.
bool hub_db_rebind_run(stoa_hub *hub, int64_t device_id, const char *proposed, const char *used);
// Runs newest first as JSON [{run, lesson, started, learners, statements}].
cJSON *hub_db_list_runs(stoa_hub *hub, int limit);
// Registrations of a run; NULL when the run is unknown. cJSON array of strings.
cJSON *hub_db_run_registrations(stoa_hub *hub, const char *run_id);
// The newest statement seq and the count of a run's statements (report cache key).
bool hub_db_run_watermark(stoa_hub *hub, const char *run_id, int64_t *out_seq, int64_t *out_count);
// Devices as JSON [{id, name, admitted, revoked, stored}] (the panel's list).
cJSON *hub_db_list_devices(stoa_hub *hub);

// ---- hub_auth.c -------------------------------------------------------------------
stoa_result hub_auth_init(stoa_hub *hub, const stoa_hub_desc *desc, stoa_error *err);
// false (and answered 429) when this address or all together exceeded the
// limit this minute. global_per_minute 0 = no shared budget.
bool hub_rate_ok(stoa_hub *hub, hub_rate *rate, int per_minute, int global_per_minute, hub_req *c);
// The instructor session of this request; out_csrf gets its CSRF token.
bool hub_session_valid(stoa_hub *hub, hub_req *c, char out_csrf[65]);
// The request's session cookie, hashed as the sessions keep it (false: none).
bool hub_session_cookie_hash(hub_req *c, char out[65]);
// The live session with that hash, or NULL (hub->mu held).
hub_session *hub_session_by_hash(stoa_hub *hub, const char *token_hash);
// For state-changing requests: a valid session and a matching X-CSRF-Token.
// Answers 401/403 itself and returns false otherwise.
bool hub_require_instructor(stoa_hub *hub, hub_req *c, bool state_changing);
void hub_handle_login(stoa_hub *hub, hub_req *c);
void hub_handle_logout(stoa_hub *hub, hub_req *c);
void hub_handle_session(stoa_hub *hub, hub_req *c);
void hub_handle_join(stoa_hub *hub, hub_req *c);
// The device of a "Bearer <token>" header; 0 when missing, unknown or revoked.
int64_t hub_device_from_bearer(stoa_hub *hub, hub_req *c);
// Who is asking the xAPI resource: the key holder or the instructor (full
// access, the instructor read-only), or a headset (its own records only).
typedef enum hub_xapi_who { HUB_XAPI_NOBODY = 0, HUB_XAPI_KEY, HUB_XAPI_INSTRUCTOR, HUB_XAPI_DEVICE } hub_xapi_who;
hub_xapi_who hub_xapi_authorized(stoa_hub *hub, hub_req *c, int64_t *out_device);
// The same with the Authorization value given (xAPI's alternate request
// syntax carries it as a form field).
hub_xapi_who hub_xapi_authorized_as(stoa_hub *hub, hub_req *c, const char *authorization, int64_t *out_device);
// A new xAPI key (stored, effective at once); copied into out.
bool hub_rotate_xapi_key(stoa_hub *hub, char out[40]);

// ---- hub_ws.c -------------------------------------------------------------------
void hub_ws_on_message(void *user, uint64_t conn, int64_t tag, int opcode, bool fin, char *data, size_t len);
void hub_ws_on_close(void *user, uint64_t conn, int64_t tag);
void hub_ws_open(stoa_hub *hub, hub_req *c); // GET /ws/headset
// Sends a command message to each connected device in ids (n = 0: all).
// Returns how many it was queued for. Never waits on a socket.
int hub_ws_send_command(stoa_hub *hub, const int64_t *ids, size_t n, const char *json);
// Processes statements (one or an array) from a device: validate, authorize,
// store, update the live view. Fills `acks` (cJSON array) with the ids to drop.
void hub_ws_take_statements(stoa_hub *hub, int64_t device_id, const cJSON *items, cJSON *acks,
                            cJSON *rejected);

// ---- hub_roster.c ------------------------------------------------------------------
// The roster entry of a device (mu held); adds it when there is room (the
// least recently seen disconnected one makes room), else NULL.
hub_device *hub_roster_get(stoa_hub *hub, int64_t id, const char *name);
hub_device *hub_roster_find(stoa_hub *hub, int64_t id); // mu held; never adds
void hub_roster_remove(stoa_hub *hub, int64_t id);      // takes mu
bool hub_roster_rename(stoa_hub *hub, int64_t id, const char *name); // takes mu
void hub_roster_status(stoa_hub *hub, int64_t id, const cJSON *status);
void hub_roster_statement(stoa_hub *hub, int64_t id, const cJSON *st);
cJSON *hub_roster_json(stoa_hub *hub);
void hub_roster_set_paused(stoa_hub *hub, const int64_t *ids, size_t n, bool paused);
// A new launch: the live quiz results start again (the reports keep all).
void hub_roster_new_run(stoa_hub *hub);
// Headsets waiting for the teacher (mu held for the first).
void hub_pending_note(stoa_hub *hub, int64_t id, const char *name, const char *remote);
void hub_pending_drop(stoa_hub *hub, int64_t id);

// ---- hub_class.c: rosters and sign-in (named learners) ---------------------------------
bool hub_class_create(stoa_hub *hub, const char *title, char out_id[37]);
bool hub_class_exists(stoa_hub *hub, const char *class_id);
cJSON *hub_class_list(stoa_hub *hub); // [{id,title,archived,learners}]
// [{learner_id,name,number,pin,archived,device?}] of one class.
cJSON *hub_class_learners(stoa_hub *hub, const char *class_id, bool archived_too);
bool hub_class_pin_ok(const char *pin); // "" / NULL (no PIN) or four digits
bool hub_class_add_learner(stoa_hub *hub, const char *class_id, const char *name, const char *number,
                           const char *pin, char out_id[37]);
// NULL keeps a field; pin "" removes the PIN; archived -1 keeps it.
bool hub_class_edit_learner(stoa_hub *hub, const char *learner_id, const char *name, const char *number,
                            const char *pin, int archived);
// The roster's name and number of a learner id (the small lookup the
// reports, exports and evaluation pages use). false when not a roster learner.
bool hub_class_name(stoa_hub *hub, const char *learner_id, char *name, size_t name_size, char *number,
                    size_t number_size);
bool hub_class_signed_in(stoa_hub *hub, int64_t device_id, char out_learner[40]);
// {learner_id: name} of the roster learners a run records (its report names them).
cJSON *hub_class_run_names(stoa_hub *hub, const char *run_id);
cJSON *hub_class_names(stoa_hub *hub); // {learner_id: name} of every roster (the evaluation pages)
typedef enum hub_signin_result {
    HUB_SIGNIN_OK = 0, HUB_SIGNIN_UNKNOWN, HUB_SIGNIN_BAD_PIN, HUB_SIGNIN_ELSEWHERE, HUB_SIGNIN_TOO_MANY,
    HUB_SIGNIN_FAILED,
} hub_signin_result;
// by_teacher: the panel assigns (no PIN, moves the learner from another
// headset); else the headset asks for a learner of the current class.
hub_signin_result hub_class_sign_in(stoa_hub *hub, int64_t device_id, const char *learner_id, const char *pin,
                                    bool by_teacher);
// Signs out the device's learner (learner_id NULL) or that learner wherever
// they are; returns the device they were on (0 = none).
int64_t hub_class_sign_out(stoa_hub *hub, int64_t device_id, const char *learner_id);
const char *hub_signin_why(hub_signin_result r); // the protocol's "why"
// hub_class_data.c. A class list as CSV (UTF-8, BOM or not, quoted fields;
// columns name, number, pin, by a header row or in that order): all rows or
// none. {"added":N,"errors":[{"line","why"}]}.
cJSON *hub_class_import_csv(stoa_hub *hub, const char *class_id, const char *text, size_t len);
// {"learner":{...},"statements":[...],"runs":[...]}; NULL when unknown.
cJSON *hub_class_export_learner(stoa_hub *hub, const char *learner_id);
// Deletes the learner and every statement, run and registration recording
// them; {"deleted":{"learner","statements","runs","registrations"}}.
cJSON *hub_class_delete_learner(stoa_hub *hub, const char *learner_id);
// hub_csv.c: one CSV record at a time (RFC 4180 quoting, CRLF or LF).
// Returns the fields (cJSON array of strings) and advances *pos; NULL at
// the end. *why is set (and NULL returned) for a malformed record.
cJSON *hub_csv_next(const char *text, size_t len, size_t *pos, const char **why);
// hub_upload.c: POST /api/lessons/upload (a lesson archive, checked).
void hub_handle_upload(stoa_hub *hub, hub_req *c);
// hub_gradebook.c: GET /api/gradebook?run=ID|class=ID&format=csv|xlsx.
void hub_handle_gradebook(stoa_hub *hub, hub_req *c);
// hub_xlsx.c: a one-sheet workbook from rows of strings (the first row is
// the header); malloc'd bytes in *out.
bool hub_xlsx_write(const cJSON *rows, const char *sheet_name, uint8_t **out, size_t *out_len);

// ---- hub_forward.c -------------------------------------------------------------------
stoa_result hub_forward_start(stoa_hub *hub, const char *url, const char *auth, const char *ca_file,
                              stoa_error *err);
void hub_forward_stop(stoa_hub *hub);

// ---- hub_api.c, hub_xapi.c, hub_lessons.c, hub_report.c ------------------------------
void hub_api_route(stoa_hub *hub, hub_req *c);
// hub_xapi_cred.c: GET /api/xapi-credentials, POST .../new, POST .../revoke.
void hub_api_xapi_credentials(stoa_hub *hub, hub_req *c);
void hub_api_xapi_credential_new(stoa_hub *hub, hub_req *c);
void hub_api_xapi_credential_revoke(stoa_hub *hub, hub_req *c);
void hub_xapi_handle(stoa_hub *hub, hub_req *c);
// hub_eval.c: GET /api/evaluation and the /evaluation/ pages.
void hub_handle_evaluation(stoa_hub *hub, hub_req *c);
void hub_eval_pages(stoa_hub *hub, hub_req *c);
// Lesson library as JSON [{file, id, title{lang:text}, states[{id,title,expected_s,
// key_nodes[]}], sha256}]. Caller frees.
cJSON *hub_lessons_list(stoa_hub *hub);
// Reads one lesson file of the library (a plain file name, decoded once by
// the caller). Caller frees *out_text. Error messages name the lesson, never
// a path of the hub's machine.
stoa_result hub_lesson_read(stoa_hub *hub, const char *name, char **out_text, size_t *out_len,
                            char out_sha[65], char out_id[128], stoa_error *err);
// Writes the report of a run (its registrations), in a child process with
// bounded memory and time, once per change of the run; returns the HTML's path.
// lang: "en" or "zh-CN" (anything else is "en"): the page's language.
stoa_result hub_report_make(stoa_hub *hub, const char *run_id, const char *lang, char *out_path, size_t size,
                            stoa_error *err);

// hub_content.c: a library lesson's files for `launch`: *out_files
// [{path,sha256,size}] relative to the lesson's folder when every file lies
// in it, else NULL and *out_layout {"lesson": its path below the content
// root, "files": [{path,sha256,size}] relative to that root}. Caller frees
// both; false (both NULL) when the lesson cannot be read. And
// GET /api/headset/content/<sha256>.
#define HUB_MAX_CONTENT_FILE (1ull << 30) // one scene or sound (1 GiB, as a headset takes), served streamed
bool hub_lesson_content(stoa_hub *hub, const char *name, cJSON **out_files, cJSON **out_layout);
void hub_handle_content(stoa_hub *hub, hub_req *c, const char *sha);
// Lesson files parsed by hub_lesson_content so far (tests: once per change).
uint64_t hub_content_parses(void);
// hub_bake.c: the lesson's scene baked for headsets (docs/hub.md, "Baked
// scenes"): `bakes` [{path, sha256, size, format, key}] with the scene's
// path as the files list names it (+ ".stoabake"), or NULL while it is
// being baked (the first call starts it) or cannot be. Caller frees.
cJSON *hub_lesson_bakes(stoa_hub *hub, const char *name, bool layout);
cJSON *hub_bake_item(stoa_hub *hub, const char *scene, const char *rel);
// The baked file with this SHA-256 (GET /api/headset/content/<sha256>).
bool hub_bake_find(stoa_hub *hub, const char *sha, char *out, size_t size);
// Waits for the hub's running bakes, frees its bakes (stoa_hub_destroy).
void hub_bake_free(stoa_hub *hub);
// A readable page instead of an error object, for links the panel opens in
// a tab (a report of a run without records).
typedef enum hub_problem { HUB_PROBLEM_NO_RECORDS, HUB_PROBLEM_FAILED } hub_problem;
// {question IRI: [choice text in lang...]} of the library's quizzes.
// hub_report_build.c: builds html from the JSON Lines log in a process of
// its own (a fresh program, bounded in memory and time); waits for it.
stoa_result hub_report_run_builder(const char *log, const char *html, const char *language, stoa_error *err);
cJSON *hub_report_choices(stoa_hub *hub, const char *lang);
void hub_report_problem_page(hub_req *c, int status, hub_problem what, const char *lang, const char *detail);
// hub_api_class.c: the panel's roster, sign-in, export and gradebook API
// (true when it answered the path).
bool hub_api_class_route(stoa_hub *hub, hub_req *c, const char *path);
// hub_ws_class.c: what a headset hears about its class and learner.
void hub_ws_send_class(stoa_hub *hub, int64_t device_id);  // device 0: every connected headset
void hub_ws_send_signin(stoa_hub *hub, int64_t device_id); // signin or signout, as the hub has it
void hub_ws_on_signin(stoa_hub *hub, uint64_t conn, int64_t device_id, const cJSON *msg);
void hub_ws_on_signout(stoa_hub *hub, int64_t device_id);

// ---- hub_statement.c ----------------------------------------------------------------
// One incoming statement made ready to store: checked against xAPI 1.0.3
// (runtime/trace's checker), nested at most HUB_STATEMENT_DEPTH, given an id
// when it has none (allowed only when assign_id), and printed canonically
// (without the LRS-set "stored"/"authority"). false: *why says what is wrong.
// authority: the Agent the LRS writes as "authority" (the credential's).
bool hub_statement_prepare(cJSON *st, bool assign_id, const cJSON *authority, hub_prepared *out, char *why,
                           size_t why_size);
// An Agent or Group's identity key ("mbox mailto:a@b", "account <home> <name>", ...).
char *hub_statement_actor_key(const cJSON *actor);
void hub_prepared_free(hub_prepared *p);
// The stored form returned to xAPI clients: canon + "stored", as text,
// without parsing the stored JSON again. Caller frees.
char *hub_statement_stored_text(const char *canon, int64_t stored_ns);
// The same with another property name ("timestamp" for one the LRS sets).
char *hub_statement_stored_text_as(const char *canon, const char *name, int64_t stored_ns);

// ---- hub_view.c: live views of the headsets (issue 16) ----------------------
// GET /api/view, GET|POST /api/views; false when the path is another's.
bool hub_view_route(stoa_hub *hub, hub_req *c, const char *path);
// A {"t":"view"} picture from a headset (wire_len: the message's size).
void hub_view_on_message(stoa_hub *hub, int64_t device, const cJSON *msg, size_t wire_len);
// The headset's connection closed: its picture goes, it starts unwatched.
void hub_view_forget(stoa_hub *hub, int64_t device);
// Once a second (the maintenance thread): the measured rate, who is still
// watched, the rates fitted into the budget; tells headsets what changed.
void hub_view_tick(stoa_hub *hub);
void hub_view_free(stoa_hub *hub);
// ---- hub_view_push.c: the panel's WebSocket, pictures pushed (/ws/panel) ----
// The upgrade (instructor session; the dispatcher checked the Origin).
void hub_view_panel_open(stoa_hub *hub, hub_req *c);
// A message on a panel's WebSocket (its tag is negative).
void hub_view_panel_message(stoa_hub *hub, uint64_t conn, int opcode, bool fin, const char *data, size_t len);
// A panel's WebSocket closed (no-op for any other connection).
void hub_view_panel_close(stoa_hub *hub, uint64_t conn);
