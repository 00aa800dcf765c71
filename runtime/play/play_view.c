// SPDX-License-Identifier: Apache-2.0
// The desktop seat's live view (play_view.h).
#include "play_view.h"

#include "run/run_view.h"

// Inside the window's command buffer, the scenes drawn, the HUD not yet.
static void tap(void *user, VkCommandBuffer cmd, VkImage image, uint32_t width, uint32_t height,
                VkFormat format, VkImageLayout layout)
{
    run_view_pics_tap(user, cmd, image, width, height, format, layout);
}

void play_view_frame(run_session *s, stoa_desktop_window *w, bool hand_key, int64_t now_ns)
{
    // The hand (H held, as a controller's menu button), attention: the headset's code.
    run_view_common(&s->view, &s->hub, s->lesson_on ? &s->lesson : NULL, hand_key, now_ns);
    stoa_desktop_window_set_tap(w, tap, &s->view);
    const float centre[2] = {0.5f, 0.5f}; // the reticle: the window's centre, the picture's
    run_view_pics_frame(&s->view, stoa_desktop_window_device(w), &s->hub, run_period_panels(s), true, centre);
}
