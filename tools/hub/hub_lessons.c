// SPDX-License-Identifier: Apache-2.0
// The lesson library: the lesson files in lessons_dir, listed for the panel
// and sent to headsets that lack them (checked by SHA-256). A file is parsed
// once per change (size, mtime, inode), not on every listing; only regular
// files are read (a FIFO or device in the library is skipped, never waited on).
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_file.h"
#include "hub_internal.h"
#include "lesson/stoa_lesson.h"

#define HUB_MAX_LESSON_FILE (4u << 20)
#define HUB_MAX_LESSONS 512

typedef struct cached {
    char name[256];
    int64_t mtime_ns;
    int64_t size, inode;
    bool ok;
    char sha[65], id[128];
    cJSON *desc; // NULL when !ok
} cached;

static pthread_mutex_t g_cache_mu = PTHREAD_MUTEX_INITIALIZER;
static cached g_cache[HUB_MAX_LESSONS];
static int g_cache_n;
static const stoa_hub *g_cache_hub;

static cJSON *text_map(const stoa_lesson_text *t)
{
    cJSON *o = cJSON_CreateObject();
    for (uint32_t i = 0; i < t->count; i++) {
        const char *lang = t->entries[i].lang ? t->entries[i].lang : "und";
        if (!cJSON_GetObjectItemCaseSensitive(o, lang))
            cJSON_AddStringToObject(o, lang, t->entries[i].value);
    }
    return o;
}

static cJSON *describe(const stoa_lesson *l, const char *file, const char *sha)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", file);
    cJSON_AddStringToObject(o, "id", l->id ? l->id : file);
    cJSON_AddItemToObject(o, "title", text_map(&l->title));
    cJSON_AddStringToObject(o, "sha256", sha);
    cJSON *states = cJSON_AddArrayToObject(o, "states");
    for (uint32_t i = 0; i < l->state_count; i++) {
        const stoa_lesson_state *s = &l->states[i];
        cJSON *so = cJSON_CreateObject();
        cJSON_AddStringToObject(so, "id", s->name);
        cJSON_AddItemToObject(so, "title", text_map(&s->title));
        cJSON_AddNumberToObject(so, "expected_s", s->expected_seconds);
        cJSON *nodes = cJSON_AddArrayToObject(so, "key_nodes");
        for (uint32_t k = 0; k < s->key_node_count; k++)
            cJSON_AddItemToArray(nodes, cJSON_CreateString(s->key_nodes[k]));
        cJSON_AddItemToArray(states, so);
    }
    // Questions and their choices in every language the lesson has: the
    // panel shows them in the teacher's language.
    cJSON *quizzes = cJSON_AddArrayToObject(o, "quizzes");
    for (uint32_t i = 0; i < l->state_count; i++)
        for (uint32_t k = 0; k < l->states[i].step_count; k++) {
            const stoa_lesson_quiz *q = l->states[i].steps[k].quiz;
            if (l->states[i].steps[k].kind != STOA_LESSON_STEP_QUIZ || !q || !q->id)
                continue;
            cJSON *qo = cJSON_CreateObject();
            char seg[300];
            cJSON_AddStringToObject(qo, "id", q->id);
            cJSON_AddStringToObject(qo, "iri_id", hub_iri_segment(q->id, seg, sizeof seg) ? seg : q->id);
            cJSON_AddItemToObject(qo, "question", text_map(&q->question));
            cJSON *ch = cJSON_AddArrayToObject(qo, "choices");
            for (uint32_t c = 0; c < q->choice_count; c++)
                cJSON_AddItemToArray(ch, text_map(&q->choices[c]));
            cJSON_AddItemToArray(quizzes, qo);
        }
    cJSON *langs = cJSON_AddArrayToObject(o, "languages");
    for (uint32_t i = 0; i < l->title.count; i++)
        if (l->title.entries[i].lang)
            cJSON_AddItemToArray(langs, cJSON_CreateString(l->title.entries[i].lang));
    double expected = 0;
    for (uint32_t i = 0; i < l->state_count; i++)
        expected += l->states[i].expected_seconds;
    cJSON_AddNumberToObject(o, "expected_s", expected);
    cJSON *concepts = cJSON_AddArrayToObject(o, "concepts");
    for (uint32_t i = 0; i < l->state_count; i++)
        for (uint32_t k = 0; k < l->states[i].concept_count; k++) {
            bool seen = false;
            const cJSON *c;
            cJSON_ArrayForEach(c, concepts) seen = seen || strcmp(c->valuestring, l->states[i].concepts[k]) == 0;
            if (!seen)
                cJSON_AddItemToArray(concepts, cJSON_CreateString(l->states[i].concepts[k]));
        }
    return o;
}

static bool is_lesson_name(const char *n)
{
    size_t len = strlen(n);
    if (!len || len > 200 || n[0] == '.' || strchr(n, '/') || strchr(n, '\\'))
        return false;
    for (const unsigned char *p = (const unsigned char *)n; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return (len > 5 && strcmp(n + len - 5, ".yaml") == 0) || (len > 4 && strcmp(n + len - 4, ".yml") == 0);
}

// Reads and parses one library file. Messages name the lesson, never a path.
static stoa_result load(stoa_hub *hub, const char *name, char **out_text, size_t *out_len, char sha[65],
                        char id[128], stoa_lesson **out_lesson, stoa_error *err)
{
    char path[2300];
    snprintf(path, sizeof path, "%s/%s", hub->lessons_dir, name);
    uint8_t *data = NULL;
    size_t size = 0;
    stoa_error ferr = {0};
    stoa_result r = stoa_file_read(path, HUB_MAX_LESSON_FILE, &data, &size, &ferr);
    if (r != STOA_OK)
        return stoa_error_set(err, r == STOA_ERROR_NOT_FOUND ? STOA_ERROR_NOT_FOUND : r,
                              "lesson '%s': %s", name,
                              r == STOA_ERROR_NOT_FOUND ? "not in the library"
                              : r == STOA_ERROR_LIMIT   ? "larger than 4 MiB"
                                                        : "cannot be read (not a regular file?)");
    stoa_lesson *lesson = NULL;
    stoa_error perr = {0};
    if ((r = stoa_lesson_parse((const char *)data, size, &(stoa_lesson_parse_desc){.file_name = name},
                               &lesson, NULL, &perr)) != STOA_OK) {
        free(data);
        return stoa_error_set(err, r, "%s", perr.message); // names the file as `name`, no folder
    }
    hub_sha256_hex(data, size, sha);
    snprintf(id, 128, "%s", lesson->id ? lesson->id : name);
    if (out_lesson)
        *out_lesson = lesson;
    else
        stoa_lesson_destroy(&lesson);
    if (out_text) {
        *out_text = (char *)data;
        *out_len = size;
    } else {
        free(data);
    }
    return STOA_OK;
}

stoa_result hub_lesson_read(stoa_hub *hub, const char *name, char **out_text, size_t *out_len,
                            char out_sha[65], char out_id[128], stoa_error *err)
{
    *out_text = NULL;
    // A flat library: a name is one file name, decoded once, never a path.
    if (!is_lesson_name(name))
        return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH, "not a lesson file name");
    return load(hub, name, out_text, out_len, out_sha, out_id, NULL, err);
}

cJSON *hub_lessons_list(stoa_hub *hub)
{
    cJSON *arr = cJSON_CreateArray();
    DIR *dir = opendir(hub->lessons_dir);
    if (!dir)
        return arr;
    pthread_mutex_lock(&g_cache_mu);
    if (g_cache_hub != hub) { // another hub in this process (tests): start afresh
        for (int i = 0; i < g_cache_n; i++)
            cJSON_Delete(g_cache[i].desc);
        g_cache_n = 0;
        g_cache_hub = hub;
    }
    struct dirent *e;
    int seen = 0;
    while ((e = readdir(dir)) != NULL && seen < HUB_MAX_LESSONS) {
        if (!is_lesson_name(e->d_name))
            continue;
        char path[2300];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", hub->lessons_dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        seen++;
        int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
        cached *c = NULL;
        for (int i = 0; i < g_cache_n && !c; i++)
            if (strcmp(g_cache[i].name, e->d_name) == 0)
                c = &g_cache[i];
        if (c && (c->mtime_ns != mtime || c->size != (int64_t)st.st_size || c->inode != (int64_t)st.st_ino)) {
            cJSON_Delete(c->desc);
            c->desc = NULL;
            c->name[0] = 0;
        }
        if (!c || !c->name[0]) {
            if (!c && g_cache_n < HUB_MAX_LESSONS)
                c = &g_cache[g_cache_n++];
            if (!c)
                continue;
            memset(c, 0, sizeof *c);
            snprintf(c->name, sizeof c->name, "%s", e->d_name);
            c->mtime_ns = mtime, c->size = (int64_t)st.st_size, c->inode = (int64_t)st.st_ino;
            stoa_lesson *lesson = NULL;
            stoa_error err = {0};
            if (load(hub, e->d_name, NULL, NULL, c->sha, c->id, &lesson, &err) == STOA_OK) {
                c->ok = true;
                c->desc = describe(lesson, e->d_name, c->sha);
                stoa_lesson_destroy(&lesson);
            } else {
                fprintf(stderr, "stoa hub: lesson %s skipped: %s\n", e->d_name, err.message);
            }
        }
        if (c->ok && c->desc)
            cJSON_AddItemToArray(arr, cJSON_Duplicate(c->desc, 1));
    }
    pthread_mutex_unlock(&g_cache_mu);
    closedir(dir);
    return arr;
}
