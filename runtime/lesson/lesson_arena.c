// SPDX-License-Identifier: Apache-2.0
// A bump allocator: a parsed lesson is many small strings and arrays that
// live and die together, so one free at destroy replaces per-field cleanup
// on every error path of the parser.
#include <stdlib.h>
#include <string.h>

#include "lesson_internal.h"

struct lesson_arena_block {
    lesson_arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_BLOCK = 16384 };

void *lesson_arena_alloc(lesson_arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (size == 0)
        size = 16;
    lesson_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t want = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = malloc(sizeof *b + want);
        if (!b) {
            a->failed = true;
            return NULL;
        }
        b->used = 0;
        b->size = want;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *lesson_arena_strndup(lesson_arena *a, const char *s, size_t n)
{
    char *p = lesson_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *lesson_arena_strdup(lesson_arena *a, const char *s)
{
    return lesson_arena_strndup(a, s, strlen(s));
}

void lesson_arena_free(lesson_arena *a)
{
    lesson_arena_block *b = a->head;
    while (b) {
        lesson_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}
