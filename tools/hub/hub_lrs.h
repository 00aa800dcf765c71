// SPDX-License-Identifier: Apache-2.0
// The hub as an xAPI 1.0.3 Learning Record Store: the Statements resource's
// limits (stated here so that the About resource can say them too), the
// query index and the output formats (docs/lrs.md).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define HUB_XAPI_VERSION "1.0.3"
// GET /xapi/statements: `limit` is capped here; limit=0 or none means this many
// (the default of stoa hub --lrs-statements-limit, which may not exceed the cap).
#define HUB_XAPI_LIMIT_MAX 500
#define HUB_XAPI_LIMIT_CAP 10000
// One State/Profile document: the default of stoa hub --lrs-document-max, and its cap.
#define HUB_LRS_DOC_MAX_DEFAULT (256u * 1024u)
#define HUB_LRS_DOC_MAX_CAP (64u << 20)
#define HUB_XAPI_MAX_BATCH 1000            // statements in one POST
#define HUB_XAPI_MAX_ANSWER (4u << 20)     // a GET page stops here (and says "more")
#define HUB_VERB_VOIDED "http://adlnet.gov/expapi/verbs/voided"
#define HUB_SIGNATURE_USAGE "http://adlnet.gov/expapi/attachments/signature"
#define HUB_XAPI_MAX_PARAM 2048              // agent, verb, activity values (decoded)
#define HUB_XAPI_MAX_PARTS 64              // parts of one multipart/mixed request

// Query index kinds: one character before the key in each index entry.
#define HUB_IDX_AGENT 'a'            // actor or object Agent/Group (and a Group's members)
#define HUB_IDX_AGENT_RELATED 'A'    // the above + authority, instructor, team, SubStatement's
#define HUB_IDX_VERB 'v'
#define HUB_IDX_ACTIVITY 'o'         // the object Activity
#define HUB_IDX_ACTIVITY_RELATED 'O' // the above + context activities, SubStatement's
#define HUB_IDX_REGISTRATION 'r'

// The index entries of a statement: a cJSON array of "<kind><key>" strings
// (agents by hub_statement_actor_key). NULL when out of memory.
cJSON *hub_statement_index_keys(const cJSON *st);
// The 64-bit key the index stores for (kind, key): the table xhash(h, seq)
// holds hashes, not texts (a quarter of the size); a query checks each
// candidate statement against the texts (collisions are harmless).
// Direct kinds (agent, activity) are stored as their related kind (a
// superset): a direct filter walks the related rows and the check drops
// the statements where the key is only related. hub_xidx_stored_kind says which.
int64_t hub_xidx_hash(char kind, const char *key);
char hub_xidx_stored_kind(char kind);

// contextActivities lists given as one Activity become arrays of one (Data 2.4.6.2).
void hub_statement_activity_arrays(cJSON *context_activities);

// The statement comparison of xAPI Data 2.3.1: true when `have` (as stored)
// and `got` (prepared, not yet stored) differ only where Statement
// Immutability allows (id/UUID case, authority, stored, version, a
// timestamp the LRS assigned or wrote in another zone, verb display,
// activity definitions, member order of a Group, single contextActivities).
bool hub_statement_same(const char *have_json, const char *got_json);

typedef enum hub_xapi_format { HUB_FORMAT_EXACT = 0, HUB_FORMAT_IDS, HUB_FORMAT_CANONICAL } hub_xapi_format;
// Rewrites a stored statement for format=ids or format=canonical (the
// language maps reduced to the best match of accept_language, RFC 7231).
void hub_statement_format(cJSON *st, hub_xapi_format format, const char *accept_language);

// ---- hub_db_xapi.c ------------------------------------------------------------------
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef struct stoa_hub stoa_hub;
typedef struct hub_prepared hub_prepared;
// Schema version 4 (the index, voiding); fills the index of older stores.
bool hub_db_xapi_migrate(sqlite3 *db, char **msg);
typedef struct hub_xapi_stmts {
    sqlite3_stmt *ins, *target, *set_ref, *referrers, *void_target, *void_self;
} hub_xapi_stmts;
bool hub_db_xapi_prepare(stoa_hub *hub, hub_xapi_stmts *x); // db_mu held
void hub_db_xapi_finalize(hub_xapi_stmts *x);
// A statement just stored at seq: its index rows, its target's, voiding.
bool hub_db_xapi_index(hub_xapi_stmts *x, int64_t seq, const hub_prepared *p);
// 1 when the stored statement `id` is a voiding statement, 0 when not (or
// absent), -1 when the database failed.
int hub_db_xapi_is_voiding(stoa_hub *hub, const char *id);
// A statement by id: voided = false for statementId, true for voidedStatementId.
// cred_id > 0: only the statements that credential stored ("mine").
char *hub_db_xapi_get(stoa_hub *hub, const char *id, bool voided, int64_t device_id, int64_t cred_id,
                      int64_t *out_stored_ns);
#define HUB_XAPI_MAX_KEYS 4
typedef struct hub_xapi_filter {
    int nkeys;
    char kind[HUB_XAPI_MAX_KEYS];
    const char *key[HUB_XAPI_MAX_KEYS];
    int64_t since_ns, until_ns, cursor, device_id, cred_id; // 0 = none
    int limit;
    bool ascending;
} hub_xapi_filter;
// Statements not voided, matching every (kind, key), in seq order; each
// passed to fn (false: the page is full) until f->limit were. Returns the
// last seq looked at (the next page's cursor), or 0; *more: the page ended
// before the store did (limit reached, page full, or the candidates a page
// may look at were used up).
typedef bool (*hub_xapi_row_fn)(void *user, int64_t seq, const char *json, int64_t stored_ns);
int64_t hub_db_xapi_query(stoa_hub *hub, const hub_xapi_filter *f, hub_xapi_row_fn fn, void *user, bool *more);

// ---- hub_xapi_cred.c: credentials made in the panel ------------------------------------------
typedef struct hub_xapi_cred {
    int64_t id;
    char name[72], key[48];
    bool read, write, mine; // mine: reads only the statements it stored
} hub_xapi_cred;
// Basic key:secret of a live credential: true and *out filled.
bool hub_xapi_cred_check(stoa_hub *hub, const char *key, const char *secret, hub_xapi_cred *out);
// The same from an Authorization header (Basic lrs-...:secret); hub_auth.c.
bool hub_xapi_panel_credential(stoa_hub *hub, const char *auth, hub_xapi_cred *out);
// Who calls an LRS resource (hub_auth.c, the one check of every xAPI
// resource): the hub's key or a panel credential within its scopes (KEY),
// a headset's device token (DEVICE, device_id), or the instructor's session
// reading from the panel's own origin (never in a form: the alternate
// syntax). false: refuse with status (401/403) and why.
typedef struct hub_lrs_caller {
    int who; // hub_xapi_who
    int64_t device_id;
    bool has_cred; // a panel-made credential (cred)
    hub_xapi_cred cred;
    int status;
    const char *why;
} hub_lrs_caller;
typedef struct hub_request hub_req;
bool hub_lrs_authorize(stoa_hub *hub, hub_req *c, const char *authorization, bool writes, bool form,
                       hub_lrs_caller *out);
// The authority of statements stored with it (an Agent by account).
cJSON *hub_xapi_cred_authority(stoa_hub *hub, const hub_xapi_cred *cred);

// ---- hub_xapi_parts.c: multipart/mixed and signed statements ------------------------------
typedef struct hub_xapi_part {
    const char *data; // inside the request body
    size_t len;
    char type[128], sha2[132];
} hub_xapi_part;
typedef struct hub_xapi_parts {
    int n; // part[0] is the statements
    hub_xapi_part part[HUB_XAPI_MAX_PARTS];
} hub_xapi_parts;
// Splits a multipart/mixed body; NULL, or why it is refused.
const char *hub_xapi_parts_parse(const char *content_type, const char *body, size_t len, hub_xapi_parts *out);
// Does data hash to hex (SHA-224/256/384/512 by its length)?
bool hub_xapi_sha2_matches(const void *data, size_t len, const char *hex);
// The attachment part (not the statements) with this sha2, or NULL.
const hub_xapi_part *hub_xapi_parts_find(const hub_xapi_parts *parts, const char *sha2);
// A signed statement's JWS checked (Data 2.6); NULL when well formed.
const char *hub_xapi_check_signature(const cJSON *st, const hub_xapi_part *jws);
// A forwarded batch (a JSON array of stored statements) as multipart/mixed
// with the attachment data the hub holds (Communication 1.5.2: "An LRS MUST
// NOT push Statements into another LRS without including Attachment data
// received"); NULL when it has none to send (send the JSON). Caller frees.
#define HUB_XAPI_MULTIPART_TYPE "multipart/mixed; boundary=stoa-xapi-7f3e1c2a9b"
char *hub_xapi_forward_body(stoa_hub *hub, const char *json_array, size_t *out_len);
// Attachment data by sha2 (hub_db_xapi.c): stored once per hash.
bool hub_db_xapi_put_attachment(stoa_hub *hub, const hub_xapi_part *part);
// The data and content type of a stored attachment; NULL when absent. Caller frees both.
void *hub_db_xapi_get_attachment(stoa_hub *hub, const char *sha2, size_t *len, char **type);
