// SPDX-License-Identifier: Apache-2.0
// Small helpers: clocks, random ids, hashes, ISO 8601 times, names.
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "hub_internal.h"

int64_t hub_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t hub_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void hub_random_hex(char *out, size_t bytes)
{
    unsigned char buf[64];
    if (bytes > sizeof buf)
        bytes = sizeof buf;
    randombytes_buf(buf, bytes);
    sodium_bin2hex(out, 2 * bytes + 1, buf, bytes);
}

void hub_uuid(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); // version 4
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); // RFC 4122 variant
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}

void hub_sha256_hex(const void *data, size_t size, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, size);
    sodium_bin2hex(out, 65, h, sizeof h);
}

bool hub_sha256_file(const char *path, uint64_t limit, char out[65], int64_t *out_size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[65536], h[crypto_hash_sha256_BYTES];
    uint64_t total = 0;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && (total += n) <= limit)
        crypto_hash_sha256_update(&st, buf, n);
    bool ok = !ferror(f) && total <= limit;
    fclose(f);
    if (!ok)
        return false;
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof h);
    *out_size = (int64_t)total;
    return true;
}

bool hub_is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

void hub_format_iso(int64_t unix_ns, char out[32])
{
    time_t sec = (time_t)(unix_ns / 1000000000LL);
    struct tm tm;
    gmtime_r(&sec, &tm);
    char tmp[96]; // gcc cannot bound tm's fields; years > 9999 never reach here
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(unix_ns / 1000000 % 1000));
    snprintf(out, 32, "%.31s", tmp);
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

// YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm), as xAPI's `since` uses.
bool hub_parse_iso(const char *s, int64_t *out_ns)
{
    int y, mo, d, h, mi, sec;
    if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
        s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &sec))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return false;
    const char *p = s + 19;
    int64_t frac_ns = 0;
    if (*p == '.') {
        int64_t scale = 100000000;
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        for (; isdigit((unsigned char)*p); p++, scale /= 10)
            frac_ns += (*p - '0') * scale;
    }
    int off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om))
            return false;
        off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                    .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    time_t t = timegm(&tm);
    if ((int64_t)t - off > INT64_MAX / 1000000000LL - 1) { // past 2262: later than anything stored
        *out_ns = INT64_MAX;
        return true;
    }
    *out_ns = ((int64_t)t - off) * 1000000000LL + frac_ns;
    return true;
}

void hub_clean_name(const char *in, char out[HUB_NAME_MAX + 1])
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)(in ? in : ""); *p;) {
        size_t len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        if (len == 0) { // a stray continuation or invalid lead byte
            p++;
            continue;
        }
        bool whole = true;
        for (size_t i = 1; i < len; i++)
            whole = whole && (p[i] & 0xc0) == 0x80;
        if (!whole) {
            p++;
            continue;
        }
        if (o + len > HUB_NAME_MAX)
            break;
        if (len > 1 || (*p >= 0x20 && *p != 0x7f))
            memcpy(out + o, p, len), o += len;
        p += len;
    }
    out[o] = 0;
}

bool hub_iri_segment(const char *id, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *c = (const unsigned char *)id; *c; c++) {
        bool keep = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                    *c == '-' || *c == '.' || *c == '_' || *c == '~';
        if (n + (keep ? 1 : 3) >= size)
            return false;
        if (keep) {
            out[n++] = (char)*c;
        } else {
            out[n++] = '%';
            out[n++] = hex[*c >> 4];
            out[n++] = hex[*c & 15];
        }
    }
    out[n] = 0;
    return true;
}
