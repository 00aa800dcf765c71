// SPDX-License-Identifier: Apache-2.0
// Statements on their way in and out of the store. Validation is
// runtime/trace's xAPI checker, the same one `stoa trace check` runs; the
// text stored is the canonical print of a tree read by the bounded reader
// (duplicate names, invalid UTF-8, \u0000 and numbers a double cannot hold
// were refused there), so what is acknowledged is what is read back.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"
#include "hub_lrs.h"
#include "trace/stoa_trace_check.h"

typedef struct first_problem {
    char *why;
    size_t size;
    int n;
} first_problem;

static void on_problem(void *user, const char *where, const char *message)
{
    first_problem *p = user;
    if (p->n++ == 0)
        snprintf(p->why, p->size, "%s%s%s", where, *where ? ": " : "", message);
}

static char *join3(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

// Who the statement is about, as one string: the actor's inverse functional
// identifier (xAPI 1.0.3 §2.4.2.3), or its whole canonical text.
char *hub_statement_actor_key(const cJSON *actor)
{
    const cJSON *acc = cJSON_GetObjectItemCaseSensitive(actor, "account");
    const char *home = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(acc, "homePage"));
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(acc, "name"));
    if (home && name) {
        char *hb = join3("account ", home, " ");
        char *k = hb ? join3(hb, name, "") : NULL;
        free(hb);
        return k;
    }
    static const char *const ifis[] = {"mbox", "mbox_sha1sum", "openid"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(actor, ifis[i]));
        if (v)
            return join3(ifis[i], " ", v);
    }
    char *whole = cJSON_PrintUnformatted(actor);
    char *k = whole ? join3("json ", whole, "") : NULL;
    free(whole);
    return k;
}

// The lesson a statement belongs to: its context's parent activity (the
// trace writer puts the lesson there), or the object itself for the
// lesson-level verbs; the IRI's last segment is the lesson's id.
static void lesson_of(const cJSON *st, char *out, size_t size)
{
    const cJSON *ca = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "context"), "contextActivities"),
        "parent");
    const char *iri = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ca, 0), "id"));
    const char *tail = iri ? strstr(iri, "/lessons/") : NULL;
    out[0] = 0;
    if (tail && !strchr(tail + 9, '/') && strlen(tail + 9) < size)
        snprintf(out, size, "%s", tail + 9);
}

// Data 2.4.6.2: "The LRS MUST return every value in the contextActivities
// Object as an array, even if it arrived as a single Activity Object."
static void context_arrays(cJSON *st)
{
    cJSON *ca = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "context"),
                                                 "contextActivities");
    hub_statement_activity_arrays(ca);
}

void hub_statement_activity_arrays(cJSON *ca)
{
    static const char *const lists[] = {"parent", "grouping", "category", "other"};
    for (size_t i = 0; ca && i < 4; i++) {
        cJSON *e = cJSON_GetObjectItemCaseSensitive(ca, lists[i]);
        if (!cJSON_IsObject(e))
            continue;
        cJSON *arr = cJSON_CreateArray();
        if (!arr)
            return;
        cJSON_AddItemToArray(arr, cJSON_Duplicate(e, 1));
        cJSON_ReplaceItemInObjectCaseSensitive(ca, lists[i], arr);
    }
}

bool hub_statement_prepare(cJSON *st, bool assign_id, const cJSON *authority, hub_prepared *out, char *why,
                           size_t why_size)
{
    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(st)) {
        snprintf(why, why_size, "a statement must be a JSON object");
        return false;
    }
    if (stoa_json_depth(st) > HUB_STATEMENT_DEPTH) {
        snprintf(why, why_size, "nested deeper than %d levels", HUB_STATEMENT_DEPTH);
        return false;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(st, "id");
    if (!id && !assign_id) {
        snprintf(why, why_size, "id: missing");
        return false;
    }
    // Everything the client sent is checked first, the LRS-set properties
    // included (Data 2.4.8 "An LRS SHOULD validate and then MUST overwrite"
    // stored; Data 2.4.9 authority).
    first_problem p = {why, why_size, 0};
    if (stoa_trace_check_statement(st, on_problem, &p) > 0)
        return false;
    if (!id) {
        hub_uuid(out->id);
        cJSON_AddStringToObject(st, "id", out->id);
    }
    id = cJSON_GetObjectItemCaseSensitive(st, "id");
    if (!hub_is_uuid(cJSON_GetStringValue(id))) {
        snprintf(why, why_size, "id: not a UUID");
        return false;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(st, "stored");
    cJSON_DeleteItemFromObjectCaseSensitive(st, "authority");
    // Data 2.4.9 "The LRS MUST ensure that all Statements stored have an
    // authority" and SHOULD overwrite it from the credentials used.
    // One order for what the LRS sets (authority, then version), so that a
    // stored statement prepared again prints the same text.
    cJSON *version = cJSON_DetachItemFromObjectCaseSensitive(st, "version");
    if (authority)
        cJSON_AddItemToObject(st, "authority", cJSON_Duplicate(authority, 1));
    // Data 2.4.10 "If they lack a version, the version MUST be set to 1.0.0."
    if (version)
        cJSON_AddItemToObject(st, "version", version);
    else
        cJSON_AddStringToObject(st, "version", "1.0.0");
    context_arrays(st);
    out->stamp = !cJSON_GetObjectItemCaseSensitive(st, "timestamp");
    // Ids are compared as text: one spelling for every UUID.
    for (int i = 0; i < 36; i++)
        out->id[i] = (char)(id->valuestring[i] | (id->valuestring[i] >= 'A' && id->valuestring[i] <= 'F' ? 0x20 : 0));
    out->id[36] = 0;
    const char *reg = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "context"), "registration"));
    if (hub_is_uuid(reg)) {
        for (int i = 0; i < 36; i++)
            out->registration[i] = (char)(reg[i] | (reg[i] >= 'A' && reg[i] <= 'F' ? 0x20 : 0));
        out->registration[36] = 0;
    }
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(st, "object");
    const char *oty = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "objectType"));
    const char *ref = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "id"));
    if (oty && strcmp(oty, "StatementRef") == 0 && hub_is_uuid(ref)) {
        for (int i = 0; i < 36; i++)
            out->ref[i] = (char)(ref[i] | (ref[i] >= 'A' && ref[i] <= 'F' ? 0x20 : 0));
        const char *verb = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "verb"), "id"));
        out->voiding = verb && strcmp(verb, HUB_VERB_VOIDED) == 0;
    }
    out->actor = hub_statement_actor_key(cJSON_GetObjectItemCaseSensitive(st, "actor"));
    const char *acc = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "actor"), "account"), "name"));
    if (acc && strlen(acc) < sizeof out->account)
        snprintf(out->account, sizeof out->account, "%s", acc);
    lesson_of(st, out->lesson, sizeof out->lesson);
    out->canon = cJSON_PrintUnformatted(st);
    out->keys = hub_statement_index_keys(st);
    if (!out->canon || !out->actor || !out->keys) {
        hub_prepared_free(out);
        snprintf(why, why_size, "out of memory");
        return false;
    }
    return true;
}

void hub_prepared_free(hub_prepared *p)
{
    free(p->canon);
    free(p->actor);
    cJSON_Delete(p->keys);
    p->canon = p->actor = NULL;
    p->keys = NULL;
}

char *hub_statement_stored_text(const char *canon, int64_t stored_ns)
{
    return hub_statement_stored_text_as(canon, "stored", stored_ns);
}

char *hub_statement_stored_text_as(const char *canon, const char *name, int64_t stored_ns)
{
    size_t n = strlen(canon);
    if (n < 2 || canon[n - 1] != '}')
        return NULL;
    char iso[32];
    hub_format_iso(stored_ns, iso);
    size_t cap = n + 64;
    char *out = malloc(cap);
    if (out)
        snprintf(out, cap, "%.*s%s\"%s\":\"%s\"}", (int)(n - 1), canon, n > 2 ? "," : "", name, iso);
    return out;
}
