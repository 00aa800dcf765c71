// SPDX-License-Identifier: Apache-2.0
// Shared inside the statement checker (trace_check.c, trace_check_lrs.c):
// the problem counter, JSON paths for messages, typed property getters.
// Not a public header.
#pragma once

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "stoa_trace_check.h"

typedef struct checker {
    stoa_trace_check_fn fn;
    void *user;
    int problems;
} checker;

void stoa_trace_ck_fail(checker *c, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
// JSON paths for messages; long ones are cut (they only label a message).
void stoa_trace_ck_join(char out[256], const char *parent, const char *sep, const char *name);
void stoa_trace_ck_join_index(char out[256], const char *parent, int i);
#define WHERE(buf, parent, name)                                                                   \
    char buf[256];                                                                                 \
    stoa_trace_ck_join(buf, parent, ".", name)
const char *stoa_trace_ck_type_name(const cJSON *j);
void stoa_trace_ck_only_keys(checker *c, const cJSON *obj, const char *where, const char *const *allowed);
// A property of the wanted type (NULL when absent, null or of another type, reported).
const cJSON *stoa_trace_ck_get(checker *c, const cJSON *obj, const char *key, const char *where,
                               cJSON_bool (*is)(const cJSON *), const char *want, bool required);
const cJSON *stoa_trace_ck_get_str(checker *c, const cJSON *o, const char *k, const char *where, bool req);
const cJSON *stoa_trace_ck_get_obj(checker *c, const cJSON *o, const char *k, const char *where, bool req);
void stoa_trace_ck_check_iri_at(checker *c, const cJSON *o, const char *k, const char *where, bool req);
void stoa_trace_ck_check_uuid_at(checker *c, const cJSON *o, const char *k, const char *where, bool req);
void stoa_trace_ck_check_lang_map(checker *c, const cJSON *o, const char *k, const char *where);
void stoa_trace_ck_check_extensions(checker *c, const cJSON *o, const char *where);
void stoa_trace_ck_check_agent(checker *c, const cJSON *a, const char *where, bool group_ok);
// trace_check_lrs.c
void stoa_trace_ck_check_components(checker *c, const cJSON *d, const char *key, const char *where);
bool stoa_trace_ck_version_ok(const char *v);
void stoa_trace_ck_check_authority(checker *c, const cJSON *auth);
void stoa_trace_ck_check_attachments(checker *c, const cJSON *st, const char *where);
