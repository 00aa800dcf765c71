// SPDX-License-Identifier: Apache-2.0
// The dispatch of the LRS resources other than Statements (hub_lrs_doc.h): the
// checks every one of them shares, in the order xAPI 1.0.3 implies —
// version header (Communication 3.3), credentials (4.0), method, then the
// parameters (3.2.s3.b7/b8: an unknown parameter, or a known one in the
// wrong case, is a 400 naming it; so is a missing or malformed one).
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hub_lrs.h"
#include "hub_lrs_doc.h"

#define LRS_CORS                                                                                   \
    "Access-Control-Allow-Origin: *\r\n"                                                           \
    "Access-Control-Expose-Headers: X-Experience-API-Version, ETag, Last-Modified\r\n"
#define LRS_HEADERS "X-Experience-API-Version: " HUB_LRS_VERSION "\r\n" LRS_CORS
#define LRS_AGENT_JSON_MAX 8192 // an agent parameter (an Agent object is small)

void hub_lrs_send(hub_req *c, int status, const char *type, const void *body, size_t len,
                  const char *extra)
{
    char headers[1024];
    snprintf(headers, sizeof headers, LRS_HEADERS "%s", extra ? extra : "");
    hub_send_text(c, status, type, body, len, headers);
}

void hub_lrs_error(hub_req *c, int status, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", msg);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (s)
        hub_lrs_send(c, status, "application/json; charset=utf-8", s, strlen(s), NULL);
    else
        hub_lrs_send(c, 500, "text/plain", "out of memory", 13, NULL);
    free(s);
}

// ---- agents ---------------------------------------------------------------------------

// An absolute IRI as xAPI uses them: a scheme, a colon, something after it,
// no space or control byte (Data 4.2's IRI, checked for shape only).
static bool is_iri(const char *s)
{
    if (!s || !((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z'))
        return false;
    const char *p = s + 1;
    while (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9') || *p == '+' ||
           *p == '-' || *p == '.')
        p++;
    if (*p != ':' || !p[1])
        return false;
    for (; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return false;
    return true;
}

bool hub_lrs_agent_key(const cJSON *agent, char *out, size_t size, const char **why)
{
    if (!cJSON_IsObject(agent)) {
        *why = "not a JSON object";
        return false;
    }
    int ifis = 0;
    const cJSON *ifi = NULL;
    for (const cJSON *m = agent->child; m; m = m->next) {
        const char *k = m->string;
        if (strcmp(k, "mbox") == 0 || strcmp(k, "mbox_sha1sum") == 0 || strcmp(k, "openid") == 0 ||
            strcmp(k, "account") == 0) {
            ifis++, ifi = m;
        } else if (strcmp(k, "objectType") == 0 || strcmp(k, "member") == 0) {
            // Communication 2.3/2.4/2.6 tables: the parameter is an "Agent
            // object", and 2.6's note: "The agent parameter is an Agent Object
            // and not a Group. Learning Record Providers wishing to store data
            // against an Identified Group can use the Identified Group's
            // identifier within an Agent Object."
            if (strcmp(k, "member") == 0 || (cJSON_IsString(m) && strcmp(m->valuestring, "Group") == 0)) {
                *why = "a Group is not accepted here (xAPI 1.0.3 Communication 2.6: the agent parameter is an "
                       "Agent); for a document of an identified Group, send the Group's identifier (mbox, "
                       "mbox_sha1sum, openid or account) in an Agent object";
                return false;
            }
            if (!cJSON_IsString(m) || strcmp(m->valuestring, "Agent") != 0) {
                *why = "objectType: must be \"Agent\"";
                return false;
            }
        } else if (strcmp(k, "name") == 0) {
            if (!cJSON_IsString(m)) {
                *why = "name: not a string";
                return false;
            }
        } else {
            *why = "a property an Agent does not have";
            return false;
        }
    }
    // Data 2.4.2.1: exactly one Inverse Functional Identifier.
    if (ifis != 1) {
        *why = ifis ? "more than one inverse functional identifier"
                    : "no inverse functional identifier"
                      " (mbox, mbox_sha1sum, openid or account)";
        return false;
    }
    const char *k = ifi->string;
    int n = 0;
    if (strcmp(k, "account") == 0) {
        const cJSON *home = cJSON_GetObjectItemCaseSensitive(ifi, "homePage");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(ifi, "name");
        if (!cJSON_IsObject(ifi) || cJSON_GetArraySize(ifi) != 2 || !cJSON_IsString(home) ||
            !cJSON_IsString(name) || !is_iri(home->valuestring) || !name->valuestring[0]) {
            *why = "account: needs homePage (an IRI) and name, nothing else";
            return false;
        }
        n = snprintf(out, size, "account %s %s", home->valuestring, name->valuestring);
    } else {
        const char *v = cJSON_GetStringValue(ifi);
        bool ok = v != NULL;
        if (ok && strcmp(k, "mbox") == 0) { // Data 2.4.2.3: "mailto:" and an address
            const char *at = strncmp(v, "mailto:", 7) == 0 ? strchr(v + 7, '@') : NULL;
            ok = at && at > v + 7 && at[1] && !strchr(at + 1, '@') && !strpbrk(v, " \t<>");
        } else if (ok && strcmp(k, "mbox_sha1sum") == 0) {
            ok = strlen(v) == 40 && strspn(v, "0123456789abcdefABCDEF") == 40;
        } else if (ok) {
            ok = is_iri(v);
        }
        if (!ok) {
            *why = strcmp(k, "mbox") == 0     ? "mbox: not a mailto: IRI with an address"
                   : strcmp(k, "openid") == 0 ? "openid: not an IRI"
                                              : "mbox_sha1sum: not 40 hexadecimal digits";
            return false;
        }
        n = snprintf(out, size, "%s %s", k, v);
    }
    if (n < 0 || (size_t)n >= size) {
        *why = "too long";
        return false;
    }
    return true;
}

// ---- parameters -------------------------------------------------------------------------

typedef struct param_spec {
    const char *name;
    char **slot;
} param_spec;

// Reads the query: each name once, each one known in exactly this spelling.
static bool read_params(hub_lrs_req *r, const param_spec *specs, size_t n_specs)
{
    const char *q = r->c->head.query;
    while (q && *q) {
        size_t len = strcspn(q, "&");
        if (len) {
            size_t nl = strcspn(q, "=");
            if (nl > len)
                nl = len;
            char name[64];
            if (nl >= sizeof name || !hub_url_decode(q, nl, name, sizeof name)) {
                hub_lrs_error(r->c, 400, "unknown parameter (a name of %zu bytes)", nl);
                return false;
            }
            size_t i = 0;
            while (i < n_specs && strcmp(specs[i].name, name) != 0)
                i++;
            if (i == n_specs) {
                for (i = 0; i < n_specs && strcasecmp(specs[i].name, name) != 0; i++)
                    ;
                if (i < n_specs)
                    hub_lrs_error(r->c, 400,
                                  "%s: parameter names are case sensitive, this one is %s", name,
                                  specs[i].name);
                else
                    hub_lrs_error(r->c, 400, "%.60s: not a parameter of this resource and method",
                                  name);
                return false;
            }
            if (*specs[i].slot) {
                hub_lrs_error(r->c, 400, "%s: given more than once", name);
                return false;
            }
            size_t vl = nl < len ? len - nl - 1 : 0;
            char *v = malloc(vl + 1);
            if (!v || !hub_url_decode(q + nl + 1, vl, v, vl + 1)) {
                free(v);
                hub_lrs_error(r->c, 400, "%s: not a valid URL-encoded UTF-8 value", name);
                return false;
            }
            *specs[i].slot = v;
        }
        q += len + (q[len] == '&');
    }
    return true;
}

static bool require(hub_lrs_req *r, const char *value, const char *name)
{
    if (value)
        return true;
    hub_lrs_error(r->c, 400, "%s: missing (required by this resource and method)", name);
    return false;
}

// Checks what was given: IRIs, the agent, a UUID, a timestamp, id lengths.
static bool check_params(hub_lrs_req *r)
{
    if (r->activity_id && (strlen(r->activity_id) > HUB_LRS_ID_MAX || !is_iri(r->activity_id))) {
        hub_lrs_error(r->c, 400, "activityId: not an IRI");
        return false;
    }
    if (r->doc_id && (!r->doc_id[0] || strlen(r->doc_id) > HUB_LRS_ID_MAX)) {
        hub_lrs_error(r->c, 400, "%s: empty or longer than %d bytes", r->id_name, HUB_LRS_ID_MAX);
        return false;
    }
    if (r->registration) {
        for (char *p = r->registration; *p; p++) // one spelling, as statements store it
            *p = (char)(*p >= 'A' && *p <= 'F' ? *p + 32 : *p);
        if (!hub_is_uuid(r->registration)) {
            hub_lrs_error(r->c, 400, "registration: not a UUID");
            return false;
        }
    }
    if (r->since && !hub_parse_iso(r->since, &r->since_ns)) {
        hub_lrs_error(r->c, 400, "since: not an ISO 8601 timestamp");
        return false;
    }
    if (r->agent_json) {
        stoa_error err = {0};
        const char *why = NULL;
        if (stoa_json_parse_str(
                r->agent_json, &(stoa_json_policy){.max_bytes = LRS_AGENT_JSON_MAX, .max_depth = 4},
                &r->agent, &err) != STOA_OK) {
            hub_lrs_error(r->c, 400, "agent: not JSON: %.200s", err.message);
            return false;
        }
        if (!hub_lrs_agent_key(r->agent, r->agent_key, sizeof r->agent_key, &why)) {
            hub_lrs_error(r->c, 400, "agent: not an Agent object: %s", why);
            return false;
        }
    }
    return true;
}

// ---- the dispatch -----------------------------------------------------------------------

enum { R_STATE, R_ACT_PROFILE, R_AGENT_PROFILE, R_ACTIVITIES, R_AGENTS, R_ABOUT, R_NONE };

static int resource_of(const char *path)
{
    static const char *const paths[] = {"/xapi/activities/state", "/xapi/activities/profile",
                                        "/xapi/agents/profile",   "/xapi/activities",
                                        "/xapi/agents",           "/xapi/about"};
    for (int i = 0; i < R_NONE; i++)
        if (strcmp(path, paths[i]) == 0)
            return i;
    return R_NONE;
}

static bool authorize(hub_lrs_req *r, int res, bool writes)
{
    hub_req *c = r->c;
    hub_lrs_caller who;
    if (!hub_lrs_authorize(r->hub, c, hub_header(c, "Authorization"), writes, false, &who)) {
        hub_lrs_error(c, who.status, "%s", who.why);
        return false;
    }
    r->who = (hub_xapi_who)who.who;
    r->device_id = who.device_id;
    // "mine" (its own statements only) does not reach what other statements say of agents.
    if (who.has_cred && who.cred.mine && res == R_AGENTS) {
        hub_lrs_error(c, 403, "a credential for its own statements only does not read Person objects");
        return false;
    }
    if (r->who == HUB_XAPI_DEVICE && res == R_ACT_PROFILE && writes) {
        hub_lrs_error(c, 403, "a headset reads Activity Profile documents, it does not write them");
        return false;
    }
    return true;
}

void hub_lrs_route(stoa_hub *hub, hub_req *c)
{
    const char *m = hub_method(c);
    int res = resource_of(c->head.path);
    if (res == R_NONE) {
        hub_lrs_error(c, 404, "no such xAPI resource");
        return;
    }
    bool docs = res <= R_AGENT_PROFILE;
    if (hub_lrs_is_alternate(c)) { // Communication 1.3: answered as the request it stands for
        hub_lrs_alternate(hub, c);
        return;
    }
    if (strcmp(m, "OPTIONS") == 0) { // a preflight: what a cross-origin xAPI client may send
        hub_send_text(
            c, 204, "text/plain", "", 0,
            LRS_HEADERS
            "Access-Control-Allow-Methods: GET, HEAD, PUT, POST, DELETE\r\n"
            "Access-Control-Allow-Headers: Authorization, Content-Type, X-Experience-API-Version,"
            " If-Match, If-None-Match\r\nAccess-Control-Max-Age: 600\r\n");
        return;
    }
    bool reads = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
    bool writes = strcmp(m, "PUT") == 0 || strcmp(m, "POST") == 0 || strcmp(m, "DELETE") == 0;
    if (!reads && !(docs && writes)) {
        hub_lrs_error(c, 405, "%s: not a method of this resource", m);
        return;
    }
    // Communication 2.8.s5.b4: About answers whatever the version header says.
    const char *version = hub_header(c, "X-Experience-API-Version");
    if (res != R_ABOUT &&
        (!version || strncmp(version, "1.0", 3) != 0 || (version[3] && version[3] != '.'))) {
        hub_lrs_error(c, 400, "X-Experience-API-Version: 1.0.x required");
        return;
    }
    const char *id_name = res == R_STATE ? "stateId" : "profileId";
    hub_lrs_req r = {
        .hub = hub, .c = c, .method = strcmp(m, "HEAD") == 0 ? "GET" : m, .id_name = id_name};
    if (res != R_ABOUT && !authorize(&r, res, writes)) // 2.8.s5.b3: About is open to all
        return;
    bool get = reads, single_verb = strcmp(m, "PUT") == 0 || strcmp(m, "POST") == 0;
    param_spec specs[6];
    size_t n = 0;
    if (res == R_STATE || res == R_ACT_PROFILE || res == R_ACTIVITIES)
        specs[n++] = (param_spec){"activityId", &r.activity_id};
    if (res == R_STATE || res == R_AGENT_PROFILE || res == R_AGENTS)
        specs[n++] = (param_spec){"agent", &r.agent_json};
    if (res == R_STATE)
        specs[n++] = (param_spec){"registration", &r.registration};
    if (docs)
        specs[n++] = (param_spec){id_name, &r.doc_id};
    if (docs && get)
        specs[n++] = (param_spec){"since", &r.since};
    bool ok = read_params(&r, specs, n);
    for (size_t i = 0; ok && i < n; i++) {
        bool needed = strcmp(specs[i].name, "activityId") == 0 ||
                      strcmp(specs[i].name, "agent") == 0 ||
                      (specs[i].slot == &r.doc_id && (single_verb || (res != R_STATE && !get)));
        ok = !needed || require(&r, *specs[i].slot, specs[i].name);
    }
    if (ok && r.since && r.doc_id) {
        hub_lrs_error(c, 400, "since: only for the list of ids (without %s)", id_name);
        ok = false;
    }
    ok = ok && check_params(&r);
    if (ok && r.who == HUB_XAPI_DEVICE && r.agent &&
        !hub_lrs_device_owns(hub, r.device_id, r.agent, r.agent_key)) {
        hub_lrs_error(c, 403, "agent: a headset reaches only its own learner's documents");
        ok = false;
    }
    if (ok) {
        if (docs)
            hub_lrs_documents(&r, res == R_STATE         ? HUB_LRS_STATE
                                  : res == R_ACT_PROFILE ? HUB_LRS_ACTIVITY_PROFILE
                                                         : HUB_LRS_AGENT_PROFILE);
        else if (res == R_ABOUT)
            hub_lrs_about(&r);
        else if (res == R_ACTIVITIES)
            hub_lrs_activities(&r);
        else
            hub_lrs_agents(&r);
    }
    free(r.activity_id), free(r.agent_json), free(r.registration), free(r.doc_id), free(r.since);
    cJSON_Delete(r.agent);
}

bool hub_lrs_device_owns(stoa_hub *hub, int64_t device_id, const cJSON *agent,
                         const char *agent_key)
{
    // The roster learner signed in on it: the trace writes them as an
    // account whose name is the learner id (its homePage is the hub's URL as
    // the headset reached it, which differs by network: not compared).
    char learner[40];
    const char *acc = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(agent, "account"), "name"));
    if (acc && hub_class_signed_in(hub, device_id, learner) && strcmp(learner, acc) == 0)
        return true;
    // Or the actor it last wrote statements as (hub_db_store's `learners`).
    bool row = false;
    const void *args[] = {agent_key, &device_id};
    pthread_mutex_lock(&hub->db_mu);
    bool ok = hub_db_exec(hub, "SELECT 1 FROM learners WHERE actor=?1 AND device_id=?2", "ti", args,
                          NULL, &row);
    pthread_mutex_unlock(&hub->db_mu);
    return ok && row;
}
