// SPDX-License-Identifier: Apache-2.0
// A lesson's files besides the lesson itself (its scene, the buffers and
// images a glTF scene names, its environment image and narration audio) for
// `launch`, and GET /api/headset/content/<sha256>: the hub serves a file
// only when a lesson of its library names it, found by the SHA-256 of its
// bytes (docs/hub.md, "The class-period protocol").
//
// Two lists, for two generations of headsets:
//   - `files`: paths relative to the lesson file's folder, without "..";
//     only for a lesson whose files all lie in its folder (an older headset
//     lays them out beside the lesson);
//   - `layout`: {"lesson": its path below the content root, "files": paths
//     relative to that root}. The root is the folder stoa_lesson_resolve_path
//     confines the lesson to (its own, or the parent of a "lessons" folder:
//     the sample library's scenes/agora/{agora.glb, narration/, lessons/}),
//     so a headset that lays the files out as the same tree resolves the
//     lesson's "../agora.glb" as on the hub. An older headset ignores it.
//
// A lesson's paths are parsed once per change of its file or its scene's
// (size, mtime, inode), not on every launch or content request; a file's hash once per
// change of the file.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_file.h"
#include "core/stoa_log.h"
#include "hub_internal.h"
#include "lesson/stoa_lesson.h"
#include "scene/stoa_scene_cache.h"

#define HUB_CONTENT_CACHE 512 // hashes remembered (path, size, mtime)
#define HUB_LESSON_CACHE 512  // lessons' parsed paths remembered
#define HUB_LESSON_PATHS 256  // files one lesson may name

typedef struct content_entry {
    char sha[65];
    char path[2400];
    int64_t size, mtime_ns;
} content_entry;

typedef struct lesson_entry {
    char name[256];
    int64_t size, mtime_ns, inode;
    int64_t scene_size, scene_mtime_ns, scene_inode; // the files it names change with it
    int count;
    bool scene_first; // paths[0] is the lesson's scene
    char (*paths)[520]; // as the lesson writes them (relative to its folder)
} lesson_entry;

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static content_entry g_cache[HUB_CONTENT_CACHE];
static int g_n, g_next;
static lesson_entry g_lessons[HUB_LESSON_CACHE];
static int g_lesson_n, g_lesson_next;
static const stoa_hub *g_hub; // whose library g_lessons holds (tests run several hubs)
static uint64_t g_parses;     // lesson files parsed here (hub_content_stats)

static int64_t mtime_of(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

// The file's hash, from the cache when its size and time are unchanged.
// Read in chunks: a scene of any size is hashed in bounded memory.
static bool hash_file(const char *path, char sha[65], int64_t *out_size)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > HUB_MAX_CONTENT_FILE)
        return false;
    pthread_mutex_lock(&g_mu);
    for (int i = 0; i < g_n; i++) {
        content_entry *e = &g_cache[i];
        if (strcmp(e->path, path) == 0 && e->size == (int64_t)st.st_size && e->mtime_ns == mtime_of(&st)) {
            memcpy(sha, e->sha, 65);
            *out_size = e->size;
            pthread_mutex_unlock(&g_mu);
            return true;
        }
    }
    pthread_mutex_unlock(&g_mu);
    int64_t size = 0;
    if (!hub_sha256_file(path, HUB_MAX_CONTENT_FILE, sha, &size))
        return false;
    *out_size = size;
    pthread_mutex_lock(&g_mu);
    content_entry *e = g_n < HUB_CONTENT_CACHE ? &g_cache[g_n++] : &g_cache[g_next++ % HUB_CONTENT_CACHE];
    memcpy(e->sha, sha, 65);
    snprintf(e->path, sizeof e->path, "%s", path);
    e->size = size;
    e->mtime_ns = mtime_of(&st);
    pthread_mutex_unlock(&g_mu);
    return true;
}

static void add_path(lesson_entry *e, const char *rel)
{
    if (!rel || !*rel || strlen(rel) >= sizeof e->paths[0] || e->count >= HUB_LESSON_PATHS)
        return;
    for (int i = 0; i < e->count; i++)
        if (strcmp(e->paths[i], rel) == 0)
            return;
    snprintf(e->paths[e->count++], sizeof e->paths[0], "%s", rel);
}

// The scene's own stat (paths[0]), so that a scene that now names other
// files is read again.
static void scene_stat(const lesson_entry *e, const char *lesson, int64_t out[3])
{
    char full[2400];
    struct stat st;
    stoa_error err = {0};
    out[0] = out[1] = out[2] = -1;
    if (e->scene_first && stoa_lesson_resolve_path(lesson, e->paths[0], full, sizeof full, &err) == STOA_OK &&
        stat(full, &st) == 0)
        out[0] = (int64_t)st.st_size, out[1] = mtime_of(&st), out[2] = (int64_t)st.st_ino;
}

static bool scene_unchanged(const lesson_entry *e, const char *lesson)
{
    int64_t now[3];
    scene_stat(e, lesson, now);
    return now[0] == e->scene_size && now[1] == e->scene_mtime_ns && now[2] == e->scene_inode;
}

typedef struct scene_files {
    lesson_entry *e;
    char dir[520]; // the scene's folder as the lesson writes it ("" or ending in '/')
} scene_files;

static void add_scene_file(void *user, const char *uri)
{
    scene_files *f = user;
    char rel[1100];
    while (strncmp(uri, "./", 2) == 0) // "./tex.png" is "tex.png" to the loader
        uri += 2;
    // Inside the scene's folder, as the scene loader confines it; the
    // content root's confinement is checked again when the list is made.
    // No empty or "." segment either: a headset refuses a launch naming one.
    size_t n = strlen(uri);
    if (!n || strcmp(uri, ".") == 0 || uri[0] == '/' || strstr(uri, "..") || strchr(uri, '\\') ||
        strstr(uri, "//") || strstr(uri, "/./") || uri[n - 1] == '/' || (n >= 2 && strcmp(uri + n - 2, "/.") == 0) ||
        snprintf(rel, sizeof rel, "%s%s", f->dir, uri) >= (int)sizeof f->e->paths[0])
        return;
    add_path(f->e, rel);
}

// The buffers and images a glTF scene names (paths[0]), relative to the
// lesson's folder: a headset needs them to load the scene, and to compute
// the key the hub's bake has (stoa_scene_file_uris).
static void add_scene_files(lesson_entry *e, const char *lesson)
{
    char full[2400];
    stoa_error err = {0};
    int64_t st[3];
    scene_stat(e, lesson, st);
    e->scene_size = st[0], e->scene_mtime_ns = st[1], e->scene_inode = st[2];
    const char *ext = e->scene_first ? strrchr(e->paths[0], '.') : NULL;
    if (!ext || (strcmp(ext, ".gltf") != 0 && strcmp(ext, ".glb") != 0) ||
        stoa_lesson_resolve_path(lesson, e->paths[0], full, sizeof full, &err) != STOA_OK)
        return;
    scene_files f = {.e = e};
    const char *slash = strrchr(e->paths[0], '/');
    if (slash)
        snprintf(f.dir, sizeof f.dir, "%.*s/", (int)(slash - e->paths[0]), e->paths[0]);
    if (stoa_scene_file_uris(full, add_scene_file, &f, &err) != STOA_OK)
        STOA_LOGW("hub", "%s: %s (its files are not sent with it)", full, err.message);
}

// The paths a library lesson names (g_mu held): parsed when its file
// changed since the last time, else from the cache. NULL: not a lesson.
static lesson_entry *lesson_paths(stoa_hub *hub, const char *name, const char *path)
{
    struct stat st;
    if (strlen(name) >= sizeof g_lessons[0].name || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return NULL;
    if (g_hub != hub) { // another hub in this process: start afresh
        for (int i = 0; i < g_lesson_n; i++)
            free(g_lessons[i].paths);
        memset(g_lessons, 0, sizeof g_lessons);
        g_lesson_n = g_lesson_next = 0;
        g_hub = hub;
    }
    lesson_entry *e = NULL;
    for (int i = 0; i < g_lesson_n && !e; i++)
        if (strcmp(g_lessons[i].name, name) == 0)
            e = &g_lessons[i];
    if (e && e->size == (int64_t)st.st_size && e->mtime_ns == mtime_of(&st) && e->inode == (int64_t)st.st_ino &&
        scene_unchanged(e, path))
        return e;
    if (!e)
        e = g_lesson_n < HUB_LESSON_CACHE ? &g_lessons[g_lesson_n++]
                                          : &g_lessons[g_lesson_next++ % HUB_LESSON_CACHE];
    free(e->paths);
    memset(e, 0, sizeof *e);
    stoa_lesson *l = NULL;
    stoa_error err = {0};
    g_parses++;
    if (stoa_lesson_load_file(path, &l, NULL, &err) != STOA_OK ||
        !(e->paths = calloc(HUB_LESSON_PATHS, sizeof *e->paths))) {
        stoa_lesson_destroy(&l);
        return NULL; // parsed again next time: the listing says why it is skipped
    }
    snprintf(e->name, sizeof e->name, "%s", name);
    e->size = (int64_t)st.st_size, e->mtime_ns = mtime_of(&st), e->inode = (int64_t)st.st_ino;
    add_path(e, l->scene);
    e->scene_first = e->count == 1;
    add_scene_files(e, path);
    add_path(e, l->sky_environment); // the lesson's environment image (sky.environment)
    for (uint32_t s = 0; s < l->state_count; s++)
        for (uint32_t k = 0; k < l->states[s].step_count; k++) {
            const stoa_lesson_text *a = &l->states[s].steps[k].audio;
            for (uint32_t i = 0; i < a->count; i++)
                add_path(e, a->entries[i].value);
        }
    stoa_lesson_destroy(&l);
    return e;
}

static cJSON *file_item(const char *rel, const char *sha, int64_t size)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", rel);
    cJSON_AddStringToObject(o, "sha256", sha);
    cJSON_AddNumberToObject(o, "size", (double)size);
    return o;
}

bool hub_lesson_content(stoa_hub *hub, const char *name, cJSON **out_files, cJSON **out_layout)
{
    *out_files = *out_layout = NULL;
    char path[2300], root[2300];
    snprintf(path, sizeof path, "%s/%s", hub->lessons_dir, name);
    const char *lesson_rel = stoa_lesson_content_root(path, root, sizeof root);
    size_t root_len = strlen(root);
    pthread_mutex_lock(&g_mu);
    lesson_entry *e = lesson_paths(hub, name, path);
    int count = e ? e->count : 0;
    char(*paths)[520] = count ? malloc((size_t)count * sizeof *paths) : NULL;
    if (paths)
        memcpy(paths, e->paths, (size_t)count * sizeof *paths);
    pthread_mutex_unlock(&g_mu);
    if (!e || (count && !paths)) {
        free(paths);
        return false;
    }
    cJSON *files = cJSON_CreateArray(), *tree = cJSON_CreateArray();
    bool in_folder = true;
    for (int i = 0; i < count; i++) {
        const char *rel = paths[i];
        char full[2400], sha[65];
        int64_t size = 0;
        stoa_error err = {0};
        // Confined to the content root (as the headset resolves it); a
        // missing file is stoa lint's to report, the launch fails on the headset.
        if (stoa_lesson_resolve_path(path, rel, full, sizeof full, &err) != STOA_OK ||
            strncmp(full, root, root_len) != 0 || full[root_len] != '/' || !hash_file(full, sha, &size))
            continue;
        cJSON_AddItemToArray(tree, file_item(full + root_len + 1, sha, size));
        if (rel[0] == '/' || strstr(rel, ".."))
            in_folder = false; // the protocol's first list cannot carry it
        else
            cJSON_AddItemToArray(files, file_item(rel, sha, size));
    }
    free(paths);
    if (in_folder) {
        *out_files = files;
        cJSON_Delete(tree);
    } else {
        cJSON_Delete(files);
        *out_layout = cJSON_CreateObject();
        cJSON_AddStringToObject(*out_layout, "lesson", lesson_rel);
        cJSON_AddItemToObject(*out_layout, "files", tree);
    }
    return true;
}

cJSON *hub_lesson_bakes(stoa_hub *hub, const char *name, bool layout)
{
    char path[2300], root[2300], rel[520] = "", full[2400];
    snprintf(path, sizeof path, "%s/%s", hub->lessons_dir, name);
    stoa_lesson_content_root(path, root, sizeof root);
    size_t root_len = strlen(root);
    pthread_mutex_lock(&g_mu);
    lesson_entry *e = lesson_paths(hub, name, path);
    if (e && e->scene_first)
        snprintf(rel, sizeof rel, "%s", e->paths[0]);
    pthread_mutex_unlock(&g_mu);
    stoa_error err = {0};
    const char *ext = strrchr(rel, '.');
    // The scene as hub_lesson_content lists it: confined to the content root.
    if (!rel[0] || !ext || (strcmp(ext, ".glb") && strcmp(ext, ".gltf")) ||
        stoa_lesson_resolve_path(path, rel, full, sizeof full, &err) != STOA_OK ||
        strncmp(full, root, root_len) != 0 || full[root_len] != '/')
        return NULL;
    cJSON *item = hub_bake_item(hub, full, layout ? full + root_len + 1 : rel);
    if (!item)
        return NULL;
    cJSON *list = cJSON_CreateArray();
    cJSON_AddItemToArray(list, item);
    return list;
}

// The path of a library file with this hash: every lesson's files, from the
// caches (nothing is parsed or hashed again unless it changed).
static bool find_content(stoa_hub *hub, const char *sha, char *out, size_t size)
{
    cJSON *lessons = hub_lessons_list(hub);
    bool found = false;
    const cJSON *l;
    cJSON_ArrayForEach(l, lessons) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(l, "file"));
        cJSON *files = NULL, *layout = NULL;
        if (found || !name || !hub_lesson_content(hub, name, &files, &layout))
            continue;
        const cJSON *list = files ? files : cJSON_GetObjectItem(layout, "files"), *f;
        cJSON_ArrayForEach(f, list) {
            if (found || strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(f, "sha256")), sha) != 0)
                continue;
            char path[2300], root[2300];
            snprintf(path, sizeof path, "%s/%s", hub->lessons_dir, name);
            const char *rel = cJSON_GetStringValue(cJSON_GetObjectItem(f, "path"));
            if (files) {
                stoa_error err = {0};
                found = stoa_lesson_resolve_path(path, rel, out, size, &err) == STOA_OK;
            } else {
                stoa_lesson_content_root(path, root, sizeof root);
                found = snprintf(out, size, "%s/%s", root, rel) < (int)size;
            }
        }
        cJSON_Delete(files);
        cJSON_Delete(layout);
    }
    cJSON_Delete(lessons);
    return found;
}

uint64_t hub_content_parses(void)
{
    pthread_mutex_lock(&g_mu);
    uint64_t n = g_parses;
    pthread_mutex_unlock(&g_mu);
    return n;
}

void hub_handle_content(stoa_hub *hub, hub_req *c, const char *sha)
{
    if (hub_device_from_bearer(hub, c) <= 0) {
        hub_send_error(c, 401, "device token required");
        return;
    }
    if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64) {
        hub_send_error(c, 400, "expected a SHA-256 in lower-case hex");
        return;
    }
    char path[4200];
    if (!hub_bake_find(hub, sha, path, sizeof path) && !find_content(hub, sha, path, sizeof path)) {
        hub_send_error(c, 404, "no lesson of the library has this file");
        return;
    }
    hub_serve_file(c, path, "application/octet-stream", NULL);
}
