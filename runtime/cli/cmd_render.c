// SPDX-License-Identifier: Apache-2.0
// `stoa render SCENE --out FILE.png [--size WxH] [--camera NAME] [--time S] [--msaa N]
//  [--sky HH:MM|off] [--shadows off|low|high|auto]`:
// a headless picture of a scene, posed at a time, from its own camera or a
// 3/4 view that frames its bounds, under the procedural sky (docs/environment.md).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx/stoa_gfx.h"
#include "scene/stoa_scene.h"
#include "stoa_cli.h"

typedef struct render_args {
    const char *scene, *out, *camera;
    unsigned w, h;
    float time;
    unsigned msaa;
    stoa_gfx_sky sky;
    const char *sky_word, *shadows_word; // as given: they beat the scene's extras
    float *env;                          // an environment image's pixels (render_sky)
} render_args;

static void usage(FILE *f)
{
    fprintf(f, "usage: stoa render SCENE --out FILE.png [--size WxH] [--camera NAME|INDEX]\n"
               "                   [--time SECONDS] [--msaa 1|2|4|8] [--sky HH:MM|off|IMAGE]\n"
               "                   [--shadows off|low|high|auto]\n"
               "Renders SCENE headless into a PNG. Without --camera the view frames the\n"
               "scene's bounds from a 3/4 view; --time poses every animation at that time.\n"
               "--sky sets the time of day of the sky and sun (default: the scene's own,\n"
               "else 10:30; off: the grey void and the scene's own lights) or names an\n"
               "equirectangular environment image; --shadows the sun's shadow map\n"
               "(default: the scene's own, else high).\n");
}

static int parse_args(int argc, char **argv, render_args *a)
{
    *a = (render_args){.w = 800, .h = 600, .msaa = 4};
    stoa_gfx_sky_default(&a->sky);
    a->sky.shadows = STOA_GFX_SHADOWS_HIGH;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(arg, "--out") == 0 && val) {
            a->out = val;
            i++;
        } else if (strcmp(arg, "--size") == 0 && val) {
            if (!stoa_cli_parse_size(val, &a->w, &a->h)) {
                fprintf(stderr, "stoa render: --size wants WxH (1..16384), not '%s'\n", val);
                return 2;
            }
            i++;
        } else if (strcmp(arg, "--camera") == 0 && val) {
            a->camera = val;
            i++;
        } else if (strcmp(arg, "--time") == 0 && val) {
            a->time = strtof(val, &end);
            if (!end || *end || !isfinite(a->time) || a->time < 0) {
                fprintf(stderr, "stoa render: --time wants seconds >= 0, not '%s'\n", val);
                return 2;
            }
            i++;
        } else if (strcmp(arg, "--msaa") == 0 && val) {
            a->msaa = (unsigned)strtoul(val, &end, 10);
            if (!end || *end || !(a->msaa == 1 || a->msaa == 2 || a->msaa == 4 || a->msaa == 8)) {
                fprintf(stderr, "stoa render: --msaa wants 1, 2, 4 or 8, not '%s'\n", val);
                return 2;
            }
            i++;
        } else if (strcmp(arg, "--sky") == 0 && val) {
            a->sky.enabled = strcmp(val, "off") != 0;
            FILE *f = NULL;
            if (a->sky.enabled && !stoa_gfx_sky_parse_time(val, &a->sky.hour) &&
                !(f = fopen(val, "rb"))) {
                fprintf(stderr,
                        "stoa render: --sky wants a time of day HH:MM, off or an environment "
                        "image file, not '%s' (no such file)\n", val);
                return 2;
            }
            if (f)
                fclose(f);
            a->sky_word = val;
            i++;
        } else if (strcmp(arg, "--shadows") == 0 && val) {
            a->shadows_word = val;
            if (!stoa_gfx_shadows_parse(val, &a->sky.shadows)) {
                fprintf(stderr, "stoa render: --shadows wants off, low, high or auto, not '%s'\n",
                        val);
                return 2;
            }
            i++;
        } else if (arg[0] != '-' && !a->scene) {
            a->scene = arg;
        } else {
            fprintf(stderr, "stoa render: unexpected argument '%s'\n", arg);
            usage(stderr);
            return 2;
        }
    }
    if (!a->scene || !a->out) {
        usage(stderr);
        return 2;
    }
    return -1;
}

// Vulkan clip space orthographic projection (y down, depth 0..1).
static void ortho(float xmag, float ymag, float znear, float zfar, float out[16])
{
    memset(out, 0, 16 * sizeof *out);
    out[0] = 1.0f / xmag;
    out[5] = -1.0f / ymag;
    out[10] = -1.0f / (zfar - znear);
    out[14] = -znear / (zfar - znear);
    out[15] = 1.0f;
}

// The inverse of a camera node's world matrix, scale removed.
static void camera_view(const float *w, float out[16])
{
    float axes[3][3];
    for (int c = 0; c < 3; c++) {
        float n = sqrtf(w[c * 4] * w[c * 4] + w[c * 4 + 1] * w[c * 4 + 1] +
                        w[c * 4 + 2] * w[c * 4 + 2]);
        for (int r = 0; r < 3; r++)
            axes[c][r] = n > 0 ? w[c * 4 + r] / n : (float)(c == r);
    }
    memset(out, 0, 16 * sizeof *out);
    for (int c = 0; c < 3; c++)
        for (int r = 0; r < 3; r++)
            out[c * 4 + r] = axes[r][c];
    for (int r = 0; r < 3; r++)
        out[12 + r] = -(axes[r][0] * w[12] + axes[r][1] * w[13] + axes[r][2] * w[14]);
    out[15] = 1.0f;
}

static int pick_view(const stoa_scene *scene, const stoa_pose *pose, const render_args *a,
                     stoa_gfx_view *view)
{
    float aspect = (float)a->w / (float)a->h;
    if (!a->camera) {
        float bmin[3], bmax[3];
        stoa_pose_bounds(pose, bmin, bmax);
        stoa_gfx_view_frame_bounds(bmin, bmax, 0.6f, 0.35f, 0.8f, aspect, view);
        return 0;
    }
    // A camera by its name, its node's name, or its index (glTF cameras are
    // often unnamed).
    char *end = NULL;
    unsigned long index = strtoul(a->camera, &end, 10);
    bool numeric = end && end != a->camera && *end == '\0';
    for (uint32_t i = 0; i < scene->camera_count; i++) {
        const stoa_camera *cam = &scene->cameras[i];
        bool named = (cam->name && cam->name[0] && strcmp(cam->name, a->camera) == 0) ||
                     (cam->node >= 0 && (uint32_t)cam->node < scene->node_count &&
                      scene->nodes[cam->node].name[0] &&
                      strcmp(scene->nodes[cam->node].name, a->camera) == 0) ||
                     (numeric && index == i);
        if (!named || cam->node < 0 || (uint32_t)cam->node >= scene->node_count)
            continue;
        camera_view(stoa_pose_world(pose, (uint32_t)cam->node), view->view);
        float znear = cam->znear > 0 ? cam->znear : 0.05f;
        if (cam->type == STOA_CAMERA_ORTHOGRAPHIC && cam->ymag > 0)
            ortho(cam->ymag * aspect, cam->ymag, znear, cam->zfar > znear ? cam->zfar : 1000.0f,
                  view->projection);
        else
            stoa_gfx_projection_perspective(cam->yfov > 0.01f ? cam->yfov : 0.8f, aspect, znear,
                                            cam->zfar, view->projection);
        return 0;
    }
    fprintf(stderr, "stoa render: %s has no camera named '%s' (%u cameras)\n", a->scene,
            a->camera, scene->camera_count);
    for (uint32_t i = 0; i < scene->camera_count; i++) {
        const char *name = scene->cameras[i].name;
        fprintf(stderr, "  %u  %s\n", i, name && name[0] ? name : "(unnamed)");
    }
    return 1;
}

static int render(stoa_gfx_renderer *r, const stoa_scene *scene, const stoa_pose *pose,
                  const render_args *a, stoa_error *err)
{
    stoa_gfx_view view;
    if (pick_view(scene, pose, a, &view) != 0)
        return 1;
    stoa_gfx_scene *gs = NULL;
    stoa_gfx_target *t = NULL;
    uint8_t *pixels = malloc((size_t)a->w * a->h * 4);
    stoa_gfx_target_desc td = {.width = a->w, .height = a->h, .samples = a->msaa};
    stoa_gfx_render_options opt = {.clear_color = {0.18f, 0.2f, 0.23f, 1.0f}};
    stoa_result res = pixels ? STOA_OK : stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    if (res >= 0)
        res = stoa_gfx_renderer_set_sky(r, &a->sky, err);
    if (res >= 0)
        res = stoa_gfx_scene_create(r, scene, &gs, err);
    if (res >= 0)
        res = stoa_gfx_target_create(r, &td, &t, err);
    if (res >= 0)
        res = stoa_gfx_render_now(r, t, &view, 1, gs, pose, &opt, err);
    if (res >= 0)
        res = stoa_gfx_target_read_rgba(t, 0, pixels, err);
    if (res >= 0)
        res = stoa_gfx_write_png(a->out, a->w, a->h, pixels, err);
    stoa_gfx_target_destroy(&t);
    stoa_gfx_scene_destroy(&gs);
    free(pixels);
    return res < 0 ? 1 : 0;
}

// The sky: --sky and --shadows first, then the scene's glTF extras
// (stoa.sky, stoa.environment; docs/environment.md), then the defaults. An
// image that cannot be read leaves the procedural sky, with a warning.
static void render_sky(render_args *a)
{
    stoa_scene_extras x;
    stoa_error err = {0};
    if (stoa_scene_extras_read(a->scene, &x, &err) < 0)
        fprintf(stderr, "stoa render: warning: %s; the scene's extras are ignored\n",
                err.message);
    if (!a->shadows_word && x.sky_shadows[0])
        stoa_gfx_shadows_parse(x.sky_shadows, &a->sky.shadows);
    const char *image = NULL, *field = "--sky";
    float intensity = 1.0f, hour;
    if (a->sky_word) {
        if (strcmp(a->sky_word, "off") != 0 && !stoa_gfx_sky_parse_time(a->sky_word, &hour))
            image = a->sky_word;
    } else {
        if (x.sky_time[0]) {
            a->sky.enabled = strcmp(x.sky_time, "off") != 0;
            stoa_gfx_sky_parse_time(x.sky_time, &a->sky.hour);
        }
        if (x.environment[0]) {
            image = x.environment;
            field = x.environment_field;
            intensity = x.environment_intensity;
        }
    }
    stoa_scene_env_image img;
    if (image && stoa_scene_env_image_load(image, intensity, &img, &err) < 0) {
        fprintf(stderr, "stoa render: warning: the environment image named by %s: %s; the "
                        "procedural sky instead\n", field, err.message);
    } else if (image) {
        a->env = img.rgb;
        a->sky.enabled = true;
        a->sky.env_rgb = img.rgb;
        a->sky.env_width = img.width;
        a->sky.env_height = img.height;
    }
    stoa_scene_extras_fini(&x);
}

int stoa_cmd_render(int argc, char **argv)
{
    render_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    stoa_error err = {0};
    stoa_scene *scene = NULL;
    stoa_gfx_device *dev = NULL;
    stoa_gfx_renderer *r = NULL;
    stoa_gfx_device_desc dd = {.headless = true};
    // The device first: the scene cache file is the one for its texture format.
    stoa_result dr = stoa_gfx_device_create(&dd, &dev, &err);
    stoa_scene_load_desc load = {.use_cache = true};
    if (stoa_scene_load(a.scene, &load, &scene, &err) < 0) {
        fprintf(stderr, "stoa render: %s\n", err.message);
        stoa_gfx_device_destroy(&dev);
        return 1;
    }
    stoa_pose *pose = stoa_pose_create(scene);
    rc = 1;
    if (!pose)
        snprintf(err.message, sizeof err.message, "out of memory");
    else if (dr >= 0 && stoa_gfx_renderer_create(dev, NULL, &r, &err) >= 0) {
        stoa_pose_reset(pose);
        for (uint32_t i = 0; i < scene->animation_count; i++)
            stoa_pose_apply_animation(pose, i, a.time);
        stoa_pose_update(pose);
        err.message[0] = '\0';
        render_sky(&a);
        rc = render(r, scene, pose, &a, &err);
        stoa_gfx_device_wait_idle(dev);
    }
    if (rc != 0 && err.message[0])
        fprintf(stderr, "stoa render: %s\n", err.message);
    stoa_gfx_renderer_destroy(&r);
    stoa_gfx_device_destroy(&dev);
    stoa_pose_destroy(&pose);
    stoa_scene_destroy(&scene);
    free(a.env);
    uint32_t messages = stoa_gfx_validation_message_count();
    if (messages && stoa_gfx_validation_requested()) {
        fprintf(stderr, "stoa render: %u Vulkan validation messages (see above)\n", messages);
        rc = 1;
    }
    if (rc == 0)
        printf("wrote %s (%ux%u)\n", a.out, a.w, a.h);
    return rc;
}
