// SPDX-License-Identifier: Apache-2.0
// The one JSON reader for bytes that come from a network or a file (the hub,
// the headset, the trace tools). It is iterative (no recursion, whatever the
// nesting), bounded (size, depth and number of values are checked as it
// goes, before anything grows), and strict, so that one text has one
// meaning:
//
//   - RFC 8259 grammar only: no comments, trailing commas, NaN, hex, BOM,
//     single quotes, or bytes after the value;
//   - strings are valid UTF-8 (no overlong forms, surrogates or code points
//     past U+10FFFF; escapes pair their surrogates), hold no raw control
//     bytes and no \u0000 (a C string would end there);
//   - a key appears once per object (unless the policy allows repeats);
//   - a number must fit a double (1e999 and 1e-999 are refused, not turned
//     into infinity or 0); with STOA_JSON_EXACT_INTEGERS an integer written
//     without fraction or exponent must lie within +-2^53.
//
// The result is an ordinary cJSON tree (members in document order). Because
// its depth is bounded, cJSON's own recursive functions (Print, Delete,
// Duplicate, Compare) are safe on it on any thread with at least 64 KiB of
// stack per 100 levels.
//
//   cJSON *j = NULL;
//   stoa_error err;
//   if (stoa_json_parse(text, len, &(stoa_json_policy){.max_bytes = 4096}, &j, &err) != STOA_OK)
//       ... err.message says what and at which byte, never quoting the input ...
//   cJSON_Delete(j);
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "stoa_result.h"

#define STOA_JSON_DEFAULT_MAX_BYTES ((size_t)1 << 20)
#define STOA_JSON_DEFAULT_MAX_DEPTH 64u
#define STOA_JSON_DEPTH_CAP 256u // the most any policy may allow

enum {
    STOA_JSON_ALLOW_DUPLICATE_KEYS = 1u << 0, // keep repeats (document order) instead of refusing
    STOA_JSON_EXACT_INTEGERS = 1u << 1,       // refuse integers a double cannot hold exactly
    // Numbers past a double's range read as +-infinity or 0, for formats whose
    // own checks then name the field (glTF's "not a finite number").
    STOA_JSON_ALLOW_OVERFLOW = 1u << 2,
};

typedef struct stoa_json_policy {
    size_t max_bytes;   // longer input is refused before parsing (STOA_ERROR_LIMIT); 0 = 1 MiB
    uint32_t max_depth; // nesting of arrays and objects; 0 = 64; capped at STOA_JSON_DEPTH_CAP
    size_t max_nodes;   // values (containers, members, scalars); 0 = max_bytes / 2 + 1
    uint32_t flags;     // STOA_JSON_*
} stoa_json_policy;

// Parses exactly one JSON value (whitespace around it allowed) from
// text[0..len). policy NULL = the defaults. On success *out is the tree
// (caller cJSON_Delete()s it); on failure *out is NULL and err says why:
// STOA_ERROR_LIMIT for size, depth and count, STOA_ERROR_PARSE otherwise,
// STOA_ERROR_OUT_OF_MEMORY.
stoa_result stoa_json_parse(const char *text, size_t len, const stoa_json_policy *policy,
                            cJSON **out, stoa_error *err);

// The same, and *out_offset gets the byte where a failure was found (0 on success).
stoa_result stoa_json_parse_at(const char *text, size_t len, const stoa_json_policy *policy, cJSON **out,
                               stoa_error *err, size_t *out_offset);

// The same for a NUL-terminated text.
stoa_result stoa_json_parse_str(const char *text, const stoa_json_policy *policy, cJSON **out,
                                stoa_error *err);

// Nesting depth of a tree (a scalar is 0, [] is 1), measured without
// recursion.
uint32_t stoa_json_depth(const cJSON *item);
