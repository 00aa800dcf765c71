// SPDX-License-Identifier: Apache-2.0
// One result type for all of libstoa (after Monado's xrt_result_t):
// 0 is success, > 0 a non-error outcome, < 0 an error.
// VkResult, XrResult and AL errors are converted at each module's edge.
#pragma once

typedef enum stoa_result {
    STOA_TIMEOUT = 1,          // nothing happened before the deadline
    STOA_OK = 0,
    STOA_ERROR_INVALID_ARGUMENT = -1,
    STOA_ERROR_OUT_OF_MEMORY = -2,
    STOA_ERROR_IO = -3,            // a file could not be opened, read or written
    STOA_ERROR_NOT_FOUND = -4,     // a named file, node or asset does not exist
    STOA_ERROR_PARSE = -5,         // malformed input (glTF, YAML, JSON, ...)
    STOA_ERROR_UNSAFE_PATH = -6,   // a path tried to leave its allowed folder
    STOA_ERROR_VULKAN = -7,
    STOA_ERROR_XR = -8,
    STOA_ERROR_AUDIO = -9,
    STOA_ERROR_UNSUPPORTED = -10,
    STOA_ERROR_DEVICE_LOST = -11,
    STOA_ERROR_VALIDATION = -12,   // a graphics/XR validation layer complained
    STOA_ERROR_LIMIT = -13,        // input larger than a documented limit
} stoa_result;

// Never returns NULL; unknown values give "unknown result".
const char *stoa_result_str(stoa_result r);

// A human-readable error filled in by functions that take `stoa_error *`.
// The message names the file and, where known, the field, line or index.
// Callers own the struct (usually on the stack); it holds no pointers.
typedef struct stoa_error {
    stoa_result code;
    char message[1024];
} stoa_error;

// printf-style; writes into err (if non-NULL) and returns code.
stoa_result stoa_error_set(stoa_error *err, stoa_result code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
