// SPDX-License-Identifier: Apache-2.0
// The xAPI 1.0.3 rules an LRS adds to the statement checker (trace_check.c):
// interaction components, the version, the authority and attachment
// metadata. Messages name the field, like the rest of the checker.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trace_check_internal.h"
#include "trace_internal.h"

// Interaction components (xAPI Data 2.4.4.1 "Interaction Components"):
// an array of {id, description}, ids unique within the array.
void stoa_trace_ck_check_components(checker *c, const cJSON *d, const char *key, const char *where)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(d, key);
    WHERE(w, where, key);
    if (!l || cJSON_IsNull(l))
        return;
    if (!cJSON_IsArray(l)) {
        stoa_trace_ck_fail(c, w, "must be an array of interaction components");
        return;
    }
    int i = 0;
    for (const cJSON *e = l->child; e; e = e->next, i++) {
        char we[256];
        stoa_trace_ck_join_index(we, w, i);
        if (!cJSON_IsObject(e)) {
            stoa_trace_ck_fail(c, we, "must be an object {id, description}");
            continue;
        }
        static const char *const keys[] = {"id", "description", NULL};
        stoa_trace_ck_only_keys(c, e, we, keys);
        const cJSON *id = stoa_trace_ck_get_str(c, e, "id", we, true);
        WHERE(wid, we, "id");
        if (id && !*id->valuestring)
            stoa_trace_ck_fail(c, wid, "empty id");
        for (const cJSON *o = l->child; id && o != e; o = o->next) {
            const char *other = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "id"));
            if (other && strcmp(other, id->valuestring) == 0)
                stoa_trace_ck_fail(c, wid, "\"%s\" is used twice in %s", id->valuestring, key);
        }
        stoa_trace_ck_check_lang_map(c, e, "description", we);
    }
}

bool stoa_trace_ck_version_ok(const char *v)
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
void stoa_trace_ck_check_authority(checker *c, const cJSON *auth)
{
    stoa_trace_ck_check_agent(c, auth, "authority", true);
    const cJSON *ot = cJSON_GetObjectItemCaseSensitive(auth, "objectType");
    if (cJSON_IsString(ot) && strcmp(ot->valuestring, "Group") == 0) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(auth, "member");
        if (!cJSON_IsArray(m) || cJSON_GetArraySize(m) != 2)
            stoa_trace_ck_fail(c, "authority", "a Group authority must have exactly two members (3-legged OAuth)");
    }
}

// Data 2.4.11 Attachments: usageType IRI, display (language map),
// description, contentType (an Internet media type), length (an integer),
// sha2 (hex), fileUrl (an IRL); nothing else.
void stoa_trace_ck_check_attachments(checker *c, const cJSON *st, const char *where)
{
    const cJSON *l = stoa_trace_ck_get(c, st, "attachments", where, cJSON_IsArray, "an array", false);
    WHERE(w, where, "attachments");
    int i = 0;
    for (const cJSON *a = l ? l->child : NULL; a; a = a->next, i++) {
        char wa[256];
        stoa_trace_ck_join_index(wa, w, i);
        if (!cJSON_IsObject(a)) {
            if (!cJSON_IsNull(a))
                stoa_trace_ck_fail(c, wa, "must be an attachment object, not %s", stoa_trace_ck_type_name(a));
            continue;
        }
        static const char *const keys[] = {"usageType", "display", "description", "contentType",
                                           "length", "sha2", "fileUrl", NULL};
        stoa_trace_ck_only_keys(c, a, wa, keys);
        stoa_trace_ck_check_iri_at(c, a, "usageType", wa, true);
        if (!cJSON_GetObjectItemCaseSensitive(a, "display")) {
            WHERE(wd, wa, "display");
            stoa_trace_ck_fail(c, wd, "missing");
        }
        stoa_trace_ck_check_lang_map(c, a, "display", wa);
        stoa_trace_ck_check_lang_map(c, a, "description", wa);
        const cJSON *ct = stoa_trace_ck_get_str(c, a, "contentType", wa, true);
        WHERE(wct, wa, "contentType");
        const char *slash = ct ? strchr(ct->valuestring, '/') : NULL;
        if (ct && (!slash || slash == ct->valuestring || !slash[1] || strpbrk(ct->valuestring, " \t\r\n")))
            stoa_trace_ck_fail(c, wct, "\"%s\" is not an Internet media type", ct->valuestring);
        const cJSON *len = stoa_trace_ck_get(c, a, "length", wa, cJSON_IsNumber, "a number", true);
        WHERE(wl, wa, "length");
        if (len && (len->valuedouble < 0 || len->valuedouble != floor(len->valuedouble)))
            stoa_trace_ck_fail(c, wl, "must be a non-negative integer");
        const cJSON *sha = stoa_trace_ck_get_str(c, a, "sha2", wa, true);
        WHERE(ws, wa, "sha2");
        size_t sl = sha ? strlen(sha->valuestring) : 0;
        if (sha && ((sl != 56 && sl != 64 && sl != 96 && sl != 128) ||
                    strspn(sha->valuestring, "0123456789abcdefABCDEF") != sl))
            stoa_trace_ck_fail(c, ws, "must be a SHA-2 digest in hexadecimal");
        stoa_trace_ck_check_iri_at(c, a, "fileUrl", wa, false);
    }
}

