// SPDX-License-Identifier: Apache-2.0
// Levels of detail on the GPU side: the scene's levels (stoa_scene.lods,
// made by runtime/scene with meshoptimizer) go into the index buffer after
// the meshes' own indices; each frame a draw takes the coarsest level whose
// error, projected to the screen, stays under GFX_LOD_PIXELS, with
// hysteresis so a node at the threshold does not flicker.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_cull.h"
#include "gfx_internal.h"

uint32_t gfx_lod_pick(const float *errors, uint32_t levels, float px_per_unit, float threshold_px,
                      uint32_t current)
{
    if (!(px_per_unit >= 0.0f) || !isfinite(px_per_unit)) // NaN or infinity: the finest
        return 0;
    uint32_t best = 0;
    for (uint32_t k = 1; k <= levels; k++) {
        // Staying at (or going back finer to) a level drawn already needs its
        // error under the threshold; a coarser one needs a margin below it.
        float limit = k > current ? threshold_px * GFX_LOD_HYSTERESIS : threshold_px;
        if (errors[k - 1] * px_per_unit > limit)
            break; // errors ascend: no coarser level fits either
        best = k;
    }
    return best;
}

float gfx_lod_px_per_unit(const float proj[16], uint32_t height_px, float distance)
{
    if (distance < 1e-3f)
        distance = 1e-3f;
    return fabsf(proj[5]) * 0.5f * (float)height_px / distance;
}

uint64_t gfx_lod_index_total(const stoa_scene *sc)
{
    uint64_t n = 0;
    for (uint32_t i = 0; sc->lods && i < sc->lod_count; i++)
        n += sc->lods[i].index_count;
    return n;
}

stoa_result gfx_select_init(stoa_gfx_scene *s, const stoa_scene *sc, uint32_t *idst,
                            uint32_t first_free, stoa_error *err)
{
    gfx_select *sel = calloc(1, sizeof *sel);
    if (!sel)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    s->select = sel;
    return gfx_select_levels(sel, sc, idst, first_free, err);
}

stoa_result gfx_select_levels(gfx_select *sel, const stoa_scene *sc, uint32_t *idst,
                              uint32_t first_free, stoa_error *err)
{
    sel->mesh_count = sc->mesh_count;
    if (!sc->lod_count || !sc->lods || !sc->mesh_lod_first)
        return STOA_OK;
    uint32_t n = sc->lod_count;
    sel->mesh_lod_first = malloc((sc->mesh_count + 1) * sizeof *sel->mesh_lod_first);
    sel->lod_first_index = malloc(n * sizeof *sel->lod_first_index);
    sel->lod_index_count = malloc(n * sizeof *sel->lod_index_count);
    sel->lod_error = malloc(n * sizeof *sel->lod_error);
    if (!sel->mesh_lod_first || !sel->lod_first_index || !sel->lod_index_count || !sel->lod_error)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory for levels");
    memcpy(sel->mesh_lod_first, sc->mesh_lod_first,
           (sc->mesh_count + 1) * sizeof *sel->mesh_lod_first);
    uint32_t at = first_free;
    for (uint32_t i = 0; i < n; i++) {
        const stoa_mesh_lod *l = &sc->lods[i];
        const stoa_mesh *m = l->mesh < sc->mesh_count ? &sc->meshes[l->mesh] : NULL;
        // As check_mesh does for the meshes: the GPU never reads past a mesh.
        bool ok = m && l->indices && l->index_count % 3 == 0 && sc->mesh_lod_first[l->mesh] <= i &&
                  i < sc->mesh_lod_first[l->mesh + 1];
        for (uint32_t k = 0; ok && k < l->index_count; k++)
            ok = l->indices[k] < m->vertex_count;
        if (!ok)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                                  "gfx: level of detail %u (mesh %u) is malformed", i, l->mesh);
        memcpy(idst + (at - first_free), l->indices, (size_t)l->index_count * 4);
        sel->lod_first_index[i] = at;
        sel->lod_index_count[i] = l->index_count;
        sel->lod_error[i] = l->error;
        at += l->index_count;
    }
    sel->lod_count = n;
    return STOA_OK;
}
