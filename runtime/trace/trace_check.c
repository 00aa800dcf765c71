// SPDX-License-Identifier: Apache-2.0
// xAPI 1.0.3 rules, one small function per object kind. Messages say what
// is wrong in a teacher's or developer's words, not the spec's section.
#include "stoa_trace_check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trace_internal.h"
#include "trace_check_internal.h"

void stoa_trace_ck_fail(checker *c, const char *where, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->problems++;
    if (c->fn)
        c->fn(c->user, where, msg);
}

// JSON paths for messages; long ones are cut (they only label a message).
void stoa_trace_ck_join(char out[256], const char *parent, const char *sep, const char *name)
{
    size_t n = 0;
    const char *parts[] = {parent, *parent ? sep : "", name};
    for (int i = 0; i < 3; i++)
        for (const char *p = parts[i]; *p && n < 255; p++)
            out[n++] = *p;
    out[n] = '\0';
}

void stoa_trace_ck_join_index(char out[256], const char *parent, int i)
{
    char idx[16];
    snprintf(idx, sizeof idx, "[%d]", i);
    stoa_trace_ck_join(out, parent, "", idx);
}


const char *stoa_trace_ck_type_name(const cJSON *j)
{
    if (cJSON_IsNull(j))
        return "null";
    if (cJSON_IsBool(j))
        return "a boolean";
    if (cJSON_IsNumber(j))
        return "a number";
    if (cJSON_IsString(j))
        return "a string";
    if (cJSON_IsArray(j))
        return "an array";
    return "an object";
}

// Nulls anywhere outside extension values (xAPI Data 2.2: "The LRS MUST
// reject Statements with any null values (except inside extensions)").
// Empty objects are valid: `definition: {}` and `extensions: {}` are sent
// by most clients.
static void check_shape(checker *c, const cJSON *j, const char *where)
{
    if (cJSON_IsNull(j)) {
        stoa_trace_ck_fail(c, where, "null value (leave the property out instead)");
        return;
    }
    if (!cJSON_IsObject(j) && !cJSON_IsArray(j))
        return;
    int i = 0;
    for (const cJSON *e = j->child; e; e = e->next, i++) {
        char w[256];
        if (cJSON_IsObject(j))
            stoa_trace_ck_join(w, where, ".", e->string);
        else
            stoa_trace_ck_join_index(w, where, i);
        if (cJSON_IsObject(j) && e->string && strcmp(e->string, "extensions") == 0 &&
            cJSON_IsObject(e))
            continue; // extension values are free-form
        check_shape(c, e, w);
    }
}

void stoa_trace_ck_only_keys(checker *c, const cJSON *obj, const char *where, const char *const *allowed)
{
    for (const cJSON *e = obj->child; e; e = e->next) {
        bool ok = false;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = strcmp(e->string, allowed[i]) == 0;
        if (!ok)
            stoa_trace_ck_fail(c, where, "unknown property \"%s\"", e->string);
    }
}

// Fetches a property of the wanted type; reports a wrong type.
const cJSON *stoa_trace_ck_get(checker *c, const cJSON *obj, const char *key, const char *where,
                        cJSON_bool (*is)(const cJSON *), const char *want, bool required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    WHERE(w, where, key);
    if (!v) {
        if (required)
            stoa_trace_ck_fail(c, w, "missing");
        return NULL;
    }
    if (cJSON_IsNull(v))
        return NULL; // reported by check_shape
    if (!is(v)) {
        stoa_trace_ck_fail(c, w, "must be %s, not %s", want, stoa_trace_ck_type_name(v));
        return NULL;
    }
    return v;
}

const cJSON *stoa_trace_ck_get_str(checker *c, const cJSON *o, const char *k, const char *where, bool req)
{
    return stoa_trace_ck_get(c, o, k, where, cJSON_IsString, "a string", req);
}

const cJSON *stoa_trace_ck_get_obj(checker *c, const cJSON *o, const char *k, const char *where, bool req)
{
    return stoa_trace_ck_get(c, o, k, where, cJSON_IsObject, "an object", req);
}

void stoa_trace_ck_check_iri_at(checker *c, const cJSON *o, const char *k, const char *where, bool req)
{
    const cJSON *v = stoa_trace_ck_get_str(c, o, k, where, req);
    WHERE(w, where, k);
    if (v && !stoa_trace_parse_iri(v->valuestring))
        stoa_trace_ck_fail(c, w, "\"%s\" is not an absolute IRI", v->valuestring);
}

void stoa_trace_ck_check_uuid_at(checker *c, const cJSON *o, const char *k, const char *where, bool req)
{
    const cJSON *v = stoa_trace_ck_get_str(c, o, k, where, req);
    WHERE(w, where, k);
    if (v && !stoa_trace_parse_uuid(v->valuestring))
        stoa_trace_ck_fail(c, w, "\"%s\" is not a UUID", v->valuestring);
}

void stoa_trace_ck_check_lang_map(checker *c, const cJSON *o, const char *k, const char *where)
{
    const cJSON *m = stoa_trace_ck_get_obj(c, o, k, where, false);
    WHERE(w, where, k);
    if (!m)
        return;
    for (const cJSON *e = m->child; e; e = e->next) {
        if (!stoa_trace_parse_lang_tag(e->string))
            stoa_trace_ck_fail(c, w, "\"%s\" is not an RFC 5646 language tag", e->string);
        if (!cJSON_IsString(e) && !cJSON_IsNull(e))
            stoa_trace_ck_fail(c, w, "the \"%s\" entry must be a string", e->string);
    }
}

void stoa_trace_ck_check_extensions(checker *c, const cJSON *o, const char *where)
{
    const cJSON *ext = stoa_trace_ck_get_obj(c, o, "extensions", where, false);
    WHERE(w, where, "extensions");
    for (const cJSON *e = ext ? ext->child : NULL; e; e = e->next)
        if (!stoa_trace_parse_iri(e->string))
            stoa_trace_ck_fail(c, w, "key \"%s\" is not an absolute IRI", e->string);
}


static int count_ifis(checker *c, const cJSON *a, const char *where)
{
    int n = 0;
    const cJSON *v;
    WHERE(wm, where, "mbox");
    if ((v = stoa_trace_ck_get_str(c, a, "mbox", where, false)) && ++n &&
        (strncmp(v->valuestring, "mailto:", 7) != 0 || !strchr(v->valuestring + 7, '@') ||
         v->valuestring[7] == '@' || !stoa_trace_parse_iri(v->valuestring)))
        stoa_trace_ck_fail(c, wm, "must be a mailto: IRI with an e-mail address (mailto:name@example.org)");
    WHERE(ws, where, "mbox_sha1sum");
    if ((v = stoa_trace_ck_get_str(c, a, "mbox_sha1sum", where, false)) && ++n &&
        (strlen(v->valuestring) != 40 || strspn(v->valuestring, "0123456789abcdefABCDEF") != 40))
        stoa_trace_ck_fail(c, ws, "must be 40 hexadecimal digits");
    if (cJSON_GetObjectItemCaseSensitive(a, "openid")) {
        n++;
        stoa_trace_ck_check_iri_at(c, a, "openid", where, false);
    }
    const cJSON *acc = stoa_trace_ck_get_obj(c, a, "account", where, false);
    if (acc) {
        n++;
        WHERE(wa, where, "account");
        static const char *const keys[] = {"homePage", "name", NULL};
        stoa_trace_ck_only_keys(c, acc, wa, keys);
        stoa_trace_ck_check_iri_at(c, acc, "homePage", wa, true);
        const cJSON *name = stoa_trace_ck_get_str(c, acc, "name", wa, true);
        WHERE(wn, wa, "name");
        if (name && !*name->valuestring)
            stoa_trace_ck_fail(c, wn, "empty account name");
    }
    return n;
}

void stoa_trace_ck_check_agent(checker *c, const cJSON *a, const char *where, bool group_ok)
{
    if (!cJSON_IsObject(a)) {
        if (!cJSON_IsNull(a))
            stoa_trace_ck_fail(c, where, "must be an object, not %s", stoa_trace_ck_type_name(a));
        return;
    }
    static const char *const keys[] = {"objectType", "name", "mbox", "mbox_sha1sum", "openid",
                                       "account", "member", NULL};
    stoa_trace_ck_only_keys(c, a, where, keys);
    const cJSON *ot = stoa_trace_ck_get_str(c, a, "objectType", where, false);
    bool group = ot && strcmp(ot->valuestring, "Group") == 0;
    WHERE(wt, where, "objectType");
    if (ot && !group && strcmp(ot->valuestring, "Agent") != 0)
        stoa_trace_ck_fail(c, wt, "must be \"Agent\" or \"Group\", not \"%s\"", ot->valuestring);
    if (group && !group_ok)
        stoa_trace_ck_fail(c, wt, "a Group is not allowed here");
    stoa_trace_ck_get_str(c, a, "name", where, false);
    int ifis = count_ifis(c, a, where);
    const cJSON *members = cJSON_GetObjectItemCaseSensitive(a, "member");
    if (members && !group) {
        stoa_trace_ck_fail(c, where, "only a Group has members");
    } else if (group) {
        if (members && !cJSON_IsArray(members)) {
            stoa_trace_ck_fail(c, where, "member must be an array");
        } else if (members) {
            int i = 0;
            for (const cJSON *m = members->child; m; m = m->next, i++) {
                char wm[256], w[256];
                stoa_trace_ck_join(wm, where, ".", "member");
                stoa_trace_ck_join_index(w, wm, i);
                stoa_trace_ck_check_agent(c, m, w, false);
            }
        }
        if (ifis == 0 && (!members || !members->child))
            stoa_trace_ck_fail(c, where, "an anonymous Group needs members");
    }
    if (ifis > 1)
        stoa_trace_ck_fail(c, where, "has %d identifiers (mbox, mbox_sha1sum, openid, account); exactly one "
                       "is allowed", ifis);
    if (ifis == 0 && !group)
        stoa_trace_ck_fail(c, where, "an Agent needs one identifier (mbox, mbox_sha1sum, openid or account)");
}

static const char *const g_interaction_types[] = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
    "sequencing", "likert", "numeric", "other", NULL};

static void check_definition(checker *c, const cJSON *act, const char *where)
{
    const cJSON *d = stoa_trace_ck_get_obj(c, act, "definition", where, false);
    if (!d)
        return;
    WHERE(w, where, "definition");
    static const char *const keys[] = {"name", "description", "type", "moreInfo", "extensions",
        "interactionType", "correctResponsesPattern", "choices", "scale", "source", "target",
        "steps", NULL};
    stoa_trace_ck_only_keys(c, d, w, keys);
    stoa_trace_ck_check_lang_map(c, d, "name", w);
    stoa_trace_ck_check_lang_map(c, d, "description", w);
    stoa_trace_ck_check_iri_at(c, d, "type", w, false);
    stoa_trace_ck_check_iri_at(c, d, "moreInfo", w, false);
    stoa_trace_ck_check_extensions(c, d, w);
    const cJSON *it = stoa_trace_ck_get_str(c, d, "interactionType", w, false);
    bool known = false;
    for (int i = 0; it && g_interaction_types[i]; i++)
        known |= strcmp(it->valuestring, g_interaction_types[i]) == 0;
    WHERE(wi, w, "interactionType");
    if (it && !known)
        stoa_trace_ck_fail(c, wi, "\"%s\" is not an xAPI interaction type", it->valuestring);
    const cJSON *crp = cJSON_GetObjectItemCaseSensitive(d, "correctResponsesPattern");
    WHERE(wc, w, "correctResponsesPattern");
    if (crp && !cJSON_IsNull(crp)) {
        if (!cJSON_IsArray(crp))
            stoa_trace_ck_fail(c, wc, "must be an array of strings");
        else
            for (const cJSON *e = crp->child; e; e = e->next)
                if (!cJSON_IsString(e) && !cJSON_IsNull(e))
                    stoa_trace_ck_fail(c, wc, "must be an array of strings");
    }
    // xAPI Data 2.4.4.1: "An LRS ... interaction Activities MUST have a valid
    // interactionType"; the interaction properties come only with one, and
    // each component list only with the types that define it.
    static const struct { const char *key, *types; } k_parts[] = {
        {"correctResponsesPattern", "*"},
        {"choices", " choice sequencing "},
        {"scale", " likert "},
        {"source", " matching "},
        {"target", " matching "},
        {"steps", " performance "},
    };
    for (size_t i = 0; i < sizeof k_parts / sizeof *k_parts; i++) {
        if (!cJSON_GetObjectItemCaseSensitive(d, k_parts[i].key))
            continue;
        WHERE(wp, w, k_parts[i].key);
        char needle[32];
        snprintf(needle, sizeof needle, " %s ", it ? it->valuestring : "");
        if (!it)
            stoa_trace_ck_fail(c, wp, "only allowed with an interactionType");
        else if (known && k_parts[i].types[0] != '*' && !strstr(k_parts[i].types, needle))
            stoa_trace_ck_fail(c, wp, "not allowed with interactionType \"%s\"", it->valuestring);
        if (i > 0)
            stoa_trace_ck_check_components(c, d, k_parts[i].key, w);
    }
}

static void check_activity(checker *c, const cJSON *a, const char *where)
{
    static const char *const keys[] = {"objectType", "id", "definition", NULL};
    stoa_trace_ck_only_keys(c, a, where, keys);
    stoa_trace_ck_check_iri_at(c, a, "id", where, true);
    check_definition(c, a, where);
}

static void check_statement_body(checker *c, const cJSON *st, const char *where, bool sub);

static void check_object(checker *c, const cJSON *o, const char *where, bool sub)
{
    const cJSON *ot = stoa_trace_ck_get_str(c, o, "objectType", where, false);
    const char *t = ot ? ot->valuestring : "Activity";
    if (strcmp(t, "Activity") == 0) {
        check_activity(c, o, where);
    } else if (strcmp(t, "Agent") == 0 || strcmp(t, "Group") == 0) {
        stoa_trace_ck_check_agent(c, o, where, true);
    } else if (strcmp(t, "StatementRef") == 0) {
        static const char *const keys[] = {"objectType", "id", NULL};
        stoa_trace_ck_only_keys(c, o, where, keys);
        stoa_trace_ck_check_uuid_at(c, o, "id", where, true);
    } else if (strcmp(t, "SubStatement") == 0 && !sub) {
        static const char *const keys[] = {"objectType", "actor", "verb", "object", "result",
                                           "context", "timestamp", "attachments", NULL};
        stoa_trace_ck_only_keys(c, o, where, keys);
        check_statement_body(c, o, where, true);
    } else {
        WHERE(w, where, "objectType");
        stoa_trace_ck_fail(c, w, "\"%s\" is not allowed here", t);
    }
}

static void check_verb(checker *c, const cJSON *v, const char *where)
{
    static const char *const keys[] = {"id", "display", NULL};
    stoa_trace_ck_only_keys(c, v, where, keys);
    stoa_trace_ck_check_iri_at(c, v, "id", where, true);
    stoa_trace_ck_check_lang_map(c, v, "display", where);
}

static void check_result(checker *c, const cJSON *r, const char *where)
{
    static const char *const keys[] = {"score", "success", "completion", "response", "duration",
                                       "extensions", NULL};
    stoa_trace_ck_only_keys(c, r, where, keys);
    stoa_trace_ck_get(c, r, "success", where, cJSON_IsBool, "a boolean", false);
    stoa_trace_ck_get(c, r, "completion", where, cJSON_IsBool, "a boolean", false);
    stoa_trace_ck_get_str(c, r, "response", where, false);
    const cJSON *d = stoa_trace_ck_get_str(c, r, "duration", where, false);
    WHERE(wd, where, "duration");
    if (d && !stoa_trace_parse_duration(d->valuestring, NULL))
        stoa_trace_ck_fail(c, wd, "\"%s\" is not an ISO 8601 duration", d->valuestring);
    stoa_trace_ck_check_extensions(c, r, where);
    const cJSON *s = stoa_trace_ck_get_obj(c, r, "score", where, false);
    if (!s)
        return;
    WHERE(ws, where, "score");
    static const char *const skeys[] = {"scaled", "raw", "min", "max", NULL};
    stoa_trace_ck_only_keys(c, s, ws, skeys);
    const cJSON *v[4];
    for (int i = 0; i < 4; i++)
        v[i] = stoa_trace_ck_get(c, s, skeys[i], ws, cJSON_IsNumber, "a number", false);
    WHERE(wsc, ws, "scaled");
    if (v[0] && (v[0]->valuedouble < -1 || v[0]->valuedouble > 1))
        stoa_trace_ck_fail(c, wsc, "%g is outside -1..1", v[0]->valuedouble);
    WHERE(wr, ws, "raw");
    if (v[1] && v[2] && v[1]->valuedouble < v[2]->valuedouble)
        stoa_trace_ck_fail(c, wr, "%g is below min %g", v[1]->valuedouble, v[2]->valuedouble);
    if (v[1] && v[3] && v[1]->valuedouble > v[3]->valuedouble)
        stoa_trace_ck_fail(c, wr, "%g is above max %g", v[1]->valuedouble, v[3]->valuedouble);
    WHERE(wm, ws, "min");
    if (v[2] && v[3] && !(v[2]->valuedouble < v[3]->valuedouble))
        stoa_trace_ck_fail(c, wm, "min %g must be less than max %g", v[2]->valuedouble, v[3]->valuedouble);
}

static void check_activity_list(checker *c, const cJSON *l, const char *where)
{
    if (cJSON_IsObject(l)) {
        check_activity(c, l, where);
        return;
    }
    if (!cJSON_IsArray(l)) {
        if (!cJSON_IsNull(l))
            stoa_trace_ck_fail(c, where, "must be an Activity or an array of Activities");
        return;
    }
    int i = 0;
    for (const cJSON *a = l->child; a; a = a->next, i++) {
        char w[256];
        stoa_trace_ck_join_index(w, where, i);
        if (cJSON_IsObject(a))
            check_activity(c, a, w);
        else if (!cJSON_IsNull(a))
            stoa_trace_ck_fail(c, w, "must be an Activity object");
    }
}

static void check_context(checker *c, const cJSON *ctx, const char *where, bool object_is_activity)
{
    static const char *const keys[] = {"registration", "instructor", "team", "contextActivities",
        "revision", "platform", "language", "statement", "extensions", NULL};
    stoa_trace_ck_only_keys(c, ctx, where, keys);
    stoa_trace_ck_check_uuid_at(c, ctx, "registration", where, false);
    const cJSON *ins = cJSON_GetObjectItemCaseSensitive(ctx, "instructor");
    WHERE(wi, where, "instructor");
    if (ins)
        stoa_trace_ck_check_agent(c, ins, wi, true);
    const cJSON *team = cJSON_GetObjectItemCaseSensitive(ctx, "team");
    WHERE(wt, where, "team");
    if (team) {
        const cJSON *ot = cJSON_GetObjectItemCaseSensitive(team, "objectType");
        if (!cJSON_IsString(ot) || strcmp(ot->valuestring, "Group") != 0)
            stoa_trace_ck_fail(c, wt, "must be a Group");
        stoa_trace_ck_check_agent(c, team, wt, true);
    }
    const cJSON *ca = stoa_trace_ck_get_obj(c, ctx, "contextActivities", where, false);
    WHERE(wc, where, "contextActivities");
    if (ca) {
        static const char *const ckeys[] = {"parent", "grouping", "category", "other", NULL};
        stoa_trace_ck_only_keys(c, ca, wc, ckeys);
        for (const cJSON *e = ca->child; e; e = e->next) {
            WHERE(we, wc, e->string);
            check_activity_list(c, e, we);
        }
    }
    for (int i = 0; i < 2; i++) {
        const char *k = i ? "platform" : "revision";
        const cJSON *v = stoa_trace_ck_get_str(c, ctx, k, where, false);
        WHERE(w, where, k);
        if (v && !object_is_activity)
            stoa_trace_ck_fail(c, w, "only allowed when the object is an Activity");
    }
    const cJSON *lang = stoa_trace_ck_get_str(c, ctx, "language", where, false);
    WHERE(wl, where, "language");
    if (lang && !stoa_trace_parse_lang_tag(lang->valuestring))
        stoa_trace_ck_fail(c, wl, "\"%s\" is not an RFC 5646 language tag", lang->valuestring);
    const cJSON *sr = stoa_trace_ck_get_obj(c, ctx, "statement", where, false);
    WHERE(ws, where, "statement");
    if (sr)
        check_object(c, sr, ws, true);
    stoa_trace_ck_check_extensions(c, ctx, where);
}

static void check_statement_body(checker *c, const cJSON *st, const char *where, bool sub)
{
    const cJSON *actor = cJSON_GetObjectItemCaseSensitive(st, "actor");
    WHERE(wa, where, "actor");
    if (!actor)
        stoa_trace_ck_fail(c, wa, "missing");
    else
        stoa_trace_ck_check_agent(c, actor, wa, true);
    const cJSON *verb = stoa_trace_ck_get_obj(c, st, "verb", where, true);
    WHERE(wv, where, "verb");
    if (verb)
        check_verb(c, verb, wv);
    const cJSON *obj = stoa_trace_ck_get_obj(c, st, "object", where, true);
    WHERE(wo, where, "object");
    if (obj)
        check_object(c, obj, wo, sub);
    // Data 2.3.2: "the Object of that voiding Statement MUST have the
    // objectType property set to StatementRef".
    const char *vid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(verb, "id"));
    const char *oty = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "objectType"));
    WHERE(wot, wo, "objectType");
    if (vid && obj && strcmp(vid, STOA_XAPI_VERB_VOIDED) == 0 && (!oty || strcmp(oty, "StatementRef") != 0))
        stoa_trace_ck_fail(c, wot, "a voiding statement's object must be a StatementRef");
    const cJSON *res = stoa_trace_ck_get_obj(c, st, "result", where, false);
    WHERE(wr, where, "result");
    if (res)
        check_result(c, res, wr);
    const cJSON *ctx = stoa_trace_ck_get_obj(c, st, "context", where, false);
    WHERE(wc, where, "context");
    if (ctx) {
        const cJSON *ot = obj ? cJSON_GetObjectItemCaseSensitive(obj, "objectType") : NULL;
        bool activity = !cJSON_IsString(ot) || strcmp(ot->valuestring, "Activity") == 0;
        check_context(c, ctx, wc, activity);
    }
    // Optional (xAPI Data 2.4.7: the LRS sets a missing one to "stored").
    const cJSON *ts = stoa_trace_ck_get_str(c, st, "timestamp", where, false);
    WHERE(wt, where, "timestamp");
    if (ts && !stoa_trace_parse_timestamp(ts->valuestring, NULL))
        stoa_trace_ck_fail(c, wt, "\"%s\" is not an ISO 8601 date-time with a time zone", ts->valuestring);
    if (sub)
        stoa_trace_ck_check_attachments(c, st, where);
}

int stoa_trace_check_statement(const cJSON *st, stoa_trace_check_fn fn, void *user)
{
    checker c = {.fn = fn, .user = user};
    if (!cJSON_IsObject(st)) {
        stoa_trace_ck_fail(&c, "", "a statement must be a JSON object, not %s", stoa_trace_ck_type_name(st));
        return c.problems;
    }
    check_shape(&c, st, "");
    static const char *const keys[] = {"id", "actor", "verb", "object", "result", "context",
        "timestamp", "stored", "authority", "version", "attachments", NULL};
    stoa_trace_ck_only_keys(&c, st, "", keys);
    stoa_trace_ck_check_uuid_at(&c, st, "id", "", false); // the LRS assigns a missing one (Data 2.4.1)
    check_statement_body(&c, st, "", false);
    const cJSON *stored = stoa_trace_ck_get_str(&c, st, "stored", "", false);
    if (stored && !stoa_trace_parse_timestamp(stored->valuestring, NULL))
        stoa_trace_ck_fail(&c, "stored", "\"%s\" is not an ISO 8601 date-time", stored->valuestring);
    const cJSON *auth = cJSON_GetObjectItemCaseSensitive(st, "authority");
    if (auth)
        stoa_trace_ck_check_authority(&c, auth);
    const cJSON *ver = stoa_trace_ck_get_str(&c, st, "version", "", false);
    // Data 2.4.10: "An LRS MUST reject all Statements with a version
    // specified that does not start with 1.0."
    if (ver && !stoa_trace_ck_version_ok(ver->valuestring))
        stoa_trace_ck_fail(&c, "version", "\"%s\" is not an xAPI 1.0.x version", ver->valuestring);
    stoa_trace_ck_check_attachments(&c, st, "");
    return c.problems;
}

bool stoa_trace_check_iri(const char *s) { return stoa_trace_parse_iri(s); }

bool stoa_trace_check_timestamp(const char *s, int64_t *out_ns) { return stoa_trace_parse_timestamp(s, out_ns); }
