// SPDX-License-Identifier: Apache-2.0
// The real room's surfaces and anchors for tabletop mode (docs/ar.md):
// the height of a detected plane under the learner's ray, and the placement
// kept as a spatial anchor.
#include "core/stoa_log.h"
#include "run_session.h"

bool run_ar_plane_height(run_session *s, const stoa_interact_hand_input *aim, float *out_y)
{
    (void)s, (void)aim, (void)out_y;
    return false; // no plane detection in the xr module yet: the table height
}

void run_ar_anchor_placed(run_session *s)
{
    (void)s; // no spatial anchors in the xr module yet: the placement is the session's
}
