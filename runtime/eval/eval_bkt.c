// SPDX-License-Identifier: Apache-2.0
// Bayesian Knowledge Tracing: the update, the sequence likelihood and the
// EM fit. The model is the two-state hidden Markov model of Corbett &
// Anderson (1995): a skill is unknown (0) or known (1); known never turns
// back (no forgetting); the answer at each opportunity is emitted from the
// state at that opportunity, then the learner may learn.
#include <math.h>
#include <stdlib.h>

#include "stoa_eval.h"

stoa_bkt_params stoa_bkt_defaults(void)
{
    return (stoa_bkt_params){STOA_BKT_DEFAULT_PRIOR, STOA_BKT_DEFAULT_LEARN,
                             STOA_BKT_DEFAULT_GUESS, STOA_BKT_DEFAULT_SLIP};
}

double stoa_bkt_update(const stoa_bkt_params *p, double m, bool correct)
{
    double post;
    if (correct)
        post = m * (1 - p->slip) / (m * (1 - p->slip) + (1 - m) * p->guess);
    else
        post = m * p->slip / (m * p->slip + (1 - m) * (1 - p->guess));
    if (!isfinite(post))
        post = m;
    return post + (1 - post) * p->learn;
}

double stoa_bkt_trace(const stoa_bkt_params *p, const uint8_t *obs, size_t n)
{
    double m = p->prior;
    for (size_t i = 0; i < n; i++)
        m = stoa_bkt_update(p, m, obs[i] != 0);
    return m;
}

// P(answer | state)
static double emit(const stoa_bkt_params *p, int state, int o)
{
    double right = state ? 1 - p->slip : p->guess;
    return o ? right : 1 - right;
}

double stoa_bkt_log_likelihood(const stoa_bkt_params *p, const uint8_t *obs, size_t n)
{
    double a0 = 1 - p->prior, a1 = p->prior, ll = 0;
    for (size_t t = 0; t < n; t++) {
        if (t > 0) { // transition, then emission
            double n0 = a0 * (1 - p->learn), n1 = a0 * p->learn + a1;
            a0 = n0;
            a1 = n1;
        }
        a0 *= emit(p, 0, obs[t] != 0);
        a1 *= emit(p, 1, obs[t] != 0);
        double c = a0 + a1;
        ll += log(c);
        a0 /= c;
        a1 /= c;
    }
    return ll;
}

typedef struct em_sums {
    double prior_num, prior_den;
    double learn_num, learn_den;
    double guess_num, guess_den;
    double slip_num, slip_den;
    double ll;
} em_sums;

// One sequence's expected counts (scaled forward-backward, Rabiner 1989).
static void e_step(const stoa_bkt_params *p, const uint8_t *o, size_t n, double *al, double *be,
                   double *c, em_sums *s)
{
    if (n == 0)
        return;
    double A[2][2] = {{1 - p->learn, p->learn}, {0, 1}};
    al[0] = (1 - p->prior) * emit(p, 0, o[0]);
    al[1] = p->prior * emit(p, 1, o[0]);
    c[0] = al[0] + al[1];
    al[0] /= c[0];
    al[1] /= c[0];
    for (size_t t = 1; t < n; t++) {
        for (int j = 0; j < 2; j++)
            al[2 * t + j] = (al[2 * t - 2] * A[0][j] + al[2 * t - 1] * A[1][j]) * emit(p, j, o[t]);
        c[t] = al[2 * t] + al[2 * t + 1];
        al[2 * t] /= c[t];
        al[2 * t + 1] /= c[t];
    }
    be[2 * (n - 1)] = be[2 * (n - 1) + 1] = 1;
    for (size_t t = n - 1; t-- > 0;)
        for (int i = 0; i < 2; i++)
            be[2 * t + i] = (A[i][0] * emit(p, 0, o[t + 1]) * be[2 * t + 2] +
                             A[i][1] * emit(p, 1, o[t + 1]) * be[2 * t + 3]) / c[t + 1];
    for (size_t t = 0; t < n; t++) {
        s->ll += log(c[t]);
        double g0 = al[2 * t] * be[2 * t], g1 = al[2 * t + 1] * be[2 * t + 1];
        double g = g0 + g1; // 1 up to rounding
        g0 /= g;
        g1 /= g;
        if (t == 0)
            s->prior_num += g1, s->prior_den += 1;
        s->guess_den += g0;
        s->slip_den += g1;
        if (o[t])
            s->guess_num += g0;
        else
            s->slip_num += g1;
        if (t + 1 < n) {
            double xi01 = al[2 * t] * A[0][1] * emit(p, 1, o[t + 1]) * be[2 * t + 3] / c[t + 1];
            s->learn_num += xi01;
            s->learn_den += g0;
        }
    }
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

stoa_bkt_fit_result stoa_bkt_fit(const stoa_bkt_fit_desc *d)
{
    stoa_bkt_params p = d->start;
    if (p.prior <= 0 && p.learn <= 0 && p.guess <= 0 && p.slip <= 0)
        p = stoa_bkt_defaults();
    stoa_bkt_fit_result r = {.params = p};
    size_t longest = 0, total = 0, enough = 0;
    for (size_t i = 0; i < d->sequences; i++) {
        longest = d->lengths[i] > longest ? d->lengths[i] : longest;
        total += d->lengths[i];
        enough += d->lengths[i] >= STOA_BKT_FIT_MIN_SEQ;
    }
    r.log_likelihood = 0;
    for (size_t i = 0, at = 0; i < d->sequences; at += d->lengths[i++])
        r.log_likelihood += stoa_bkt_log_likelihood(&p, d->obs + at, d->lengths[i]);
    if (enough < STOA_BKT_FIT_MIN_LEARNERS || total < STOA_BKT_FIT_MIN_OBS)
        return r;
    double *al = malloc(longest * 2 * sizeof *al), *be = malloc(longest * 2 * sizeof *be);
    double *c = malloc(longest * sizeof *c);
    if (!al || !be || !c) {
        free(al), free(be), free(c);
        return r;
    }
    int max_it = d->max_iterations > 0 ? d->max_iterations : 200;
    double tol = d->tolerance > 0 ? d->tolerance : 1e-7, prev = -INFINITY;
    for (r.iterations = 0; r.iterations < max_it; r.iterations++) {
        em_sums s = {0};
        for (size_t i = 0, at = 0; i < d->sequences; at += d->lengths[i++])
            e_step(&p, d->obs + at, d->lengths[i], al, be, c, &s);
        r.log_likelihood = s.ll;
        if (s.ll - prev < tol * (fabs(s.ll) + 1))
            break;
        prev = s.ll;
        // M step; bounds keep every probability strictly inside (0, 1).
        p.prior = clampd(s.prior_num / s.prior_den, 0.001, 0.999);
        if (s.learn_den > 0)
            p.learn = clampd(s.learn_num / s.learn_den, 0.001, 0.999);
        if (s.guess_den > 0)
            p.guess = clampd(s.guess_num / s.guess_den, 0.001, STOA_BKT_MAX_GUESS_SLIP);
        if (s.slip_den > 0)
            p.slip = clampd(s.slip_num / s.slip_den, 0.001, STOA_BKT_MAX_GUESS_SLIP);
    }
    free(al), free(be), free(c);
    r.params = p;
    r.fitted = true;
    return r;
}
