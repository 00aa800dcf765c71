// SPDX-License-Identifier: Apache-2.0
// The hint panel while the tabletop model is being placed (docs/ar.md,
// "Tabletop"): what to do, in the lesson's language, in front of the
// learner; gone once the model is down. While placing, the lesson waits
// (run_session_step does not play it), so the panels are arranged here.
#include <stdio.h>
#include <string.h>

#include "run_panels.h"
#include "run_session.h"

#define HINT_PANEL "tabletop-hint"

enum { HINT_NONE = 0, HINT_PLACE, HINT_PLACE_HEIGHT, HINT_MARKER, HINT_WAIT };

static void texts(int kind, bool zh, const char **title, const char **text)
{
    switch (kind) {
    case HINT_MARKER:
        *title = zh ? "一起放置" : "Place together";
        *text = zh ? "老师已经放好了标记。用右手柄指向老师的标记，扣动扳机，模型就放在那里。"
                   : "Your teacher has set a marker. Point the right controller at the teacher's "
                     "marker and pull the trigger: the model goes there.";
        return;
    case HINT_WAIT:
        *title = zh ? "一起放置" : "Place together";
        *text =
            zh ? "正在等待全班共同的位置……也可以指向桌面或地面，扣动右扳机：你放的位置就是全班的位"
                 "置。"
               : "Waiting for the class's spot... or point at a table or the floor and pull the "
                 "right trigger: your placement becomes the whole class's.";
        return;
    case HINT_PLACE_HEIGHT:
        *title = zh ? "放置模型" : "Place the model";
        *text =
            zh ? "用右手柄指向桌面或地面，扣动扳机放下模型。左摇杆上下可调高度。\n"
                 "放下后按住左握把：左摇杆左右旋转，上下缩放；左握把加左扳机重新放置。"
               : "Point the right controller at a table or the floor and pull the trigger to put "
                 "the model down. Left stick up/down: the table's height.\nThen hold the left "
                 "grip: the left stick turns it (left/right) and scales it (up/down). Left grip + "
                 "left trigger: place it again.";
        return;
    default:
        *title = zh ? "放置模型" : "Place the model";
        *text =
            zh ? "用右手柄指向桌面或地面，扣动扳机放下模型。\n"
                 "放下后按住左握把：左摇杆左右旋转，上下缩放；左握把加左扳机重新放置。"
               : "Point the right controller at a table or the floor and pull the trigger to put "
                 "the model down.\nThen hold the left grip: the left stick turns it (left/right) "
                 "and scales it (up/down). Left grip + left trigger: place it again.";
        return;
    }
}

void run_ar_hint_frame(run_session *s, const stoa_interact_output *out, bool waiting)
{
    run_tabletop *t = &s->ar.table;
    run_lesson *rl = run_period_panels(s);
    if (!rl)
        return;
    int kind = !t->active || t->placed        ? HINT_NONE
               : t->share == RUN_SHARE_MARKER ? HINT_MARKER
               : t->share == RUN_SHARE_ANCHOR ? HINT_WAIT
               : run_xr_on(s) && run_xr_has_planes(s)
                   ? HINT_PLACE // surfaces found: no height to set
                   : HINT_PLACE_HEIGHT;
    if (kind != t->hint_shown) {
        if (kind == HINT_NONE) {
            run_panels_hide(rl, HINT_PANEL);
        } else {
            const char *lang = rl->lang                  ? rl->lang
                               : s->lesson_desc.language ? s->lesson_desc.language
                               : rl->lesson              ? rl->lesson->languages[0]
                                                         : NULL;
            bool zh = lang && strncmp(lang, "zh", 2) == 0;
            const char *title, *text;
            texts(kind, zh, &title, &text);
            run_panel *p = run_panels_find(rl, HINT_PANEL);
            if (!p)
                p = run_panels_show_text(rl, HINT_PANEL, text, -1);
            snprintf(p->text, sizeof p->text, "%s", text);
            snprintf(p->title, sizeof p->title, "%s", title);
            p->version++;
        }
        t->hint_shown = kind;
    }
    if (!waiting)
        return; // the lesson's frame arranges its panels
    // The lesson does not play: its panels face where the learner is now.
    memcpy(rl->head_world, out->head_world.position, sizeof rl->head_world);
    float d[3] = {out->gaze.position[0] - out->gaze.origin[0],
                  out->gaze.position[1] - out->gaze.origin[1],
                  out->gaze.position[2] - out->gaze.origin[2]};
    if (d[0] * d[0] + d[1] * d[1] + d[2] * d[2] > 1e-8f)
        memcpy(rl->head_forward, d, sizeof d);
    if (rl != s->drawn_panels) { // new pictures (as run_period_frame does)
        for (int i = 0; i < RUN_MAX_PANELS; i++)
            s->overlay.versions[i] = UINT32_MAX;
        s->drawn_panels = rl;
    }
    run_layout_arrange(rl, run_layout_clock_ns());
}
