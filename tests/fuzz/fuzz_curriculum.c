// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness for curricula: parse -> evaluate a run on every concept
// -> analyse, under ASan and UBSan. Built with -DSTOA_FUZZ=ON (clang); the
// seed corpus is scenes/*/curriculum.yaml and tests/eval/*.yaml.
//
//   build/tests/eval/fuzz_curriculum -max_total_time=300 corpus/ scenes/agora/ tests/eval/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval/stoa_eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    stoa_eval_curriculum *c = NULL;
    stoa_error err = {0};
    if (stoa_eval_curriculum_parse((const char *)data, size, "fuzz.yaml", &c, &err) != STOA_OK)
        return 0;
    stoa_eval *ev = NULL;
    if (stoa_eval_create(&(stoa_eval_desc){.curriculum = c, .language = "zh-CN"}, &ev, &err) == STOA_OK) {
        size_t n = stoa_eval_curriculum_concept_count(c);
        stoa_eval_answer answers[16];
        const char *ids[16];
        for (size_t i = 0; i < n && i < 16; i++) {
            ids[i] = stoa_eval_curriculum_concept_id(c, i);
            answers[i] = (stoa_eval_answer){.question = ids[i], .concepts = &ids[i], .concept_count = 1,
                                            .response = "a", .success = i % 2, .t_ns = (int64_t)i * 1000000000};
        }
        for (int r = 0; r < 3; r++) {
            const char *lesson = stoa_eval_curriculum_lesson_count(c) ? stoa_eval_curriculum_lesson_id(c, 0) : "l";
            stoa_eval_add_run(ev, &(stoa_eval_run){.learner = r ? "b" : "a", .lesson = lesson,
                                                   .start_ns = 0, .end_ns = 600000000000LL,
                                                   .duration_s = 600, .completed = true,
                                                   .answers = answers, .answer_count = n < 16 ? n : 16},
                              &err);
        }
        cJSON_Delete(stoa_eval_analyse(ev, 0));
    }
    stoa_eval_destroy(&ev);
    stoa_eval_curriculum_destroy(&c);
    return 0;
}
