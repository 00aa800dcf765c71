// SPDX-License-Identifier: Apache-2.0
// Shared by the Statements resource's files (hub_xapi.c, hub_xapi_get.c).
#pragma once

#include "hub_internal.h"
#include "hub_lrs.h"

#define XAPI_CORS "Access-Control-Allow-Origin: *\r\n" \
                  "Access-Control-Expose-Headers: X-Experience-API-Version, X-Experience-API-Consistent-Through\r\n"
#define XAPI_HEADERS "X-Experience-API-Version: 1.0.3\r\n" XAPI_CORS

// An answer with the xAPI headers (version, CORS, Consistent-Through).
void hub_xapi_send(hub_req *c, int status, const char *type, const char *body, size_t len, const char *extra);
void hub_xapi_error(hub_req *c, int status, const char *message);
// The server's refusal_headers callback (hub_server.h): xAPI headers on its own refusals of /xapi/ requests.
void hub_xapi_refusal_headers(void *user, const hub_http_head *h, char *out, size_t size);
// GET/HEAD on the parameters in query (the URL's or the alternate form's).
// cred_id > 0: a "mine" credential, which reads only what it stored.
void hub_xapi_get(stoa_hub *hub, hub_req *c, const char *query, bool form, int64_t device_id, int64_t cred_id);
// Every parameter known, spelled exactly, given once; `allowed` a space-
// separated list ("" none). false: answered 400 naming the parameter.
// form: the alternate syntax's form, whose header fields are skipped.
bool hub_xapi_params_ok(hub_req *c, const char *query, const char *allowed, bool form);
// The authority written into statements stored with this credential.
cJSON *hub_xapi_authority(stoa_hub *hub, int64_t device_id);
