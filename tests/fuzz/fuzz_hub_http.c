// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness for what a client's HTTP request goes through in the hub
// before any handler logic: the head parser fed in pieces (as the I/O
// thread gets it), the header lookups, the query decoder, and the body
// through the bounded JSON reader with the hub's policy.
//
//   build-fuzz/tests/fuzz/fuzz_hub_http -max_total_time=600 corpus/ tests/fuzz/corpus/http
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_json.h"
#include "hub_internal.h"
#include "hub_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1u << 20))
        return 0;
    size_t step = 1 + data[0] % 64; // how the bytes arrive
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    char *buf = malloc(n + 1);
    hub_http_head *h = malloc(sizeof *h);
    size_t have = 0, head_len = 0;
    hub_head_result r = HUB_HEAD_INCOMPLETE;
    while (have < n && r == HUB_HEAD_INCOMPLETE) {
        size_t take = n - have < step ? n - have : step;
        memcpy(buf + have, in + have, take);
        size_t before = have;
        have += take;
        r = hub_http_parse_head(buf, have, before, 16384, h, &head_len);
    }
    if (r == HUB_HEAD_OK) {
        if (head_len > have || !h->method || !h->host || h->path[0] != '/')
            abort();
        for (const char *p = h->path; *p; p++)
            if ((unsigned char)*p < 0x20)
                abort(); // decoded once, never to a control byte
        const char *names[] = {"statementId", "since", "registration", "limit", "cursor", "name", "run"};
        char v[512];
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            if (hub_query_get(h->query, names[i], v, sizeof v) && !hub_utf8_valid(v, strlen(v)))
                abort();
        hub_http_header_get(h, "Content-Type");
        hub_http_header_get(h, "Origin");
        char accept[32];
        hub_ws_accept_key(hub_http_header_get(h, "Sec-WebSocket-Key"), accept);
        // The body, as the hub reads it.
        cJSON *j = NULL;
        stoa_error err = {0};
        if (stoa_json_parse(in + head_len, n - head_len, HUB_JSON_POLICY(HUB_MAX_BODY), &j, &err) == STOA_OK) {
            if (stoa_json_depth(j) > HUB_JSON_DEPTH)
                abort();
            char *s = cJSON_PrintUnformatted(j);
            cJSON *again = NULL;
            if (!s || stoa_json_parse_str(s, HUB_JSON_POLICY(4 * HUB_MAX_BODY), &again, &err) != STOA_OK ||
                !cJSON_Compare(j, again, 1))
                abort(); // what was accepted prints to text that reads back the same
            cJSON_Delete(again);
            free(s);
            cJSON_Delete(j);
        }
    }
    free(h);
    free(buf);
    return 0;
}
