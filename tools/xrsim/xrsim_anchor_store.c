// SPDX-License-Identifier: Apache-2.0
// XR_MSFT_spatial_anchor_persistence: anchors persisted by name in a store
// that outlives the process: the file `xrsim-anchors.txt` in the folder the
// script's `anchors.store` or STOA_XRSIM_ANCHOR_STORE names (created when
// missing), so an anchor persisted in one run is found in the next. Without
// a folder the store lasts as long as the process. Every call reads the
// file and a change writes it whole (a temporary file renamed into place).
//
// File: a line "xrsim-anchors 1", then one line per anchor:
// NAME<TAB>px<TAB>py<TAB>pz<TAB>qx<TAB>qy<TAB>qz<TAB>qw (STAGE). Bounded: at
// most XRSIM_STORE_MAX anchors, lines of at most 511 bytes; a line that does
// not parse is skipped and logged. Changes hold an exclusive flock on
// `xrsim-anchors.lock` from read to rename, so several simulated headsets
// (processes) can share one store, as one room's headsets share anchors.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "xrsim_api.h"

#define XRSIM_STORE_MAX 1024

typedef struct entry {
    char name[XR_MAX_SPATIAL_ANCHOR_NAME_SIZE_MSFT];
    XrPosef pose;
} entry;

typedef struct store {
    entry items[XRSIM_STORE_MAX];
    uint32_t count;
} store;

typedef struct xrsim_anchor_store {
    xrsim_session *session;
} xrsim_anchor_store;

static store g_memory; // the store without a folder
static store g_work;   // scratch for one call (the runtime's lock is held)

static bool file_path(const xrsim_instance *inst, char *out, size_t size, const char *suffix)
{
    if (!inst->ar.anchor_store[0])
        return false;
    snprintf(out, size, "%s/xrsim-anchors.txt%s", inst->ar.anchor_store, suffix);
    return true;
}

// Takes the store's lock for a change (-1: no folder, or no lock to be had:
// the change goes on without it, logged).
static int lock_store(const xrsim_instance *inst)
{
    char path[1200];
    if (!file_path(inst, path, sizeof path, ""))
        return -1;
    snprintf(path, sizeof path, "%s/xrsim-anchors.lock", inst->ar.anchor_store);
    if (mkdir(inst->ar.anchor_store, 0755) != 0 && errno != EEXIST)
        return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        STOA_LOGW(XRSIM_LOG, "anchor store %s: no lock (%s)", path, strerror(errno));
    return fd;
}

static void unlock_store(int fd)
{
    if (fd >= 0)
        close(fd); // releases the flock
}

static bool parse_line(char *line, entry *e)
{
    char *tab = strchr(line, '\t');
    if (!tab || tab == line || (size_t)(tab - line) >= sizeof e->name)
        return false;
    memcpy(e->name, line, (size_t)(tab - line));
    e->name[tab - line] = '\0';
    float v[7];
    int used = 0;
    if (sscanf(tab + 1, "%f %f %f %f %f %f %f%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
               &used) != 7)
        return false;
    for (int i = 0; i < 7; i++)
        if (!isfinite(v[i]))
            return false;
    e->pose = (XrPosef){{v[3], v[4], v[5], v[6]}, {v[0], v[1], v[2]}};
    return xrsim_pose_valid(&e->pose);
}

static void load(const xrsim_instance *inst, store *st)
{
    char path[1200];
    if (!file_path(inst, path, sizeof path, "")) {
        *st = g_memory;
        return;
    }
    st->count = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return; // an empty store
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f) && st->count < XRSIM_STORE_MAX) {
        n++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        else if (!feof(f)) { // too long: skip the rest of it
            int c;
            while ((c = fgetc(f)) != EOF && c != '\n')
                ;
            STOA_LOGW(XRSIM_LOG, "%s:%d: line too long, skipped", path, n);
            continue;
        }
        if (n == 1) {
            if (strcmp(line, "xrsim-anchors 1") != 0) {
                STOA_LOGW(XRSIM_LOG, "%s: not an xrsim anchor store (first line), ignored", path);
                break;
            }
            continue;
        }
        if (!parse_line(line, &st->items[st->count]))
            STOA_LOGW(XRSIM_LOG, "%s:%d: not NAME<TAB>px py pz qx qy qz qw, skipped", path, n);
        else
            st->count++;
    }
    fclose(f);
}

static bool save(const xrsim_instance *inst, const store *st)
{
    char path[1200], tmp[1200];
    if (!file_path(inst, path, sizeof path, "")) {
        g_memory = *st;
        return true;
    }
    file_path(inst, tmp, sizeof tmp, ".tmp");
    if (mkdir(inst->ar.anchor_store, 0755) != 0 && errno != EEXIST) {
        STOA_LOGE(XRSIM_LOG, "anchor store %s: %s", inst->ar.anchor_store, strerror(errno));
        return false;
    }
    FILE *f = fopen(tmp, "w");
    if (!f) {
        STOA_LOGE(XRSIM_LOG, "anchor store %s: %s", tmp, strerror(errno));
        return false;
    }
    fprintf(f, "xrsim-anchors 1\n");
    for (uint32_t i = 0; i < st->count; i++) {
        const XrPosef *p = &st->items[i].pose;
        fprintf(f, "%s\t%.9g %.9g %.9g %.9g %.9g %.9g %.9g\n", st->items[i].name, p->position.x,
                p->position.y, p->position.z, p->orientation.x, p->orientation.y, p->orientation.z,
                p->orientation.w);
    }
    bool ok = fclose(f) == 0 && rename(tmp, path) == 0;
    if (!ok)
        STOA_LOGE(XRSIM_LOG, "anchor store %s: cannot write: %s", path, strerror(errno));
    return ok;
}

// A name is 1..255 bytes, terminated, without control characters.
static bool name_ok(const XrSpatialAnchorPersistenceNameMSFT *n)
{
    size_t len = strnlen(n->name, sizeof n->name);
    if (len == 0 || len == sizeof n->name)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)n->name[i] < 0x20 || n->name[i] == 0x7f)
            return false;
    return true;
}

static int find(const store *st, const char *name)
{
    for (uint32_t i = 0; i < st->count; i++)
        if (strcmp(st->items[i].name, name) == 0)
            return (int)i;
    return -1;
}

static XrResult check_store(XrSpatialAnchorStoreConnectionMSFT h, const char *fn,
                            xrsim_session **out)
{
    if (!xrsim_handle_live(h, XRSIM_ANCHOR_STORE))
        return xrsim_app_error(NULL, fn, XR_ERROR_HANDLE_INVALID,
                               "not a live XrSpatialAnchorStoreConnectionMSFT");
    return xrsim_check_session((XrSession)((xrsim_anchor_store *)h)->session, fn, out);
}

XrResult xrsim_xrCreateSpatialAnchorStoreConnectionMSFT(XrSession session,
                                                        XrSpatialAnchorStoreConnectionMSFT *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreateSpatialAnchorStoreConnectionMSFT";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!out)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE, "NULL output");
    xrsim_anchor_store *st = calloc(1, sizeof *st);
    if (!st)
        return XR_ERROR_OUT_OF_MEMORY;
    st->session = s;
    xrsim_handle_add(st, XRSIM_ANCHOR_STORE);
    *out = (XrSpatialAnchorStoreConnectionMSFT)st;
    return XR_SUCCESS;
}

XrResult xrsim_xrDestroySpatialAnchorStoreConnectionMSFT(XrSpatialAnchorStoreConnectionMSFT h)
{
    XRSIM_API_LOCK();
    if (!xrsim_handle_live(h, XRSIM_ANCHOR_STORE))
        return xrsim_app_error(NULL, "xrDestroySpatialAnchorStoreConnectionMSFT",
                               XR_ERROR_HANDLE_INVALID, "not a live store connection");
    xrsim_handle_release(h);
    return XR_SUCCESS;
}

XrResult xrsim_xrPersistSpatialAnchorMSFT(XrSpatialAnchorStoreConnectionMSFT h,
                                          const XrSpatialAnchorPersistenceInfoMSFT *info)
{
    XRSIM_API_LOCK();
    const char *fn = "xrPersistSpatialAnchorMSFT";
    xrsim_session *s;
    XrResult r = check_store(h, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!info || info->type != XR_TYPE_SPATIAL_ANCHOR_PERSISTENCE_INFO_MSFT)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                               "bad XrSpatialAnchorPersistenceInfoMSFT");
    if (!xrsim_handle_live(info->spatialAnchor, XRSIM_ANCHOR) ||
        ((xrsim_anchor *)info->spatialAnchor)->session != s)
        return xrsim_app_error(s->instance, fn, XR_ERROR_HANDLE_INVALID, "spatialAnchor");
    if (!name_ok(&info->spatialAnchorPersistenceName))
        return xrsim_app_error(s->instance, fn, XR_ERROR_SPATIAL_ANCHOR_NAME_INVALID_MSFT,
                               "a name is 1..255 bytes without control characters");
    int lock = lock_store(s->instance);
    load(s->instance, &g_work);
    const char *name = info->spatialAnchorPersistenceName.name;
    int i = find(&g_work, name);
    if (i < 0 && g_work.count == XRSIM_STORE_MAX) {
        unlock_store(lock);
        return xrsim_app_error(s->instance, fn, XR_ERROR_OUT_OF_MEMORY, "the store is full");
    }
    if (i < 0) {
        i = (int)g_work.count++;
        snprintf(g_work.items[i].name, sizeof g_work.items[i].name, "%s", name);
    }
    g_work.items[i].pose = ((xrsim_anchor *)info->spatialAnchor)->pose;
    s->instance->summary.anchors_persisted++;
    // The registry lists no I/O error here: a store that cannot be written
    // is out of space as far as the app can tell (the log says why).
    bool saved = save(s->instance, &g_work);
    unlock_store(lock);
    return saved
               ? XR_SUCCESS
               : xrsim_app_error(s->instance, fn, XR_ERROR_OUT_OF_MEMORY, "cannot write the store");
}

XrResult xrsim_xrEnumeratePersistedSpatialAnchorNamesMSFT(XrSpatialAnchorStoreConnectionMSFT h,
                                                          uint32_t cap, uint32_t *count,
                                                          XrSpatialAnchorPersistenceNameMSFT *names)
{
    XRSIM_API_LOCK();
    const char *fn = "xrEnumeratePersistedSpatialAnchorNamesMSFT";
    xrsim_session *s;
    XrResult r = check_store(h, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!count || (cap && !names))
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE, "NULL output");
    load(s->instance, &g_work);
    *count = g_work.count;
    if (cap == 0)
        return XR_SUCCESS;
    if (cap < g_work.count)
        return xrsim_app_error(s->instance, fn, XR_ERROR_SIZE_INSUFFICIENT, "capacity below count");
    for (uint32_t i = 0; i < g_work.count; i++)
        memcpy(names[i].name, g_work.items[i].name, sizeof names[i].name);
    return XR_SUCCESS;
}

XrResult xrsim_xrCreateSpatialAnchorFromPersistedNameMSFT(
    XrSession session, const XrSpatialAnchorFromPersistedAnchorCreateInfoMSFT *ci,
    XrSpatialAnchorMSFT *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreateSpatialAnchorFromPersistedNameMSFT";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!ci || !out || ci->type != XR_TYPE_SPATIAL_ANCHOR_FROM_PERSISTED_ANCHOR_CREATE_INFO_MSFT)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                               "bad XrSpatialAnchorFromPersistedAnchorCreateInfoMSFT");
    if (!xrsim_handle_live(ci->spatialAnchorStore, XRSIM_ANCHOR_STORE) ||
        ((xrsim_anchor_store *)ci->spatialAnchorStore)->session != s)
        return xrsim_app_error(s->instance, fn, XR_ERROR_HANDLE_INVALID, "spatialAnchorStore");
    if (!name_ok(&ci->spatialAnchorPersistenceName))
        return xrsim_app_error(s->instance, fn, XR_ERROR_SPATIAL_ANCHOR_NAME_INVALID_MSFT,
                               "a name is 1..255 bytes without control characters");
    load(s->instance, &g_work);
    int i = find(&g_work, ci->spatialAnchorPersistenceName.name);
    if (i < 0)
        return xrsim_app_error(s->instance, fn, XR_ERROR_SPATIAL_ANCHOR_NAME_NOT_FOUND_MSFT,
                               "no anchor of that name in the store");
    return xrsim_anchor_new(s, g_work.items[i].pose, out);
}

XrResult xrsim_xrUnpersistSpatialAnchorMSFT(XrSpatialAnchorStoreConnectionMSFT h,
                                            const XrSpatialAnchorPersistenceNameMSFT *name)
{
    XRSIM_API_LOCK();
    const char *fn = "xrUnpersistSpatialAnchorMSFT";
    xrsim_session *s;
    XrResult r = check_store(h, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!name)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE, "NULL name");
    if (!name_ok(name))
        return xrsim_app_error(s->instance, fn, XR_ERROR_SPATIAL_ANCHOR_NAME_INVALID_MSFT,
                               "a name is 1..255 bytes without control characters");
    int lock = lock_store(s->instance);
    load(s->instance, &g_work);
    int i = find(&g_work, name->name);
    if (i < 0) {
        unlock_store(lock);
        return xrsim_app_error(s->instance, fn, XR_ERROR_SPATIAL_ANCHOR_NAME_NOT_FOUND_MSFT,
                               "no anchor of that name in the store");
    }
    g_work.items[i] = g_work.items[--g_work.count];
    bool saved = save(s->instance, &g_work);
    unlock_store(lock);
    return saved
               ? XR_SUCCESS
               : xrsim_app_error(s->instance, fn, XR_ERROR_OUT_OF_MEMORY, "cannot write the store");
}

XrResult xrsim_xrClearSpatialAnchorStoreMSFT(XrSpatialAnchorStoreConnectionMSFT h)
{
    XRSIM_API_LOCK();
    const char *fn = "xrClearSpatialAnchorStoreMSFT";
    xrsim_session *s;
    XrResult r = check_store(h, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    g_work.count = 0;
    int lock = lock_store(s->instance);
    bool saved = save(s->instance, &g_work);
    unlock_store(lock);
    return saved
               ? XR_SUCCESS
               : xrsim_app_error(s->instance, fn, XR_ERROR_OUT_OF_MEMORY, "cannot write the store");
}

void xrsim_anchor_stores_free_for(xrsim_session *s)
{
    void *live[64];
    size_t n = xrsim_handle_collect(XRSIM_ANCHOR_STORE, live, 64);
    for (size_t i = 0; i < n; i++)
        if (((xrsim_anchor_store *)live[i])->session == s)
            xrsim_handle_release(live[i]);
}
