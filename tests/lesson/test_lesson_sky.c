// SPDX-License-Identifier: Apache-2.0
// The lesson's `sky: {time, shadows}` (docs/environment.md): kept as
// written when good, errors at their line and column when not.
#include <stdlib.h>

#include "lesson_rig.h"

#define STATES "states:\n  a:\n    on_enter: [end: completed]\n"

STOA_TEST(sky_time_and_shadows_are_kept)
{
    stoa_lesson *l = parse_ok(LESSON_HDR "sky: {time: \"17:30\", shadows: high}\n" STATES);
    CHECK(l && l->sky_time && !strcmp(l->sky_time, "17:30"));
    CHECK(l && l->sky_shadows && !strcmp(l->sky_shadows, "high"));
    stoa_lesson_destroy(&l);
    l = parse_ok(LESSON_HDR "sky: {time: \"6:05\"}\n" STATES);
    CHECK(l && l->sky_time && !strcmp(l->sky_time, "6:05") && !l->sky_shadows);
    stoa_lesson_destroy(&l);
    l = parse_ok(LESSON_HDR "sky: {environment: images/sky.jpg, shadows: off}\n" STATES);
    CHECK(l && l->sky_environment && !strcmp(l->sky_environment, "images/sky.jpg") &&
          !l->sky_time);
    stoa_lesson_destroy(&l);
    l = parse_ok(LESSON_HDR STATES);
    CHECK(l && !l->sky_time && !l->sky_shadows && !l->sky_environment);
    stoa_lesson_destroy(&l);
}

STOA_TEST(bad_skies_are_errors_at_their_place)
{
    struct {
        const char *sky, *msg;
        uint32_t col;
    } bad[] = {
        {"{time: \"25:00\"}", "is not a time of day HH:MM", 13},
        {"{time: \"12:60\"}", "is not a time of day HH:MM", 13},
        {"{time: noon}", "'noon' is not a time of day", 13},
        {"{time: \"24:30\"}", "is not a time of day", 13},
        {"{shadows: medium}", "'medium' is not one of off, low, high, auto", 16},
        {"{colour: red}", "colour", 7},
        {"{environment: ../sky.jpg}", "is not an image file name inside the lesson's folder", 20},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml, LESSON_HDR "sky: %s\n" STATES, bad[i].sky);
        stoa_lesson *l = NULL;
        stoa_lesson_diags d;
        stoa_lesson_diags_init(&d);
        stoa_error err = {0};
        stoa_result r = stoa_lesson_parse(
            yaml, strlen(yaml), &(stoa_lesson_parse_desc){.file_name = "x.yaml"}, &l, &d, &err);
        CHECK_MSG(r == STOA_ERROR_PARSE && !l, "%s parsed", bad[i].sky);
        CHECK_MSG(d.count >= 1 && d.items[0].line == 6 && d.items[0].column == bad[i].col,
                  "%s: %u:%u", bad[i].sky, d.count ? d.items[0].line : 0,
                  d.count ? d.items[0].column : 0);
        CHECK_CONTAINS(err.message, bad[i].msg);
        stoa_lesson_diags_fini(&d);
    }
}

STOA_TEST_MAIN()
