// SPDX-License-Identifier: Apache-2.0
// GET /xapi/statements?format=ids|canonical (Communication 2.1.3):
// `ids` keeps only what identifies each Agent, Group, Verb and Activity;
// `canonical` keeps one language per language map, the best match of the
// request's Accept-Language (RFC 7231 5.3.5, applied to each map alone).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hub_internal.h"
#include "hub_lrs.h"

static cJSON *get(cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static void keep_only(cJSON *o, const char *const *keep)
{
    cJSON *e = o ? o->child : NULL;
    while (e) {
        cJSON *next = e->next;
        bool ok = false;
        for (int i = 0; keep[i] && !ok; i++)
            ok = strcmp(e->string, keep[i]) == 0;
        if (!ok)
            cJSON_Delete(cJSON_DetachItemViaPointer(o, e));
        e = next;
    }
}

static void ids_agent(cJSON *a)
{
    if (!cJSON_IsObject(a))
        return;
    bool identified = get(a, "mbox") || get(a, "mbox_sha1sum") || get(a, "openid") || get(a, "account");
    // An anonymous Group keeps the minimum that identifies each member.
    static const char *const with_members[] = {"objectType", "member", NULL};
    static const char *const ifi[] = {"objectType", "mbox", "mbox_sha1sum", "openid", "account", NULL};
    keep_only(a, identified ? ifi : with_members);
    cJSON *m;
    cJSON_ArrayForEach(m, get(a, "member")) ids_agent(m);
}

static void ids_activity(cJSON *a)
{
    static const char *const keep[] = {"objectType", "id", NULL};
    keep_only(a, keep);
}

// Scores a language range list against one tag; higher is better, 0 none.
static double lang_quality(const char *accept, const char *tag)
{
    double best = 0;
    int best_len = -1;
    const char *p = accept;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",;");
        char range[64];
        snprintf(range, sizeof range, "%.*s", (int)(n < 63 ? n : 63), p);
        for (size_t l = strlen(range); l && range[l - 1] == ' ';)
            range[--l] = 0;
        double q = 1;
        const char *semi = p + n;
        if (*semi == ';') {
            const char *qs = strstr(semi, "q=");
            const char *comma = strchr(semi, ',');
            if (qs && (!comma || qs < comma))
                q = atof(qs + 2);
            n = (size_t)((comma ? comma : semi + strlen(semi)) - p);
        }
        size_t rl = strlen(range);
        bool match = strcmp(range, "*") == 0 ||
                     (strncasecmp(range, tag, rl) == 0 && (tag[rl] == 0 || tag[rl] == '-'));
        int specificity = strcmp(range, "*") == 0 ? 0 : (int)rl;
        if (match && q > 0 && specificity > best_len) {
            best = q + 1e-3; // a match with q=0 is a refusal; any other counts
            best_len = specificity;
        }
        p += n;
    }
    return best;
}

static void one_language(cJSON *map, const char *accept)
{
    if (!cJSON_IsObject(map) || !map->child || !map->child->next)
        return;
    cJSON *keep = map->child;
    double best = -1;
    for (cJSON *e = map->child; e; e = e->next) {
        double q = accept && *accept ? lang_quality(accept, e->string) : 0;
        if (q > best)
            best = q, keep = e;
    }
    cJSON *e = map->child;
    while (e) {
        cJSON *next = e->next;
        if (e != keep)
            cJSON_Delete(cJSON_DetachItemViaPointer(map, e));
        e = next;
    }
}

static void canonical_activity(cJSON *a, const char *accept)
{
    cJSON *d = get(a, "definition");
    one_language(get(d, "name"), accept);
    one_language(get(d, "description"), accept);
    static const char *const lists[] = {"choices", "scale", "source", "target", "steps"};
    for (size_t i = 0; i < 5; i++) {
        cJSON *c;
        cJSON_ArrayForEach(c, get(d, lists[i])) one_language(get(c, "description"), accept);
    }
}

static void format_body(cJSON *st, hub_xapi_format f, const char *accept)
{
    cJSON *verb = get(st, "verb");
    if (f == HUB_FORMAT_IDS) {
        static const char *const keep[] = {"id", NULL};
        keep_only(verb, keep);
        ids_agent(get(st, "actor"));
    } else {
        one_language(get(verb, "display"), accept);
    }
    cJSON *obj = get(st, "object");
    const char *ot = cJSON_GetStringValue(get(obj, "objectType"));
    if (!ot || strcmp(ot, "Activity") == 0)
        f == HUB_FORMAT_IDS ? ids_activity(obj) : canonical_activity(obj, accept);
    else if (f == HUB_FORMAT_IDS && (strcmp(ot, "Agent") == 0 || strcmp(ot, "Group") == 0))
        ids_agent(obj);
    else if (strcmp(ot, "SubStatement") == 0)
        format_body(obj, f, accept);
    cJSON *ctx = get(st, "context");
    if (f == HUB_FORMAT_IDS) {
        ids_agent(get(ctx, "instructor"));
        ids_agent(get(ctx, "team"));
        ids_agent(get(st, "authority"));
    }
    cJSON *list, *a;
    cJSON_ArrayForEach(list, get(ctx, "contextActivities")) cJSON_ArrayForEach(a, list)
        f == HUB_FORMAT_IDS ? ids_activity(a) : canonical_activity(a, accept);
}

void hub_statement_format(cJSON *st, hub_xapi_format format, const char *accept_language)
{
    if (format != HUB_FORMAT_EXACT)
        format_body(st, format, accept_language);
}
