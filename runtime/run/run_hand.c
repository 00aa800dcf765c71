// SPDX-License-Identifier: Apache-2.0
#include "run_hand.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run_panels.h"
#include "run_session.h"

#define PRESS 0.7f

static void dir_of(const float a[3], const float b[3], float out[3])
{
    float d[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    for (int i = 0; i < 3; i++)
        out[i] = len > 1e-6f ? d[i] / len : 0.0f;
}

static const char *label(const run_lesson *rl, bool up)
{
    bool zh = rl->lang && strncmp(rl->lang, "zh", 2) == 0;
    return up ? (zh ? "放下手" : "Lower my hand") : (zh ? "举手提问" : "Raise my hand");
}

void run_hand_frame(run_session *s, const stoa_interact_output *io, const stoa_interact_frame *in)
{
    run_view *v = &s->view;
    run_lesson *rl = run_period_panels(s);
    if (!s->hub.net || !rl) { // no class: no one to see a hand
        v->hand_panels = NULL;
        return;
    }
    run_panel *p = run_panels_find(rl, RUN_HAND_PANEL);
    if (!p || v->hand_panels != rl || v->hand_shown != v->hand) {
        p = run_panels_show_choices(rl, RUN_HAND_PANEL);
        if (!p)
            return;
        p->title[0] = p->text[0] = 0;
        p->width = 0.45f; // one button, small, at the bottom of the stack
        p->height = 0.16f;
        snprintf(p->choices[0], sizeof p->choices[0], "%s", label(rl, v->hand));
        p->choice_count = 1;
        p->version++;
        v->hand_panels = rl;
        v->hand_shown = v->hand;
    }
    int32_t hovered = -1, choice = -1;
    for (int h = 0; h < 2; h++) {
        const stoa_interact_laser *l = &io->lasers[h];
        float val = in->hands[h].select_pressed ? 1.0f : in->hands[h].select_value, dir[3];
        bool pressed = val >= PRESS && v->hand_select_prev[h] < PRESS;
        v->hand_select_prev[h] = val;
        if (!l->visible || !p->drawn)
            continue;
        dir_of(l->origin, l->end, dir);
        if (run_panels_hit(p, l->origin, dir, &choice) < 0 || choice != 0)
            continue;
        hovered = 0;
        rl->select_taken |= 1u << h; // the lesson does not see this select
        if (pressed)
            run_view_set_hand(v, !v->hand);
    }
    if (p->hovered != hovered) {
        p->hovered = hovered;
        p->version++;
    }
}

bool run_hand_point(run_session *s, float out[3])
{
    run_lesson *rl = run_period_panels(s);
    run_panel *p = rl && s->hub.net ? run_panels_find(rl, RUN_HAND_PANEL) : NULL;
    return p && p->drawn && run_panels_choice_point(p, 0, out);
}
