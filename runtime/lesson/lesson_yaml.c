// SPDX-License-Identifier: Apache-2.0
// Typed access to libyaml's document tree with errors that name the field
// and its line and column.
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson_parse.h"

stoa_lesson_loc lp_loc(const yaml_node_t *n)
{
    if (!n)
        return (stoa_lesson_loc){0, 0};
    return (stoa_lesson_loc){(uint32_t)n->start_mark.line + 1, (uint32_t)n->start_mark.column + 1};
}

stoa_lesson_loc lp_loc_in(const yaml_node_t *n, size_t offset)
{
    stoa_lesson_loc l = lp_loc(n);
    if (n && n->type == YAML_SCALAR_NODE && (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
                                             n->data.scalar.style == YAML_ANY_SCALAR_STYLE))
        l.column += (uint32_t)offset;
    else if (n && (n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                   n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE))
        l.column += (uint32_t)offset + 1; // past the opening quote
    return l;
}

const char *lp_kind(const yaml_node_t *n)
{
    if (!n)
        return "nothing";
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a string";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a map";
    default: return "nothing";
    }
}

static void lp_report(lp *p, stoa_lesson_severity sev, stoa_lesson_loc loc, const char *code,
                      const char *fmt, va_list ap)
{
    char msg[480];
    vsnprintf(msg, sizeof msg, fmt, ap);
    stoa_lesson_diags_add(p->diags, sev, loc, code, "%s", msg);
    if (sev == STOA_LESSON_SEV_ERROR) {
        if (p->errors == 0)
            stoa_error_set(p->err, STOA_ERROR_PARSE, "%s:%u:%u: %s", p->file, loc.line, loc.column,
                           msg);
        p->errors++;
    }
}

void lp_error(lp *p, stoa_lesson_loc loc, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lp_report(p, STOA_LESSON_SEV_ERROR, loc, code, fmt, ap);
    va_end(ap);
}

void lp_warn(lp *p, stoa_lesson_loc loc, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lp_report(p, STOA_LESSON_SEV_WARNING, loc, code, fmt, ap);
    va_end(ap);
}

bool lp_spend(lp *p, const yaml_node_t *n)
{
    if (p->budget == 0)
        return false;
    if (--p->budget == 0)
        lp_error(p, lp_loc(n), "too-large",
                 "the lesson expands to too many elements (aliases repeated too often?)");
    return p->budget > 0;
}

yaml_node_t *lp_node(lp *p, int id)
{
    return yaml_document_get_node(p->doc, id);
}

uint32_t lp_len(const yaml_node_t *n)
{
    if (!n)
        return 0;
    if (n->type == YAML_MAPPING_NODE)
        return (uint32_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    if (n->type == YAML_SEQUENCE_NODE)
        return (uint32_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    return 0;
}

yaml_node_t *lp_item(lp *p, yaml_node_t *list, uint32_t i)
{
    return lp_node(p, list->data.sequence.items.start[i]);
}

const char *lp_key_of(lp *p, yaml_node_t *map, uint32_t pair)
{
    yaml_node_t *k = lp_node(p, map->data.mapping.pairs.start[pair].key);
    return k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : NULL;
}

yaml_node_t *lp_value_of(lp *p, yaml_node_t *map, uint32_t pair)
{
    return lp_node(p, map->data.mapping.pairs.start[pair].value);
}

bool lp_keys(lp *p, yaml_node_t *n, const char *where, const char *const *allowed,
             uint32_t count)
{
    if (!n || n->type != YAML_MAPPING_NODE) {
        lp_error(p, lp_loc(n), "type", "%s must be a map, not %s", where, lp_kind(n));
        return false;
    }
    uint32_t len = lp_len(n);
    for (uint32_t i = 0; i < len; i++) {
        yaml_node_t *k = lp_node(p, n->data.mapping.pairs.start[i].key);
        const char *key = lp_key_of(p, n, i);
        if (!key) {
            lp_error(p, lp_loc(k), "type", "a key in %s must be a string, not %s", where,
                     lp_kind(k));
            continue;
        }
        bool known = false;
        for (uint32_t j = 0; j < count && !known; j++)
            known = strcmp(key, allowed[j]) == 0;
        if (!known) {
            const char *s = stoa_lesson_suggest(key, allowed, count);
            if (s)
                lp_error(p, lp_loc(k), "unknown-key", "unknown key '%s' in %s; did you mean '%s'?",
                         key, where, s);
            else
                lp_error(p, lp_loc(k), "unknown-key", "unknown key '%s' in %s", key, where);
            continue;
        }
        for (uint32_t j = 0; j < i; j++) {
            const char *other = lp_key_of(p, n, j);
            if (other && strcmp(other, key) == 0) {
                lp_error(p, lp_loc(k), "duplicate-key", "duplicate key '%s' in %s", key, where);
                break;
            }
        }
    }
    return true;
}

yaml_node_t *lp_get(lp *p, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    uint32_t len = lp_len(map);
    for (uint32_t i = 0; i < len; i++) {
        const char *k = lp_key_of(p, map, i);
        if (k && strcmp(k, key) == 0)
            return lp_value_of(p, map, i);
    }
    return NULL;
}

yaml_node_t *lp_need(lp *p, yaml_node_t *map, const char *key, const char *where)
{
    yaml_node_t *v = lp_get(p, map, key);
    if (!v)
        lp_error(p, lp_loc(map), "missing-field", "missing required field '%s' in %s", key, where);
    return v;
}

bool lp_string(lp *p, yaml_node_t *n, const char *field, const char **out)
{
    if (!n || n->type != YAML_SCALAR_NODE) {
        lp_error(p, lp_loc(n), "type", "'%s' must be a string, not %s", field, lp_kind(n));
        return false;
    }
    if (n->data.scalar.length == 0) {
        lp_error(p, lp_loc(n), "type", "'%s' must not be empty", field);
        return false;
    }
    if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
        lp_error(p, lp_loc(n), "type", "'%s' contains a NUL character", field);
        return false;
    }
    *out = lesson_arena_strndup(p->arena, (const char *)n->data.scalar.value,
                                n->data.scalar.length);
    return *out != NULL;
}

bool lp_number(lp *p, yaml_node_t *n, const char *field, double *out)
{
    if (n && n->type == YAML_SCALAR_NODE && n->data.scalar.style != YAML_SINGLE_QUOTED_SCALAR_STYLE &&
        n->data.scalar.style != YAML_DOUBLE_QUOTED_SCALAR_STYLE && n->data.scalar.length > 0) {
        const char *s = (const char *)n->data.scalar.value;
        char *end;
        double v = strtod(s, &end);
        if (end != s && *end == '\0' && isfinite(v) && !isspace((unsigned char)s[0]) &&
            (isdigit((unsigned char)s[0]) || s[0] == '-' || s[0] == '+' || s[0] == '.')) {
            *out = v;
            return true;
        }
    }
    if (n && n->type == YAML_SCALAR_NODE)
        lp_error(p, lp_loc(n), "type", "'%s' must be a number, not '%.60s'", field,
                 (const char *)n->data.scalar.value);
    else
        lp_error(p, lp_loc(n), "type", "'%s' must be a number, not %s", field, lp_kind(n));
    return false;
}

bool lp_bool(lp *p, yaml_node_t *n, const char *field, bool *out)
{
    if (n && n->type == YAML_SCALAR_NODE) {
        const char *s = (const char *)n->data.scalar.value;
        if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "on") == 0) {
            *out = true;
            return true;
        }
        if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 || strcmp(s, "off") == 0) {
            *out = false;
            return true;
        }
    }
    lp_error(p, lp_loc(n), "type", "'%s' must be true or false", field);
    return false;
}

static bool valid_lang(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
            return false;
    return true;
}

bool lp_text(lp *p, yaml_node_t *n, const char *field, stoa_lesson_text *out)
{
    memset(out, 0, sizeof *out);
    out->loc = lp_loc(n);
    if (n && n->type == YAML_SCALAR_NODE) {
        stoa_lesson_text_entry *e = lesson_arena_alloc(p->arena, sizeof *e);
        if (!e || !lp_string(p, n, field, &e->value))
            return false;
        out->count = 1;
        out->entries = e;
        return true;
    }
    if (!n || n->type != YAML_MAPPING_NODE || lp_len(n) == 0) {
        lp_error(p, lp_loc(n), "type",
                 "'%s' must be a string or a map from language to string, not %s", field,
                 n && n->type == YAML_MAPPING_NODE ? "an empty map" : lp_kind(n));
        return false;
    }
    uint32_t len = lp_len(n);
    stoa_lesson_text_entry *e = lesson_arena_alloc(p->arena, len * sizeof *e);
    if (!e)
        return false;
    uint32_t count = 0;
    for (uint32_t i = 0; i < len; i++) {
        yaml_node_t *k = lp_node(p, n->data.mapping.pairs.start[i].key);
        const char *lang = lp_key_of(p, n, i);
        if (!lang || !valid_lang(lang)) {
            lp_error(p, lp_loc(k), "type", "'%s': '%s' is not a language tag (e.g. en, zh-CN)",
                     field, lang ? lang : "?");
            continue;
        }
        bool dup = false;
        for (uint32_t j = 0; j < count && !dup; j++)
            dup = lesson_lang_eq(e[j].lang, lang);
        if (dup) {
            lp_error(p, lp_loc(k), "duplicate-key", "duplicate language '%s' in '%s'", lang,
                     field);
            continue;
        }
        char what[96];
        snprintf(what, sizeof what, "%s.%s", field, lang);
        if (!lp_string(p, lp_value_of(p, n, i), what, &e[count].value))
            continue;
        e[count].lang = lesson_arena_strdup(p->arena, lang);
        count++;
    }
    out->count = count;
    out->entries = e;
    return count == len;
}

bool lp_names(lp *p, yaml_node_t *n, const char *field, uint32_t *out_count,
              const char ***out_names, const stoa_lesson_loc **out_locs)
{
    if (!n) {
        lp_error(p, lp_loc(n), "type", "'%s' must be a name or a list of names", field);
        return false;
    }
    uint32_t len = n && n->type == YAML_SEQUENCE_NODE ? lp_len(n) : 1;
    if (n && n->type == YAML_MAPPING_NODE) {
        lp_error(p, lp_loc(n), "type", "'%s' must be a name or a list of names, not a map", field);
        return false;
    }
    const char **names = lesson_arena_alloc(p->arena, (len ? len : 1) * sizeof *names);
    stoa_lesson_loc *locs = lesson_arena_alloc(p->arena, (len ? len : 1) * sizeof *locs);
    if (!names || !locs)
        return false;
    bool ok = true;
    for (uint32_t i = 0; i < len; i++) {
        yaml_node_t *item = n->type == YAML_SEQUENCE_NODE ? lp_item(p, n, i) : n;
        locs[i] = lp_loc(item);
        ok = lp_string(p, item, field, &names[i]) && ok;
    }
    *out_count = len;
    *out_names = names;
    if (out_locs)
        *out_locs = locs;
    return ok;
}

int32_t lp_var(lp *p, const char *name, double initial)
{
    for (uint32_t i = 0; i < p->var_count; i++)
        if (strcmp(p->vars[i], name) == 0)
            return (int32_t)i;
    if (p->var_count == p->var_cap) {
        uint32_t cap = p->var_cap ? p->var_cap * 2 : 16;
        const char **v = realloc(p->vars, cap * sizeof *v);
        if (!v)
            return -1;
        p->vars = v;
        double *d = realloc(p->var_init, cap * sizeof *d);
        if (!d)
            return -1;
        p->var_init = d;
        p->var_cap = cap;
    }
    p->vars[p->var_count] = name;
    p->var_init[p->var_count] = initial;
    return (int32_t)p->var_count++;
}
