// SPDX-License-Identifier: Apache-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/stoa_lesson_check.h"
#include "lesson_internal.h"

void stoa_lesson_diags_init(stoa_lesson_diags *d)
{
    memset(d, 0, sizeof *d);
}

void stoa_lesson_diags_fini(stoa_lesson_diags *d)
{
    free(d->items);
    memset(d, 0, sizeof *d);
}

void stoa_lesson_diags_add(stoa_lesson_diags *d, stoa_lesson_severity sev, stoa_lesson_loc loc,
                           const char *code, const char *fmt, ...)
{
    if (!d)
        return;
    // Past this many, more messages only bury the first ones.
    if (d->count >= 1000)
        return;
    if (d->count == d->capacity) {
        uint32_t cap = d->capacity ? d->capacity * 2 : 16;
        stoa_lesson_diag *items = realloc(d->items, cap * sizeof *items);
        if (!items)
            return;
        d->items = items;
        d->capacity = cap;
    }
    stoa_lesson_diag *g = &d->items[d->count++];
    memset(g, 0, sizeof *g);
    g->severity = sev;
    g->line = loc.line;
    g->column = loc.column;
    snprintf(g->code, sizeof g->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->message, sizeof g->message, fmt, ap);
    va_end(ap);
    if (sev == STOA_LESSON_SEV_ERROR)
        d->errors++;
    else if (sev == STOA_LESSON_SEV_NOTE)
        d->notes++;
    else
        d->warnings++;
}

static int diag_cmp(const void *pa, const void *pb)
{
    const stoa_lesson_diag *a = pa, *b = pb;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->column != b->column)
        return a->column < b->column ? -1 : 1;
    return strcmp(a->message, b->message);
}

void stoa_lesson_diags_sort(stoa_lesson_diags *d)
{
    if (d->count > 1)
        qsort(d->items, d->count, sizeof *d->items, diag_cmp);
}

const char *stoa_lesson_severity_str(stoa_lesson_severity sev)
{
    return sev == STOA_LESSON_SEV_ERROR ? "error" : sev == STOA_LESSON_SEV_NOTE ? "note" : "warning";
}

void stoa_lesson_diag_format(const stoa_lesson_diag *g, const char *file, char *out,
                             size_t out_size)
{
    const char *sev = stoa_lesson_severity_str(g->severity);
    snprintf(out, out_size, "%s:%u:%u: %s: %s [%s]", file ? file : "lesson", g->line, g->column,
             sev, g->message, g->code);
}

// Optimal string alignment distance: Levenshtein plus adjacent
// transpositions, so "titel" is one edit from "title".
size_t lesson_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *stoa_lesson_suggest(const char *word, const char *const *candidates, uint32_t count)
{
    size_t len = strlen(word);
    size_t limit = len / 3;
    if (limit < 1)
        limit = 1;
    if (limit > 3)
        limit = 3;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (uint32_t i = 0; i < count; i++) {
        size_t d = lesson_edit_distance(word, candidates[i]);
        // Replacing every letter is no suggestion ('a' for 'z').
        if (d >= len || d >= strlen(candidates[i]))
            continue;
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}
