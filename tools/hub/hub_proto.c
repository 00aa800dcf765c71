// SPDX-License-Identifier: Apache-2.0
// The hub's wire parsers (hub_proto.h). No I/O, no globals.
#include "hub_proto.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <sodium.h>

// ---- small helpers -------------------------------------------------------------

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool hub_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str, *end = s + len;
    while (s < end) {
        unsigned char c = *s;
        size_t n;
        unsigned char lo = 0x80, hi = 0xbf;
        if (c < 0x80) {
            s++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            n = 2;
        else if (c >= 0xe0 && c <= 0xef)
            n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        else if (c >= 0xf0 && c <= 0xf4)
            n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        else
            return false;
        if ((size_t)(end - s) < n || s[1] < lo || s[1] > hi)
            return false;
        for (size_t i = 2; i < n; i++)
            if ((s[i] & 0xc0) != 0x80)
                return false;
        s += n;
    }
    return true;
}

static bool decode(const char *in, size_t len, char *out, size_t size, bool plus_is_space)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)in[i];
        if (c == '%') {
            if (i + 2 >= len)
                return false;
            int h = hexval((unsigned char)in[i + 1]), l = h < 0 ? -1 : hexval((unsigned char)in[i + 2]);
            if (h < 0 || l < 0)
                return false;
            c = h * 16 + l;
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c < 0x20 || c == 0x7f || o + 1 >= size)
            return false;
        out[o++] = (char)c;
    }
    out[o] = 0;
    return hub_utf8_valid(out, o);
}

bool hub_url_decode(const char *in, size_t len, char *out, size_t size)
{
    return decode(in, len, out, size, true);
}

bool hub_query_get(const char *query, const char *name, char *out, size_t size)
{
    if (!query || !size)
        return false;
    size_t nl = strlen(name);
    const char *p = query;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t plen = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', plen);
        size_t klen = eq ? (size_t)(eq - p) : plen;
        char key[64];
        if (klen < sizeof key && decode(p, klen, key, sizeof key, true) && strlen(key) == nl &&
            memcmp(key, name, nl) == 0) {
            const char *v = eq ? eq + 1 : p + plen;
            size_t vlen = eq ? plen - klen - 1 : 0;
            return decode(v, vlen, out, size, true);
        }
        p += plen;
        if (*p == '&')
            p++;
    }
    return false;
}

// ---- HTTP head ---------------------------------------------------------------------

static bool is_tchar(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

// Is `token` one of the comma-separated tokens of value (case-insensitive)?
static bool has_token(const char *value, const char *token)
{
    size_t tl = strlen(token);
    for (const char *p = value; p && *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, ", \t");
        if (n == tl && strncasecmp(p, token, tl) == 0)
            return true;
        p += n;
    }
    return false;
}

static const char *const k_methods[] = {"GET", "HEAD", "POST", "PUT", "OPTIONS", "DELETE"};

hub_head_result hub_http_parse_head(char *buf, size_t len, size_t scanned_from, size_t max_len,
                                    hub_http_head *out, size_t *head_len)
{
    size_t from = scanned_from > 3 ? scanned_from - 3 : 0, end = 0;
    bool found = false;
    for (size_t i = from; i + 3 < len; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
            end = i;
            found = true;
            break;
        }
    }
    if (!found)
        return len > max_len ? HUB_HEAD_TOO_LARGE : HUB_HEAD_INCOMPLETE;
    if (end + 4 > max_len)
        return HUB_HEAD_TOO_LARGE;
    memset(out, 0, sizeof *out);
    out->content_length = -1;
    *head_len = end + 4;
    // Every line ends in CRLF: no bare CR or LF anywhere in the head.
    for (size_t i = 0; i < end + 2; i++) {
        if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r'))
            return HUB_HEAD_BAD;
        if (buf[i] == '\r' && buf[i + 1] != '\n')
            return HUB_HEAD_BAD;
        if (buf[i] == 0)
            return HUB_HEAD_BAD;
    }
    buf[end + 2] = 0; // the head is now lines ending "\r\n", then NUL
    char *line = buf;
    char *eol = strstr(line, "\r\n");
    *eol = 0;
    // Request line: METHOD SP target SP HTTP/1.x
    char *sp1 = strchr(line, ' ');
    if (!sp1)
        return HUB_HEAD_BAD;
    *sp1 = 0;
    char *target = sp1 + 1, *sp2 = strchr(target, ' ');
    if (!sp2 || !line[0])
        return HUB_HEAD_BAD;
    *sp2 = 0;
    const char *version = sp2 + 1;
    for (const char *m = line; *m; m++)
        if (!is_tchar((unsigned char)*m))
            return HUB_HEAD_BAD;
    for (size_t i = 0; i < sizeof k_methods / sizeof *k_methods; i++)
        if (strcmp(line, k_methods[i]) == 0)
            out->method = k_methods[i];
    if (strncmp(version, "HTTP/", 5) != 0)
        return HUB_HEAD_BAD;
    if (strcmp(version, "HTTP/1.1") == 0)
        out->minor = 1;
    else if (strcmp(version, "HTTP/1.0") == 0)
        out->minor = 0;
    else
        return HUB_HEAD_VERSION;
    if (!out->method)
        return HUB_HEAD_METHOD;
    if (target[0] != '/')
        return HUB_HEAD_BAD;
    for (const char *t = target; *t; t++)
        if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
            return HUB_HEAD_BAD;
    out->target = target;
    char *q = strchr(target, '?');
    size_t plen = q ? (size_t)(q - target) : strlen(target);
    out->query = q ? q + 1 : "";
    if (!decode(target, plen, out->path, sizeof out->path, false))
        return HUB_HEAD_BAD;
    // Headers.
    for (line = eol + 2; *line; line = eol + 2) {
        eol = strstr(line, "\r\n");
        *eol = 0;
        if (line[0] == ' ' || line[0] == '\t') // obsolete line folding
            return HUB_HEAD_BAD;
        char *colon = line;
        while (is_tchar((unsigned char)*colon))
            colon++;
        if (*colon != ':' || colon == line)
            return HUB_HEAD_BAD;
        *colon = 0;
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t vl = strlen(v);
        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
            v[--vl] = 0;
        for (size_t i = 0; i < vl; i++) {
            unsigned char c = (unsigned char)v[i];
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return HUB_HEAD_BAD;
        }
        if (out->header_count == HUB_HTTP_MAX_HEADERS)
            return HUB_HEAD_TOO_LARGE;
        out->headers[out->header_count++] = (hub_http_header){line, v};
        if (strcasecmp(line, "Host") == 0) {
            if (out->host || !v[0])
                return HUB_HEAD_BAD;
            out->host = v;
        } else if (strcasecmp(line, "Content-Length") == 0) {
            if (out->content_length >= 0 || !v[0] || vl > 15 || strspn(v, "0123456789") != vl)
                return HUB_HEAD_BAD;
            out->content_length = strtoll(v, NULL, 10);
        } else if (strcasecmp(line, "Transfer-Encoding") == 0) {
            return HUB_HEAD_NO_LENGTH;
        }
    }
    if (!out->host)
        return HUB_HEAD_BAD;
    const char *up = hub_http_header_get(out, "Upgrade"), *conn = hub_http_header_get(out, "Connection");
    out->upgrade_websocket = up && conn && has_token(up, "websocket") && has_token(conn, "upgrade");
    return HUB_HEAD_OK;
}

const char *hub_http_header_get(const hub_http_head *h, const char *name)
{
    for (int i = 0; i < h->header_count; i++)
        if (strcasecmp(h->headers[i].name, name) == 0)
            return h->headers[i].value;
    return NULL;
}

// ---- WebSocket -------------------------------------------------------------------------

bool hub_ws_accept_key(const char *client_key, char out[32])
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char decoded[32];
    size_t dl = 0;
    // The key is 16 random bytes in base64 (24 characters).
    if (!client_key || strlen(client_key) != 24 ||
        sodium_base642bin(decoded, sizeof decoded, client_key, 24, NULL, &dl, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 || dl != 16)
        return false;
    char cat[64];
    memcpy(cat, client_key, 24);
    memcpy(cat + 24, guid, sizeof guid - 1);
    unsigned char sha[EVP_MAX_MD_SIZE];
    unsigned int sl = 0;
    if (EVP_Digest(cat, 24 + sizeof guid - 1, sha, &sl, EVP_sha1(), NULL) != 1 || sl != 20)
        return false;
    sodium_bin2base64(out, 32, sha, 20, sodium_base64_VARIANT_ORIGINAL);
    return true;
}

static size_t header_need(const hub_ws_reader *r)
{
    if (r->head_len < 2)
        return 2;
    unsigned pl = r->head[1] & 0x7f;
    return 2 + (pl == 126 ? 2 : pl == 127 ? 8 : 0) + ((r->head[1] & 0x80) ? 4 : 0);
}

hub_ws_event hub_ws_reader_feed(hub_ws_reader *r, const uint8_t *data, size_t len, size_t *used,
                                hub_ws_frame *out, int *close_code, hub_ws_reserve_fn reserve,
                                void *user)
{
    size_t at = 0;
    *used = 0;
    for (;;) {
        if (!r->in_payload) {
            while (r->head_len < header_need(r) && at < len)
                r->head[r->head_len++] = data[at++];
            *used = at;
            if (r->head_len < header_need(r))
                return HUB_WS_NEED_MORE;
            const uint8_t *h = r->head;
            r->fin = (h[0] & 0x80) != 0;
            r->opcode = h[0] & 0x0f;
            unsigned pl = h[1] & 0x7f;
            uint64_t n = pl;
            size_t k = 2;
            if (pl == 126) {
                n = (uint64_t)h[2] << 8 | h[3];
                k = 4;
            } else if (pl == 127) {
                n = 0;
                for (int i = 0; i < 8; i++)
                    n = n << 8 | h[2 + i];
                k = 10;
            }
            bool control = r->opcode >= 8;
            bool known = r->opcode <= 2 || (r->opcode >= 8 && r->opcode <= 10);
            if ((h[0] & 0x70) || !known || !(h[1] & 0x80) || (pl == 127 && (n >> 63)) ||
                (control && (!r->fin || n > 125))) {
                *close_code = 1002;
                return HUB_WS_ERROR;
            }
            if (!control && n > r->max_payload) {
                *close_code = 1009; // refused on the header: nothing read, nothing reserved
                return HUB_WS_ERROR;
            }
            memcpy(r->mask, h + k, 4);
            r->head_len = 0;
            if (reserve && !reserve(user, (size_t)n + 1)) {
                *close_code = 1013;
                return HUB_WS_ERROR;
            }
            r->in_payload = true;
            r->len = n;
            r->got = 0;
            r->payload = malloc((size_t)n + 1);
            if (!r->payload) {
                *close_code = 1013;
                return HUB_WS_ERROR;
            }
        }
        size_t take = len - at;
        if ((uint64_t)take > r->len - r->got)
            take = (size_t)(r->len - r->got);
        memcpy(r->payload + r->got, data + at, take);
        r->got += take;
        at += take;
        *used = at;
        if (r->got < r->len)
            return HUB_WS_NEED_MORE;
        for (uint64_t i = 0; i < r->len; i++)
            r->payload[i] ^= r->mask[i & 3];
        r->payload[r->len] = 0;
        *out = (hub_ws_frame){.opcode = r->opcode, .fin = r->fin, .payload = r->payload, .len = (size_t)r->len};
        r->payload = NULL;
        r->in_payload = false;
        return HUB_WS_FRAME;
    }
}

size_t hub_ws_reader_reset(hub_ws_reader *r)
{
    size_t held = r->in_payload ? (size_t)r->len + 1 : 0;
    free(r->payload);
    r->payload = NULL;
    r->in_payload = false;
    r->head_len = 0;
    return held;
}

size_t hub_ws_frame_header(uint8_t out[10], int opcode, uint64_t len)
{
    out[0] = (uint8_t)(0x80 | (opcode & 0x0f));
    if (len < 126) {
        out[1] = (uint8_t)len;
        return 2;
    }
    if (len < 65536) {
        out[1] = 126;
        out[2] = (uint8_t)(len >> 8);
        out[3] = (uint8_t)len;
        return 4;
    }
    out[1] = 127;
    for (int i = 0; i < 8; i++)
        out[2 + i] = (uint8_t)(len >> (56 - 8 * i));
    return 10;
}
