// SPDX-License-Identifier: Apache-2.0
// What the query index records of a statement, how two statements with
// one id are compared, and the `ids`/`canonical` output formats (xAPI
// 1.0.3 Communication 2.1.3, Data 2.3.1). All work on bounded trees read
// by the hub's JSON reader, so the recursion here is bounded by
// HUB_STATEMENT_DEPTH.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "hub_internal.h"
#include "hub_lrs.h"

static const cJSON *item(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static void add_key(cJSON *keys, char kind, const char *key)
{
    if (!key || !*key)
        return;
    size_t n = strlen(key) + 2;
    char *s = malloc(n);
    if (!s)
        return;
    snprintf(s, n, "%c%s", kind, key);
    // One entry per (kind, key): the index's primary key repeats nothing.
    const cJSON *e;
    cJSON_ArrayForEach(e, keys) if (strcmp(e->valuestring, s) == 0) {
        free(s);
        return;
    }
    cJSON_AddItemToArray(keys, cJSON_CreateString(s));
    free(s);
}

// An Agent or Group: its own identifier and, for a Group, its members'
// ("Groups that have members which match the specified Agent ... are
// considered a match", Communication 2.1.3 `agent`).
static void add_agent(cJSON *keys, const cJSON *a, bool direct)
{
    if (!cJSON_IsObject(a))
        return;
    bool identified = item(a, "mbox") || item(a, "mbox_sha1sum") || item(a, "openid") || item(a, "account");
    if (identified) {
        char *k = hub_statement_actor_key(a);
        if (direct)
            add_key(keys, HUB_IDX_AGENT, k);
        add_key(keys, HUB_IDX_AGENT_RELATED, k);
        free(k);
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, item(a, "member")) add_agent(keys, m, direct);
}

static void add_activity(cJSON *keys, const cJSON *act, bool direct)
{
    const char *id = cJSON_GetStringValue(item(act, "id"));
    if (direct)
        add_key(keys, HUB_IDX_ACTIVITY, id);
    add_key(keys, HUB_IDX_ACTIVITY_RELATED, id);
}

static void add_context(cJSON *keys, const cJSON *ctx)
{
    add_agent(keys, item(ctx, "instructor"), false);
    add_agent(keys, item(ctx, "team"), false);
    const cJSON *list;
    cJSON_ArrayForEach(list, item(ctx, "contextActivities")) {
        if (cJSON_IsObject(list)) {
            add_activity(keys, list, false);
            continue;
        }
        const cJSON *a;
        cJSON_ArrayForEach(a, list) add_activity(keys, a, false);
    }
}

cJSON *hub_statement_index_keys(const cJSON *st)
{
    cJSON *keys = cJSON_CreateArray();
    if (!keys)
        return NULL;
    add_agent(keys, item(st, "actor"), true);
    add_key(keys, HUB_IDX_VERB, cJSON_GetStringValue(item(item(st, "verb"), "id")));
    const cJSON *obj = item(st, "object");
    const char *ot = cJSON_GetStringValue(item(obj, "objectType"));
    if (!ot || strcmp(ot, "Activity") == 0) {
        add_activity(keys, obj, true);
    } else if (strcmp(ot, "Agent") == 0 || strcmp(ot, "Group") == 0) {
        add_agent(keys, obj, true);
    } else if (strcmp(ot, "SubStatement") == 0) {
        // related_agents / related_activities reach into a SubStatement.
        add_agent(keys, item(obj, "actor"), false);
        const cJSON *so = item(obj, "object");
        const char *sot = cJSON_GetStringValue(item(so, "objectType"));
        if (!sot || strcmp(sot, "Activity") == 0)
            add_activity(keys, so, false);
        else
            add_agent(keys, so, false);
        add_context(keys, item(obj, "context"));
    }
    add_agent(keys, item(st, "authority"), false);
    add_context(keys, item(st, "context"));
    const char *reg = cJSON_GetStringValue(item(item(st, "context"), "registration"));
    if (reg && hub_is_uuid(reg)) {
        char low[37];
        for (int i = 0; i < 36; i++)
            low[i] = (char)(reg[i] | (reg[i] >= 'A' && reg[i] <= 'F' ? 0x20 : 0));
        low[36] = 0;
        add_key(keys, HUB_IDX_REGISTRATION, low);
    }
    return keys;
}

char hub_xidx_stored_kind(char kind)
{
    return kind == HUB_IDX_AGENT ? HUB_IDX_AGENT_RELATED : kind == HUB_IDX_ACTIVITY ? HUB_IDX_ACTIVITY_RELATED : kind;
}

int64_t hub_xidx_hash(char kind, const char *key)
{
    // SipHash-2-4 under a fixed key: stable across runs and hubs (the index
    // is on disk). A collision only adds a candidate row, which the query
    // drops when the statement does not have the key (hub_db_xapi_query.c).
    static const unsigned char k[crypto_shorthash_KEYBYTES] = "stoa xapi index";
    size_t n = strlen(key);
    unsigned char small[256], *buf = n + 1 <= sizeof small ? small : malloc(n + 1), out[crypto_shorthash_BYTES];
    if (!buf)
        return 0;
    buf[0] = (unsigned char)kind;
    memcpy(buf + 1, key, n);
    crypto_shorthash(out, buf, n + 1, k);
    if (buf != small)
        free(buf);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)out[i] << (8 * i);
    return (int64_t)v;
}

// ---- comparison ---------------------------------------------------------------------

static void lower_uuid(cJSON *o, const char *k)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (cJSON_IsString(v) && hub_is_uuid(v->valuestring))
        for (char *p = v->valuestring; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'F' ? *p + 32 : *p);
}

static int by_text(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

// Group members in one order (Data 2.3.1: "The list of Agents in a Group is
// not considered to be an ordered list").
static void sort_members(cJSON *g)
{
    cJSON *m = cJSON_GetObjectItemCaseSensitive(g, "member");
    int n = cJSON_GetArraySize(m);
    if (n < 2 || n > 10000)
        return;
    char **texts = calloc((size_t)n, sizeof *texts);
    if (!texts)
        return;
    int i = 0;
    cJSON *e;
    cJSON_ArrayForEach(e, m) texts[i++] = cJSON_PrintUnformatted(e);
    for (i = 0; i < n; i++)
        if (!texts[i])
            goto out;
    qsort(texts, (size_t)n, sizeof *texts, by_text);
    cJSON *sorted = cJSON_CreateArray();
    for (i = 0; i < n && sorted; i++)
        cJSON_AddItemToArray(sorted, cJSON_Parse(texts[i]));
    if (sorted)
        cJSON_ReplaceItemInObjectCaseSensitive(g, "member", sorted);
out:
    for (i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
}

static void strip_activity(cJSON *a) { cJSON_DeleteItemFromObjectCaseSensitive(a, "definition"); }

static void normalize_body(cJSON *st)
{
    lower_uuid(st, "id");
    cJSON_DeleteItemFromObjectCaseSensitive(item(st, "verb") ? cJSON_GetObjectItemCaseSensitive(st, "verb") : NULL,
                                            "display");
    sort_members(cJSON_GetObjectItemCaseSensitive(st, "actor"));
    cJSON *obj = cJSON_GetObjectItemCaseSensitive(st, "object");
    const char *ot = cJSON_GetStringValue(item(obj, "objectType"));
    if (!ot || strcmp(ot, "Activity") == 0) {
        strip_activity(obj);
        if (!ot)
            cJSON_AddStringToObject(obj, "objectType", "Activity");
    } else if (strcmp(ot, "Group") == 0) {
        sort_members(obj);
    } else if (strcmp(ot, "StatementRef") == 0) {
        lower_uuid(obj, "id");
    } else if (strcmp(ot, "SubStatement") == 0) {
        normalize_body(obj);
    }
    cJSON *ctx = cJSON_GetObjectItemCaseSensitive(st, "context");
    lower_uuid(ctx, "registration");
    sort_members(cJSON_GetObjectItemCaseSensitive(ctx, "team"));
    sort_members(cJSON_GetObjectItemCaseSensitive(ctx, "instructor"));
    cJSON *ca = cJSON_GetObjectItemCaseSensitive(ctx, "contextActivities");
    hub_statement_activity_arrays(ca);
    for (cJSON *e = ca ? ca->child : NULL; e; e = e->next) {
        cJSON *a;
        cJSON_ArrayForEach(a, e) strip_activity(a);
    }
    lower_uuid(cJSON_GetObjectItemCaseSensitive(ctx, "statement"), "id");
    // Timestamps are compared as points in time (another zone or more
    // digits is another serialization, not another statement).
    cJSON *ts = cJSON_GetObjectItemCaseSensitive(st, "timestamp");
    int64_t ns;
    if (cJSON_IsString(ts) && hub_parse_iso(ts->valuestring, &ns)) {
        char iso[32];
        hub_format_iso(ns, iso);
        cJSON_SetValuestring(ts, iso);
    }
}

bool hub_statement_same(const char *have_json, const char *got_json)
{
    if (strcmp(have_json, got_json) == 0)
        return true;
    cJSON *a = cJSON_Parse(have_json), *b = cJSON_Parse(got_json);
    bool same = false;
    if (a && b) {
        static const char *const lrs_set[] = {"authority", "stored", "version"};
        for (size_t i = 0; i < 3; i++) {
            cJSON_DeleteItemFromObjectCaseSensitive(a, lrs_set[i]);
            cJSON_DeleteItemFromObjectCaseSensitive(b, lrs_set[i]);
        }
        // A timestamp the LRS assigned (the new copy has none) is no difference.
        if (!item(b, "timestamp"))
            cJSON_DeleteItemFromObjectCaseSensitive(a, "timestamp");
        normalize_body(a);
        normalize_body(b);
        same = cJSON_Compare(a, b, true);
    }
    cJSON_Delete(a);
    cJSON_Delete(b);
    return same;
}
