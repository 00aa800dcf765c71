// SPDX-License-Identifier: Apache-2.0
// Internals shared by the files of runtime/lesson. Not installed.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lesson/stoa_lesson.h"

// ---- arena: every allocation of a lesson, freed at once by destroy ---------

typedef struct lesson_arena_block lesson_arena_block;
typedef struct lesson_arena {
    lesson_arena_block *head;
    bool failed; // an allocation failed (the parse reports out of memory)
} lesson_arena;

void *lesson_arena_alloc(lesson_arena *a, size_t size); // zeroed, 16-aligned; NULL on failure
char *lesson_arena_strndup(lesson_arena *a, const char *s, size_t n);
char *lesson_arena_strdup(lesson_arena *a, const char *s);
void lesson_arena_free(lesson_arena *a);

struct stoa_lesson_private {
    lesson_arena arena;
};

// ---- expressions -----------------------------------------------------------

typedef enum lesson_expr_op {
    LX_NUM = 0,
    LX_VAR,      // a lesson variable (var >= 0) or built-in (LX_SCORE, LX_ELAPSED)
    LX_NOT,
    LX_NEG,
    LX_MUL, LX_DIV, LX_MOD,
    LX_ADD, LX_SUB,
    LX_LT, LX_LE, LX_GT, LX_GE,
    LX_EQ, LX_NE,
    LX_AND, LX_OR,
} lesson_expr_op;

#define LX_BUILTIN_SCORE (-2)
#define LX_BUILTIN_ELAPSED (-3)

typedef struct lesson_expr_node {
    lesson_expr_op op;
    double num;
    const char *name; // LX_VAR
    int32_t var;      // LX_VAR after resolution
    int32_t a, b;     // operand node indices
} lesson_expr_node;

struct stoa_lesson_expr {
    uint32_t count;
    lesson_expr_node *nodes;
    int32_t root;
};

// Compiles src. On a syntax error returns NULL, sets *err_offset (byte offset
// into src) and writes a message into msg.
stoa_lesson_expr *lesson_expr_parse(lesson_arena *a, const char *src, size_t *err_offset,
                                    char *msg, size_t msg_size);
// Calls fn for every variable name the expression reads (built-ins excluded).
void lesson_expr_each_var(const stoa_lesson_expr *e, void (*fn)(void *user, lesson_expr_node *n),
                          void *user);
typedef double (*lesson_var_lookup)(void *user, int32_t var);
double lesson_expr_eval(const stoa_lesson_expr *e, lesson_var_lookup lookup, void *user);
// True when the expression reads no variable and is non-zero.
bool lesson_expr_constant_true(const stoa_lesson_expr *e);

// ---- misc ------------------------------------------------------------------

// Case-insensitive ASCII comparison of language tags.
bool lesson_lang_eq(const char *a, const char *b);
size_t lesson_edit_distance(const char *a, const char *b);
