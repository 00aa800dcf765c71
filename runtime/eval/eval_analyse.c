// SPDX-License-Identifier: Apache-2.0
// The analysis: fit BKT per concept, mastery per learner, weekly trends,
// the knowledge map flags (weak, ready), the dimensions, item analysis,
// lesson effectiveness and recommendations -> one cJSON tree.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_stats.h"
#include "eval_internal.h"

#define WEEK_NS (7LL * 86400 * 1000000000LL)
#define MAX_WEEKS 156
#define WEAK_BELOW 0.5

double ev_r4(double v)
{
    return round(v * 1e4) / 1e4;
}

static int by_time(const void *a, const void *b)
{
    const ev_obs *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t;
}

static void fit_concepts(stoa_eval *e, cJSON *out)
{
    for (size_t c = 0; c < e->n_concepts; c++) {
        size_t total = 0, seqs = 0;
        for (size_t i = 0; i < e->n_learners; i++)
            if (c < e->learners[i].n_cells && e->learners[i].cells[c].n)
                total += e->learners[i].cells[c].n, seqs++;
        uint8_t *obs = malloc(total + 1);
        size_t *len = calloc(seqs + 1, sizeof *len);
        stoa_bkt_fit_result fr = {.params = e->concepts[c].params};
        if (obs && len) {
            size_t at = 0, s = 0;
            for (size_t i = 0; i < e->n_learners; i++) {
                const ev_cell *cell = c < e->learners[i].n_cells ? &e->learners[i].cells[c] : NULL;
                if (!cell || !cell->n)
                    continue;
                for (uint32_t k = 0; k < cell->n; k++)
                    obs[at++] = cell->obs[k].ok;
                len[s++] = cell->n;
            }
            stoa_bkt_fit_desc d = {.obs = obs, .lengths = len, .sequences = seqs,
                                   .start = e->concepts[c].params};
            if (e->desc.no_fit)
                d.sequences = 0;
            fr = stoa_bkt_fit(&d);
            if (e->desc.no_fit)
                fr.params = e->concepts[c].params;
        }
        free(obs);
        free(len);
        e->concepts[c].params = fr.params;
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "id", e->concepts[c].id);
        cJSON_AddStringToObject(j, "name", ev_concept_name(e, c));
        cJSON_AddBoolToObject(j, "in_curriculum", e->concepts[c].cur >= 0);
        cJSON *req = cJSON_AddArrayToObject(j, "requires");
        if (e->concepts[c].cur >= 0) {
            const ev_concept *cc = &e->cur->concepts[e->concepts[c].cur];
            for (size_t k = 0; k < cc->n_requires; k++)
                cJSON_AddItemToArray(req, cJSON_CreateString(e->cur->concepts[cc->requires[k]].id));
        }
        cJSON *b = cJSON_AddObjectToObject(j, "bkt");
        cJSON_AddNumberToObject(b, "prior", ev_r4(fr.params.prior));
        cJSON_AddNumberToObject(b, "learn", ev_r4(fr.params.learn));
        cJSON_AddNumberToObject(b, "guess", ev_r4(fr.params.guess));
        cJSON_AddNumberToObject(b, "slip", ev_r4(fr.params.slip));
        cJSON_AddBoolToObject(b, "fitted", fr.fitted);
        cJSON_AddNumberToObject(b, "observations", (double)total);
        cJSON_AddNumberToObject(b, "learners", (double)seqs);
        cJSON_AddNumberToObject(b, "iterations", fr.iterations);
        if (total)
            cJSON_AddNumberToObject(b, "log_likelihood", ev_r4(fr.log_likelihood));
        cJSON_AddItemToArray(out, j);
    }
}

// Mastery of concept c for learner l from the evidence before time t.
static double mastery_at(const stoa_eval *e, const ev_learner *l, size_t c, int64_t t, int *count)
{
    const stoa_bkt_params *p = &e->concepts[c].params;
    double m = p->prior;
    int n = 0;
    if (c < l->n_cells)
        for (uint32_t k = 0; k < l->cells[c].n && l->cells[c].obs[k].t <= t; k++, n++)
            m = stoa_bkt_update(p, m, l->cells[c].obs[k].ok);
    if (count)
        *count = n;
    return m;
}

void ev_add_opt(cJSON *o, const char *k, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, k, ev_r4(v));
    else
        cJSON_AddNullToObject(o, k);
}

static const char *const g_dims[] = {"knowledge", "engagement", "skill", "efficiency", "self_report"};
#define N_DIMS 5

// The dimensions (docs/curriculum-format.md, "Evaluation dimensions").
static void dimensions(const stoa_eval *e, const ev_learner *l, const ev_lstate *s, double out[N_DIMS])
{
    double know = 0, eng = 0, skill_n = 0, skill_r = 0, eff = 0;
    int nk = 0, ne = 0, nf = 0;
    for (size_t c = 0; c < e->n_concepts; c++)
        if (s->assessed[c])
            know += s->m[c], nk++;
    for (size_t r = 0; r < l->n_runs; r++) {
        const ev_run_rec *run = &l->runs[r];
        if (run->duration_s > 0) {
            double active = 1 - run->idle_s / run->duration_s;
            double look = run->key_dwell_s / (0.25 * run->duration_s);
            active = active < 0 ? 0 : active;
            look = look > 1 ? 1 : look;
            if (run->narrations > 0) // attention to narration: a third part
                eng += (active + look + run->narration_score / run->narrations) / 3;
            else
                eng += 0.5 * active + 0.5 * look;
            ne++;
        }
        // right first time out of every first try and every later error
        // (questions and task steps alike): errors after the first try,
        // a wrong move or a step out of order, lower it further.
        skill_n += run->first_answers + (run->wrong_answers - (run->first_answers - run->first_right));
        skill_r += run->first_right;
        double expected = run->expected_s;
        long cur = e->lessons[run->lesson].cur;
        if (expected <= 0 && cur >= 0)
            expected = e->cur->lessons[cur].expected_s;
        if (run->completed && expected > 0 && run->duration_s > 0) {
            double x = expected / run->duration_s;
            eff += x > 1 ? 1 : x;
            nf++;
        }
    }
    out[0] = nk ? know / nk : NAN;
    out[1] = ne ? eng / ne : NAN;
    out[2] = skill_n > 0 ? skill_r / skill_n : NAN;
    out[3] = nf ? eff / nf : NAN;
    out[4] = l->likert_n ? l->likert_sum / l->likert_n : NAN;
}

static void format_day(int64_t ns, char out[32])
{
    int64_t days = ns / 86400000000000LL - (ns < 0 && ns % 86400000000000LL ? 1 : 0);
    // civil_from_days (H. Hinnant)
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    snprintf(out, 32, "%04d-%02d-%02d", (int)(y + (m <= 2)), (int)m, (int)d);
}

static void format_ts(int64_t ns, char out[48])
{
    char day[32];
    format_day(ns, day);
    int64_t s = (ns / 1000000000LL) % 86400;
    if (s < 0)
        s += 86400;
    snprintf(out, 48, "%.20sT%02d:%02d:%02dZ", day, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

cJSON *stoa_eval_analyse(stoa_eval *e, int64_t now)
{
    size_t nc = e->n_concepts, nl = e->n_learners;
    for (size_t l = 0; l < nl; l++)
        for (size_t c = 0; c < e->learners[l].n_cells; c++)
            if (e->learners[l].cells[c].n > 1) // a cell never observed has no array
                qsort(e->learners[l].cells[c].obs, e->learners[l].cells[c].n, sizeof(ev_obs), by_time);
    if (now == 0)
        now = e->last_t == INT64_MIN ? 0 : e->last_t;
    cJSON *root = cJSON_CreateObject();
    cJSON *set = cJSON_AddObjectToObject(root, "settings");
    cJSON_AddNumberToObject(set, "mastered", e->desc.mastered);
    cJSON_AddNumberToObject(set, "weak_below", WEAK_BELOW);
    cJSON_AddNumberToObject(set, "recent_days", e->desc.recent_days);
    cJSON_AddNumberToObject(set, "fit_min_learners", STOA_BKT_FIT_MIN_LEARNERS);
    cJSON_AddNumberToObject(set, "fit_min_observations", STOA_BKT_FIT_MIN_OBS);
    if (e->cur)
        cJSON_AddStringToObject(set, "curriculum", e->cur->id);
    fit_concepts(e, cJSON_AddArrayToObject(root, "concepts"));

    // weeks: Monday 00:00 UTC of the first run's week to the last run
    cJSON *weeks = cJSON_AddArrayToObject(root, "weeks");
    int64_t w0 = 0;
    size_t nw = 0;
    if (e->first_t != INT64_MAX) {
        int64_t day = e->first_t / 86400000000000LL, dow = (day + 3) % 7; // 1970-01-01 was a Thursday
        w0 = (day - dow) * 86400000000000LL;
        nw = (size_t)((e->last_t - w0) / WEEK_NS) + 1;
        if (nw > MAX_WEEKS)
            w0 += (int64_t)(nw - MAX_WEEKS) * WEEK_NS, nw = MAX_WEEKS;
    }
    for (size_t w = 0; w < nw; w++) {
        char d[32];
        format_day(w0 + (int64_t)w * WEEK_NS, d);
        cJSON_AddItemToArray(weeks, cJSON_CreateString(d));
    }
    double *trend_sum = calloc(nc * nw + 1, sizeof *trend_sum);
    int *trend_n = calloc(nc * nw + 1, sizeof *trend_n);
    double *dims = calloc(nl * N_DIMS + 1, sizeof *dims);
    int *mastered_count = calloc(nc + 1, sizeof *mastered_count), *assessed_count = calloc(nc + 1, sizeof *assessed_count);
    ev_lstate s = {calloc(nc + 1, sizeof(double)), calloc(nc + 1, 1), calloc(nc + 1, 1),
                calloc(nc + 1, 1), calloc(nc + 1, 1)};
    cJSON *learners = cJSON_AddArrayToObject(root, "learners");
    if (!trend_sum || !trend_n || !dims || !mastered_count || !assessed_count || !s.m ||
        !s.assessed || !s.mastered || !s.weak || !s.ready) {
        cJSON_Delete(root);
        root = NULL;
        goto done;
    }
    for (size_t li = 0; li < nl; li++) {
        const ev_learner *l = &e->learners[li];
        cJSON *lj = cJSON_CreateObject();
        cJSON_AddStringToObject(lj, "account", l->id);
        cJSON_AddStringToObject(lj, "name", l->name);
        for (size_t c = 0; c < nc; c++) {
            int n = 0;
            s.m[c] = mastery_at(e, l, c, INT64_MAX, &n);
            s.assessed[c] = n > 0;
            s.mastered[c] = n > 0 && s.m[c] >= e->desc.mastered;
            s.weak[c] = n > 0 && s.m[c] < WEAK_BELOW;
            mastered_count[c] += s.mastered[c];
            assessed_count[c] += s.assessed[c];
        }
        cJSON *cj = cJSON_AddObjectToObject(lj, "concepts");
        cJSON *ready = cJSON_AddArrayToObject(lj, "ready"), *weakest = cJSON_AddArrayToObject(lj, "weakest");
        for (size_t c = 0; c < nc; c++) {
            s.ready[c] = !s.mastered[c] && ev_requires_mastered(e, &s, c);
            cJSON *x = cJSON_AddObjectToObject(cj, e->concepts[c].id);
            cJSON_AddNumberToObject(x, "mastery", ev_r4(s.m[c]));
            const ev_cell *cell = c < l->n_cells ? &l->cells[c] : NULL;
            int right = 0;
            for (uint32_t k = 0; cell && k < cell->n; k++)
                right += cell->obs[k].ok;
            cJSON_AddNumberToObject(x, "observations", cell ? cell->n : 0);
            cJSON_AddNumberToObject(x, "right", right);
            cJSON_AddBoolToObject(x, "mastered", s.mastered[c]);
            cJSON_AddBoolToObject(x, "weak", s.weak[c]);
            cJSON_AddBoolToObject(x, "ready", s.ready[c]);
            cJSON *tr = cJSON_AddArrayToObject(x, "weekly");
            for (size_t w = 0; w < nw; w++) {
                int n = 0;
                double m = mastery_at(e, l, c, w0 + (int64_t)(w + 1) * WEEK_NS - 1, &n);
                cJSON_AddItemToArray(tr, n ? cJSON_CreateNumber(ev_r4(m)) : cJSON_CreateNull());
                if (n)
                    trend_sum[c * nw + w] += m, trend_n[c * nw + w]++;
            }
            if (s.ready[c])
                cJSON_AddItemToArray(ready, cJSON_CreateString(e->concepts[c].id));
        }
        for (int k = 0; k < 3; k++) { // weakest: the weak ones, lowest first
            long best = -1;
            for (size_t c = 0; c < nc; c++) {
                bool taken = false;
                const cJSON *w;
                cJSON_ArrayForEach(w, weakest) taken |= strcmp(w->valuestring, e->concepts[c].id) == 0;
                if (s.weak[c] && !taken && (best < 0 || s.m[c] < s.m[best]))
                    best = (long)c;
            }
            if (best >= 0)
                cJSON_AddItemToArray(weakest, cJSON_CreateString(e->concepts[best].id));
        }
        cJSON *runs = cJSON_AddArrayToObject(lj, "runs");
        for (size_t r = 0; r < l->n_runs; r++) {
            const ev_run_rec *run = &l->runs[r];
            cJSON *rj = cJSON_CreateObject();
            char ts[48];
            cJSON_AddStringToObject(rj, "lesson", e->lessons[run->lesson].iri);
            cJSON_AddStringToObject(rj, "lesson_name", ev_lesson_name(e, run->lesson, e->lessons[run->lesson].cur));
            format_ts(run->start, ts);
            cJSON_AddStringToObject(rj, "started", ts);
            cJSON_AddBoolToObject(rj, "completed", run->completed);
            cJSON_AddStringToObject(rj, "result", run->outcome == STOA_EVAL_PASSED ? "passed"
                                                  : run->outcome == STOA_EVAL_FAILED ? "failed" : "none");
            if (run->has_score)
                cJSON_AddNumberToObject(rj, "score_scaled", ev_r4(run->score));
            cJSON_AddNumberToObject(rj, "time_s", ev_r4(run->duration_s));
            cJSON_AddNumberToObject(rj, "idle_s", ev_r4(run->idle_s));
            cJSON_AddNumberToObject(rj, "answers", run->first_answers);
            cJSON_AddNumberToObject(rj, "right_first_try", run->first_right);
            cJSON_AddNumberToObject(rj, "errors", run->wrong_answers);
            cJSON_AddNumberToObject(rj, "task_steps", run->steps);
            cJSON_AddNumberToObject(rj, "task_steps_right_first_time", run->steps_right_first);
            cJSON_AddNumberToObject(rj, "task_errors", run->step_errors);
            cJSON_AddNumberToObject(rj, "order_errors", run->order_errors);
            ev_add_opt(rj, "narration_attention", run->narrations ? run->narration_score / run->narrations : NAN);
            int attempt = 0;
            for (size_t q = 0; q < l->n_runs; q++)
                attempt += l->runs[q].lesson == run->lesson && l->runs[q].start <= run->start;
            cJSON_AddNumberToObject(rj, "attempt", attempt);
            cJSON_AddItemToArray(runs, rj);
        }
        dimensions(e, l, &s, &dims[li * N_DIMS]);
        cJSON *dj = cJSON_AddObjectToObject(lj, "dimensions");
        for (int d = 0; d < N_DIMS; d++)
            ev_add_opt(dj, g_dims[d], dims[li * N_DIMS + d]);
        ev_recommend(e, l, &s, now, cJSON_AddArrayToObject(lj, "recommendations"));
        cJSON_AddItemToArray(learners, lj);
    }
    {
        cJSON *cls = cJSON_AddObjectToObject(root, "class");
        cJSON_AddNumberToObject(cls, "learners", (double)nl);
        cJSON *md = cJSON_AddObjectToObject(cls, "dimensions_median");
        double *col = calloc(nl + 1, sizeof *col);
        for (int d = 0; col && d < N_DIMS; d++) {
            size_t k = 0;
            for (size_t li = 0; li < nl; li++)
                if (isfinite(dims[li * N_DIMS + d]))
                    col[k++] = dims[li * N_DIMS + d];
            ev_add_opt(md, g_dims[d], stoa_median(col, k));
        }
        free(col);
        cJSON *map = cJSON_AddObjectToObject(cls, "concepts");
        for (size_t c = 0; c < nc; c++) {
            cJSON *x = cJSON_AddObjectToObject(map, e->concepts[c].id);
            cJSON_AddNumberToObject(x, "assessed", assessed_count[c]);
            cJSON_AddNumberToObject(x, "mastered", mastered_count[c]);
            ev_add_opt(x, "mastered_share", assessed_count[c] ? (double)mastered_count[c] / assessed_count[c] : NAN);
            cJSON *tr = cJSON_AddArrayToObject(x, "weekly_mean");
            for (size_t w = 0; w < nw; w++)
                cJSON_AddItemToArray(tr, trend_n[c * nw + w] ? cJSON_CreateNumber(ev_r4(trend_sum[c * nw + w] / trend_n[c * nw + w]))
                                                             : cJSON_CreateNull());
        }
    }
    {
        // lesson effectiveness: mastery of the lesson's concepts just before
        // the learner's first run of it and right after their last.
        cJSON *les = cJSON_AddArrayToObject(root, "lessons");
        for (size_t i = 0; i < e->n_lessons; i++) {
            const ev_lesson_seen *ls = &e->lessons[i];
            size_t *cc, n;
            ev_lesson_concepts(e, ls, ls->cur, &cc, &n);
            double before = 0, after = 0;
            int took = 0;
            for (size_t li = 0; li < nl; li++) {
                const ev_learner *l = &e->learners[li];
                int64_t t0 = INT64_MAX, t1 = INT64_MIN;
                for (size_t r = 0; r < l->n_runs; r++)
                    if (l->runs[r].lesson == i) {
                        t0 = l->runs[r].start < t0 ? l->runs[r].start : t0;
                        t1 = l->runs[r].end > t1 ? l->runs[r].end : t1;
                    }
                if (t0 == INT64_MAX || n == 0)
                    continue;
                double b = 0, a = 0;
                for (size_t k = 0; k < n; k++)
                    b += mastery_at(e, l, cc[k], t0 - 1, NULL), a += mastery_at(e, l, cc[k], t1, NULL);
                before += b / n, after += a / n, took++;
            }
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "id", ls->iri);
            cJSON_AddStringToObject(j, "name", ev_lesson_name(e, i, ls->cur));
            if (ls->cur >= 0)
                cJSON_AddStringToObject(j, "curriculum_id", e->cur->lessons[ls->cur].id);
            cJSON *cs = cJSON_AddArrayToObject(j, "concepts");
            for (size_t k = 0; k < n; k++)
                cJSON_AddItemToArray(cs, cJSON_CreateString(e->concepts[cc[k]].id));
            cJSON_AddNumberToObject(j, "learners", took);
            ev_add_opt(j, "mastery_before", took ? before / took : NAN);
            ev_add_opt(j, "mastery_after", took ? after / took : NAN);
            ev_add_opt(j, "gain", took ? (after - before) / took : NAN);
            cJSON_AddItemToArray(les, j);
            free(cc);
        }
    }
    ev_item_analysis(e, cJSON_AddArrayToObject(root, "items"), cJSON_AddArrayToObject(root, "surveys"));
done:
    free(trend_sum), free(trend_n), free(dims), free(mastered_count), free(assessed_count);
    free(s.m), free(s.assessed), free(s.mastered), free(s.weak), free(s.ready);
    return root;
}
