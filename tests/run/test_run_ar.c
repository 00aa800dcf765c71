// SPDX-License-Identifier: Apache-2.0
// AR without a headset: which blend mode a session gets from what the
// headset offers and what the lesson or the command line asks
// (runtime/run/run_ar_pick.c), and the lesson's `presentation`,
// `environment` and `tabletop` (runtime/lesson/lesson_parse_ar.c).
#include <stdio.h>
#include <string.h>

#include "lesson/stoa_lesson.h"
#include "lesson/stoa_lesson_check.h"
#include "run_ar.h"
#include "stoa_test.h"
#include "ui/stoa_ui.h"

static const run_blend k_opaque[] = {RUN_BLEND_OPAQUE};
static const run_blend k_video[] = {RUN_BLEND_OPAQUE, RUN_BLEND_ALPHA};
static const run_blend k_video_ar_first[] = {RUN_BLEND_ALPHA, RUN_BLEND_OPAQUE};
static const run_blend k_see_through[] = {RUN_BLEND_ADDITIVE};

static stoa_result pick(const run_blend *m, uint32_t n, bool fb, stoa_lesson_presentation want,
                        run_present force, run_ar_choice *c, stoa_error *err)
{
    memset(err, 0, sizeof *err);
    return run_ar_pick(m, n, fb, want, force, "l.yaml", "HMD", c, err);
}

STOA_TEST(vr_lessons_get_opaque)
{
    run_ar_choice c;
    stoa_error err;
    CHECK(pick(k_video, 2, false, STOA_LESSON_PRESENT_VR, RUN_PRESENT_LESSON, &c, &err) == STOA_OK);
    CHECK(c.blend == RUN_BLEND_OPAQUE && !c.ar && !c.fb_passthrough);
    CHECK(c.note[0] == 0);
    // A see-through headset has no opaque view: the scene as it is, with a note.
    CHECK(pick(k_see_through, 1, false, STOA_LESSON_PRESENT_VR, RUN_PRESENT_LESSON, &c, &err) ==
          STOA_OK);
    CHECK(c.blend == RUN_BLEND_ADDITIVE && !c.ar);
    CHECK_CONTAINS(c.note, "no opaque view");
    // --vr over an AR lesson: VR, with a note.
    CHECK(pick(k_video, 2, false, STOA_LESSON_PRESENT_AR, RUN_PRESENT_VR, &c, &err) == STOA_OK);
    CHECK(c.blend == RUN_BLEND_OPAQUE && !c.ar);
    CHECK_CONTAINS(c.note, "--vr");
}

STOA_TEST(ar_lessons_get_passthrough)
{
    run_ar_choice c;
    stoa_error err;
    CHECK(pick(k_video, 2, false, STOA_LESSON_PRESENT_AR, RUN_PRESENT_LESSON, &c, &err) == STOA_OK);
    CHECK(c.blend == RUN_BLEND_ALPHA && c.ar && !c.fb_passthrough);
    // Core ALPHA_BLEND before XR_FB_passthrough; FB's layer (under an OPAQUE
    // frame) where the headset has no ALPHA_BLEND.
    CHECK(pick(k_video, 2, true, STOA_LESSON_PRESENT_AR, RUN_PRESENT_LESSON, &c, &err) == STOA_OK);
    CHECK(c.blend == RUN_BLEND_ALPHA && c.ar && !c.fb_passthrough);
    CHECK(pick(k_opaque, 1, true, STOA_LESSON_PRESENT_AR, RUN_PRESENT_LESSON, &c, &err) == STOA_OK);
    CHECK(c.blend == RUN_BLEND_OPAQUE && c.fb_passthrough);
    CHECK(pick(k_see_through, 1, false, STOA_LESSON_PRESENT_AR, RUN_PRESENT_LESSON, &c, &err) ==
          STOA_OK);
    CHECK(c.blend == RUN_BLEND_ADDITIVE && c.ar);
    // --ar over a VR lesson or a bare scene: AR, with a note for the lesson.
    CHECK(pick(k_video, 2, false, STOA_LESSON_PRESENT_VR, RUN_PRESENT_AR, &c, &err) == STOA_OK);
    CHECK(c.blend == RUN_BLEND_ALPHA && c.ar);
    CHECK_CONTAINS(c.note, "--ar");
}

STOA_TEST(any_follows_the_headset)
{
    run_ar_choice c;
    stoa_error err;
    CHECK(pick(k_video, 2, false, STOA_LESSON_PRESENT_ANY, RUN_PRESENT_LESSON, &c, &err) == STOA_OK);
    CHECK(c.blend == RUN_BLEND_OPAQUE && !c.ar);
    CHECK(pick(k_video_ar_first, 2, false, STOA_LESSON_PRESENT_ANY, RUN_PRESENT_LESSON, &c, &err) ==
          STOA_OK);
    CHECK(c.blend == RUN_BLEND_ALPHA && c.ar);
    CHECK(pick(k_opaque, 1, false, STOA_LESSON_PRESENT_ANY, RUN_PRESENT_LESSON, &c, &err) == STOA_OK);
    CHECK(c.blend == RUN_BLEND_OPAQUE && !c.ar);
    CHECK(pick(k_video, 2, false, STOA_LESSON_PRESENT_ANY, RUN_PRESENT_AR, &c, &err) == STOA_OK);
    CHECK(c.blend == RUN_BLEND_ALPHA && c.ar);
}

STOA_TEST(ar_on_an_opaque_only_headset_is_refused)
{
    run_ar_choice c;
    stoa_error err;
    CHECK(pick(k_opaque, 1, false, STOA_LESSON_PRESENT_AR, RUN_PRESENT_LESSON, &c, &err) ==
          STOA_ERROR_UNSUPPORTED);
    CHECK_CONTAINS(err.message, "l.yaml asks for AR (presentation: ar)");
    CHECK_CONTAINS(err.message, "shows only VR");
    CHECK_CONTAINS(err.message, "--vr");
    CHECK(pick(k_opaque, 1, false, STOA_LESSON_PRESENT_VR, RUN_PRESENT_AR, &c, &err) ==
          STOA_ERROR_UNSUPPORTED);
    CHECK_CONTAINS(err.message, "--ar asks for AR");
    CHECK(pick(k_opaque, 0, false, STOA_LESSON_PRESENT_VR, RUN_PRESENT_LESSON, &c, &err) < 0);
}

static const char *k_head = "stoa_lesson: 1\nid: t\ntitle: T\nlanguages: [en]\nscene: s.glb\nstart: a\n";
static const char *k_tail = "states:\n  a:\n    on_enter:\n      - end: completed\n";

static stoa_result parse(const char *middle, stoa_lesson **L, stoa_lesson_diags *d)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s%s", k_head, middle, k_tail);
    stoa_error err = {0};
    return stoa_lesson_parse(text, strlen(text), NULL, L, d, &err);
}

static bool has_code(const stoa_lesson_diags *d, const char *code, uint32_t line)
{
    for (uint32_t i = 0; i < d->count; i++) {
        const stoa_lesson_diag *g = &d->items[i];
        if (!strcmp(g->code, code) && (!line || g->line == line))
            return true;
    }
    return false;
}

static void reset(stoa_lesson_diags *d)
{
    stoa_lesson_diags_fini(d);
    stoa_lesson_diags_init(d);
}

STOA_TEST(lesson_presentation_fields)
{
    stoa_lesson *L = NULL;
    stoa_lesson_diags dd, *d = &dd;
    stoa_lesson_diags_init(d);
    // Absent: VR, nothing hidden, no tabletop (every existing lesson).
    CHECK(parse("", &L, d) == STOA_OK);
    CHECK(L && L->presentation == STOA_LESSON_PRESENT_VR && L->environment_count == 0 &&
          L->tabletop_scale == 0);
    stoa_lesson_destroy(&L);
    CHECK(parse("presentation: any\nenvironment: [Floor, Sky]\n"
                "tabletop: {scale: 0.02, node: Temple}\n",
                &L, d) == STOA_OK);
    CHECK(L && L->presentation == STOA_LESSON_PRESENT_ANY);
    CHECK(L && L->environment_count == 2 && !strcmp(L->environment[1], "Sky"));
    CHECK(L && L->tabletop_scale == 0.02 && !strcmp(L->tabletop_node, "Temple"));
    CHECK_STR(stoa_lesson_presentation_str(L->presentation), "any");
    stoa_lesson_destroy(&L);
    reset(d);
    // Errors name the line and the field.
    CHECK(parse("presentation: mixed\n", &L, d) == STOA_ERROR_PARSE);
    CHECK(has_code(d, "presentation", 7));
    reset(d);
    CHECK(parse("tabletop: {scale: 5}\n", &L, d) == STOA_ERROR_PARSE);
    CHECK(has_code(d, "tabletop-scale", 7));
    reset(d);
    CHECK(parse("tabletop: {scale: 0.1, size: 2}\n", &L, d) == STOA_ERROR_PARSE);
    reset(d);
    CHECK(parse("environment: {a: 1}\n", &L, d) == STOA_ERROR_PARSE);
    reset(d);
    // A tabletop lesson without a presentation runs in VR: a warning says so.
    CHECK(parse("tabletop: {scale: 0.1}\n", &L, d) == STOA_OK);
    CHECK(has_code(d, "tabletop-vr", 7));
    stoa_lesson_destroy(&L);
    // Lint: environment and tabletop nodes must be in the scene.
    reset(d);
    CHECK(parse("presentation: ar\nenvironment: [Floor, Sky]\ntabletop: {scale: 0.5, node: Temple}\n",
                &L, d) == STOA_OK);
    const char *nodes[] = {"Floor", "Temple2"};
    stoa_lesson_check_desc cd = {.has_scene = true, .nodes = nodes, .node_count = 2};
    CHECK(L && stoa_lesson_check(L, &cd, d) > 0);
    CHECK(has_code(d, "unknown-node", 8));
    CHECK(has_code(d, "unknown-node", 9));
    stoa_lesson_destroy(&L);
    stoa_lesson_diags_fini(d);
}

STOA_TEST(passthrough_action)
{
    stoa_lesson *L = NULL;
    stoa_lesson_diags dd, *d = &dd;
    stoa_lesson_diags_init(d);
    const char *ok = "stoa_lesson: 1\nid: t\ntitle: T\nlanguages: [en]\nscene: s.glb\nstart: a\n"
                     "presentation: ar\nstates:\n  a:\n    on_enter:\n"
                     "      - passthrough: {to: 0, seconds: 2.5}\n      - end: completed\n";
    stoa_error err = {0};
    CHECK(stoa_lesson_parse(ok, strlen(ok), NULL, &L, d, &err) == STOA_OK);
    const stoa_lesson_step *st = L ? &L->states[0].steps[0] : NULL;
    CHECK(st && st->kind == STOA_LESSON_STEP_PASSTHROUGH && st->room_to == 0.0 &&
          st->room_seconds == 2.5);
    stoa_lesson_destroy(&L);
    const char *bad = "stoa_lesson: 1\nid: t\ntitle: T\nlanguages: [en]\nscene: s.glb\nstart: a\n"
                      "states:\n  a:\n    on_enter:\n"
                      "      - passthrough: {to: 2}\n      - end: completed\n";
    CHECK(stoa_lesson_parse(bad, strlen(bad), NULL, &L, d, &err) == STOA_ERROR_PARSE);
    CHECK(has_code(d, "passthrough", 10));
    stoa_lesson_diags_fini(d);
}

STOA_TEST(panel_plate_is_opaque_and_keeps_colour)
{
    // Premultiplied pixels: the theme's slate at 92%, light text on it, an
    // anti-aliased rim at 20%, and clear.
    uint8_t px[4][4] = {{17, 22, 30, 235}, {212, 216, 221, 255}, {4, 5, 6, 51}, {0, 0, 0, 0}};
    stoa_ui_panel_image img = {.width = 4, .height = 1, .rgba = &px[0][0]};
    run_ar_panel_plate(&img);
    CHECK(px[0][3] == 255 && px[0][0] == 17 && px[0][2] == 30); // over black: colour kept
    CHECK(px[1][3] == 255 && px[1][0] == 212);
    CHECK(px[2][3] == 102 && px[2][0] == 4); // the rim stays soft
    CHECK(px[3][3] == 0 && px[3][0] == 0);   // outside the panel: still clear
    for (int i = 0; i < 4; i++)
        CHECK(px[i][0] <= px[i][3] && px[i][1] <= px[i][3] && px[i][2] <= px[i][3]);
}

STOA_TEST_MAIN()
