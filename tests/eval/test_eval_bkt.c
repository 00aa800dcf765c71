// SPDX-License-Identifier: Apache-2.0
// BKT: the update against sequences computed by hand, the likelihood
// against brute force over every hidden path, and the EM fit against
// simulated learners whose true parameters are known.
#include <stdint.h>

#include "eval/stoa_eval.h"
#include "stoa_test.h"

#define NEAR(a, b, tol) (fabs((a) - (b)) <= (tol))

STOA_TEST(update_matches_hand_computation)
{
    stoa_bkt_params p = {0.2, 0.15, 0.2, 0.1};
    // right: post = .2*.9 / (.2*.9 + .8*.2) = .18/.34 = .529412; + .470588*.15 = .6
    double m = stoa_bkt_update(&p, p.prior, true);
    CHECK(NEAR(m, 0.6, 1e-12));
    // wrong: post = .6*.1 / (.6*.1 + .4*.8) = .06/.38 = .157895; + .842105*.15 = .284211
    m = stoa_bkt_update(&p, m, false);
    CHECK(NEAR(m, 0.06 / 0.38 + (1 - 0.06 / 0.38) * 0.15, 1e-12));
    CHECK(NEAR(m, 0.2842105263, 1e-9));
    // right again: post = .284211*.9 / (.284211*.9 + .715789*.2) = .641161; + .358839*.15 = .694987
    m = stoa_bkt_update(&p, m, true);
    CHECK(NEAR(m, 0.6949868074, 1e-9));
    uint8_t seq[] = {1, 0, 1};
    CHECK(NEAR(stoa_bkt_trace(&p, seq, 3), m, 1e-12));
    // many right answers drive mastery towards 1, many wrong towards learn's floor
    uint8_t ones[20], zeros[20];
    memset(ones, 1, sizeof ones);
    memset(zeros, 0, sizeof zeros);
    CHECK(stoa_bkt_trace(&p, ones, 20) > 0.999);
    CHECK(stoa_bkt_trace(&p, zeros, 20) < 0.25);
}

// P(sequence) summed over all 2^n hidden paths (known never turns back).
static double brute_likelihood(const stoa_bkt_params *p, const uint8_t *o, int n)
{
    double total = 0;
    for (int mask = 0; mask < (1 << n); mask++) {
        double pr = 1;
        for (int t = 0; t < n; t++) {
            int s = (mask >> t) & 1, prev = t ? (mask >> (t - 1)) & 1 : -1;
            if (t == 0)
                pr *= s ? p->prior : 1 - p->prior;
            else if (prev == 1)
                pr *= s ? 1 : 0;
            else
                pr *= s ? p->learn : 1 - p->learn;
            double right = s ? 1 - p->slip : p->guess;
            pr *= o[t] ? right : 1 - right;
        }
        total += pr;
    }
    return total;
}

STOA_TEST(likelihood_matches_brute_force)
{
    stoa_bkt_params p = {0.3, 0.25, 0.15, 0.08};
    uint8_t o[] = {0, 0, 1, 0, 1, 1, 1, 0};
    for (int n = 1; n <= 8; n++)
        CHECK_MSG(NEAR(stoa_bkt_log_likelihood(&p, o, n), log(brute_likelihood(&p, o, n)), 1e-10),
                  "n=%d", n);
}

static uint64_t g_rng = 0x9e3779b97f4a7c15ull;
static double rnd(void)
{
    g_rng ^= g_rng << 13, g_rng ^= g_rng >> 7, g_rng ^= g_rng << 17;
    return (double)(g_rng >> 11) / 9007199254740992.0;
}

static void simulate(const stoa_bkt_params *p, uint8_t *obs, size_t learners, size_t len)
{
    for (size_t l = 0; l < learners; l++) {
        int known = rnd() < p->prior;
        for (size_t t = 0; t < len; t++) {
            double right = known ? 1 - p->slip : p->guess;
            obs[l * len + t] = rnd() < right;
            if (!known && rnd() < p->learn)
                known = 1;
        }
    }
}

// Tolerance stated in docs/curriculum-format.md: with 2000 learners x 12
// answers the fit is within 0.05 of every true parameter.
STOA_TEST(fit_recovers_known_parameters)
{
    const stoa_bkt_params truth[] = {{0.3, 0.2, 0.2, 0.1}, {0.1, 0.1, 0.25, 0.05}, {0.5, 0.3, 0.1, 0.15}};
    enum { L = 2000, N = 12 };
    static uint8_t obs[L * N];
    size_t len[L];
    for (size_t i = 0; i < L; i++)
        len[i] = N;
    for (size_t k = 0; k < sizeof truth / sizeof *truth; k++) {
        simulate(&truth[k], obs, L, N);
        stoa_bkt_fit_result r = stoa_bkt_fit(&(stoa_bkt_fit_desc){.obs = obs, .lengths = len, .sequences = L});
        CHECK(r.fitted);
        CHECK_MSG(NEAR(r.params.prior, truth[k].prior, 0.05) && NEAR(r.params.learn, truth[k].learn, 0.05) &&
                      NEAR(r.params.guess, truth[k].guess, 0.05) && NEAR(r.params.slip, truth[k].slip, 0.05),
                  "case %zu: fitted %.3f %.3f %.3f %.3f after %d iterations", k, r.params.prior,
                  r.params.learn, r.params.guess, r.params.slip, r.iterations);
        // the fit is a maximum: it explains the data better than the truth it came from
        double ll_truth = 0;
        for (size_t i = 0; i < L; i++)
            ll_truth += stoa_bkt_log_likelihood(&truth[k], obs + i * N, N);
        CHECK(r.log_likelihood >= ll_truth - 1e-6);
    }
}

STOA_TEST(em_never_lowers_the_likelihood)
{
    stoa_bkt_params truth = {0.25, 0.15, 0.2, 0.1};
    enum { L = 60, N = 6 };
    uint8_t obs[L * N];
    size_t len[L];
    for (size_t i = 0; i < L; i++)
        len[i] = N;
    simulate(&truth, obs, L, N);
    double prev = -INFINITY;
    for (int it = 1; it <= 12; it++) {
        stoa_bkt_fit_result r = stoa_bkt_fit(&(stoa_bkt_fit_desc){
            .obs = obs, .lengths = len, .sequences = L, .max_iterations = it, .tolerance = 1e-15});
        CHECK_MSG(r.log_likelihood >= prev - 1e-9, "iteration %d: %f < %f", it, r.log_likelihood, prev);
        prev = r.log_likelihood;
    }
}

STOA_TEST(fit_needs_enough_data)
{
    uint8_t obs[9 * 20] = {0};
    size_t len[9];
    for (int i = 0; i < 9; i++)
        len[i] = 20; // 180 answers but only 9 learners
    stoa_bkt_fit_result r = stoa_bkt_fit(&(stoa_bkt_fit_desc){.obs = obs, .lengths = len, .sequences = 9});
    CHECK(!r.fitted);
    CHECK(r.params.prior == STOA_BKT_DEFAULT_PRIOR && r.params.slip == STOA_BKT_DEFAULT_SLIP);
    size_t len2[12] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}; // 12 learners, 2 answers each
    r = stoa_bkt_fit(&(stoa_bkt_fit_desc){.obs = obs, .lengths = len2, .sequences = 12});
    CHECK(!r.fitted);
}

STOA_TEST_MAIN()
