// SPDX-License-Identifier: Apache-2.0
// A tiny test harness: each test file is one ctest executable.
//
//   STOA_TEST(name) { CHECK(x == 1); CHECK_STR(a, b); }
//   int main(void) { return stoa_test_run_all(); }   // via STOA_TEST_MAIN()
//
// A failed CHECK prints file:line and the expression and marks the test
// failed; the test goes on so that one run shows every failure.
#pragma once

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ctest reports a test that exits with this code as skipped, not passed.
#define STOA_TEST_SKIP 77

// The folder of the Khronos sample models ($STOA_GLTF_SAMPLES, else
// ../shared/gltf-samples): an extra that a fresh clone does not have. When
// it is absent, says why on stdout and exits with STOA_TEST_SKIP.
const char *stoa_test_require_samples(void);
// out = $STOA_TESTMODELS/rel: Stoa's own generated models (tools/testmodels).
void stoa_test_model(char *out, size_t size, const char *rel);

typedef void (*stoa_test_fn)(void);
typedef struct stoa_test_case {
    const char *name;
    stoa_test_fn fn;
} stoa_test_case;

#define STOA_TEST_MAX 256
extern stoa_test_case stoa_test_cases[STOA_TEST_MAX];
extern int stoa_test_count;
extern int stoa_test_failed_checks;

#define STOA_TEST(name)                                                                            \
    static void name(void);                                                                        \
    __attribute__((constructor)) static void register_##name(void)                                \
    {                                                                                              \
        if (stoa_test_count < STOA_TEST_MAX)                                                       \
            stoa_test_cases[stoa_test_count++] = (stoa_test_case){#name, name};                   \
    }                                                                                              \
    static void name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            stoa_test_failed_checks++;                                                             \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            stoa_test_failed_checks++;                                                             \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *sa_ = (a), *sb_ = (b);                                                         \
        if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                                               \
            fprintf(stderr, "%s:%d: CHECK_STR failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__,     \
                    sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                                   \
            stoa_test_failed_checks++;                                                             \
        }                                                                                          \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                                \
    do {                                                                                           \
        const char *h_ = (hay), *n_ = (needle);                                                    \
        if (!h_ || !strstr(h_, n_)) {                                                              \
            fprintf(stderr, "%s:%d: CHECK_CONTAINS failed: \"%s\" does not contain \"%s\"\n",      \
                    __FILE__, __LINE__, h_ ? h_ : "(null)", n_);                                   \
            stoa_test_failed_checks++;                                                             \
        }                                                                                          \
    } while (0)

#define CHECK_NEAR(a, b, eps)                                                                      \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (eps))) {                                                           \
            fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s = %g, %s = %g\n", __FILE__, __LINE__,    \
                    #a, a_, #b, b_);                                                               \
            stoa_test_failed_checks++;                                                             \
        }                                                                                          \
    } while (0)

// Runs every registered test (or those named in argv) and prints
// "N passed, N failed".
int stoa_test_main(int argc, char **argv);
#define STOA_TEST_MAIN()                                                                           \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        return stoa_test_main(argc, argv);                                                         \
    }
