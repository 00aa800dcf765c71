// SPDX-License-Identifier: Apache-2.0
// The end-of-lesson survey in the lesson format: parsed with its texts;
// each misuse is an error naming its line.
#include "lesson/stoa_lesson.h"
#include "lesson/stoa_lesson_check.h"
#include "stoa_test.h"

static const char *k_head = "stoa_lesson: 1\nid: s\ntitle: S\nlanguages: [en]\nscene: ../x.glb\n"
                            "start: a\nstates:\n  a:\n    on_enter: [{end: completed}]\n";

static stoa_result parse(const char *survey, stoa_lesson **l, stoa_lesson_diags *d)
{
    static char text[4096];
    snprintf(text, sizeof text, "%s%s", k_head, survey);
    stoa_error err = {0};
    stoa_lesson_diags_init(d);
    return stoa_lesson_parse(text, strlen(text), &(stoa_lesson_parse_desc){.file_name = "s.yaml"}, l, d, &err);
}

static bool has_error(const stoa_lesson_diags *d, const char *code, uint32_t line)
{
    for (uint32_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].code, code) == 0 && d->items[i].line == line)
            return true;
    return false;
}

STOA_TEST(survey_parses)
{
    stoa_lesson *l = NULL;
    stoa_lesson_diags d;
    CHECK(parse("survey:\n"
                "  - {id: interest, question: {en: Interesting?}, scale: 5, low: dull, high: great}\n"
                "  - {id: pace, question: The pace was, choices: [slow, right, fast]}\n",
                &l, &d) == STOA_OK);
    CHECK(l && l->survey_count == 2);
    if (l && l->survey_count == 2) {
        CHECK_STR(l->survey[0].id, "interest");
        CHECK(l->survey[0].choice_count == 0);
        CHECK_STR(stoa_lesson_text_get(&l->survey[0].high, "en"), "great");
        CHECK(l->survey[1].choice_count == 3);
        CHECK_STR(stoa_lesson_text_get(&l->survey[1].choices[2], "en"), "fast");
    }
    stoa_lesson_destroy(&l);
    stoa_lesson_diags_fini(&d);
}

STOA_TEST(survey_misuse_is_an_error)
{
    struct {
        const char *yaml, *code;
        uint32_t line;
    } cases[] = {
        {"survey:\n  - {id: a, question: Q}\n", "survey-kind", 11},
        {"survey:\n  - {id: a, question: Q, scale: 5, choices: [x, y]}\n", "survey-kind", 11},
        {"survey:\n  - {id: a, question: Q, scale: 7}\n", "survey-scale", 11},
        {"survey:\n  - {id: a, question: Q, choices: [x]}\n", "survey-choices", 11},
        {"survey:\n  - {id: a, question: Q, choices: [x, y]}\n  - {id: b, question: Q, choices: [x, y]}\n",
         "survey-choices", 12},
        {"survey:\n  - {id: a, question: Q, scale: 5}\n  - {id: a, question: Q, scale: 5}\n", "duplicate-id", 12},
        {"survey: {id: a}\n", "survey", 10},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        stoa_lesson *l = NULL;
        stoa_lesson_diags d;
        CHECK_MSG(parse(cases[i].yaml, &l, &d) != STOA_OK, "case %zu parsed", i);
        CHECK_MSG(has_error(&d, cases[i].code, cases[i].line), "case %zu: no %s at line %u", i, cases[i].code,
                  cases[i].line);
        stoa_lesson_destroy(&l);
        stoa_lesson_diags_fini(&d);
    }
}

STOA_TEST_MAIN()
