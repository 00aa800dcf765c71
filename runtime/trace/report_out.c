// SPDX-License-Identifier: Apache-2.0
#include "report_out.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_n(rp_out *o, const char *s, size_t n)
{
    if (o->oom)
        return;
    if (o->n + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 65536;
        while (cap < o->n + n + 1)
            cap *= 2;
        char *p = realloc(o->p, cap);
        if (!p) {
            o->oom = true;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = '\0';
}

void rp_put(rp_out *o, const char *s)
{
    put_n(o, s, strlen(s));
}

void rp_printf(rp_out *o, const char *fmt, ...)
{
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        put_n(o, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        o->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    put_n(o, big, (size_t)n);
    free(big);
}

static void esc_n(rp_out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': rp_put(o, "&amp;"); break;
        case '<': rp_put(o, "&lt;"); break;
        case '>': rp_put(o, "&gt;"); break;
        case '"': rp_put(o, "&quot;"); break;
        case '\'': rp_put(o, "&#39;"); break;
        default: put_n(o, s + i, 1);
        }
    }
}

void rp_esc(rp_out *o, const char *s)
{
    esc_n(o, s ? s : "", s ? strlen(s) : 0);
}

// Width of one UTF-8 character starting at s, in em; *len gets its bytes.
static double char_em(const unsigned char *s, size_t *len)
{
    if (*s < 0x80) {
        *len = 1;
        return strchr("mwMW@", *s) ? 0.85 : strchr("il.,:;'|! ", *s) ? 0.3 : 0.58;
    }
    *len = *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : 2;
    for (size_t i = 1; i < *len; i++)
        if (!s[i]) {
            *len = i;
            break;
        }
    return *len >= 3 ? 1.0 : 0.6; // CJK and other wide scripts are full width
}

double rp_text_em(const char *s)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p;) {
        size_t len;
        w += char_em(p, &len);
        p += len;
    }
    return w;
}

void rp_esc_fit(rp_out *o, const char *s, double max_em)
{
    if (!s)
        return;
    if (rp_text_em(s) <= max_em) {
        rp_esc(o, s);
        return;
    }
    double w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t len;
        double cw = char_em(p, &len);
        if (w + cw > max_em - 1)
            break;
        w += cw;
        p += len;
    }
    esc_n(o, s, (size_t)((const char *)p - s));
    rp_put(o, "…");
}

void rp_fmt_time(double s, char *out, size_t cap)
{
    if (s < 0)
        s = 0;
    long t = lround(s);
    if (s < 10 && fabs(s - (double)t) > 0.05)
        snprintf(out, cap, "%.1f s", s);
    else if (t < 60)
        snprintf(out, cap, "%ld s", t);
    else if (t < 3600 && t % 60 == 0)
        snprintf(out, cap, "%ld min", t / 60);
    else if (t < 3600)
        snprintf(out, cap, "%ld min %02ld s", t / 60, t % 60);
    else
        snprintf(out, cap, "%ld h %02ld min", t / 3600, t / 60 % 60);
}

void rp_heat_colour(double v, char out[8])
{
    // Red (#d73027) -> yellow (#fee08b) -> green (#1a9850).
    static const double a[3] = {0xd7, 0x30, 0x27}, m[3] = {0xfe, 0xe0, 0x8b},
                        b[3] = {0x1a, 0x98, 0x50};
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    double c[3];
    for (int i = 0; i < 3; i++)
        c[i] = v < 0.5 ? a[i] + (m[i] - a[i]) * v * 2 : m[i] + (b[i] - m[i]) * (v - 0.5) * 2;
    snprintf(out, 8, "#%02x%02x%02x", (int)c[0] & 255, (int)c[1] & 255, (int)c[2] & 255);
}

const char *rp_state_colour(int i)
{
    // Ten chosen colours, then thirty more around the colour wheel (golden-angle
    // hues): a lesson of up to forty parts never shows two parts in one colour.
    static const char *const c[] = {"#8ecae6", "#ffb703", "#90be6d", "#f4a3c4", "#b5a8e6",
                                    "#f9844a", "#5ec8b8", "#e9c46a", "#a3b1c6", "#d4a373",
                                    "#da9e80", "#80dab8", "#d280da", "#c7da80", "#80adda", "#da8093", "#80da88",
                                    "#a280da", "#dabc80", "#80dad6", "#da80c3", "#a9da80", "#808fda", "#da8b80",
                                    "#80daa6", "#c080da", "#dada80", "#80bfda", "#da80a5", "#8bda80", "#8f80da",
                                    "#daa980", "#80dac4", "#da80d6", "#bcda80", "#80a1da", "#da8087", "#80da93",
                                    "#ad80da", "#dac780"};
    return c[(i < 0 ? 0 : i) % (int)(sizeof c / sizeof *c)];
}

double rp_num(const cJSON *o, const char *k)
{
    const cJSON *v = RP_GET(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

const char *rp_str(const cJSON *o, const char *k)
{
    const cJSON *v = RP_GET(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}
