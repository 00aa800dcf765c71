// SPDX-License-Identifier: Apache-2.0
// Item analysis: difficulty, discrimination and how often each choice is
// picked (classical test theory), and the survey answers.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"

void ev_item_analysis(const stoa_eval *e, cJSON *items, cJSON *surveys)
{
    // each learner's share right on the first try, over all the items
    size_t nl = e->n_learners;
    double *right = calloc(nl + 1, sizeof *right), *n = calloc(nl + 1, sizeof *n);
    for (size_t i = 0; right && n && i < e->n_items; i++)
        for (size_t l = 0; l < e->items[i].n_first && l < nl; l++)
            if (e->items[i].first[l] >= 0)
                right[l] += e->items[i].first[l], n[l]++;
    for (size_t i = 0; right && n && i < e->n_items; i++) {
        const ev_item *it = &e->items[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "id", it->id);
        cJSON_AddStringToObject(j, "name", it->name);
        cJSON_AddStringToObject(j, "type", it->type);
        cJSON_AddStringToObject(j, "lesson", e->lessons[it->lesson].iri);
        cJSON *cs = cJSON_AddArrayToObject(j, "concepts");
        for (size_t k = 0; k < it->n_concepts; k++)
            cJSON_AddItemToArray(cs, cJSON_CreateString(e->concepts[it->concepts[k]].id));
        cJSON_AddNumberToObject(j, "answers", it->answers);
        if (!it->survey) {
            // difficulty: share right on the first try; discrimination: the
            // point-biserial correlation of that with the learner's share right
            // on the other items (corrected item-total), over learners with both.
            double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, cnt = 0, learners = 0, ok = 0;
            for (size_t l = 0; l < it->n_first && l < nl; l++) {
                if (it->first[l] < 0)
                    continue;
                learners++;
                ok += it->first[l];
                if (n[l] - 1 < 1)
                    continue;
                double x = it->first[l], y = (right[l] - x) / (n[l] - 1);
                sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y, cnt++;
            }
            cJSON_AddNumberToObject(j, "learners", learners);
            ev_add_opt(j, "difficulty", learners ? ok / learners : NAN);
            double vx = sxx - sx * sx / (cnt ? cnt : 1), vy = syy - sy * sy / (cnt ? cnt : 1);
            ev_add_opt(j, "discrimination", cnt >= 5 && vx > 1e-12 && vy > 1e-12
                                             ? (sxy - sx * sy / cnt) / sqrt(vx * vy) : NAN);
        }
        cJSON *rs = cJSON_AddArrayToObject(j, "responses");
        int order[EV_MAX_RESPONSES], nr = 0; // by response: a, b, c ... / 1 .. 5
        for (int k = 0; k < EV_MAX_RESPONSES && it->responses[k]; k++) {
            int at = nr++;
            while (at > 0 && strcmp(it->responses[order[at - 1]], it->responses[k]) > 0)
                order[at] = order[at - 1], at--;
            order[at] = k;
        }
        for (int o = 0; o < nr; o++) {
            int k = order[o];
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "response", it->responses[k]);
            cJSON_AddNumberToObject(r, "count", it->counts[k]);
            cJSON_AddNumberToObject(r, "rate", ev_r4((double)it->counts[k] / it->answers));
            if (!it->survey)
                cJSON_AddBoolToObject(r, "correct", it->right_counts[k] > 0);
            cJSON_AddItemToArray(rs, r);
        }
        if (it->other)
            cJSON_AddNumberToObject(j, "other_responses", it->other);
        cJSON_AddItemToArray(it->survey ? surveys : items, j);
    }
    free(right);
    free(n);
}

