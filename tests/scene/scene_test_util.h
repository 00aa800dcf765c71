// SPDX-License-Identifier: Apache-2.0
// Helpers for the scene tests: reading a glTF file's JSON independently of
// runtime/scene (so that the tests check the loader against the file, not
// against itself), temporary folders and file copies.
#pragma once

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stoa_test.h"

static inline char *tu_read(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = '\0';
    fclose(f);
    if (size)
        *size = (size_t)n;
    return buf;
}

static inline int tu_write(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, size, f);
    fclose(f);
    return w == size ? 0 : -1;
}

static inline uint32_t tu_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

// The glTF JSON of a .gltf or .glb; *bin gets the .glb BIN chunk (or NULL).
// *file_out must be freed along with the returned cJSON.
static inline cJSON *tu_gltf_json(const char *path, char **file_out, const uint8_t **bin,
                                  size_t *bin_size)
{
    size_t n;
    char *f = tu_read(path, &n);
    *file_out = f;
    if (bin)
        *bin = NULL;
    if (!f)
        return NULL;
    if (n >= 20 && memcmp(f, "glTF", 4) == 0) {
        uint32_t jlen = tu_u32((uint8_t *)f + 12);
        if (bin && 20 + jlen + 8 <= n) {
            *bin = (uint8_t *)f + 20 + jlen + 8;
            *bin_size = tu_u32((uint8_t *)f + 20 + jlen);
        }
        return cJSON_ParseWithLength(f + 20, jlen);
    }
    return cJSON_Parse(f);
}

static inline cJSON *tu_at(const cJSON *o, const char *key, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(o, key), i);
}

static inline int tu_int(const cJSON *o, const char *key, int def)
{
    cJSON *v = cJSON_GetObjectItem(o, key);
    return cJSON_IsNumber(v) ? v->valueint : def;
}

static inline int tu_len(const cJSON *o, const char *key)
{
    return cJSON_GetArraySize(cJSON_GetObjectItem(o, key));
}

// A fresh folder under $TMPDIR; caller removes it with tu_rmdir.
static inline void tu_mkdtemp(char *out, size_t size, const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(out, size, "%s/stoa-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    if (!mkdtemp(out))
        out[0] = '\0';
}

static inline void tu_rmdir(const char *dir)
{
    char cmd[4200];
    if (!dir[0] || strncmp(dir, "/", 1) != 0 || !strstr(dir, "/stoa-"))
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static inline int tu_copy(const char *from, const char *to)
{
    size_t n;
    char *d = tu_read(from, &n);
    if (!d)
        return -1;
    int r = tu_write(to, d, n);
    free(d);
    return r;
}

// The Khronos samples (an extra): exits with ctest's skip code when absent.
static inline const char *tu_samples(void)
{
    return stoa_test_require_samples();
}
