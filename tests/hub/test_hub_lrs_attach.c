// SPDX-License-Identifier: Apache-2.0
// Attachments and signed statements over multipart/mixed (xAPI 1.0.3
// Communication 1.5.2, Data 2.4.11 and 2.6): data matched by SHA-2 only,
// served back with attachments=true; a JWS (RS256, x5c) verified against
// its certificate and its statement. The key and certificate are made here.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "hub_test_util.h"
#include "stoa_test.h"

static stoa_hub *g_hub;
static int g_port;
static char g_auth[300];

static void setup(void)
{
    if (g_hub)
        return;
    char dir[256];
    test_temp_dir(dir);
    g_hub = test_hub_start(dir, &g_port);
    test_xapi_auth(g_hub, "Content-Type: multipart/mixed; boundary=xyzzy\r\n", g_auth, sizeof g_auth);
}

static void sha256_hex(const void *d, size_t n, char out[65])
{
    unsigned char h[32];
    crypto_hash_sha256(h, d, n);
    sodium_bin2hex(out, 65, h, 32);
}

// POSTs statements (JSON) and attachment parts (data, hash given) as multipart/mixed.
static int post(const char *json, int nparts, const char *const *data, const char *const *hash, char **out)
{
    size_t cap = strlen(json) + 512;
    for (int i = 0; i < nparts; i++)
        cap += strlen(data[i]) + 300;
    char *body = malloc(cap);
    size_t n = (size_t)snprintf(body, cap, "--xyzzy\r\nContent-Type: application/json\r\n\r\n%s", json);
    for (int i = 0; i < nparts; i++)
        n += (size_t)snprintf(body + n, cap - n, "\r\n--xyzzy\r\nContent-Type: application/octet-stream\r\n"
                                                 "Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: %s\r\n\r\n%s",
                              hash[i], data[i]);
    n += (size_t)snprintf(body + n, cap - n, "\r\n--xyzzy--\r\n");
    int s = test_http(g_port, "POST", "/xapi/statements", g_auth, body, n, out, NULL, 0);
    free(body);
    return s;
}

static char *statement(const char *id, const char *usage, const char *type, const char *sha2, size_t len)
{
    char *s = malloc(1024);
    snprintf(s, 1024, "{\"id\":\"%s\",\"actor\":{\"mbox\":\"mailto:ana@example.org\"},"
                      "\"verb\":{\"id\":\"http://example.org/verbs/uploaded\"},\"object\":{\"id\":\"http://example.org/essay\"},"
                      "\"attachments\":[{\"usageType\":\"%s\",\"display\":{\"en\":\"file\"},\"contentType\":\"%s\","
                      "\"length\":%zu,\"sha2\":\"%s\"}]}", id, usage, type, len, sha2);
    return s;
}

STOA_TEST(attachment_data_is_matched_by_sha2_and_served_back)
{
    setup();
    CHECK(g_hub != NULL);
    const char *data = "an essay, in plain words";
    char hash[65], *out = NULL, id[37], path[160], headers[1024];
    sha256_hex(data, strlen(data), hash);
    test_uuid(id);
    char *st = statement(id, "http://example.org/usage/essay", "text/plain", hash, strlen(data));
    // "MUST accept batches of Statements that contain Attachments in the Transmission Format"
    CHECK_MSG(post(st, 1, &data, (const char *const[]){hash}, &out) == 200, "%s", out ? out : "");
    free(out);
    // attachments=true: "MUST use the multipart response format and include all Attachments"
    snprintf(path, sizeof path, "/xapi/statements?statementId=%s&attachments=true", id);
    CHECK(test_http(g_port, "GET", path, g_auth, NULL, 0, &out, headers, sizeof headers) == 200);
    CHECK(strstr(headers, "multipart/mixed") != NULL);
    CHECK(out && strstr(out, data) && strstr(out, hash) && strstr(out, "Content-Transfer-Encoding: binary"));
    free(out);
    // attachments=false: "MUST NOT include Attachment raw data and MUST report application/json"
    snprintf(path, sizeof path, "/xapi/statements?statementId=%s", id);
    CHECK(test_http(g_port, "GET", path, g_auth, NULL, 0, &out, headers, sizeof headers) == 200);
    CHECK(strstr(headers, "application/json") && out && !strstr(out, data));
    free(out);
    free(st);
    // "MUST reject ... Attachments that neither contain a fileUrl nor match
    // a received Attachment part based on their hash."
    test_uuid(id);
    char other[65];
    sha256_hex("something else", 14, other);
    st = statement(id, "http://example.org/usage/essay", "text/plain", other, 14);
    CHECK(post(st, 1, &data, (const char *const[]){hash}, &out) == 400);
    free(out);
    // A part whose data does not hash to its X-Experience-API-Hash.
    CHECK(post(st, 1, &data, (const char *const[]){other}, &out) == 400);
    CHECK_CONTAINS(out ? out : "", "X-Experience-API-Hash");
    free(out);
    free(st);
}

// A JWS (compact) over payload with alg, signed by key, x5c = cert.
static char *jws(const char *alg, const char *payload, EVP_PKEY *key, X509 *cert)
{
    unsigned char *der = NULL;
    int dl = i2d_X509(cert, &der);
    char *x5c = malloc((size_t)dl * 2 + 8), hdr[4096], h64[6000], p64[4096];
    sodium_bin2base64(x5c, (size_t)dl * 2 + 8, der, (size_t)dl, sodium_base64_VARIANT_ORIGINAL);
    OPENSSL_free(der);
    snprintf(hdr, sizeof hdr, "{\"alg\":\"%s\",\"x5c\":[\"%s\"]}", alg, x5c);
    free(x5c);
    sodium_bin2base64(h64, sizeof h64, (const unsigned char *)hdr, strlen(hdr), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_bin2base64(p64, sizeof p64, (const unsigned char *)payload, strlen(payload),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    size_t in_len = strlen(h64) + strlen(p64) + 2;
    char *input = malloc(in_len + 700);
    snprintf(input, in_len, "%s.%s", h64, p64);
    unsigned char sig[512];
    size_t sl = sizeof sig;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key);
    EVP_DigestSign(ctx, sig, &sl, (const unsigned char *)input, strlen(input));
    EVP_MD_CTX_free(ctx);
    size_t n = strlen(input);
    input[n++] = '.';
    sodium_bin2base64(input + n, 700, sig, sl, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return input;
}

STOA_TEST(signed_statements_are_verified)
{
    setup();
    EVP_PKEY *key = EVP_RSA_gen(2048);
    X509 *cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC, (const unsigned char *)"stoa test", -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    X509_sign(cert, key, EVP_sha256());
    char id[37];
    test_uuid(id);
    char payload[512];
    snprintf(payload, sizeof payload, "{\"id\":\"%s\",\"actor\":{\"mbox\":\"mailto:ana@example.org\"},"
             "\"verb\":{\"id\":\"http://example.org/verbs/uploaded\"},\"object\":{\"id\":\"http://example.org/essay\"}}", id);
    struct { const char *alg, *payload; int want; } cases[] = {
        {"RS256", payload, 200},
        // "The JWS signature MUST use an algorithm of RS256, RS384, or RS512."
        {"HS256", payload, 400},
        // "Validate that the original Statement is logically equivalent to the received Statement."
        {"RS256", "{\"id\":\"00000000-0000-4000-8000-000000000000\",\"actor\":{\"mbox\":\"mailto:eve@example.org\"},"
                  "\"verb\":{\"id\":\"http://example.org/verbs/uploaded\"},\"object\":{\"id\":\"http://example.org/essay\"}}", 400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *sig = jws(cases[i].alg, cases[i].payload, key, cert), hash[65], *out = NULL;
        if (i == 0 && 0)
            sig[strlen(sig) - 3] ^= 1;
        sha256_hex(sig, strlen(sig), hash);
        char sid[37];
        test_uuid(sid);
        char *st = statement(i == 0 ? id : sid, "http://adlnet.gov/expapi/attachments/signature",
                             "application/octet-stream", hash, strlen(sig));
        if (i > 0) { // the same statement id as the payload's, for the last two
            char *p = strstr(st, sid);
            memcpy(p, id, 36);
        }
        const char *d = sig;
        int s = post(st, 1, &d, (const char *const[]){hash}, &out);
        CHECK_MSG(s == cases[i].want, "case %zu: %d %s", i, s, out ? out : "");
        free(out), free(st), free(sig);
    }
    // A signature that does not verify with its x5c certificate.
    test_uuid(id);
    snprintf(payload, sizeof payload, "{\"id\":\"%s\",\"actor\":{\"mbox\":\"mailto:ana@example.org\"},"
             "\"verb\":{\"id\":\"http://example.org/verbs/uploaded\"},\"object\":{\"id\":\"http://example.org/essay\"}}", id);
    char *sig = jws("RS256", payload, key, cert), hash[65], *out = NULL;
    size_t sl = strlen(sig);
    sig[sl - 5] = sig[sl - 5] == 'A' ? 'B' : 'A';
    sha256_hex(sig, sl, hash);
    char *st = statement(id, "http://adlnet.gov/expapi/attachments/signature", "application/octet-stream", hash, sl);
    const char *d = sig;
    CHECK(post(st, 1, &d, (const char *const[]){hash}, &out) == 400);
    CHECK_CONTAINS(out ? out : "", "x5c");
    free(out), free(st), free(sig);
    X509_free(cert);
    EVP_PKEY_free(key);
}

// Communication 1.5.2 "An LRS MUST NOT push Statements into another LRS
// without including Attachment data received": forwarding to a school's
// LRS (a second hub here) carries the data, and voiding arrives as voiding.
STOA_TEST(forwarding_carries_attachments_and_voiding)
{
    setup();
    char lrs_dir[256], dir[256], url[128], auth[64], listen[64], lrs_h[300];
    int lrs_port = 0;
    test_temp_dir(lrs_dir);
    stoa_hub *lrs = test_hub_start(lrs_dir, &lrs_port);
    CHECK(lrs != NULL);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/xapi/", lrs_port);
    snprintf(auth, sizeof auth, "xapi:%s", test_xapi_key(lrs)); // forward_auth below
    test_xapi_auth(lrs, NULL, lrs_h, sizeof lrs_h);
    test_temp_dir(dir);
    int port = test_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    stoa_hub *hub = NULL;
    stoa_error err = {0};
    CHECK(stoa_hub_create(&(stoa_hub_desc){.listen = listen, .data_dir = dir, .password = TEST_PASSWORD,
                                          .forward_url = url, .forward_auth = auth}, &hub, &err) == STOA_OK);
    int saved_port = g_port;
    char saved_auth[300];
    memcpy(saved_auth, g_auth, sizeof g_auth);
    test_xapi_auth(hub, "Content-Type: multipart/mixed; boundary=xyzzy\r\n", g_auth, sizeof g_auth);
    g_port = port;
    const char *data = "a drawing, in bytes";
    char hash[65], id[37], vid[37], voiding[512], *out = NULL;
    sha256_hex(data, strlen(data), hash);
    test_uuid(id), test_uuid(vid);
    char *st = statement(id, "http://example.org/usage/drawing", "image/png", hash, strlen(data));
    CHECK(post(st, 1, &data, (const char *const[]){hash}, &out) == 200);
    free(out), free(st);
    snprintf(voiding, sizeof voiding, "{\"id\":\"%s\",\"actor\":{\"mbox\":\"mailto:t@example.org\"},"
             "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},"
             "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"%s\"}}", vid, id);
    CHECK(post(voiding, 0, NULL, NULL, &out) == 200);
    free(out);
    out = NULL;
    g_port = saved_port;
    memcpy(g_auth, saved_auth, sizeof g_auth);
    // Bounded wait: the target arrives voided, with its data.
    char path[200];
    snprintf(path, sizeof path, "/xapi/statements?voidedStatementId=%s&attachments=true", id);
    int s = 0;
    for (int t = 0; t < 200 && s != 200; t++) { // at most 20 s: the forwarder retries every 5 s
        free(out);
        out = NULL;
        s = test_http(lrs_port, "GET", path, lrs_h, NULL, 0, &out, NULL, 0);
        if (s != 200)
            test_sleep_ms(100);
    }
    CHECK_MSG(s == 200 && out && strstr(out, data), "%d %s", s, out ? out : "");
    free(out);
    stoa_hub_destroy(&hub);
    stoa_hub_destroy(&lrs);
}

STOA_TEST(zz_teardown)
{
    stoa_hub_destroy(&g_hub);
    CHECK(g_hub == NULL);
}

STOA_TEST_MAIN()
