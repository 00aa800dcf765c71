// SPDX-License-Identifier: Apache-2.0
// A desktop window for a front-end that lives above this module (the
// lesson's play mode, runtime/play/play.c): it owns the GLFW window, the
// Vulkan device and renderer, turns mouse and keyboard into a small input
// record, and draws a list of scenes with a text HUD (the panels' text
// renderer, runtime/ui: Chinese names show as on a panel). GLFW's types stay here.
//
// Lifetimes: stoa_desktop_window_open creates everything; close destroys it
// in reverse order and nulls the handle. The device and renderer it hands
// out belong to the window: GPU objects made on them must be destroyed
// before the window is closed.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/stoa_result.h"
#include "gfx/stoa_gfx.h"

typedef struct stoa_desktop_window stoa_desktop_window;

// One scene to draw: the first clears the image, the others go over it.
typedef struct stoa_desktop_draw {
    const stoa_gfx_scene *scene;
    const stoa_pose *pose;
    stoa_gfx_render_options options; // clear_color and no_clear are set by the window
} stoa_desktop_draw;

// Keys a front-end reacts to once per press (stoa_desktop_input.presses counts
// them: a slow frame may see several).
typedef enum stoa_desktop_key {
    STOA_DESKTOP_KEY_OVERLAY = 0, // F1 or Tab: the author's overlay
    STOA_DESKTOP_KEY_RESTART,     // F5: the lesson from its start
    STOA_DESKTOP_KEY_FASTER,      // F2: lesson time runs faster (cycles 1, 2, 4, 8)
    STOA_DESKTOP_KEY_NEXT,        // PageDown: the next state in the overlay's list
    STOA_DESKTOP_KEY_PREV,        // PageUp: the previous one
    STOA_DESKTOP_KEY_JUMP,        // Enter: jump to the state chosen in the overlay
    STOA_DESKTOP_KEY_COUNT
} stoa_desktop_key;

typedef struct stoa_desktop_input {
    float look_dx, look_dy; // mouse motion since the last poll, pixels (the cursor is captured)
    float move_right, move_forward; // WASD or arrow keys: -1, 0 or 1 each
    bool fast;                       // Shift held
    bool select, grab;  // left and right mouse buttons held
    bool teleport;      // T held: the teleport arc (released: the learner lands there)
    bool hand;          // H held: a controller's menu button (held 1 s: raise or lower the hand)
    uint8_t presses[STOA_DESKTOP_KEY_COUNT]; // presses of each key since the last poll
    bool close;         // the window was closed or Esc was pressed
} stoa_desktop_input;

typedef struct stoa_desktop_window_desc {
    const char *title;
    uint32_t width, height;    // 0 = 1280 x 720
    uint32_t msaa;             // 0 = 4
    uint32_t hud_chars, hud_lines; // the HUD's capacity: rows of ~Latin characters (0 = no HUD)
    uint32_t hud_px;               // the HUD's text size in pixels (0 = 14)
} stoa_desktop_window_desc;

stoa_result stoa_desktop_window_open(const stoa_desktop_window_desc *desc,
                                     stoa_desktop_window **out_window, stoa_error *err);
void stoa_desktop_window_close(stoa_desktop_window **window);
stoa_gfx_device *stoa_desktop_window_device(stoa_desktop_window *w);
stoa_gfx_renderer *stoa_desktop_window_renderer(stoa_desktop_window *w);
// Framebuffer size in pixels (for the projection).
void stoa_desktop_window_size(stoa_desktop_window *w, uint32_t *out_width, uint32_t *out_height);
// Called inside each frame's command buffer once the scenes are drawn,
// before the HUD goes over them: `image` (width x height, `format`) is in
// `layout` and must be left so (the teacher's live view records its
// snapshot here, runtime/play/play_view.c). NULL removes it.
typedef void (*stoa_desktop_tap_fn)(void *user, VkCommandBuffer cmd, VkImage image, uint32_t width,
                                    uint32_t height, VkFormat format, VkImageLayout layout);
void stoa_desktop_window_set_tap(stoa_desktop_window *w, stoa_desktop_tap_fn fn, void *user);
// Processes window events and fills *out with what happened since the last call.
void stoa_desktop_window_poll(stoa_desktop_window *w, stoa_desktop_input *out);
// Draws one frame and presents it. hud_lines may be NULL (no HUD this
// frame). Returns STOA_OK, STOA_TIMEOUT when nothing could be drawn this time
// (minimised, swapchain remade), or < 0 with err filled.
stoa_result stoa_desktop_window_draw(stoa_desktop_window *w, const stoa_gfx_view *view,
                                     const stoa_desktop_draw *draws, uint32_t draw_count,
                                     const char *const *hud_lines, uint32_t hud_line_count,
                                     stoa_error *err);
