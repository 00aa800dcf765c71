// SPDX-License-Identifier: Apache-2.0
// Statements on their way in and out of the store. Validation is
// runtime/trace's xAPI checker, the same one `stoa trace check` runs.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"
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

bool hub_statement_prepare(cJSON *st, bool assign_id, hub_prepared *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(st)) {
        snprintf(why, why_size, "a statement must be a JSON object");
        return false;
    }
    // The LRS sets these; a client's values are dropped, as xAPI allows.
    cJSON_DeleteItemFromObjectCaseSensitive(st, "stored");
    cJSON_DeleteItemFromObjectCaseSensitive(st, "authority");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(st, "id");
    if (!id) {
        if (!assign_id) {
            snprintf(why, why_size, "id: missing");
            return false;
        }
        hub_uuid(out->id);
        cJSON_AddStringToObject(st, "id", out->id);
    }
    first_problem p = {why, why_size, 0};
    if (stoa_trace_check_statement(st, on_problem, &p) > 0)
        return false;
    id = cJSON_GetObjectItemCaseSensitive(st, "id");
    if (!hub_is_uuid(cJSON_GetStringValue(id))) {
        snprintf(why, why_size, "id: not a UUID");
        return false;
    }
    // Ids are compared as text: one spelling for every UUID.
    for (int i = 0; i < 36; i++)
        out->id[i] = (char)(id->valuestring[i] | (id->valuestring[i] >= 'A' && id->valuestring[i] <= 'F' ? 0x20 : 0));
    const char *reg = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "context"), "registration"));
    if (hub_is_uuid(reg))
        snprintf(out->registration, sizeof out->registration, "%s", reg);
    out->canon = cJSON_PrintUnformatted(st);
    if (!out->canon) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    return true;
}

cJSON *hub_statement_stored(const char *canon, int64_t stored_ns)
{
    cJSON *st = cJSON_Parse(canon);
    if (!st)
        return NULL;
    char iso[32];
    hub_format_iso(stored_ns, iso);
    cJSON_AddStringToObject(st, "stored", iso);
    return st;
}
