// SPDX-License-Identifier: Apache-2.0
#include "stoa_stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void stoa_sort_doubles(double *v, size_t n)
{
    if (v && n > 1)
        qsort(v, n, sizeof *v, cmp_double);
}

double stoa_median(double *v, size_t n)
{
    if (!v || n == 0)
        return NAN;
    stoa_sort_doubles(v, n);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
