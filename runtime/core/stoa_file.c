// SPDX-License-Identifier: Apache-2.0
#include "stoa_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int stoa_file_open_regular(const char *path, struct stat *st)
{
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    // O_NONBLOCK stays: reads of a regular file ignore it, and clearing it
    // took two more system calls on every cached scene's hit.
    return fd;
}

stoa_result stoa_file_read(const char *path, size_t max_size, uint8_t **out_data,
                           size_t *out_size, stoa_error *err)
{
    *out_data = NULL;
    *out_size = 0;
    if (max_size == 0)
        max_size = (size_t)1 << 30;
    struct stat st;
    int fd = stoa_file_open_regular(path, &st);
    if (fd < 0 && errno == EINVAL)
        return stoa_error_set(err, STOA_ERROR_IO, "%s: not a regular file (a FIFO, device or folder is never read)", path);
    if (fd < 0)
        return stoa_error_set(err, errno == ENOENT ? STOA_ERROR_NOT_FOUND : STOA_ERROR_IO,
                              "%s: cannot open: %s", path, strerror(errno));
    if ((uint64_t)st.st_size > max_size) {
        close(fd);
        return stoa_error_set(err, STOA_ERROR_LIMIT, "%s: %lld bytes is over the %zu byte limit",
                              path, (long long)st.st_size, max_size);
    }
    size_t size = (size_t)st.st_size;
    uint8_t *data = malloc(size + 1);
    if (!data) {
        close(fd);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, data + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            free(data);
            close(fd);
            return stoa_error_set(err, STOA_ERROR_IO, "%s: read failed: %s", path,
                                  r < 0 ? strerror(errno) : "file shrank while reading");
        }
        got += (size_t)r;
    }
    close(fd);
    data[size] = 0;
    *out_data = data;
    *out_size = size;
    return STOA_OK;
}

stoa_result stoa_file_write_atomic(const char *path, const void *data, size_t size,
                                   stoa_error *err)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid()) >= sizeof tmp)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "%s: path too long", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return stoa_error_set(err, STOA_ERROR_IO, "%s: cannot create: %s", tmp, strerror(errno));
    const uint8_t *p = data;
    size_t left = size;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            return stoa_error_set(err, STOA_ERROR_IO, "%s: write failed: %s", path, strerror(e));
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        unlink(tmp);
        return stoa_error_set(err, STOA_ERROR_IO, "%s: sync failed: %s", path, strerror(errno));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return stoa_error_set(err, STOA_ERROR_IO, "%s: rename failed: %s", path, strerror(e));
    }
    return STOA_OK;
}

stoa_result stoa_file_write_replace(const char *path, const void *data, size_t size,
                                    stoa_error *err)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= sizeof tmp)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "%s: path too long", path);
    int fd = mkstemp(tmp); // unique: two threads may replace the same file
    if (fd < 0)
        return stoa_error_set(err, STOA_ERROR_IO, "%s: cannot create: %s", tmp, strerror(errno));
    const uint8_t *p = data;
    size_t left = size;
    bool ok = fchmod(fd, 0644) == 0;
    while (ok && left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        if (ok) {
            p += w;
            left -= (size_t)w;
        }
    }
    int e = errno;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, path) != 0) {
        e = errno;
        ok = false;
    }
    if (!ok) {
        unlink(tmp);
        return stoa_error_set(err, STOA_ERROR_IO, "%s: cannot write: %s", path, strerror(e));
    }
    return STOA_OK;
}

int64_t stoa_file_mtime_ns(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    return (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}
