// SPDX-License-Identifier: Apache-2.0
// The renderer's API on scenes built in code: exact colours, argument
// errors, bad geometry, and the validation-message counter itself.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_test_util.h"
#include "stoa_test.h"

static uint32_t g_messages_expected;

// One unlit triangle at z = 0 covering the view's centre.
typedef struct tri_scene {
    stoa_scene scene;
    stoa_node node;
    stoa_mesh mesh;
    stoa_material material;
    uint32_t mesh_index;
    float positions[9], normals[9];
    uint32_t indices[3];
} tri_scene;

static void tri_init(tri_scene *t, float linear_grey)
{
    memset(t, 0, sizeof *t);
    const float p[9] = {-1, -1, 0, 1, -1, 0, 0, 1.2f, 0};
    memcpy(t->positions, p, sizeof p);
    for (int i = 0; i < 3; i++)
        t->normals[i * 3 + 2] = 1.0f;
    t->indices[0] = 0;
    t->indices[1] = 1;
    t->indices[2] = 2;
    t->material = (stoa_material){.name = "grey", .base_color = {linear_grey, linear_grey,
                                                                 linear_grey, 1},
                                  .base_color_tex = {-1, 0, 1}, .metallic_roughness_tex = {-1, 0, 1},
                                  .normal_tex = {-1, 0, 1}, .occlusion_tex = {-1, 0, 1},
                                  .emissive_tex = {-1, 0, 1}, .unlit = true, .roughness = 1};
    t->mesh = (stoa_mesh){.name = "tri", .vertex_count = 3, .index_count = 3,
                          .positions = t->positions, .normals = t->normals,
                          .indices = t->indices, .material = 0, .skin = -1,
                          .bounds_min = {-1, -1, 0}, .bounds_max = {1, 1.2f, 0}};
    t->node = (stoa_node){.name = "tri", .parent = -1, .rotation = {0, 0, 0, 1},
                          .scale = {1, 1, 1}, .mesh_count = 1, .meshes = &t->mesh_index,
                          .camera = -1, .light = -1};
    t->scene = (stoa_scene){.path = "synthetic", .node_count = 1, .mesh_count = 1,
                            .material_count = 1, .nodes = &t->node, .meshes = &t->mesh,
                            .materials = &t->material, .bounds_min = {-1, -1, 0},
                            .bounds_max = {1, 1.2f, 0}};
}

STOA_TEST(unlit_colour_is_srgb_encoded_in_both_target_kinds)
{
    tri_scene t;
    tri_init(&t, 0.5f); // linear 0.5 is sRGB 188
    gt_render_desc d = {.w = 64, .h = 64};
    gt_image a = {0}, b = {0};
    d.format = VK_FORMAT_R8G8B8A8_SRGB;
    CHECK(gt_render(&t.scene, &d, &a));
    d.format = VK_FORMAT_R8G8B8A8_UNORM;
    CHECK(gt_render(&t.scene, &d, &b));
    if (a.rgba && b.rgba) {
        const uint8_t *pa = gt_px(&a, 32, 36), *pb = gt_px(&b, 32, 36);
        CHECK_MSG(abs(pa[0] - 188) <= 1 && abs(pb[0] - 188) <= 1, "srgb %d, unorm %d", pa[0],
                  pb[0]);
        CHECK(gt_px(&a, 1, 1)[0] == 0); // cleared to black, outside the triangle
    }
    gt_free(&a);
    gt_free(&b);
}

STOA_TEST(back_faces_are_culled_unless_double_sided)
{
    tri_scene t;
    tri_init(&t, 0.5f);
    t.node.rotation[1] = 1.0f; // 180 degrees about Y: we see its back
    t.node.rotation[3] = 0.0f;
    gt_render_desc d = {.w = 64, .h = 64};
    gt_image culled = {0}, shown = {0};
    CHECK(gt_render(&t.scene, &d, &culled));
    t.material.double_sided = true;
    CHECK(gt_render(&t.scene, &d, &shown));
    if (culled.rgba && shown.rgba) {
        CHECK(gt_px(&culled, 32, 36)[0] == 0);
        CHECK(abs(gt_px(&shown, 32, 36)[0] - 188) <= 1);
    }
    gt_free(&culled);
    gt_free(&shown);
}

// A lit triangle facing +Z with one point light: bright when the light is in
// front, only the ambient term when it is behind (normals not inverted).
STOA_TEST(scene_point_light_lights_the_side_it_faces)
{
    tri_scene t;
    tri_init(&t, 0.8f);
    t.material.unlit = false;
    stoa_node nodes[2] = {t.node, {.name = "lamp", .parent = -1, .rotation = {0, 0, 0, 1},
                                   .scale = {1, 1, 1}, .camera = -1, .light = 0}};
    stoa_light light = {.name = "lamp", .node = 1, .type = STOA_LIGHT_POINT,
                        .color = {1, 1, 1}, .intensity = 4.0f};
    t.scene.nodes = nodes;
    t.scene.node_count = 2;
    t.scene.lights = &light;
    t.scene.light_count = 1;
    gt_render_desc d = {.w = 64, .h = 64};
    gt_image front = {0}, back = {0};
    nodes[1].translation[2] = 1.0f;
    CHECK(gt_render(&t.scene, &d, &front));
    nodes[1].translation[2] = -1.0f;
    CHECK(gt_render(&t.scene, &d, &back));
    if (front.rgba && back.rgba) {
        int f = gt_px(&front, 32, 36)[0], b = gt_px(&back, 32, 36)[0];
        CHECK_MSG(f > 150 && b < 110 && b > 20, "light in front %d, behind %d", f, b);
        gt_save(&front, "api-point-light-front");
    }
    gt_free(&front);
    gt_free(&back);
}

// A quad facing +Z with a constant normal map tilted towards +U and up the
// texture (+X, +Y), lit from (+1, +1, +1): given tangents and tangents derived
// in the shader must agree, and both must light it more than a flat normal.
static double lit_quad(bool normal_map, bool tangents)
{
    static float pos[12] = {-1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 1, 0};
    static float nrm[12] = {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1};
    static float tan4[16] = {1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1};
    static float uv[8] = {0, 1, 1, 1, 1, 0, 0, 0}; // glTF: v grows downwards
    static uint32_t idx[6] = {0, 1, 2, 0, 2, 3};
    float n[3] = {0.4f, 0.4f, 0.82f}, len = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    uint8_t texel[4];
    for (int i = 0; i < 3; i++)
        texel[i] = (uint8_t)lroundf((n[i] / len * 0.5f + 0.5f) * 255.0f);
    texel[3] = 255;
    uint8_t rgba[16];
    for (int i = 0; i < 16; i++)
        rgba[i] = texel[i % 4];
    stoa_texture tex = {.name = "tilt", .width = 2, .height = 2, .rgba = rgba};
    stoa_material mat = {.name = "m", .base_color = {0.8f, 0.8f, 0.8f, 1}, .roughness = 1,
                         .base_color_tex = {-1, 0, 1}, .metallic_roughness_tex = {-1, 0, 1},
                         .normal_tex = {normal_map ? 0 : -1, 0, 1}, .occlusion_tex = {-1, 0, 1},
                         .emissive_tex = {-1, 0, 1}};
    uint32_t mesh_index = 0;
    stoa_mesh mesh = {.name = "quad", .vertex_count = 4, .index_count = 6, .positions = pos,
                      .normals = nrm, .tangents = tangents ? tan4 : NULL, .uv0 = uv,
                      .indices = idx, .material = 0, .skin = -1, .bounds_min = {-1, -1, 0},
                      .bounds_max = {1, 1, 0}};
    // The light's -Z turned onto the direction it travels, (-1, -1, -1).
    float angle = acosf(1.0f / sqrtf(3.0f)) * 0.5f;
    stoa_node nodes[2] = {
        {.name = "quad", .parent = -1, .rotation = {0, 0, 0, 1}, .scale = {1, 1, 1},
         .mesh_count = 1, .meshes = &mesh_index, .camera = -1, .light = -1},
        {.name = "sun", .parent = -1, .scale = {1, 1, 1}, .camera = -1, .light = 0,
         .rotation = {-sinf(angle) / sqrtf(2.0f), sinf(angle) / sqrtf(2.0f), 0, cosf(angle)}},
    };
    stoa_light sun = {.name = "sun", .node = 1, .type = STOA_LIGHT_DIRECTIONAL,
                      .color = {1, 1, 1}, .intensity = 3.0f};
    stoa_scene sc = {.path = "synthetic", .node_count = 2, .mesh_count = 1, .material_count = 1,
                     .texture_count = 1, .light_count = 1, .nodes = nodes, .meshes = &mesh,
                     .materials = &mat, .textures = &tex, .lights = &sun,
                     .bounds_min = {-1, -1, 0}, .bounds_max = {1, 1, 0}};
    gt_render_desc d = {.w = 64, .h = 64};
    gt_image img = {0};
    double m[3] = {-1, -1, -1};
    if (gt_render(&sc, &d, &img))
        gt_mean(&img, 24, 24, 40, 40, m);
    gt_free(&img);
    return m[0];
}

STOA_TEST(normal_maps_agree_with_and_without_tangents)
{
    double given = lit_quad(true, true), derived = lit_quad(true, false);
    double flat = lit_quad(false, true);
    CHECK_MSG(fabs(given - derived) < 4.0, "given tangents %.1f, derived %.1f", given, derived);
    CHECK_MSG(given > flat + 20.0, "normal-mapped %.1f, flat %.1f", given, flat);
}

// Two renders into one target: a red triangle, then (no_clear) a larger green
// one behind it. Depth from the first render must hide the second where the
// first is in front; the clear colour survives where neither is.
static void draw_over(uint32_t samples)
{
    stoa_gfx_renderer *r = gt_renderer();
    tri_scene front, back;
    tri_init(&front, 0.0f);
    front.material.base_color[0] = 1.0f;
    tri_init(&back, 0.0f);
    back.material.base_color[1] = 1.0f;
    back.node.translation[2] = -0.5f;
    back.node.scale[0] = back.node.scale[1] = 2.0f;
    stoa_error err = {0};
    stoa_gfx_scene *a = NULL, *b = NULL;
    stoa_gfx_target *t = NULL, *plain = NULL;
    stoa_gfx_target_desc td = {.width = 64, .height = 64, .samples = samples,
                               .keep_contents = true};
    CHECK(stoa_gfx_scene_create(r, &front.scene, &a, &err) == STOA_OK);
    CHECK(stoa_gfx_scene_create(r, &back.scene, &b, &err) == STOA_OK);
    CHECK(stoa_gfx_target_create(r, &td, &t, &err) == STOA_OK);
    stoa_gfx_view v;
    stoa_gfx_view_frame_bounds(front.scene.bounds_min, front.scene.bounds_max, 0, 0, 0.8f, 1, &v);
    stoa_gfx_render_options over = {.no_clear = true};
    CHECK(stoa_gfx_render_now(r, t, &v, 1, a, NULL, NULL, &err) == STOA_OK);
    CHECK(stoa_gfx_render_now(r, t, &v, 1, b, NULL, &over, &err) == STOA_OK);
    gt_image img = {64, 64, malloc(64 * 64 * 4)};
    CHECK(stoa_gfx_target_read_rgba(t, 0, img.rgba, &err) == STOA_OK);
    char name[64];
    snprintf(name, sizeof name, "api-draw-over-%ux", samples);
    gt_save(&img, name);
    const uint8_t *c = gt_px(&img, 32, 32), *below = gt_px(&img, 32, 60), *corner = gt_px(&img, 1, 1);
    CHECK_MSG(c[0] > 200 && c[1] < 20, "centre %d %d %d", c[0], c[1], c[2]);
    CHECK_MSG(below[1] > 200 && below[0] < 20, "below %d %d %d", below[0], below[1], below[2]);
    CHECK_MSG(corner[0] < 5 && corner[1] < 5 && corner[2] < 5, "corner %d %d %d", corner[0],
              corner[1], corner[2]);
    // Without keep_contents drawing over is refused.
    stoa_gfx_target_desc pd = {.width = 64, .height = 64, .samples = samples};
    CHECK(stoa_gfx_target_create(r, &pd, &plain, &err) == STOA_OK);
    CHECK(stoa_gfx_render_now(r, plain, &v, 1, b, NULL, &over, &err) ==
          STOA_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(err.message, "keep_contents");
    gt_free(&img);
    stoa_gfx_target_destroy(&plain);
    stoa_gfx_target_destroy(&t);
    stoa_gfx_scene_destroy(&b);
    stoa_gfx_scene_destroy(&a);
}

STOA_TEST(a_second_render_draws_over_the_first_with_its_depth)
{
    draw_over(1);
    draw_over(4);
}

STOA_TEST(highlighted_nodes_glow)
{
    tri_scene t;
    tri_init(&t, 0.5f);
    uint32_t other = 7, self = 0;
    gt_render_desc d = {.w = 32, .h = 32};
    d.options.highlight_color[0] = d.options.highlight_color[1] = 1.0f;
    d.options.highlight_color[3] = 0.5f;
    d.options.highlight_count = 1;
    gt_image on = {0}, off = {0};
    d.options.highlight_nodes = &self;
    CHECK(gt_render(&t.scene, &d, &on));
    d.options.highlight_nodes = &other;
    CHECK(gt_render(&t.scene, &d, &off));
    if (on.rgba && off.rgba) {
        const uint8_t *a = gt_px(&on, 16, 18), *b = gt_px(&off, 16, 18);
        CHECK_MSG(a[0] == 255 && a[1] == 255 && abs(a[2] - 188) <= 1, "lit %d %d %d", a[0], a[1],
                  a[2]);
        CHECK_MSG(abs(b[0] - 188) <= 1 && abs(b[1] - 188) <= 1, "not lit %d %d", b[0], b[1]);
    }
    gt_free(&on);
    gt_free(&off);
}

STOA_TEST(bad_geometry_is_refused_with_a_message)
{
    tri_scene t;
    tri_init(&t, 0.5f);
    t.indices[2] = 7; // past the 3 vertices
    stoa_gfx_scene *gs = NULL;
    stoa_error err = {0};
    CHECK(stoa_gfx_scene_create(gt_renderer(), &t.scene, &gs, &err) == STOA_ERROR_INVALID_ARGUMENT);
    CHECK(gs == NULL);
    CHECK_CONTAINS(err.message, "past its 3 vertices");
}

STOA_TEST(bad_arguments_are_refused_with_a_message)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_gfx_target *tg = NULL;
    stoa_error err = {0};
    stoa_gfx_target_desc bad = {.width = 0, .height = 16};
    CHECK(stoa_gfx_target_create(r, &bad, &tg, &err) == STOA_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(err.message, "out of range");
    stoa_gfx_target_desc odd = {.width = 16, .height = 16, .samples = 3};
    CHECK(stoa_gfx_target_create(r, &odd, &tg, &err) == STOA_ERROR_UNSUPPORTED);
    CHECK(tg == NULL);

    tri_scene t;
    tri_init(&t, 0.5f);
    stoa_gfx_scene *gs = NULL;
    stoa_gfx_target_desc ok = {.width = 16, .height = 16, .layers = 2};
    CHECK(stoa_gfx_scene_create(r, &t.scene, &gs, &err) == STOA_OK);
    CHECK(stoa_gfx_target_create(r, &ok, &tg, &err) == STOA_OK);
    stoa_gfx_view v[2];
    memset(v, 0, sizeof v);
    CHECK(stoa_gfx_render_now(r, tg, v, 1, gs, NULL, NULL, &err) == STOA_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(err.message, "1 views for a target with 2 layers");
    // A pose whose shape (5 nodes, a skin) cannot be the triangle's (1 node).
    stoa_scene *skin = gt_load("skin/skin.glb");
    stoa_pose *other = skin ? stoa_pose_create(skin) : NULL;
    stoa_gfx_view v1[1];
    memset(v1, 0, sizeof v1);
    stoa_gfx_target *mono = NULL;
    stoa_gfx_target_desc md = {.width = 16, .height = 16};
    CHECK(stoa_gfx_target_create(r, &md, &mono, &err) == STOA_OK);
    CHECK(other && stoa_gfx_render_now(r, mono, v1, 1, gs, other, NULL, &err) ==
                       STOA_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(err.message, "another scene");
    stoa_gfx_target_destroy(&mono);
    stoa_pose_destroy(&other);
    stoa_scene_destroy(&skin);
    uint8_t px[16 * 16 * 4];
    CHECK(stoa_gfx_target_read_rgba(tg, 0, px, &err) == STOA_ERROR_INVALID_ARGUMENT);
    stoa_gfx_target_destroy(&tg);
    stoa_gfx_scene_destroy(&gs);
    CHECK(tg == NULL && gs == NULL);
}

STOA_TEST(projection_maps_fov_edges_to_clip_edges)
{
    float m[16];
    stoa_gfx_projection_fov(-0.5f, 0.4f, 0.3f, -0.6f, 0.1f, 10.0f, m);
    // A point on the right edge of the fov, 2 m ahead.
    float x = tanf(0.4f) * 2.0f, y = tanf(0.3f) * 2.0f, z = -2.0f;
    float cx = m[0] * x + m[8] * z, cy = m[5] * y + m[9] * z, w = m[11] * z;
    CHECK_NEAR(cx / w, 1.0, 1e-5);
    CHECK_NEAR(cy / w, -1.0, 1e-5); // up is -1 in Vulkan clip space
    float cz_near = m[10] * -0.1f + m[14], cz_far = m[10] * -10.0f + m[14];
    CHECK_NEAR(cz_near / 0.1f, 0.0, 1e-5);
    CHECK_NEAR(cz_far / 10.0f, 1.0, 1e-5);
}

typedef struct hook_log {
    int instance, physical, device;
    uint32_t extensions_seen;
} hook_log;

static VkResult hook_instance(void *user, const VkInstanceCreateInfo *info, VkInstance *out)
{
    ((hook_log *)user)->instance++;
    ((hook_log *)user)->extensions_seen = info->enabledExtensionCount;
    return vkCreateInstance(info, NULL, out);
}

static VkResult hook_physical(void *user, VkInstance instance, VkPhysicalDevice *out)
{
    ((hook_log *)user)->physical++;
    uint32_t n = 1;
    VkResult r = vkEnumeratePhysicalDevices(instance, &n, out);
    return r == VK_INCOMPLETE ? VK_SUCCESS : r;
}

static VkResult hook_device(void *user, VkPhysicalDevice pd, const VkDeviceCreateInfo *info,
                            VkDevice *out)
{
    ((hook_log *)user)->device++;
    return vkCreateDevice(pd, info, NULL, out);
}

// The way runtime/xr creates Vulkan through XR_KHR_vulkan_enable2, and the
// way it could hand over handles it made itself.
STOA_TEST(hooks_and_existing_handles_create_working_devices)
{
    hook_log log = {0};
    stoa_gfx_device_desc desc = {
        .hooks = {.user = &log, .create_instance = hook_instance,
                  .pick_physical_device = hook_physical, .create_device = hook_device},
    };
    stoa_gfx_device *dev = NULL;
    stoa_error err = {0};
    CHECK(stoa_gfx_device_create(&desc, &dev, &err) == STOA_OK);
    CHECK(log.instance == 1 && log.physical == 1 && log.device == 1);
    CHECK(log.extensions_seen >= 1); // debug utils, validation being on
    const stoa_gfx_device_handles *h = stoa_gfx_device_get_handles(dev);
    CHECK(h && h->device && h->queue && h->multiview);
    if (!h || !h->device)
        return;
    stoa_gfx_existing_handles existing = {h->instance, h->physical_device, h->device,
                                          h->queue_family, 0, h->multiview};
    stoa_gfx_device_desc wrap = {.existing = &existing};
    stoa_gfx_device *borrowed = NULL;
    stoa_gfx_renderer *r = NULL;
    CHECK(stoa_gfx_device_create(&wrap, &borrowed, &err) == STOA_OK);
    CHECK(stoa_gfx_renderer_create(borrowed, NULL, &r, &err) == STOA_OK);
    tri_scene t;
    tri_init(&t, 0.5f);
    stoa_gfx_scene *gs = NULL;
    stoa_gfx_target *tg = NULL;
    stoa_gfx_target_desc td = {.width = 32, .height = 32};
    stoa_gfx_view v;
    stoa_gfx_view_frame_bounds(t.scene.bounds_min, t.scene.bounds_max, 0, 0, 0.8f, 1, &v);
    uint8_t px[32 * 32 * 4];
    CHECK(stoa_gfx_scene_create(r, &t.scene, &gs, &err) == STOA_OK);
    CHECK(stoa_gfx_target_create(r, &td, &tg, &err) == STOA_OK);
    CHECK(stoa_gfx_render_now(r, tg, &v, 1, gs, NULL, NULL, &err) == STOA_OK);
    CHECK(stoa_gfx_target_read_rgba(tg, 0, px, &err) == STOA_OK);
    CHECK(abs(px[(18 * 32 + 16) * 4] - 188) <= 1);
    stoa_gfx_target_destroy(&tg);
    stoa_gfx_scene_destroy(&gs);
    stoa_gfx_renderer_destroy(&r);
    stoa_gfx_device_destroy(&borrowed);
    // The borrowed wrapper left the handles alive: the owner still works.
    CHECK(stoa_gfx_device_wait_idle(dev) == STOA_OK);
    stoa_gfx_device_destroy(&dev);
    CHECK(dev == NULL && borrowed == NULL);
}

STOA_TEST(validation_messages_are_counted)
{
    CHECK(stoa_gfx_validation_requested()); // STOA_VALIDATION=1 from ctest
    gt_renderer();
    uint32_t before = stoa_gfx_validation_message_count();
    CHECK(before == 0);
    // A deliberate misuse: a buffer with no usage flags.
    const stoa_gfx_device_handles *h = gt_handles();
    VkBufferCreateInfo info = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, .size = 16,
                               .usage = 0};
    VkBuffer buf = VK_NULL_HANDLE;
    if (vkCreateBuffer(h->device, &info, NULL, &buf) == VK_SUCCESS && buf)
        vkDestroyBuffer(h->device, buf, NULL);
    uint32_t after = stoa_gfx_validation_message_count();
    CHECK_MSG(after > before, "messages %u -> %u", before, after);
    g_messages_expected = after - before;
}

int main(int argc, char **argv)
{
    int rc = stoa_test_main(argc, argv);
    uint32_t messages = gt_shutdown();
    if (messages != g_messages_expected) {
        fprintf(stderr, "FAIL: %u validation messages, %u of them expected\n", messages,
                g_messages_expected);
        rc = 1;
    }
    return rc;
}
