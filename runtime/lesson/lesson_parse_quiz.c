// SPDX-License-Identifier: Apache-2.0
// A quiz's `score` and `feedback`: what an answer adds to the score and
// says back, so a lesson needs no extra state per outcome
// (docs/lesson-format.md, "Quizzes").
//
//   score: 2                    # added for a right answer
//   score: [2, 0, -1]           # per choice, summed over the chosen ones
//   feedback: {right: T, wrong: T}
//   feedback: [T0, T1, T2]      # per choice (the first chosen one's)
#include <string.h>

#include "lesson_parse.h"

#define POINTS_MAX 1000.0

static bool points_ok(lp *p, yaml_node_t *n, double d)
{
    if (d >= -POINTS_MAX && d <= POINTS_MAX)
        return true;
    lp_error(p, lp_loc(n), "range", "'score' of a quiz must lie in -1000..1000, not %g", d);
    return false;
}

static void parse_score(lp *p, yaml_node_t *v, stoa_lesson_quiz *q)
{
    if (v->type != YAML_SEQUENCE_NODE) {
        double d;
        if (lp_number(p, v, "score", &d) && points_ok(p, v, d)) {
            q->right_points = d;
            q->has_points = true;
        }
        return;
    }
    uint32_t len = lp_len(v);
    if (len != q->choice_count) {
        lp_error(p, lp_loc(v), "quiz-outcomes",
                 "quiz '%s': 'score' lists %u values for %u choices (one per choice)", q->id, len,
                 q->choice_count);
        return;
    }
    double *pts = lesson_arena_alloc(p->arena, len * sizeof *pts);
    if (!pts)
        return;
    bool ok = true;
    for (uint32_t i = 0; i < len; i++) {
        yaml_node_t *item = lp_item(p, v, i);
        ok = lp_number(p, item, "score", &pts[i]) && points_ok(p, item, pts[i]) && ok;
    }
    if (ok) {
        q->choice_points = pts;
        q->has_points = true;
    }
}

static void parse_feedback(lp *p, yaml_node_t *v, stoa_lesson_quiz *q)
{
    if (v->type == YAML_MAPPING_NODE) {
        static const char *const keys[] = {"right", "wrong"};
        if (!lp_keys(p, v, "feedback", keys, 2))
            return;
        yaml_node_t *t;
        if ((t = lp_get(p, v, "right")))
            lp_text(p, t, "feedback", &q->feedback_right);
        if ((t = lp_get(p, v, "wrong")))
            lp_text(p, t, "feedback", &q->feedback_wrong);
        if (!lp_get(p, v, "right") && !lp_get(p, v, "wrong"))
            lp_error(p, lp_loc(v), "missing-field",
                     "quiz '%s': 'feedback' as a map needs 'right' or 'wrong'", q->id);
        return;
    }
    if (v->type != YAML_SEQUENCE_NODE) {
        lp_error(p, lp_loc(v), "type",
                 "'feedback' of a quiz must be a list (one text per choice) or a map with "
                 "'right' and 'wrong', not %s",
                 lp_kind(v));
        return;
    }
    uint32_t len = lp_len(v);
    if (len != q->choice_count) {
        lp_error(p, lp_loc(v), "quiz-outcomes",
                 "quiz '%s': 'feedback' lists %u texts for %u choices (one per choice)", q->id,
                 len, q->choice_count);
        return;
    }
    stoa_lesson_text *t = lesson_arena_alloc(p->arena, len * sizeof *t);
    if (!t)
        return;
    memset(t, 0, len * sizeof *t);
    for (uint32_t i = 0; i < len; i++)
        lp_text(p, lp_item(p, v, i), "feedback", &t[i]);
    q->choice_feedback = t;
}

void lp_parse_quiz_outcomes(lp *p, yaml_node_t *n, stoa_lesson_quiz *q)
{
    yaml_node_t *v;
    if ((v = lp_get(p, n, "score")) && q->choice_count)
        parse_score(p, v, q);
    if ((v = lp_get(p, n, "feedback")) && q->choice_count)
        parse_feedback(p, v, q);
}

double stoa_lesson_quiz_points(const stoa_lesson_quiz *q, uint32_t choices)
{
    if (!q || !q->has_points)
        return 0;
    if (!q->choice_points)
        return choices == q->correct ? q->right_points : 0;
    double sum = 0;
    for (uint32_t i = 0; i < q->choice_count && i < 32; i++)
        if (choices & (1u << i))
            sum += q->choice_points[i];
    return sum;
}

const stoa_lesson_text *stoa_lesson_quiz_feedback(const stoa_lesson_quiz *q, uint32_t choices)
{
    if (!q)
        return NULL;
    const stoa_lesson_text *t = choices == q->correct ? &q->feedback_right : &q->feedback_wrong;
    if (t->count)
        return t;
    if (!q->choice_feedback)
        return NULL;
    for (uint32_t i = 0; i < q->choice_count && i < 32; i++)
        if ((choices & (1u << i)) && q->choice_feedback[i].count)
            return &q->choice_feedback[i];
    return NULL;
}
