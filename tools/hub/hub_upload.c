// SPDX-License-Identifier: Apache-2.0
// POST /api/lessons/upload {"name": "lesson.zip", "data": BASE64}: a lesson
// together with its scene and audio as one archive (zip or tar, read by
// libarchive), checked before anything reaches the library:
//  - only regular files and folders; paths relative, without "..", a
//    leading "/" or a backslash; at most HUB_UPLOAD_FILES entries,
//    HUB_UPLOAD_FILE bytes each and HUB_UPLOAD_TOTAL in all (counted as
//    they are read, whatever the archive's header claims);
//  - at least one lesson (*.yaml / *.yml) at the archive's top, and every
//    lesson passes `stoa lint`'s checks (runtime/lesson's parser and
//    validator, with its audio and scene files looked up in the archive;
//    the scene's node names are not checked here: the hub loads no scenes);
//  - a file of the library is never replaced by different bytes.
// The archive is unpacked into a staging folder inside the library and
// moved in only when everything passed.
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/stoa_file.h"
#include "hub_internal.h"
#include "lesson/stoa_lesson.h"
#include "lesson/stoa_lesson_check.h"

#define HUB_UPLOAD_FILES 256
#define HUB_UPLOAD_FILE (32u << 20)
#define HUB_UPLOAD_TOTAL (40u << 20)

static bool safe_path(const char *p)
{
    size_t n = strlen(p);
    if (!n || n > 400 || p[0] == '/' || strchr(p, '\\'))
        return false;
    for (const char *s = p; *s;) {
        size_t k = strcspn(s, "/");
        if ((k == 2 && s[0] == '.' && s[1] == '.') || (k == 1 && s[0] == '.') || (k == 0 && s[k]))
            return false;
        for (size_t i = 0; i < k; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                return false;
        s += k + (s[k] == '/');
    }
    return true;
}

static void mkdirs(const char *path) // the folders above path
{
    char buf[1400];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(buf, 0755);
            *p = '/';
        }
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[1400];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(p);
        else
            unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

typedef struct upload {
    char staging[1200];
    cJSON *files;    // relative paths unpacked
    cJSON *problems; // [{"file","line","message"}]
} upload;

static void problem(upload *u, const char *file, int line, const char *msg)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "file", file);
    cJSON_AddNumberToObject(p, "line", line);
    cJSON_AddStringToObject(p, "message", msg);
    cJSON_AddItemToArray(u->problems, p);
}

// Unpacks every entry into u->staging, bounded as it reads.
static bool unpack(upload *u, const void *data, size_t len)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    archive_read_support_format_tar(a);
    archive_read_support_filter_gzip(a);
    bool ok = archive_read_open_memory(a, data, len) == ARCHIVE_OK;
    if (!ok)
        problem(u, "", 0, "not a zip or tar archive");
    struct archive_entry *e;
    size_t total = 0;
    int count = 0, rc;
    while (ok && (rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *path = archive_entry_pathname(e);
        mode_t type = archive_entry_filetype(e);
        char msg[600];
        if (++count > HUB_UPLOAD_FILES) {
            problem(u, "", 0, "more than 256 files"), ok = false;
            break;
        }
        if (!path || !safe_path(path)) {
            snprintf(msg, sizeof msg, "a path outside the lesson's folder: %.200s", path ? path : "?");
            problem(u, path ? path : "", 0, msg), ok = false;
            break;
        }
        if (type == AE_IFDIR)
            continue;
        if (type != AE_IFREG || archive_entry_hardlink(e) || archive_entry_symlink(e)) {
            problem(u, path, 0, "only plain files may be in a lesson archive (no links or devices)"), ok = false;
            break;
        }
        char out[1400];
        snprintf(out, sizeof out, "%s/%s", u->staging, path);
        mkdirs(out);
        FILE *f = fopen(out, "wbx");
        if (!f) {
            problem(u, path, 0, "named twice in the archive"), ok = false;
            break;
        }
        size_t size = 0;
        char buf[65536];
        la_ssize_t n;
        while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
            size += (size_t)n, total += (size_t)n;
            if (size > HUB_UPLOAD_FILE || total > HUB_UPLOAD_TOTAL)
                break;
            fwrite(buf, 1, (size_t)n, f);
        }
        ok = fclose(f) == 0 && n >= 0;
        if (size > HUB_UPLOAD_FILE || total > HUB_UPLOAD_TOTAL) {
            problem(u, path, 0, "larger than the hub takes (32 MiB a file, 40 MiB in all)"), ok = false;
        } else if (!ok) {
            problem(u, path, 0, "cannot be read from the archive");
        }
        cJSON_AddItemToArray(u->files, cJSON_CreateString(path));
    }
    archive_read_free(a);
    return ok;
}

static bool asset_exists(void *user, const char *rel)
{
    char path[1400];
    stoa_error err = {0};
    return stoa_lesson_resolve_path(user, rel, path, sizeof path, &err) == STOA_OK && access(path, R_OK) == 0;
}

static bool is_lesson(const char *p)
{
    size_t n = strlen(p);
    return !strchr(p, '/') && p[0] != '.' &&
           ((n > 5 && strcmp(p + n - 5, ".yaml") == 0) || (n > 4 && strcmp(p + n - 4, ".yml") == 0));
}

// `stoa lint` on every lesson at the archive's top.
static int lint(upload *u)
{
    int lessons = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, u->files) {
        if (!is_lesson(f->valuestring))
            continue;
        lessons++;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", u->staging, f->valuestring);
        uint8_t *text = NULL;
        size_t len = 0;
        stoa_error err = {0};
        stoa_lesson_diags d;
        stoa_lesson_diags_init(&d);
        stoa_lesson *l = NULL;
        if (stoa_file_read(path, 4u << 20, &text, &len, &err) == STOA_OK)
            stoa_lesson_parse((const char *)text, len, &(stoa_lesson_parse_desc){.file_name = f->valuestring}, &l,
                              &d, &err);
        else
            problem(u, f->valuestring, 0, "larger than 4 MiB");
        if (l)
            stoa_lesson_check(l, &(stoa_lesson_check_desc){.asset_exists = asset_exists, .user = path}, &d);
        if (l && l->scene && !asset_exists(path, l->scene))
            stoa_lesson_diags_add(&d, STOA_LESSON_SEV_ERROR, l->scene_loc, "missing-scene",
                                  "scene '%s' is not in the archive", l->scene);
        for (uint32_t i = 0; i < d.count; i++)
            if (d.items[i].severity == STOA_LESSON_SEV_ERROR)
                problem(u, f->valuestring, (int)d.items[i].line, d.items[i].message);
        stoa_lesson_destroy(&l);
        stoa_lesson_diags_fini(&d);
        free(text);
    }
    if (!lessons)
        problem(u, "", 0, "no lesson (.yaml) at the top of the archive");
    return lessons;
}

// Moves the staged files into the library; a file there with other bytes stays.
static void install(stoa_hub *hub, upload *u, cJSON *added)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, u->files) {
        char from[1400], to[1400];
        snprintf(from, sizeof from, "%s/%s", u->staging, f->valuestring);
        snprintf(to, sizeof to, "%s/%s", hub->lessons_dir, f->valuestring);
        uint8_t *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        stoa_error err = {0};
        if (stoa_file_read(to, HUB_UPLOAD_FILE, &b, &nb, &err) == STOA_OK) {
            stoa_file_read(from, HUB_UPLOAD_FILE, &a, &na, &err);
            bool same = a && na == nb && memcmp(a, b, na) == 0;
            free(a), free(b);
            if (!same)
                problem(u, f->valuestring, 0, "the library has another file of this name: kept, not replaced");
            continue;
        }
        mkdirs(to);
        if (rename(from, to) == 0)
            cJSON_AddItemToArray(added, cJSON_CreateString(f->valuestring));
        else
            problem(u, f->valuestring, 0, "cannot be written into the library");
    }
}

void hub_handle_upload(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, true))
        return;
    cJSON *j = hub_read_json(c, HUB_MAX_UPLOAD_BODY);
    if (!j)
        return;
    const char *b64 = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "data"));
    size_t cap = b64 ? strlen(b64) / 4 * 3 + 3 : 0, len = 0;
    uint8_t *data = cap ? malloc(cap) : NULL;
    if (!data || sodium_base642bin(data, cap, b64, strlen(b64), "\r\n", &len, NULL,
                                   sodium_base64_VARIANT_ORIGINAL) != 0) {
        free(data);
        cJSON_Delete(j);
        hub_send_error(c, 400, "data: expected the archive in base64");
        return;
    }
    cJSON_Delete(j);
    upload u = {.files = cJSON_CreateArray(), .problems = cJSON_CreateArray()};
    char rnd[17];
    hub_random_hex(rnd, 8);
    snprintf(u.staging, sizeof u.staging, "%s/.upload-%s", hub->lessons_dir, rnd);
    cJSON *o = cJSON_CreateObject(), *added = cJSON_CreateArray();
    if (mkdir(u.staging, 0700) != 0) {
        problem(&u, "", 0, "cannot write into the library");
    } else if (unpack(&u, data, len) && lint(&u) > 0 && cJSON_GetArraySize(u.problems) == 0) {
        install(hub, &u, added);
    }
    free(data);
    remove_tree(u.staging);
    bool ok = cJSON_GetArraySize(added) > 0;
    cJSON_AddItemToObject(o, "added", added);
    cJSON_AddItemToObject(o, "problems", u.problems);
    if (ok)
        fprintf(stderr, "stoa hub: a lesson archive was added to the library\n");
    // The archive's lessons' scenes baked for headsets now, in the background
    // (hub_bake.c): also a lesson already there, whose scene's image or .bin
    // this archive added (its bake's key changed).
    const cJSON *a, *archived = ok ? u.files : NULL;
    cJSON_ArrayForEach(a, archived)
        if (is_lesson(a->valuestring))
            cJSON_Delete(hub_lesson_bakes(hub, a->valuestring, false));
    cJSON_Delete(u.files);
    hub_send_json(c, ok ? 200 : 422, o, NULL);
    cJSON_Delete(o);
}
