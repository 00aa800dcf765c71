// SPDX-License-Identifier: Apache-2.0
// The curriculum format: the shipped curriculum parses; cycles, unknown
// concepts and misspelt keys are errors naming file:line.
#include <stdio.h>
#include <stdlib.h>

#include "eval/stoa_eval.h"
#include "stoa_test.h"

static stoa_result parse(const char *text, stoa_eval_curriculum **c, stoa_error *err)
{
    return stoa_eval_curriculum_parse(text, strlen(text), "c.yaml", c, err);
}

STOA_TEST(shipped_curriculum_parses)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenes/agora/curriculum.yaml", getenv("STOA_SOURCE_DIR"));
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    stoa_eval_curriculum *c = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_eval_curriculum_parse(buf, n, path, &c, &err) == STOA_OK, "%s", err.message);
    CHECK(stoa_eval_curriculum_concept_count(c) == 10);
    CHECK(stoa_eval_curriculum_has_concept(c, "etymology"));
    CHECK(stoa_eval_curriculum_lesson_count(c) == 2);
    CHECK_STR(stoa_eval_curriculum_lesson_file(c, 0), "lessons/stoa-poikile.yaml");
    stoa_eval_curriculum_destroy(&c);
    CHECK(c == NULL);
}

STOA_TEST(a_cycle_is_an_error_with_its_line)
{
    const char *text = "concepts:\n"
                       "  a: {requires: [c]}\n"
                       "  b: {requires: [a]}\n"
                       "  c: {requires: [b]}\n";
    stoa_eval_curriculum *c = NULL;
    stoa_error err = {0};
    CHECK(parse(text, &c, &err) == STOA_ERROR_PARSE);
    CHECK(c == NULL);
    CHECK_MSG(strstr(err.message, "c.yaml:2:") && strstr(err.message, "cycle") &&
                  strstr(err.message, "a -> c -> b -> a"),
              "%s", err.message);
    CHECK(parse("concepts:\n  a: {requires: [a]}\n", &c, &err) == STOA_ERROR_PARSE);
    CHECK_MSG(strstr(err.message, "c.yaml:2:") && strstr(err.message, "requires itself"), "%s", err.message);
}

STOA_TEST(unknown_names_are_errors)
{
    stoa_eval_curriculum *c = NULL;
    stoa_error err = {0};
    CHECK(parse("concepts:\n  a: A\nlessons:\n  l1: {teaches: [a, zz]}\n", &c, &err) == STOA_ERROR_PARSE);
    CHECK_MSG(strstr(err.message, "c.yaml:4:") && strstr(err.message, "'zz' is not a concept"), "%s",
              err.message);
    CHECK(parse("concepts:\n  a: {nmae: A}\n", &c, &err) == STOA_ERROR_PARSE);
    CHECK_MSG(strstr(err.message, "c.yaml:2:") && strstr(err.message, "unknown key 'nmae'"), "%s", err.message);
    CHECK(parse("concepts:\n  a: A\nlessons:\n  l1: {teaches: [a], expected_minutes: -3}\n", &c, &err) ==
          STOA_ERROR_PARSE);
    CHECK(parse("concepts: [\n", &c, &err) == STOA_ERROR_PARSE);
    CHECK(parse("", &c, &err) == STOA_ERROR_PARSE);
    CHECK(parse("lessons: {}\n", &c, &err) == STOA_ERROR_PARSE);
}

STOA_TEST(prerequisites_may_be_defined_later)
{
    stoa_eval_curriculum *c = NULL;
    stoa_error err = {0};
    CHECK_MSG(parse("concepts:\n  b: {requires: [a], name: {en: B, zh-CN: 乙}}\n  a: A\n"
                    "lessons:\n  x: {teaches: [a], assesses: [b], iri: 'https://school/x'}\n",
                    &c, &err) == STOA_OK,
              "%s", err.message);
    stoa_eval_curriculum_destroy(&c);
}

STOA_TEST_MAIN()
