// SPDX-License-Identifier: Apache-2.0
// The baked scene cache: a cache file that came with the scene from
// elsewhere ("<scene>.stoabake", as the hub sends one), checked in full and
// taken into the cache (docs/scene-cache.md, "Baked files from elsewhere").
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "core/stoa_file.h"
#include "scene_cache.h"

// Puts a checked baked file at `file` in the cache: a hard link where the
// two folders share a file system (no copy), else a copy; under a
// temporary name renamed over `file`, as a writer does.
static bool adopt(const char *from, const char *file)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", file, (long)getpid());
    unlink(tmp);
    bool ok = link(from, tmp) == 0;
    if (!ok) {
        struct stat st;
        int in = stoa_file_open_regular(from, &st);
        int out = in >= 0 ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
        static __thread char buf[65536];
        ssize_t n = 0;
        ok = out >= 0;
        while (ok && (n = read(in, buf, sizeof buf)) > 0)
            ok = write(out, buf, (size_t)n) == n;
        ok = ok && n == 0;
        if (in >= 0)
            close(in);
        if (out >= 0)
            ok = close(out) == 0 && ok;
    }
    ok = ok && rename(tmp, file) == 0;
    if (!ok)
        unlink(tmp);
    return ok;
}

// The header of "<path>.stoabake" into *h and its name into side: 1; 0
// when the file is no Stoa scene cache file; -1 when there is none.
static int side_header(const char *path, char side[4200], cache_header *h)
{
    if (snprintf(side, 4200, "%s.stoabake", path) >= 4200)
        return -1;
    struct stat st;
    int fd = stoa_file_open_regular(side, &st); // beside a lesson's scene: maybe a FIFO
    if (fd < 0)
        return -1;
    ssize_t got = pread(fd, h, sizeof *h, 0);
    close(fd);
    return got == (ssize_t)sizeof *h && memcmp(h->magic, CACHE_MAGIC, 8) == 0;
}

bool scene_cache_sidecar_key(const char *path, uint64_t *out_key)
{
    char side[4200];
    cache_header h;
    if (side_header(path, side, &h) <= 0)
        return false;
    *out_key = h.key;
    return true;
}

// A baked file shipped beside the scene, "<scene>.stoabake" (the hub sends
// one with a lesson's files: docs/scene-cache.md, "Baked files from the
// hub"). Used when it was made from the same content (the same key: the
// scene's and its files' bytes, the format and Assimp versions, the
// options), after every byte of it is checked as a cache file's is, the
// texels too (it came from elsewhere); then taken into the cache.
// STOA_ERROR_NOT_FOUND: none there, or made for other content.
stoa_result scene_cache_from_sidecar(const char *path, const char *file, uint64_t key,
                                     stoa_scene **out)
{
    char side[4200];
    cache_header h;
    int got = side_header(path, side, &h);
    if (got < 0)
        return STOA_ERROR_NOT_FOUND;
    if (got == 0 || h.version != STOA_SCENE_CACHE_VERSION || h.endian != CACHE_ENDIAN ||
        h.key != key) {
        STOA_LOGI("scene",
                  "%s: the baked file %s was made for other content or by another "
                  "Stoa; importing",
                  path, side);
        return STOA_ERROR_NOT_FOUND;
    }
    stoa_error e = {0};
    stoa_scene *s = NULL;
    stoa_result r = scene_cache_read_file(side, key, &s, &e);
    if (r >= 0 && !scene_cache_check_chunks(s->baked, 0, s->baked->chunk_count))
        r = stoa_error_set(&e, STOA_ERROR_PARSE, "DATA: checksum mismatch");
    if (r < 0) {
        STOA_LOGW("scene", "%s: the baked file %s rejected (%s); importing and baking here", path,
                  side, e.message);
        stoa_scene_destroy(&s);
        return r;
    }
    if (adopt(side, file)) {
        STOA_LOGI("scene", "%s: scene cache: took the baked file %s (key %016llx, checked)", path,
                  side, (unsigned long long)key);
        scene_cache_after_write(file);
    }
    *out = s;
    return STOA_OK;
}
