// SPDX-License-Identifier: Apache-2.0
// The bounded, iterative JSON reader (stoa_json.h). One loop with an explicit
// stack of open containers: a value is either a scalar (attached at once) or
// a container (attached, then pushed); after each value the loop looks at the
// innermost open container for ',' or its closing bracket.
#include "stoa_json.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    const unsigned char *start, *p, *end;
    stoa_json_policy pol;
    size_t nodes;
    stoa_error *err;
    stoa_result code;
} reader;

static bool fail(reader *r, stoa_result code, const char *what)
{
    if (r->code == STOA_OK) {
        r->code = code;
        stoa_error_set(r->err, code, "JSON: %s at byte %zu", what, (size_t)(r->p - r->start));
    }
    return false;
}

static void skip_ws(reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static cJSON *new_node(reader *r, int type)
{
    if (++r->nodes > r->pol.max_nodes) {
        fail(r, STOA_ERROR_LIMIT, "too many values");
        return NULL;
    }
    cJSON *n = cJSON_CreateNull();
    if (!n) {
        fail(r, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
        return NULL;
    }
    n->type = type;
    return n;
}

// ---- strings ---------------------------------------------------------------

static int hex4(const unsigned char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int c = s[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    return v;
}

static size_t put_utf8(unsigned char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xc0 | cp >> 6);
        o[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xe0 | cp >> 12);
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | cp >> 18);
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

// Length of the well-formed UTF-8 sequence at s (RFC 3629), 0 when it is not one.
static size_t utf8_len(const unsigned char *s, const unsigned char *end)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f; // no UTF-16 surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f; // nothing past U+10FFFF
    } else {
        return 0;
    }
    if ((size_t)(end - s) < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

// At the opening quote; returns a malloc'd (cJSON allocator) NUL-terminated
// copy and moves past the closing quote, or NULL (failure recorded).
static char *read_string(reader *r)
{
    const unsigned char *s = r->p + 1, *q = s;
    // Pass 1: find the closing quote (escapes skip one byte). Checked below.
    while (q < r->end && *q != '"')
        q += *q == '\\' ? 2 : 1;
    if (q >= r->end) {
        fail(r, STOA_ERROR_PARSE, "unterminated string");
        return NULL;
    }
    // Decoded text is never longer than its source.
    unsigned char *out = cJSON_malloc((size_t)(q - s) + 1);
    if (!out) {
        fail(r, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
        return NULL;
    }
    size_t o = 0;
    const unsigned char *i = s;
    while (i < q) {
        unsigned char c = *i;
        if (c == '\\') {
            r->p = i;
            unsigned char e = i[1];
            i += 2;
            switch (e) {
            case '"': out[o++] = '"'; break;
            case '\\': out[o++] = '\\'; break;
            case '/': out[o++] = '/'; break;
            case 'b': out[o++] = '\b'; break;
            case 'f': out[o++] = '\f'; break;
            case 'n': out[o++] = '\n'; break;
            case 'r': out[o++] = '\r'; break;
            case 't': out[o++] = '\t'; break;
            case 'u': {
                int cp = q - i >= 4 ? hex4(i) : -1;
                if (cp < 0) {
                    fail(r, STOA_ERROR_PARSE, "bad \\u escape");
                    goto bad;
                }
                i += 4;
                if (cp >= 0xdc00 && cp <= 0xdfff) {
                    fail(r, STOA_ERROR_PARSE, "unpaired surrogate escape");
                    goto bad;
                }
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    int lo = q - i >= 6 && i[0] == '\\' && i[1] == 'u' ? hex4(i + 2) : -1;
                    if (lo < 0xdc00 || lo > 0xdfff) {
                        fail(r, STOA_ERROR_PARSE, "unpaired surrogate escape");
                        goto bad;
                    }
                    i += 6;
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                if (cp == 0) {
                    fail(r, STOA_ERROR_PARSE, "\\u0000 in a string");
                    goto bad;
                }
                o += put_utf8(out + o, (unsigned)cp);
                break;
            }
            default:
                fail(r, STOA_ERROR_PARSE, "bad escape");
                goto bad;
            }
        } else if (c < 0x20) {
            r->p = i;
            fail(r, STOA_ERROR_PARSE, "control character in a string");
            goto bad;
        } else if (c < 0x80) {
            out[o++] = c;
            i++;
        } else {
            size_t n = utf8_len(i, q);
            if (n == 0) {
                r->p = i;
                fail(r, STOA_ERROR_PARSE, "invalid UTF-8");
                goto bad;
            }
            memcpy(out + o, i, n);
            o += n, i += n;
        }
    }
    out[o] = 0;
    r->p = q + 1;
    return (char *)out;
bad:
    cJSON_free(out);
    return NULL;
}

// ---- numbers ---------------------------------------------------------------

static locale_t g_c_locale;
static pthread_once_t g_locale_once = PTHREAD_ONCE_INIT;
static void make_c_locale(void) { g_c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

// cJSON prints a number with 15 significant digits when they read back as
// the same double, else with 17 (its print_number); between 2^53 and 10^17
// the 17-digit form has no exponent. A number written with a fraction or an
// exponent there (44444444444444043.44) would then be printed, and stored,
// as an integer beyond 2^53 (44444444444444040), which EXACT_INTEGERS
// refuses when it is read back: refused at once instead, so that whatever
// is accepted prints to text that reads back the same. In the C locale.
static bool prints_as_big_integer(double v)
{
    double a = fabs(v);
    if (a <= 9007199254740992.0 || a >= 1e17)
        return false;
    char t[40];
    snprintf(t, sizeof t, "%1.15g", v);
    return strtod(t, NULL) != v;
}

static cJSON *read_number(reader *r)
{
    const unsigned char *s = r->p, *i = s;
    bool integer = true, nonzero = false;
    if (i < r->end && *i == '-')
        i++;
    if (i < r->end && *i == '0') {
        i++;
    } else if (i < r->end && *i >= '1' && *i <= '9') {
        while (i < r->end && *i >= '0' && *i <= '9')
            nonzero = true, i++;
    } else {
        return fail(r, STOA_ERROR_PARSE, "bad number"), NULL;
    }
    if (i < r->end && *i == '.') {
        integer = false;
        i++;
        if (i >= r->end || *i < '0' || *i > '9')
            return r->p = i, fail(r, STOA_ERROR_PARSE, "bad number"), NULL;
        while (i < r->end && *i >= '0' && *i <= '9')
            nonzero = nonzero || *i != '0', i++;
    }
    if (i < r->end && (*i == 'e' || *i == 'E')) {
        integer = false;
        i++;
        if (i < r->end && (*i == '+' || *i == '-'))
            i++;
        if (i >= r->end || *i < '0' || *i > '9')
            return r->p = i, fail(r, STOA_ERROR_PARSE, "bad number"), NULL;
        while (i < r->end && *i >= '0' && *i <= '9')
            i++;
    }
    size_t len = (size_t)(i - s);
    char small[64], *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf)
        return fail(r, STOA_ERROR_OUT_OF_MEMORY, "out of memory"), NULL;
    memcpy(buf, s, len);
    buf[len] = 0;
    pthread_once(&g_locale_once, make_c_locale);
    // The decimal point is '.' whatever locale the program set (this thread only).
    locale_t old = g_c_locale ? uselocale(g_c_locale) : (locale_t)0;
    double v = strtod(buf, NULL);
    bool big = (r->pol.flags & STOA_JSON_EXACT_INTEGERS) && !integer && prints_as_big_integer(v);
    if (old)
        uselocale(old);
    if (buf != small)
        free(buf);
    bool lenient = (r->pol.flags & STOA_JSON_ALLOW_OVERFLOW) != 0;
    if ((isinf(v) || isnan(v)) && !lenient)
        return fail(r, STOA_ERROR_PARSE, "number out of range"), NULL;
    if (v == 0 && nonzero && !lenient)
        return fail(r, STOA_ERROR_PARSE, "number too small to represent"), NULL;
    if ((r->pol.flags & STOA_JSON_EXACT_INTEGERS) && integer && fabs(v) >= 9007199254740992.0) {
        // Judged on the digits as written: 2^53 + 1 rounds to 2^53.
        const unsigned char *d = *s == '-' ? s + 1 : s;
        char digits[32];
        size_t nd = (size_t)(i - d);
        unsigned long long u = 0;
        if (nd < sizeof digits) {
            memcpy(digits, d, nd);
            digits[nd] = 0;
            errno = 0;
            u = strtoull(digits, NULL, 10);
        }
        if (nd >= sizeof digits || errno == ERANGE || u > 9007199254740992ULL)
            return fail(r, STOA_ERROR_PARSE, "integer beyond 2^53"), NULL;
    }
    if (big)
        return fail(r, STOA_ERROR_PARSE, "number beyond 2^53 that would print as an integer"), NULL;
    cJSON *n = new_node(r, cJSON_Number);
    if (!n)
        return NULL;
    cJSON_SetNumberValue(n, v);
    r->p = i;
    return n;
}

// ---- objects ---------------------------------------------------------------

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// Repeated keys in one closed object (O(n log n) for big ones).
static bool has_duplicate_keys(reader *r, const cJSON *obj)
{
    size_t n = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        n++;
    if (n < 2)
        return false;
    if (n <= 8) {
        for (const cJSON *a = obj->child; a; a = a->next)
            for (const cJSON *b = a->next; b; b = b->next)
                if (strcmp(a->string, b->string) == 0)
                    return true;
        return false;
    }
    const char **keys = malloc(n * sizeof *keys);
    if (!keys) {
        fail(r, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
        return true;
    }
    size_t k = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        keys[k++] = c->string;
    qsort(keys, n, sizeof *keys, cmp_keys);
    bool dup = false;
    for (size_t i = 1; i < n && !dup; i++)
        dup = strcmp(keys[i - 1], keys[i]) == 0;
    free(keys);
    return dup;
}

// ---- the loop --------------------------------------------------------------

static bool literal(reader *r, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return fail(r, STOA_ERROR_PARSE, "unexpected character");
    r->p += n;
    return true;
}

stoa_result stoa_json_parse(const char *text, size_t len, const stoa_json_policy *policy,
                            cJSON **out, stoa_error *err)
{
    return stoa_json_parse_at(text, len, policy, out, err, NULL);
}

stoa_result stoa_json_parse_at(const char *text, size_t len, const stoa_json_policy *policy, cJSON **out,
                               stoa_error *err, size_t *out_offset)
{
    *out = NULL;
    if (out_offset)
        *out_offset = 0;
    reader r = {.start = (const unsigned char *)text, .p = (const unsigned char *)text,
                .end = (const unsigned char *)text + len, .err = err};
    if (policy)
        r.pol = *policy;
    if (!r.pol.max_bytes)
        r.pol.max_bytes = STOA_JSON_DEFAULT_MAX_BYTES;
    if (!r.pol.max_depth)
        r.pol.max_depth = STOA_JSON_DEFAULT_MAX_DEPTH;
    if (r.pol.max_depth > STOA_JSON_DEPTH_CAP)
        r.pol.max_depth = STOA_JSON_DEPTH_CAP;
    if (!r.pol.max_nodes)
        r.pol.max_nodes = r.pol.max_bytes / 2 + 1;
    if (!text)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "JSON: no text");
    if (len > r.pol.max_bytes)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "JSON: %zu bytes is over the %zu byte limit", len,
                              r.pol.max_bytes);
    cJSON *stack[STOA_JSON_DEPTH_CAP];
    uint32_t depth = 0;
    cJSON *root = NULL;
    char *key = NULL; // the member name waiting for its value
    bool want_key = false;

    for (;;) {
        // ---- one value (or a member name first) ----
        skip_ws(&r);
        if (want_key) {
            if (r.p >= r.end || *r.p != '"') {
                fail(&r, STOA_ERROR_PARSE, "expected a member name");
                break;
            }
            if (!(key = read_string(&r)))
                break;
            skip_ws(&r);
            if (r.p >= r.end || *r.p != ':') {
                fail(&r, STOA_ERROR_PARSE, "expected ':'");
                break;
            }
            r.p++;
            skip_ws(&r);
            want_key = false;
        }
        if (r.p >= r.end) {
            fail(&r, STOA_ERROR_PARSE, "unexpected end");
            break;
        }
        cJSON *node = NULL;
        bool open = false;
        unsigned char c = *r.p;
        if (c == '{' || c == '[') {
            if (depth >= r.pol.max_depth) {
                fail(&r, STOA_ERROR_LIMIT, "nested too deep");
                break;
            }
            node = new_node(&r, c == '{' ? cJSON_Object : cJSON_Array);
            open = true;
            if (node)
                r.p++;
        } else if (c == '"') {
            char *s = read_string(&r);
            if (s && !(node = new_node(&r, cJSON_String)))
                cJSON_free(s);
            else if (node)
                node->valuestring = s;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            node = read_number(&r);
        } else if (c == 't' || c == 'f' || c == 'n') {
            const char *word = c == 't' ? "true" : c == 'f' ? "false" : "null";
            if (literal(&r, word))
                node = new_node(&r, c == 't' ? cJSON_True : c == 'f' ? cJSON_False : cJSON_NULL);
            if (node && c != 'n')
                node->valueint = c == 't';
        } else {
            fail(&r, STOA_ERROR_PARSE, "unexpected character");
        }
        if (!node)
            break;
        // Attach it where it belongs.
        if (depth == 0) {
            root = node;
        } else {
            if (key) {
                node->string = key;
                key = NULL;
            }
            cJSON_AddItemToArray(stack[depth - 1], node);
        }
        if (open) {
            stack[depth++] = node;
            skip_ws(&r);
            if (r.p < r.end && *r.p == (c == '{' ? '}' : ']')) {
                r.p++;
                depth--; // empty: closed at once
            } else {
                want_key = c == '{';
                continue;
            }
        }
        // ---- after a value: ',' or the close of the innermost container ----
        bool next = false;
        while (depth > 0 && !next) {
            cJSON *top = stack[depth - 1];
            bool obj = cJSON_IsObject(top);
            skip_ws(&r);
            if (r.p < r.end && *r.p == ',') {
                r.p++;
                want_key = obj;
                next = true;
            } else if (r.p < r.end && *r.p == (obj ? '}' : ']')) {
                if (obj && !(r.pol.flags & STOA_JSON_ALLOW_DUPLICATE_KEYS) && has_duplicate_keys(&r, top)) {
                    fail(&r, STOA_ERROR_PARSE, "duplicate member name");
                    break;
                }
                r.p++;
                depth--;
            } else {
                fail(&r, STOA_ERROR_PARSE, obj ? "expected ',' or '}'" : "expected ',' or ']'");
                break;
            }
        }
        if (r.code != STOA_OK)
            break;
        if (depth == 0) {
            skip_ws(&r);
            if (r.p != r.end)
                fail(&r, STOA_ERROR_PARSE, "data after the value");
            break;
        }
    }
    if (key)
        cJSON_free(key);
    if (r.code != STOA_OK) {
        cJSON_Delete(root); // everything made so far hangs from it (depth bounded)
        if (out_offset)
            *out_offset = (size_t)(r.p - r.start);
        return r.code;
    }
    *out = root;
    return STOA_OK;
}

stoa_result stoa_json_parse_str(const char *text, const stoa_json_policy *policy, cJSON **out,
                                stoa_error *err)
{
    return stoa_json_parse(text, text ? strlen(text) : 0, policy, out, err);
}

uint32_t stoa_json_depth(const cJSON *item)
{
    // Depth-first with an explicit stack of the open containers on the path.
    const cJSON **stack = NULL;
    size_t n = 0, cap = 0;
    uint32_t deepest = 0;
    const cJSON *at = item;
    while (at) {
        if (cJSON_IsArray(at) || cJSON_IsObject(at)) {
            if (n + 1 > deepest)
                deepest = (uint32_t)(n + 1);
            if (at->child) {
                if (n == cap) {
                    size_t nc = cap ? cap * 2 : 32;
                    const cJSON **g = realloc(stack, nc * sizeof *g);
                    if (!g)
                        break;
                    stack = g, cap = nc;
                }
                stack[n++] = at;
                at = at->child;
                continue;
            }
        }
        // Done with `at`: its next sibling, or climb to a parent's.
        for (;;) {
            if (n == 0) {
                at = NULL; // back at the item itself
                break;
            }
            if (at->next) {
                at = at->next;
                break;
            }
            at = stack[--n];
        }
    }
    free(stack);
    return deepest;
}
