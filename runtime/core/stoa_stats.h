// SPDX-License-Identifier: Apache-2.0
// Small statistics over arrays of doubles, for benchmarks and reports.
#pragma once

#include <stddef.h>

// Sorts v ascending, in place.
void stoa_sort_doubles(double *v, size_t n);
// The median of v (the mean of the two middle values when n is even);
// sorts v in place. NaN when n is 0.
double stoa_median(double *v, size_t n);
