// SPDX-License-Identifier: Apache-2.0
// The lesson library: the lesson files in lessons_dir, listed for the panel
// and sent to headsets that lack them (checked by SHA-256).
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "core/stoa_path.h"
#include "hub_internal.h"
#include "lesson/stoa_lesson.h"

#define HUB_MAX_LESSON_FILE (4u << 20)

static cJSON *text_map(const stoa_lesson_text *t)
{
    cJSON *o = cJSON_CreateObject();
    for (uint32_t i = 0; i < t->count; i++)
        cJSON_AddStringToObject(o, t->entries[i].lang ? t->entries[i].lang : "und", t->entries[i].value);
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
    return o;
}

static bool is_lesson_name(const char *n)
{
    size_t len = strlen(n);
    return n[0] != '.' && ((len > 5 && strcmp(n + len - 5, ".yaml") == 0) ||
                           (len > 4 && strcmp(n + len - 4, ".yml") == 0));
}

stoa_result hub_lesson_read(stoa_hub *hub, const char *name, char **out_text, size_t *out_len,
                            char out_sha[65], char out_id[128], stoa_error *err)
{
    char path[2048];
    *out_text = NULL;
    // A flat library: a name is one file name, never a path.
    if (strchr(name, '/') || !is_lesson_name(name))
        return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH, "'%s' is not a lesson file name", name);
    stoa_result r = stoa_path_confine(hub->lessons_dir, name, path, sizeof path, err);
    if (r != STOA_OK)
        return r;
    uint8_t *data = NULL;
    size_t size = 0;
    if ((r = stoa_file_read(path, HUB_MAX_LESSON_FILE, &data, &size, err)) != STOA_OK)
        return r;
    stoa_lesson *lesson = NULL;
    if ((r = stoa_lesson_parse((const char *)data, size, &(stoa_lesson_parse_desc){.file_name = name},
                               &lesson, NULL, err)) != STOA_OK) {
        free(data);
        return r;
    }
    hub_sha256_hex(data, size, out_sha);
    snprintf(out_id, 128, "%s", lesson->id ? lesson->id : name);
    stoa_lesson_destroy(&lesson);
    *out_text = (char *)data;
    *out_len = size;
    return STOA_OK;
}

cJSON *hub_lessons_list(stoa_hub *hub)
{
    cJSON *arr = cJSON_CreateArray();
    DIR *dir = opendir(hub->lessons_dir);
    if (!dir)
        return arr;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (!is_lesson_name(e->d_name))
            continue;
        char path[2048], sha[65];
        stoa_error err = {0};
        if (stoa_path_confine(hub->lessons_dir, e->d_name, path, sizeof path, &err) != STOA_OK)
            continue;
        uint8_t *data = NULL;
        size_t size = 0;
        if (stoa_file_read(path, HUB_MAX_LESSON_FILE, &data, &size, &err) != STOA_OK)
            continue;
        stoa_lesson *lesson = NULL;
        if (stoa_lesson_parse((const char *)data, size, &(stoa_lesson_parse_desc){.file_name = e->d_name},
                              &lesson, NULL, &err) == STOA_OK) {
            hub_sha256_hex(data, size, sha);
            cJSON_AddItemToArray(arr, describe(lesson, e->d_name, sha));
            stoa_lesson_destroy(&lesson);
        } else {
            fprintf(stderr, "stoa hub: lesson %s skipped: %s\n", e->d_name, err.message);
        }
        free(data);
    }
    closedir(dir);
    return arr;
}
