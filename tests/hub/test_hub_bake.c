// SPDX-License-Identifier: Apache-2.0
// The hub's baked scenes (tools/hub/hub_bake.c; docs/hub.md, "Baked
// scenes") for a .gltf with its own .bin and image: the launch sends the
// scene's files with it and a bake under the key a headset computes from
// them; a headset laying out what it was sent maps the bake with no import.
// Then only the image changes on disk: the old bake is not offered again,
// the scene is baked anew, and the new one is again taken with no import.
// Two hubs in one process share no bakes. An upload that adds a lesson's
// missing image bakes the lesson at once, before any launch.
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include "hub_test_util.h"
#include "scene/stoa_scene.h"
#include "scene/stoa_scene_cache.h"
#include "stoa_test.h"

static const char *const LESSON = "stoa_lesson: 1\n"
                                  "id: test.bake\n"
                                  "title: {en: Bake}\n"
                                  "languages: [en]\n"
                                  "scene: room/room.gltf\n"
                                  "start: a\n"
                                  "states:\n"
                                  "  a:\n"
                                  "    title: {en: Only}\n"
                                  "    on_enter:\n"
                                  "      - end: completed\n";

// One textured triangle: positions and UVs in room.bin, the image in tex.png
// (named "./tex.png": sent as room/tex.png, a path a headset accepts).
static const char *const GLTF =
    "{\"asset\":{\"version\":\"2.0\"},\"scene\":0,\"scenes\":[{\"nodes\":[0]}],"
    "\"nodes\":[{\"mesh\":0,\"name\":\"floor\"}],"
    "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0,\"TEXCOORD_0\":1},\"material\":0}"
    "]}],"
    "\"materials\":[{\"pbrMetallicRoughness\":{\"baseColorTexture\":{\"index\":0}}}],"
    "\"textures\":[{\"source\":0}],\"images\":[{\"uri\":\"./tex.png\"}],"
    "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":3,\"type\":\"VEC3\","
    "\"min\":[0,0,0],\"max\":[1,1,0]},"
    "{\"bufferView\":1,\"componentType\":5126,\"count\":3,\"type\":\"VEC2\"}],"
    "\"bufferViews\":[{\"buffer\":0,\"byteOffset\":0,\"byteLength\":36},"
    "{\"buffer\":0,\"byteOffset\":36,\"byteLength\":24}],"
    "\"buffers\":[{\"uri\":\"room.bin\",\"byteLength\":60}]}";

static void write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    CHECK_MSG(f && fwrite(data, 1, size, f) == size, "%s", path);
    if (f)
        fclose(f);
}

// A w x w image of one colour (sizes differ between versions: a rewrite
// within one timestamp tick is still another file to every cache).
static void write_png(const char *path, int w, unsigned char r)
{
    unsigned char *px = malloc((size_t)w * w * 4);
    for (int i = 0; i < w * w; i++)
        px[i * 4] = r, px[i * 4 + 1] = (unsigned char)i, px[i * 4 + 2] = 40, px[i * 4 + 3] = 255;
    CHECK(stbi_write_png(path, w, w, 4, px, w * 4));
    free(px);
}

static void make_library(const char *lessons)
{
    char p[600];
    snprintf(p, sizeof p, "%s/bake.yaml", lessons);
    write_file(p, LESSON, strlen(LESSON));
    snprintf(p, sizeof p, "%s/room", lessons);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/room/room.gltf", lessons);
    write_file(p, GLTF, strlen(GLTF));
    float bin[15] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1};
    snprintf(p, sizeof p, "%s/room/room.bin", lessons);
    write_file(p, bin, sizeof bin);
    snprintf(p, sizeof p, "%s/room/tex.png", lessons);
    write_png(p, 8, 200);
}

typedef struct hub_at {
    stoa_hub *hub;
    int port, ws;
    char dir[256], headers[300], token[65];
} hub_at;

static void start(hub_at *h, const char *lessons)
{
    char listen[64], cookie[128], csrf[65], msg[4096];
    test_temp_dir(h->dir);
    h->port = test_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", h->port);
    stoa_error err = {0};
    CHECK_MSG(stoa_hub_create(&(stoa_hub_desc){.listen = listen,
                                               .data_dir = h->dir,
                                               .lessons_dir = lessons,
                                               .password = TEST_PASSWORD,
                                               // the test's headset says nothing while a bake runs
                                               .idle_timeout_ms = 600000},
                              &h->hub, &err) == STOA_OK,
              "%s", err.message);
    CHECK(test_login(h->port, TEST_PASSWORD, cookie, csrf) == 200);
    snprintf(h->headers, sizeof h->headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", cookie, csrf);
    CHECK(test_join(h->port, stoa_hub_join_code(h->hub), "headset", h->token) == 200);
    h->ws = test_ws_open(h->port);
    snprintf(msg, sizeof msg, "{\"t\":\"hello\",\"token\":\"%s\"}", h->token);
    test_ws_send(h->ws, 0x81, msg, strlen(msg), 0);
    CHECK(test_ws_recv(h->ws, msg, sizeof msg, 5000) == 1 && strstr(msg, "welcome"));
}

static void stop(hub_at *h)
{
    close(h->ws);
    stoa_hub_destroy(&h->hub);
}

// Launches the lesson; the launch message the headset got (caller frees).
static cJSON *launch(hub_at *h)
{
    const char *body = "{\"cmd\":\"launch\",\"lesson\":\"bake.yaml\"}";
    char *out = NULL;
    CHECK(test_http(h->port, "POST", "/api/command", h->headers, body, strlen(body), &out, NULL,
                    0) == 200);
    free(out);
    static char msg[65536];
    for (int i = 0; i < 20; i++) {
        if (test_ws_recv(h->ws, msg, sizeof msg, 5000) != 1)
            break;
        cJSON *j = cJSON_Parse(msg);
        if (j && strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(j, "cmd")) ?: "", "launch") == 0)
            return j;
        cJSON_Delete(j);
    }
    CHECK_MSG(false, "no launch message");
    return NULL;
}

// Launches until the launch carries a bake (the first ones start it); its
// key, or 0. `stale`: a key that must never be offered meanwhile.
static uint64_t launch_until_baked(hub_at *h, uint64_t stale, cJSON **out)
{
    for (int i = 0; i < 600; i++) { // 60 s: a bake of one triangle takes well under a second
        cJSON *j = launch(h);
        const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "bakes"), 0);
        const char *key = cJSON_GetStringValue(cJSON_GetObjectItem(b, "key"));
        uint64_t k = 0;
        if (key)
            sscanf(key, "%" SCNx64, &k);
        if (key && k == stale) {
            CHECK_MSG(false, "the stale bake %s is offered again", key);
            cJSON_Delete(j);
            break;
        }
        if (key) {
            *out = j;
            return k;
        }
        cJSON_Delete(j);
        if (!j)
            break;
        test_sleep_ms(100);
    }
    *out = NULL;
    return 0;
}

// GET /api/headset/content/<sha> into path; the HTTP status.
static int fetch(hub_at *h, const cJSON *item, const char *path)
{
    const char *sha = cJSON_GetStringValue(cJSON_GetObjectItem(item, "sha256"));
    size_t size = (size_t)cJSON_GetNumberValue(cJSON_GetObjectItem(item, "size"));
    char req[512], *answer = NULL;
    int n = snprintf(req, sizeof req,
                     "GET /api/headset/content/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Authorization: Bearer %s\r\nConnection: close\r\n\r\n",
                     sha ?: "", h->token);
    int status = test_http_raw(h->port, req, (size_t)n, &answer);
    const char *body = answer ? strstr(answer, "\r\n\r\n") : NULL;
    if (status == 200 && body)
        write_file(path, body + 4, size);
    free(answer);
    return status;
}

// A headset: lays out what the launch lists in a fresh folder, the bake
// beside the scene, and loads the scene through an empty scene cache.
static void headset_loads(hub_at *h, const cJSON *launch_msg, const char *tag)
{
    char dir[600], p[1200];
    snprintf(dir, sizeof dir, "%s/headset-%s", h->dir, tag);
    mkdir(dir, 0755);
    snprintf(p, sizeof p, "%s/room", dir);
    mkdir(p, 0755);
    const cJSON *f;
    int n = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(launch_msg, "files"))
    {
        const char *rel = cJSON_GetStringValue(cJSON_GetObjectItem(f, "path"));
        // What net_safe_rel takes: no empty, "." or ".." segment.
        CHECK_MSG(rel && !strstr(rel, "/./") && !strstr(rel, "//") && !strstr(rel, "..") &&
                      rel[0] != '/' && strncmp(rel, "./", 2) != 0,
                  "a headset refuses the path '%s'", rel ?: "");
        snprintf(p, sizeof p, "%s/%s", dir, rel ?: "");
        CHECK_MSG(fetch(h, f, p) == 200, "%s", p);
        n++;
    }
    CHECK_MSG(n == 3, "the launch sends the scene, its .bin and its image (%d files)", n);
    const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItem(launch_msg, "bakes"), 0);
    CHECK_CONTAINS(cJSON_GetStringValue(cJSON_GetObjectItem(b, "path")) ?: "",
                   "room/room.gltf.stoabake");
    snprintf(p, sizeof p, "%s/room/room.gltf.stoabake", dir);
    CHECK(fetch(h, b, p) == 200);
    char scene[700], cache[700];
    snprintf(scene, sizeof scene, "%s/room/room.gltf", dir);
    snprintf(cache, sizeof cache, "%s/cache", dir);
    uint64_t key = 0;
    stoa_error err = {0};
    CHECK(stoa_scene_cache_key_of(scene, cache, &key, &err) == STOA_OK);
    char hex[17];
    snprintf(hex, sizeof hex, "%016" PRIx64, key);
    CHECK_MSG(strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(b, "key")) ?: "", hex) == 0,
              "the bake's key %s is the one the headset computes (%s)",
              cJSON_GetStringValue(cJSON_GetObjectItem(b, "key")), hex);
    stoa_scene *s = NULL;
    CHECK_MSG(stoa_scene_load(scene, &(stoa_scene_load_desc){.use_cache = true, .cache_dir = cache},
                              &s, &err) == STOA_OK,
              "%s", err.message);
    CHECK_MSG(stoa_scene_cache_outcome_of(s) == STOA_SCENE_CACHE_HIT,
              "%s: the headset imports (outcome %d)", tag, (int)stoa_scene_cache_outcome_of(s));
    for (uint32_t i = 0; s && i < s->texture_count; i++)
        CHECK(stoa_scene_texture_check(s, i));
    stoa_scene_destroy(&s);
}

STOA_TEST(a_changed_image_is_baked_again)
{
    char lessons[256], png[600];
    test_temp_dir(lessons);
    make_library(lessons);
    hub_at a = {0};
    start(&a, lessons);
    cJSON *j = NULL;
    uint64_t first = launch_until_baked(&a, 0, &j);
    CHECK(first != 0);
    if (j)
        headset_loads(&a, j, "1");
    const char *sha1 = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "bakes"), 0), "sha256"));
    char bake_sha[65];
    snprintf(bake_sha, sizeof bake_sha, "%s", sha1 ?: "");
    cJSON_Delete(j);

    // Another hub in this process, on the same library, has baked nothing:
    // it does not serve the first hub's file.
    hub_at b = {0};
    start(&b, lessons);
    char req[512], *answer = NULL;
    int n = snprintf(req, sizeof req,
                     "GET /api/headset/content/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Authorization: Bearer %s\r\nConnection: close\r\n\r\n",
                     bake_sha, b.token);
    CHECK_MSG(test_http_raw(b.port, req, (size_t)n, &answer) == 404,
              "another hub serves this hub's bake");
    free(answer);
    stop(&b);

    // Only the image changes (the .gltf and .bin stay as they were).
    snprintf(png, sizeof png, "%s/room/tex.png", lessons);
    write_png(png, 16, 30);
    uint64_t second = launch_until_baked(&a, first, &j);
    CHECK_MSG(second != 0 && second != first, "baked again for the new image (%016" PRIx64 ")",
              second);
    if (j)
        headset_loads(&a, j, "2");
    cJSON_Delete(j);
    stop(&a);
}

static int baked_files(const char *data_dir)
{
    char path[400];
    snprintf(path, sizeof path, "%s/bakes", data_dir);
    DIR *d = opendir(path);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        n += len > 9 && strcmp(e->d_name + len - 9, ".stoabake") == 0;
    }
    if (d)
        closedir(d);
    return n;
}

STOA_TEST(an_uploaded_image_is_baked_at_once)
{
    char lessons[256], staging[256], png[600], cmd[1400];
    test_temp_dir(lessons);
    test_temp_dir(staging);
    make_library(lessons);
    make_library(staging); // the same files: an archive of all of them
    snprintf(png, sizeof png, "%s/room/tex.png", lessons);
    unlink(png); // the library lacks the image
    hub_at a = {0};
    start(&a, lessons);
    snprintf(
        cmd, sizeof cmd,
        "set -e; cd '%s'; tar -czf a.tgz bake.yaml room;"
        " printf '{\"name\":\"a.tgz\",\"data\":\"%%s\"}' \"$(base64 -w0 a.tgz)\" > upload.json",
        staging);
    CHECK(system(cmd) == 0);
    char path[400], *body = NULL, *out = NULL;
    snprintf(path, sizeof path, "%s/upload.json", staging);
    FILE *f = fopen(path, "rb");
    long len = 0;
    if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (body = calloc(1, (size_t)len + 1)))
        CHECK(fread(body, 1, (size_t)len, f) == (size_t)len);
    if (f)
        fclose(f);
    CHECK(body != NULL);
    CHECK(baked_files(a.dir) == 0);
    // The lesson and scene are the library's own bytes (kept); the image is added.
    CHECK(test_http(a.port, "POST", "/api/lessons/upload", a.headers, body ?: "{}",
                    body ? strlen(body) : 2, &out, NULL, 0) == 200);
    CHECK_MSG(out && strstr(out, "room/tex.png") && !strstr(out, "bake.yaml"), "%s", out ?: "");
    free(out);
    free(body);
    for (int i = 0; i < 600 && baked_files(a.dir) == 0; i++) // no launch: the upload started it
        test_sleep_ms(100);
    CHECK_MSG(baked_files(a.dir) == 1, "the upload baked the lesson whose image it added");
    cJSON *j = launch(&a);
    CHECK_MSG(cJSON_GetArraySize(cJSON_GetObjectItem(j, "bakes")) == 1,
              "the first launch carries the bake");
    if (j && cJSON_GetArraySize(cJSON_GetObjectItem(j, "bakes")) == 1)
        headset_loads(&a, j, "upload");
    cJSON_Delete(j);
    stop(&a);
}

STOA_TEST_MAIN()
