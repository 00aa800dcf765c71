// SPDX-License-Identifier: Apache-2.0
// The script parser's shared helpers (xrsim_script.c), used by the parts of
// the parser that live in other files (xrsim_script_ar.c). Private to the
// parser. Every error names the file and line of the node.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "xrsim_script.h"

typedef struct xrsim_sy_ctx {
    yaml_document_t doc;
    const char *file;
    char *err;
    size_t err_size;
    xrsim_script *s;
} xrsim_sy_ctx;

// Writes "file:line: message" to the error and returns false.
bool xrsim_sy_fail(xrsim_sy_ctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
yaml_node_t *xrsim_sy_node(xrsim_sy_ctx *c, int index);
// The text of a scalar node, NULL for anything else.
const char *xrsim_sy_scalar(const yaml_node_t *n);
bool xrsim_sy_number(xrsim_sy_ctx *c, const yaml_node_t *n, double *out);
// A sequence of exactly `count` numbers.
bool xrsim_sy_numbers(xrsim_sy_ctx *c, const yaml_node_t *n, float *out, int count);

// The AR keys of the top level (xrsim_script_ar.c): blend_modes, camera,
// passthrough, planes, anchors. *handled is false for any other key.
bool xrsim_sy_parse_ar_key(xrsim_sy_ctx *c, const char *key, yaml_node_t *v, bool *handled);
