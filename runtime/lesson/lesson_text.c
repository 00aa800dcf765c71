// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/stoa_path.h"
#include "lesson_internal.h"

bool lesson_lang_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

static size_t primary_len(const char *tag)
{
    size_t n = 0;
    while (tag[n] && tag[n] != '-' && tag[n] != '_')
        n++;
    return n;
}

static bool same_primary(const char *a, const char *b)
{
    size_t na = primary_len(a), nb = primary_len(b);
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return false;
    return true;
}

const char *stoa_lesson_text_exact(const stoa_lesson_text *t, const char *lang)
{
    if (!t || !lang)
        return NULL;
    for (uint32_t i = 0; i < t->count; i++)
        if (!t->entries[i].lang || lesson_lang_eq(t->entries[i].lang, lang))
            return t->entries[i].value;
    return NULL;
}

const char *stoa_lesson_text_get(const stoa_lesson_text *t, const char *lang)
{
    if (!t || t->count == 0)
        return "";
    if (lang) {
        for (uint32_t i = 0; i < t->count; i++)
            if (t->entries[i].lang && lesson_lang_eq(t->entries[i].lang, lang))
                return t->entries[i].value;
        for (uint32_t i = 0; i < t->count; i++)
            if (t->entries[i].lang && same_primary(t->entries[i].lang, lang))
                return t->entries[i].value;
    }
    for (uint32_t i = 0; i < t->count; i++)
        if (!t->entries[i].lang)
            return t->entries[i].value;
    return t->entries[0].value;
}

const char *stoa_lesson_audio_get(const stoa_lesson_text *t, const char *lang)
{
    if (!t || t->count == 0)
        return NULL;
    if (!lang)
        return stoa_lesson_text_get(t, NULL);
    for (uint32_t i = 0; i < t->count; i++)
        if (!t->entries[i].lang || lesson_lang_eq(t->entries[i].lang, lang))
            return t->entries[i].value;
    for (uint32_t i = 0; i < t->count; i++)
        if (same_primary(t->entries[i].lang, lang))
            return t->entries[i].value;
    return NULL;
}

const char *stoa_lesson_outcome_str(stoa_lesson_outcome o)
{
    switch (o) {
    case STOA_LESSON_OUTCOME_NONE: return "none";
    case STOA_LESSON_OUTCOME_COMPLETED: return "completed";
    case STOA_LESSON_OUTCOME_PASSED: return "passed";
    case STOA_LESSON_OUTCOME_FAILED: return "failed";
    case STOA_LESSON_OUTCOME_ABORTED: return "aborted";
    }
    return "unknown";
}

int32_t stoa_lesson_find_state(const stoa_lesson *lesson, const char *name)
{
    if (!lesson || !name)
        return -1;
    for (uint32_t i = 0; i < lesson->state_count; i++)
        if (strcmp(lesson->states[i].name, name) == 0)
            return (int32_t)i;
    return -1;
}

int32_t stoa_lesson_find_var(const stoa_lesson *lesson, const char *name)
{
    if (!lesson || !name)
        return -1;
    for (uint32_t i = 0; i < lesson->var_count; i++)
        if (strcmp(lesson->var_names[i], name) == 0)
            return (int32_t)i;
    return -1;
}

// Whether the folder `dir` (as the caller wrote it) is named "lessons". A
// folder written as "." or ".." (or ending in one) says nothing of its name:
// ask the file system, so that `cd scenes/agora/lessons && stoa lint x.yaml`
// finds the same content root as `stoa lint scenes/agora/lessons/x.yaml`.
static bool is_lessons_folder(const char *dir)
{
    const char *base = stoa_path_basename(dir);
    if (strcmp(base, "lessons") == 0)
        return true;
    if (*base && strcmp(base, ".") != 0 && strcmp(base, "..") != 0)
        return false;
    char real[PATH_MAX];
    return realpath(dir, real) && strcmp(stoa_path_basename(real), "lessons") == 0;
}

stoa_result stoa_lesson_resolve_path(const char *lesson_path, const char *rel, char *out,
                                     size_t out_size, stoa_error *err)
{
    char dir[4096];
    stoa_path_dirname(lesson_path, dir, sizeof dir);
    // In scenes/NAME/lessons/x.yaml the content root is scenes/NAME: the
    // lesson may name its scene "../NAME.glb" but nothing beyond.
    const char *colon = rel ? strchr(rel, ':') : NULL, *slash = rel ? strchr(rel, '/') : NULL;
    bool absolute = rel && (rel[0] == '/' || rel[0] == '%' || (colon && (!slash || colon < slash)));
    if (rel && *rel && !absolute && is_lessons_folder(dir)) {
        char root[4096], joined[4096];
        // "scenes/agora/lessons" -> "scenes/agora"; "." or "x/.." -> "./..", "x/../.."
        // (the textual parent of such a folder is not its real parent).
        const char *base = stoa_path_basename(dir);
        if (strcmp(base, "lessons") == 0)
            stoa_path_dirname(dir, root, sizeof root);
        else if (snprintf(root, sizeof root, "%s/..", dir) >= (int)sizeof root)
            return stoa_error_set(err, STOA_ERROR_LIMIT, "path '%.200s' is too long", dir);
        if (snprintf(joined, sizeof joined, "lessons/%s", rel) >= (int)sizeof joined)
            return stoa_error_set(err, STOA_ERROR_LIMIT, "path '%.200s' is too long", rel);
        return stoa_path_confine(root, joined, out, out_size, err);
    }
    return stoa_path_confine(dir, rel, out, out_size, err);
}

const char *stoa_lesson_content_root(const char *lesson_path, char *out, size_t out_size)
{
    char dir[4096];
    stoa_path_dirname(lesson_path, dir, sizeof dir);
    const char *name = stoa_path_basename(lesson_path);
    if (strcmp(stoa_path_basename(dir), "lessons") == 0) { // as stoa_lesson_resolve_path
        stoa_path_dirname(dir, out, out_size);
        return name - strlen("lessons/") >= lesson_path ? name - strlen("lessons/") : name;
    }
    snprintf(out, out_size, "%s", dir);
    return name;
}
