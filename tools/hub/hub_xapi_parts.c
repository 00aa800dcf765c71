// SPDX-License-Identifier: Apache-2.0
// multipart/mixed for the Statements resource (Communication 1.5.2): the
// request's parts (RFC 2046), each attachment's data matched to its
// statement by SHA-2 only, and signed statements (Data 2.6: a JWS, RS256/
// 384/512, whose payload is the statement; checked against its x5c
// certificate when it has one). Bounded: HUB_XAPI_MAX_PARTS parts within a
// body the server already capped; nothing is copied but the headers.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "core/stoa_json.h"
#include "hub_internal.h"
#include "hub_lrs.h"

static const char *find(const char *hay, size_t n, const char *needle, size_t nl)
{
    for (size_t i = 0; nl <= n && i <= n - nl; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, nl) == 0)
            return hay + i;
    return NULL;
}

// The value of a header in a part's header block (case-insensitive name),
// copied into out; false when absent.
static bool part_header(const char *h, size_t n, const char *name, char *out, size_t size)
{
    size_t nl = strlen(name);
    for (const char *p = h; p < h + n;) {
        const char *eol = find(p, (size_t)(h + n - p), "\r\n", 2);
        size_t ll = eol ? (size_t)(eol - p) : (size_t)(h + n - p);
        if (ll > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
            const char *v = p + nl + 1;
            while (v < p + ll && (*v == ' ' || *v == '\t'))
                v++;
            size_t vl = (size_t)(p + ll - v);
            if (vl >= size)
                return false;
            memcpy(out, v, vl);
            out[vl] = 0;
            return true;
        }
        p += ll + 2;
    }
    return false;
}

const char *hub_xapi_parts_parse(const char *content_type, const char *body, size_t len, hub_xapi_parts *out)
{
    memset(out, 0, sizeof *out);
    const char *b = content_type;
    while (*b && strncasecmp(b, "boundary=", 9) != 0)
        b++;
    if (!*b)
        return "Content-Type: multipart/mixed needs a boundary";
    b += 9;
    char delim[80] = "\r\n--";
    size_t bl = *b == '"' ? strcspn(b + 1, "\"") : strcspn(b, "; \t");
    if (bl == 0 || bl > 70)
        return "Content-Type: the boundary must be 1 to 70 characters (RFC 2046)";
    memcpy(delim + 4, *b == '"' ? b + 1 : b, bl);
    size_t dl = 4 + bl;
    // The first delimiter may start the body (no CRLF before it).
    const char *p, *end = body + len;
    if (len >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0) {
        p = body + dl - 2;
    } else {
        const char *d = find(body, len, delim, dl);
        if (!d)
            return "multipart/mixed: no boundary in the body";
        p = d + dl;
    }
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            break; // the close delimiter
        const char *hs = find(p, (size_t)(end - p), "\r\n", 2);
        if (!hs)
            return "multipart/mixed: a part is cut short";
        hs += 2;
        const char *he = find(hs, (size_t)(end - hs), "\r\n\r\n", 4);
        const char *data = he ? he + 4 : NULL;
        if (hs + 2 <= end && hs[0] == '\r' && hs[1] == '\n') // no headers at all
            he = hs, data = hs + 2;
        if (!data)
            return "multipart/mixed: a part's headers do not end";
        const char *next = find(data, (size_t)(end - data), delim, dl);
        if (!next)
            return "multipart/mixed: the last part has no closing boundary";
        if (out->n == HUB_XAPI_MAX_PARTS)
            return "multipart/mixed: too many parts";
        hub_xapi_part *pt = &out->part[out->n++];
        pt->data = data;
        pt->len = (size_t)(next - data);
        size_t hl = (size_t)(he - hs);
        part_header(hs, hl, "Content-Type", pt->type, sizeof pt->type);
        part_header(hs, hl, "X-Experience-API-Hash", pt->sha2, sizeof pt->sha2);
        char cte[32] = "";
        bool has_cte = part_header(hs, hl, "Content-Transfer-Encoding", cte, sizeof cte);
        if (out->n == 1) {
            if (strncasecmp(pt->type, "application/json", 16) != 0)
                return "multipart/mixed: the first part must be the statements as application/json";
        } else {
            // Communication 1.5.2: each attachment part has its hash and a
            // binary Content-Transfer-Encoding.
            if (!pt->sha2[0])
                return "multipart/mixed: an attachment part without X-Experience-API-Hash";
            if (has_cte && strcasecmp(cte, "binary") != 0)
                return "multipart/mixed: Content-Transfer-Encoding must be binary";
            if (!hub_xapi_sha2_matches(pt->data, pt->len, pt->sha2))
                return "multipart/mixed: an attachment's data does not match its X-Experience-API-Hash";
        }
        p = next + dl;
    }
    if (out->n == 0)
        return "multipart/mixed: no statements part";
    return NULL;
}

bool hub_xapi_sha2_matches(const void *data, size_t len, const char *hex)
{
    size_t hl = strlen(hex);
    const EVP_MD *md = hl == 64 ? EVP_sha256() : hl == 96 ? EVP_sha384() : hl == 128 ? EVP_sha512()
                     : hl == 56 ? EVP_sha224() : NULL;
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (!md || !EVP_Digest(data, len, d, &dlen, md, NULL))
        return false;
    char got[2 * EVP_MAX_MD_SIZE + 1];
    sodium_bin2hex(got, sizeof got, d, dlen);
    return strcasecmp(got, hex) == 0;
}

const hub_xapi_part *hub_xapi_parts_find(const hub_xapi_parts *parts, const char *sha2)
{
    for (int i = 1; parts && i < parts->n; i++)
        if (strcasecmp(parts->part[i].sha2, sha2) == 0)
            return &parts->part[i];
    return NULL;
}

// ---- signed statements ----------------------------------------------------------------------

static unsigned char *b64url(const char *s, size_t n, size_t *out_len)
{
    unsigned char *out = malloc(n + 1);
    if (out && sodium_base642bin(out, n, s, n, NULL, out_len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
        free(out);
        return NULL;
    }
    if (out)
        out[*out_len] = 0;
    return out;
}

// Verifies sig over input with the certificate (base64 DER) and hash md.
static bool verify_x5c(const char *cert_b64, const EVP_MD *md, const char *input, size_t ilen,
                       const unsigned char *sig, size_t slen)
{
    size_t n = strlen(cert_b64), der_len = 0;
    unsigned char *der = malloc(n + 1);
    bool ok = false;
    if (der && sodium_base642bin(der, n, cert_b64, n, NULL, &der_len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0) {
        const unsigned char *q = der;
        X509 *cert = d2i_X509(NULL, &q, (long)der_len);
        EVP_PKEY *key = cert ? X509_get_pubkey(cert) : NULL;
        EVP_MD_CTX *ctx = key && EVP_PKEY_base_id(key) == EVP_PKEY_RSA ? EVP_MD_CTX_new() : NULL;
        ok = ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
             EVP_DigestVerify(ctx, sig, slen, (const unsigned char *)input, ilen) == 1;
        EVP_MD_CTX_free(ctx);
        EVP_PKEY_free(key);
        X509_free(cert);
    }
    free(der);
    return ok;
}

const char *hub_xapi_check_signature(const cJSON *st, const hub_xapi_part *jws)
{
    // Compact serialization: header.payload.signature, base64url each.
    const char *s = jws->data;
    size_t n = jws->len;
    const char *d1 = memchr(s, '.', n), *d2 = d1 ? memchr(d1 + 1, '.', (size_t)(s + n - d1 - 1)) : NULL;
    if (!d1 || !d2 || memchr(d2 + 1, '.', (size_t)(s + n - d2 - 1)))
        return "signature: not a JWS in compact serialization";
    size_t hl = 0, pl = 0, sl = 0;
    unsigned char *h = b64url(s, (size_t)(d1 - s), &hl);
    unsigned char *pay = b64url(d1 + 1, (size_t)(d2 - d1 - 1), &pl);
    unsigned char *sig = b64url(d2 + 1, (size_t)(s + n - d2 - 1), &sl);
    cJSON *hj = NULL, *pj = NULL;
    stoa_error err = {0};
    const char *why = NULL;
    if (!h || !pay || !sig) {
        why = "signature: a JWS part is not base64url";
    } else if (stoa_json_parse((const char *)h, hl, HUB_JSON_POLICY(hl + 1), &hj, &err) != STOA_OK ||
               !cJSON_IsObject(hj)) {
        why = "signature: the JWS header is not a JSON object";
    } else {
        // Data 2.6: "The JWS signature MUST use an algorithm of RS256, RS384, or RS512."
        const char *alg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(hj, "alg"));
        const EVP_MD *md = !alg ? NULL : strcmp(alg, "RS256") == 0 ? EVP_sha256()
                                      : strcmp(alg, "RS384") == 0 ? EVP_sha384()
                                      : strcmp(alg, "RS512") == 0 ? EVP_sha512() : NULL;
        const cJSON *x5c = cJSON_GetObjectItemCaseSensitive(hj, "x5c");
        const char *cert = cJSON_GetStringValue(cJSON_GetArrayItem(x5c, 0));
        if (!md) {
            why = "signature: the JWS algorithm must be RS256, RS384 or RS512";
        } else if (x5c && (!cert || !verify_x5c(cert, md, s, (size_t)(d2 - s), sig, sl))) {
            // "If the JWS header includes an X.509 certificate, validate the
            // signature against that certificate as defined in JWS."
            why = "signature: the JWS does not verify with its x5c certificate";
        } else if (stoa_json_parse((const char *)pay, pl, HUB_JSON_POLICY(pl + 1), &pj, &err) != STOA_OK) {
            why = "signature: the JWS payload is not JSON";
        } else {
            // "Validate that the original Statement is logically equivalent
            // to the received Statement" — the received one without its
            // signature attachment.
            cJSON *recv = cJSON_Duplicate(st, 1);
            cJSON *atts = cJSON_GetObjectItemCaseSensitive(recv, "attachments");
            for (cJSON *a = atts ? atts->child : NULL; a;) {
                cJSON *next = a->next;
                const char *u = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "usageType"));
                if (u && strcmp(u, HUB_SIGNATURE_USAGE) == 0)
                    cJSON_Delete(cJSON_DetachItemViaPointer(atts, a));
                a = next;
            }
            if (atts && !atts->child)
                cJSON_DeleteItemFromObjectCaseSensitive(recv, "attachments");
            char *a = cJSON_PrintUnformatted(pj), *b = cJSON_PrintUnformatted(recv);
            if (!a || !b || !hub_statement_same(a, b))
                why = "signature: the JWS payload is not the statement it signs";
            free(a), free(b);
            cJSON_Delete(recv);
        }
    }
    cJSON_Delete(hj);
    cJSON_Delete(pj);
    free(h), free(pay), free(sig);
    return why;
}
