// SPDX-License-Identifier: Apache-2.0
// The files `stoa bench load` benches (see bench_files.h and cmd_bench.c).
#include <cjson/cJSON.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_files.h"
#include "core/stoa_json.h"
#include "stoa_cli.h"

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

// $STOA_GLTF_SAMPLES (when set, the only place looked at), else
// ../shared/gltf-samples beside the source tree (seen from the working folder
// or from the build folder holding `stoa`).
bool bench_find_samples(char *out, size_t size)
{
    const char *env = getenv("STOA_GLTF_SAMPLES");
    if (env && *env) {
        snprintf(out, size, "%s", env);
        return is_dir(env);
    }
    const char *dir = stoa_cli_exe_dir();
    const char *candidates[] = {"../shared/gltf-samples", "%s/../../shared/gltf-samples",
                                "%s/../shared/gltf-samples"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(out, size, candidates[i], dir);
        if (is_dir(out))
            return true;
    }
    return false;
}

// $STOA_TESTMODELS, else testmodels/ beside the binary (the build folder,
// where the `testmodels` target writes them), else ./testmodels.
bool bench_find_testmodels(char *out, size_t size)
{
    const char *env = getenv("STOA_TESTMODELS");
    if (env && *env) {
        snprintf(out, size, "%s", env);
        return is_dir(env);
    }
    snprintf(out, size, "%s/testmodels", stoa_cli_exe_dir());
    if (is_dir(out))
        return true;
    snprintf(out, size, "testmodels");
    return is_dir(out);
}

// A list of files to bench, owned strings.

int bench_list_add(file_list *l, const char *root, const char *rel)
{
    char **grown = realloc(l->path, (size_t)(l->count + 1) * sizeof *grown);
    if (!grown)
        return 1;
    l->path = grown;
    size_t len = (root ? strlen(root) + 1 : 0) + strlen(rel) + 1;
    if (!(l->path[l->count] = malloc(len)))
        return 1;
    snprintf(l->path[l->count], len, "%s%s%s", root ? root : "", root ? "/" : "", rel);
    l->count++;
    return 0;
}

void bench_list_free(file_list *l)
{
    for (int i = 0; i < l->count; i++)
        free(l->path[i]);
    free(l->path);
    *l = (file_list){0};
}

// Reads a whole small file; NULL when it cannot.
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)n + 1))) {
        if (fread(text, 1, (size_t)n, f) != (size_t)n) {
            free(text);
            text = NULL;
        } else {
            text[n] = '\0';
        }
    }
    fclose(f);
    return text;
}

// Appends every model of the generated set's manifest.json ("models"[].file;
// the "refused" bad-input files are not benched).
int bench_testmodel_files(const char *root, file_list *out)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/manifest.json", root);
    char *text = read_text(path);
    if (!text) {
        fprintf(stderr, "stoa bench: cannot read %s\n", path);
        return 1;
    }
    cJSON *doc = NULL;
    stoa_error jerr = {0};
    if (stoa_json_parse_str(text, &(stoa_json_policy){.max_bytes = 16u << 20}, &doc, &jerr) != STOA_OK)
        fprintf(stderr, "stoa bench: %s: %s\n", path, jerr.message);
    free(text);
    const cJSON *models = cJSON_GetObjectItemCaseSensitive(doc, "models");
    int rc = cJSON_IsArray(models) ? 0 : 1;
    if (rc)
        fprintf(stderr, "stoa bench: %s: no \"models\" array\n", path);
    const cJSON *m;
    cJSON_ArrayForEach(m, models)
    {
        const cJSON *file = cJSON_GetObjectItemCaseSensitive(m, "file");
        if (rc == 0 && !cJSON_IsString(file)) {
            fprintf(stderr, "stoa bench: %s: a model without a \"file\" string\n", path);
            rc = 1;
        }
        if (rc == 0)
            rc = bench_list_add(out, root, file->valuestring);
    }
    cJSON_Delete(doc);
    return rc;
}

// Appends the sample MANIFEST's files that Assimp can read.
int bench_sample_files(const char *root, file_list *out)
{
    char path[PATH_MAX + 32], line[4096];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", root);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "stoa bench: cannot read %s\n", path);
        return 1;
    }
    bool header = true;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        if (header) {
            header = false;
            continue;
        }
        char *fields[8] = {0};
        int n = 0;
        for (char *p = line; p && n < 8; n++) {
            fields[n] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (n < 7 || strncmp(fields[6], "yes", 3) != 0)
            continue;
        rc = bench_list_add(out, root, fields[2]);
    }
    fclose(f);
    return rc;
}

// The compressed and quantized variants of the generated models that
// tests/gltf/test_gltf_variants.py leaves (gltfpack, glTF Transform):
// $STOA_GLTF_VARIANTS, else test-output/gltf-variants beside the binary.
// Sorted, so each model's variants sit together.
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int bench_variant_files(char *root, file_list *out)
{
    const char *env = getenv("STOA_GLTF_VARIANTS");
    if (env && *env)
        snprintf(root, PATH_MAX, "%s", env);
    else
        snprintf(root, PATH_MAX, "%s/test-output/gltf-variants", stoa_cli_exe_dir());
    DIR *d = opendir(root);
    if (!d) {
        fprintf(stderr, "stoa bench: no compressed variants at %s (ctest -R test_gltf_variants "
                        "makes them)\n", root);
        return 0;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".glb") == 0)
            rc = bench_list_add(out, root, e->d_name);
    }
    closedir(d);
    if (out->count > 1)
        qsort(out->path, (size_t)out->count, sizeof *out->path, cmp_str);
    return rc;
}

