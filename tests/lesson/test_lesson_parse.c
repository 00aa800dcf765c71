// SPDX-License-Identifier: Apache-2.0
// The lesson parser: fields, defaults, texts, expressions, paths, limits.
#include <stdlib.h>

#include "lesson_rig.h"

static stoa_lesson *parse_diag(const char *yaml, stoa_lesson_diags *d, stoa_error *err)
{
    stoa_lesson *l = NULL;
    stoa_lesson_diags_init(d);
    stoa_lesson_parse(yaml, strlen(yaml), &(stoa_lesson_parse_desc){.file_name = "x.yaml"}, &l, d,
                      err);
    return l;
}

STOA_TEST(parses_fields_and_defaults)
{
    stoa_lesson *l = parse_ok(
        "stoa_lesson: 1\n"
        "id: demo\n"
        "title: {en: Hello, zh-CN: 你好}\n"
        "languages: [en, zh-CN]\n"
        "scene: ../agora.glb\n"
        "start: b\n"
        "variables: {flag: true, count: 2.5}\n"
        "states:\n"
        "  a:\n"
        "    on_enter: [end: completed]\n"
        "  b:\n"
        "    title: {en: Bee, zh-CN: 蜜蜂}\n"
        "    concepts: [c1, c2]\n"
        "    key_nodes: Statue\n"
        "    expected_seconds: 12\n"
        "    skip_to: a\n"
        "    on_enter:\n"
        "      - narrate: {audio: {en: e.wav, zh-CN: z.wav}, text: {en: hi, zh-CN: 嗨}}\n"
        "      - highlight: Door\n"
        "    triggers:\n"
        "      - gaze: Statue\n"
        "        goto: a\n"
        "      - condition: count > 2 and not seen\n"
        "        goto: a\n");
    if (!l)
        return;
    CHECK_STR(l->id, "demo");
    CHECK(l->language_count == 2);
    CHECK_STR(l->languages[1], "zh-CN");
    CHECK_STR(stoa_lesson_text_get(&l->title, "zh-CN"), "你好");
    CHECK_STR(stoa_lesson_text_get(&l->title, "zh-TW"), "你好"); // same primary language
    CHECK_STR(stoa_lesson_text_get(&l->title, "fr"), "Hello");   // first entry
    CHECK(l->state_count == 2 && l->start_index == 1);
    const stoa_lesson_state *b = &l->states[1];
    CHECK(b->weight == 1 && b->expected_seconds == 12 && b->skip_index == 0);
    CHECK(b->concept_count == 2 && b->key_node_count == 1);
    CHECK_STR(b->key_nodes[0], "Statue");
    CHECK(b->steps[0].kind == STOA_LESSON_STEP_NARRATE && b->steps[0].node == NULL);
    CHECK_STR(b->steps[0].id, "b#1");
    CHECK(b->steps[1].arrow); // highlight shows an arrow unless told not to
    CHECK(b->triggers[0].kind == STOA_LESSON_TRIG_GAZE && b->triggers[0].seconds == 2);
    CHECK(b->triggers[0].loc.line == 21 && b->triggers[0].loc.column == 9);
    CHECK(l->states[0].ends && !b->ends);
    // Variables: declared first with their values, then those only read.
    CHECK(l->declared_var_count == 2 && l->var_count == 3);
    CHECK_STR(l->var_names[2], "seen");
    CHECK(l->var_initial[0] == 1 && l->var_initial[1] == 2.5);
    stoa_lesson_destroy(&l);
}

static double eval(const char *expr, double flag, double score)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             LESSON_HDR "variables: {flag: %g}\nstates:\n  a:\n    on_enter: [score: %g]\n"
                        "    triggers: [{condition: '%s', goto: b}]\n"
                        "  b: {on_enter: [end: completed]}\n",
             flag, score, expr);
    rig r;
    if (!rig_init(&r, yaml, 0))
        return -1;
    double moved = strcmp(rig_state(&r), "b") == 0;
    rig_fini(&r);
    return moved;
}

STOA_TEST(expressions_follow_precedence)
{
    CHECK(eval("1 + 2 * 3 == 7", 0, 0) == 1);
    CHECK(eval("(1 + 2) * 3 == 7", 0, 0) == 0);
    CHECK(eval("score >= 3 && flag", 1, 3) == 1);
    CHECK(eval("score >= 3 && flag", 0, 3) == 0);
    CHECK(eval("score >= 3 && flag", 1, 2) == 0);
    CHECK(eval("!flag || score > 10", 0, 0) == 1);
    CHECK(eval("not flag or score > 10", 1, 0) == 0);
    CHECK(eval("-score < -1", 0, 2) == 1);
    CHECK(eval("7 % 4 == 3 and 1 / 0 == 0", 0, 0) == 1);
    CHECK(eval("score != 2", 0, 2) == 0);
    CHECK(eval("true && !false", 0, 0) == 1);
}

STOA_TEST(expression_errors_point_at_the_column)
{
    struct {
        const char *expr, *msg;
        uint32_t col;
    } bad[] = {
        // The value starts at column 20 of "      - condition: ...".
        {"score >= ", "expression ends too early", 28},
        {"score = 3", "'=' is not a comparison", 26},
        {"score & 1", "single '&'", 26},
        {"(score > 1", "unbalanced '('", 20},
        {"score 3", "unexpected text", 26},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml,
                 LESSON_HDR "states:\n  a:\n    triggers:\n      - condition: %s\n"
                            "        goto: a\n",
                 bad[i].expr);
        stoa_lesson_diags d;
        stoa_error err = {0};
        stoa_lesson *l = parse_diag(yaml, &d, &err);
        CHECK(l == NULL);
        CHECK_MSG(d.count == 1 && d.items[0].line == 9 && d.items[0].column == bad[i].col,
                  "%s: %u:%u", bad[i].expr, d.count ? d.items[0].line : 0,
                  d.count ? d.items[0].column : 0);
        CHECK_CONTAINS(err.message, bad[i].msg);
        CHECK_CONTAINS(err.message, "x.yaml:9:");
        stoa_lesson_diags_fini(&d);
    }
}

STOA_TEST(syntax_errors_and_odd_documents)
{
    const char *docs[] = {"", "just a string\n", "- a\n- b\n", "id: [unclosed\n", "id: \xc3\x28\n"};
    const char *want[] = {"holds no lesson", "the lesson must be a map", "the lesson must be a map",
                          "YAML syntax error", "YAML syntax error"};
    for (size_t i = 0; i < 5; i++) {
        stoa_lesson_diags d;
        stoa_error err = {0};
        stoa_lesson *l = parse_diag(docs[i], &d, &err);
        CHECK(l == NULL);
        CHECK_MSG(d.count >= 1 && strstr(d.items[0].message, want[i]), "doc %zu: %s", i,
                  d.count ? d.items[0].message : "(none)");
        stoa_lesson_diags_fini(&d);
    }
}

STOA_TEST(alias_bomb_is_refused_quickly)
{
    // Each level doubles; without a budget this would expand to 2^20 states' worth.
    char yaml[8192];
    size_t n = (size_t)snprintf(yaml, sizeof yaml,
                                LESSON_HDR "x0: &a0 [{narrate: {audio: a.wav, text: t}}]\n");
    for (int i = 1; i < 20; i++)
        n += (size_t)snprintf(yaml + n, sizeof yaml - n, "x%d: &a%d [*a%d, *a%d]\n", i, i, i - 1,
                              i - 1);
    n += (size_t)snprintf(yaml + n, sizeof yaml - n, "states:\n");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(yaml + n, sizeof yaml - n, "  s%d: {on_enter: *a19}\n", i);
    stoa_lesson_diags d;
    stoa_error err = {0};
    stoa_lesson *l = parse_diag(yaml, &d, &err);
    CHECK(l == NULL);
    CHECK(d.errors > 0);
    stoa_lesson_diags_fini(&d);
}

STOA_TEST(resolve_path_confines_to_content_root)
{
    char out[512];
    stoa_error err = {0};
    CHECK(stoa_lesson_resolve_path("scenes/agora/lessons/x.yaml", "../agora.glb", out, sizeof out,
                                   &err) == STOA_OK);
    CHECK_STR(out, "scenes/agora/agora.glb");
    CHECK(stoa_lesson_resolve_path("scenes/agora/lessons/x.yaml", "narration/a.wav", out,
                                   sizeof out, &err) == STOA_OK);
    CHECK_STR(out, "scenes/agora/lessons/narration/a.wav");
    CHECK(stoa_lesson_resolve_path("scenes/agora/lessons/x.yaml", "../../x.glb", out, sizeof out,
                                   &err) == STOA_ERROR_UNSAFE_PATH);
    CHECK(stoa_lesson_resolve_path("scenes/agora/lessons/x.yaml", "/etc/passwd", out, sizeof out,
                                   &err) == STOA_ERROR_UNSAFE_PATH);
    CHECK(stoa_lesson_resolve_path("scenes/agora/lessons/x.yaml", "file:x.wav", out, sizeof out,
                                   &err) == STOA_ERROR_UNSAFE_PATH);
    // Outside a "lessons" folder the lesson's own folder is the root.
    CHECK(stoa_lesson_resolve_path("course/x.yaml", "../agora.glb", out, sizeof out, &err) ==
          STOA_ERROR_UNSAFE_PATH);
    CHECK(stoa_lesson_resolve_path("course/x.yaml", "a.glb", out, sizeof out, &err) == STOA_OK);
    CHECK_STR(out, "course/a.glb");
}

STOA_TEST(suggestions_by_edit_distance)
{
    const char *keys[] = {"triggers", "title", "on_enter", "weight"};
    CHECK_STR(stoa_lesson_suggest("triger", keys, 4), "triggers");
    CHECK_STR(stoa_lesson_suggest("wieght", keys, 4), "weight");
    CHECK(stoa_lesson_suggest("banana", keys, 4) == NULL);
    CHECK(stoa_lesson_suggest("x", keys, 4) == NULL);
}

STOA_TEST(load_file_reads_the_sample_lesson)
{
    const char *src = getenv("STOA_SOURCE_DIR");
    if (!src)
        src = ".";
    char path[1024];
    snprintf(path, sizeof path, "%s/scenes/agora/lessons/stoa-poikile.yaml", src);
    stoa_lesson *l = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_lesson_load_file(path, &l, NULL, &err) == STOA_OK, "%s", err.message);
    if (!l)
        return;
    CHECK(l->state_count >= 6);
    CHECK_STR(l->file_name, path);
    CHECK(stoa_lesson_find_state(l, "quiz") >= 0);
    stoa_lesson_destroy(&l);
    CHECK(stoa_lesson_load_file("/nonexistent/lesson.yaml", &l, NULL, &err) == STOA_ERROR_IO ||
          err.code < 0);
}

STOA_TEST_MAIN()
