// SPDX-License-Identifier: Apache-2.0
// The files `stoa bench load` benches (bench_files.c): Stoa's generated test
// models, their compressed variants, the Khronos sample corpus.
#pragma once

#include <stdbool.h>
#include <stddef.h>

// A list of files to bench, owned strings.
typedef struct file_list {
    char **path;
    int count;
} file_list;

int bench_list_add(file_list *l, const char *root, const char *rel);
void bench_list_free(file_list *l);
// $STOA_GLTF_SAMPLES, else ../shared/gltf-samples (see bench_files.c).
bool bench_find_samples(char *out, size_t size);
// $STOA_TESTMODELS, else testmodels/ beside the binary, else ./testmodels.
bool bench_find_testmodels(char *out, size_t size);
// Appends every model of the generated set's manifest.json.
int bench_testmodel_files(const char *root, file_list *out);
// Appends the sample MANIFEST's files that Assimp can read.
int bench_sample_files(const char *root, file_list *out);
// Appends the compressed variants (root gets their folder, PATH_MAX bytes).
int bench_variant_files(char *root, file_list *out);
