// SPDX-License-Identifier: Apache-2.0
// The curriculum file (docs/curriculum-format.md): concepts with names and
// prerequisites, lessons that teach and assess them. Parsed from text with
// libyaml; errors carry file:line:column; a prerequisite cycle is an error.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "eval_internal.h"

char *ev_strdup(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s ? s : "", n);
    return d;
}

const char *ev_pick_name(const cJSON *map, const char *language, const char *fallback)
{
    if (!cJSON_IsObject(map) || !map->child)
        return fallback;
    if (language) {
        const cJSON *e;
        cJSON_ArrayForEach(e, map) if (cJSON_IsString(e) && strcmp(e->string, language) == 0) return e->valuestring;
        // "zh" finds "zh-CN", "zh-TW" finds "zh-CN": the same primary language
        size_t primary = strcspn(language, "-");
        cJSON_ArrayForEach(e, map) if (cJSON_IsString(e) && strncmp(e->string, language, primary) == 0 &&
                                       (e->string[primary] == '-' || e->string[primary] == 0)) return e->valuestring;
    }
    return cJSON_IsString(map->child) ? map->child->valuestring : fallback;
}

long ev_curriculum_find(const stoa_eval_curriculum *c, const char *id)
{
    for (size_t i = 0; c && id && i < c->n_concepts; i++)
        if (strcmp(c->concepts[i].id, id) == 0)
            return (long)i;
    return -1;
}

long ev_curriculum_find_lesson(const stoa_eval_curriculum *c, const char *iri)
{
    for (size_t i = 0; c && iri && i < c->n_lessons; i++) {
        const ev_lesson *l = &c->lessons[i];
        if ((l->iri && strcmp(l->iri, iri) == 0) || strcmp(l->id, iri) == 0)
            return (long)i;
        size_t n = strlen(iri), m = strlen(l->id);
        if (n > m + 9 && strcmp(iri + n - m, l->id) == 0 && strncmp(iri + n - m - 9, "/lessons/", 9) == 0)
            return (long)i;
    }
    return -1;
}

typedef struct cp {
    yaml_document_t doc;
    const char *file;
    stoa_error *err;
    bool failed;
    stoa_eval_curriculum *c;
} cp;

static bool fail(cp *p, const yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(cp *p, const yaml_node_t *n, const char *fmt, ...)
{
    if (p->failed)
        return false;
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    stoa_error_set(p->err, STOA_ERROR_PARSE, "%s:%zu:%zu: %s", p->file,
                   n ? n->start_mark.line + 1 : 1, n ? n->start_mark.column + 1 : 1, msg);
    p->failed = true;
    return false;
}

static yaml_node_t *node(cp *p, int id)
{
    return yaml_document_get_node(&p->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *get(cp *p, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *e = map->data.mapping.pairs.start; e < map->data.mapping.pairs.top; e++) {
        const char *k = scalar(node(p, e->key));
        if (k && strcmp(k, key) == 0)
            return node(p, e->value);
    }
    return NULL;
}

// Every key of map must be in allowed (a misspelt key never silently does nothing).
static bool only_keys(cp *p, yaml_node_t *map, const char *where, const char *const *allowed)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return fail(p, map, "%s must be a map", where);
    for (yaml_node_pair_t *e = map->data.mapping.pairs.start; e < map->data.mapping.pairs.top; e++) {
        yaml_node_t *kn = node(p, e->key);
        const char *k = scalar(kn);
        bool ok = false;
        for (const char *const *a = allowed; k && *a; a++)
            ok |= strcmp(*a, k) == 0;
        if (!ok)
            return fail(p, kn, "unknown key '%s' in %s", k ? k : "?", where);
    }
    return true;
}

// A text: a plain string (language "und") or a map language -> string.
static cJSON *text(cp *p, yaml_node_t *n, const char *field)
{
    cJSON *m = cJSON_CreateObject();
    if (scalar(n)) {
        cJSON_AddStringToObject(m, "und", scalar(n));
        return m;
    }
    if (!n || n->type != YAML_MAPPING_NODE || n->data.mapping.pairs.start == n->data.mapping.pairs.top) {
        cJSON_Delete(m);
        fail(p, n, "%s must be a string or a map from language tag to string", field);
        return NULL;
    }
    for (yaml_node_pair_t *e = n->data.mapping.pairs.start; e < n->data.mapping.pairs.top; e++) {
        const char *k = scalar(node(p, e->key)), *v = scalar(node(p, e->value));
        if (!k || !v || !*v) {
            cJSON_Delete(m);
            fail(p, node(p, e->value), "%s: each language needs a non-empty string", field);
            return NULL;
        }
        cJSON_AddStringToObject(m, k, v);
    }
    return m;
}

// A list of concept ids -> indices (every id must be a concept).
static bool concept_list(cp *p, yaml_node_t *n, const char *field, size_t **out, size_t *out_n)
{
    *out = NULL;
    *out_n = 0;
    if (!n)
        return true;
    if (scalar(n) && !*scalar(n))
        return true;
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(p, n, "%s must be a list of concept ids", field);
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    *out = calloc(cnt + 1, sizeof **out);
    if (!*out)
        return fail(p, n, "out of memory");
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        yaml_node_t *v = node(p, *it);
        long ci = ev_curriculum_find(p->c, scalar(v));
        if (ci < 0)
            return fail(p, v, "%s: '%s' is not a concept of this curriculum", field,
                        scalar(v) ? scalar(v) : "(not a string)");
        (*out)[(*out_n)++] = (size_t)ci;
    }
    return true;
}

static bool parse_concepts(cp *p, yaml_node_t *map)
{
    static const char *const keys[] = {"name", "requires", "description", NULL};
    if (!map || map->type != YAML_MAPPING_NODE)
        return fail(p, map, "'concepts' must be a map from concept id to its definition");
    size_t cnt = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
    p->c->concepts = calloc(cnt + 1, sizeof *p->c->concepts);
    if (!p->c->concepts)
        return fail(p, map, "out of memory");
    // First the ids (so `requires` may name a concept defined later) ...
    for (yaml_node_pair_t *e = map->data.mapping.pairs.start; e < map->data.mapping.pairs.top; e++) {
        yaml_node_t *kn = node(p, e->key);
        const char *id = scalar(kn);
        if (!id || !*id)
            return fail(p, kn, "a concept id must be a non-empty string");
        if (ev_curriculum_find(p->c, id) >= 0)
            return fail(p, kn, "concept '%s' is defined twice", id);
        ev_concept *c = &p->c->concepts[p->c->n_concepts++];
        c->id = ev_strdup(id);
        c->line = (int)kn->start_mark.line + 1;
    }
    // ... then names and prerequisites.
    size_t i = 0;
    for (yaml_node_pair_t *e = map->data.mapping.pairs.start; e < map->data.mapping.pairs.top; e++, i++) {
        ev_concept *c = &p->c->concepts[i];
        yaml_node_t *v = node(p, e->value);
        char where[200];
        snprintf(where, sizeof where, "concept '%s'", c->id);
        if (scalar(v) && *scalar(v)) { // `agora: The agora` is a name alone
            c->names = text(p, v, where);
            continue;
        }
        if (!only_keys(p, v, where, keys))
            return false;
        yaml_node_t *nm = get(p, v, "name");
        c->names = nm ? text(p, nm, "name") : NULL;
        if (p->failed)
            return false;
        if (!concept_list(p, get(p, v, "requires"), "requires", &c->requires, &c->n_requires))
            return false;
        for (size_t k = 0; k < c->n_requires; k++)
            if (c->requires[k] == i)
                return fail(p, get(p, v, "requires"), "concept '%s' requires itself", c->id);
    }
    return true;
}

static bool parse_lessons(cp *p, yaml_node_t *map)
{
    static const char *const keys[] = {"title", "file", "iri", "teaches", "assesses",
                                       "expected_minutes", NULL};
    if (!map)
        return true;
    if (map->type != YAML_MAPPING_NODE)
        return fail(p, map, "'lessons' must be a map from lesson id to its definition");
    size_t cnt = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
    p->c->lessons = calloc(cnt + 1, sizeof *p->c->lessons);
    if (!p->c->lessons)
        return fail(p, map, "out of memory");
    for (yaml_node_pair_t *e = map->data.mapping.pairs.start; e < map->data.mapping.pairs.top; e++) {
        yaml_node_t *kn = node(p, e->key), *v = node(p, e->value);
        const char *id = scalar(kn);
        if (!id || !*id)
            return fail(p, kn, "a lesson id must be a non-empty string");
        ev_lesson *l = &p->c->lessons[p->c->n_lessons++];
        l->id = ev_strdup(id);
        l->line = (int)kn->start_mark.line + 1;
        char where[200];
        snprintf(where, sizeof where, "lesson '%s'", id);
        if (!only_keys(p, v, where, keys))
            return false;
        yaml_node_t *t = get(p, v, "title");
        l->names = t ? text(p, t, "title") : NULL;
        if (p->failed)
            return false;
        const char *f = scalar(get(p, v, "file")), *iri = scalar(get(p, v, "iri"));
        l->file = f ? ev_strdup(f) : NULL;
        l->iri = iri ? ev_strdup(iri) : NULL;
        yaml_node_t *em = get(p, v, "expected_minutes");
        if (em) {
            char *end = NULL;
            double m = scalar(em) ? strtod(scalar(em), &end) : -1;
            if (!scalar(em) || *end || !(m > 0) || m > 1e4)
                return fail(p, em, "expected_minutes must be a positive number of minutes");
            l->expected_s = m * 60;
        }
        if (!concept_list(p, get(p, v, "teaches"), "teaches", &l->teaches, &l->n_teaches) ||
            !concept_list(p, get(p, v, "assesses"), "assesses", &l->assesses, &l->n_assesses))
            return false;
        if (l->n_teaches + l->n_assesses == 0)
            return fail(p, v, "lesson '%s' neither teaches nor assesses a concept", id);
    }
    return true;
}

// Depth-first search; colour 1 = on the current path, 2 = done.
static long find_cycle(const stoa_eval_curriculum *c, size_t i, char *colour, size_t *path, size_t *depth)
{
    colour[i] = 1;
    path[(*depth)++] = i;
    for (size_t k = 0; k < c->concepts[i].n_requires; k++) {
        size_t j = c->concepts[i].requires[k];
        if (colour[j] == 1)
            return (long)j;
        if (colour[j] == 0) {
            long r = find_cycle(c, j, colour, path, depth);
            if (r >= 0)
                return r;
        }
    }
    colour[i] = 2;
    (*depth)--;
    return -1;
}

static bool check_acyclic(cp *p)
{
    const stoa_eval_curriculum *c = p->c;
    char *colour = calloc(c->n_concepts + 1, 1);
    size_t *path = calloc(c->n_concepts + 1, sizeof *path);
    bool ok = colour && path;
    for (size_t i = 0; ok && i < c->n_concepts; i++) {
        size_t depth = 0;
        long at = colour[i] ? -1 : find_cycle(c, i, colour, path, &depth);
        if (at < 0)
            continue;
        char chain[600] = "";
        size_t from = 0;
        while (from < depth && path[from] != (size_t)at)
            from++;
        for (size_t k = from; k < depth; k++) {
            strncat(chain, c->concepts[path[k]].id, sizeof chain - strlen(chain) - 8);
            strncat(chain, " -> ", sizeof chain - strlen(chain) - 1);
        }
        strncat(chain, c->concepts[at].id, sizeof chain - strlen(chain) - 1);
        stoa_error_set(p->err, STOA_ERROR_PARSE,
                       "%s:%d:1: prerequisites form a cycle: %s (each requires the next)", p->file,
                       c->concepts[at].line, chain);
        p->failed = true;
        ok = false;
    }
    free(colour);
    free(path);
    return ok;
}

void stoa_eval_curriculum_destroy(stoa_eval_curriculum **pc)
{
    if (!pc || !*pc)
        return;
    stoa_eval_curriculum *c = *pc;
    for (size_t i = 0; i < c->n_concepts; i++) {
        free(c->concepts[i].id);
        free(c->concepts[i].requires);
        cJSON_Delete(c->concepts[i].names);
    }
    for (size_t i = 0; i < c->n_lessons; i++) {
        ev_lesson *l = &c->lessons[i];
        free(l->id), free(l->iri), free(l->file), free(l->teaches), free(l->assesses);
        cJSON_Delete(l->names);
    }
    free(c->concepts);
    free(c->lessons);
    free(c->id);
    cJSON_Delete(c->title);
    free(c);
    *pc = NULL;
}

stoa_result stoa_eval_curriculum_parse(const char *text_in, size_t len, const char *file,
                                       stoa_eval_curriculum **out, stoa_error *err)
{
    static const char *const keys[] = {"stoa_curriculum", "id", "title", "languages",
                                       "concepts", "lessons", NULL};
    *out = NULL;
    cp p = {.file = file ? file : "(curriculum)", .err = err};
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text_in, len);
    if (!yaml_parser_load(&parser, &p.doc)) {
        stoa_error_set(err, STOA_ERROR_PARSE, "%s:%zu:%zu: %s", p.file, parser.problem_mark.line + 1,
                       parser.problem_mark.column + 1, parser.problem ? parser.problem : "not YAML");
        yaml_parser_delete(&parser);
        return STOA_ERROR_PARSE;
    }
    yaml_parser_delete(&parser);
    p.c = calloc(1, sizeof *p.c);
    yaml_node_t *root = yaml_document_get_root_node(&p.doc);
    if (!p.c)
        fail(&p, root, "out of memory");
    else if (!root)
        fail(&p, root, "the file is empty");
    else if (only_keys(&p, root, "the curriculum", keys)) {
        yaml_node_t *v = get(&p, root, "stoa_curriculum");
        if (v && (!scalar(v) || strcmp(scalar(v), "1") != 0))
            fail(&p, v, "stoa_curriculum: only format version 1 exists");
        const char *id = scalar(get(&p, root, "id"));
        p.c->id = ev_strdup(id ? id : "curriculum");
        if (get(&p, root, "title"))
            p.c->title = text(&p, get(&p, root, "title"), "title");
        if (!p.failed && !get(&p, root, "concepts"))
            fail(&p, root, "a curriculum needs 'concepts'");
        if (!p.failed && parse_concepts(&p, get(&p, root, "concepts")) &&
            parse_lessons(&p, get(&p, root, "lessons")))
            check_acyclic(&p);
    }
    yaml_document_delete(&p.doc);
    if (p.failed) {
        stoa_eval_curriculum_destroy(&p.c);
        return err ? err->code : STOA_ERROR_PARSE;
    }
    *out = p.c;
    return STOA_OK;
}

size_t stoa_eval_curriculum_concept_count(const stoa_eval_curriculum *c)
{
    return c ? c->n_concepts : 0;
}

const char *stoa_eval_curriculum_concept_id(const stoa_eval_curriculum *c, size_t i)
{
    return c && i < c->n_concepts ? c->concepts[i].id : NULL;
}

bool stoa_eval_curriculum_has_concept(const stoa_eval_curriculum *c, const char *id)
{
    return ev_curriculum_find(c, id) >= 0;
}

size_t stoa_eval_curriculum_lesson_count(const stoa_eval_curriculum *c)
{
    return c ? c->n_lessons : 0;
}

const char *stoa_eval_curriculum_lesson_id(const stoa_eval_curriculum *c, size_t i)
{
    return c && i < c->n_lessons ? c->lessons[i].id : NULL;
}

const char *stoa_eval_curriculum_lesson_file(const stoa_eval_curriculum *c, size_t i)
{
    return c && i < c->n_lessons ? c->lessons[i].file : NULL;
}

int stoa_eval_curriculum_lesson_line(const stoa_eval_curriculum *c, size_t i)
{
    return c && i < c->n_lessons ? c->lessons[i].line : 0;
}
