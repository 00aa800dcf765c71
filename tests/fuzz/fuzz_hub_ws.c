// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness for the hub's WebSocket path: client frames fed to the
// frame reader in pieces (as they arrive), each message through the bounded
// JSON reader, and the statements of an "st" message through the hub's
// statement preparation (xAPI checker, canonical print). Checks that no
// frame over the size limit is ever reserved or handed over, and that every
// reserved byte is accounted for.
//
//   build-fuzz/tests/fuzz/fuzz_hub_ws -max_total_time=600 corpus/ tests/fuzz/corpus/ws
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_json.h"
#include "hub_internal.h"
#include "hub_proto.h"

#define MAX_PAYLOAD 4096 // small here, so that the fuzzer reaches the limit

static size_t g_reserved;

static bool reserve(void *user, size_t n)
{
    (void)user;
    if (n > MAX_PAYLOAD + 1)
        abort(); // a frame over the limit must be refused from its header
    g_reserved += n;
    return g_reserved < 64 * 1024;
}

static void take_message(const char *text, size_t len)
{
    cJSON *msg = NULL;
    stoa_error err = {0};
    if (stoa_json_parse(text, len, HUB_JSON_POLICY(HUB_MAX_WS_MESSAGE), &msg, &err) != STOA_OK)
        return;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(msg, "items");
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        cJSON *st = cJSON_Duplicate(it, 1);
        hub_prepared p;
        char why[300];
        if (st && hub_statement_prepare(st, false, NULL, &p, why, sizeof why)) {
            if (strlen(p.id) != 36 || !p.canon || !p.actor)
                abort();
            hub_prepared_free(&p);
        }
        cJSON_Delete(st);
    }
    cJSON_Delete(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t step = 1 + data[0] % 32;
    hub_ws_reader r = {.max_payload = MAX_PAYLOAD};
    g_reserved = 0;
    size_t at = 1;
    while (at < size) {
        size_t take = size - at < step ? size - at : step, used = 0;
        hub_ws_frame f;
        int code = 0;
        hub_ws_event ev = hub_ws_reader_feed(&r, data + at, take, &used, &f, &code, reserve, NULL);
        if (used > take)
            abort();
        at += used;
        if (ev == HUB_WS_ERROR) {
            if (code != 1002 && code != 1009 && code != 1013)
                abort();
            g_reserved -= hub_ws_reader_reset(&r);
            break;
        }
        if (ev == HUB_WS_FRAME) {
            if (f.len > MAX_PAYLOAD || f.payload[f.len] != 0)
                abort();
            if (f.opcode == 1 && f.fin)
                take_message((const char *)f.payload, f.len);
            g_reserved -= f.len + 1;
            free(f.payload);
        } else if (used != take) {
            abort(); // "need more" takes every byte it was given
        }
    }
    g_reserved -= hub_ws_reader_reset(&r);
    if (g_reserved != 0)
        abort(); // every reserved byte came back
    return 0;
}
