// SPDX-License-Identifier: Apache-2.0
// Assimp's side of the import: a confined file system for it, its flags, and
// the call itself. scene_assimp.c converts what it returns.
#include <assimp/cfileio.h>
#include <assimp/cimport.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "core/stoa_path.h"
#include "scene_assimp.h"
#include "scene_internal.h"

// ---- a file system that cannot leave the scene's folder ----------------------

typedef struct mem_file {
    const uint8_t *data;
    uint8_t *owned;
    size_t size, pos;
} mem_file;

typedef struct io_ctx {
    scene_doc *doc;
    const char *virtual_path; // the rewritten document's name, or NULL
    char refused[768]; // first path Assimp asked for and did not get
} io_ctx;

static size_t mf_read(struct aiFile *f, char *buf, size_t size, size_t count)
{
    mem_file *m = (mem_file *)f->UserData;
    if (size == 0)
        return 0;
    size_t n = (m->size - m->pos) / size;
    if (n > count)
        n = count;
    memcpy(buf, m->data + m->pos, n * size);
    m->pos += n * size;
    return n;
}

static size_t mf_write(struct aiFile *f, const char *b, size_t s, size_t c)
{
    (void)f, (void)b, (void)s, (void)c;
    return 0; // read-only
}

static size_t mf_tell(struct aiFile *f)
{
    return ((mem_file *)f->UserData)->pos;
}

static size_t mf_size(struct aiFile *f)
{
    return ((mem_file *)f->UserData)->size;
}

static void mf_flush(struct aiFile *f)
{
    (void)f;
}

static enum aiReturn mf_seek(struct aiFile *f, size_t off, enum aiOrigin origin)
{
    mem_file *m = (mem_file *)f->UserData;
    size_t base = origin == aiOrigin_SET ? 0 : origin == aiOrigin_CUR ? m->pos : m->size;
    if (off > m->size - base)
        return aiReturn_FAILURE;
    m->pos = base + off;
    return aiReturn_SUCCESS;
}

static void io_refuse(io_ctx *io, const char *path, const char *why)
{
    if (!io->refused[0])
        snprintf(io->refused, sizeof io->refused, "'%.300s' %.400s", path, why);
}

// Assimp asks for the scene file by the name it was given and for buffers as
// "<folder of the scene>/<uri>"; anything else is refused.
static struct aiFile *io_open(struct aiFileIO *fio, const char *path, const char *mode)
{
    io_ctx *io = (io_ctx *)fio->UserData;
    scene_doc *doc = io->doc;
    if (!mode || mode[0] != 'r') {
        io_refuse(io, path, "(write access refused)");
        return NULL;
    }
    mem_file *m = calloc(1, sizeof *m);
    struct aiFile *f = calloc(1, sizeof *f);
    if (!m || !f)
        goto fail;
    if (io->virtual_path && strcmp(path, io->virtual_path) == 0) {
        m->data = (const uint8_t *)doc->assimp_json;
        m->size = strlen(doc->assimp_json);
    } else if (!io->virtual_path && strcmp(path, doc->path) == 0) {
        m->data = doc->file;
        m->size = doc->file_size;
    } else {
        const char *slash = strrchr(doc->path, '/');
        size_t plen = slash ? (size_t)(slash - doc->path) + 1 : 0;
        const char *rel = path;
        if (plen) {
            if (strncmp(path, doc->path, plen) != 0) {
                io_refuse(io, path, "is outside the scene's folder");
                goto fail;
            }
            rel = path + plen;
        }
        if (io->virtual_path && scene_doc_virtual_buffer(doc, rel, &m->data, &m->size))
            goto done;
        char full[PATH_MAX];
        stoa_error perr = {0};
        if (stoa_path_confine(doc->dir, rel, full, sizeof full, &perr) < 0) {
            io_refuse(io, path, perr.message);
            goto fail;
        }
        if (stoa_file_read(full, 0, &m->owned, &m->size, &perr) < 0) {
            io_refuse(io, path, perr.message);
            goto fail;
        }
        m->data = m->owned;
    }
done:
    *f = (struct aiFile){mf_read, mf_write, mf_tell, mf_size, mf_seek, mf_flush, (aiUserData)m};
    return f;
fail:
    free(m);
    free(f);
    return NULL;
}

static void io_close(struct aiFileIO *fio, struct aiFile *f)
{
    (void)fio;
    if (!f)
        return;
    mem_file *m = (mem_file *)f->UserData;
    free(m->owned);
    free(m);
    free(f);
}

uint32_t stoa_scene_import_flags(void)
{
    return scene_assimp_flags(false);
}

uint32_t scene_assimp_flags(bool no_generated_tangents)
{
    if (no_generated_tangents)
        return aiProcess_Triangulate | aiProcess_GenNormals | aiProcess_FlipUVs |
               aiProcess_ValidateDataStructure;
    // No SortByPType / SplitLargeMeshes / OptimizeMeshes: they reorder meshes,
    // and Stoa maps Assimp's meshes back to glTF primitives by order.
    // FlipUVs undoes the V flip that Assimp's glTF importer applies, giving
    // glTF's top-left UV origin, which Vulkan shares.
    return aiProcess_Triangulate | aiProcess_GenNormals | aiProcess_CalcTangentSpace |
           aiProcess_FlipUVs | aiProcess_ValidateDataStructure;
}

stoa_result scene_assimp_run(scene_doc *doc, const struct aiScene **out, stoa_error *err)
{
    io_ctx io = {.doc = doc};
    struct aiFileIO fio = {io_open, io_close, (aiUserData)&io};
    char virtual_path[PATH_MAX + 32];
    // Here, not at load: what only Assimp needs must not send a file the
    // direct path reads (scene_native_ok) to Assimp.
    scene_doc_check_assimp_needs(doc);
    if (doc->rewritten) {
        stoa_result r = scene_doc_for_assimp(doc, err);
        if (r < 0)
            return r;
        // Beside the scene, so relative image URIs resolve as before.
        snprintf(virtual_path, sizeof virtual_path, "%s.stoa-decoded.gltf", doc->path);
        io.virtual_path = virtual_path;
    }
    const struct aiScene *ai = aiImportFileEx(io.virtual_path ? io.virtual_path : doc->path,
                                              scene_assimp_flags(doc->no_generated_tangents), &fio);
    if (!ai) {
        if (io.refused[0])
            return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH, "%s: refused to read %s", doc->path,
                                  io.refused);
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: glTF import failed: %.700s", doc->path,
                              aiGetErrorString());
    }
    *out = ai;
    return STOA_OK;
}
