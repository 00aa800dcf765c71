// SPDX-License-Identifier: Apache-2.0
#include "cli_choices.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lesson/stoa_lesson.h"
#include "trace/stoa_trace_report.h"

#define CHOICES_MAX_FILES 2000
#define CHOICES_MAX_DEPTH 3

static bool is_yaml(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) || (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static void add_lesson(cJSON *out, const char *path, const char *lang)
{
    stoa_lesson *l = NULL;
    stoa_error err = {0};
    if (stoa_lesson_load_file(path, &l, NULL, &err) != STOA_OK || !l->id) {
        stoa_lesson_destroy(&l); // a curriculum, a script: not a lesson
        return;
    }
    for (uint32_t s = 0; s < l->state_count; s++)
        for (uint32_t k = 0; k < l->states[s].step_count; k++) {
            const stoa_lesson_quiz *q = l->states[s].steps[k].quiz;
            if (l->states[s].steps[k].kind != STOA_LESSON_STEP_QUIZ || !q || !q->id)
                continue;
            char *iri = stoa_report_question_iri(l->id, q->id);
            if (!iri || cJSON_GetObjectItemCaseSensitive(out, iri)) {
                free(iri);
                continue;
            }
            cJSON *texts = cJSON_AddArrayToObject(out, iri);
            for (uint32_t c = 0; texts && c < q->choice_count; c++) {
                // No language asked: the lesson's default (its first), as it plays.
                const char *t = stoa_lesson_text_get(&q->choices[c], lang ? lang
                                                     : l->language_count ? l->languages[0] : NULL);
                cJSON_AddItemToArray(texts, cJSON_CreateString(t ? t : "?"));
            }
            free(iri);
        }
    stoa_lesson_destroy(&l);
}

static void walk(cJSON *out, const char *dir, const char *lang, int depth, int *files)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) && *files < CHOICES_MAX_FILES) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        struct stat st;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path || stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth < CHOICES_MAX_DEPTH)
            walk(out, path, lang, depth + 1, files);
        else if (S_ISREG(st.st_mode) && is_yaml(e->d_name) && ++*files)
            add_lesson(out, path, lang);
    }
    if (d)
        closedir(d);
}

cJSON *cli_choices_load(const char *dir, const char *lang, stoa_error *err)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        stoa_error_set(err, STOA_ERROR_NOT_FOUND, "--lessons %s: not a folder", dir);
        return NULL;
    }
    cJSON *out = cJSON_CreateObject();
    int files = 0;
    if (out)
        walk(out, dir, lang, 0, &files);
    return out;
}
