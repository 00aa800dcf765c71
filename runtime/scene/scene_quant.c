// SPDX-License-Identifier: Apache-2.0
// The vertex quantiser's encoders (stoa_scene_quant.h; the scene's
// decisions are in scene_quant_scene.c): each stream is encoded, decoded
// again and compared with the floats, so the error a bound is checked
// against is the one measured, not one derived from the step.
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene_cache.h"
#include "scene/stoa_scene_quant.h"

// (float)q / 65535.0f for every q, the division the decoder does; made once.
static float k_unorm16[65536];
static pthread_once_t k_unorm16_once = PTHREAD_ONCE_INIT;

static void unorm16_init(void)
{
    for (uint32_t q = 0; q < 65536; q++)
        k_unorm16[q] = (float)q / 65535.0f;
}

bool stoa_quant_positions(const float *p, uint32_t n, float bound, uint16_t *out, float offset[3],
                          float *scale, float *max_error)
{
    float flo[3] = {0, 0, 0}, fhi[3] = {0, 0, 0};
    for (uint32_t v = 0; v < n; v++)
        for (int a = 0; a < 3; a++) {
            float x = p[(size_t)v * 3 + a];
            if (!isfinite(x)) {
                *max_error = INFINITY;
                return false;
            }
            flo[a] = v && flo[a] <= x ? flo[a] : x;
            fhi[a] = v && fhi[a] >= x ? fhi[a] : x;
        }
    double lo[3] = {flo[0], flo[1], flo[2]}, hi[3] = {fhi[0], fhi[1], fhi[2]};
    // The smallest power-of-two step whose grid, started at a multiple of
    // the step below the minimum, reaches every axis's maximum in 65535 steps.
    double extent = fmax(hi[0] - lo[0], fmax(hi[1] - lo[1], hi[2] - lo[2]));
    int e = extent > 0 ? (int)ceil(log2(extent / 65535.0)) : -40;
    double step = 0, org[3];
    for (;; e++) {
        step = ldexp(1.0, e);
        bool fits = true;
        for (int a = 0; a < 3; a++) {
            org[a] = floor(lo[a] / step) * step;
            fits &= (hi[a] - org[a]) / step <= 65535.0;
        }
        if (fits)
            break;
    }
    pthread_once(&k_unorm16_once, unorm16_init);
    float s = (float)(step * 65535.0);
    // The step is a power of two: multiplying by its inverse is exact, the
    // same as dividing by it.
    double inv = ldexp(1.0, -e), worst = 0, off[3];
    for (int a = 0; a < 3; a++) {
        offset[a] = (float)org[a];
        off[a] = offset[a];
    }
    for (uint32_t v = 0; v < n; v++) {
        const float *x = p + (size_t)v * 3;
        uint16_t *o = out + (size_t)v * 4;
        for (int a = 0; a < 3; a++) {
            // floor(y) clamped to [0, 65535]; y is finite here.
            double y = ((double)x[a] - off[a]) * inv + 0.5;
            uint32_t q = y < 0.0 ? 0 : y >= 65535.0 ? 65535 : (uint32_t)y;
            // What the GPU computes: offset + scale * (q / 65535).
            float back = offset[a] + s * k_unorm16[q];
            double d = fabs((double)back - x[a]);
            worst = d > worst ? d : worst;
            o[a] = (uint16_t)q;
        }
        o[3] = 0;
        if (worst > bound) {
            *max_error = (float)worst;
            return false;
        }
    }
    *scale = s;
    *max_error = (float)worst;
    return true;
}

static int8_t snorm8(double x)
{
    double q = floor(x * 127.0 + 0.5);
    return (int8_t)(q < -127 ? -127 : q > 127 ? 127 : q);
}

float stoa_quant_directions(const float *v, uint32_t n, bool with_w, int8_t *out)
{
    size_t stride = with_w ? 4 : 3;
    // The largest angle is the acos of the smallest cosine (acos falls
    // monotonically): one acos per array instead of one per vector.
    double least = 1.0;
    for (uint32_t i = 0; i < n; i++) {
        const float *d = v + i * stride;
        double len = sqrt((double)d[0] * d[0] + (double)d[1] * d[1] + (double)d[2] * d[2]);
        int8_t *o = out + (size_t)i * 4;
        if (!(len > 1e-20) || !isfinite(len)) {
            o[0] = o[1] = o[2] = 0;
        } else {
            for (int a = 0; a < 3; a++)
                o[a] = snorm8(d[a] / len);
            double ql = sqrt((double)o[0] * o[0] + (double)o[1] * o[1] + (double)o[2] * o[2]);
            double c = ql > 0 ? (o[0] * d[0] + o[1] * d[1] + o[2] * d[2]) / (ql * len) : -1.0;
            least = c < least ? c : least;
        }
        o[3] = with_w ? (d[3] < 0 ? -127 : 127) : 0;
    }
    return (float)(acos(fmax(-1.0, least)) * 180.0 / M_PI);
}

bool stoa_quant_unorm(const float *v, size_t count, int bits, void *out, float *max_error)
{
    double top = bits == 8 ? 255.0 : 65535.0;
    double worst = 0;
    for (size_t i = 0; i < count; i++) {
        double x = v[i];
        if (!(x >= 0.0 && x <= 1.0)) { // also NaN
            *max_error = INFINITY;
            return false;
        }
        double q = floor(x * top + 0.5);
        worst = fmax(worst, fabs(q / top - x));
        if (bits == 8)
            ((uint8_t *)out)[i] = (uint8_t)q;
        else
            ((uint16_t *)out)[i] = (uint16_t)q;
    }
    *max_error = (float)worst;
    return true;
}

const stoa_scene_quant *stoa_scene_quant_baked(const stoa_scene *scene)
{
    return scene && scene->baked ? scene->baked->quant : NULL;
}
