// SPDX-License-Identifier: Apache-2.0
// The baked scene cache's LODS section (format 2): the scene's levels of
// detail (scene_lod.c), so that a cached load does no simplifying.
//
//   u32 lod_count
//   ref mesh_lod_first (mesh_count + 1 u32 in DATA; absent when lod_count 0)
//   lod_count x { u32 mesh, u32 index_count, f32 error, ref indices }
//
// The index arrays go in DATA after the meshes' and before the texels, so
// a load checks their hashes. Read back, everything the renderer follows is
// checked: the offsets start at 0, never fall and end at lod_count; each
// level lies in its mesh's range, is made of whole triangles, no more than
// the mesh's own, every index below the mesh's vertex count; errors are
// finite, not negative and do not fall from one level to the next; only
// meshes that get levels (unskinned, unmorphed) have them.
#include <math.h>

#include "scene_cache_io.h"

#define LOD_RECORD_BYTES 28u

// A twin mesh's levels equal its first's (scene_lod.c copies them): each
// is referred to, not written again (put_ref_kept compares the bytes).
void scene_cache_write_lods(const stoa_scene *s, wbuf *b, data_out *d)
{
    put_u32(b, s->lod_count);
    put_ref(b, d, s->lod_count ? s->mesh_lod_first : NULL, ((size_t)s->mesh_count + 1) * 4);
    const uint32_t *first = s->mesh_lod_first, *twin = d->twin;
    uint64_t(*refs)[2] = twin && first ? malloc(((size_t)s->lod_count + 1) * sizeof *refs) : NULL;
    for (uint32_t i = 0; i < s->lod_count; i++) {
        const stoa_mesh_lod *l = &s->lods[i];
        // The same level of the mesh's first twin, when that has as many.
        uint32_t same = i, mesh = l->mesh, t = refs && mesh < s->mesh_count ? twin[mesh] : mesh;
        if (t < mesh && first[mesh] <= i && i - first[mesh] < first[t + 1] - first[t])
            same = first[t] + (i - first[mesh]);
        uint64_t scratch[2];
        put_u32(b, l->mesh);
        put_u32(b, l->index_count);
        put_f32s(b, &l->error, 1);
        put_ref_kept(b, d, l->indices, (size_t)l->index_count * 4,
                     same < i ? s->lods[same].indices : NULL, same < i ? refs[same] : NULL,
                     refs ? refs[i] : scratch);
    }
    free(refs);
}

static void read_level(rd *r, stoa_scene *s, uint32_t mesh, stoa_mesh_lod *l, float *last_error,
                       index_max_seen *seen)
{
    l->mesh = get_u32(r);
    l->index_count = get_u32(r);
    get_f32s(r, &l->error, 1);
    l->indices = get_ref(r, (size_t)l->index_count * 4, true);
    if (r->bad)
        return;
    const stoa_mesh *m = &s->meshes[mesh];
    if (l->mesh != mesh || l->index_count == 0 || l->index_count % 3 ||
        l->index_count > m->index_count || m->skin >= 0 || m->morph_target_count)
        fail(r, "level of detail of another mesh, of partial triangles or larger than its mesh");
    else if (!isfinite(l->error) || l->error < 0 || l->error < *last_error)
        fail(r, "level of detail error not finite, negative or falling");
    *last_error = l->error;
    if (!r->bad && index_max(seen, l->indices, l->index_count) >= m->vertex_count)
        fail(r, "level of detail index past its mesh's vertices");
}

void scene_cache_read_lods(rd *r, stoa_scene *s)
{
    uint32_t count = get_u32(r);
    uint32_t *first = get_ref(r, ((size_t)s->mesh_count + 1) * 4, count > 0);
    if (r->bad || count == 0) {
        if (!r->bad && first)
            fail(r, "level offsets without levels");
        return;
    }
    if (!count_fits(r, count, LOD_RECORD_BYTES))
        return;
    if (first[0] != 0 || first[s->mesh_count] != count) {
        fail(r, "level offsets do not run from 0 to the level count");
        return;
    }
    for (uint32_t m = 0; m < s->mesh_count; m++)
        if (first[m + 1] < first[m]) {
            fail(r, "level offsets fall");
            return;
        }
    if (!(s->lods = calloc(count, sizeof *s->lods))) {
        fail(r, "out of memory");
        return;
    }
    s->mesh_lod_first = first;
    s->lod_count = count;
    index_max_seen seen = {0};
    for (uint32_t m = 0; m < s->mesh_count && !r->bad; m++) {
        float last_error = 0.0f;
        for (uint32_t i = first[m]; i < first[m + 1] && !r->bad; i++)
            read_level(r, s, m, &s->lods[i], &last_error, &seen);
    }
}
