// SPDX-License-Identifier: Apache-2.0
// Changes to a loaded script while it runs: the learner actions
// (xrsim_learner.c) become pose keys and input events when they fire.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xrsim_script.h"

bool xrsim_script_add_key(xrsim_script *s, xrsim_track track, double t_from, xrsim_pose_key key)
{
    uint32_t n = s->key_count[track], w = 0;
    xrsim_pose_key *k = realloc(s->keys[track], (n + 1) * sizeof *k);
    if (!k)
        return false;
    s->keys[track] = k;
    // The action takes the track over from t_from to key.t: keys inside go.
    for (uint32_t i = 0; i < n; i++)
        if (!(k[i].t > t_from && k[i].t <= key.t))
            k[w++] = k[i];
    uint32_t at = 0;
    while (at < w && k[at].t <= key.t)
        at++;
    memmove(&k[at + 1], &k[at], (w - at) * sizeof *k);
    k[at] = key;
    s->key_count[track] = w + 1;
    s->loaded = true;
    return true;
}

bool xrsim_script_add_event(xrsim_script *s, const xrsim_script_event *ev)
{
    uint32_t n = s->event_count;
    xrsim_script_event *e = realloc(s->events, (n + 1) * sizeof *e);
    if (!e)
        return false;
    s->events = e;
    uint32_t at = n;
    while (at > 0 && e[at - 1].t > ev->t)
        at--;
    memmove(&e[at + 1], &e[at], (n - at) * sizeof *e);
    e[at] = *ev;
    s->event_count = n + 1;
    return true;
}

bool xrsim_script_add_input(xrsim_script *s, double t, const char *path, float x, float y)
{
    xrsim_script_event e = {.t = t, .kind = XRSIM_EV_INPUT, .x = x, .y = y};
    snprintf(e.path, sizeof e.path, "%s", path);
    return xrsim_script_add_event(s, &e);
}
