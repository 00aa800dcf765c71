// SPDX-License-Identifier: Apache-2.0
// A launched lesson's files: fetched by SHA-256 from the hub
// (GET /api/headset/content/<sha256>, Bearer device token) into a bounded,
// content-addressed cache (one file per hash, least recently used out
// first), then laid out under a folder of the lesson's own with the paths
// the lesson names them by. Nothing is sent twice: a file whose hash the
// cache holds is not asked for. Runs on the net thread.
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/stoa_log.h"
#include "core/stoa_path.h"
#include "net_internal.h"

#define NET_MAX_FILE (1ull << 30)   // one file of a lesson: 1 GiB at most
#define NET_MAX_LESSON_FILE (4u << 20) // the lesson itself, as the hub's lesson endpoint
#define NET_MAX_FILES 256           // files one launch may list
#define NET_CONTENT_TIMEOUT_MS 10000

bool net_is_sha(const char *s)
{
    return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

// A path the lesson names a file by: relative, inside its folder, no "..".
bool net_safe_rel(const char *base, const char *rel, char *out, size_t size)
{
    stoa_error err = {0};
    if (!rel || !rel[0] || rel[0] == '/' || strlen(rel) > 512)
        return false;
    for (const char *p = rel; *p;) {
        size_t n = strcspn(p, "/");
        if ((n == 2 && p[0] == '.' && p[1] == '.') || (n == 1 && p[0] == '.') || n == 0)
            return false;
        p += n + (p[n] == '/');
    }
    return stoa_path_confine(base, rel, out, size, &err) == STOA_OK;
}

static void mkdirs(const char *path) // every folder above path
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(buf, 0700);
            *p = '/';
        }
}

static void set_error(char *err, size_t size, const char *fmt, const char *a, const char *b)
{
    if (!err[0] && snprintf(err, size, fmt, a, b) >= (int)size) // a long path: cut short
        err[size - 1] = 0;
}

static void progress(stoa_net *net, uint64_t add)
{
    pthread_mutex_lock(&net->mu);
    net->transfer_done += add;
    pthread_mutex_unlock(&net->mu);
}

// Streams one answer into the cache: a temporary file, the hash checked, then
// renamed to its hash. Returns true when cache/<sha> now holds the bytes.
bool net_fetch_content(stoa_net *net, const char *target, const char *sha, uint64_t limit,
                       char *err, size_t err_size)
{
    char tmp[1200], dst[1200], ebuf[256] = "";
    snprintf(dst, sizeof dst, "%s/%s", net->cache_dir, sha);
    // A name of this process's own: headsets that share a cache (tests, a
    // machine with several) never write into one another's file.
    snprintf(tmp, sizeof tmp, "%s/.part-%s-%ld", net->cache_dir, sha, (long)getpid());
    struct mg_client_options o = {.host = net->host, .port = net->port, .host_name = net->host,
                                  .server_cert = net->hub_cert[0] ? net->hub_cert : NULL};
    struct mg_connection *c = net->tls ? mg_connect_client_secure(&o, ebuf, sizeof ebuf)
                                       : mg_connect_client(net->host, net->port, 0, ebuf, sizeof ebuf);
    if (!c) {
        set_error(err, err_size, "cannot reach the hub: %s%s", ebuf, "");
        return false;
    }
    mg_printf(c, "GET %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n",
              target, net->host, net->port, net->token);
    bool ok = false;
    int fd = -1;
    if (mg_get_response(c, ebuf, sizeof ebuf, NET_CONTENT_TIMEOUT_MS) < 0) {
        set_error(err, err_size, "no answer from the hub for %s: %s", target, ebuf);
    } else if (mg_get_response_info(c)->status_code != 200) {
        char code[16];
        snprintf(code, sizeof code, "%d", mg_get_response_info(c)->status_code);
        set_error(err, err_size, "%s: the hub answered HTTP %s", target, code);
    } else if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        set_error(err, err_size, "cannot write %s: %s", tmp, strerror(errno));
    } else {
        crypto_hash_sha256_state st;
        crypto_hash_sha256_init(&st);
        static char buf[65536]; // the net thread only
        uint64_t got = 0;
        int64_t last_tick = net_now_ns();
        int r;
        ok = true;
        while (ok && (r = mg_read(c, buf, sizeof buf)) > 0) {
            got += (uint64_t)r;
            ok = got <= limit && write(fd, buf, (size_t)r) == r;
            crypto_hash_sha256_update(&st, (const unsigned char *)buf, (unsigned long long)r);
            progress(net, (uint64_t)r);
            if (net_now_ns() - last_tick > 250000000LL) { // the teacher sees it move
                net_transfer_tick(net);
                last_tick = net_now_ns();
            }
        }
        unsigned char h[crypto_hash_sha256_BYTES];
        char hex[65];
        crypto_hash_sha256_final(&st, h);
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        ok = close(fd) == 0 && ok;
        if (!ok)
            set_error(err, err_size, "%s: more bytes than announced, or the disk is full%s", target, "");
        else if (strcmp(hex, sha) != 0)
            set_error(err, err_size, "%s: the bytes do not have the announced SHA-256%s", target, ""),
                ok = false;
        ok = ok && rename(tmp, dst) == 0;
        if (!ok)
            unlink(tmp);
    }
    mg_close_connection(c);
    return ok;
}

// In the cache already? Marks it used (its time is the LRU order).
bool net_content_cached(stoa_net *net, const char *sha, uint64_t size, bool check_size)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", net->cache_dir, sha);
    struct stat stt;
    if (stat(path, &stt) != 0 || !S_ISREG(stt.st_mode) || (check_size && (uint64_t)stt.st_size != size))
        return false;
    utimensat(AT_FDCWD, path, NULL, 0);
    return true;
}

// Puts cache/<sha> at dest: a hard link (no copy), else a copy; made under
// a name of its own and renamed over dest, so that what stands at dest (a
// link to a cache file, perhaps another headset's) is replaced, never
// written through.
bool net_content_place(stoa_net *net, const char *sha, const char *dest)
{
    char src[1200], tmp[2100];
    snprintf(src, sizeof src, "%s/%s", net->cache_dir, sha);
    if (snprintf(tmp, sizeof tmp, "%s.part-%ld", dest, (long)getpid()) >= (int)sizeof tmp)
        return false;
    mkdirs(dest);
    unlink(tmp);
    if (link(src, tmp) == 0) {
        if (rename(tmp, dest) == 0)
            return true;
        unlink(tmp);
        return false;
    }
    int in = open(src, O_RDONLY | O_CLOEXEC), out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = in >= 0 && out >= 0;
    char buf[65536];
    ssize_t n;
    while (ok && (n = read(in, buf, sizeof buf)) > 0)
        ok = write(out, buf, (size_t)n) == n;
    if (in >= 0)
        close(in);
    if (out >= 0)
        ok = close(out) == 0 && ok;
    ok = ok && rename(tmp, dest) == 0;
    if (!ok)
        unlink(tmp);
    return ok;
}

typedef struct cache_file {
    char name[65];
    uint64_t size;
    int64_t used;
} cache_file;

static int by_use(const void *a, const void *b)
{
    const cache_file *x = a, *y = b;
    return (x->used > y->used) - (x->used < y->used);
}

// Oldest first out until the cache fits; what this launch uses stays.
static void evict(stoa_net *net, const cJSON *keep, const char *lesson_sha)
{
    DIR *d = opendir(net->cache_dir);
    if (!d)
        return;
    cache_file *files = NULL;
    size_t n = 0, cap = 0;
    uint64_t total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[1400];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", net->cache_dir, e->d_name);
        if (!net_is_sha(e->d_name) || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            cache_file *g = realloc(files, cap * sizeof *g);
            if (!g)
                break;
            files = g;
        }
        snprintf(files[n].name, sizeof files[n].name, "%.64s", e->d_name); // is_sha: 64 long
        files[n].size = (uint64_t)st.st_size;
        files[n].used = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
        total += files[n++].size;
    }
    closedir(d);
    qsort(files, n, sizeof *files, by_use);
    for (size_t i = 0; i < n && total > net->cache_max; i++) {
        bool needed = strcmp(files[i].name, lesson_sha) == 0;
        const cJSON *f;
        cJSON_ArrayForEach(f, keep) {
            const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(f, "sha256"));
            needed = needed || (s && strcmp(s, files[i].name) == 0);
        }
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", net->cache_dir, files[i].name);
        if (!needed && unlink(path) == 0)
            total -= files[i].size;
    }
    free(files);
}

bool net_content_launch(stoa_net *net, const char *lesson, const char *sha256, const char *lesson_rel,
                        const cJSON *files, stoa_net_command *cmd)
{
    char *out_path = cmd->lesson_path, *err = cmd->error;
    size_t size = sizeof cmd->lesson_path, err_size = sizeof cmd->error;
    out_path[0] = err[0] = 0;
    int count = cJSON_GetArraySize(files);
    size_t rl = lesson_rel ? strlen(lesson_rel) : 0, ll = strlen(lesson);
    // The lesson's place in the tree: its name, below folders of the tree.
    bool rel_ok = !lesson_rel || (rl >= ll && strcmp(lesson_rel + rl - ll, lesson) == 0 &&
                                  (rl == ll || lesson_rel[rl - ll - 1] == '/'));
    if (!lesson[0] || strchr(lesson, '/') || !net_is_sha(sha256) || count > NET_MAX_FILES || !rel_ok) {
        snprintf(err, err_size, "launch: bad lesson name, place, hash or file list (%d files)", count);
        return false;
    }
    // Layouts sit beside the cache, one folder per lesson content.
    char root[1100], dir[1200], dest[2048];
    snprintf(dir, sizeof dir, "%s/x", net->cache_dir);
    mkdirs(dir);
    snprintf(root, sizeof root, "%s-lessons", net->cache_dir);
    snprintf(dir, sizeof dir, "%s/%.16s", root, sha256);
    if (!net_layouts_hold(&net->layouts, dir)) { // before any file goes in: nobody prunes it
        set_error(err, err_size, "launch: cannot hold the layout folder %s: %s", dir, strerror(errno));
        return false;
    }
    uint64_t total = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, files) {
        const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(f, "path"));
        const char *sha = cJSON_GetStringValue(cJSON_GetObjectItem(f, "sha256"));
        double sz = cJSON_GetNumberValue(cJSON_GetObjectItem(f, "size"));
        if (!net_safe_rel(dir, path, dest, sizeof dest) || !net_is_sha(sha) || !(sz >= 0) ||
            sz > (double)NET_MAX_FILE || sz > (double)net->cache_max) {
            snprintf(err, err_size, "launch: file '%s' is refused (path outside the lesson's "
                     "folder, bad hash or size over the limit)", path ? path : "?");
            return false;
        }
        if (!net_content_cached(net, sha, (uint64_t)sz, true))
            total += (uint64_t)sz;
    }
    pthread_mutex_lock(&net->mu);
    net->transfer_done = 0;
    net->transfer_total = total;
    net->transferring = total > 0;
    pthread_mutex_unlock(&net->mu);
    if (total)
        net_transfer_tick(net); // the teacher sees the transfer start
    bool ok = true;
    char target[300];
    cJSON_ArrayForEach(f, files) {
        const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(f, "path"));
        const char *sha = cJSON_GetStringValue(cJSON_GetObjectItem(f, "sha256"));
        uint64_t sz = (uint64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(f, "size"));
        snprintf(target, sizeof target, "/api/headset/content/%s", sha);
        bool had = net_content_cached(net, sha, sz, true);
        ok = (had || net_fetch_content(net, target, sha, sz, err, err_size)) &&
             net_safe_rel(dir, path, dest, sizeof dest) && net_content_place(net, sha, dest);
        if (ok && !had) {
            net_transfer_tick(net);
            cmd->files_fetched++;
            cmd->bytes_fetched += sz;
        } else if (ok) {
            cmd->files_cached++;
        }
        if (!ok) {
            set_error(err, err_size, "launch: cannot lay out %s%s", path, "");
            break;
        }
    }
    if (ok) {
        char enc[800];
        mg_url_encode(lesson, enc, sizeof enc);
        snprintf(target, sizeof target, "/api/headset/lesson?name=%.250s", enc);
        char lesson_at[1200];
        ok = net_safe_rel(dir, lesson_rel ? lesson_rel : lesson, lesson_at, sizeof lesson_at);
        snprintf(dest, sizeof dest, "%s", lesson_at);
        struct stat lst;
        bool had = ok && net_content_cached(net, sha256, 0, false);
        ok = ok && (had || net_fetch_content(net, target, sha256, NET_MAX_LESSON_FILE, err, err_size)) &&
             net_content_place(net, sha256, dest);
        if (ok && snprintf(out_path, size, "%s", dest) >= (int)size)
            ok = false, set_error(err, err_size, "launch: the path of %s is too long%s", lesson, "");
        if (ok && had) // the lesson file itself counts as one of its files
            cmd->files_cached++;
        else if (ok && stat(dest, &lst) == 0)
            cmd->files_fetched++, cmd->bytes_fetched += (uint64_t)lst.st_size;
        else
            set_error(err, err_size, "launch: cannot fetch the lesson %s%s", lesson, "");
    }
    pthread_mutex_lock(&net->mu);
    net->transferring = false;
    net->status_dirty = true;
    if (!ok)
        snprintf(net->info.last_error, sizeof net->info.last_error, "%s", err);
    pthread_mutex_unlock(&net->mu);
    net_layouts_prune(&net->layouts, root);
    evict(net, files, sha256);
    return ok;
}

