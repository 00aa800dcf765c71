// SPDX-License-Identifier: Apache-2.0
// Textures, material uniform blocks and one descriptor set per material.
// A texture slot that a material leaves empty gets the renderer's white
// texture; the shader knows from the flags whether to sample it at all.
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "gfx_scene_internal.h"
#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_texfmt.h"

// std140 mirror of `Material` in shaders/pbr.frag.
typedef struct gfx_material_ubo {
    float base_color[4];
    float emissive[4]; // rgb, a = alpha cutoff
    float factors[4];  // metallic, roughness, normal scale, occlusion strength
    int32_t texcoord[4];
    int32_t flags[4]; // x GFX_MAT_*, y emissive texcoord
    float uvt[10][4]; // KHR_texture_transform rows per slot (base, mr, normal, occlusion, emissive)
} gfx_material_ubo;

static const stoa_material k_default_material = {
    .name = "default",
    .base_color = {0.8f, 0.8f, 0.8f, 1.0f},
    .metallic = 0.0f,
    .roughness = 0.7f,
    .base_color_tex = {-1, 0, 1},
    .metallic_roughness_tex = {-1, 0, 1},
    .normal_tex = {-1, 0, 1},
    .occlusion_tex = {-1, 0, 1},
    .emissive_tex = {-1, 0, 1},
    .alpha_cutoff = 0.5f,
};

bool *gfx_textures_srgb(const stoa_scene *sc)
{
    bool *srgb = calloc(sc->texture_count + 1, sizeof *srgb);
    for (uint32_t i = 0; srgb && i < sc->material_count; i++) {
        int32_t colour[2] = {sc->materials[i].base_color_tex.texture,
                             sc->materials[i].emissive_tex.texture};
        for (int k = 0; k < 2; k++)
            if (colour[k] >= 0 && (uint32_t)colour[k] < sc->texture_count)
                srgb[colour[k]] = true;
    }
    return srgb;
}

static stoa_result upload_textures(stoa_gfx_scene *s, const stoa_scene *sc, gfx_upload *u,
                                   stoa_error *err)
{
    s->textures = calloc(sc->texture_count + 1, sizeof *s->textures);
    gfx_tex_fill *fills = calloc(sc->texture_count + 1, sizeof *fills);
    stoa_result res = STOA_OK;
    if (!s->textures || !fills)
        res = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    uint32_t nfill = 0;
    // Vulkan objects and commands here, on this thread; the pixels are
    // written afterwards by gfx_tex_fill_run_all, in parallel.
    for (uint32_t i = 0; i < sc->texture_count && res >= 0; i++) {
        const stoa_texture *t = &sc->textures[i];
        if (!(t->rgba || t->blocks) || t->width == 0 || t->height == 0 ||
            !stoa_scene_texture_check(sc, i))
            continue; // drawn with the white texture (a damaged cache file: logged)
        // glTF min filters 9728 NEAREST and 9729 LINEAR read level 0 alone.
        bool srgb = u->tex_srgb && u->tex_srgb[i];
        gfx_texture_desc d = {t->rgba, t->width, t->height, srgb,
                              .no_mips = t->sampler.min_filter == 9728 ||
                                         t->sampler.min_filter == 9729,
                              .mips = t->mips && t->mips_srgb == srgb ? t->mips : NULL,
                              .format = t->gpu_format, .blocks = t->blocks};
        uint8_t *decoded = NULL; // a format this device does not sample: RGBA8
        if (d.blocks && !gfx_texture_blocks_supported(u->dev, d.format)) {
            STOA_LOGW("gfx", "%s: texture %u is %s, which this device does not sample: "
                             "decoded to RGBA8 on the CPU (bake with --format rgba8 or auto)",
                      sc->path ? sc->path : "scene", i, stoa_texfmt_name(d.format));
            if (!(decoded = gfx_texture_blocks_decode(&d)))
                continue;
            d = (gfx_texture_desc){decoded, t->width, t->height, srgb, .no_mips = d.no_mips};
        }
        // A decoded copy is filled now (the fills run later, after it is freed).
        res = gfx_texture_create(u->dev, u->cmd, &u->staging, &d, &s->textures[i],
                                 decoded ? NULL : &fills[nfill], err);
        nfill += res >= 0 && !decoded;
        free(decoded);
        s->texture_count = i + 1;
    }
    if (res >= 0) {
        if (!u->defer_fills)
            res = gfx_tex_fill_run_all(u->dev, fills, nfill, err);
        s->texture_count = sc->texture_count;
    }
    if (res >= 0)
        res = gfx_pending_init(s, sc, u, err);
    if (res >= 0 && u->defer_fills) { // stoa_gfx_scene_upload_fill writes them
        u->fills = fills;
        u->fill_count = nfill;
        return res;
    }
    free(fills);
    return res;
}

// What descriptor sets bind: a scene's textures and which of them still
// wait for their pixels. A texture batch about to be installed passes the
// state it will leave (gfx_stream_batch.c), the upload the scene's own.
typedef struct gfx_bind_src {
    const stoa_gfx_scene *s;
    const gfx_texture *textures; // s->texture_count entries
    const bool *pending;         // NULL: none
} gfx_bind_src;

static bool tex_pending(const gfx_bind_src *b, const stoa_texture_ref *ref)
{
    return ref->texture >= 0 && (uint32_t)ref->texture < b->s->texture_count && b->pending &&
           b->pending[ref->texture];
}

// A pending texture counts as present: its slot samples a neutral stand-in,
// so that only the descriptor changes when the pixels arrive.
static bool tex_ok(const gfx_bind_src *b, const stoa_texture_ref *ref)
{
    return ref->texture >= 0 && (uint32_t)ref->texture < b->s->texture_count &&
           (b->textures[ref->texture].image.image || tex_pending(b, ref));
}

static uint32_t material_flags(const gfx_bind_src *s, const stoa_material *m)
{
    uint32_t f = 0;
    f |= tex_ok(s, &m->base_color_tex) ? GFX_MAT_BASE_TEX : 0;
    f |= tex_ok(s, &m->metallic_roughness_tex) ? GFX_MAT_MR_TEX : 0;
    f |= tex_ok(s, &m->normal_tex) ? GFX_MAT_NORMAL_TEX : 0;
    f |= tex_ok(s, &m->occlusion_tex) ? GFX_MAT_OCCLUSION_TEX : 0;
    f |= tex_ok(s, &m->emissive_tex) ? GFX_MAT_EMISSIVE_TEX : 0;
    f |= m->unlit ? GFX_MAT_UNLIT : 0;
    f |= m->alpha_mode == STOA_ALPHA_MASK ? GFX_MAT_MASK : 0;
    f |= m->alpha_mode == STOA_ALPHA_BLEND ? GFX_MAT_BLEND : 0;
    f |= m->double_sided ? GFX_MAT_DOUBLE_SIDED : 0;
    return f;
}

static void fill_ubo(gfx_material_ubo *u, const stoa_material *m, uint32_t flags)
{
    memset(u, 0, sizeof *u);
    memcpy(u->base_color, m->base_color, sizeof u->base_color);
    memcpy(u->emissive, m->emissive, 3 * sizeof(float));
    u->emissive[3] = m->alpha_cutoff;
    u->factors[0] = m->metallic;
    u->factors[1] = m->roughness;
    u->factors[2] = m->normal_tex.scale;
    u->factors[3] = m->occlusion_tex.scale;
    u->texcoord[0] = (int32_t)m->base_color_tex.texcoord;
    u->texcoord[1] = (int32_t)m->metallic_roughness_tex.texcoord;
    u->texcoord[2] = (int32_t)m->normal_tex.texcoord;
    u->texcoord[3] = (int32_t)m->occlusion_tex.texcoord;
    u->flags[0] = (int32_t)flags;
    u->flags[1] = (int32_t)m->emissive_tex.texcoord;
    const stoa_texture_ref *slots[5] = {&m->base_color_tex, &m->metallic_roughness_tex,
                                        &m->normal_tex, &m->occlusion_tex, &m->emissive_tex};
    static const float identity[6] = {1, 0, 0, 0, 1, 0};
    for (int k = 0; k < 5; k++) {
        const float *t = slots[k]->transformed ? slots[k]->uv_matrix : identity;
        memcpy(u->uvt[2 * k], t, 3 * sizeof(float));
        memcpy(u->uvt[2 * k + 1], t + 3, 3 * sizeof(float));
    }
}

static stoa_result create_pool(const stoa_gfx_scene *s, gfx_material_binds *out, stoa_error *err)
{
    uint32_t n = s->material_count;
    VkDescriptorPoolSize sizes[] = {
        {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, n},
        {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, n * GFX_TEX_SLOTS},
        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1},
    };
    VkDescriptorPoolCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = n + 1,
        .poolSizeCount = 3,
        .pPoolSizes = sizes,
    };
    VkDevice d = s->r->dev->h.device;
    gfx_count_descriptor_pool();
    stoa_result res = GFX_VK(err, vkCreateDescriptorPool(d, &info, NULL, &out->pool));
    if (res < 0)
        return res;
    VkDescriptorSetAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
        .descriptorPool = out->pool,
        .descriptorSetCount = 1,
        .pSetLayouts = &s->r->scene_layout,
    };
    res = GFX_VK(err, vkAllocateDescriptorSets(d, &alloc, &out->scene_set));
    if (res < 0)
        return res;
    VkDescriptorBufferInfo morphs = {s->morphs.buffer, 0, VK_WHOLE_SIZE};
    VkWriteDescriptorSet w = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, NULL, out->scene_set, 0, 0, 1,
                              VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, NULL, &morphs, NULL};
    vkUpdateDescriptorSets(d, 1, &w, 0, NULL);
    return STOA_OK;
}

// A material shows its textures once all of them are in, so that they fade
// in together (gfx_stream.c): until then every slot samples a stand-in.
static stoa_result image_info(const gfx_bind_src *b, const stoa_scene *sc,
                              const stoa_texture_ref *ref, uint32_t slot, bool srgb, bool waiting,
                              VkDescriptorImageInfo *out, stoa_error *err)
{
    out->imageLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    const stoa_gfx_scene *s = b->s;
    if (!tex_ok(b, ref) || waiting) {
        out->imageView = tex_ok(b, ref) ? gfx_pending_view(s, slot) : s->r->white.view_linear;
        out->sampler = s->r->white_sampler;
        return STOA_OK;
    }
    const gfx_texture *t = &b->textures[ref->texture];
    const stoa_sampler *sm = &sc->textures[ref->texture].sampler;
    out->imageView = srgb ? t->view_srgb : t->view_linear;
    return gfx_sampler_get(s->r, sm->mag_filter, sm->min_filter, sm->wrap_s, sm->wrap_t,
                           &out->sampler, err);
}

static stoa_result write_images(const gfx_bind_src *b, const stoa_scene *sc, uint32_t i,
                                VkDescriptorSet set, stoa_error *err)
{
    const stoa_material *m = i < sc->material_count ? &sc->materials[i] : &k_default_material;
    const stoa_texture_ref *refs[GFX_TEX_SLOTS] = {&m->base_color_tex, &m->metallic_roughness_tex,
                                                   &m->normal_tex, &m->occlusion_tex,
                                                   &m->emissive_tex};
    const bool srgb[GFX_TEX_SLOTS] = {true, false, false, false, true};
    VkDescriptorImageInfo images[GFX_TEX_SLOTS];
    bool waiting = false;
    for (uint32_t k = 0; k < GFX_TEX_SLOTS; k++)
        waiting |= tex_pending(b, refs[k]);
    stoa_result res = STOA_OK;
    for (uint32_t k = 0; k < GFX_TEX_SLOTS && res >= 0; k++)
        res = image_info(b, sc, refs[k], k, srgb[k], waiting, &images[k], err);
    if (res < 0)
        return res;
    VkWriteDescriptorSet w = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, NULL, set, 1, 0,
                              GFX_TEX_SLOTS, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
                              images, NULL, NULL};
    vkUpdateDescriptorSets(b->s->r->dev->h.device, 1, &w, 0, NULL);
    return STOA_OK;
}

static stoa_result write_set(const gfx_bind_src *b, const stoa_scene *sc, uint32_t i,
                             VkDeviceSize stride, gfx_material_binds *out, stoa_error *err)
{
    const stoa_gfx_scene *s = b->s;
    VkDescriptorSetAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
        .descriptorPool = out->pool,
        .descriptorSetCount = 1,
        .pSetLayouts = &s->r->material_layout,
    };
    VkDevice d = s->r->dev->h.device;
    stoa_result res = GFX_VK(err, vkAllocateDescriptorSets(d, &alloc, &out->material_sets[i]));
    if (res < 0)
        return res;
    VkDescriptorBufferInfo ubo = {s->materials_ubo.buffer, stride * i, sizeof(gfx_material_ubo)};
    VkWriteDescriptorSet w = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, NULL, out->material_sets[i],
                              0, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, NULL, &ubo, NULL};
    vkUpdateDescriptorSets(d, 1, &w, 0, NULL);
    return write_images(b, sc, i, out->material_sets[i], err);
}

static VkDeviceSize ubo_stride(const stoa_gfx_scene *s)
{
    VkDeviceSize align = s->r->dev->props.limits.minUniformBufferOffsetAlignment;
    return (sizeof(gfx_material_ubo) + align - 1) / align * align;
}

// A pool and every set in it, written from b alone: nothing else touches
// them until they are installed.
static stoa_result make_binds(const gfx_bind_src *b, const stoa_scene *sc,
                              gfx_material_binds *out, stoa_error *err)
{
    const stoa_gfx_scene *s = b->s;
    *out = (gfx_material_binds){0};
    out->material_sets = calloc(s->material_count, sizeof *out->material_sets);
    if (!out->material_sets)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    stoa_result res = create_pool(s, out, err);
    for (uint32_t i = 0; i < s->material_count && res >= 0; i++)
        res = write_set(b, sc, i, ubo_stride(s), out, err);
    if (res < 0)
        gfx_material_binds_discard(s->r->dev, out);
    return res;
}

stoa_result gfx_materials_upload(stoa_gfx_scene *s, const stoa_scene *sc, gfx_upload *u,
                                 stoa_error *err)
{
    stoa_result res = upload_textures(s, sc, u, err);
    if (res < 0)
        return res;
    s->material_count = sc->material_count + 1;
    s->material_flags = calloc(s->material_count, sizeof *s->material_flags);
    if (!s->material_flags)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    VkDeviceSize stride = ubo_stride(s);
    res = gfx_upload_buffer(u, stride * s->material_count, VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT,
                            &s->materials_ubo, err);
    if (res < 0)
        return res;
    uint8_t *dst = gfx_upload_place(u, &s->materials_ubo, stride * s->material_count);
    if (!dst)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: staging buffer too small");
    gfx_bind_src src = {s, s->textures, s->tex_pending};
    for (uint32_t i = 0; i < s->material_count; i++) {
        const stoa_material *m = i < sc->material_count ? &sc->materials[i] : &k_default_material;
        s->material_flags[i] = material_flags(&src, m);
        fill_ubo((gfx_material_ubo *)(dst + stride * i), m, s->material_flags[i]);
    }
    gfx_material_binds b;
    res = make_binds(&src, sc, &b, err);
    if (res >= 0) {
        s->pool = b.pool;
        s->scene_set = b.scene_set;
        s->material_sets = b.material_sets;
    }
    return res;
}

stoa_result gfx_material_binds_prepare(const stoa_gfx_scene *s, const stoa_scene *sc,
                                       const gfx_texture *textures, const bool *pending,
                                       gfx_material_binds *out, stoa_error *err)
{
    gfx_bind_src src = {s, textures, pending};
    return make_binds(&src, sc, out, err);
}

void gfx_material_binds_install(stoa_gfx_scene *s, gfx_material_binds *b)
{
    if (!b->pool)
        return;
    // Frames in flight were recorded with the former sets: their pool is
    // destroyed once those frames are done.
    if (s->pool)
        gfx_defer_descriptor_pool(s->r, s->pool);
    free(s->material_sets);
    s->pool = b->pool;
    s->scene_set = b->scene_set;
    s->material_sets = b->material_sets;
    *b = (gfx_material_binds){0};
}

void gfx_material_binds_discard(stoa_gfx_device *dev, gfx_material_binds *b)
{
    if (b->pool) // never installed: no frame used its sets
        vkDestroyDescriptorPool(dev->h.device, b->pool, NULL);
    free(b->material_sets);
    *b = (gfx_material_binds){0};
}

void gfx_materials_destroy(stoa_gfx_scene *s)
{
    stoa_gfx_device *dev = s->r->dev;
    if (s->pool)
        vkDestroyDescriptorPool(dev->h.device, s->pool, NULL);
    free(s->material_sets);
    free(s->material_flags);
    gfx_buffer_destroy(dev, &s->materials_ubo);
    gfx_pending_destroy(s);
    for (uint32_t i = s->texture_count; s->textures && i-- > 0;)
        gfx_texture_destroy(dev, &s->textures[i]);
    free(s->textures);
}

uint32_t gfx_material_variant(const stoa_gfx_scene *s, uint32_t material)
{
    uint32_t f = material < s->material_count ? s->material_flags[material] : 0;
    uint32_t v = 0;
    v |= (f & GFX_MAT_BLEND) ? GFX_VARIANT_BLEND : 0;
    v |= (f & GFX_MAT_DOUBLE_SIDED) ? GFX_VARIANT_DOUBLE_SIDED : 0;
    return v;
}
