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
    }
    return "unknown result";
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
