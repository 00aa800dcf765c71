// SPDX-License-Identifier: Apache-2.0
// The lesson file: top level and states. Actions and triggers are in
// lesson_parse_steps.c and lesson_parse_triggers.c.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "lesson_parse.h"
#include "stoa_lesson_check.h"

enum { LESSON_MAX_BYTES = 4 << 20 };

static const char *const k_top_keys[] = {"stoa_lesson", "id",    "title",     "description",
                                         "languages",   "scene", "start",     "variables",
                                         "states",      "survey",
                                         "presentation", "environment", "tabletop", "sky"};
static const char *const k_state_keys[] = {"title",    "concepts",         "weight",
                                           "key_nodes", "expected_seconds", "skip_to",
                                           "on_enter", "triggers",         "task"};
#define COUNT(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static bool is_var_name(const char *s)
{
    if (!isalpha((unsigned char)s[0]) && s[0] != '_')
        return false;
    for (const char *c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.')
            return false;
    static const char *const reserved[] = {"score", "elapsed", "true", "false", "and", "or", "not"};
    for (uint32_t i = 0; i < COUNT(reserved); i++)
        if (strcmp(s, reserved[i]) == 0)
            return false;
    return true;
}

static void parse_languages(lp *p, yaml_node_t *n, stoa_lesson *L)
{
    if (!n)
        return;
    const stoa_lesson_loc *locs;
    if (!lp_names(p, n, "languages", &L->language_count, &L->languages, &locs))
        return;
    for (uint32_t i = 0; i < L->language_count; i++) {
        for (const char *c = L->languages[i]; *c; c++)
            if (!isalnum((unsigned char)*c) && *c != '-') {
                lp_error(p, locs[i], "type", "'%s' is not a language tag (e.g. en, zh-CN)",
                         L->languages[i]);
                break;
            }
        for (uint32_t j = 0; j < i; j++)
            if (lesson_lang_eq(L->languages[i], L->languages[j]))
                lp_error(p, locs[i], "duplicate-key", "language '%s' is listed twice",
                         L->languages[i]);
    }
}

static void parse_variables(lp *p, yaml_node_t *n)
{
    if (!n)
        return;
    if (n->type != YAML_MAPPING_NODE) {
        lp_error(p, lp_loc(n), "type", "'variables' must be a map from name to value, not %s",
                 lp_kind(n));
        return;
    }
    for (uint32_t i = 0; i < lp_len(n); i++) {
        yaml_node_t *k = lp_node(p, n->data.mapping.pairs.start[i].key);
        const char *name = lp_key_of(p, n, i);
        yaml_node_t *v = lp_value_of(p, n, i);
        if (!name || !is_var_name(name)) {
            lp_error(p, lp_loc(k), "bad-name",
                     "'%s' is not a variable name (letters, digits, '_' and '.'; not a "
                     "built-in such as score)",
                     name ? name : "?");
            continue;
        }
        double value = 0;
        bool b;
        if (v && v->type == YAML_SCALAR_NODE &&
            (strcmp((const char *)v->data.scalar.value, "true") == 0 ||
             strcmp((const char *)v->data.scalar.value, "false") == 0)) {
            lp_bool(p, v, name, &b);
            value = b;
        } else if (!lp_number(p, v, name, &value)) {
            continue;
        }
        for (uint32_t j = 0; j < p->var_count; j++)
            if (strcmp(p->vars[j], name) == 0)
                lp_error(p, lp_loc(k), "duplicate-key", "variable '%s' is declared twice", name);
        lp_var(p, lesson_arena_strdup(p->arena, name), value);
    }
    p->lesson->declared_var_count = p->var_count;
}

static void parse_state(lp *p, yaml_node_t *key, yaml_node_t *n, stoa_lesson_state *st)
{
    st->loc = lp_loc(key);
    st->weight = 1;
    st->skip_index = -1;
    char where[160];
    snprintf(where, sizeof where, "state '%s'", st->name);
    if (!lp_keys(p, n, where, k_state_keys, COUNT(k_state_keys)))
        return;
    yaml_node_t *v;
    if ((v = lp_get(p, n, "title")))
        lp_text(p, v, "title", &st->title);
    if ((v = lp_get(p, n, "concepts")))
        lp_names(p, v, "concepts", &st->concept_count, &st->concepts, NULL);
    if ((v = lp_get(p, n, "weight")) && lp_number(p, v, "weight", &st->weight) && st->weight < 0)
        lp_error(p, lp_loc(v), "range", "'weight' must not be negative");
    if ((v = lp_get(p, n, "key_nodes")))
        lp_names(p, v, "key_nodes", &st->key_node_count, &st->key_nodes, &st->key_node_locs);
    if ((v = lp_get(p, n, "expected_seconds")) &&
        lp_number(p, v, "expected_seconds", &st->expected_seconds) && st->expected_seconds <= 0)
        lp_error(p, lp_loc(v), "range", "'expected_seconds' must be greater than 0");
    if ((v = lp_get(p, n, "skip_to")) && lp_string(p, v, "skip_to", &st->skip_to))
        st->skip_loc = lp_loc(v);
    if ((v = lp_get(p, n, "on_enter")))
        lp_parse_steps(p, v, st);
    if ((v = lp_get(p, n, "task")))
        lp_parse_task(p, v, st);
    if ((v = lp_get(p, n, "triggers")))
        lp_parse_triggers(p, v, st);
}

static void parse_states(lp *p, yaml_node_t *n, stoa_lesson *L)
{
    if (!n)
        return;
    if (n->type != YAML_MAPPING_NODE || lp_len(n) == 0) {
        lp_error(p, lp_loc(n), "type", "'states' must be a map from state name to state, not %s",
                 n->type == YAML_MAPPING_NODE ? "an empty map" : lp_kind(n));
        return;
    }
    uint32_t len = lp_len(n);
    stoa_lesson_state *states = lesson_arena_alloc(p->arena, len * sizeof *states);
    if (!states)
        return;
    L->states = states;
    for (uint32_t i = 0; i < len && lp_spend(p, n); i++) {
        yaml_node_t *k = lp_node(p, n->data.mapping.pairs.start[i].key);
        const char *name = lp_key_of(p, n, i);
        stoa_lesson_state *st = &states[L->state_count];
        if (!name || !*name) {
            lp_error(p, lp_loc(k), "type", "a state name must be a non-empty string");
            continue;
        }
        if (stoa_lesson_find_state(L, name) >= 0) {
            lp_error(p, lp_loc(k), "duplicate-key", "duplicate state '%s'", name);
            continue;
        }
        st->name = lesson_arena_strdup(p->arena, name);
        L->state_count++;
        p->state = st->name;
        p->state_index = L->state_count - 1;
        parse_state(p, k, lp_value_of(p, n, i), st);
    }
    p->state = NULL;
}

// Reports an unknown state name with the closest existing one.
static int32_t resolve_state(lp *p, const char *name, stoa_lesson_loc loc, const char *field)
{
    const stoa_lesson *L = p->lesson;
    int32_t idx = stoa_lesson_find_state(L, name);
    if (idx >= 0 || !name)
        return idx;
    const char **names = malloc((L->state_count + 1) * sizeof *names);
    const char *s = NULL;
    if (names) {
        for (uint32_t i = 0; i < L->state_count; i++)
            names[i] = L->states[i].name;
        s = stoa_lesson_suggest(name, names, L->state_count);
    }
    if (s)
        lp_error(p, loc, "unknown-state", "'%s' names unknown state '%s'; did you mean '%s'?",
                 field, name, s);
    else
        lp_error(p, loc, "unknown-state", "'%s' names unknown state '%s'", field, name);
    free(names);
    return -1;
}

static void resolve_var_node(void *user, lesson_expr_node *n)
{
    n->var = lp_var(user, n->name, 0);
}

static void resolve(lp *p, stoa_lesson *L)
{
    for (uint32_t s = 0; s < L->state_count; s++) {
        stoa_lesson_state *st = (stoa_lesson_state *)&L->states[s];
        if (st->skip_to)
            st->skip_index = resolve_state(p, st->skip_to, st->skip_loc, "skip_to");
        for (uint32_t t = 0; t < st->trigger_count; t++) {
            stoa_lesson_trigger *tr = (stoa_lesson_trigger *)&st->triggers[t];
            if (tr->target)
                tr->target_index = resolve_state(p, tr->target, tr->target_loc, "goto");
            for (uint32_t b = 0; b < tr->branch_count; b++) {
                stoa_lesson_branch *br = (stoa_lesson_branch *)&tr->branches[b];
                br->target_index = resolve_state(p, br->target, br->loc, "goto");
            }
            if (tr->expr)
                lesson_expr_each_var(tr->expr, resolve_var_node, p);
        }
    }
}

static void finish(lp *p, stoa_lesson *L)
{
    L->quiz_count = p->quiz_count;
    L->quizzes = lesson_arena_alloc(p->arena, (p->quiz_count + 1) * sizeof *L->quizzes);
    if (L->quizzes && p->quiz_count)
        memcpy(L->quizzes, p->quizzes, p->quiz_count * sizeof *L->quizzes);
    L->var_count = p->var_count;
    const char **names = lesson_arena_alloc(p->arena, (p->var_count + 1) * sizeof *names);
    double *init = lesson_arena_alloc(p->arena, (p->var_count + 1) * sizeof *init);
    if (names && init && p->var_count) {
        memcpy(names, p->vars, p->var_count * sizeof *names);
        memcpy(init, p->var_init, p->var_count * sizeof *init);
    }
    L->var_names = names;
    L->var_initial = init;
}

static void parse_root(lp *p, yaml_node_t *root, stoa_lesson *L)
{
    if (!lp_keys(p, root, "the lesson", k_top_keys, COUNT(k_top_keys)))
        return;
    yaml_node_t *v;
    double version;
    if ((v = lp_get(p, root, "stoa_lesson")) && lp_number(p, v, "stoa_lesson", &version) &&
        version != 1)
        lp_error(p, lp_loc(v), "version", "this Stoa reads lesson format 1, not %g", version);
    if ((v = lp_need(p, root, "id", "the lesson")))
        lp_string(p, v, "id", &L->id);
    if ((v = lp_need(p, root, "title", "the lesson")))
        lp_text(p, v, "title", &L->title);
    if ((v = lp_get(p, root, "description")))
        lp_text(p, v, "description", &L->description);
    parse_languages(p, lp_need(p, root, "languages", "the lesson"), L);
    if ((v = lp_need(p, root, "scene", "the lesson")) && lp_string(p, v, "scene", &L->scene)) {
        L->scene_loc = lp_loc(v);
        char out[4096];
        stoa_error perr = {0};
        if (stoa_lesson_resolve_path("lessons/x.yaml", L->scene, out, sizeof out, &perr) != STOA_OK)
            lp_error(p, L->scene_loc, "unsafe-path",
                     "scene '%s' is not a relative path inside the lesson's folder (or the "
                     "folder above a 'lessons' folder)",
                     L->scene);
    }
    yaml_node_t *start = lp_need(p, root, "start", "the lesson");
    if (start)
        lp_string(p, start, "start", &L->start);
    parse_variables(p, lp_get(p, root, "variables"));
    parse_states(p, lp_need(p, root, "states", "the lesson"), L);
    lp_parse_survey(p, lp_get(p, root, "survey"), L);
    lp_parse_ar(p, root, L);
    lp_parse_sky(p, lp_get(p, root, "sky"), L);
    if (L->start && L->state_count)
        L->start_index = resolve_state(p, L->start, lp_loc(start), "start");
    resolve(p, L);
    finish(p, L);
}

static stoa_result syntax_error(lp *p, yaml_parser_t *parser)
{
    stoa_lesson_loc loc = {(uint32_t)parser->problem_mark.line + 1,
                           (uint32_t)parser->problem_mark.column + 1};
    const char *problem = parser->problem ? parser->problem : "malformed YAML";
    if (parser->context)
        lp_error(p, loc, "syntax", "YAML syntax error: %s %s", problem, parser->context);
    else
        lp_error(p, loc, "syntax", "YAML syntax error: %s", problem);
    return STOA_ERROR_PARSE;
}

// libyaml's scanner walks every open flow collection for each token it
// reads, so "[[[[...]]]]" costs time quadratic in its depth (400 KB took
// 82 s). One linear pass first bounds that depth; a lesson never needs more.
enum { LESSON_MAX_FLOW_DEPTH = 64 };

static bool flow_depth_ok(const char *text, size_t size, stoa_lesson_loc *at)
{
    int depth = 0;
    uint32_t line = 1, col = 0;
    char quote = 0, prev = '\n'; // prev: the last character that was not a space
    bool comment = false;
    for (size_t i = 0; i < size; i++) {
        char c = text[i];
        col++;
        if (c == '\n') {
            line++, col = 0, comment = false, prev = '\n';
            continue;
        }
        if (comment)
            continue;
        if (quote) {
            if (c == '\\' && quote == '"')
                i++, col++;
            else if (c == quote)
                quote = 0;
            prev = c;
            continue;
        }
        if (c == ' ' || c == '\t') {
            if (prev != '\n')
                prev = ' ';
            continue;
        }
        // A token starts here: at a line's start, after an indicator, or anywhere inside [ ] / { }.
        bool start = depth > 0 || prev == '\n' || prev == ' ' || strchr("[{,:-?", prev);
        if (c == '#' && (prev == '\n' || prev == ' ')) {
            comment = true;
        } else if ((c == '\'' || c == '"') && (prev == '\n' || strchr("[{,:-? ", prev))) {
            quote = c;
        } else if ((c == '[' || c == '{') && start) {
            if (++depth > LESSON_MAX_FLOW_DEPTH) {
                *at = (stoa_lesson_loc){line, col};
                return false;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
        prev = c;
    }
    return true;
}

stoa_result stoa_lesson_parse(const char *text, size_t size, const stoa_lesson_parse_desc *desc,
                              stoa_lesson **out_lesson, stoa_lesson_diags *diags, stoa_error *err)
{
    if (!out_lesson || (!text && size))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "stoa_lesson_parse: bad argument");
    *out_lesson = NULL;
    const char *file = desc && desc->file_name ? desc->file_name : "lesson";
    lp p = {.diags = diags, .err = err, .file = file};
    if (size > LESSON_MAX_BYTES) {
        lp_error(&p, (stoa_lesson_loc){0, 0}, "too-large", "the file is larger than 4 MiB");
        return STOA_ERROR_LIMIT;
    }
    struct stoa_lesson_private *priv = calloc(1, sizeof *priv);
    if (!priv)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    stoa_lesson *L = lesson_arena_alloc(&priv->arena, sizeof *L);
    if (!L) {
        free(priv);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    L->priv = priv;
    L->file_name = lesson_arena_strdup(&priv->arena, file);
    L->start_index = -1;
    p.lesson = L;
    p.arena = &priv->arena;

    stoa_lesson_loc deep;
    if (text && !flow_depth_ok(text, size, &deep)) {
        lp_error(&p, deep, "too-deep", "[ ] and { } nested deeper than %d levels", LESSON_MAX_FLOW_DEPTH);
        stoa_lesson_destroy(&L);
        return STOA_ERROR_LIMIT;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    stoa_result r = STOA_OK;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""), size);
    if (!yaml_parser_load(&parser, &doc)) {
        r = syntax_error(&p, &parser);
        yaml_parser_delete(&parser);
        stoa_lesson_destroy(&L);
        return r;
    }
    p.doc = &doc;
    p.budget = 16 * (uint64_t)(doc.nodes.top - doc.nodes.start) + 4096;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root)
        lp_error(&p, (stoa_lesson_loc){1, 1}, "empty", "the file holds no lesson");
    else
        parse_root(&p, root, L);
    if (priv->arena.failed && p.errors == 0)
        lp_error(&p, (stoa_lesson_loc){0, 0}, "memory", "out of memory");
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    free(p.quizzes);
    free(p.vars);
    free(p.var_init);
    if (p.errors) {
        if (desc && desc->keep_partial && !priv->arena.failed) {
            *out_lesson = L;
            return STOA_ERROR_PARSE;
        }
        stoa_lesson_destroy(&L);
        return STOA_ERROR_PARSE;
    }
    *out_lesson = L;
    return r;
}

static stoa_result load_file(const char *path, bool partial, stoa_lesson **out_lesson,
                             stoa_lesson_diags *diags, stoa_error *err)
{
    uint8_t *data = NULL;
    size_t size = 0;
    *out_lesson = NULL;
    stoa_result r = stoa_file_read(path, LESSON_MAX_BYTES, &data, &size, err);
    if (r == STOA_ERROR_LIMIT && diags) // an error of the lesson, like any other: never "0 errors"
        stoa_lesson_diags_add(diags, STOA_LESSON_SEV_ERROR, (stoa_lesson_loc){0, 0}, "too-large",
                              "the file is larger than 4 MiB");
    if (r != STOA_OK)
        return r;
    r = stoa_lesson_parse((const char *)data, size, &(stoa_lesson_parse_desc){.file_name = path, .keep_partial = partial},
                          out_lesson, diags, err);
    free(data);
    return r;
}

stoa_result stoa_lesson_load_file(const char *path, stoa_lesson **out_lesson,
                                  stoa_lesson_diags *diags, stoa_error *err)
{
    return load_file(path, false, out_lesson, diags, err);
}

stoa_result stoa_lesson_load_file_partial(const char *path, stoa_lesson **out_lesson,
                                          stoa_lesson_diags *diags, stoa_error *err)
{
    return load_file(path, true, out_lesson, diags, err);
}

void stoa_lesson_destroy(stoa_lesson **lesson)
{
    if (!lesson || !*lesson)
        return;
    struct stoa_lesson_private *priv = (*lesson)->priv;
    lesson_arena_free(&priv->arena);
    free(priv);
    *lesson = NULL;
}
