// SPDX-License-Identifier: Apache-2.0
// Which environment blend mode a session gets (docs/ar.md, "Which mode"):
//   VR asked (a `vr` lesson, a bare scene, --vr): OPAQUE; a see-through
//       headset that has no OPAQUE shows the scene, sky and all, over the room.
//   AR asked (an `ar` lesson, --ar): ALPHA_BLEND (core video passthrough),
//       else XR_FB_passthrough's layer under an OPAQUE frame (headsets that
//       offer passthrough only that way), else ADDITIVE (see-through); a
//       headset with none of them cannot: the session stops, saying why.
//       Core first: it is portable, the FB layer adds nothing the frame's
//       own premultiplied alpha does not, and Debian's OpenXR validation
//       layer (1.0.20) cannot check frames with the FB layer.
//   `any`: the headset's preferred mode (its first), AR or VR.
// --ar / --vr win over the lesson (with a note when they contradict it).
#include <stdio.h>
#include <string.h>

#include "run_ar.h"

static bool has(const run_blend *offered, uint32_t n, run_blend m)
{
    for (uint32_t i = 0; i < n; i++)
        if (offered[i] == m)
            return true;
    return false;
}

static void set(run_ar_choice *c, run_blend blend, bool fb, bool ar)
{
    c->blend = blend;
    c->fb_passthrough = fb;
    c->ar = ar;
}

stoa_result run_ar_pick(const run_blend *offered, uint32_t n, bool has_fb,
                        stoa_lesson_presentation want, run_present force, const char *what,
                        const char *headset, run_ar_choice *out, stoa_error *err)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "the headset '%s' offers no blend mode",
                              headset);
    what = what ? what : "the scene";
    bool ask_ar = force == RUN_PRESENT_AR || (force == RUN_PRESENT_LESSON && want == STOA_LESSON_PRESENT_AR);
    bool ask_vr = force == RUN_PRESENT_VR || (force == RUN_PRESENT_LESSON && want == STOA_LESSON_PRESENT_VR);
    if (force == RUN_PRESENT_AR && want == STOA_LESSON_PRESENT_VR)
        snprintf(out->note, sizeof out->note,
                 "%s is made for VR (presentation: vr); shown over the room as --ar asks", what);
    if (force == RUN_PRESENT_VR && want == STOA_LESSON_PRESENT_AR)
        snprintf(out->note, sizeof out->note,
                 "%s is made for AR (presentation: ar); shown in VR as --vr asks", what);
    if (!ask_ar && !ask_vr) { // any: the headset's preference
        run_blend first = offered[0];
        set(out, first, false, first != RUN_BLEND_OPAQUE);
        return STOA_OK;
    }
    if (ask_vr) {
        if (has(offered, n, RUN_BLEND_OPAQUE)) {
            set(out, RUN_BLEND_OPAQUE, false, false);
        } else {
            // A see-through display: the whole scene, sky and ground too.
            set(out, offered[0], false, false);
            snprintf(out->note, sizeof out->note,
                     "the headset '%s' has no opaque view: %s is shown over the room as it is",
                     headset, what);
        }
        return STOA_OK;
    }
    if (has(offered, n, RUN_BLEND_ALPHA))
        set(out, RUN_BLEND_ALPHA, false, true);
    else if (has_fb && has(offered, n, RUN_BLEND_OPAQUE))
        set(out, RUN_BLEND_OPAQUE, true, true);
    else if (has(offered, n, RUN_BLEND_ADDITIVE))
        set(out, RUN_BLEND_ADDITIVE, false, true);
    else {
        char who[300];
        if (force == RUN_PRESENT_AR)
            snprintf(who, sizeof who, "--ar asks for AR");
        else
            snprintf(who, sizeof who, "%s asks for AR (presentation: ar)", what);
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "%s, but the headset '%s' shows only VR: it offers the OPAQUE "
                              "blend mode alone and no passthrough (XR_FB_passthrough). Run it "
                              "on a headset with passthrough or a see-through display, or %s",
                              who, headset,
                              force == RUN_PRESENT_AR ? "without --ar"
                                                      : "with --vr to see it in VR anyway");
    }
    return STOA_OK;
}
