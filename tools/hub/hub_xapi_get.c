// SPDX-License-Identifier: Apache-2.0
// GET (and HEAD) /xapi/statements, Communication 2.1.3: one statement by
// statementId or voidedStatementId, or a StatementResult filtered by agent,
// verb, activity, registration (related_agents/related_activities widen
// the first and third), since/until, in stored order (ascending or not),
// at most `limit` (HUB_XAPI_LIMIT_MAX), in format exact, ids or canonical.
// The page is assembled as text; `more` carries the filters and the last
// seq given, so the next page neither repeats nor skips a statement however
// many are stored meanwhile.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_lrs.h"
#include "hub_xapi.h"
#include "trace/stoa_trace_check.h"

static const char *const k_params[] = {"statementId", "voidedStatementId", "agent", "verb", "activity",
    "registration", "related_activities", "related_agents", "since", "until", "limit", "format", "attachments",
    "ascending", "cursor", NULL};
static const char *const k_form_fields[] = {"Authorization", "X-Experience-API-Version", "Content-Type",
    "Content-Length", "If-Match", "If-None-Match", "content", NULL};

static bool in_list(const char *const *l, const char *name)
{
    for (int i = 0; l[i]; i++)
        if (strcmp(l[i], name) == 0)
            return true;
    return false;
}

bool hub_xapi_params_ok(hub_req *c, const char *query, const char *allowed, bool form)
{
    const char *p = query ? query : "";
    char seen[16][40];
    int nseen = 0;
    while (*p) {
        size_t plen = strcspn(p, "&");
        size_t klen = strcspn(p, "=&");
        char name[40] = "", msg[160];
        if (klen == 0 || klen >= sizeof name) {
            snprintf(msg, sizeof msg, "unknown parameter \"%.*s\"", (int)(klen < 40 ? klen : 40), p);
            hub_xapi_error(c, 400, msg);
            return false;
        }
        memcpy(name, p, klen);
        bool skip = form && in_list(k_form_fields, name);
        if (!skip) {
            // Names are case sensitive (Data 2.2: "where the case of a key
            // does not match ... MUST reject").
            char padded[48];
            snprintf(padded, sizeof padded, " %s ", name);
            char list[200];
            snprintf(list, sizeof list, " %s ", allowed);
            if (!strstr(list, padded)) {
                snprintf(msg, sizeof msg, "%s: %s", name,
                         in_list(k_params, name) ? "not allowed with this request" : "unknown parameter");
                hub_xapi_error(c, 400, msg);
                return false;
            }
            // A value that does not decode (or does not fit) is refused here,
            // never taken for an absent parameter (an unfiltered answer).
            bool big = strcmp(name, "agent") == 0 || strcmp(name, "verb") == 0 || strcmp(name, "activity") == 0;
            char value[HUB_XAPI_MAX_PARAM];
            if (!hub_query_get(query, name, value, big ? sizeof value : 64)) {
                snprintf(msg, sizeof msg, "%s: badly encoded or too long", name);
                hub_xapi_error(c, 400, msg);
                return false;
            }
            for (int i = 0; i < nseen; i++)
                if (strcmp(seen[i], name) == 0) {
                    snprintf(msg, sizeof msg, "%s: given twice", name);
                    hub_xapi_error(c, 400, msg);
                    return false;
                }
            if (nseen < 16)
                snprintf(seen[nseen++], sizeof seen[0], "%s", name);
        }
        p += plen;
        if (*p == '&')
            p++;
    }
    return true;
}

#define MAX_PAGE_ATTACHMENTS 256

// The attachment hashes of the statements answered (attachments=true).
typedef struct hashes {
    char v[MAX_PAGE_ATTACHMENTS][132];
    int n;
} hashes;

static void collect(hashes *h, const char *st_json)
{
    if (!h)
        return;
    cJSON *st = cJSON_Parse(st_json); // the hub's own stored text
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(st, "attachments")) {
        const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "sha2"));
        bool have = !s || strlen(s) >= sizeof h->v[0];
        for (int i = 0; i < h->n && !have; i++)
            have = strcmp(h->v[i], s) == 0;
        if (!have && h->n < MAX_PAGE_ATTACHMENTS)
            snprintf(h->v[h->n++], sizeof h->v[0], "%s", s);
    }
    cJSON_Delete(st);
}

typedef struct page {
    char *buf;
    size_t len, cap;
    int n;
    bool full;
    int64_t latest_ns; // the latest `stored` on the page (Last-Modified)
    hub_xapi_format format;
    const char *accept;
    hashes *atts; // NULL unless attachments=true
} page;

static char *render(const char *json, int64_t stored_ns, hub_xapi_format f, const char *accept)
{
    char *st = hub_statement_stored_text(json, stored_ns);
    if (!st || f == HUB_FORMAT_EXACT)
        return st;
    cJSON *j = cJSON_Parse(st); // the hub's own canonical text, bounded when it was stored
    free(st);
    if (!j)
        return NULL;
    hub_statement_format(j, f, accept);
    st = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return st;
}

static bool add_row(void *user, int64_t seq, const char *json, int64_t stored_ns)
{
    (void)seq;
    page *pg = user;
    char *st = render(json, stored_ns, pg->format, pg->accept);
    if (!st)
        return true;
    size_t l = strlen(st);
    if (pg->n > 0 && pg->len + l + 1 > HUB_XAPI_MAX_ANSWER) {
        free(st);
        pg->full = true;
        return false;
    }
    if (pg->len + l + 2 > pg->cap) {
        size_t cap = (pg->cap + l + 2) * 2;
        char *g = realloc(pg->buf, cap);
        if (!g) {
            free(st);
            pg->full = true;
            return false;
        }
        pg->buf = g, pg->cap = cap;
    }
    collect(pg->atts, st);
    if (stored_ns > pg->latest_ns)
        pg->latest_ns = stored_ns;
    if (pg->n++)
        pg->buf[pg->len++] = ',';
    memcpy(pg->buf + pg->len, st, l);
    pg->len += l;
    free(st);
    return true;
}

static bool bool_param(hub_req *c, const char *q, const char *name, bool *out)
{
    char v[8];
    *out = false;
    if (!hub_query_get(q, name, v, sizeof v))
        return true;
    if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
        *out = v[0] == 't';
        return true;
    }
    char msg[96];
    snprintf(msg, sizeof msg, "%s: must be true or false", name);
    hub_xapi_error(c, 400, msg);
    return false;
}

static bool append(char **buf, size_t *len, size_t *cap, const void *data, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c2 = (*cap + n + 1) * 2;
        char *g = realloc(*buf, c2);
        if (!g)
            return false;
        *buf = g, *cap = c2;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    return true;
}

#define BOUNDARY "stoa-xapi-7f3e1c2a9b"

// The statements as multipart/mixed (Communication 1.5.2): the JSON, then
// the data of each attachment the hub holds (once per SHA-2), each part
// with its hash. *parts_out: how many data parts. NULL when out of memory.
static char *build_multipart(stoa_hub *hub, const char *json, size_t len, const hashes *atts, size_t *out_len,
                             int *parts_out)
{
    static const char boundary[] = BOUNDARY;
    char *out = NULL, head[400];
    size_t n = 0, cap = 0;
    int parts = 0;
    int hl = snprintf(head, sizeof head, "--%s\r\nContent-Type: application/json\r\n\r\n", boundary);
    bool ok = append(&out, &n, &cap, head, (size_t)hl) && append(&out, &n, &cap, json, len);
    for (int i = 0; ok && i < atts->n; i++) {
        size_t dl = 0;
        char *type = NULL;
        void *data = hub_db_xapi_get_attachment(hub, atts->v[i], &dl, &type);
        if (!data)
            continue; // a fileUrl attachment: no data here
        if (n + dl > 2 * HUB_XAPI_MAX_ANSWER) {
            free(data), free(type);
            break;
        }
        hl = snprintf(head, sizeof head, "\r\n--%s\r\nContent-Type: %.100s\r\nContent-Transfer-Encoding: binary\r\n"
                                         "X-Experience-API-Hash: %s\r\n\r\n", boundary, type, atts->v[i]);
        ok = append(&out, &n, &cap, head, (size_t)hl) && append(&out, &n, &cap, data, dl);
        parts++;
        free(data), free(type);
    }
    hl = snprintf(head, sizeof head, "\r\n--%s--\r\n", boundary);
    ok = ok && append(&out, &n, &cap, head, (size_t)hl);
    if (!ok) {
        free(out);
        return NULL;
    }
    *out_len = n;
    if (parts_out)
        *parts_out = parts;
    return out;
}

// Sends the page as JSON, or for attachments=true as multipart/mixed.
static void send_result(stoa_hub *hub, hub_req *c, const char *json, size_t len, const hashes *atts,
                        const char *extra)
{
    if (!atts) {
        hub_xapi_send(c, 200, "application/json; charset=utf-8", json, len, extra);
        return;
    }
    size_t n = 0;
    char *out = build_multipart(hub, json, len, atts, &n, NULL);
    if (out)
        hub_xapi_send(c, 200, "multipart/mixed; boundary=" BOUNDARY, out, n, extra);
    else
        hub_xapi_error(c, 503, "out of memory");
    free(out);
}

char *hub_xapi_forward_body(stoa_hub *hub, const char *json_array, size_t *out_len)
{
    hashes *atts = calloc(1, sizeof *atts);
    cJSON *arr = atts ? cJSON_Parse(json_array) : NULL; // the hub's own stored texts
    const cJSON *st;
    cJSON_ArrayForEach(st, arr) {
        char *s = cJSON_PrintUnformatted(st);
        if (s)
            collect(atts, s);
        free(s);
    }
    cJSON_Delete(arr);
    int parts = 0;
    char *out = atts && atts->n ? build_multipart(hub, json_array, strlen(json_array), atts, out_len, &parts) : NULL;
    free(atts);
    if (out && parts == 0) { // only fileUrl attachments: plain JSON will do
        free(out);
        out = NULL;
    }
    return out;
}

static bool uuid_param(hub_req *c, const char *q, const char *name, char out[64], bool *has)
{
    *has = hub_query_get(q, name, out, 64);
    for (char *p = out; *has && *p; p++) // ids are stored in lower case
        *p = (char)(*p >= 'A' && *p <= 'F' ? *p + 32 : *p);
    if (*has && !hub_is_uuid(out)) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s: not a UUID", name);
        hub_xapi_error(c, 400, msg);
        return false;
    }
    return true;
}

static void get_one(stoa_hub *hub, hub_req *c, const char *id, bool voided, hub_xapi_format f, bool multipart,
                    int64_t device_id, int64_t cred_id)
{
    int64_t stored;
    char *json = hub_db_xapi_get(hub, id, voided, device_id, cred_id, &stored);
    char *st = json ? render(json, stored, f, hub_header(c, "Accept-Language")) : NULL;
    free(json);
    hashes *atts = multipart && st ? calloc(1, sizeof *atts) : NULL;
    collect(atts, st ? st : "");
    if (!st) {
        // Communication 2.1.4: a voided statement is found only by
        // voidedStatementId, a statement not voided only by statementId.
        hub_xapi_error(c, 404, voided ? "voidedStatementId: no voided statement with this id"
                                      : "statementId: no statement with this id (or it was voided)");
        return;
    }
    char extra[96], iso[32];
    hub_format_iso(stored, iso);
    snprintf(extra, sizeof extra, "Last-Modified: %s\r\n", iso);
    if (multipart && !atts)
        hub_xapi_error(c, 503, "out of memory");
    else
        send_result(hub, c, st, strlen(st), atts, extra);
    free(atts);
    free(st);
}

// The next page: the same parameters (form header fields left out) and the
// last seq given, as a JSON string literal (quotes included). Caller frees.
static char *hub_xapi_more_link(const char *q, bool form, int64_t last)
{
    size_t cap = strlen(q ? q : "") + 64;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    size_t n = (size_t)snprintf(s, cap, "/xapi/statements?");
    for (const char *p = q ? q : ""; *p;) {
        size_t plen = strcspn(p, "&"), klen = strcspn(p, "=&");
        char name[40] = "";
        if (klen < sizeof name)
            memcpy(name, p, klen);
        if (strcmp(name, "cursor") != 0 && !(form && in_list(k_form_fields, name))) {
            memcpy(s + n, p, plen);
            n += plen;
            s[n++] = '&';
        }
        p += plen;
        if (*p == '&')
            p++;
    }
    snprintf(s + n, cap - n, "cursor=%" PRId64, last);
    cJSON *str = cJSON_CreateString(s);
    free(s);
    char *lit = str ? cJSON_PrintUnformatted(str) : NULL;
    cJSON_Delete(str);
    return lit;
}

void hub_xapi_get(stoa_hub *hub, hub_req *c, const char *q, bool form, int64_t device_id, int64_t cred_id)
{
    char id[64], vid[64], reg[64], fmt[16] = "exact", since[64], until[64], limit_s[16], cursor[24];
    bool has_id, has_vid, has_reg, attachments, ascending, rel_agents, rel_acts;
    if (!hub_xapi_params_ok(c, q, "statementId voidedStatementId agent verb activity registration "
                                  "related_activities related_agents since until limit format attachments "
                                  "ascending cursor", form) ||
        !uuid_param(c, q, "statementId", id, &has_id) || !uuid_param(c, q, "voidedStatementId", vid, &has_vid) ||
        !uuid_param(c, q, "registration", reg, &has_reg) || !bool_param(c, q, "attachments", &attachments) ||
        !bool_param(c, q, "ascending", &ascending) || !bool_param(c, q, "related_agents", &rel_agents) ||
        !bool_param(c, q, "related_activities", &rel_acts))
        return;
    hub_query_get(q, "format", fmt, sizeof fmt);
    hub_xapi_format f = strcmp(fmt, "exact") == 0 ? HUB_FORMAT_EXACT
                      : strcmp(fmt, "ids") == 0   ? HUB_FORMAT_IDS
                      : strcmp(fmt, "canonical") == 0 ? HUB_FORMAT_CANONICAL : (hub_xapi_format)-1;
    if ((int)f < 0) {
        hub_xapi_error(c, 400, "format: must be ids, exact or canonical");
        return;
    }
    if (has_id || has_vid) {
        // "MUST reject ... both statementId and voidedStatementId" and
        // "... any other parameter besides attachments or format".
        if (has_id && has_vid) {
            hub_xapi_error(c, 400, "statementId: not with voidedStatementId");
            return;
        }
        if (!hub_xapi_params_ok(c, q, has_id ? "statementId format attachments" : "voidedStatementId format attachments",
                                form))
            return;
        get_one(hub, c, has_id ? id : vid, has_vid, f, attachments, device_id, cred_id);
        return;
    }
    hub_xapi_filter flt = {.device_id = device_id, .cred_id = cred_id, .ascending = ascending};
    char verb[HUB_XAPI_MAX_PARAM], act[HUB_XAPI_MAX_PARAM], agent_json[HUB_XAPI_MAX_PARAM];
    char *agent_key = NULL;
    if (hub_query_get(q, "agent", agent_json, sizeof agent_json)) {
        cJSON *a = NULL;
        stoa_error err = {0};
        int problems = 1;
        if (stoa_json_parse_str(agent_json, HUB_JSON_POLICY(sizeof agent_json), &a, &err) == STOA_OK &&
            cJSON_IsObject(a)) {
            // Communication 2.1.3 / Data 2.2: parameters are validated as
            // the same values in statements are: an Agent or identified Group.
            cJSON *probe = cJSON_CreateObject();
            cJSON_AddItemToObject(probe, "actor", cJSON_Duplicate(a, 1));
            cJSON *vb = cJSON_AddObjectToObject(probe, "verb");
            cJSON_AddStringToObject(vb, "id", "http://example.org/v");
            cJSON *ob = cJSON_AddObjectToObject(probe, "object");
            cJSON_AddStringToObject(ob, "id", "http://example.org/o");
            problems = stoa_trace_check_statement(probe, NULL, NULL);
            cJSON_Delete(probe);
            bool identified = cJSON_GetObjectItem(a, "mbox") || cJSON_GetObjectItem(a, "mbox_sha1sum") ||
                              cJSON_GetObjectItem(a, "openid") || cJSON_GetObjectItem(a, "account");
            if (!problems && identified)
                agent_key = hub_statement_actor_key(a);
            problems = problems || !identified;
        }
        cJSON_Delete(a);
        if (problems || !agent_key) {
            hub_xapi_error(c, 400, "agent: not an Agent or identified Group (JSON)");
            return;
        }
        flt.kind[flt.nkeys] = rel_agents ? HUB_IDX_AGENT_RELATED : HUB_IDX_AGENT;
        flt.key[flt.nkeys++] = agent_key;
    }
    if (hub_query_get(q, "verb", verb, sizeof verb)) {
        if (!stoa_trace_check_iri(verb)) {
            free(agent_key);
            hub_xapi_error(c, 400, "verb: not an absolute IRI");
            return;
        }
        flt.kind[flt.nkeys] = HUB_IDX_VERB;
        flt.key[flt.nkeys++] = verb;
    }
    if (hub_query_get(q, "activity", act, sizeof act)) {
        if (!stoa_trace_check_iri(act)) {
            free(agent_key);
            hub_xapi_error(c, 400, "activity: not an absolute IRI");
            return;
        }
        flt.kind[flt.nkeys] = rel_acts ? HUB_IDX_ACTIVITY_RELATED : HUB_IDX_ACTIVITY;
        flt.key[flt.nkeys++] = act;
    }
    if (has_reg) {
        flt.kind[flt.nkeys] = HUB_IDX_REGISTRATION;
        flt.key[flt.nkeys++] = reg;
    }
    bool bad_time = (hub_query_get(q, "since", since, sizeof since) && !stoa_trace_check_timestamp(since, &flt.since_ns)) ||
                    (hub_query_get(q, "until", until, sizeof until) && !stoa_trace_check_timestamp(until, &flt.until_ns));
    int limit = hub->lrs_limit;
    char *end = NULL;
    if (hub_query_get(q, "limit", limit_s, sizeof limit_s)) {
        long l = strtol(limit_s, &end, 10);
        if (!*limit_s || *end || l < 0 || limit_s[0] == '-' || limit_s[0] == '+') {
            free(agent_key);
            hub_xapi_error(c, 400, "limit: not a non-negative integer");
            return;
        }
        // "0 indicates return the maximum the server will allow"
        limit = l == 0 || l > hub->lrs_limit ? hub->lrs_limit : (int)l;
    }
    if (hub_query_get(q, "cursor", cursor, sizeof cursor)) {
        flt.cursor = strtoll(cursor, &end, 10);
        bad_time = bad_time || flt.cursor <= 0 || *end;
    }
    if (bad_time) {
        free(agent_key);
        hub_xapi_error(c, 400, "since/until/cursor: not an ISO 8601 timestamp with a zone (or a bad cursor)");
        return;
    }
    flt.limit = limit;
    page pg = {.format = f, .accept = hub_header(c, "Accept-Language"),
               .atts = attachments ? calloc(1, sizeof(hashes)) : NULL};
    if (attachments && !pg.atts) {
        free(agent_key);
        hub_xapi_error(c, 503, "out of memory");
        return;
    }
    bool page_more = false;
    int64_t last = hub_db_xapi_query(hub, &flt, add_row, &pg, &page_more);
    free(agent_key);
    char *more = NULL;
    if (page_more)
        more = hub_xapi_more_link(q, form, last);
    size_t cap = pg.len + (more ? strlen(more) : 0) + 64;
    char *out = malloc(cap);
    if (!out) {
        free(pg.buf), free(more), free(pg.atts);
        hub_xapi_error(c, 503, "out of memory");
        return;
    }
    int n = snprintf(out, cap, "{\"statements\":[%.*s],\"more\":%s}", (int)pg.len, pg.buf ? pg.buf : "",
                     more ? more : "\"\"");
    free(pg.buf), free(more);
    // Communication 2.1.3: Last-Modified "matches the stored Timestamp"; for
    // a page of several, the latest of them (none on an empty page).
    char extra[96] = "", iso[32];
    if (pg.n) {
        hub_format_iso(pg.latest_ns, iso);
        snprintf(extra, sizeof extra, "Last-Modified: %s\r\n", iso);
    }
    send_result(hub, c, out, (size_t)n, pg.atts, extra);
    free(pg.atts);
    free(out);
}
