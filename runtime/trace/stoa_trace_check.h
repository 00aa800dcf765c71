// SPDX-License-Identifier: Apache-2.0
// The xAPI 1.0.3 statement checker behind `stoa trace check`.
//
// Rules checked (an LRS would reject a statement breaking any of them):
// the statement is an object with only xAPI properties; id a UUID; actor an
// Agent or Group with exactly one identifier (mbox, mbox_sha1sum, openid,
// account{homePage, name}); verb{id IRI, display language map}; object an
// Activity (id IRI, definition with language maps, type IRI,
// interactionType), Agent, Group, StatementRef or SubStatement; result
// (score.scaled in -1..1, min <= raw <= max, min < max, success/completion
// booleans, response string, duration ISO 8601); context (registration
// UUID, contextActivities, instructor, team, revision/platform only for
// Activities, language tag, extensions keyed by IRIs); timestamp ISO 8601
// with a zone. Everywhere: correct JSON types, no null values and no empty
// objects (extension values are free-form and exempt, as xAPI says).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

// where: a JSON path such as "result.score.scaled" ("" = the statement).
typedef void (*stoa_trace_check_fn)(void *user, const char *where, const char *message);

// Returns the number of problems (each reported once through fn, if set).
int stoa_trace_check_statement(const cJSON *st, stoa_trace_check_fn fn, void *user);

// The checker's formats, for values that come outside a statement (an LRS
// validates query parameters "to the same standards", xAPI Data 2.2).
bool stoa_trace_check_iri(const char *s);
// ISO 8601 date-time with a zone ("-00:00" refused); *out_ns when valid.
bool stoa_trace_check_timestamp(const char *s, int64_t *out_ns);
