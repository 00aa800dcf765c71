// SPDX-License-Identifier: Apache-2.0
#include "stoa_url.h"

#include <string.h>

stoa_result stoa_url_parse(const char *url, stoa_url *out, stoa_error *err)
{
    memset(out, 0, sizeof *out);
    const char *p;
    if (!url)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "no URL");
    if (strncmp(url, "http://", 7) == 0)
        p = url + 7, out->port = 80;
    else if (strncmp(url, "https://", 8) == 0)
        p = url + 8, out->port = 443, out->tls = true;
    else
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "'%.200s': want http://HOST[:PORT] or https://", url);
    for (const unsigned char *c = (const unsigned char *)url; *c; c++)
        if (*c <= 0x20 || *c == 0x7f)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "a URL has no spaces or control characters");
    size_t hl;
    if (*p == '[') {
        const char *rb = strchr(p, ']');
        if (!rb || rb == p + 1)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "'%.200s': unclosed [IPv6 address]", url);
        hl = (size_t)(rb - p - 1);
        if (hl >= sizeof out->host || strspn(p + 1, "0123456789abcdefABCDEF:.") != hl)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "'%.200s': bad IPv6 address", url);
        memcpy(out->host, p + 1, hl);
        out->ipv6 = true;
        p = rb + 1;
    } else {
        hl = strcspn(p, ":/?#");
        if (hl == 0 || hl >= sizeof out->host)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "'%.200s': no host", url);
        memcpy(out->host, p, hl);
        if (strchr(out->host, '@'))
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "'%.200s': no user names in the URL", url);
        p += hl;
    }
    if (*p == ':') {
        p++;
        size_t n = strspn(p, "0123456789");
        long port = 0;
        for (size_t i = 0; i < n && i < 6; i++)
            port = port * 10 + (p[i] - '0');
        if (n == 0 || n > 5 || port < 1 || port > 65535)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "'%.200s': bad port", url);
        out->port = (int)port;
        p += n;
    }
    if (*p && *p != '/')
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "'%.200s': unexpected '%c' after the host", url, *p);
    if (strlen(p) >= sizeof out->path)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "URL path too long");
    strcpy(out->path, p);
    return STOA_OK;
}
