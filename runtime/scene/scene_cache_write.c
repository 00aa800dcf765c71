// SPDX-License-Identifier: Apache-2.0
// Writing a baked scene cache file (layout: scene_cache.h). The bulk arrays
// stream into the DATA section as they are met, hashed per chunk; the other
// sections are built in memory and written after it; the header and the
// section table last, at the front. All into a temporary file renamed over
// the final name, so that a reader never sees half a file.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene_quant.h"
#include "scene/stoa_scene_texfmt.h"
#include "scene_cache_io.h"

static void put_texref(wbuf *b, const stoa_texture_ref *r)
{
    put_i32(b, r->texture);
    put_u32(b, r->texcoord);
    put_f32s(b, &r->scale, 1);
    put_u8(b, r->transformed);
    put_f32s(b, r->uv_matrix, 6);
}

// The nine vertex and index arrays of a mesh, with their sizes.
static void mesh_arrays(const stoa_mesh *m, const void *p[9], size_t size[9])
{
    size_t v = m->vertex_count;
    const void *a[9] = {m->positions, m->normals, m->tangents, m->uv0,    m->uv1,
                        m->colors,    m->joints,  m->weights,  m->indices};
    size_t n[9] = {
        v * 12, v * 12, v * 16, v * 8, v * 8, v * 16, v * 8, v * 16, (size_t)m->index_count * 4};
    memcpy(p, a, sizeof a);
    memcpy(size, n, sizeof n);
}

// A twin (d->twin) refers to its first's arrays: MetalRoughSpheresNoTextures
// draws one sphere under 98 materials, written once, not 98 times.
static void write_meshes(const stoa_scene *s, wbuf *b, data_out *d)
{
    uint64_t(*refs)[9][2] = d->twin ? malloc(((size_t)s->mesh_count + 1) * sizeof *refs) : NULL;
    for (uint32_t i = 0; i < s->mesh_count; i++) {
        const stoa_mesh *m = &s->meshes[i];
        uint32_t t = refs && d->twin[i] < i ? d->twin[i] : i;
        size_t v3 = (size_t)m->vertex_count * 12;
        const void *mine[9];
        size_t size[9];
        uint64_t scratch[9][2];
        mesh_arrays(m, mine, size);
        put_str(b, m->name);
        put_u32(b, m->vertex_count);
        put_u32(b, m->index_count);
        // A twin's arrays equal its first's (stoa_scene_mesh_twins compared
        // every byte): `same` is its own array, so they are not compared again.
        for (int k = 0; k < 9; k++)
            put_ref_kept(b, d, mine[k], size[k], t != i ? mine[k] : NULL,
                         t != i ? refs[t][k] : NULL, refs ? refs[i][k] : scratch[k]);
        put_i32(b, m->material);
        put_i32(b, m->skin);
        put_u32(b, m->morph_target_count);
        for (uint32_t k = 0; k < m->morph_target_count; k++) {
            put_ref(b, d, m->morph_targets[k].positions, v3);
            put_ref(b, d, m->morph_targets[k].normals, v3);
            put_ref(b, d, m->morph_targets[k].tangents, v3);
        }
        put_ref(b, d, m->default_weights, (size_t)m->morph_target_count * 4);
        put_f32s(b, m->bounds_min, 3);
        put_f32s(b, m->bounds_max, 3);
    }
    free(refs);
}

// Whether texture i is sampled as colour (as the renderer decides it).
static bool texture_is_colour(const stoa_scene *s, uint32_t i)
{
    for (uint32_t k = 0; k < s->material_count; k++)
        if (s->materials[k].base_color_tex.texture == (int32_t)i ||
            s->materials[k].emissive_tex.texture == (int32_t)i)
            return true;
    return false;
}

// Levels 1.. of t's chain, packed; NULL when out of memory or 1x1.
static uint8_t *make_mips(const stoa_texture *t, bool srgb, size_t *out_size)
{
    size_t total = 0;
    uint32_t w = t->width, h = t->height;
    while (w > 1 || h > 1) {
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
        total += (size_t)w * h * 4;
    }
    uint8_t *chain = total ? malloc(total) : NULL;
    if (!chain)
        return NULL;
    const uint8_t *src = t->rgba;
    uint8_t *dst = chain;
    w = t->width;
    h = t->height;
    while (w > 1 || h > 1) {
        uint32_t nw = w > 1 ? w / 2 : 1, nh = h > 1 ? h / 2 : 1;
        stoa_scene_mip_halve(src, w, h, (size_t)w * 4, dst, (size_t)nw * 4, srgb);
        src = dst;
        dst += (size_t)nw * nh * 4;
        w = nw;
        h = nh;
    }
    *out_size = total;
    return chain;
}

// The role that picks texture i's GPU format (stoa_texfmt_for).
stoa_texture_role scene_cache_texture_role(const stoa_scene *s, uint32_t i)
{
    if (texture_is_colour(s, i))
        return STOA_TEXTURE_ROLE_COLOUR;
    for (uint32_t k = 0; k < s->material_count; k++)
        if (s->materials[k].normal_tex.texture == (int32_t)i)
            return STOA_TEXTURE_ROLE_NORMAL;
    return STOA_TEXTURE_ROLE_DATA;
}

// Once the scene is destroyed (scene_cache_hurry) the writer still encodes
// up to HURRY_PIXELS texels (small images: a fraction of a second), then
// keeps the rest RGBA8: a short-lived process (`stoa info`, one `stoa
// render`) neither waits for a long bake nor leaves its small images
// unencoded. Such a file is right but not final: a later load that maps it
// completes it (scene_cache_complete.c), reusing the blocks it has; that
// writer, hurried in turn, keeps what it finished and encodes up to
// HURRY_PIXELS more, so that short processes make progress without waiting
// for a large texture (a longer one, or `stoa bake`, does those).
// STOA_SCENE_CACHE_HURRY_PIXELS replaces HURRY_PIXELS (tests).
#define HURRY_PIXELS (1u << 20)

typedef struct hurry_state {
    const stoa_scene *s;
    uint64_t pixels;  // of the texture being encoded
    uint64_t allowed; // left of HURRY_PIXELS
} hurry_state;

static bool hurried(void *user)
{
    const hurry_state *h = user;
    return h->s->baked && atomic_load(&h->s->baked->hurry) && h->pixels > h->allowed;
}

uint64_t scene_cache_hurry_pixels(void)
{
    const char *e = getenv("STOA_SCENE_CACHE_HURRY_PIXELS");
    char *end = NULL;
    unsigned long long v = e && *e ? strtoull(e, &end, 10) : 0;
    return e && *e && end && !*end ? (uint64_t)v : HURRY_PIXELS;
}

// Texels go last in DATA, from *lazy_from on: a load checks the chunks
// before it and leaves the rest to the first use of each texture
// (stoa_scene_texture_check). For a GPU target each image's whole chain is
// encoded here (stoa_scene_texfmt.h) and stored instead of RGBA8; a
// placeholder, or an image the encoder fails on, stays RGBA8. A texture
// that has its blocks in the target's format already (a scene read from a
// cache file: scene_cache_complete.c) gives them as they are.
static void write_textures(const stoa_scene *s, uint32_t target, wbuf *b, data_out *d,
                           uint64_t *lazy_from)
{
    hurry_state hs = {.s = s, .allowed = scene_cache_hurry_pixels()};
    uint32_t kept = 0;
    // The texels start on a chunk of their own, after lazy_from (the end of
    // the geometry): a load hashes the chunks before lazy_from, the last of
    // them up to lazy_from only (flush_chunk), so no texel and no padding.
    *lazy_from = d->pos;
    if (s->texture_count && d->pos % CACHE_CHUNK) {
        d->eager_end = d->pos;
        data_bytes(d, NULL, CACHE_CHUNK - d->pos % CACHE_CHUNK);
    }
    for (uint32_t i = 0; i < s->texture_count; i++) {
        const stoa_texture *t = &s->textures[i];
        bool srgb = texture_is_colour(s, i);
        stoa_texfmt fmt =
            stoa_texfmt_for((stoa_texture_target)target, scene_cache_texture_role(s, i));
        size_t mips_size = 0, blocks_size = 0;
        uint8_t *blocks = NULL, *mips = NULL;
        const uint8_t *given = NULL; // blocks the scene has (a cache file's)
        hs.pixels = (uint64_t)t->width * t->height;
        bool was_hurried = s->baked && atomic_load(&s->baked->hurry);
        if (t->blocks && t->gpu_format == (uint32_t)fmt) {
            given = t->blocks;
            blocks_size = t->blocks_size;
        } else if (t->rgba && !t->placeholder && fmt != STOA_TEXFMT_RGBA8 && hurried(&hs)) {
            kept++;
        } else if (t->rgba && !t->placeholder && fmt != STOA_TEXFMT_RGBA8 &&
                   !(blocks = stoa_texfmt_encode_chain_until(
                         fmt, t->rgba, t->width, t->height, srgb, 0, hurried, &hs, &blocks_size))) {
            if (hurried(&hs))
                kept++;
            else
                STOA_LOGW("scene", "%s: texture %u (%s) kept as RGBA8: the %s encoder failed",
                          s->path, i, t->name, stoa_texfmt_name(fmt));
        }
        if (!blocks && !given)
            fmt = STOA_TEXFMT_RGBA8;
        if (t->rgba && !blocks && !given)
            mips = make_mips(t, srgb, &mips_size);
        put_str(b, t->name);
        put_u32(b, t->width);
        put_u32(b, t->height);
        put_ref(b, d, blocks || given ? NULL : t->rgba, (size_t)t->width * t->height * 4);
        put_i32(b, t->sampler.mag_filter);
        put_i32(b, t->sampler.min_filter);
        put_i32(b, t->sampler.wrap_s);
        put_i32(b, t->sampler.wrap_t);
        put_u8(b, t->placeholder);
        put_u8(b, srgb);
        put_ref(b, d, mips, mips_size);
        put_u32(b, (uint32_t)fmt); // since format 3
        put_ref(b, d, given ? given : blocks, blocks_size);
        if (blocks && (was_hurried || (s->baked && atomic_load(&s->baked->hurry))))
            hs.allowed = hs.allowed > hs.pixels ? hs.allowed - hs.pixels : 0;
        free(mips);
        free(blocks);
    }
    if (kept)
        STOA_LOGI("scene",
                  "%s: %u texture(s) baked as RGBA8, not %s: the scene was closed before they "
                  "were encoded (the next load of the scene encodes them; `stoa bake` at once)",
                  s->path, kept, stoa_texture_target_name(target));
}

static void write_rest(const stoa_scene *s, wbuf w[], data_out *d)
{
    wbuf *b = &w[0]; // NODE
    for (uint32_t i = 0; i < s->node_count; i++) {
        const stoa_node *n = &s->nodes[i];
        put_str(b, n->name);
        put_i32(b, n->parent);
        put_f32s(b, n->translation, 3);
        put_f32s(b, n->rotation, 4);
        put_f32s(b, n->scale, 3);
        put_u32(b, n->mesh_count);
        put_ref(b, d, n->meshes, (size_t)n->mesh_count * 4);
        put_i32(b, n->camera);
        put_i32(b, n->light);
    }
    b = &w[1]; // MATL
    for (uint32_t i = 0; i < s->material_count; i++) {
        const stoa_material *m = &s->materials[i];
        put_str(b, m->name);
        put_f32s(b, m->base_color, 4);
        put_f32s(b, &m->metallic, 1);
        put_f32s(b, &m->roughness, 1);
        put_f32s(b, m->emissive, 3);
        put_texref(b, &m->base_color_tex);
        put_texref(b, &m->metallic_roughness_tex);
        put_texref(b, &m->normal_tex);
        put_texref(b, &m->occlusion_tex);
        put_texref(b, &m->emissive_tex);
        put_u32(b, (uint32_t)m->alpha_mode);
        put_f32s(b, &m->alpha_cutoff, 1);
        put_u8(b, m->double_sided);
        put_u8(b, m->unlit);
    }
    b = &w[2]; // SKIN
    for (uint32_t i = 0; i < s->skin_count; i++) {
        put_str(b, s->skins[i].name);
        put_u32(b, s->skins[i].joint_count);
        put_ref(b, d, s->skins[i].joints, (size_t)s->skins[i].joint_count * 4);
        put_ref(b, d, s->skins[i].inverse_bind, (size_t)s->skins[i].joint_count * 64);
    }
    b = &w[3]; // CAMR
    for (uint32_t i = 0; i < s->camera_count; i++) {
        const stoa_camera *c = &s->cameras[i];
        put_str(b, c->name);
        put_i32(b, c->node);
        put_u32(b, (uint32_t)c->type);
        float f[6] = {c->yfov, c->aspect, c->znear, c->zfar, c->xmag, c->ymag};
        put_f32s(b, f, 6);
    }
    b = &w[4]; // LITE
    for (uint32_t i = 0; i < s->light_count; i++) {
        const stoa_light *l = &s->lights[i];
        put_str(b, l->name);
        put_i32(b, l->node);
        put_u32(b, (uint32_t)l->type);
        float f[7] = {l->color[0], l->color[1], l->color[2], l->intensity,
                      l->range,    l->inner_cone, l->outer_cone};
        put_f32s(b, f, 7);
    }
    b = &w[5]; // ANIM
    for (uint32_t i = 0; i < s->animation_count; i++) {
        const stoa_animation *a = &s->animations[i];
        put_str(b, a->name);
        put_f32s(b, &a->duration, 1);
        put_u32(b, a->channel_count);
        for (uint32_t c = 0; c < a->channel_count; c++) {
            const stoa_anim_channel *ch = &a->channels[c];
            put_i32(b, ch->node);
            put_u32(b, (uint32_t)ch->path);
            put_u32(b, (uint32_t)ch->interp);
            put_u32(b, ch->key_count);
            put_u32(b, ch->components);
            size_t nv = (size_t)ch->key_count * ch->components *
                        (ch->interp == STOA_INTERP_CUBIC ? 3 : 1);
            put_ref(b, d, ch->times, (size_t)ch->key_count * 4);
            put_ref(b, d, ch->values, nv * 4);
        }
    }
    b = &w[6]; // WARN
    for (uint32_t i = 0; i < s->warning_count; i++)
        put_str(b, s->warnings[i]);
    b = &w[7]; // META
    uint32_t counts[9] = {s->node_count,   s->mesh_count,   s->material_count,
                          s->texture_count, s->skin_count,  s->camera_count,
                          s->light_count,   s->animation_count, s->warning_count};
    put(b, counts, sizeof counts);
    put(b, &s->triangle_count, 8);
    put_f32s(b, s->bounds_min, 3);
    put_f32s(b, s->bounds_max, 3);
}

static bool pwrite_all(int fd, const void *p, size_t n, uint64_t at)
{
    const uint8_t *b = p;
    while (n > 0) {
        ssize_t w = pwrite(fd, b, n, (off_t)at);
        if (w <= 0)
            return false;
        b += w;
        n -= (size_t)w;
        at += (uint64_t)w;
    }
    return true;
}

static uint64_t align16(uint64_t v)
{
    return (v + 15) & ~(uint64_t)15;
}

// The sections, the table and the header. The sections go in the header's
// page, after the table, when they fit there with EAGR (the hashes of the
// chunks before lazy_from): a load then reads that page and the geometry,
// and CHNK; CHNK, and sections too large for the page, go after DATA (META,
// small, stays in the page).
static bool finish(int fd, uint64_t key, data_out *d, wbuf w[], const uint32_t ids[], uint32_t nw,
                   uint64_t lazy_from)
{
    cache_section table[CACHE_MAX_SECTIONS];
    uint32_t n = 0;
    size_t eager = (size_t)((lazy_from + CACHE_CHUNK - 1) / CACHE_CHUNK) * 8;
    eager = eager < d->hashes.n ? eager : d->hashes.n;
    uint64_t front = align16(sizeof(cache_header) + (uint64_t)(nw + 3) * sizeof(cache_section));
    uint64_t need = front;
    for (uint32_t i = 0; i < nw; i++)
        need = align16(need) + w[i].n;
    bool in_front = align16(need) + eager <= CACHE_DATA_OFFSET;
    uint64_t tail = CACHE_DATA_OFFSET + d->pos;
    table[n++] = (cache_section){CACHE_DATA, CACHE_SECTION_REQUIRED, CACHE_DATA_OFFSET, d->pos, 0};
    for (uint32_t i = 0; i <= nw + 1; i++) {
        const wbuf *b = i < nw ? &w[i] : &d->hashes;
        size_t len = i <= nw ? b->n : eager;
        // CHNK always after DATA; META always in the page (a hit's reader
        // finds lazy_from there: scene_cache_copy_plan).
        bool here = i < nw ? in_front || ids[i] == CACHE_META : i == nw + 1 && in_front;
        if (b->oom)
            return false;
        if (i == nw + 1 && !in_front)
            break; // no EAGR: the load reads CHNK after DATA anyway
        uint64_t *at = here ? &front : &tail;
        *at = align16(*at);
        uint32_t id = i < nw ? ids[i] : i == nw ? CACHE_CHNK : CACHE_EAGR;
        table[n++] = (cache_section){id, id == CACHE_EAGR ? 0 : CACHE_SECTION_REQUIRED, *at, len,
                                     scene_hash64(b->p, len, 0)};
        if (len && !pwrite_all(fd, b->p, len, *at))
            return false;
        *at += len;
    }
    cache_header h = {.version = STOA_SCENE_CACHE_VERSION,
                      .endian = CACHE_ENDIAN,
                      .key = key,
                      .file_size = tail,
                      .section_count = n,
                      .chunk_size = (uint32_t)CACHE_CHUNK};
    memcpy(h.magic, CACHE_MAGIC, 8);
    h.table_hash = scene_hash64(table, n * sizeof *table, 0);
    h.header_hash = scene_hash64(&h, offsetof(cache_header, header_hash), 0);
    return pwrite_all(fd, table, n * sizeof *table, sizeof h) && pwrite_all(fd, &h, sizeof h, 0) &&
           ftruncate(fd, (off_t)tail) == 0;
}

stoa_result scene_cache_write(const stoa_scene *s, uint64_t key, uint32_t target, const char *file,
                              stoa_error *err)
{
    for (uint32_t i = 0; i < s->texture_count; i++)
        if (s->textures[i].pending)
            return stoa_error_set(err, STOA_ERROR_STATE, "%s: textures still decoding", file);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", file);
    data_out d = {.fd = mkstemp(tmp), .chunk = malloc(CACHE_WRITE_RUN)};
    if (d.fd < 0 || !d.chunk) {
        int e = errno;
        free(d.chunk);
        if (d.fd >= 0) {
            close(d.fd);
            unlink(tmp);
        }
        return stoa_error_set(err, STOA_ERROR_IO, "%s: cannot write: %s", file, strerror(e));
    }
    static const uint32_t ids[] = {CACHE_NODE, CACHE_MATL, CACHE_SKIN, CACHE_CAMR,
                                   CACHE_LITE, CACHE_ANIM, CACHE_WARN, CACHE_META,
                                   CACHE_MESH, CACHE_TEXR, CACHE_LODS, CACHE_QVTX};
    enum { NW = sizeof ids / sizeof ids[0] };
    wbuf w[NW] = {0};
    write_rest(s, w, &d);
    uint32_t *twin = stoa_scene_mesh_twins(s); // NULL (out of memory): none shared
    d.twin = twin;
    write_meshes(s, &w[8], &d);
    // A scene loaded with .no_lods gets its levels made here, on a shallow
    // copy (the writer thread only reads the scene): the file always has them.
    // With .defer_lods they come from the background thread's copy (waited
    // for here; the owner may take them into the scene meanwhile).
    stoa_scene levels = *s;
    stoa_error lerr = {0};
    const stoa_scene *later = scene_lod_later_wait(s);
    bool own = !later && !s->mesh_lod_first;
    if (later) {
        d.failed |= scene_lod_later_failed(s);
        levels.lods = later->lods, levels.mesh_lod_first = later->mesh_lod_first;
        levels.lod_count = later->lod_count;
    } else if (own) {
        levels.lods = NULL, levels.mesh_lod_first = NULL, levels.lod_count = 0;
        if (stoa_scene_build_lods(&levels, &lerr) < 0)
            d.failed = true;
    }
    scene_cache_write_lods(&levels, &w[10], &d);
    if (own)
        stoa_scene_free_lods(&levels);
    scene_cache_write_quant(s, &w[11], &d);
    uint64_t lazy_from;
    write_textures(s, target, &w[9], &d, &lazy_from);
    put(&w[7], &lazy_from, 8); // META's last field
    flush_chunk(&d);
    bool ok = !d.failed && finish(d.fd, key, &d, w, ids, NW, lazy_from);
    ok = close(d.fd) == 0 && ok;
    ok = ok && rename(tmp, file) == 0;
    int e = errno;
    if (!ok)
        unlink(tmp);
    for (uint32_t i = 0; i < NW; i++)
        free(w[i].p);
    free(d.hashes.p);
    free(d.chunk);
    free(twin);
    if (!ok)
        return stoa_error_set(err, STOA_ERROR_IO, "%s: cannot write: %s", file, strerror(e));
    return STOA_OK;
}
