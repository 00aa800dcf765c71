// SPDX-License-Identifier: Apache-2.0
// Recommendations: the next lessons that fit a learner's knowledge map,
// with the reason in words (docs/curriculum-format.md, "Recommendations").
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"

const char *ev_concept_name(const stoa_eval *e, size_t c)
{
    long k = e->concepts[c].cur;
    return k >= 0 ? ev_pick_name(e->cur->concepts[k].names, e->desc.language, e->concepts[c].id)
                  : e->concepts[c].id;
}

bool ev_requires_mastered(const stoa_eval *e, const ev_lstate *s, size_t c)
{
    long k = e->concepts[c].cur;
    if (k < 0)
        return true;
    const ev_concept *cc = &e->cur->concepts[k];
    for (size_t r = 0; r < cc->n_requires; r++) {
        size_t ci = ev_concept_index((stoa_eval *)e, e->cur->concepts[cc->requires[r]].id);
        if (ci < e->n_concepts && !s->mastered[ci])
            return false;
    }
    return true;
}

// The concepts a lesson teaches (the curriculum's word, else what its runs carried).
void ev_lesson_concepts(const stoa_eval *e, const ev_lesson_seen *ls, long cur, size_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (cur >= 0) {
        const ev_lesson *cl = &e->cur->lessons[cur];
        size_t total = cl->n_teaches + cl->n_assesses;
        *out = calloc(total + 1, sizeof **out);
        for (size_t k = 0; *out && k < total; k++) {
            size_t cc = k < cl->n_teaches ? cl->teaches[k] : cl->assesses[k - cl->n_teaches];
            size_t ci = ev_concept_index((stoa_eval *)e, e->cur->concepts[cc].id);
            bool dup = false;
            for (size_t j = 0; j < *n; j++)
                dup |= (*out)[j] == ci;
            if (!dup && ci < e->n_concepts)
                (*out)[(*n)++] = ci;
        }
    } else if (ls) {
        *out = calloc(ls->n_concepts + 1, sizeof **out);
        if (*out && ls->n_concepts) // a lesson without concepts has no array to copy
            memcpy(*out, ls->concepts, ls->n_concepts * sizeof **out);
        *n = *out ? ls->n_concepts : 0;
    }
}

const char *ev_lesson_name(const stoa_eval *e, size_t li_seen, long cur)
{
    if (cur >= 0 && e->cur->lessons[cur].names)
        return ev_pick_name(e->cur->lessons[cur].names, e->desc.language,
                            li_seen < e->n_lessons ? e->lessons[li_seen].name : e->cur->lessons[cur].id);
    return li_seen < e->n_lessons ? e->lessons[li_seen].name : e->cur->lessons[cur].id;
}

static bool zh(const stoa_eval *e)
{
    return e->desc.language && strncmp(e->desc.language, "zh", 2) == 0;
}

// Candidate lessons: every curriculum lesson, then lessons seen only in logs.
void ev_recommend(const stoa_eval *e, const ev_learner *l, const ev_lstate *s, int64_t now, cJSON *out)
{
    size_t nc = e->cur ? e->cur->n_lessons : 0, total = nc + e->n_lessons;
    typedef struct cand {
        double score;
        size_t idx;
    } cand;
    cand *cs = calloc(total + 1, sizeof *cs);
    size_t ncs = 0;
    for (size_t i = 0; cs && i < total; i++) {
        long cur = i < nc ? (long)i : -1;
        size_t seen = (size_t)-1;
        if (i >= nc) {
            if (e->lessons[i - nc].cur >= 0)
                continue; // already a curriculum lesson
            seen = i - nc;
        } else {
            for (size_t k = 0; k < e->n_lessons; k++)
                if (e->lessons[k].cur == cur)
                    seen = k;
        }
        bool recent = false;
        for (size_t r = 0; r < l->n_runs && seen != (size_t)-1; r++) {
            const ev_run_rec *run = &l->runs[r];
            bool done = run->outcome == STOA_EVAL_PASSED ||
                        (run->outcome == STOA_EVAL_NONE && run->completed);
            if (run->lesson == seen && done && now - run->end < (int64_t)(e->desc.recent_days * 86400e9))
                recent = true;
        }
        if (recent)
            continue;
        size_t *cc, n;
        ev_lesson_concepts(e, seen != (size_t)-1 ? &e->lessons[seen] : NULL, cur, &cc, &n);
        double score = 0;
        for (size_t k = 0; k < n; k++)
            if (!s->mastered[cc[k]] && ev_requires_mastered(e, s, cc[k]))
                score += (1 - s->m[cc[k]]) + (s->weak[cc[k]] ? 1 : 0);
        free(cc);
        if (score > 0)
            cs[ncs++] = (cand){score, i};
    }
    for (size_t i = 1; i < ncs; i++) // best first (stable)
        for (size_t j = i; j > 0 && cs[j].score > cs[j - 1].score; j--) {
            cand t = cs[j];
            cs[j] = cs[j - 1];
            cs[j - 1] = t;
        }
    for (size_t r = 0; r < ncs && r < 3; r++) {
        size_t i = cs[r].idx;
        long cur = i < nc ? (long)i : -1;
        size_t seen = i >= nc ? i - nc : (size_t)-1;
        for (size_t k = 0; i < nc && k < e->n_lessons; k++)
            if (e->lessons[k].cur == cur)
                seen = k;
        size_t *cc, n;
        ev_lesson_concepts(e, seen != (size_t)-1 ? &e->lessons[seen] : NULL, cur, &cc, &n);
        cJSON *rec = cJSON_CreateObject();
        cJSON_AddStringToObject(rec, "lesson", cur >= 0 ? e->cur->lessons[cur].id : e->lessons[seen].iri);
        const char *lname = ev_lesson_name(e, seen, cur);
        cJSON_AddStringToObject(rec, "name", lname);
        cJSON_AddNumberToObject(rec, "score", ev_r4(cs[r].score));
        cJSON *ids = cJSON_AddArrayToObject(rec, "concepts");
        char names[600] = "";
        int shown = 0;
        for (size_t k = 0; k < n; k++) {
            size_t c = cc[k];
            if (s->mastered[c] || !ev_requires_mastered(e, s, c))
                continue;
            cJSON_AddItemToArray(ids, cJSON_CreateString(e->concepts[c].id));
            if (shown++)
                strncat(names, zh(e) ? "、" : ", ", sizeof names - strlen(names) - 1);
            strncat(names, ev_concept_name(e, c), sizeof names - strlen(names) - 1);
        }
        char reason[1200];
        if (zh(e))
            snprintf(reason, sizeof reason, "%s尚未掌握%s；《%s》讲授这些内容。", l->name, names, lname);
        else
            snprintf(reason, sizeof reason, "%s has not mastered %s; %s teaches %s.", l->name, names,
                     lname, shown > 1 ? "them" : "it");
        cJSON_AddStringToObject(rec, "reason", reason);
        cJSON_AddItemToArray(out, rec);
        free(cc);
    }
    free(cs);
}

