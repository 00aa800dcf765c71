// SPDX-License-Identifier: Apache-2.0
#include "stoa_path.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Decodes %XX escapes; returns -1 on a malformed escape or an embedded NUL.
static int percent_decode(const char *in, char *out, size_t out_size)
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        char c = *p;
        if (c == '%') {
            int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = (char)(hi * 16 + lo);
            if (c == '\0')
                return -1;
            p += 2;
        }
        if (n + 1 >= out_size)
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

stoa_result stoa_path_confine(const char *base_dir, const char *rel, char *out, size_t out_size,
                              stoa_error *err)
{
    char dec[4096];
    if (!rel || !*rel)
        return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH, "empty path");
    if (percent_decode(rel, dec, sizeof dec) != 0)
        return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH, "malformed or over-long path '%.200s'",
                              rel);
    if (dec[0] == '/' || strchr(dec, '\\'))
        return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH,
                              "path '%.200s' is absolute; only paths inside the asset's folder "
                              "are allowed",
                              rel);
    // A scheme ("file:", "http:") before any '/' is not a relative path.
    const char *colon = strchr(dec, ':'), *slash = strchr(dec, '/');
    if (colon && (!slash || colon < slash))
        return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH,
                              "path '%.200s' has a scheme; only relative paths are allowed", rel);

    // Walk the components, tracking depth below base_dir.
    char norm[4096];
    size_t n = 0;
    int depth = 0;
    const char *p = dec;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0 || (len == 1 && p[0] == '.')) {
            /* skip "" and "." */
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (depth == 0)
                return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH,
                                      "path '%.200s' leaves the asset's folder", rel);
            depth--;
            while (n > 0 && norm[n - 1] != '/')
                n--;
            if (n > 0)
                n--;
        } else {
            if (n + len + 2 >= sizeof norm)
                return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH, "path '%.200s' is too long",
                                      rel);
            if (n > 0)
                norm[n++] = '/';
            memcpy(norm + n, p, len);
            n += len;
            depth++;
        }
        p += len;
        if (*p == '/')
            p++;
    }
    norm[n] = '\0';
    if (n == 0)
        return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH, "path '%.200s' names no file", rel);
    int w = snprintf(out, out_size, "%s/%s", base_dir && *base_dir ? base_dir : ".", norm);
    if (w < 0 || (size_t)w >= out_size)
        return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH, "path '%.200s' is too long", rel);
    return STOA_OK;
}

void stoa_path_dirname(const char *path, char *out, size_t out_size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(out, out_size, ".");
        return;
    }
    size_t len = slash == path ? 1 : (size_t)(slash - path);
    snprintf(out, out_size, "%.*s", (int)len, path);
}

const char *stoa_path_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

const char *stoa_path_ext(const char *path)
{
    const char *base = stoa_path_basename(path);
    const char *dot = strrchr(base, '.');
    return dot ? dot + 1 : "";
}
