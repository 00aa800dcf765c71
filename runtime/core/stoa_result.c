// SPDX-License-Identifier: Apache-2.0
#include "stoa_result.h"

#include <stdarg.h>
#include <stdio.h>

const char *stoa_result_str(stoa_result r)
{
    switch (r) {
    case STOA_TIMEOUT: return "timeout";
    case STOA_OK: return "ok";
    case STOA_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case STOA_ERROR_OUT_OF_MEMORY: return "out of memory";
    case STOA_ERROR_IO: return "I/O error";
    case STOA_ERROR_NOT_FOUND: return "not found";
    case STOA_ERROR_PARSE: return "parse error";
    case STOA_ERROR_UNSAFE_PATH: return "unsafe path";
    case STOA_ERROR_VULKAN: return "Vulkan error";
    case STOA_ERROR_XR: return "OpenXR error";
    case STOA_ERROR_AUDIO: return "audio error";
    case STOA_ERROR_UNSUPPORTED: return "unsupported";
    case STOA_ERROR_DEVICE_LOST: return "device lost";
    case STOA_ERROR_VALIDATION: return "validation error";
    case STOA_ERROR_LIMIT: return "limit exceeded";
    case STOA_ERROR_SESSION_LOST: return "session lost";
    case STOA_ERROR_INSTANCE_LOST: return "instance lost";
    case STOA_ERROR_STATE: return "not allowed in this state";
    }
    return "unknown result";
}

stoa_result_class stoa_result_classify(stoa_result r)
{
    switch (r) {
    case STOA_OK:
    case STOA_TIMEOUT: return STOA_CLASS_OK;
    case STOA_ERROR_SESSION_LOST: return STOA_CLASS_SESSION;
    case STOA_ERROR_INSTANCE_LOST:
    case STOA_ERROR_DEVICE_LOST: return STOA_CLASS_INSTANCE;
    case STOA_ERROR_OUT_OF_MEMORY:
    case STOA_ERROR_UNSUPPORTED: return STOA_CLASS_FATAL;
    // Errors of one frame's content or of a call made at the wrong moment:
    // the frame is dropped, the session goes on.
    case STOA_ERROR_LIMIT:
    case STOA_ERROR_STATE:
    case STOA_ERROR_INVALID_ARGUMENT:
    case STOA_ERROR_IO:
    case STOA_ERROR_NOT_FOUND:
    case STOA_ERROR_PARSE:
    case STOA_ERROR_UNSAFE_PATH:
    case STOA_ERROR_VALIDATION:
    case STOA_ERROR_AUDIO: return STOA_CLASS_SKIP_FRAME;
    // Any other Vulkan or OpenXR failure: the device or runtime misbehaves.
    // Rebuilding the instance and device is the one recovery that can help.
    case STOA_ERROR_VULKAN:
    case STOA_ERROR_XR: return STOA_CLASS_INSTANCE;
    }
    return STOA_CLASS_FATAL;
}

stoa_result stoa_error_set(stoa_error *err, stoa_result code, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}
