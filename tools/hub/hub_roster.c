// SPDX-License-Identifier: Apache-2.0
// The live roster: what each headset last reported, kept in memory (the
// panel polls it once a second) and the class's live quiz results.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"

static const char k_answered[] = "http://adlnet.gov/expapi/verbs/answered";

hub_device *hub_roster_find(stoa_hub *hub, int64_t id)
{
    for (int i = 0; i < hub->device_count; i++)
        if (hub->devices[i].id == id)
            return &hub->devices[i];
    return NULL;
}

hub_device *hub_roster_get(stoa_hub *hub, int64_t id, const char *name)
{
    hub_device *d = hub_roster_find(hub, id);
    if (d)
        return d;
    if (hub->device_count < hub->max_headsets) {
        d = &hub->devices[hub->device_count++];
    } else {
        // Full: the place of the headset gone the longest is taken; when
        // every place is held by a connected headset, there is none.
        for (int i = 0; i < hub->device_count; i++) {
            hub_device *c = &hub->devices[i];
            if (!c->conn && (!d || c->last_seen_ns < d->last_seen_ns))
                d = c;
        }
        if (!d)
            return NULL;
    }
    memset(d, 0, sizeof *d);
    d->id = id;
    d->last_seen_ns = hub_mono_ns();
    snprintf(d->name, sizeof d->name, "%s", name ? name : "headset");
    hub_pending_drop(hub, id);
    return d;
}

void hub_roster_remove(stoa_hub *hub, int64_t id)
{
    pthread_mutex_lock(&hub->mu);
    hub_device *d = hub_roster_find(hub, id);
    if (d)
        *d = hub->devices[--hub->device_count];
    hub_pending_drop(hub, id);
    pthread_mutex_unlock(&hub->mu);
}

void hub_pending_note(stoa_hub *hub, int64_t id, const char *name, const char *remote)
{
    hub_pending *p = NULL;
    for (int i = 0; i < hub->pending_count && !p; i++)
        if (hub->pending[i].id == id)
            p = &hub->pending[i];
    if (!p && hub->pending_count < HUB_PENDING_MAX)
        p = &hub->pending[hub->pending_count++];
    if (!p) { // full: the one unseen for longest makes room
        p = &hub->pending[0];
        for (int i = 1; i < hub->pending_count; i++)
            if (hub->pending[i].seen_ns < p->seen_ns)
                p = &hub->pending[i];
    }
    p->id = id;
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(p->remote, sizeof p->remote, "%s", remote);
    p->seen_ns = hub_mono_ns();
}

void hub_pending_drop(stoa_hub *hub, int64_t id)
{
    for (int i = 0; i < hub->pending_count; i++)
        if (hub->pending[i].id == id)
            hub->pending[i--] = hub->pending[--hub->pending_count];
}

static void copy_str(char *dst, size_t size, const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));
    if (s)
        snprintf(dst, size, "%s", s);
}

static double num(const cJSON *o, const char *key, double lo, double hi)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo) || !(v->valuedouble <= hi))
        return 0;
    return v->valuedouble;
}

// Tabletop AR (docs/ar.md, "Placing together"): one of the known words, else none.
static void hub_roster_placement(hub_device *d, const char *p)
{
    static const char *const known[] = {"placing", "marker", "waiting", "placed", "shared"};
    d->placement[0] = 0;
    for (size_t i = 0; p && i < sizeof known / sizeof *known; i++)
        if (strcmp(p, known[i]) == 0)
            snprintf(d->placement, sizeof d->placement, "%s", known[i]);
}

void hub_roster_status(stoa_hub *hub, int64_t id, const cJSON *s)
{
    // (hub_ws.c already checked and filed "registration" and "launched_as".)
    pthread_mutex_lock(&hub->mu);
    hub_device *d = hub_roster_find(hub, id);
    if (d) {
        char state[sizeof d->state];
        snprintf(state, sizeof state, "%s", d->state);
        copy_str(d->lesson, sizeof d->lesson, s, "lesson");
        copy_str(d->state, sizeof d->state, s, "state");
        copy_str(d->state_title, sizeof d->state_title, s, "state_title");
        copy_str(d->registration, sizeof d->registration, s, "registration");
        copy_str(d->error, sizeof d->error, s, "error");
        if (strcmp(state, d->state) != 0)
            d->state_since_ns = hub_mono_ns();
        d->progress = num(s, "progress", 0, 1);
        d->score = num(s, "score", -1e9, 1e9);
        d->idle_s = num(s, "idle_s", 0, 1e9);
        d->fps = num(s, "fps", 0, 1000);
        d->expected_s = num(s, "expected_s", 0, 1e9);
        d->paused = cJSON_IsTrue(cJSON_GetObjectItem(s, "paused"));
        // Live views (issue 16): the raised hand keeps its first time (the
        // panel lists hands in order), attention as the headset judged it.
        bool hand = cJSON_IsTrue(cJSON_GetObjectItem(s, "hand"));
        d->hand_since_ns = !hand ? 0 : d->hand_since_ns ? d->hand_since_ns : hub_mono_ns();
        const cJSON *att = cJSON_GetObjectItem(s, "attention");
        d->attention = cJSON_IsBool(att) ? (cJSON_IsTrue(att) ? 1 : -1) : 0;
        hub_roster_placement(d, cJSON_GetStringValue(cJSON_GetObjectItem(s, "placement")));
        d->last_seen_ns = d->status_ns = hub_mono_ns();
        // The class-period protocol (issue 11): where the headset is, who is on
        // it, a transfer in progress and the result of the lesson just ended.
        d->phase[0] = d->learner[0] = 0;
        copy_str(d->phase, sizeof d->phase, s, "phase");
        const char *seat = cJSON_GetStringValue(cJSON_GetObjectItem(s, "seat"));
        snprintf(d->seat, sizeof d->seat, "%s", seat && !strcmp(seat, "desktop") ? seat : "");
        const char *learner = cJSON_GetStringValue(cJSON_GetObjectItem(s, "learner_id"));
        if (hub_is_uuid(learner))
            snprintf(d->learner, sizeof d->learner, "%s", learner);
        const cJSON *tr = cJSON_GetObjectItem(s, "transfer");
        d->transfer_done = (int64_t)num(tr, "done", 0, 1e15);
        d->transfer_total = (int64_t)num(tr, "total", 0, 1e15);
        const cJSON *res = cJSON_GetObjectItem(s, "result");
        d->result_known = cJSON_IsObject(res);
        d->result_completed = cJSON_IsTrue(cJSON_GetObjectItem(res, "completed"));
        d->result_score = cJSON_IsNumber(cJSON_GetObjectItem(res, "score")) ? num(res, "score", -1e9, 1e9) : -1;
    }
    pthread_mutex_unlock(&hub->mu);
}

// The question's name in the first language its definition has.
static const char *first_name(const cJSON *object)
{
    const cJSON *names = cJSON_GetObjectItem(cJSON_GetObjectItem(object, "definition"), "name");
    return names && names->child ? cJSON_GetStringValue(names->child) : NULL;
}

void hub_roster_statement(stoa_hub *hub, int64_t id, const cJSON *st)
{
    const char *verb = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(st, "verb"), "id"));
    const cJSON *success = cJSON_GetObjectItem(cJSON_GetObjectItem(st, "result"), "success");
    const cJSON *object = cJSON_GetObjectItem(st, "object");
    // A task's steps are answered as "performance" interactions: they are
    // skills, not quiz questions, so neither the live quiz table nor a card's
    // right/wrong count takes them (the evaluation reads them from the record).
    const char *itype = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(object, "definition"), "interactionType"));
    bool answer = verb && strcmp(verb, k_answered) == 0 && cJSON_IsBool(success) &&
                  !(itype && strcmp(itype, "performance") == 0);
    const char *qid = cJSON_GetStringValue(cJSON_GetObjectItem(object, "id"));
    pthread_mutex_lock(&hub->mu);
    hub_device *d = id > 0 ? hub_roster_find(hub, id) : NULL;
    if (d)
        d->stored++;
    if (answer && qid) {
        bool right = cJSON_IsTrue(success);
        if (d)
            right ? d->answers_right++ : d->answers_wrong++;
        hub_quiz *q = NULL;
        for (int i = 0; i < hub->quiz_count && !q; i++)
            if (strcmp(hub->quiz[i].id, qid) == 0)
                q = &hub->quiz[i];
        if (!q && hub->quiz_count < HUB_MAX_QUIZ) {
            q = &hub->quiz[hub->quiz_count++];
            memset(q, 0, sizeof *q);
            snprintf(q->id, sizeof q->id, "%s", qid);
            const char *name = first_name(object);
            snprintf(q->name, sizeof q->name, "%s", name ? name : qid);
        }
        if (q)
            right ? q->right++ : q->wrong++;
    }
    pthread_mutex_unlock(&hub->mu);
}

void hub_roster_set_paused(stoa_hub *hub, const int64_t *ids, size_t n, bool paused)
{
    pthread_mutex_lock(&hub->mu);
    for (int i = 0; i < hub->device_count; i++) {
        bool hit = n == 0;
        for (size_t k = 0; k < n && !hit; k++)
            hit = ids[k] == hub->devices[i].id;
        if (hit && hub->devices[i].conn)
            hub->devices[i].paused = paused;
    }
    pthread_mutex_unlock(&hub->mu);
}

void hub_roster_new_run(stoa_hub *hub)
{
    pthread_mutex_lock(&hub->mu);
    hub->quiz_count = 0;
    for (int i = 0; i < hub->device_count; i++)
        hub->devices[i].answers_right = hub->devices[i].answers_wrong = 0;
    pthread_mutex_unlock(&hub->mu);
}

static int by_presence_and_name(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    bool xo = cJSON_IsTrue(cJSON_GetObjectItem(x, "connected")), yo = cJSON_IsTrue(cJSON_GetObjectItem(y, "connected"));
    if (xo != yo)
        return xo ? -1 : 1;
    int c = strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(x, "name")), cJSON_GetStringValue(cJSON_GetObjectItem(y, "name")));
    if (c)
        return c;
    double d = cJSON_GetNumberValue(cJSON_GetObjectItem(x, "id")) - cJSON_GetNumberValue(cJSON_GetObjectItem(y, "id"));
    return d < 0 ? -1 : d > 0;
}

// The panel lists headsets online first, then by name (not in the order they
// happened to join): the array is rebuilt in that order.
static void sort_headsets(cJSON *arr)
{
    int n = cJSON_GetArraySize(arr);
    if (n < 2)
        return;
    cJSON **items = malloc((size_t)n * sizeof *items);
    if (!items)
        return;
    for (int i = n - 1; i >= 0; i--)
        items[i] = cJSON_DetachItemFromArray(arr, i);
    qsort(items, (size_t)n, sizeof *items, by_presence_and_name);
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, items[i]);
    free(items);
}

cJSON *hub_roster_json(stoa_hub *hub)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "headsets");
    cJSON *quiz = cJSON_AddArrayToObject(o, "quiz");
    int64_t now = hub_mono_ns();
    pthread_mutex_lock(&hub->mu);
    for (int i = 0; i < hub->device_count; i++) {
        const hub_device *d = &hub->devices[i];
        cJSON *h = cJSON_CreateObject();
        cJSON_AddNumberToObject(h, "id", (double)d->id);
        cJSON_AddStringToObject(h, "name", d->name);
        cJSON_AddBoolToObject(h, "connected", d->conn != 0);
        cJSON_AddStringToObject(h, "lesson", d->lesson);
        cJSON_AddStringToObject(h, "state", d->state);
        cJSON_AddStringToObject(h, "state_title", d->state_title);
        cJSON_AddNumberToObject(h, "progress", d->progress);
        cJSON_AddNumberToObject(h, "score", d->score);
        cJSON_AddNumberToObject(h, "idle_s", d->idle_s);
        cJSON_AddNumberToObject(h, "fps", d->fps);
        cJSON_AddNumberToObject(h, "expected_s", d->expected_s);
        cJSON_AddNumberToObject(h, "in_state_s",
                                d->state[0] && d->state_since_ns ? (now - d->state_since_ns) / 1e9 : 0);
        cJSON_AddBoolToObject(h, "paused", d->paused);
        cJSON_AddStringToObject(h, "error", d->error);
        cJSON_AddNumberToObject(h, "right", d->answers_right);
        cJSON_AddNumberToObject(h, "wrong", d->answers_wrong);
        cJSON_AddNumberToObject(h, "stored", (double)d->stored);
        cJSON_AddStringToObject(h, "phase", d->phase);
        cJSON_AddStringToObject(h, "registration", d->registration);
        cJSON_AddStringToObject(h, "learner_id", d->learner);
        if (d->seat[0]) // a desktop seat (`stoa play`); absent: a headset
            cJSON_AddStringToObject(h, "seat", d->seat);
        if (d->hand_since_ns && d->conn) // seconds the hand has been up
            cJSON_AddNumberToObject(h, "hand_s", (double)(now - d->hand_since_ns) / 1e9);
        if (d->attention && d->conn)
            cJSON_AddBoolToObject(h, "attention", d->attention > 0);
        if (d->placement[0] && d->conn) // tabletop AR: where the model stands
            cJSON_AddStringToObject(h, "placement", d->placement);
        if (d->transfer_total > 0) {
            cJSON *t = cJSON_AddObjectToObject(h, "transfer");
            cJSON_AddNumberToObject(t, "done", (double)d->transfer_done);
            cJSON_AddNumberToObject(t, "total", (double)d->transfer_total);
        }
        if (d->result_known) {
            cJSON *r = cJSON_AddObjectToObject(h, "result");
            cJSON_AddBoolToObject(r, "completed", d->result_completed);
            if (d->result_score >= 0)
                cJSON_AddNumberToObject(r, "score", d->result_score);
        }
        cJSON_AddItemToArray(arr, h);
    }
    cJSON *pending = cJSON_AddArrayToObject(o, "waiting");
    for (int i = 0; i < hub->pending_count; i++) {
        const hub_pending *p = &hub->pending[i];
        if (now - p->seen_ns > HUB_UNUSED_TOKEN_TTL_NS)
            continue; // gone quiet: forgotten
        cJSON *w = cJSON_CreateObject();
        cJSON_AddNumberToObject(w, "id", (double)p->id);
        cJSON_AddStringToObject(w, "name", p->name);
        cJSON_AddNumberToObject(w, "seen_s", (double)((now - p->seen_ns) / 1000000000LL));
        cJSON_AddItemToArray(pending, w);
    }
    cJSON_AddNumberToObject(o, "places", hub->max_headsets);
    for (int i = 0; i < hub->quiz_count; i++) {
        cJSON *q = cJSON_CreateObject();
        cJSON_AddStringToObject(q, "id", hub->quiz[i].id);
        cJSON_AddStringToObject(q, "name", hub->quiz[i].name);
        cJSON_AddNumberToObject(q, "right", hub->quiz[i].right);
        cJSON_AddNumberToObject(q, "wrong", hub->quiz[i].wrong);
        cJSON_AddItemToArray(quiz, q);
    }
    pthread_mutex_unlock(&hub->mu);
    sort_headsets(arr);
    return o;
}

bool hub_roster_rename(stoa_hub *hub, int64_t id, const char *name)
{
    pthread_mutex_lock(&hub->mu);
    hub_device *d = hub_roster_find(hub, id);
    if (d)
        snprintf(d->name, sizeof d->name, "%s", name);
    pthread_mutex_unlock(&hub->mu);
    return d != NULL;
}
