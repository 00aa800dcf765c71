// SPDX-License-Identifier: Apache-2.0
// The bounded JSON reader (runtime/core/stoa_json.h): grammar, limits,
// strictness, and no recursion whatever the nesting.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_json.h"
#include "stoa_test.h"

static stoa_result parse(const char *text, const stoa_json_policy *pol, cJSON **out, stoa_error *err)
{
    return stoa_json_parse(text, strlen(text), pol, out, err);
}

static bool ok(const char *text)
{
    cJSON *j = NULL;
    stoa_error err = {0};
    stoa_result r = parse(text, NULL, &j, &err);
    cJSON_Delete(j);
    return r == STOA_OK;
}

static bool refused(const char *text, stoa_result want, const char *why)
{
    cJSON *j = (cJSON *)1;
    stoa_error err = {0};
    stoa_result r = parse(text, &(stoa_json_policy){.flags = STOA_JSON_EXACT_INTEGERS}, &j, &err);
    bool good = r == want && j == NULL && (!why || strstr(err.message, why));
    if (!good)
        fprintf(stderr, "  %s -> %d %s\n", text, r, err.message);
    if (r == STOA_OK)
        cJSON_Delete(j);
    return good;
}

STOA_TEST(json_reads_what_rfc8259_allows)
{
    const char *good[] = {"0", "-0", "1.5e3", "-12.25E-2", "true", "false", "null", "\"\"",
                          "[]", "{}", " [ 1 , 2 ] ", "{\"a\":{\"b\":[null,{}]}}", "\"\\u00e9\\ud83d\\ude00\"",
                          "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"",
                          "1e308", "2.2250738585072014e-308", "\t\r\n{}\n"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        CHECK_MSG(ok(good[i]), "%s", good[i]);
    cJSON *j = NULL;
    stoa_error err = {0};
    CHECK(parse("{\"b\":1,\"a\":[true,\"x\\u00e9\"]}", NULL, &j, &err) == STOA_OK);
    char *s = cJSON_PrintUnformatted(j);
    CHECK_STR(s, "{\"b\":1,\"a\":[true,\"x\xc3\xa9\"]}"); // document order kept
    free(s);
    cJSON_Delete(j);
}

STOA_TEST(json_refuses_what_it_does_not)
{
    const char *bad[] = {"", " ", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "0x10", "NaN", "Infinity",
                         "'a'", "[1 2]", "{\"a\" 1}", "{a:1}", "tru", "nul", "[", "{", "\"abc", "[1]]",
                         "1 2", "\xef\xbb\xbf{}", "/*c*/1", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "{\"a\":}",
                         "[,1]", "-", "1e", "1e+", "{\"a\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_MSG(refused(bad[i], STOA_ERROR_PARSE, NULL), "%s", bad[i]);
}

STOA_TEST(json_strings_are_valid_utf8_without_nul)
{
    CHECK(refused("\"a\\u0000b\"", STOA_ERROR_PARSE, "\\u0000"));
    CHECK(refused("{\"id\\u0000x\":1}", STOA_ERROR_PARSE, "\\u0000"));
    CHECK(refused("\"\\ud800\"", STOA_ERROR_PARSE, "surrogate"));
    CHECK(refused("\"\\udc00\\ud800\"", STOA_ERROR_PARSE, "surrogate"));
    CHECK(refused("\"\\ud800\\u0041\"", STOA_ERROR_PARSE, "surrogate"));
    const char *bad_utf8[] = {"\"\x80\"", "\"\xc0\xaf\"", "\"\xc1\xbf\"", "\"\xe0\x80\xaf\"",
                              "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"",
                              "\"\xff\"", "\"\xc3\"", "\"\xe4\xb8\"", "\"\xf0\x9f\x98\"", "[\xc3\xa9]"};
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof *bad_utf8; i++)
        CHECK_MSG(refused(bad_utf8[i], STOA_ERROR_PARSE, NULL), "case %zu", i);
    CHECK(refused("\"a\tb\"", STOA_ERROR_PARSE, "control"));
    CHECK(refused("\"a\nb\"", STOA_ERROR_PARSE, "control"));
    // A raw NUL byte in the buffer is not the end of the text.
    cJSON *j = NULL;
    stoa_error err = {0};
    CHECK(stoa_json_parse("\"a\0b\"", 5, NULL, &j, &err) == STOA_ERROR_PARSE && !j);
    CHECK(stoa_json_parse("{}\0", 3, NULL, &j, &err) == STOA_ERROR_PARSE && !j);
    // The error names the byte, never quotes the input.
    CHECK(refused("[\"secret\xff\"]", STOA_ERROR_PARSE, "at byte 8"));
}

STOA_TEST(json_numbers_must_fit)
{
    CHECK(refused("1e999", STOA_ERROR_PARSE, "out of range"));
    CHECK(refused("-1e999", STOA_ERROR_PARSE, "out of range"));
    CHECK(refused("[1e-999]", STOA_ERROR_PARSE, "too small"));
    CHECK(refused("12345678901234567890", STOA_ERROR_PARSE, "2^53"));
    CHECK(refused("-9007199254740993", STOA_ERROR_PARSE, "2^53"));
    // Written with a fraction or exponent, but printed back (cJSON: 17 digits)
    // as an integer beyond 2^53: refused, so that what is accepted reads back.
    CHECK(refused("44444444444444043.44", STOA_ERROR_PARSE, "2^53"));
    CHECK(refused("[-9007199254740993.5]", STOA_ERROR_PARSE, "2^53"));
    CHECK(refused("4.4444444444444043e16", STOA_ERROR_PARSE, "2^53"));
    const char *prints_back[] = {"9007199254740992.0",   "1e16",  "4.5e16", "-4.5e16",  "1e17",
                                 "123456789012345678.5", "1e300", "0.1",    "-12.25E-2"};
    for (size_t i = 0; i < sizeof prints_back / sizeof *prints_back; i++) {
        const stoa_json_policy exact = {.flags = STOA_JSON_EXACT_INTEGERS};
        cJSON *j = NULL, *again = NULL;
        stoa_error e = {0};
        CHECK(parse(prints_back[i], &exact, &j, &e) == STOA_OK);
        char *t = j ? cJSON_PrintUnformatted(j) : NULL;
        CHECK(t && stoa_json_parse_str(t, &exact, &again, &e) == STOA_OK &&
              cJSON_Compare(j, again, 1));
        if (!t || !again)
            fprintf(stderr, "  %s -> %s: %s\n", prints_back[i], t ? t : "(none)", e.message);
        free(t);
        cJSON_Delete(again);
        cJSON_Delete(j);
    }
    CHECK(ok("12345678901234567890")); // without EXACT_INTEGERS: a double
    CHECK(ok("0e999"));                // zero is zero
    cJSON *inf = NULL;
    stoa_error e2 = {0};
    CHECK(parse("[1e999]", &(stoa_json_policy){.flags = STOA_JSON_ALLOW_OVERFLOW}, &inf, &e2) == STOA_OK);
    CHECK(inf && isinf(cJSON_GetArrayItem(inf, 0)->valuedouble)); // for formats that name the field themselves
    cJSON_Delete(inf);
    CHECK(ok("0.000e-999"));
    cJSON *j = NULL;
    stoa_error err = {0};
    CHECK(parse("[9007199254740992,1.5e300,-0.0]", &(stoa_json_policy){.flags = STOA_JSON_EXACT_INTEGERS},
                &j, &err) == STOA_OK);
    CHECK(cJSON_GetArrayItem(j, 0)->valuedouble == 9007199254740992.0);
    cJSON_Delete(j);
    // A long number is read whole.
    char big[2100] = "0.";
    memset(big + 2, '5', 2000);
    big[2002] = 0;
    CHECK(ok(big));
}

STOA_TEST(json_duplicate_keys_refused_unless_allowed)
{
    CHECK(refused("{\"id\":\"a\",\"id\":\"b\"}", STOA_ERROR_PARSE, "duplicate"));
    CHECK(refused("{\"x\":{\"a\":1,\"b\":2,\"a\":3}}", STOA_ERROR_PARSE, "duplicate"));
    CHECK(ok("{\"a\":{\"a\":{\"a\":1}}}")); // same name at different levels is fine
    // A big object (the sorted path) with one repeat at its end, and one without.
    size_t n = 5000;
    char *s = malloc(n * 16 + 64), *p = s;
    p += sprintf(p, "{");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s\"k%zu\":%zu", i ? "," : "", i, i);
    strcpy(p, "}");
    CHECK(ok(s));
    strcpy(p, ",\"k17\":0}");
    CHECK(refused(s, STOA_ERROR_PARSE, "duplicate"));
    cJSON *j = NULL;
    stoa_error err = {0};
    CHECK(parse("{\"a\":1,\"a\":2}", &(stoa_json_policy){.flags = STOA_JSON_ALLOW_DUPLICATE_KEYS}, &j, &err) == STOA_OK);
    cJSON_Delete(j);
    free(s);
}

STOA_TEST(json_limits_are_checked_before_growth)
{
    // A million levels: refused at the limit, without recursion.
    size_t n = 1000000;
    char *deep = malloc(2 * n + 1);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = 0;
    cJSON *j = NULL;
    stoa_error err = {0};
    CHECK(stoa_json_parse(deep, 2 * n, &(stoa_json_policy){.max_bytes = 4 * n}, &j, &err) == STOA_ERROR_LIMIT);
    CHECK_CONTAINS(err.message, "nested too deep");
    CHECK(j == NULL);
    // 64 levels is the default and is fine; 65 is not.
    CHECK(stoa_json_parse(deep + n - 64, 128, NULL, &j, &err) == STOA_OK);
    CHECK(stoa_json_depth(j) == 64);
    cJSON_Delete(j);
    char d65[200];
    memset(d65, '[', 65);
    memset(d65 + 65, ']', 65);
    CHECK(stoa_json_parse(d65, 130, NULL, &j, &err) == STOA_ERROR_LIMIT);
    // Deep objects too.
    char *objs = malloc(6 * n + 8), *p = objs;
    for (size_t i = 0; i < 1000; i++)
        p += sprintf(p, "{\"a\":");
    p += sprintf(p, "1");
    for (size_t i = 0; i < 1000; i++)
        *p++ = '}';
    CHECK(stoa_json_parse(objs, (size_t)(p - objs), &(stoa_json_policy){.max_depth = 600}, &j, &err) == STOA_ERROR_LIMIT);
    CHECK(stoa_json_parse(objs, (size_t)(p - objs), &(stoa_json_policy){.max_depth = 2000}, &j, &err) == STOA_ERROR_LIMIT);
    // Size: refused before reading.
    CHECK(stoa_json_parse("[1,2,3]", 7, &(stoa_json_policy){.max_bytes = 6}, &j, &err) == STOA_ERROR_LIMIT);
    // Count: an array of many tiny values.
    CHECK(stoa_json_parse("[0,0,0,0,0]", 11, &(stoa_json_policy){.max_nodes = 5}, &j, &err) == STOA_ERROR_LIMIT);
    CHECK(stoa_json_parse("[0,0,0,0]", 9, &(stoa_json_policy){.max_nodes = 5}, &j, &err) == STOA_OK);
    cJSON_Delete(j);
    free(deep);
    free(objs);
}

STOA_TEST(json_depth_measures_without_recursion)
{
    enum { N = 100000 };
    cJSON **nodes = malloc((N + 1) * sizeof *nodes);
    nodes[0] = cJSON_CreateArray();
    for (int i = 0; i < N; i++) { // built by code, far past any parse limit
        nodes[i + 1] = cJSON_CreateArray();
        cJSON_AddItemToArray(nodes[i], cJSON_CreateNumber(i));
        cJSON_AddItemToArray(nodes[i], nodes[i + 1]);
    }
    CHECK(stoa_json_depth(nodes[0]) == N + 1);
    CHECK(stoa_json_depth(cJSON_GetArrayItem(nodes[0], 0)) == 0);
    for (int i = N; i > 0; i--) // from the bottom up: cJSON_Delete recurses
        cJSON_Delete(cJSON_DetachItemFromArray(nodes[i - 1], 1));
    cJSON_Delete(nodes[0]);
    free(nodes);
    cJSON *j = NULL;
    stoa_error err = {0};
    CHECK(parse("{\"a\":[1,{\"b\":[[]]}],\"c\":{}}", NULL, &j, &err) == STOA_OK);
    CHECK(stoa_json_depth(j) == 5);
    cJSON_Delete(j);
}

STOA_TEST_MAIN()
