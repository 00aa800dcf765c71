// SPDX-License-Identifier: Apache-2.0
// The lesson's sky (docs/environment.md):
//   sky: {time: "17:30", shadows: high}
//   sky: {environment: images/sky.jpg}
// time is the time of day of the procedural sky and its sun (H:MM or
// HH:MM, 00:00..24:00); shadows the sun's shadow quality (off, low, high,
// auto); environment an equirectangular image beside the lesson, drawn as
// the sky and lighting the scene instead of the procedural sky.
// Both are optional; the renderer is not this module's: the words are
// checked here and handed on as written.
#include <string.h>

#include "lesson_parse.h"

static bool time_ok(const char *t)
{
    size_t n = strlen(t);
    if (n < 4 || n > 5 || t[n - 3] != ':')
        return false;
    for (size_t i = 0; i < n; i++)
        if (i != n - 3 && (t[i] < '0' || t[i] > '9'))
            return false;
    int h = t[0] - '0';
    if (n == 5)
        h = h * 10 + (t[1] - '0');
    int m = (t[n - 2] - '0') * 10 + (t[n - 1] - '0');
    return h <= 24 && m <= 59 && (h < 24 || m == 0);
}

void lp_parse_sky(lp *p, yaml_node_t *n, stoa_lesson *L)
{
    static const char *const keys[] = {"time", "shadows", "environment"};
    if (!n || !lp_keys(p, n, "sky", keys, 3))
        return;
    yaml_node_t *v;
    const char *s;
    if ((v = lp_get(p, n, "time")) && lp_string(p, v, "sky.time", &s)) {
        if (time_ok(s))
            L->sky_time = s;
        else
            lp_error(p, lp_loc(v), "sky-time",
                     "sky.time '%s' is not a time of day HH:MM (00:00 to 24:00)", s);
    }
    if ((v = lp_get(p, n, "environment")) && lp_string(p, v, "sky.environment", &s)) {
        if (s[0] && s[0] != '/' && !strstr(s, ".."))
            L->sky_environment = s;
        else
            lp_error(p, lp_loc(v), "sky-environment",
                     "sky.environment '%s' is not an image file name inside the lesson's folder",
                     s);
    }
    if ((v = lp_get(p, n, "shadows")) && lp_string(p, v, "sky.shadows", &s)) {
        if (!strcmp(s, "off") || !strcmp(s, "low") || !strcmp(s, "high") || !strcmp(s, "auto"))
            L->sky_shadows = s;
        else
            lp_error(p, lp_loc(v), "sky-shadows",
                     "sky.shadows '%s' is not one of off, low, high, auto", s);
    }
}
