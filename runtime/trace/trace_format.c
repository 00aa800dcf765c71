// SPDX-License-Identifier: Apache-2.0
// Writing the formats a statement is made of: UUIDs, UTC timestamps,
// ISO 8601 durations and IRIs built from lesson ids.
#include "trace_internal.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_clock.h"

static bool random_bytes(uint8_t *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(buf + got, n - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got == n)
        return true;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t r = read(fd, buf, n);
    close(fd);
    return r == (ssize_t)n;
}

void stoa_trace_uuid_v4(char out[STOA_UUID_STR_LEN + 1])
{
    uint8_t b[16];
    if (!random_bytes(b, sizeof b)) {
        // Still unique enough within one machine's traces: time and address.
        uint64_t x = (uint64_t)stoa_time_unix_ns() ^ (uint64_t)(uintptr_t)out;
        for (int i = 0; i < 16; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b[i] = (uint8_t)x;
        }
    }
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); // version 4
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); // RFC 4122 variant
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
}

void stoa_trace_format_timestamp(int64_t unix_ns, char *out, size_t out_size)
{
    int64_t ms_total = unix_ns >= 0 ? unix_ns / 1000000 : -((-unix_ns + 999999) / 1000000);
    time_t secs = (time_t)(ms_total >= 0 ? ms_total / 1000 : -((-ms_total + 999) / 1000));
    int ms = (int)(ms_total - (int64_t)secs * 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(out, out_size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

void stoa_trace_format_duration(int64_t ns, char *out, size_t out_size)
{
    if (ns < 0)
        ns = 0;
    int64_t ms = (ns + 500000) / 1000000;
    int64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, frac = ms % 1000;
    size_t n = (size_t)snprintf(out, out_size, "PT");
    if (h > 0 && n < out_size)
        n += (size_t)snprintf(out + n, out_size - n, "%" PRId64 "H", h);
    if (m > 0 && n < out_size)
        n += (size_t)snprintf(out + n, out_size - n, "%" PRId64 "M", m);
    if (n >= out_size)
        return;
    if (frac > 0) {
        char f[8];
        snprintf(f, sizeof f, "%03d", (int)frac);
        for (int i = 2; i > 0 && f[i] == '0'; i--)
            f[i] = '\0';
        snprintf(out + n, out_size - n, "%" PRId64 ".%sS", s, f);
    } else if (s > 0 || (h == 0 && m == 0)) {
        snprintf(out + n, out_size - n, "%" PRId64 "S", s);
    }
}

static bool unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

char *stoa_trace_iri_join(const char *prefix, const char *id)
{
    size_t pl = strlen(prefix), il = strlen(id);
    char *s = malloc(pl + il * 3 + 1);
    if (!s)
        return NULL;
    memcpy(s, prefix, pl);
    char *p = s + pl;
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *c = (const unsigned char *)id; *c; c++) {
        if (unreserved(*c)) {
            *p++ = (char)*c;
        } else {
            *p++ = '%';
            *p++ = hex[*c >> 4];
            *p++ = hex[*c & 15];
        }
    }
    *p = '\0';
    return s;
}
