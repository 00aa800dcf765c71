// SPDX-License-Identifier: Apache-2.0
#include "gfx_test_util.h"

#include "stoa_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static stoa_gfx_device *g_device;
static stoa_gfx_renderer *g_renderer;

stoa_gfx_renderer *gt_renderer(void)
{
    if (g_renderer)
        return g_renderer;
    stoa_error err = {0};
    stoa_gfx_device_desc desc = {.headless = true};
    if (stoa_gfx_device_create(&desc, &g_device, &err) < 0) {
        fprintf(stderr, "device: %s\n", err.message);
        return NULL;
    }
    if (stoa_gfx_renderer_create(g_device, NULL, &g_renderer, &err) < 0)
        fprintf(stderr, "renderer: %s\n", err.message);
    return g_renderer;
}

const stoa_gfx_device_handles *gt_handles(void)
{
    gt_renderer();
    return stoa_gfx_device_get_handles(g_device);
}

uint32_t gt_shutdown(void)
{
    if (g_device)
        stoa_gfx_device_wait_idle(g_device);
    stoa_gfx_renderer_destroy(&g_renderer);
    stoa_gfx_device_destroy(&g_device);
    return stoa_gfx_validation_message_count();
}

int gt_test_main(int argc, char **argv)
{
    int rc = stoa_test_main(argc, argv);
    uint32_t messages = gt_shutdown();
    if (messages) {
        fprintf(stderr, "FAIL: %u validation messages\n", messages);
        rc = 1;
    }
    return rc;
}

static stoa_scene *load_path(const char *path, const stoa_scene_load_desc *desc)
{
    stoa_scene *scene = NULL;
    stoa_error err = {0};
    if (stoa_scene_load(path, desc, &scene, &err) < 0)
        fprintf(stderr, "load %s: %s\n", path, err.message);
    return scene;
}

stoa_scene *gt_load(const char *rel)
{
    return gt_load_desc(rel, NULL);
}

stoa_scene *gt_load_desc(const char *rel, const stoa_scene_load_desc *desc)
{
    char path[4096];
    stoa_test_model(path, sizeof path, rel);
    return load_path(path, desc);
}

stoa_scene *gt_load_sample(const char *rel)
{
    return gt_load_sample_desc(rel, NULL);
}

stoa_scene *gt_load_sample_desc(const char *rel, const stoa_scene_load_desc *desc)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", stoa_test_require_samples(), rel);
    return load_path(path, desc);
}

bool gt_render(const stoa_scene *scene, const gt_render_desc *desc, gt_image *out)
{
    stoa_gfx_renderer *r = gt_renderer();
    if (!r)
        return false;
    uint32_t w = desc->w ? desc->w : 256, h = desc->h ? desc->h : 256;
    uint32_t layers = desc->layers ? desc->layers : 1;
    stoa_error err = {0};
    stoa_gfx_scene *gs = NULL;
    stoa_gfx_target *t = NULL;
    bool ok = stoa_gfx_scene_create(r, scene, &gs, &err) >= 0;
    if (ok && desc->wait_uploads)
        stoa_gfx_renderer_finish_uploads(r);
    stoa_gfx_target_desc td = {.width = w, .height = h, .layers = layers,
                               .color_format = desc->format, .samples = desc->samples};
    ok = ok && stoa_gfx_target_create(r, &td, &t, &err) >= 0;
    stoa_gfx_view views[4];
    if (desc->views) {
        memcpy(views, desc->views, layers * sizeof *views);
    } else {
        float bmin[3], bmax[3];
        if (desc->pose) {
            stoa_pose_bounds(desc->pose, bmin, bmax);
        } else {
            memcpy(bmin, scene->bounds_min, sizeof bmin);
            memcpy(bmax, scene->bounds_max, sizeof bmax);
        }
        for (uint32_t i = 0; i < layers; i++)
            stoa_gfx_view_frame_bounds(bmin, bmax, desc->azimuth, desc->elevation, 0.8f,
                                       (float)w / (float)h, &views[i]);
    }
    ok = ok && stoa_gfx_render_now(r, t, views, layers, gs, desc->pose, &desc->options, &err) >= 0;
    for (uint32_t i = 0; i < layers && ok; i++) {
        out[i].w = w;
        out[i].h = h;
        out[i].rgba = malloc((size_t)w * h * 4);
        ok = out[i].rgba && stoa_gfx_target_read_rgba(t, i, out[i].rgba, &err) >= 0;
    }
    if (!ok)
        fprintf(stderr, "render: %s\n", err.message);
    stoa_gfx_target_destroy(&t);
    stoa_gfx_scene_destroy(&gs);
    return ok;
}

void gt_save(const gt_image *img, const char *name)
{
    const char *build = getenv("STOA_BUILD_DIR");
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/test-output", build ? build : ".");
    mkdir(dir, 0755);
    strncat(dir, "/gfx", sizeof dir - strlen(dir) - 1);
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    stoa_error err = {0};
    if (!img->rgba || stoa_gfx_write_png(path, img->w, img->h, img->rgba, &err) < 0)
        fprintf(stderr, "save %s: %s\n", path, err.message);
}

void gt_free(gt_image *img)
{
    free(img->rgba);
    img->rgba = NULL;
}

const uint8_t *gt_px(const gt_image *img, uint32_t x, uint32_t y)
{
    return img->rgba + ((size_t)y * img->w + x) * 4;
}

int gt_max_diff(const gt_image *a, const gt_image *b, int tolerance, const char *name)
{
    if (!a->rgba || !b->rgba || a->w != b->w || a->h != b->h)
        return 256;
    size_t n = (size_t)a->w * a->h * 4;
    int worst = 0;
    uint8_t *diff = calloc(n, 1);
    for (size_t i = 0; i < n; i++) {
        int d = abs((int)a->rgba[i] - (int)b->rgba[i]);
        if (d > worst)
            worst = d;
        if (diff)
            diff[i] = (i % 4 == 3) ? 255 : (uint8_t)(d * 8 > 255 ? 255 : d * 8);
    }
    if (worst > tolerance && name && diff) {
        gt_image img = {a->w, a->h, diff};
        gt_save(&img, name);
    }
    free(diff);
    return worst;
}

double gt_diff_fraction(const gt_image *a, const gt_image *b, int threshold)
{
    if (!a->rgba || !b->rgba || a->w != b->w || a->h != b->h)
        return 1.0;
    size_t n = (size_t)a->w * a->h, count = 0;
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
            if (abs((int)a->rgba[i * 4 + c] - (int)b->rgba[i * 4 + c]) > threshold) {
                count++;
                break;
            }
    return (double)count / (double)n;
}

void gt_mean(const gt_image *img, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1,
             double out[3])
{
    double sum[3] = {0, 0, 0};
    size_t n = 0;
    for (uint32_t y = y0; y < y1 && y < img->h; y++)
        for (uint32_t x = x0; x < x1 && x < img->w; x++, n++)
            for (int c = 0; c < 3; c++)
                sum[c] += gt_px(img, x, y)[c];
    for (int c = 0; c < 3; c++)
        out[c] = n ? sum[c] / (double)n : 0.0;
}

uint32_t gt_count_near(const gt_image *img, int r, int g, int b, int tol)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < img->w * img->h; i++) {
        const uint8_t *p = img->rgba + (size_t)i * 4;
        if (abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - b) <= tol)
            n++;
    }
    return n;
}

void gt_project(const stoa_gfx_view *v, float x, float y, float z, uint32_t w, uint32_t h,
                    uint32_t *px, uint32_t *py)
{
    float p[4] = {x, y, z, 1}, e[4], c[4];
    for (int r = 0; r < 4; r++)
        e[r] = v->view[r] * p[0] + v->view[4 + r] * p[1] + v->view[8 + r] * p[2] +
               v->view[12 + r] * p[3];
    for (int r = 0; r < 4; r++)
        c[r] = v->projection[r] * e[0] + v->projection[4 + r] * e[1] +
               v->projection[8 + r] * e[2] + v->projection[12 + r] * e[3];
    *px = (uint32_t)((c[0] / c[3] * 0.5f + 0.5f) * (float)w);
    *py = (uint32_t)((c[1] / c[3] * 0.5f + 0.5f) * (float)h);
}

// ---- deferred texture decoding (test_gfx_deferred*) ----

#define SIZE 192

typedef struct shot {
    stoa_gfx_target *target;
    stoa_gfx_view view;
} shot;

static bool shot_init(shot *s, const stoa_scene *scene)
{
    stoa_error err = {0};
    stoa_gfx_target_desc td = {.width = SIZE, .height = SIZE, .layers = 1};
    memset(s, 0, sizeof *s);
    stoa_gfx_view_frame_bounds(scene->bounds_min, scene->bounds_max, 0.6f, 0.35f, 0.8f, 1.0f,
                               &s->view);
    bool ok = stoa_gfx_target_create(gt_renderer(), &td, &s->target, &err) >= 0;
    CHECK_MSG(ok, "%s", err.message);
    return ok;
}

static bool shot_take(shot *s, const stoa_gfx_scene *gs, gt_image *out)
{
    stoa_error err = {0};
    out->w = out->h = SIZE;
    out->rgba = malloc((size_t)SIZE * SIZE * 4);
    bool ok = out->rgba &&
              stoa_gfx_render_now(gt_renderer(), s->target, &s->view, 1, gs, NULL, NULL, &err) >= 0 &&
              stoa_gfx_target_read_rgba(s->target, 0, out->rgba, &err) >= 0;
    CHECK_MSG(ok, "render: %s", err.message);
    return ok;
}

void gt_check_deferred(stoa_scene *normal, stoa_scene *deferred, const char *name)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_gfx_scene *gn = NULL, *gd = NULL;
    stoa_error err = {0};
    shot s = {0};
    gt_image ref = {0}, before = {0}, after = {0};
    bool ok = r && normal && deferred && shot_init(&s, normal);
    ok = ok && stoa_gfx_scene_create(r, normal, &gn, &err) >= 0 && shot_take(&s, gn, &ref);
    ok = ok && stoa_gfx_scene_create(r, deferred, &gd, &err) >= 0;
    CHECK_MSG(ok, "%s: %s", name, err.message);
    if (ok) {
        CHECK(stoa_gfx_scene_pending_textures(gd) == deferred->texture_count);
        ok = shot_take(&s, gd, &before);
        CHECK(stoa_scene_textures_ready(deferred, true) == 0);
        uint64_t waits = stoa_gfx_stats_get().device_idle_waits;
        CHECK_MSG(stoa_gfx_scene_update_textures(r, gd, deferred, &err) >= 0, "%s", err.message);
        CHECK(stoa_gfx_scene_pending_textures(gd) == 0);
        CHECK(stoa_gfx_stats_get().device_idle_waits == waits); // new sets, the old deferred
        ok = ok && shot_take(&s, gd, &after);
    }
    if (ok) {
        char n[128];
        snprintf(n, sizeof n, "deferred-%s-before", name);
        gt_save(&before, n);
        // The stand-ins look different (no texture detail) ...
        double changed = gt_diff_fraction(&before, &ref, 12);
        CHECK_MSG(changed > 0.05, "%s: stand-in render differs in only %.3f of pixels", name,
                  changed);
        // ... and once the textures are in, the picture is the normal one.
        snprintf(n, sizeof n, "deferred-%s-after", name);
        int diff = gt_max_diff(&after, &ref, 2, n);
        CHECK_MSG(diff <= 2, "%s: after update_textures differs by %d", name, diff);
    }
    gt_free(&ref);
    gt_free(&before);
    gt_free(&after);
    stoa_gfx_scene_destroy(&gd);
    stoa_gfx_scene_destroy(&gn);
    stoa_gfx_target_destroy(&s.target);
}

// ---- CPU cost of a stereo frame ----

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

bool gt_time_stereo_frames(const stoa_scene *scene, gt_frame_times *out)
{
    stoa_gfx_renderer *r = gt_renderer();
    CHECK(r != NULL);
    if (!r)
        return false;
    const stoa_gfx_device_handles *h = gt_handles();
    stoa_error err = {0};
    stoa_gfx_scene *gs = NULL;
    stoa_gfx_target *t = NULL;
    stoa_gfx_target_desc td = {.width = 256, .height = 256, .layers = 2};
    CHECK(stoa_gfx_scene_create(r, scene, &gs, &err) == STOA_OK);
    CHECK(stoa_gfx_target_create(r, &td, &t, &err) == STOA_OK);
    stoa_pose *pose = stoa_pose_create(scene);
    VkCommandPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                   .queueFamilyIndex = h->queue_family};
    VkCommandPool pool = VK_NULL_HANDLE;
    vkCreateCommandPool(h->device, &pci, NULL, &pool);
    VkCommandBufferAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                      .commandPool = pool, .commandBufferCount = 1};
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    vkAllocateCommandBuffers(h->device, &ai, &cmd);
    stoa_gfx_view views[2];
    for (int e = 0; e < 2; e++)
        stoa_gfx_view_frame_bounds(scene->bounds_min, scene->bounds_max, 0.6f, 0.3f, 0.8f, 1.0f,
                                   &views[e]);
    enum { N = 60 };
    double pose_ms[N], record_ms[N];
    int done = 0;
    for (int i = 0; i < N && gs && t && pose; i++, done++) {
        VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
        vkBeginCommandBuffer(cmd, &bi);
        double t0 = now_ms();
        stoa_pose_reset(pose);
        stoa_pose_apply_animation(pose, 0, (float)i / 60.0f);
        stoa_pose_update(pose);
        double t1 = now_ms();
        stoa_gfx_begin_frame(r);
        CHECK(stoa_gfx_render(r, cmd, t, 0, views, 2, gs, pose, NULL, &err) == STOA_OK);
        double t2 = now_ms();
        vkEndCommandBuffer(cmd);
        vkResetCommandPool(h->device, pool, 0);
        pose_ms[i] = t1 - t0;
        record_ms[i] = t2 - t1;
    }
    if (done == N) {
        qsort(pose_ms, N, sizeof(double), cmp_double);
        qsort(record_ms, N, sizeof(double), cmp_double);
        *out = (gt_frame_times){.frames = N, .pose_ms = pose_ms[N / 2],
                                .record_ms = record_ms[N / 2],
                                .record_p90_ms = record_ms[N * 9 / 10]};
    }
    vkDestroyCommandPool(h->device, pool, NULL);
    stoa_pose_destroy(&pose);
    stoa_gfx_target_destroy(&t);
    stoa_gfx_scene_destroy(&gs);
    CHECK(done == N);
    return done == N;
}
