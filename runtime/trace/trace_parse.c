// SPDX-License-Identifier: Apache-2.0
// Reading the formats back (checker and report): strict on purpose, since
// an LRS rejects what these reject.
#include "trace_internal.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool stoa_trace_parse_uuid(const char *s)
{
    if (!s || strlen(s) != STOA_UUID_STR_LEN)
        return false;
    for (int i = 0; i < STOA_UUID_STR_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i]))
            return false;
    }
    return true;
}

// Reads exactly n digits; false when fewer.
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool expect(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

bool stoa_trace_parse_timestamp(const char *s, int64_t *out_unix_ns)
{
    if (!s)
        return false;
    const char *p = s;
    int y, mo, d, h, mi, se;
    if (!digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) || !expect(&p, '-') ||
        !digits(&p, 2, &d) || !expect(&p, 'T') || !digits(&p, 2, &h) || !expect(&p, ':') ||
        !digits(&p, 2, &mi) || !expect(&p, ':') || !digits(&p, 2, &se))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60)
        return false;
    int64_t frac_ns = 0;
    if (*p == '.') {
        p++;
        int n = 0;
        int64_t scale = 100000000;
        while (isdigit((unsigned char)*p)) {
            frac_ns += (*p - '0') * scale;
            scale /= 10;
            p++;
            n++;
        }
        if (n == 0)
            return false;
    }
    int64_t offset_s = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        p++;
        if (!digits(&p, 2, &oh) || !expect(&p, ':') || !digits(&p, 2, &om) || oh > 23 || om > 59)
            return false;
        if (sign < 0 && oh == 0 && om == 0)
            return false; // RFC 3339 "-00:00" = offset unknown; xAPI Data 4.5 refuses it

        offset_s = sign * (oh * 3600 + om * 60);
    } else {
        return false; // xAPI needs an explicit zone to order statements
    }
    if (*p)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = se};
    int64_t secs = (int64_t)timegm(&tm) - offset_s;
    // Nanoseconds since 1970 fit int64 only until 2262: later (and much
    // earlier) times saturate, which keeps them ordered.
    if (out_unix_ns)
        *out_unix_ns = secs > INT64_MAX / 1000000000LL - 1   ? INT64_MAX
                     : secs < INT64_MIN / 1000000000LL + 1 ? INT64_MIN
                                                           : secs * 1000000000LL + frac_ns;
    return true;
}

// One "<number><designator>" part of a duration; fraction marks it last.
static bool duration_part(const char **p, double *value, bool *fraction)
{
    const char *q = *p;
    double v = 0;
    int n = 0;
    while (isdigit((unsigned char)*q)) {
        v = v * 10 + (*q++ - '0');
        n++;
    }
    if (n == 0)
        return false;
    *fraction = false;
    if (*q == '.' || *q == ',') {
        q++;
        double scale = 0.1;
        int f = 0;
        while (isdigit((unsigned char)*q)) {
            v += (*q++ - '0') * scale;
            scale /= 10;
            f++;
        }
        if (f == 0)
            return false;
        *fraction = true;
    }
    *value = v;
    *p = q;
    return true;
}

bool stoa_trace_parse_duration(const char *s, int64_t *out_ns)
{
    if (!s || *s != 'P')
        return false;
    static const char date_units[] = "YMWD", time_units[] = "HMS";
    static const double date_s[] = {365.0 * 86400, 30.0 * 86400, 7.0 * 86400, 86400};
    static const double time_s[] = {3600, 60, 1};
    const char *p = s + 1;
    double total = 0;
    int parts = 0, unit = 0;
    bool in_time = false, last = false;
    while (*p) {
        if (last)
            return false; // a fraction is only allowed on the last part
        if (*p == 'T') {
            if (in_time)
                return false;
            in_time = true;
            unit = 0;
            p++;
            if (!*p)
                return false;
            continue;
        }
        double v;
        if (!duration_part(&p, &v, &last))
            return false;
        const char *units = in_time ? time_units : date_units;
        const char *u = strchr(units + unit, *p);
        if (!*p || !u)
            return false;
        int idx = (int)(u - units);
        total += v * (in_time ? time_s[idx] : date_s[idx]);
        unit = idx + 1;
        parts++;
        p++;
    }
    if (parts == 0 || (in_time && s[strlen(s) - 1] == 'T'))
        return false;
    // ISO 8601:2004 4.4.3.2 (xAPI Data 4.6): weeks stand alone ("P4W", never "P4W1D").
    const char *w = strchr(s, 'W');
    if (w && (w[1] || strpbrk(s + 1, "YMDTHS")))
        return false;
    if (out_ns)
        *out_ns = (int64_t)(total * 1e9 + 0.5);
    return true;
}

bool stoa_trace_parse_iri(const char *s)
{
    if (!s || !isalpha((unsigned char)*s))
        return false;
    const char *p = s;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':' || !p[1])
        return false;
    for (const unsigned char *c = (const unsigned char *)p; *c; c++)
        if (*c <= 0x20 || *c == 0x7f || strchr("<>\"{}|\\^`", *c))
            return false;
    return true;
}

static bool all_of(const char *s, size_t n, int (*pred)(int))
{
    for (size_t i = 0; i < n; i++)
        if (!pred((unsigned char)s[i]))
            return false;
    return true;
}

// RFC 5646 well-formedness (no registry look-up): language, extlang,
// script, region, variants, extensions, private use, in that order.
bool stoa_trace_parse_lang_tag(const char *s)
{
    if (!s || !*s)
        return false;
    enum { LANG, EXTLANG, SCRIPT, REGION, VARIANT, EXTENSION, PRIVATE } at = LANG;
    int extlangs = 0, ext_subtags = 0;
    const char *p = s;
    while (true) {
        const char *e = strchr(p, '-');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0 || n > 8 || !all_of(p, n, isalnum))
            return false;
        bool alpha = all_of(p, n, isalpha), digit = all_of(p, n, isdigit);
        if (at == LANG) {
            if (n == 1 && (*p == 'x' || *p == 'X'))
                at = PRIVATE, ext_subtags = 0;
            else if (!alpha || n == 1 || n == 4)
                return false;
            else
                at = n <= 3 ? EXTLANG : SCRIPT;
        } else if (at == PRIVATE) {
            ext_subtags++;
        } else if (at == EXTENSION && n >= 2) {
            ext_subtags++;
        } else if (n == 1) {
            if (at == EXTENSION && ext_subtags == 0)
                return false;
            at = (*p == 'x' || *p == 'X') ? PRIVATE : EXTENSION;
            ext_subtags = 0;
        } else if (at == EXTLANG && n == 3 && alpha && extlangs < 3) {
            extlangs++;
        } else if (at <= SCRIPT && n == 4 && alpha) {
            at = REGION;
        } else if (at <= REGION && ((n == 2 && alpha) || (n == 3 && digit))) {
            at = VARIANT;
        } else if (at <= VARIANT && (n >= 5 || (n == 4 && isdigit((unsigned char)*p)))) {
            at = VARIANT;
        } else {
            return false;
        }
        if (!e)
            break;
        p = e + 1;
    }
    return (at != EXTENSION && at != PRIVATE) || ext_subtags > 0;
}
