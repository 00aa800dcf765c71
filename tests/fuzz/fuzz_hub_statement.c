// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness for statements as the hub stores them: the bounded JSON
// reader with the hub's policy, the statement preparation (depth, xAPI
// checker, id, actor key, canonical print), then the promise the store
// makes: the canonical text reads back to the same tree, prepares to the
// same text again, and its stored form ("stored" added without parsing) is
// valid JSON with the same members; the LRS's statement comparison finds
// it the same as itself, and the ids/canonical formats never crash.
//
//   build-fuzz/tests/fuzz/fuzz_hub_statement -max_total_time=600 corpus/ tests/fuzz/corpus/statement
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_json.h"
#include "hub_internal.h"
#include "hub_lrs.h"

// The same bytes as a multipart/mixed request (boundary "b") and each
// part as a JWS: the parser stays inside the body, never crashes.
static void multipart(const uint8_t *data, size_t size)
{
    hub_xapi_parts *parts = malloc(sizeof *parts);
    if (parts && !hub_xapi_parts_parse("multipart/mixed; boundary=b", (const char *)data, size, parts)) {
        cJSON *st = cJSON_Parse("{\"actor\":{\"mbox\":\"mailto:a@b.c\"},\"verb\":{\"id\":\"http://e.org/v\"},"
                                "\"object\":{\"id\":\"http://e.org/o\"}}");
        for (int i = 0; i < parts->n; i++) {
            const hub_xapi_part *p = &parts->part[i];
            if (p->data < (const char *)data || p->data + p->len > (const char *)data + size)
                abort(); // a part must lie inside the body
            hub_xapi_check_signature(st, p);
        }
        cJSON_Delete(st);
    }
    free(parts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    multipart(data, size);
    cJSON *st = NULL;
    stoa_error err = {0};
    if (stoa_json_parse((const char *)data, size, HUB_JSON_POLICY(HUB_MAX_BODY), &st, &err) != STOA_OK)
        return 0;
    hub_prepared p;
    char why[300];
    cJSON *authority = cJSON_Parse("{\"objectType\":\"Agent\",\"account\":{\"homePage\":\"http://hub/\",\"name\":\"k\"}}");
    if (!hub_statement_prepare(st, size % 2 == 0, authority, &p, why, sizeof why)) {
        cJSON_Delete(authority);
        cJSON_Delete(st);
        return 0;
    }
    cJSON *back = NULL;
    if (stoa_json_parse_str(p.canon, HUB_JSON_POLICY(4 * HUB_MAX_BODY), &back, &err) != STOA_OK)
        abort(); // the stored text must read back
    if (!cJSON_Compare(st, back, 1))
        abort(); // ... to the same statement
    hub_prepared q;
    if (!hub_statement_prepare(back, false, authority, &q, why, sizeof why) || strcmp(p.canon, q.canon) != 0 ||
        strcmp(p.id, q.id) != 0 || strcmp(p.actor, q.actor) != 0)
        abort(); // canonical: preparing it again changes nothing
    if (!hub_statement_same(p.canon, q.canon))
        abort();
    for (int f = HUB_FORMAT_IDS; f <= HUB_FORMAT_CANONICAL; f++) {
        cJSON *copy = cJSON_Duplicate(back, 1);
        hub_statement_format(copy, (hub_xapi_format)f, "fr;q=0.5, en-US, *;q=0.1");
        cJSON_Delete(copy);
    }
    char *stored = hub_statement_stored_text(p.canon, 1700000000000000000LL);
    cJSON *s2 = NULL;
    if (!stored || stoa_json_parse_str(stored, HUB_JSON_POLICY(4 * HUB_MAX_BODY), &s2, &err) != STOA_OK ||
        !cJSON_GetObjectItemCaseSensitive(s2, "stored"))
        abort();
    cJSON_DeleteItemFromObjectCaseSensitive(s2, "stored");
    if (!cJSON_Compare(s2, back, 1))
        abort();
    cJSON_Delete(s2);
    free(stored);
    hub_prepared_free(&q);
    hub_prepared_free(&p);
    cJSON_Delete(back);
    cJSON_Delete(st);
    cJSON_Delete(authority);
    return 0;
}
