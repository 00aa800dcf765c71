// SPDX-License-Identifier: Apache-2.0
// The play-mode window: desktop_swapchain + desktop_hud behind a small API,
// with the cursor captured for mouse look (stoa_desktop_window.h).
#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <stdlib.h>
#include <string.h>

#include "desktop_hud.h"
#include "desktop_swapchain.h"
#include "stoa_desktop_window.h"

struct stoa_desktop_window {
    desktop_swapchain sc;
    desktop_hud hud;
    bool has_hud;
    double mouse_x, mouse_y;
    bool mouse_known;
    float look_dx, look_dy;
    uint8_t presses[STOA_DESKTOP_KEY_COUNT];
    bool clicked[2]; // left, right pressed since the last poll (held or not now)
    bool escape;
};

static void press(stoa_desktop_window *w, stoa_desktop_key k)
{
    if (w->presses[k] < UINT8_MAX)
        w->presses[k]++;
}

static void on_key(GLFWwindow *gw, int key, int scancode, int action, int mods)
{
    (void)scancode;
    (void)mods;
    stoa_desktop_window *w = glfwGetWindowUserPointer(gw);
    if (action != GLFW_PRESS || !w)
        return;
    switch (key) {
    case GLFW_KEY_ESCAPE: w->escape = true; break;
    case GLFW_KEY_F1:
    case GLFW_KEY_TAB: press(w, STOA_DESKTOP_KEY_OVERLAY); break;
    case GLFW_KEY_F2: press(w, STOA_DESKTOP_KEY_FASTER); break;
    case GLFW_KEY_F5: press(w, STOA_DESKTOP_KEY_RESTART); break;
    case GLFW_KEY_PAGE_DOWN: press(w, STOA_DESKTOP_KEY_NEXT); break;
    case GLFW_KEY_PAGE_UP: press(w, STOA_DESKTOP_KEY_PREV); break;
    case GLFW_KEY_ENTER:
    case GLFW_KEY_KP_ENTER: press(w, STOA_DESKTOP_KEY_JUMP); break;
    default: break;
    }
}

// A click shorter than a slow frame still reaches the poll: the button
// reads as held for that one frame.
static void on_mouse_button(GLFWwindow *gw, int button, int action, int mods)
{
    (void)mods;
    stoa_desktop_window *w = glfwGetWindowUserPointer(gw);
    if (action == GLFW_PRESS && (button == GLFW_MOUSE_BUTTON_LEFT || button == GLFW_MOUSE_BUTTON_RIGHT))
        w->clicked[button == GLFW_MOUSE_BUTTON_RIGHT] = true;
}

static void on_cursor(GLFWwindow *gw, double x, double y)
{
    stoa_desktop_window *w = glfwGetWindowUserPointer(gw);
    if (w->mouse_known) {
        w->look_dx += (float)(x - w->mouse_x);
        w->look_dy += (float)(y - w->mouse_y);
    }
    w->mouse_x = x;
    w->mouse_y = y;
    w->mouse_known = true;
}

stoa_result stoa_desktop_window_open(const stoa_desktop_window_desc *desc,
                                     stoa_desktop_window **out_window, stoa_error *err)
{
    *out_window = NULL;
    stoa_desktop_window *w = calloc(1, sizeof *w);
    if (!w)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    if (desc->hud_chars && desc->hud_lines) {
        if (!desktop_hud_init(&w->hud, desc->hud_chars, desc->hud_lines, (int)desc->hud_px, false)) {
            free(w);
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
        }
        w->has_hud = true;
    }
    stoa_result r = desktop_swapchain_init(&w->sc, desc->title ? desc->title : "Stoa",
                                           desc->width ? desc->width : 1280,
                                           desc->height ? desc->height : 720,
                                           desc->msaa ? desc->msaa : 4, w->hud.width,
                                           w->hud.height, err);
    if (r < 0) {
        stoa_desktop_window_close(&w);
        return r;
    }
    w->hud.bgra = desktop_swapchain_is_bgra(&w->sc);
    GLFWwindow *gw = w->sc.window;
    glfwSetWindowUserPointer(gw, w);
    glfwSetKeyCallback(gw, on_key);
    glfwSetCursorPosCallback(gw, on_cursor);
    glfwSetMouseButtonCallback(gw, on_mouse_button);
    // Mouse look: the cursor is hidden and held in the window (GLFW keeps
    // reporting motion as positions that run on without bounds).
    glfwSetInputMode(gw, GLFW_CURSOR, GLFW_CURSOR_DISABLED);
    *out_window = w;
    return STOA_OK;
}

void stoa_desktop_window_close(stoa_desktop_window **window)
{
    stoa_desktop_window *w = *window;
    if (!w)
        return;
    if (w->sc.vk || w->sc.window)
        desktop_swapchain_fini(&w->sc);
    if (w->has_hud)
        desktop_hud_fini(&w->hud);
    free(w);
    *window = NULL;
}

stoa_gfx_device *stoa_desktop_window_device(stoa_desktop_window *w)
{
    return w->sc.device;
}

stoa_gfx_renderer *stoa_desktop_window_renderer(stoa_desktop_window *w)
{
    return w->sc.renderer;
}

void stoa_desktop_window_size(stoa_desktop_window *w, uint32_t *out_width, uint32_t *out_height)
{
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(w->sc.window, &fw, &fh);
    *out_width = fw > 0 ? (uint32_t)fw : 1;
    *out_height = fh > 0 ? (uint32_t)fh : 1;
}

static float axis(GLFWwindow *gw, int pos, int pos2, int neg, int neg2)
{
    bool p = glfwGetKey(gw, pos) == GLFW_PRESS || glfwGetKey(gw, pos2) == GLFW_PRESS;
    bool n = glfwGetKey(gw, neg) == GLFW_PRESS || glfwGetKey(gw, neg2) == GLFW_PRESS;
    return (float)p - (float)n;
}

void stoa_desktop_window_poll(stoa_desktop_window *w, stoa_desktop_input *out)
{
    glfwPollEvents();
    GLFWwindow *gw = w->sc.window;
    memset(out, 0, sizeof *out);
    out->look_dx = w->look_dx;
    out->look_dy = w->look_dy;
    w->look_dx = w->look_dy = 0.0f;
    out->move_right = axis(gw, GLFW_KEY_D, GLFW_KEY_RIGHT, GLFW_KEY_A, GLFW_KEY_LEFT);
    out->move_forward = axis(gw, GLFW_KEY_W, GLFW_KEY_UP, GLFW_KEY_S, GLFW_KEY_DOWN);
    out->fast = glfwGetKey(gw, GLFW_KEY_LEFT_SHIFT) == GLFW_PRESS ||
                glfwGetKey(gw, GLFW_KEY_RIGHT_SHIFT) == GLFW_PRESS;
    out->select = glfwGetMouseButton(gw, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS || w->clicked[0];
    out->grab = glfwGetMouseButton(gw, GLFW_MOUSE_BUTTON_RIGHT) == GLFW_PRESS || w->clicked[1];
    w->clicked[0] = w->clicked[1] = false;
    out->teleport = glfwGetKey(gw, GLFW_KEY_T) == GLFW_PRESS;
    out->hand = glfwGetKey(gw, GLFW_KEY_H) == GLFW_PRESS;
    memcpy(out->presses, w->presses, sizeof out->presses);
    memset(w->presses, 0, sizeof w->presses);
    out->close = w->escape || glfwWindowShouldClose(gw);
}

stoa_result stoa_desktop_window_draw(stoa_desktop_window *w, const stoa_gfx_view *view,
                                     const stoa_desktop_draw *draws, uint32_t draw_count,
                                     const char *const *hud_lines, uint32_t hud_line_count,
                                     stoa_error *err)
{
    const desktop_hud *hud = NULL;
    if (w->has_hud && hud_lines && hud_line_count) {
        uint32_t fw, fh;
        stoa_desktop_window_size(w, &fw, &fh);
        desktop_hud_draw(&w->hud, hud_lines, hud_line_count, -1.0f, fw);
        hud = &w->hud;
    }
    const float clear[4] = {0.55f, 0.70f, 0.90f, 1.0f};
    return desktop_swapchain_draw(&w->sc, view, draws, draw_count, clear, hud, err);
}

void stoa_desktop_window_set_tap(stoa_desktop_window *w, stoa_desktop_tap_fn fn, void *user)
{
    w->sc.tap = fn;
    w->sc.tap_user = user;
}
