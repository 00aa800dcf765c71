// SPDX-License-Identifier: Apache-2.0
// The hub's xAPI 1.0.3 LRS resources other than Statements (hub_lrs.h and
// hub_xapi*.c have those) (Communication
// part 2, docs/lrs-documents.md): the three document resources (State,
// Activity Profile, Agent Profile), Activities, Agents and About.
//
//   hub_lrs_doc.c     the dispatch: version header, credentials, parameters,
//                     agent JSON, answers (every answer carries
//                     X-Experience-API-Version)
//   hub_lrs_doc_res.c the document resources: ETags, If-Match/If-None-Match,
//                     the JSON merge of POST
//   hub_lrs_doc_db.c  their SQLite tables (made by hub_lrs_db_open)
//   hub_lrs_alt.c     the alternate request syntax (Communication 1.3)
//   hub_lrs_about.c   About, Activities and Agents (Person objects), and the
//                     fold that builds their data from stored statements
//
// Who may do what: the xAPI key everything; the instructor's session reads
// (from the panel's own origin); a headset's device token reaches only the
// documents and Person object of its own learner (the roster learner signed
// in on it, or the actor it last wrote statements as) and may read, never
// write, Activity Profile documents (they are shared by every learner).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "hub_internal.h"
#include "hub_lrs.h"

#define HUB_LRS_ID_MAX 2048   // an IRI, stateId or profileId (bytes)
#define HUB_LRS_DOC_DEPTH 32  // JSON documents merged by POST
#define HUB_LRS_IDS_MAX 10000 // ids in one multiple-document GET
#define HUB_LRS_VERSION "1.0.3"

// A learner's documents (agents whose account.name is the learner id) as
// JSON objects appended to `into`, for the learner export (db_mu held).
void hub_lrs_export_documents(stoa_hub *hub, const char *learner_id, cJSON *into);

// Routes every /xapi/ path but /xapi/statements (answers 404 to unknown ones).
void hub_lrs_route(stoa_hub *hub, hub_req *c);

// Creates the LRS tables in the hub's database (a new hub, or one made by an
// older hub: only new tables, nothing existing changes). Called once by
// stoa_hub_create after hub_db_open.
stoa_result hub_lrs_db_open(stoa_hub *hub, stoa_error *err);

// hub_lrs_alt.c: the alternate request syntax (Communication 1.3): a POST
// with ?method=X and a form body, answered as the request it stands for.
bool hub_lrs_is_alternate(hub_req *c);
void hub_lrs_alternate(stoa_hub *hub, hub_req *c);

// ---- shared by the hub_lrs files --------------------------------------------------

typedef enum hub_lrs_kind {
    HUB_LRS_STATE = 1,
    HUB_LRS_ACTIVITY_PROFILE,
    HUB_LRS_AGENT_PROFILE
} hub_lrs_kind;

// One parsed request (parameters decoded, checked, the agent made a key).
typedef struct hub_lrs_req {
    stoa_hub *hub;
    hub_req *c;
    const char *id_name; // "stateId" or "profileId"
    const char *method;  // GET, HEAD, PUT, POST, DELETE (HEAD is answered as GET without a body)
    hub_xapi_who who;
    int64_t device_id;
    char *activity_id, *agent_json, *registration, *doc_id, *since; // NULL when absent
    char agent_key[HUB_LRS_ID_MAX + 600]; // the agent's Inverse Functional Identifier as one string
    cJSON *agent;                         // the parsed agent (NULL when absent)
    int64_t since_ns;
} hub_lrs_req;

// An error answer {"error": message} with the xAPI headers.
void hub_lrs_error(hub_req *c, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
// Any answer with the xAPI headers (extra may be NULL).
void hub_lrs_send(hub_req *c, int status, const char *type, const void *body, size_t len,
                  const char *extra);
// The Inverse Functional Identifier of an agent in the hub's actor-key form
// ("mbox mailto:x@y", "account HOME NAME", ...). false: *why names the problem.
bool hub_lrs_agent_key(const cJSON *agent, char *out, size_t size, const char **why);
// Does a device token reach this agent (its own learner)?
bool hub_lrs_device_owns(stoa_hub *hub, int64_t device_id, const cJSON *agent,
                         const char *agent_key);

void hub_lrs_documents(hub_lrs_req *r, hub_lrs_kind kind);
void hub_lrs_about(hub_lrs_req *r);
// The background fold of what Activities and Agents answer from (hub.c's
// housekeeping, each second): folds chunks for at most budget_ns.
// 1: caught up, 0: more left, -1: the database failed.
int hub_lrs_fold_step(stoa_hub *hub, int64_t budget_ns);
void hub_lrs_activities(hub_lrs_req *r);
void hub_lrs_agents(hub_lrs_req *r);

// Documents (hub_lrs_doc_db.c; each takes db_mu). registration "" = none.
typedef struct hub_lrs_doc {
    char *content; // malloc'd (NUL added after len)
    size_t len;
    char type[256];
    char etag[41];
    int64_t updated_ns;
} hub_lrs_doc;
typedef struct hub_lrs_addr {
    hub_lrs_kind kind;
    const char *activity, *agent, *registration, *id; // "" where the kind has none
} hub_lrs_addr;
// 1 found, 0 none, -1 the database failed.
int hub_lrs_doc_get(stoa_hub *hub, const hub_lrs_addr *a, hub_lrs_doc *out);
void hub_lrs_doc_free(hub_lrs_doc *d);
// Writes when the stored document's ETag still equals expect_etag ("" = there
// must be none, NULL = whatever is there): the check and the write are one
// transaction. 1 written, 0 the precondition no longer holds, -1 failed.
int hub_lrs_doc_put(stoa_hub *hub, const hub_lrs_addr *a, const char *expect_etag, const char *type,
                    const void *content, size_t len);
// Deletes one (a->id set) or all of a context (a->id NULL; registration NULL
// = every registration). expect_etag as above (single only). 1 / 0 / -1.
int hub_lrs_doc_delete(stoa_hub *hub, const hub_lrs_addr *a, const char *expect_etag);
// The ids of a context updated after since_ns (registration NULL = any), as
// a JSON array; *out_latest gets the newest update. NULL when the database failed.
cJSON *hub_lrs_doc_ids(stoa_hub *hub, const hub_lrs_addr *a, int64_t since_ns, int64_t *out_latest);
// The SHA-1 of the content in lower-case hex (Communication 3.1.s4.b2).
void hub_lrs_sha1_hex(const void *data, size_t len, char out[41]);
