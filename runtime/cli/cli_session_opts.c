// SPDX-License-Identifier: Apache-2.0
// The options `stoa run` and `stoa play` share (one lesson session for one
// learner, runtime/run): parsed here once, so the two commands cannot drift.
#include <stdlib.h>
#include <string.h>

#include "cli_session_opts.h"

bool stoa_cli_session_option(int argc, char **argv, int *i, run_options *o)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--ar") || !strcmp(a, "--vr")) { // over the lesson's presentation (docs/ar.md)
        o->present = a[2] == 'a' ? RUN_PRESENT_AR : RUN_PRESENT_VR;
        return true;
    }
    if (*i + 1 >= argc)
        return false; // every other shared option takes a value
    const char *v = argv[*i + 1];
    if (!strcmp(a, "--hub"))
        o->hub.url = v; // classroom hub: run_hub.c
    else if (!strcmp(a, "--join"))
        o->hub.join_code = v;
    else if (!strcmp(a, "--device"))
        o->hub.device_name = v;
    else if (!strcmp(a, "--traces"))
        o->lesson.traces_dir = v;
    else if (!strcmp(a, "--lang"))
        o->lesson.language = v;
    else if (!strcmp(a, "--learner"))
        o->lesson.learner = v;
    else if (!strcmp(a, "--seed"))
        o->lesson.seed = strtoull(v, NULL, 10);
    else if (!strcmp(a, "--events"))
        o->events_path = v;
    else if (!strcmp(a, "--dwell"))
        o->dwell_s = strtof(v, NULL);
    else if (!strcmp(a, "--sky"))
        o->sky = v; // checked by run_session_init (run_sky.c)
    else if (!strcmp(a, "--shadows"))
        o->shadows = v;
    else if (!strcmp(a, "--max-seconds") || !strcmp(a, "--exit-after"))
        o->max_seconds = strtod(v, NULL);
    else
        return false;
    (*i)++;
    return true;
}
