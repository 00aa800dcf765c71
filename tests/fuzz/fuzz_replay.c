// SPDX-License-Identifier: Apache-2.0
// Replay of a libFuzzer harness as a ctest test (no clang needed): every
// corpus file given (files or folders), then --mutate N deterministic
// mutations of each, through LLVMFuzzerTestOneInput. A crash, a sanitizer
// report or an abort() in the harness fails the test. One driver for every
// harness: the mutations cover text (JSON, HTTP, YAML) and binary (glb)
// inputs alike.
//
//   fuzz_hub_ws_replay --mutate 200 tests/fuzz/corpus/ws
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t g_rng = 0x5eed;
static uint32_t rnd(void)
{
    g_rng = g_rng * 1664525u + 1013904223u;
    return g_rng >> 8;
}

// Inserts s (l bytes) at a random place when it fits.
static void insert(uint8_t *d, size_t *n, size_t cap, const void *s, size_t l)
{
    size_t at = rnd() % *n;
    if (*n + l > cap)
        return;
    memmove(d + at + l, d + at, *n - at);
    memcpy(d + at, s, l);
    *n += l;
}

static void mutate(uint8_t *d, size_t *n, size_t cap)
{
    if (*n == 0)
        return;
    switch (rnd() % 8) {
    case 0: // flip bits
        for (int i = 0; i < 1 + (int)(rnd() % 4); i++)
            d[rnd() % *n] ^= (uint8_t)(1u << (rnd() % 8));
        break;
    case 1: // truncate
        *n = rnd() % *n;
        break;
    case 2: { // nest: repeat an opening bracket many times
        uint8_t open[200];
        size_t k = 1 + rnd() % 200;
        memset(open, rnd() % 2 ? '[' : '{', k);
        insert(d, n, cap, open, k);
        break;
    }
    case 3: { // a hostile token
        static const char *const t[] = {"\\u0000", "1e999", "\\ud800", "\xc0\xaf", "\"id\":", "%00",
                                        "\r\n\r\n", "Content-Length: 99999999\r\n", "\xff\xff\xff\xff"};
        const char *tok = t[rnd() % (sizeof t / sizeof *t)];
        insert(d, n, cap, tok, strlen(tok));
        break;
    }
    case 4: // change a digit, e.g. an index or a count
        for (int tries = 0; tries < 64; tries++) {
            size_t at = rnd() % *n;
            if (d[at] >= '0' && d[at] <= '9') {
                d[at] = (uint8_t)("0123456789"[rnd() % 10]);
                break;
            }
        }
        break;
    case 5: // grow a number: huge counts and offsets
        for (int tries = 0; tries < 64; tries++) {
            size_t at = rnd() % *n;
            if (d[at] >= '0' && d[at] <= '9') {
                insert(d, n, cap, "999", 3);
                break;
            }
        }
        break;
    case 6: { // stamp an extreme 32-bit value (binary headers and chunk lengths)
        static const uint32_t v[] = {0, 0xffffffffu, 0x7fffffffu, 0x80000000u, 0x10000u};
        size_t at = rnd() % *n;
        uint32_t x = v[rnd() % 5];
        for (size_t k = 0; k < 4 && at + k < *n; k++)
            d[at + k] = (uint8_t)(x >> (8 * k));
        break;
    }
    default: { // copy a slice over another place
        size_t a = rnd() % *n, b = rnd() % *n, len = rnd() % 64;
        if (a + len > *n)
            len = *n - a;
        if (b + len > *n)
            len = *n - b;
        memmove(d + b, d + a, len);
        break;
    }
    }
}

static int run_file(const char *path, int mutations)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open\n", path);
        return 1;
    }
    size_t cap = 1 << 20;
    uint8_t *seed = malloc(cap), *work = malloc(cap + 4096);
    size_t n = fread(seed, 1, cap, f);
    fclose(f);
    LLVMFuzzerTestOneInput(seed, n);
    for (int m = 0; m < mutations; m++) {
        size_t len = n;
        memcpy(work, seed, n);
        for (int k = 0; k < 1 + (int)(rnd() % 3); k++)
            mutate(work, &len, cap + 4096);
        LLVMFuzzerTestOneInput(work, len);
    }
    free(seed);
    free(work);
    return 0;
}

int main(int argc, char **argv)
{
    int mutations = 0, files = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--mutate") == 0 && i + 1 < argc) {
            mutations = atoi(argv[++i]);
            continue;
        }
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            while (d && (e = readdir(d))) {
                if (e->d_name[0] == '.')
                    continue;
                char p[4096];
                snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
                bad += run_file(p, mutations);
                files++;
            }
            if (d)
                closedir(d);
        } else {
            bad += run_file(argv[i], mutations);
            files++;
        }
    }
    printf("replayed %d corpus files, %d mutations each\n", files, mutations);
    return bad || files == 0;
}
