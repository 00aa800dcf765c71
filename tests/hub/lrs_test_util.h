// SPDX-License-Identifier: Apache-2.0
// Helpers of the LRS document/resource tests (test_hub_lrs_*.c): one hub in
// this process, requests with the xAPI key, query values URL-encoded.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "hub_test_util.h"

typedef struct lrs_answer {
    int status;
    char *body; // malloc'd, NUL-terminated (NULL when none)
    char headers[4096];
} lrs_answer;

// Starts the shared hub once; returns its port (0 when it could not start).
int lrs_setup(void);
stoa_hub *lrs_hub(void);
// "Authorization: Basic ...\r\n" with the hub's xAPI key.
const char *lrs_key_auth(void);
// A request; extra: more header lines ("Name: v\r\n"), NULL = none. auth:
// the Authorization line to send (NULL = the xAPI key, "" = none). The
// version header is added unless no_version.
lrs_answer lrs_req(const char *method, const char *path, const char *auth, const char *extra,
                   const char *body, size_t body_len, bool no_version);
void lrs_free(lrs_answer *a);
// A header's value in an answer ("" when absent), copied into out.
const char *lrs_header(const lrs_answer *a, const char *name, char *out, size_t size);
// Percent-encodes every byte but RFC 3986's unreserved ones (malloc'd).
char *lrs_enc(const char *s);
// "/xapi/<resource>?k=v&k=v" from NULL-terminated name/value pairs (values encoded).
char *lrs_path(const char *resource, ...);
