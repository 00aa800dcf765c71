// SPDX-License-Identifier: Apache-2.0
// stoa_evalgen: writes the trace logs of a simulated class through Stoa's
// own trace writer (trace/stoa_trace.h), for the evaluation's tests and
// benchmark. Each learner has known weak concepts; the truth is written
// as JSON beside the logs.
//
//   stoa_evalgen OUT_DIR [--learners N] [--seed S] [--extra K] [--truth FILE]
//                [--start YYYY-MM-DD]
//
// The class takes the lessons of tests/eval/class-curriculum.yaml over six
// weeks: one lesson a week, then retakes of the lessons it failed. Per
// concept a lesson asks QUESTIONS_PER_CONCEPT five-choice questions; a
// learner answers right with P_STRONG on a strong concept and P_WEAK on a
// weak one (a guess), retries a wrong answer once, looks at the key node
// for a time that follows their engagement, and ends with a survey. Each
// concept also has a narration (attention follows engagement) and a
// two-step task whose steps are right first time as often as answers are.
// --extra K adds K short gaze statements per run (to size benchmarks).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/stoa_clock.h"
#include "trace/stoa_trace.h"

#define QUESTIONS_PER_CONCEPT 12
#define TASK_STEPS 2
#define P_STRONG 0.92
#define P_WEAK 0.2 // a guess among five choices
#define PASS 0.7
#define S 1000000000LL

static const char *const k_concepts[] = {"agora", "architecture", "paintings", "zeno", "stoicism", "etymology"};
enum { N_CONCEPTS = 6 };

typedef struct lesson {
    const char *id, *title;
    const char *concepts[2];
    int week; // -1 = offered, never scheduled (a lesson to recommend)
} lesson;

static const lesson k_lessons[] = {
    {"class.agora-walk", "A walk through the agora", {"agora", "architecture"}, 0},
    {"class.painted-stoa", "The Painted Stoa", {"architecture", "paintings"}, 1},
    {"class.zeno", "Zeno teaches", {"zeno", "stoicism"}, 2},
    {"class.inscription", "The inscription", {"stoicism", "etymology"}, 3},
    {"class.review", "Agora review", {"paintings", "etymology"}, -1},
};
enum { N_LESSONS = 5 };

static const char *const k_names[] = {
    "Li Wei", "Anna Schmidt", "Chen Jing", "Omar Haddad", "Sofia Rossi", "Wang Fang", "Lucas Martin",
    "Zhang Min", "Emma Johansson", "Ahmed Karim", "Liu Yang", "Maria Garcia", "Yuki Tanaka",
    "Noah Dubois", "Zhao Lei", "Olivia Brown", "Huang Mei", "Ivan Petrov", "Sun Hao", "Chloe Bernard",
    "Wu Xia", "Mateo Lopez", "Zhou Lin", "Hannah Weber", "Xu Tao", "Leila Nasser", "Ma Jun",
    "Elena Popescu", "Gao Yan", "Tom Walker"};

static uint64_t g_rng;
static double rnd(void)
{
    g_rng ^= g_rng << 13, g_rng ^= g_rng >> 7, g_rng ^= g_rng << 17;
    return (double)(g_rng >> 11) / 9007199254740992.0;
}

typedef struct learner {
    char account[32];
    const char *name;
    bool weak[N_CONCEPTS];
    double engagement; // 0..1
    bool passed[N_LESSONS];
} learner;

static int concept_index(const char *id)
{
    for (int i = 0; i < N_CONCEPTS; i++)
        if (strcmp(k_concepts[i], id) == 0)
            return i;
    return -1;
}

// Who is weak in what: varied, reproducible, some learners with none.
static void make_learner(learner *l, int i)
{
    memset(l, 0, sizeof *l);
    snprintf(l->account, sizeof l->account, "learner-%02d", i + 1);
    l->name = k_names[i % 30];
    if (i % 10 != 9) {
        l->weak[i % N_CONCEPTS] = true;
        if (i % 3 == 0)
            l->weak[(i / 3 + 2) % N_CONCEPTS] = true;
    }
    l->engagement = 0.3 + 0.7 * rnd();
}

static int run_lesson(const char *dir, learner *l, int li, int64_t start, int extra)
{
    const lesson *les = &k_lessons[li];
    stoa_fake_clock clk;
    stoa_fake_clock_init(&clk, 0);
    stoa_trace_text title[] = {{"en", les->title}};
    stoa_trace_log *log = NULL;
    stoa_error err = {0};
    if (stoa_trace_log_create(&(stoa_trace_log_desc){
                                  .traces_dir = dir, .lesson_id = les->id, .lesson_names = {title, 1},
                                  .language = "en", .learner_account = l->account,
                                  .learner_name = l->name, .clock = &clk.base, .start_unix_ns = start,
                                  .writer = {.memory_limit = (size_t)1 << 30}},
                              &log, &err) != STOA_OK) {
        fprintf(stderr, "stoa_evalgen: %s\n", err.message);
        return -1;
    }
    int64_t t = 0;
    stoa_trace_launched(log, t);
    stoa_trace_initialized(log, t += S);
    stoa_trace_state_entered(log, "intro", (stoa_trace_names){0}, les->concepts, 2, t += S);
    stoa_trace_text stele[] = {{"en", "The stele"}};
    int64_t dwell = (int64_t)(l->engagement * 40 * S);
    stoa_trace_gaze_dwell(log, "Stele", (stoa_trace_names){stele, 1}, true, dwell, t += dwell + S);
    for (int k = 0; k < extra; k++) // short looks around, to size benchmarks
        stoa_trace_gaze_dwell(log, "Column", (stoa_trace_names){0}, false, S / 2, t += S / 2);
    if (l->engagement < 0.45) // an idle stretch for the less engaged
        t += 45 * S;
    int right = 0, asked = 0;
    for (int c = 0; c < 2; c++) {
        const char *concept = les->concepts[c];
        bool weak = l->weak[concept_index(concept)];
        stoa_trace_state_entered(log, concept, (stoa_trace_names){0}, &les->concepts[c], 1, t += 2 * S);
        // The state's narration at a node: the engaged face it and stay.
        int64_t heard = 12 * S;
        bool stayed = rnd() < 0.4 + 0.6 * l->engagement;
        stoa_trace_narration(log, concept, (stoa_trace_names){0}, "Stele", l->engagement * (0.6 + 0.4 * rnd()),
                             stayed, stayed ? heard : heard / 3, t += stayed ? heard : heard / 3);
        // A two-step task on the concept (docs/lesson-format.md, "Tasks"),
        // right first time as often as a question is; a miss is a wrong
        // move or the later step first, then the step done right.
        for (int k = 1; k <= TASK_STEPS; k++) {
            char tid[64];
            snprintf(tid, sizeof tid, "%s-task", concept);
            stoa_trace_text tn[] = {{"en", "Put the stele in its place"}};
            static const char *const want[] = {"", "grab[.]Stele", "place[.]Stele@Zone_Wall"};
            bool ok = rnd() < (weak ? P_WEAK : P_STRONG);
            if (!ok) {
                bool order = k == 1 && rnd() < 0.5;
                stoa_trace_answered(log, &(stoa_trace_answer){.question_id = tid, .names = {tn, 1}, .task_step = (uint32_t)k,
                                                              .interaction_type = "performance",
                                                              .response = order ? want[2] : "place[.]Stele@Zone_Door",
                                                              .correct_response = want[k], .success = false,
                                                              .task_error = order ? "order" : "wrong"},
                                    t += 6 * S);
            }
            stoa_trace_answered(log, &(stoa_trace_answer){.question_id = tid, .names = {tn, 1}, .task_step = (uint32_t)k,
                                                          .interaction_type = "performance", .response = want[k],
                                                          .correct_response = want[k], .success = true},
                                t += 6 * S);
        }
        for (int q = 0; q < QUESTIONS_PER_CONCEPT; q++) {
            char qid[64], text[128];
            snprintf(qid, sizeof qid, "%s-q%d", concept, q + 1);
            snprintf(text, sizeof text, "Question %d on %s", q + 1, concept);
            stoa_trace_text qn[] = {{"en", text}};
            stoa_trace_question_shown(log, qid, (stoa_trace_names){qn, 1}, t += S);
            bool ok = rnd() < (weak ? P_WEAK : P_STRONG);
            // wrong answers favour choice b (a common misconception), then c, d, e
            double u = rnd();
            const char *resp = ok ? "a" : u < 0.5 ? "b" : u < 0.75 ? "c" : u < 0.9 ? "d" : "e";
            t += (int64_t)((weak ? 14 : 8) * S * (0.5 + rnd()));
            stoa_trace_answered(log, &(stoa_trace_answer){.question_id = qid, .names = {qn, 1},
                                                          .response = resp, .correct_response = "a",
                                                          .success = ok},
                                t);
            asked++;
            right += ok;
            if (!ok) { // one retry, out of the four choices left
                bool ok2 = rnd() < (weak ? 0.25 : 0.9);
                stoa_trace_answered(log, &(stoa_trace_answer){.question_id = qid, .names = {qn, 1},
                                                              .response = ok2 ? "a" : "c",
                                                              .correct_response = "a", .success = ok2},
                                    t += 5 * S);
            }
        }
    }
    stoa_trace_state_entered(log, "survey", (stoa_trace_names){0}, NULL, 0, t += S);
    char likert[16];
    int interest = 1 + (int)(l->engagement * 4.99);
    snprintf(likert, sizeof likert, "%d", interest);
    stoa_trace_text iq[] = {{"en", "How interesting was this lesson?"}};
    stoa_trace_answered(log, &(stoa_trace_answer){.question_id = "survey-interest", .names = {iq, 1},
                                                  .interaction_type = "likert", .response = likert,
                                                  .survey = true},
                        t += 4 * S);
    stoa_trace_text pq[] = {{"en", "The pace was"}};
    stoa_trace_answered(log, &(stoa_trace_answer){.question_id = "survey-pace", .names = {pq, 1},
                                                  .response = right * 2 < asked ? "too-fast" : "right",
                                                  .survey = true},
                        t += 3 * S);
    double score = (double)right / asked;
    stoa_trace_completed(log, t += S);
    stoa_trace_scored(log, right, 0, asked, score >= PASS, t);
    stoa_trace_terminated(log, t += S);
    stoa_trace_log_destroy(&log);
    return score >= PASS;
}

static bool parse_day(const char *s, int64_t *out)
{
    struct tm tm = {0};
    if (sscanf(s, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = (int64_t)timegm(&tm) * S;
    return true;
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *truth = NULL;
    int learners = 30, extra = 0;
    g_rng = 7;
    int64_t monday = 0;
    parse_day("2026-10-05", &monday); // a Monday
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--learners") == 0 && i + 1 < argc)
            learners = atoi(argv[++i]);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            g_rng = strtoull(argv[++i], NULL, 10) * 2654435761u + 1;
        else if (strcmp(argv[i], "--extra") == 0 && i + 1 < argc)
            extra = atoi(argv[++i]);
        else if (strcmp(argv[i], "--truth") == 0 && i + 1 < argc)
            truth = argv[++i];
        else if (strcmp(argv[i], "--start") == 0 && i + 1 < argc) {
            if (!parse_day(argv[++i], &monday)) {
                fprintf(stderr, "stoa_evalgen: --start wants YYYY-MM-DD\n");
                return 2;
            }
        } else if (argv[i][0] != '-' && !dir)
            dir = argv[i];
        else {
            fprintf(stderr, "usage: stoa_evalgen OUT_DIR [--learners N] [--seed S] [--extra K] "
                            "[--truth FILE] [--start YYYY-MM-DD]\n");
            return 2;
        }
    }
    if (!dir || learners < 1 || learners > 100000 || extra < 0) {
        fprintf(stderr, "usage: stoa_evalgen OUT_DIR [--learners N] [--seed S] [--extra K] [--truth FILE]\n");
        return 2;
    }
    learner *ls = calloc((size_t)learners, sizeof *ls);
    if (!ls)
        return 1;
    for (int i = 0; i < learners; i++)
        make_learner(&ls[i], i);
    int runs = 0;
    // weeks 0-3: the lesson of the week; weeks 4 and 5: retakes of what failed
    for (int week = 0; week < 6; week++)
        for (int i = 0; i < learners; i++)
            for (int li = 0; li < N_LESSONS; li++) {
                bool due = week < 4 ? k_lessons[li].week == week
                                    : k_lessons[li].week >= 0 && !ls[i].passed[li];
                if (!due)
                    continue;
                int64_t start = monday + week * 7 * 86400 * S + (i % 5) * 86400 * S + 9 * 3600 * S +
                                (int64_t)i * 60 * S;
                int r = run_lesson(dir, &ls[i], li, start, extra);
                if (r < 0)
                    return 1;
                ls[i].passed[li] |= r == 1;
                runs++;
            }
    if (truth) {
        FILE *f = fopen(truth, "w");
        if (!f) {
            perror(truth);
            return 1;
        }
        fprintf(f, "{\"runs\": %d, \"learners\": [\n", runs);
        for (int i = 0; i < learners; i++) {
            fprintf(f, "  {\"account\": \"%s\", \"name\": \"%s\", \"weak\": [", ls[i].account, ls[i].name);
            int k = 0;
            for (int c = 0; c < N_CONCEPTS; c++)
                if (ls[i].weak[c])
                    fprintf(f, "%s\"%s\"", k++ ? ", " : "", k_concepts[c]);
            fprintf(f, "], \"passed\": [");
            k = 0;
            for (int li = 0; li < N_LESSONS; li++)
                if (ls[i].passed[li])
                    fprintf(f, "%s\"%s\"", k++ ? ", " : "", k_lessons[li].id);
            fprintf(f, "]}%s\n", i + 1 < learners ? "," : "");
        }
        fprintf(f, "]}\n");
        fclose(f);
    }
    printf("stoa_evalgen: %d learners, %d runs in %s\n", learners, runs, dir);
    free(ls);
    return 0;
}
