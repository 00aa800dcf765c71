// SPDX-License-Identifier: Apache-2.0
// Conditions on lesson variables: a small recursive-descent parser into a
// node array, and its evaluator. No eval, no side effects.
//
//   expr    := or
//   or      := and (("||" | "or") and)*
//   and     := cmp (("&&" | "and") cmp)*
//   cmp     := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
//   sum     := product (("+" | "-") product)*
//   product := unary (("*" | "/" | "%") unary)*
//   unary   := ("!" | "not" | "-") unary | primary
//   primary := NUMBER | "true" | "false" | NAME | "(" expr ")"
//
// Values are doubles; true is 1, false 0; && and || give 0 or 1.
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson_internal.h"

enum { EXPR_MAX_NODES = 256, EXPR_MAX_DEPTH = 48 };

typedef struct xp {
    lesson_arena *arena;
    const char *src;
    size_t pos;
    lesson_expr_node nodes[EXPR_MAX_NODES];
    uint32_t count;
    int depth;
    bool failed;
    size_t err_pos;
    char *msg;
    size_t msg_size;
} xp;

static void xp_fail(xp *p, size_t pos, const char *what)
{
    if (p->failed)
        return;
    p->failed = true;
    p->err_pos = pos;
    snprintf(p->msg, p->msg_size, "%s", what);
}

static void skip_ws(xp *p)
{
    while (p->src[p->pos] == ' ' || p->src[p->pos] == '\t' || p->src[p->pos] == '\n' ||
           p->src[p->pos] == '\r')
        p->pos++;
}

static int32_t add_node(xp *p, lesson_expr_op op, int32_t a, int32_t b)
{
    if (p->count >= EXPR_MAX_NODES) {
        xp_fail(p, p->pos, "expression is too long");
        return -1;
    }
    lesson_expr_node *n = &p->nodes[p->count];
    memset(n, 0, sizeof *n);
    n->op = op;
    n->a = a;
    n->b = b;
    n->var = -1;
    return (int32_t)p->count++;
}

static bool is_name_start(char c)
{
    return isalpha((unsigned char)c) || c == '_';
}
static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.';
}

// Matches a keyword or operator at the cursor; keywords must end at a
// non-name character so that "order" is not "or".
static bool accept(xp *p, const char *tok)
{
    skip_ws(p);
    size_t n = strlen(tok);
    if (strncmp(p->src + p->pos, tok, n) != 0)
        return false;
    if (is_name_start(tok[0]) && is_name_char(p->src[p->pos + n]))
        return false;
    p->pos += n;
    return true;
}

static int32_t parse_or(xp *p);

static int32_t parse_primary(xp *p)
{
    skip_ws(p);
    const char *s = p->src + p->pos;
    if (*s == '(') {
        size_t open = p->pos;
        p->pos++;
        int32_t e = parse_or(p);
        if (p->failed)
            return -1;
        if (!accept(p, ")")) {
            xp_fail(p, open, "unbalanced '(': expected ')'");
            return -1;
        }
        return e;
    }
    if (isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]))) {
        char *end;
        double v = strtod(s, &end);
        if (!isfinite(v)) {
            xp_fail(p, p->pos, "number out of range");
            return -1;
        }
        int32_t n = add_node(p, LX_NUM, -1, -1);
        if (n >= 0)
            p->nodes[n].num = v;
        p->pos += (size_t)(end - s);
        return n;
    }
    if (is_name_start(*s)) {
        size_t len = 0;
        while (is_name_char(s[len]))
            len++;
        if (len == 4 && strncmp(s, "true", 4) == 0) {
            p->pos += len;
            int32_t n = add_node(p, LX_NUM, -1, -1);
            if (n >= 0)
                p->nodes[n].num = 1;
            return n;
        }
        if (len == 5 && strncmp(s, "false", 5) == 0) {
            p->pos += len;
            return add_node(p, LX_NUM, -1, -1);
        }
        int32_t n = add_node(p, LX_VAR, -1, -1);
        if (n < 0)
            return -1;
        p->nodes[n].name = lesson_arena_strndup(p->arena, s, len);
        if (len == 5 && strncmp(s, "score", 5) == 0)
            p->nodes[n].var = LX_BUILTIN_SCORE;
        else if (len == 7 && strncmp(s, "elapsed", 7) == 0)
            p->nodes[n].var = LX_BUILTIN_ELAPSED;
        p->pos += len;
        return n;
    }
    if (*s == '\0')
        xp_fail(p, p->pos, "expression ends too early: expected a number, a name or '('");
    else
        xp_fail(p, p->pos, "expected a number, a name or '('");
    return -1;
}

static int32_t parse_unary(xp *p)
{
    if (++p->depth > EXPR_MAX_DEPTH) {
        xp_fail(p, p->pos, "expression is nested too deeply");
        return -1;
    }
    int32_t r;
    if (accept(p, "!") || accept(p, "not")) {
        int32_t a = parse_unary(p);
        r = p->failed ? -1 : add_node(p, LX_NOT, a, -1);
    } else if (accept(p, "-")) {
        int32_t a = parse_unary(p);
        r = p->failed ? -1 : add_node(p, LX_NEG, a, -1);
    } else {
        r = parse_primary(p);
    }
    p->depth--;
    return r;
}

static int32_t parse_product(xp *p)
{
    int32_t l = parse_unary(p);
    while (!p->failed) {
        lesson_expr_op op;
        if (accept(p, "*"))
            op = LX_MUL;
        else if (accept(p, "/"))
            op = LX_DIV;
        else if (accept(p, "%"))
            op = LX_MOD;
        else
            break;
        int32_t r = parse_unary(p);
        if (p->failed)
            return -1;
        l = add_node(p, op, l, r);
    }
    return p->failed ? -1 : l;
}

static int32_t parse_sum(xp *p)
{
    int32_t l = parse_product(p);
    while (!p->failed) {
        lesson_expr_op op;
        if (accept(p, "+"))
            op = LX_ADD;
        else if (accept(p, "-"))
            op = LX_SUB;
        else
            break;
        int32_t r = parse_product(p);
        if (p->failed)
            return -1;
        l = add_node(p, op, l, r);
    }
    return p->failed ? -1 : l;
}

static int32_t parse_cmp(xp *p)
{
    int32_t l = parse_sum(p);
    if (p->failed)
        return -1;
    static const struct {
        const char *tok;
        lesson_expr_op op;
    } ops[] = {{"<=", LX_LE}, {">=", LX_GE}, {"==", LX_EQ}, {"!=", LX_NE},
               {"<", LX_LT},  {">", LX_GT}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (accept(p, ops[i].tok)) {
            int32_t r = parse_sum(p);
            return p->failed ? -1 : add_node(p, ops[i].op, l, r);
        }
    }
    skip_ws(p);
    if (p->src[p->pos] == '=') {
        xp_fail(p, p->pos, "'=' is not a comparison: write '=='");
        return -1;
    }
    return l;
}

static int32_t parse_and(xp *p)
{
    int32_t l = parse_cmp(p);
    while (!p->failed && (accept(p, "&&") || accept(p, "and"))) {
        int32_t r = parse_cmp(p);
        if (p->failed)
            return -1;
        l = add_node(p, LX_AND, l, r);
    }
    return p->failed ? -1 : l;
}

static int32_t parse_or(xp *p)
{
    if (++p->depth > EXPR_MAX_DEPTH) {
        xp_fail(p, p->pos, "expression is nested too deeply");
        return -1;
    }
    int32_t l = parse_and(p);
    while (!p->failed && (accept(p, "||") || accept(p, "or"))) {
        int32_t r = parse_and(p);
        if (p->failed)
            return -1;
        l = add_node(p, LX_OR, l, r);
    }
    p->depth--;
    return p->failed ? -1 : l;
}

stoa_lesson_expr *lesson_expr_parse(lesson_arena *a, const char *src, size_t *err_offset,
                                    char *msg, size_t msg_size)
{
    xp *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(msg, msg_size, "out of memory");
        *err_offset = 0;
        return NULL;
    }
    p->arena = a;
    p->src = src;
    p->msg = msg;
    p->msg_size = msg_size;
    int32_t root = parse_or(p);
    skip_ws(p);
    if (!p->failed && p->src[p->pos] != '\0') {
        if (p->src[p->pos] == '&' || p->src[p->pos] == '|')
            xp_fail(p, p->pos, "single '&' or '|': write '&&' or '||'");
        else
            xp_fail(p, p->pos, "unexpected text after the expression");
    }
    stoa_lesson_expr *e = NULL;
    if (!p->failed) {
        e = lesson_arena_alloc(a, sizeof *e);
        lesson_expr_node *nodes = lesson_arena_alloc(a, p->count * sizeof *nodes);
        if (e && nodes) {
            memcpy(nodes, p->nodes, p->count * sizeof *nodes);
            e->nodes = nodes;
            e->count = p->count;
            e->root = root;
        } else {
            e = NULL;
            snprintf(msg, msg_size, "out of memory");
            *err_offset = 0;
        }
    } else {
        *err_offset = p->err_pos;
    }
    free(p);
    return e;
}

void lesson_expr_each_var(const stoa_lesson_expr *e, void (*fn)(void *user, lesson_expr_node *n),
                          void *user)
{
    for (uint32_t i = 0; e && i < e->count; i++)
        if (e->nodes[i].op == LX_VAR && e->nodes[i].var != LX_BUILTIN_SCORE &&
            e->nodes[i].var != LX_BUILTIN_ELAPSED)
            fn(user, &e->nodes[i]);
}

static double eval_node(const stoa_lesson_expr *e, int32_t i, lesson_var_lookup lookup,
                        void *user)
{
    const lesson_expr_node *n = &e->nodes[i];
    switch (n->op) {
    case LX_NUM: return n->num;
    case LX_VAR: return lookup ? lookup(user, n->var) : 0;
    case LX_NOT: return eval_node(e, n->a, lookup, user) == 0;
    case LX_NEG: return -eval_node(e, n->a, lookup, user);
    case LX_AND:
        return eval_node(e, n->a, lookup, user) != 0 && eval_node(e, n->b, lookup, user) != 0;
    case LX_OR:
        return eval_node(e, n->a, lookup, user) != 0 || eval_node(e, n->b, lookup, user) != 0;
    default: break;
    }
    double a = eval_node(e, n->a, lookup, user), b = eval_node(e, n->b, lookup, user);
    switch (n->op) {
    case LX_MUL: return a * b;
    // Division by zero gives 0 rather than inf/nan so that comparisons stay sane.
    case LX_DIV: return b == 0 ? 0 : a / b;
    case LX_MOD: return b == 0 ? 0 : fmod(a, b);
    case LX_ADD: return a + b;
    case LX_SUB: return a - b;
    case LX_LT: return a < b;
    case LX_LE: return a <= b;
    case LX_GT: return a > b;
    case LX_GE: return a >= b;
    case LX_EQ: return a == b;
    case LX_NE: return a != b;
    default: return 0;
    }
}

double lesson_expr_eval(const stoa_lesson_expr *e, lesson_var_lookup lookup, void *user)
{
    if (!e || e->count == 0 || e->root < 0)
        return 0;
    double v = eval_node(e, e->root, lookup, user);
    return isfinite(v) ? v : 0;
}

bool lesson_expr_constant_true(const stoa_lesson_expr *e)
{
    if (!e)
        return false;
    for (uint32_t i = 0; i < e->count; i++)
        if (e->nodes[i].op == LX_VAR)
            return false;
    return lesson_expr_eval(e, NULL, NULL) != 0;
}
