// SPDX-License-Identifier: Apache-2.0
// The baked scene cache's QVTX section (format 4): the quantised vertex
// streams (stoa_scene_quant.h), so that a cached load uploads them as they
// lie in the mapping, with no per-vertex work.
//
//   u32 flags (STOA_QUANT_* streams quantised for every mesh)
//   f32 position_error, normal_error_deg, uv_error
//   str reason
//   u32 mesh_count (the scene's)
//   mesh_count x { f32 offset[3], f32 scale, ref positions (n x 8 bytes),
//                  ref normals (n x 4), ref tangents (n x 4), ref uv0 (n x 4),
//                  ref uv1 (n x 4), ref colours (n x 4) }
//
// The arrays go in DATA after the meshes' and the levels' and before the
// texels, so a load checks their hashes. Read back: the flags are known
// bits; a quantised stream's array is present exactly where the mesh has
// the float stream (positions and normals always), a stream not quantised
// has none; offsets and scales are finite, scales positive; the errors
// finite, not negative and within the quantiser's bounds. Any value of a
// quantised element is a valid vertex attribute, so the elements
// themselves need no check.
#include <math.h>

#include "scene/stoa_scene_quant.h"
#include "scene_cache_io.h"

#define QUANT_MESH_BYTES (16u + 6u * 16u)

void scene_cache_write_quant(const stoa_scene *s, wbuf *b, data_out *d)
{
    stoa_scene_quant *q = NULL;
    stoa_error err = {0};
    // The writer's twins (d->twin), not found a second time; NULL: found here.
    if (stoa_scene_quantise_twins(s, STOA_QUANT_ALL, d->twin, &q, &err) < 0) {
        d->failed = true;
        return;
    }
    put_u32(b, q->flags);
    put_f32s(b, &q->position_error, 1);
    put_f32s(b, &q->normal_error_deg, 1);
    put_f32s(b, &q->uv_error, 1);
    put_str(b, q->reason);
    put_u32(b, q->mesh_count);
    // A twin's streams are its first's (encoded once): referred to, not
    // written again (put_ref_kept).
    uint64_t(*refs)[6][2] = d->twin ? malloc(((size_t)q->mesh_count + 1) * sizeof *refs) : NULL;
    for (uint32_t i = 0; i < q->mesh_count; i++) {
        const stoa_mesh_quant *m = &q->meshes[i];
        uint32_t t = refs && d->twin[i] < i ? d->twin[i] : i;
        const stoa_mesh_quant *o = &q->meshes[t];
        size_t n = s->meshes[i].vertex_count;
        const void *mine[6] = {m->positions, m->normals, m->tangents, m->uv0, m->uv1, m->colors};
        const void *theirs[6] = {o->positions, o->normals, o->tangents, o->uv0, o->uv1, o->colors};
        size_t size[6] = {n * 8, n * 4, n * 4, n * 4, n * 4, n * 4};
        uint64_t scratch[6][2];
        put_f32s(b, m->offset, 3);
        put_f32s(b, &m->scale, 1);
        for (int k = 0; k < 6; k++)
            put_ref_kept(b, d, mine[k], size[k], t != i ? theirs[k] : NULL,
                         t != i ? refs[t][k] : NULL, refs ? refs[i][k] : scratch[k]);
    }
    free(refs);
    stoa_scene_quant_destroy(&q);
}

// An array present exactly when `want` (the stream quantised and the mesh
// has it); absent otherwise.
static void *get_stream(rd *r, size_t size, bool want)
{
    void *p = get_ref(r, size, want);
    if (!r->bad && p && !want)
        fail(r, "quantised array of a stream that is not quantised");
    return p;
}

static void read_mesh(rd *r, uint32_t flags, const stoa_mesh *src, stoa_mesh_quant *m)
{
    size_t n = src->vertex_count;
    get_f32s(r, m->offset, 3);
    get_f32s(r, &m->scale, 1);
    bool qp = flags & STOA_QUANT_POSITION, qn = flags & STOA_QUANT_NORMAL;
    bool qu = flags & STOA_QUANT_UV, qc = flags & STOA_QUANT_COLOR;
    m->positions = get_stream(r, n * 8, qp);
    m->normals = get_stream(r, n * 4, qn);
    m->tangents = get_stream(r, n * 4, qn && src->tangents);
    m->uv0 = get_stream(r, n * 4, qu && src->uv0);
    m->uv1 = get_stream(r, n * 4, qu && src->uv1);
    m->colors = get_stream(r, n * 4, qc && src->colors);
    if (r->bad)
        return;
    bool finite = isfinite(m->offset[0]) && isfinite(m->offset[1]) && isfinite(m->offset[2]) &&
                  isfinite(m->scale);
    if (!finite || (qp ? !(m->scale > 0) : m->scale != 0))
        fail(r, "quantised positions' offset or scale not finite, or scale not positive");
}

void scene_cache_read_quant(rd *r, stoa_scene *s)
{
    stoa_scene_quant *q = calloc(1, sizeof *q);
    if (!q) {
        fail(r, "out of memory");
        return;
    }
    q->flags = get_u32(r);
    get_f32s(r, &q->position_error, 1);
    get_f32s(r, &q->normal_error_deg, 1);
    get_f32s(r, &q->uv_error, 1);
    const char *reason = get_str(r);
    q->mesh_count = get_u32(r);
    if (!r->bad && (q->flags & ~(uint32_t)STOA_QUANT_ALL))
        fail(r, "unknown quantised stream");
    if (!r->bad && q->mesh_count != s->mesh_count)
        fail(r, "quantised mesh count is not the scene's");
    if (!r->bad &&
        !(q->position_error >= 0 && q->position_error <= STOA_QUANT_POSITION_BOUND &&
          q->normal_error_deg >= 0 && q->normal_error_deg <= STOA_QUANT_NORMAL_BOUND_DEG &&
          q->uv_error >= 0 && q->uv_error <= 1.0f))
        fail(r, "quantisation errors not finite or past their bounds");
    if (!r->bad && count_fits(r, q->mesh_count, QUANT_MESH_BYTES) &&
        !(q->meshes = calloc((size_t)q->mesh_count + 1, sizeof *q->meshes)))
        fail(r, "out of memory");
    for (uint32_t i = 0; i < q->mesh_count && !r->bad; i++)
        read_mesh(r, q->flags, &s->meshes[i], &q->meshes[i]);
    if (r->bad) {
        stoa_scene_quant_destroy(&q);
        return;
    }
    snprintf(q->reason, sizeof q->reason, "%s", reason ? reason : "");
    s->baked->quant = q;
}
