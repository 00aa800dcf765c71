// SPDX-License-Identifier: Apache-2.0
// The tabletop model's hand-set scale kept beside its anchor
// (runtime/run/run_ar_keep.c): the file's parser on good, bad and mutated
// text (bounded, nothing out of range comes through), and a save and load
// in a state folder of the test's own.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_ar_keep.h"
#include "stoa_test.h"

static run_ar_kept g_out[256];

static uint32_t parse(const char *text)
{
    memset(g_out, 0, sizeof g_out);
    return run_ar_keep_parse(text, strlen(text), g_out, 256);
}

STOA_TEST(keep_parses_good_lines)
{
    CHECK(parse("stoa-tabletop 1\nstoa.tabletop.agora\t0.04\t-12.5\nb\t1\t0\n") == 2);
    CHECK(strcmp(g_out[0].name, "stoa.tabletop.agora") == 0);
    CHECK(fabsf(g_out[0].scale - 0.04f) < 1e-6f && fabsf(g_out[0].turn_deg + 12.5f) < 1e-4f);
    CHECK(strcmp(g_out[1].name, "b") == 0 && g_out[1].scale == 1.0f);
    // No final newline; a name twice: the later wins.
    CHECK(parse("stoa-tabletop 1\na\t0.5\t0\na\t0.25\t90") == 1);
    CHECK(g_out[0].scale == 0.25f && g_out[0].turn_deg == 90.0f);
}

STOA_TEST(keep_skips_bad_lines)
{
    CHECK(parse("") == 0);
    CHECK(parse("stoa-tabletop 2\na\t0.5\t0\n") == 0); // another version
    CHECK(parse("a\t0.5\t0\n") == 0);                  // no header
    const char *bad[] = {"a 0.5 0",     "\t0.5\t0",      "a\t0.5",  "a\t0.5\t0\tx", "a\tnan\t0",
                         "a\t0.5\tinf", "a\t2\t0",       "a\t0\t0", "a\t-0.5\t0",   "a\t0.5\t1000",
                         "a\t0.5x\t0",  "a\x01\t0.5\t0", "a\t\t0",  "a\t0.5\t"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[256];
        snprintf(text, sizeof text, "stoa-tabletop 1\n%s\nok\t0.5\t0\n", bad[i]);
        CHECK(parse(text) == 1);
        CHECK(strcmp(g_out[0].name, "ok") == 0);
    }
}

STOA_TEST(keep_is_bounded)
{
    // 300 entries: 256 are taken; a line over 511 bytes is skipped.
    size_t cap = 300 * 40 + 2000;
    char *text = malloc(cap);
    CHECK(text != NULL);
    if (!text)
        return;
    size_t n = (size_t)snprintf(text, cap, "stoa-tabletop 1\n");
    memset(text + n, 'x', 600);
    n += 600;
    n += (size_t)snprintf(text + n, cap - n, "\t0.5\t0\n");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(text + n, cap - n, "anchor.%d\t0.5\t0\n", i);
    memset(g_out, 0, sizeof g_out);
    CHECK(run_ar_keep_parse(text, n, g_out, 256) == 256);
    CHECK(strcmp(g_out[0].name, "anchor.0") == 0);
    CHECK(run_ar_keep_parse(text, n, g_out, 3) == 3);
    free(text);
}

STOA_TEST(keep_survives_mutations)
{
    static const char base[] = "stoa-tabletop 1\nstoa.tabletop.agora.tabletop\t0.04\t-0.02\n"
                               "stoa.tabletop.x.Headset A\t0.5\t180\n";
    char text[sizeof base];
    uint32_t seed = 17, taken = 0;
    for (int round = 0; round < 5000; round++) {
        memcpy(text, base, sizeof base);
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % (sizeof base - 1);
            seed = seed * 1103515245u + 12345u;
            text[at] = (char)(seed >> 16);
        }
        memset(g_out, 0, sizeof g_out);
        uint32_t n = run_ar_keep_parse(text, sizeof base - 1, g_out, 256);
        CHECK(n <= 2);
        taken += n;
        for (uint32_t i = 0; i < n; i++) {
            CHECK(g_out[i].scale >= 1e-4f && g_out[i].scale <= 1.0f && isfinite(g_out[i].turn_deg));
            for (const char *c = g_out[i].name; *c; c++)
                CHECK((unsigned char)*c >= 0x20 && *c != '\t');
        }
    }
    CHECK(taken > 1000); // most mutations leave a line standing
}

STOA_TEST(keep_saves_and_loads)
{
    char dir[] = "/tmp/stoa-keep-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    setenv("XDG_STATE_HOME", dir, 1);
    run_ar_kept k;
    CHECK(!run_ar_keep_load("stoa.tabletop.a", &k)); // nothing kept yet
    CHECK(run_ar_keep_save("stoa.tabletop.a", 0.04f, 30.0f));
    CHECK(run_ar_keep_save("stoa.tabletop.b", 0.5f, 0.0f));
    CHECK(run_ar_keep_save("stoa.tabletop.a", 0.08f, -45.0f)); // replaced
    CHECK(run_ar_keep_load("stoa.tabletop.a", &k) && k.scale == 0.08f && k.turn_deg == -45.0f);
    CHECK(run_ar_keep_load("stoa.tabletop.b", &k) && k.scale == 0.5f);
    CHECK(!run_ar_keep_save("bad\tname", 0.5f, 0.0f));
    char path[256];
    snprintf(path, sizeof path, "%s/stoa/tabletop.txt", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/stoa", dir);
    rmdir(path);
    rmdir(dir);
}

STOA_TEST_MAIN()
