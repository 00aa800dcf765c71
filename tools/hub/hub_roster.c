// SPDX-License-Identifier: Apache-2.0
// The live roster: what each headset last reported, kept in memory (the
// panel polls it once a second) and the class's live quiz results.
#include <stdio.h>
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
        d->last_seen_ns = hub_mono_ns();
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
    bool answer = verb && strcmp(verb, k_answered) == 0 && cJSON_IsBool(success);
    const cJSON *object = cJSON_GetObjectItem(st, "object");
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
    return o;
}
