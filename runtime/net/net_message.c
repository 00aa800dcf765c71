// SPDX-License-Identifier: Apache-2.0
// The net module's messages: the status the headset sends and the class
// roster the hub sends (docs/hub.md, "Headset protocol").
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"

void net_copy_str(char *dst, size_t size, const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));
    snprintf(dst, size, "%s", s ? s : "");
}

// The roster for the lobby's self sign-in; entries without an id are skipped.
void net_take_class(stoa_net *net, const cJSON *msg)
{
    if (!net->cls && !(net->cls = malloc(sizeof *net->cls)))
        return;
    stoa_net_class *c = net->cls;
    net_copy_str(c->class_id, sizeof c->class_id, msg, "class_id");
    net_copy_str(c->title, sizeof c->title, msg, "title");
    c->count = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(msg, "learners")) {
        if (c->count == STOA_NET_MAX_LEARNERS)
            break;
        stoa_net_learner *l = &c->learners[c->count];
        net_copy_str(l->learner_id, sizeof l->learner_id, it, "learner_id");
        net_copy_str(l->name, sizeof l->name, it, "name");
        l->pin = cJSON_IsTrue(cJSON_GetObjectItem(it, "pin"));
        if (l->learner_id[0])
            c->count++;
    }
    net->cls_new = true;
}

char *net_status_json(const stoa_net *net, const stoa_net_status *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "t", "status");
    cJSON_AddStringToObject(o, "lesson", s->lesson_id);
    cJSON_AddStringToObject(o, "state", s->state);
    cJSON_AddStringToObject(o, "state_title", s->state_title);
    cJSON_AddStringToObject(o, "registration", s->registration);
    if (s->launched_as[0])
        cJSON_AddStringToObject(o, "launched_as", s->launched_as);
    cJSON_AddNumberToObject(o, "progress", s->progress);
    cJSON_AddNumberToObject(o, "score", s->score);
    cJSON_AddNumberToObject(o, "idle_s", s->idle_s);
    cJSON_AddNumberToObject(o, "fps", s->fps);
    cJSON_AddNumberToObject(o, "expected_s", s->expected_s);
    cJSON_AddBoolToObject(o, "paused", s->paused);
    cJSON_AddStringToObject(o, "error", s->error); // "" clears the hub's copy
    if (s->phase[0])
        cJSON_AddStringToObject(o, "phase", s->phase);
    if (s->learner_id[0])
        cJSON_AddStringToObject(o, "learner_id", s->learner_id);
    if (s->message_s > 0)
        cJSON_AddNumberToObject(o, "message_s", s->message_s);
    if (net->transferring) {
        cJSON *t = cJSON_AddObjectToObject(o, "transfer");
        cJSON_AddNumberToObject(t, "done", (double)net->transfer_done);
        cJSON_AddNumberToObject(t, "total", (double)net->transfer_total);
    }
    if (s->has_result) {
        cJSON *r = cJSON_AddObjectToObject(o, "result");
        cJSON_AddBoolToObject(r, "completed", s->completed);
        if (s->success < 0)
            cJSON_AddNullToObject(r, "success");
        else
            cJSON_AddBoolToObject(r, "success", s->success > 0);
        if (s->has_score)
            cJSON_AddNumberToObject(r, "score", s->result_score);
        else
            cJSON_AddNullToObject(r, "score");
    }
    if (s->hand)
        cJSON_AddBoolToObject(o, "hand", true);
    if (s->seat && s->seat[0])
        cJSON_AddStringToObject(o, "seat", s->seat);
    if (s->attention)
        cJSON_AddBoolToObject(o, "attention", s->attention > 0);
    if (s->placement && s->placement[0])
        cJSON_AddStringToObject(o, "placement", s->placement);
    char *str = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return str;
}
