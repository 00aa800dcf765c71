// SPDX-License-Identifier: Apache-2.0
// Helpers shared inside runtime/trace: formats (UUID, ISO 8601 times and
// durations, IRI escaping) and the xAPI/Stoa IRIs. Not a public header.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define STOA_XAPI_NS "https://stoa.dev/xapi/"
#define STOA_XAPI_EXT STOA_XAPI_NS "extensions/"
#define STOA_XAPI_VERB_NS STOA_XAPI_NS "verbs/"
#define STOA_XAPI_ACT_NS STOA_XAPI_NS "activities/"
#define STOA_XAPI_VERB_VOIDED "http://adlnet.gov/expapi/verbs/voided"

#define STOA_EXT_CONCEPTS STOA_XAPI_EXT "concepts"
#define STOA_EXT_KEY_NODE STOA_XAPI_EXT "key-node"
#define STOA_EXT_STATE STOA_XAPI_EXT "state"
#define STOA_EXT_REASON STOA_XAPI_EXT "reason"
#define STOA_EXT_POSE_SAMPLES STOA_XAPI_EXT "pose-samples"
#define STOA_EXT_POSITION STOA_XAPI_EXT "position"
#define STOA_EXT_SESSION_MS STOA_XAPI_EXT "session-ms"
#define STOA_EXT_SURVEY STOA_XAPI_EXT "survey"
#define STOA_EXT_TASK_ERROR STOA_XAPI_EXT "task-error"
#define STOA_EXT_TASK_ERRORS STOA_XAPI_EXT "task-errors"
#define STOA_EXT_TIME_LIMIT STOA_XAPI_EXT "time-limit"
#define STOA_EXT_ATTENTION STOA_XAPI_EXT "attention"
#define STOA_EXT_DEVICE_TYPE STOA_XAPI_EXT "device-type"
#define STOA_EXT_FEEDBACK STOA_XAPI_EXT "feedback"

#define STOA_UUID_STR_LEN 36

// Fills out[37] with a random version 4 UUID (getrandom; falls back to
// /dev/urandom and then to a time-seeded generator, never fails).
void stoa_trace_uuid_v4(char out[STOA_UUID_STR_LEN + 1]);

// "2026-11-28T10:12:38.123Z" from Unix nanoseconds (UTC, milliseconds).
void stoa_trace_format_timestamp(int64_t unix_ns, char *out, size_t out_size);

// ISO 8601 duration, milliseconds kept: "PT0S", "PT2.5S", "PT1M2.345S",
// "PT1H0M3S" style without zero parts ("PT1H3S"). Negative counts as 0.
void stoa_trace_format_duration(int64_t ns, char *out, size_t out_size);

// Appends `id` to `prefix` with every byte outside RFC 3986 "unreserved"
// percent-encoded, so any lesson id (Chinese included) gives a valid IRI.
// Returns a malloc'd string (caller frees) or NULL when out of memory.
char *stoa_trace_iri_join(const char *prefix, const char *id);

// Parsers used by the checker and the report. Each returns false on any
// deviation from the format.
bool stoa_trace_parse_uuid(const char *s);
bool stoa_trace_parse_timestamp(const char *s, int64_t *out_unix_ns);
bool stoa_trace_parse_duration(const char *s, int64_t *out_ns);
bool stoa_trace_parse_iri(const char *s);
bool stoa_trace_parse_lang_tag(const char *s);
