// SPDX-License-Identifier: Apache-2.0
// `stoa lint CURRICULUM.yaml` and `stoa lint LESSON --curriculum FILE`: the
// concept graph parses and is acyclic (a cycle is an error with file:line),
// and the lessons' concept tags are concepts the curriculum knows.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "core/stoa_path.h"
#include "eval/stoa_eval.h"
#include "lesson/stoa_lesson.h"
#include "lesson/stoa_lesson_check.h"
#include "lint_curriculum.h"

bool stoa_lint_is_curriculum(const char *path)
{
    uint8_t *data = NULL;
    size_t size = 0;
    stoa_error err = {0};
    if (stoa_file_read(path, 16u << 20, &data, &size, &err) != STOA_OK)
        return false;
    // A curriculum says so first: `stoa_curriculum: 1` at the start of a line.
    const char *p = (const char *)data;
    bool yes = strncmp(p, "stoa_curriculum:", 16) == 0 || strstr(p, "\nstoa_curriculum:") != NULL;
    free(data);
    return yes;
}

stoa_eval_curriculum *stoa_lint_load_curriculum(const char *path)
{
    uint8_t *data = NULL;
    size_t size = 0;
    stoa_error err = {0};
    stoa_eval_curriculum *c = NULL;
    if (stoa_file_read(path, 16u << 20, &data, &size, &err) == STOA_OK)
        stoa_eval_curriculum_parse((const char *)data, size, path, &c, &err);
    free(data);
    if (!c) { // err.message is "file:line:col: message"
        size_t n = strlen(path);
        const char *at = strncmp(err.message, path, n) == 0 ? strstr(err.message + n, ": ") : NULL;
        if (at)
            printf("%.*s: error: %s [curriculum]\n", (int)(at - err.message), err.message, at + 2);
        else
            printf("%s: error: %s [curriculum]\n", path, err.message);
    }
    return c;
}

int stoa_lint_lesson_concepts(const stoa_lesson *l, const char *lesson_path,
                              const stoa_eval_curriculum *c, const char *curriculum_path)
{
    int warnings = 0;
    for (uint32_t s = 0; s < l->state_count; s++) {
        const stoa_lesson_state *st = &l->states[s];
        for (uint32_t k = 0; k < st->concept_count; k++)
            if (!stoa_eval_curriculum_has_concept(c, st->concepts[k])) {
                printf("%s:%u:%u: warning: state '%s' tags concept '%s', which curriculum %s does not "
                       "know [unknown-concept]\n",
                       lesson_path, st->loc.line, st->loc.column, st->name, st->concepts[k], curriculum_path);
                warnings++;
            }
        const stoa_lesson_task *t = st->task; // a task may tag its own concepts
        for (uint32_t k = 0; t && k < t->concept_count; k++)
            if (!stoa_eval_curriculum_has_concept(c, t->concepts[k])) {
                printf("%s:%u:%u: warning: task '%s' tags concept '%s', which curriculum %s does not "
                       "know [unknown-concept]\n",
                       lesson_path, t->loc.line, t->loc.column, t->id, t->concepts[k], curriculum_path);
                warnings++;
            }
    }
    return warnings;
}

int stoa_lint_curriculum(const char *path, bool allow_warnings)
{
    stoa_eval_curriculum *c = stoa_lint_load_curriculum(path);
    if (!c) {
        fprintf(stderr, "%s: 1 error\n", path);
        return 1;
    }
    int warnings = 0, errors = 0;
    for (size_t i = 0; i < stoa_eval_curriculum_lesson_count(c); i++) {
        const char *rel = stoa_eval_curriculum_lesson_file(c, i);
        if (!rel)
            continue;
        char lesson_path[4096];
        stoa_error err = {0};
        stoa_lesson *l = NULL;
        stoa_lesson_diags d;
        stoa_lesson_diags_init(&d);
        // `file:` is relative to the curriculum, which sits at its content root
        if (stoa_lesson_resolve_path(path, rel, lesson_path, sizeof lesson_path, &err) != STOA_OK ||
            stoa_lesson_load_file(lesson_path, &l, &d, &err) != STOA_OK || !l) {
            printf("%s:%d:1: error: lesson '%s': %s [lesson-file]\n", path,
                   stoa_eval_curriculum_lesson_line(c, i), stoa_eval_curriculum_lesson_id(c, i),
                   err.message[0] ? err.message : "the file does not parse (see stoa lint on it)");
            errors++;
        } else {
            warnings += stoa_lint_lesson_concepts(l, lesson_path, c, path);
            if (strcmp(l->id, stoa_eval_curriculum_lesson_id(c, i)) != 0) {
                printf("%s:%d:1: warning: lesson '%s' names %s, whose id is '%s' [lesson-id]\n", path,
                       stoa_eval_curriculum_lesson_line(c, i), stoa_eval_curriculum_lesson_id(c, i),
                       rel, l->id);
                warnings++;
            }
        }
        stoa_lesson_destroy(&l);
        stoa_lesson_diags_fini(&d);
    }
    fprintf(stderr, "%s: %zu concepts, %zu lessons; %d error%s, %d warning%s\n", path,
            stoa_eval_curriculum_concept_count(c), stoa_eval_curriculum_lesson_count(c), errors,
            errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
    stoa_eval_curriculum_destroy(&c);
    return errors || (warnings && !allow_warnings) ? 1 : 0;
}
