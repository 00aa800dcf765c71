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
    STOA_ERROR_DEVICE_LOST = -11,  // the Vulkan device is gone: recreate it and everything on it
    STOA_ERROR_VALIDATION = -12,   // a graphics/XR validation layer complained
    STOA_ERROR_LIMIT = -13,        // input larger than a documented limit
    // The OpenXR session is gone (XR_ERROR_SESSION_LOST, LOSS_PENDING): the
    // instance lives on; a new session can be made when the runtime offers one.
    STOA_ERROR_SESSION_LOST = -14,
    // The OpenXR instance is gone (XR_ERROR_INSTANCE_LOST): destroy it and
    // everything made from it (the Vulkan device too) and start again.
    STOA_ERROR_INSTANCE_LOST = -15,
    // The call is not allowed in the session's present state (e.g.
    // XR_ERROR_SESSION_NOT_RUNNING): a caller's ordering mistake, not a failure
    // of the device; nothing needs recreating.
    STOA_ERROR_STATE = -16,
} stoa_result;

// What a caller does about an error (docs/learner-runtime.md, "Errors"):
typedef enum stoa_result_class {
    STOA_CLASS_OK = 0,        // success or a non-error outcome
    STOA_CLASS_SKIP_FRAME,    // this frame is lost, the next one may work (a full
                              // per-frame buffer, a stale state, a failed panel)
    STOA_CLASS_SESSION,       // the headset session is lost: wait for a new one
    STOA_CLASS_INSTANCE,      // OpenXR instance or Vulkan device lost: rebuild both
    STOA_CLASS_FATAL,         // cannot go on (out of memory, no runtime at all)
} stoa_result_class;
stoa_result_class stoa_result_classify(stoa_result r);

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
