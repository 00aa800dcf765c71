// SPDX-License-Identifier: Apache-2.0
// xAPI 1.0.3 rules, one small function per object kind. Messages say what
// is wrong in a teacher's or developer's words, not the spec's section.
#include "stoa_trace_check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trace_internal.h"

typedef struct checker {
    stoa_trace_check_fn fn;
    void *user;
    int problems;
} checker;

static void fail(checker *c, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(checker *c, const char *where, const char *fmt, ...)
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
static void join(char out[256], const char *parent, const char *sep, const char *name)
{
    size_t n = 0;
    const char *parts[] = {parent, *parent ? sep : "", name};
    for (int i = 0; i < 3; i++)
        for (const char *p = parts[i]; *p && n < 255; p++)
            out[n++] = *p;
    out[n] = '\0';
}

static void join_index(char out[256], const char *parent, int i)
{
    char idx[16];
    snprintf(idx, sizeof idx, "[%d]", i);
    join(out, parent, "", idx);
}

#define WHERE(buf, parent, name)                                                                   \
    char buf[256];                                                                                 \
    join(buf, parent, ".", name)

static const char *type_name(const cJSON *j)
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
        fail(c, where, "null value (leave the property out instead)");
        return;
    }
    if (!cJSON_IsObject(j) && !cJSON_IsArray(j))
        return;
    int i = 0;
    for (const cJSON *e = j->child; e; e = e->next, i++) {
        char w[256];
        if (cJSON_IsObject(j))
            join(w, where, ".", e->string);
        else
            join_index(w, where, i);
        if (cJSON_IsObject(j) && e->string && strcmp(e->string, "extensions") == 0 &&
            cJSON_IsObject(e))
            continue; // extension values are free-form
        check_shape(c, e, w);
    }
}

static void only_keys(checker *c, const cJSON *obj, const char *where, const char *const *allowed)
{
    for (const cJSON *e = obj->child; e; e = e->next) {
        bool ok = false;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = strcmp(e->string, allowed[i]) == 0;
        if (!ok)
            fail(c, where, "unknown property \"%s\"", e->string);
    }
}

// Fetches a property of the wanted type; reports a wrong type.
static const cJSON *get(checker *c, const cJSON *obj, const char *key, const char *where,
                        cJSON_bool (*is)(const cJSON *), const char *want, bool required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    WHERE(w, where, key);
    if (!v) {
        if (required)
            fail(c, w, "missing");
        return NULL;
    }
    if (cJSON_IsNull(v))
        return NULL; // reported by check_shape
    if (!is(v)) {
        fail(c, w, "must be %s, not %s", want, type_name(v));
        return NULL;
    }
    return v;
}

static const cJSON *get_str(checker *c, const cJSON *o, const char *k, const char *where, bool req)
{
    return get(c, o, k, where, cJSON_IsString, "a string", req);
}

static const cJSON *get_obj(checker *c, const cJSON *o, const char *k, const char *where, bool req)
{
    return get(c, o, k, where, cJSON_IsObject, "an object", req);
}

static void check_iri_at(checker *c, const cJSON *o, const char *k, const char *where, bool req)
{
    const cJSON *v = get_str(c, o, k, where, req);
    WHERE(w, where, k);
    if (v && !stoa_trace_parse_iri(v->valuestring))
        fail(c, w, "\"%s\" is not an absolute IRI", v->valuestring);
}

static void check_uuid_at(checker *c, const cJSON *o, const char *k, const char *where, bool req)
{
    const cJSON *v = get_str(c, o, k, where, req);
    WHERE(w, where, k);
    if (v && !stoa_trace_parse_uuid(v->valuestring))
        fail(c, w, "\"%s\" is not a UUID", v->valuestring);
}

static void check_lang_map(checker *c, const cJSON *o, const char *k, const char *where)
{
    const cJSON *m = get_obj(c, o, k, where, false);
    WHERE(w, where, k);
    if (!m)
        return;
    for (const cJSON *e = m->child; e; e = e->next) {
        if (!stoa_trace_parse_lang_tag(e->string))
            fail(c, w, "\"%s\" is not an RFC 5646 language tag", e->string);
        if (!cJSON_IsString(e) && !cJSON_IsNull(e))
            fail(c, w, "the \"%s\" entry must be a string", e->string);
    }
}

static void check_extensions(checker *c, const cJSON *o, const char *where)
{
    const cJSON *ext = get_obj(c, o, "extensions", where, false);
    WHERE(w, where, "extensions");
    for (const cJSON *e = ext ? ext->child : NULL; e; e = e->next)
        if (!stoa_trace_parse_iri(e->string))
            fail(c, w, "key \"%s\" is not an absolute IRI", e->string);
}

static void check_agent(checker *c, const cJSON *a, const char *where, bool group_ok);

static int count_ifis(checker *c, const cJSON *a, const char *where)
{
    int n = 0;
    const cJSON *v;
    WHERE(wm, where, "mbox");
    if ((v = get_str(c, a, "mbox", where, false)) && ++n &&
        (strncmp(v->valuestring, "mailto:", 7) != 0 || !strchr(v->valuestring + 7, '@') ||
         v->valuestring[7] == '@' || !stoa_trace_parse_iri(v->valuestring)))
        fail(c, wm, "must be a mailto: IRI with an e-mail address (mailto:name@example.org)");
    WHERE(ws, where, "mbox_sha1sum");
    if ((v = get_str(c, a, "mbox_sha1sum", where, false)) && ++n &&
        (strlen(v->valuestring) != 40 || strspn(v->valuestring, "0123456789abcdefABCDEF") != 40))
        fail(c, ws, "must be 40 hexadecimal digits");
    if (cJSON_GetObjectItemCaseSensitive(a, "openid")) {
        n++;
        check_iri_at(c, a, "openid", where, false);
    }
    const cJSON *acc = get_obj(c, a, "account", where, false);
    if (acc) {
        n++;
        WHERE(wa, where, "account");
        static const char *const keys[] = {"homePage", "name", NULL};
        only_keys(c, acc, wa, keys);
        check_iri_at(c, acc, "homePage", wa, true);
        const cJSON *name = get_str(c, acc, "name", wa, true);
        WHERE(wn, wa, "name");
        if (name && !*name->valuestring)
            fail(c, wn, "empty account name");
    }
    return n;
}

static void check_agent(checker *c, const cJSON *a, const char *where, bool group_ok)
{
    if (!cJSON_IsObject(a)) {
        if (!cJSON_IsNull(a))
            fail(c, where, "must be an object, not %s", type_name(a));
        return;
    }
    static const char *const keys[] = {"objectType", "name", "mbox", "mbox_sha1sum", "openid",
                                       "account", "member", NULL};
    only_keys(c, a, where, keys);
    const cJSON *ot = get_str(c, a, "objectType", where, false);
    bool group = ot && strcmp(ot->valuestring, "Group") == 0;
    WHERE(wt, where, "objectType");
    if (ot && !group && strcmp(ot->valuestring, "Agent") != 0)
        fail(c, wt, "must be \"Agent\" or \"Group\", not \"%s\"", ot->valuestring);
    if (group && !group_ok)
        fail(c, wt, "a Group is not allowed here");
    get_str(c, a, "name", where, false);
    int ifis = count_ifis(c, a, where);
    const cJSON *members = cJSON_GetObjectItemCaseSensitive(a, "member");
    if (members && !group) {
        fail(c, where, "only a Group has members");
    } else if (group) {
        if (members && !cJSON_IsArray(members)) {
            fail(c, where, "member must be an array");
        } else if (members) {
            int i = 0;
            for (const cJSON *m = members->child; m; m = m->next, i++) {
                char wm[256], w[256];
                join(wm, where, ".", "member");
                join_index(w, wm, i);
                check_agent(c, m, w, false);
            }
        }
        if (ifis == 0 && (!members || !members->child))
            fail(c, where, "an anonymous Group needs members");
    }
    if (ifis > 1)
        fail(c, where, "has %d identifiers (mbox, mbox_sha1sum, openid, account); exactly one "
                       "is allowed", ifis);
    if (ifis == 0 && !group)
        fail(c, where, "an Agent needs one identifier (mbox, mbox_sha1sum, openid or account)");
}

static const char *const g_interaction_types[] = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
    "sequencing", "likert", "numeric", "other", NULL};

// Interaction components (xAPI Data 2.4.4.1 "Interaction Components"):
// an array of {id, description}, ids unique within the array.
static void check_components(checker *c, const cJSON *d, const char *key, const char *where)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(d, key);
    WHERE(w, where, key);
    if (!l || cJSON_IsNull(l))
        return;
    if (!cJSON_IsArray(l)) {
        fail(c, w, "must be an array of interaction components");
        return;
    }
    int i = 0;
    for (const cJSON *e = l->child; e; e = e->next, i++) {
        char we[256];
        join_index(we, w, i);
        if (!cJSON_IsObject(e)) {
            fail(c, we, "must be an object {id, description}");
            continue;
        }
        static const char *const keys[] = {"id", "description", NULL};
        only_keys(c, e, we, keys);
        const cJSON *id = get_str(c, e, "id", we, true);
        WHERE(wid, we, "id");
        if (id && !*id->valuestring)
            fail(c, wid, "empty id");
        for (const cJSON *o = l->child; id && o != e; o = o->next) {
            const char *other = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "id"));
            if (other && strcmp(other, id->valuestring) == 0)
                fail(c, wid, "\"%s\" is used twice in %s", id->valuestring, key);
        }
        check_lang_map(c, e, "description", we);
    }
}

static void check_definition(checker *c, const cJSON *act, const char *where)
{
    const cJSON *d = get_obj(c, act, "definition", where, false);
    if (!d)
        return;
    WHERE(w, where, "definition");
    static const char *const keys[] = {"name", "description", "type", "moreInfo", "extensions",
        "interactionType", "correctResponsesPattern", "choices", "scale", "source", "target",
        "steps", NULL};
    only_keys(c, d, w, keys);
    check_lang_map(c, d, "name", w);
    check_lang_map(c, d, "description", w);
    check_iri_at(c, d, "type", w, false);
    check_iri_at(c, d, "moreInfo", w, false);
    check_extensions(c, d, w);
    const cJSON *it = get_str(c, d, "interactionType", w, false);
    bool known = false;
    for (int i = 0; it && g_interaction_types[i]; i++)
        known |= strcmp(it->valuestring, g_interaction_types[i]) == 0;
    WHERE(wi, w, "interactionType");
    if (it && !known)
        fail(c, wi, "\"%s\" is not an xAPI interaction type", it->valuestring);
    const cJSON *crp = cJSON_GetObjectItemCaseSensitive(d, "correctResponsesPattern");
    WHERE(wc, w, "correctResponsesPattern");
    if (crp && !cJSON_IsNull(crp)) {
        if (!cJSON_IsArray(crp))
            fail(c, wc, "must be an array of strings");
        else
            for (const cJSON *e = crp->child; e; e = e->next)
                if (!cJSON_IsString(e) && !cJSON_IsNull(e))
                    fail(c, wc, "must be an array of strings");
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
            fail(c, wp, "only allowed with an interactionType");
        else if (known && k_parts[i].types[0] != '*' && !strstr(k_parts[i].types, needle))
            fail(c, wp, "not allowed with interactionType \"%s\"", it->valuestring);
        if (i > 0)
            check_components(c, d, k_parts[i].key, w);
    }
}

static void check_activity(checker *c, const cJSON *a, const char *where)
{
    static const char *const keys[] = {"objectType", "id", "definition", NULL};
    only_keys(c, a, where, keys);
    check_iri_at(c, a, "id", where, true);
    check_definition(c, a, where);
}

static void check_statement_body(checker *c, const cJSON *st, const char *where, bool sub);

static void check_object(checker *c, const cJSON *o, const char *where, bool sub)
{
    const cJSON *ot = get_str(c, o, "objectType", where, false);
    const char *t = ot ? ot->valuestring : "Activity";
    if (strcmp(t, "Activity") == 0) {
        check_activity(c, o, where);
    } else if (strcmp(t, "Agent") == 0 || strcmp(t, "Group") == 0) {
        check_agent(c, o, where, true);
    } else if (strcmp(t, "StatementRef") == 0) {
        static const char *const keys[] = {"objectType", "id", NULL};
        only_keys(c, o, where, keys);
        check_uuid_at(c, o, "id", where, true);
    } else if (strcmp(t, "SubStatement") == 0 && !sub) {
        static const char *const keys[] = {"objectType", "actor", "verb", "object", "result",
                                           "context", "timestamp", "attachments", NULL};
        only_keys(c, o, where, keys);
        check_statement_body(c, o, where, true);
    } else {
        WHERE(w, where, "objectType");
        fail(c, w, "\"%s\" is not allowed here", t);
    }
}

static void check_verb(checker *c, const cJSON *v, const char *where)
{
    static const char *const keys[] = {"id", "display", NULL};
    only_keys(c, v, where, keys);
    check_iri_at(c, v, "id", where, true);
    check_lang_map(c, v, "display", where);
}

static void check_result(checker *c, const cJSON *r, const char *where)
{
    static const char *const keys[] = {"score", "success", "completion", "response", "duration",
                                       "extensions", NULL};
    only_keys(c, r, where, keys);
    get(c, r, "success", where, cJSON_IsBool, "a boolean", false);
    get(c, r, "completion", where, cJSON_IsBool, "a boolean", false);
    get_str(c, r, "response", where, false);
    const cJSON *d = get_str(c, r, "duration", where, false);
    WHERE(wd, where, "duration");
    if (d && !stoa_trace_parse_duration(d->valuestring, NULL))
        fail(c, wd, "\"%s\" is not an ISO 8601 duration", d->valuestring);
    check_extensions(c, r, where);
    const cJSON *s = get_obj(c, r, "score", where, false);
    if (!s)
        return;
    WHERE(ws, where, "score");
    static const char *const skeys[] = {"scaled", "raw", "min", "max", NULL};
    only_keys(c, s, ws, skeys);
    const cJSON *v[4];
    for (int i = 0; i < 4; i++)
        v[i] = get(c, s, skeys[i], ws, cJSON_IsNumber, "a number", false);
    WHERE(wsc, ws, "scaled");
    if (v[0] && (v[0]->valuedouble < -1 || v[0]->valuedouble > 1))
        fail(c, wsc, "%g is outside -1..1", v[0]->valuedouble);
    WHERE(wr, ws, "raw");
    if (v[1] && v[2] && v[1]->valuedouble < v[2]->valuedouble)
        fail(c, wr, "%g is below min %g", v[1]->valuedouble, v[2]->valuedouble);
    if (v[1] && v[3] && v[1]->valuedouble > v[3]->valuedouble)
        fail(c, wr, "%g is above max %g", v[1]->valuedouble, v[3]->valuedouble);
    WHERE(wm, ws, "min");
    if (v[2] && v[3] && !(v[2]->valuedouble < v[3]->valuedouble))
        fail(c, wm, "min %g must be less than max %g", v[2]->valuedouble, v[3]->valuedouble);
}

static void check_activity_list(checker *c, const cJSON *l, const char *where)
{
    if (cJSON_IsObject(l)) {
        check_activity(c, l, where);
        return;
    }
    if (!cJSON_IsArray(l)) {
        if (!cJSON_IsNull(l))
            fail(c, where, "must be an Activity or an array of Activities");
        return;
    }
    int i = 0;
    for (const cJSON *a = l->child; a; a = a->next, i++) {
        char w[256];
        join_index(w, where, i);
        if (cJSON_IsObject(a))
            check_activity(c, a, w);
        else if (!cJSON_IsNull(a))
            fail(c, w, "must be an Activity object");
    }
}

static void check_context(checker *c, const cJSON *ctx, const char *where, bool object_is_activity)
{
    static const char *const keys[] = {"registration", "instructor", "team", "contextActivities",
        "revision", "platform", "language", "statement", "extensions", NULL};
    only_keys(c, ctx, where, keys);
    check_uuid_at(c, ctx, "registration", where, false);
    const cJSON *ins = cJSON_GetObjectItemCaseSensitive(ctx, "instructor");
    WHERE(wi, where, "instructor");
    if (ins)
        check_agent(c, ins, wi, true);
    const cJSON *team = cJSON_GetObjectItemCaseSensitive(ctx, "team");
    WHERE(wt, where, "team");
    if (team) {
        const cJSON *ot = cJSON_GetObjectItemCaseSensitive(team, "objectType");
        if (!cJSON_IsString(ot) || strcmp(ot->valuestring, "Group") != 0)
            fail(c, wt, "must be a Group");
        check_agent(c, team, wt, true);
    }
    const cJSON *ca = get_obj(c, ctx, "contextActivities", where, false);
    WHERE(wc, where, "contextActivities");
    if (ca) {
        static const char *const ckeys[] = {"parent", "grouping", "category", "other", NULL};
        only_keys(c, ca, wc, ckeys);
        for (const cJSON *e = ca->child; e; e = e->next) {
            WHERE(we, wc, e->string);
            check_activity_list(c, e, we);
        }
    }
    for (int i = 0; i < 2; i++) {
        const char *k = i ? "platform" : "revision";
        const cJSON *v = get_str(c, ctx, k, where, false);
        WHERE(w, where, k);
        if (v && !object_is_activity)
            fail(c, w, "only allowed when the object is an Activity");
    }
    const cJSON *lang = get_str(c, ctx, "language", where, false);
    WHERE(wl, where, "language");
    if (lang && !stoa_trace_parse_lang_tag(lang->valuestring))
        fail(c, wl, "\"%s\" is not an RFC 5646 language tag", lang->valuestring);
    const cJSON *sr = get_obj(c, ctx, "statement", where, false);
    WHERE(ws, where, "statement");
    if (sr)
        check_object(c, sr, ws, true);
    check_extensions(c, ctx, where);
}

static bool version_ok(const char *v)
{
    if (strncmp(v, "1.0", 3) != 0)
        return false;
    if (!v[3])
        return true;
    if (v[3] != '.' || !v[4])
        return false;
    return strspn(v + 4, "0123456789") == strlen(v + 4);
}

// Data 2.4.9: "Authority MUST be an Agent, except in 3-legged OAuth, where
// it MUST be a Group with two Agents."
static void check_authority(checker *c, const cJSON *auth)
{
    check_agent(c, auth, "authority", true);
    const cJSON *ot = cJSON_GetObjectItemCaseSensitive(auth, "objectType");
    if (cJSON_IsString(ot) && strcmp(ot->valuestring, "Group") == 0) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(auth, "member");
        if (!cJSON_IsArray(m) || cJSON_GetArraySize(m) != 2)
            fail(c, "authority", "a Group authority must have exactly two members (3-legged OAuth)");
    }
}

// Data 2.4.11 Attachments: usageType IRI, display (language map),
// description, contentType (an Internet media type), length (an integer),
// sha2 (hex), fileUrl (an IRL); nothing else.
static void check_attachments(checker *c, const cJSON *st, const char *where)
{
    const cJSON *l = get(c, st, "attachments", where, cJSON_IsArray, "an array", false);
    WHERE(w, where, "attachments");
    int i = 0;
    for (const cJSON *a = l ? l->child : NULL; a; a = a->next, i++) {
        char wa[256];
        join_index(wa, w, i);
        if (!cJSON_IsObject(a)) {
            if (!cJSON_IsNull(a))
                fail(c, wa, "must be an attachment object, not %s", type_name(a));
            continue;
        }
        static const char *const keys[] = {"usageType", "display", "description", "contentType",
                                           "length", "sha2", "fileUrl", NULL};
        only_keys(c, a, wa, keys);
        check_iri_at(c, a, "usageType", wa, true);
        if (!cJSON_GetObjectItemCaseSensitive(a, "display")) {
            WHERE(wd, wa, "display");
            fail(c, wd, "missing");
        }
        check_lang_map(c, a, "display", wa);
        check_lang_map(c, a, "description", wa);
        const cJSON *ct = get_str(c, a, "contentType", wa, true);
        WHERE(wct, wa, "contentType");
        const char *slash = ct ? strchr(ct->valuestring, '/') : NULL;
        if (ct && (!slash || slash == ct->valuestring || !slash[1] || strpbrk(ct->valuestring, " \t\r\n")))
            fail(c, wct, "\"%s\" is not an Internet media type", ct->valuestring);
        const cJSON *len = get(c, a, "length", wa, cJSON_IsNumber, "a number", true);
        WHERE(wl, wa, "length");
        if (len && (len->valuedouble < 0 || len->valuedouble != floor(len->valuedouble)))
            fail(c, wl, "must be a non-negative integer");
        const cJSON *sha = get_str(c, a, "sha2", wa, true);
        WHERE(ws, wa, "sha2");
        size_t sl = sha ? strlen(sha->valuestring) : 0;
        if (sha && ((sl != 56 && sl != 64 && sl != 96 && sl != 128) ||
                    strspn(sha->valuestring, "0123456789abcdefABCDEF") != sl))
            fail(c, ws, "must be a SHA-2 digest in hexadecimal");
        check_iri_at(c, a, "fileUrl", wa, false);
    }
}

static void check_statement_body(checker *c, const cJSON *st, const char *where, bool sub)
{
    const cJSON *actor = cJSON_GetObjectItemCaseSensitive(st, "actor");
    WHERE(wa, where, "actor");
    if (!actor)
        fail(c, wa, "missing");
    else
        check_agent(c, actor, wa, true);
    const cJSON *verb = get_obj(c, st, "verb", where, true);
    WHERE(wv, where, "verb");
    if (verb)
        check_verb(c, verb, wv);
    const cJSON *obj = get_obj(c, st, "object", where, true);
    WHERE(wo, where, "object");
    if (obj)
        check_object(c, obj, wo, sub);
    // Data 2.3.2: "the Object of that voiding Statement MUST have the
    // objectType property set to StatementRef".
    const char *vid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(verb, "id"));
    const char *oty = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "objectType"));
    WHERE(wot, wo, "objectType");
    if (vid && obj && strcmp(vid, STOA_XAPI_VERB_VOIDED) == 0 && (!oty || strcmp(oty, "StatementRef") != 0))
        fail(c, wot, "a voiding statement's object must be a StatementRef");
    const cJSON *res = get_obj(c, st, "result", where, false);
    WHERE(wr, where, "result");
    if (res)
        check_result(c, res, wr);
    const cJSON *ctx = get_obj(c, st, "context", where, false);
    WHERE(wc, where, "context");
    if (ctx) {
        const cJSON *ot = obj ? cJSON_GetObjectItemCaseSensitive(obj, "objectType") : NULL;
        bool activity = !cJSON_IsString(ot) || strcmp(ot->valuestring, "Activity") == 0;
        check_context(c, ctx, wc, activity);
    }
    // Optional (xAPI Data 2.4.7: the LRS sets a missing one to "stored").
    const cJSON *ts = get_str(c, st, "timestamp", where, false);
    WHERE(wt, where, "timestamp");
    if (ts && !stoa_trace_parse_timestamp(ts->valuestring, NULL))
        fail(c, wt, "\"%s\" is not an ISO 8601 date-time with a time zone", ts->valuestring);
    if (sub)
        check_attachments(c, st, where);
}

int stoa_trace_check_statement(const cJSON *st, stoa_trace_check_fn fn, void *user)
{
    checker c = {.fn = fn, .user = user};
    if (!cJSON_IsObject(st)) {
        fail(&c, "", "a statement must be a JSON object, not %s", type_name(st));
        return c.problems;
    }
    check_shape(&c, st, "");
    static const char *const keys[] = {"id", "actor", "verb", "object", "result", "context",
        "timestamp", "stored", "authority", "version", "attachments", NULL};
    only_keys(&c, st, "", keys);
    check_uuid_at(&c, st, "id", "", false); // the LRS assigns a missing one (Data 2.4.1)
    check_statement_body(&c, st, "", false);
    const cJSON *stored = get_str(&c, st, "stored", "", false);
    if (stored && !stoa_trace_parse_timestamp(stored->valuestring, NULL))
        fail(&c, "stored", "\"%s\" is not an ISO 8601 date-time", stored->valuestring);
    const cJSON *auth = cJSON_GetObjectItemCaseSensitive(st, "authority");
    if (auth)
        check_authority(&c, auth);
    const cJSON *ver = get_str(&c, st, "version", "", false);
    // Data 2.4.10: "An LRS MUST reject all Statements with a version
    // specified that does not start with 1.0."
    if (ver && !version_ok(ver->valuestring))
        fail(&c, "version", "\"%s\" is not an xAPI 1.0.x version", ver->valuestring);
    check_attachments(&c, st, "");
    return c.problems;
}

bool stoa_trace_check_iri(const char *s) { return stoa_trace_parse_iri(s); }

bool stoa_trace_check_timestamp(const char *s, int64_t *out_ns) { return stoa_trace_parse_timestamp(s, out_ns); }
