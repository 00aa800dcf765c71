// SPDX-License-Identifier: Apache-2.0
#include "stoa_test.h"

stoa_test_case stoa_test_cases[STOA_TEST_MAX];
int stoa_test_count;
int stoa_test_failed_checks;

const char *stoa_test_require_samples(void)
{
    // Under ctest, only a test labelled "samples" may read them: the fresh-clone
    // check (tools/test-fresh-clone) runs just those, so an unlabelled reader
    // would never be tried without ../shared.
    const char *labels = getenv("STOA_TEST_LABELS");
    if (labels && !strstr(labels, ",samples,")) {
        printf("FAIL: this test reads the Khronos samples but its CMake entry lacks the "
               "\"samples\" label (labels: %s)\n", labels);
        fflush(stdout);
        exit(1);
    }
    const char *env = getenv("STOA_GLTF_SAMPLES");
    const char *dir = env && *env ? env : "../shared/gltf-samples";
    char manifest[4096];
    snprintf(manifest, sizeof manifest, "%s/MANIFEST.tsv", dir);
    FILE *f = fopen(manifest, "r");
    if (!f) {
        printf("skipped: the Khronos sample models are not at %s (an extra: set "
               "STOA_GLTF_SAMPLES or put ../shared beside the repository)\n", dir);
        fflush(stdout);
        exit(STOA_TEST_SKIP);
    }
    fclose(f);
    return dir;
}

void stoa_test_model(char *out, size_t size, const char *rel)
{
    const char *env = getenv("STOA_TESTMODELS");
    snprintf(out, size, "%s/%s", env && *env ? env : "testmodels", rel);
}

int stoa_test_main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (int i = 0; i < stoa_test_count; i++) {
        if (argc > 1) {
            int wanted = 0;
            for (int a = 1; a < argc; a++)
                wanted |= strcmp(argv[a], stoa_test_cases[i].name) == 0;
            if (!wanted)
                continue;
        }
        int before = stoa_test_failed_checks;
        stoa_test_cases[i].fn();
        if (stoa_test_failed_checks == before) {
            passed++;
            printf("ok   %s\n", stoa_test_cases[i].name);
        } else {
            failed++;
            printf("FAIL %s\n", stoa_test_cases[i].name);
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
