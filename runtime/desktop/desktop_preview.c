// SPDX-License-Identifier: Apache-2.0
// `stoa preview`: an author's window onto a scene. Orbit/fly camera,
// animation play/pause, frame time on screen, reload when the file changes,
// a progress indicator while loading.
#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/stoa_clock.h"
#include "core/stoa_file.h"
#include "core/stoa_log.h"
#include "core/stoa_path.h"
#include "desktop_hud.h"
#include "desktop_loader.h"
#include "desktop_swapchain.h"
#include "gfx/stoa_gfx_arrive.h"
#include "stoa_camera.h"
#include "stoa_desktop.h"

#define HUD_CHARS 80
#define HUD_LINES 5 // the help takes two: it must fit a 640 px window
#define HUD_PX 15    // text size (tests/desktop/test_preview.py looks for it)
#define RELOAD_POLL_S 0.5

typedef struct preview {
    const stoa_desktop_preview_desc *desc;
    desktop_swapchain sc;
    desktop_hud hud;
    desktop_loader loader;
    stoa_scene *scene;
    stoa_gfx_scene *gscene;
    stoa_gfx_arrivals arrive; // gscene's textures and levels of detail still coming
    uint64_t arrive_waits;    // device-idle waits while collecting them (should stay 0)
    stoa_pose *pose;
    stoa_desktop_camera cam;
    bool camera_set;
    // Animation: -1 plays every animation together, else one of them.
    int32_t anim;
    bool paused;
    double anim_time;
    // Input state.
    double mouse_x, mouse_y;
    bool rotating, panning;
    // Reload.
    int64_t file_mtime;
    double next_poll;
    char status[160]; // last load error or note, shown in the HUD
    // Frame timing.
    double last_frame, fps_window_start, frame_ms;
    uint32_t fps_frames;
    bool ready_sent;
} preview;

static const char *anim_label(const preview *p, char *buf, size_t size)
{
    if (!p->scene || p->scene->animation_count == 0)
        return "no animations";
    const char *state = p->paused ? "paused" : "playing";
    if (p->anim < 0)
        snprintf(buf, size, "all %u animations %s  t=%.2fs", p->scene->animation_count, state,
                 p->anim_time);
    else
        snprintf(buf, size, "'%.24s' %s  t=%.2fs", p->scene->animations[p->anim].name, state,
                 p->anim_time);
    return buf;
}

static void pose_scene(preview *p)
{
    stoa_pose_reset(p->pose);
    for (uint32_t a = 0; a < p->scene->animation_count; a++) {
        if (p->anim >= 0 && (uint32_t)p->anim != a)
            continue;
        float d = p->scene->animations[a].duration;
        float t = d > 0.0f ? fmodf((float)p->anim_time, d) : 0.0f;
        stoa_pose_apply_animation(p->pose, a, t);
    }
    stoa_pose_update(p->pose);
}

static void frame_camera(preview *p)
{
    float bmin[3], bmax[3];
    stoa_pose_bounds(p->pose, bmin, bmax);
    stoa_desktop_camera_frame(&p->cam, bmin, bmax);
    const char *name = p->desc->camera;
    if (!name)
        return;
    for (uint32_t c = 0; c < p->scene->camera_count; c++) {
        const stoa_camera *sc = &p->scene->cameras[c];
        if (strcmp(sc->name, name) != 0 || sc->node < 0)
            continue;
        // Take the camera node's world position and its -Z as the look direction.
        const float *m = stoa_pose_world(p->pose, (uint32_t)sc->node);
        p->cam.position[0] = m[12];
        p->cam.position[1] = m[13];
        p->cam.position[2] = m[14];
        p->cam.yaw = atan2f(m[8], m[10]);
        p->cam.pitch = asinf(fmaxf(-1.0f, fminf(1.0f, -m[9])));
        if (sc->type == STOA_CAMERA_PERSPECTIVE && sc->yfov > 0.0f)
            p->cam.yfov = sc->yfov;
        stoa_desktop_camera_set_mode(&p->cam, STOA_CAMERA_FLY);
        return;
    }
    snprintf(p->status, sizeof p->status, "no camera named '%.40s'", name);
}

// Swaps a freshly loaded scene in; keeps the camera across reloads.
static stoa_result install_scene(preview *p, stoa_scene *scene, stoa_error *err)
{
    stoa_gfx_scene *gscene = NULL;
    stoa_result r = stoa_gfx_scene_create(p->sc.renderer, scene, &gscene, err);
    if (r < 0) {
        stoa_scene_destroy(&scene);
        return r;
    }
    stoa_gfx_device_wait_idle(p->sc.device);
    stoa_gfx_arrivals_stop(&p->arrive);
    stoa_gfx_scene_destroy(&p->gscene);
    stoa_pose_destroy(&p->pose);
    stoa_scene_destroy(&p->scene);
    p->scene = scene;
    p->gscene = gscene;
    p->pose = stoa_pose_create(scene);
    if (!p->pose)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory posing the scene");
    if (p->anim >= (int32_t)scene->animation_count)
        p->anim = -1;
    pose_scene(p);
    if (!p->camera_set) {
        frame_camera(p);
        p->camera_set = true;
    }
    return STOA_OK;
}

static void on_key(GLFWwindow *w, int key, int scancode, int action, int mods)
{
    (void)scancode;
    (void)mods;
    preview *p = (preview *)glfwGetWindowUserPointer(w);
    if (action != GLFW_PRESS || !p)
        return;
    switch (key) {
    case GLFW_KEY_ESCAPE: glfwSetWindowShouldClose(w, GLFW_TRUE); break;
    case GLFW_KEY_SPACE: p->paused = !p->paused; break;
    case GLFW_KEY_N:
        if (p->scene && p->scene->animation_count > 0)
            p->anim = p->anim + 1 >= (int32_t)p->scene->animation_count ? -1 : p->anim + 1;
        p->anim_time = 0.0;
        break;
    case GLFW_KEY_TAB:
        stoa_desktop_camera_set_mode(&p->cam, p->cam.mode == STOA_CAMERA_ORBIT ? STOA_CAMERA_FLY
                                                                               : STOA_CAMERA_ORBIT);
        break;
    case GLFW_KEY_F:
        if (p->pose)
            frame_camera(p);
        break;
    default: break;
    }
}

static void on_mouse_button(GLFWwindow *w, int button, int action, int mods)
{
    (void)mods;
    preview *p = (preview *)glfwGetWindowUserPointer(w);
    bool down = action == GLFW_PRESS;
    if (button == GLFW_MOUSE_BUTTON_LEFT)
        p->rotating = down;
    else if (button == GLFW_MOUSE_BUTTON_RIGHT || button == GLFW_MOUSE_BUTTON_MIDDLE)
        p->panning = down;
    glfwGetCursorPos(w, &p->mouse_x, &p->mouse_y);
}

static void on_cursor(GLFWwindow *w, double x, double y)
{
    preview *p = (preview *)glfwGetWindowUserPointer(w);
    float dx = (float)(x - p->mouse_x), dy = (float)(y - p->mouse_y);
    p->mouse_x = x;
    p->mouse_y = y;
    if (p->rotating)
        stoa_desktop_camera_rotate(&p->cam, dx, dy);
    else if (p->panning)
        stoa_desktop_camera_pan(&p->cam, dx, dy);
}

static void on_scroll(GLFWwindow *w, double dx, double dy)
{
    (void)dx;
    preview *p = (preview *)glfwGetWindowUserPointer(w);
    stoa_desktop_camera_zoom(&p->cam, (float)dy);
}

static void fly_keys(preview *p, float dt)
{
    GLFWwindow *w = p->sc.window;
    if (p->cam.mode != STOA_CAMERA_FLY)
        return;
    float speed = (glfwGetKey(w, GLFW_KEY_LEFT_SHIFT) == GLFW_PRESS ? 6.0f : 2.0f) * dt;
    float r = (float)(glfwGetKey(w, GLFW_KEY_D) == GLFW_PRESS) -
              (float)(glfwGetKey(w, GLFW_KEY_A) == GLFW_PRESS);
    float f = (float)(glfwGetKey(w, GLFW_KEY_W) == GLFW_PRESS) -
              (float)(glfwGetKey(w, GLFW_KEY_S) == GLFW_PRESS);
    float u = (float)(glfwGetKey(w, GLFW_KEY_E) == GLFW_PRESS) -
              (float)(glfwGetKey(w, GLFW_KEY_Q) == GLFW_PRESS);
    if (r != 0.0f || f != 0.0f || u != 0.0f)
        stoa_desktop_camera_move(&p->cam, r * speed, u * speed, f * speed);
}

static void poll_reload(preview *p, double now)
{
    if (now < p->next_poll || p->loader.running)
        return;
    p->next_poll = now + RELOAD_POLL_S;
    int64_t m = stoa_file_mtime_ns(p->desc->scene_path);
    if (m != 0 && m != p->file_mtime) {
        p->file_mtime = m;
        STOA_LOGI("desktop", "%s changed on disk: reloading", p->desc->scene_path);
        desktop_loader_start(&p->loader, p->desc->scene_path);
    }
}

static void build_hud(preview *p, double now)
{
    char l0[HUD_CHARS + 1], l1[HUD_CHARS + 1], l2[HUD_CHARS + 1], l3[HUD_CHARS + 1], ab[96];
    const char *lines[HUD_LINES] = {l0, l1, l2, l3, p->status[0] ? "" : "n: anim  f: frame  esc: quit"};
    float progress = -1.0f;
    snprintf(l0, sizeof l0, "%s", stoa_path_basename(p->desc->scene_path));
    if (p->loader.running) {
        double t = now - p->loader.started_at;
        const char *stage = atomic_load(&p->loader.stage);
        snprintf(l1, sizeof l1, "loading %s... %.1f s", stage ? stage : "", t);
        progress = atomic_load(&p->loader.progress);
    } else {
        snprintf(l1, sizeof l1, "%.2f ms/frame  %.0f fps", p->frame_ms,
                 p->frame_ms > 0 ? 1000.0 / p->frame_ms : 0.0);
    }
    uint32_t pending = stoa_gfx_scene_pending_textures(p->gscene);
    if (pending && p->scene)
        snprintf(l2, sizeof l2, "textures %u/%u", p->scene->texture_count - pending,
                 p->scene->texture_count);
    else
        snprintf(l2, sizeof l2, "%s | %.56s",
                 p->cam.mode == STOA_CAMERA_ORBIT ? "orbit" : "fly", anim_label(p, ab, sizeof ab));
    snprintf(l3, sizeof l3, "%.80s",
             p->status[0] ? p->status
                          : "drag: look  wheel: zoom  tab: fly  space: pause");
    desktop_hud_draw(&p->hud, lines, HUD_LINES, progress, p->sc.extent.width);
}

static void update_timing(preview *p, double now)
{
    double dt = now - p->last_frame;
    p->last_frame = now;
    p->fps_frames++;
    if (now - p->fps_window_start >= 0.5) {
        p->frame_ms = (now - p->fps_window_start) * 1000.0 / p->fps_frames;
        p->fps_frames = 0;
        p->fps_window_start = now;
    }
    if (!p->paused && p->scene)
        p->anim_time += dt;
    fly_keys(p, (float)dt);
}

static stoa_result take_loaded(preview *p, stoa_error *err)
{
    stoa_scene *scene = NULL;
    stoa_error lerr = {0};
    if (!desktop_loader_take(&p->loader, &scene, &lerr))
        return STOA_OK;
    if (!scene) {
        if (!p->scene) // the first load failed: nothing to show
            return stoa_error_set(err, lerr.code ? lerr.code : STOA_ERROR_IO, "%s", lerr.message);
        STOA_LOGW("desktop", "reload failed, keeping the previous scene: %s", lerr.message);
        snprintf(p->status, sizeof p->status, "reload failed: %.130s", lerr.message);
        return STOA_OK;
    }
    p->status[0] = '\0'; // the scene's warnings were logged by stoa_scene_load
    stoa_result r = install_scene(p, scene, err);
    if (r < 0 && p->scene) {
        snprintf(p->status, sizeof p->status, "reload failed: %.130s", err->message);
        return STOA_OK;
    }
    return r;
}

// Textures still decoding after the load stream in as they finish and fade
// in over PREVIEW_FADE_S, and the levels of detail, made after the first
// frame, are swapped in: the same path as `stoa run` (stoa_gfx_arrivals:
// the GPU work on workers, submitted here without a wait). A failure leaves
// the scene drawn with stand-ins or at full detail, and is logged.
#define PREVIEW_FADE_S 0.3f
static void collect_arrivals(preview *p, double now)
{
    // Counted as the frame path (stoa_gfx_stats.frame_*): it should make no
    // GPU object and wait for nothing; the count is logged at exit.
    uint64_t waits = stoa_gfx_stats_get().device_idle_waits;
    stoa_gfx_frame_scope(true);
    stoa_gfx_arrivals_frame(&p->arrive, p->sc.renderer, p->gscene, p->scene, now,
                            PREVIEW_FADE_S, "desktop");
    stoa_gfx_frame_scope(false);
    p->arrive_waits += stoa_gfx_stats_get().device_idle_waits - waits;
}

static stoa_result run_loop(preview *p, stoa_error *err)
{
    double start = stoa_time_seconds();
    p->last_frame = p->fps_window_start = start;
    const float clear[4] = {0.05f, 0.06f, 0.08f, 1.0f};
    while (!glfwWindowShouldClose(p->sc.window)) {
        glfwPollEvents();
        double now = stoa_time_seconds();
        if (p->desc->exit_after > 0 && now - start >= p->desc->exit_after)
            break;
        stoa_result r = take_loaded(p, err);
        if (r < 0)
            return r;
        collect_arrivals(p, now);
        poll_reload(p, now);
        update_timing(p, now);
        stoa_gfx_view view;
        int w, h;
        glfwGetFramebufferSize(p->sc.window, &w, &h);
        stoa_desktop_camera_view(&p->cam, view.view);
        stoa_gfx_projection_perspective(p->cam.yfov, h > 0 ? (float)w / (float)h : 1.0f,
                                        p->cam.znear, p->cam.zfar, view.projection);
        if (p->scene)
            pose_scene(p);
        build_hud(p, now);
        stoa_desktop_draw draw = {.scene = p->gscene, .pose = p->pose};
        r = desktop_swapchain_draw(&p->sc, &view, &draw, 1, clear, &p->hud, err);
        if (r < 0)
            return r;
        if (r == STOA_OK && p->scene && !p->ready_sent) {
            p->ready_sent = true;
            if (p->desc->on_ready)
                p->desc->on_ready(p->desc->user);
        }
    }
    return STOA_OK;
}

stoa_result stoa_desktop_preview_run(const stoa_desktop_preview_desc *desc, stoa_error *err)
{
    static preview p; // one window per process; keeps GLFW callbacks simple
    memset(&p, 0, sizeof p);
    p.desc = desc;
    p.anim = -1;
    p.paused = desc->start_paused;
    p.anim_time = desc->start_time;
    p.cam.yfov = 0.87f;
    char title[512];
    snprintf(title, sizeof title, "Stoa preview - %s", stoa_path_basename(desc->scene_path));
    if (!desktop_hud_init(&p.hud, HUD_CHARS, HUD_LINES, HUD_PX, false))
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    stoa_result r = desktop_swapchain_init(&p.sc, title, desc->width ? desc->width : 1280,
                                           desc->height ? desc->height : 720,
                                           desc->msaa ? desc->msaa : 4, p.hud.width,
                                           p.hud.height, err);
    if (r >= 0) {
        p.hud.bgra = desktop_swapchain_is_bgra(&p.sc);
        GLFWwindow *w = p.sc.window;
        glfwSetWindowUserPointer(w, &p);
        glfwSetKeyCallback(w, on_key);
        glfwSetMouseButtonCallback(w, on_mouse_button);
        glfwSetCursorPosCallback(w, on_cursor);
        glfwSetScrollCallback(w, on_scroll);
        p.file_mtime = stoa_file_mtime_ns(desc->scene_path);
        p.next_poll = stoa_time_seconds() + RELOAD_POLL_S;
        desktop_loader_start(&p.loader, desc->scene_path);
        r = run_loop(&p, err);
    }
    desktop_loader_fini(&p.loader);
    stoa_gfx_arrivals_stop(&p.arrive);
    STOA_LOGI("desktop", "arrivals: %llu device-idle waits, %llu GPU objects made on the frame path",
              (unsigned long long)p.arrive_waits,
              (unsigned long long)stoa_gfx_stats_get().frame_objects);
    if (p.sc.device)
        stoa_gfx_device_wait_idle(p.sc.device);
    stoa_gfx_scene_destroy(&p.gscene);
    stoa_pose_destroy(&p.pose);
    stoa_scene_destroy(&p.scene);
    desktop_swapchain_fini(&p.sc);
    desktop_hud_fini(&p.hud);
    return r;
}
