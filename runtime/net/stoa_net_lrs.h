// SPDX-License-Identifier: Apache-2.0
// Reading statements from any xAPI 1.0.3 LRS (the hub's /xapi/statements or
// a school's own): GET <endpoint>/statements?ascending=true&limit=500, then
// each page's `more` link until it is empty. Blocking; for tools such as
// `stoa report --lrs`, never for the frame loop.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/stoa_result.h"

typedef struct stoa_net_lrs_desc {
    // "http(s)://HOST[:PORT]/PATH" of the LRS endpoint ("/statements" is
    // added unless the URL already ends with it).
    const char *url;
    // "USER:PASSWORD" for HTTP Basic (the hub: "xapi:<key>"); NULL = none.
    const char *basic_auth;
    const char *since, *until; // ISO 8601 filters; NULL = none
    const char *server_cert;   // https: PEM the server must present; NULL = any
    int timeout_ms;            // per page; 0 = 30000
    size_t max_page_bytes;     // 0 = 256 MiB
    // Each statement of each page, in the order the LRS gives (st is only
    // valid during the call). Return false to stop.
    bool (*on_statement)(void *user, const cJSON *st);
    void *user;
} stoa_net_lrs_desc;

// Errors name the URL and the HTTP status or the LRS's message.
// *out_pages (may be NULL) gets the number of pages read.
stoa_result stoa_net_lrs_read(const stoa_net_lrs_desc *d, int *out_pages, stoa_error *err);
