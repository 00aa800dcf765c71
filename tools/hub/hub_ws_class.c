// SPDX-License-Identifier: Apache-2.0
// What a headset hears about its class and its learner (docs/hub.md, "The
// class-period protocol"): {"t":"class",...} lists the current class for the
// lobby's self sign-in; {"t":"cmd","cmd":"signin"|"signout"} says who is on
// it; a headset's own {"t":"signin","learner_id","pin"} is checked here
// (PIN, attempts, one headset per learner) and refused with
// {"t":"signin_refused","learner_id","why"}.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"

static void send_to(stoa_hub *hub, int64_t device_id, cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    if (s)
        hub_ws_send_command(hub, device_id ? &device_id : NULL, device_id ? 1 : 0, s);
    free(s);
}

void hub_ws_send_class(stoa_hub *hub, int64_t device_id)
{
    char *current = hub_db_get_setting(hub, "class_current");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "t", "class");
    cJSON_AddStringToObject(o, "class_id", current ? current : "");
    cJSON_AddStringToObject(o, "title", "");
    cJSON *list = cJSON_AddArrayToObject(o, "learners");
    if (current) {
        cJSON *classes = hub_class_list(hub);
        const cJSON *c;
        cJSON_ArrayForEach(c, classes) if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(c, "id")), current) == 0)
            cJSON_ReplaceItemInObject(o, "title", cJSON_CreateString(cJSON_GetStringValue(cJSON_GetObjectItem(c, "title"))));
        cJSON_Delete(classes);
        cJSON *learners = hub_class_learners(hub, current, false);
        const cJSON *l;
        // Only what the lobby shows: no number, no device, never a PIN.
        cJSON_ArrayForEach(l, learners) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "learner_id", cJSON_GetStringValue(cJSON_GetObjectItem(l, "learner_id")));
            cJSON_AddStringToObject(e, "name", cJSON_GetStringValue(cJSON_GetObjectItem(l, "name")));
            cJSON_AddBoolToObject(e, "pin", cJSON_IsTrue(cJSON_GetObjectItem(l, "pin")));
            cJSON_AddItemToArray(list, e);
        }
        cJSON_Delete(learners);
    }
    send_to(hub, device_id, o);
    cJSON_Delete(o);
    free(current);
}

void hub_ws_send_signin(stoa_hub *hub, int64_t device_id)
{
    char learner[40], name[HUB_NAME_MAX * 4 + 1] = "", number[64] = "";
    bool on = hub_class_signed_in(hub, device_id, learner) &&
              hub_class_name(hub, learner, name, sizeof name, number, sizeof number);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "t", "cmd");
    cJSON_AddStringToObject(o, "cmd", on ? "signin" : "signout");
    if (on) {
        cJSON_AddStringToObject(o, "learner_id", learner);
        cJSON_AddStringToObject(o, "name", name);
        cJSON_AddStringToObject(o, "number", number);
    }
    send_to(hub, device_id, o);
    cJSON_Delete(o);
}

void hub_ws_on_signin(stoa_hub *hub, uint64_t conn, int64_t device_id, const cJSON *msg)
{
    const char *learner = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "learner_id"));
    const char *pin = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "pin"));
    hub_signin_result r = HUB_SIGNIN_UNKNOWN;
    if (hub_is_uuid(learner) && (!pin || strlen(pin) <= 8))
        r = hub_class_sign_in(hub, device_id, learner, pin, false);
    if (r == HUB_SIGNIN_OK) {
        hub_ws_send_signin(hub, device_id);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "t", "signin_refused");
    cJSON_AddStringToObject(o, "learner_id", hub_is_uuid(learner) ? learner : "");
    cJSON_AddStringToObject(o, "why", hub_signin_why(r));
    char *s = cJSON_PrintUnformatted(o);
    if (s)
        hub_server_ws_send(hub->srv, conn, 1, s, strlen(s));
    free(s);
    cJSON_Delete(o);
}

void hub_ws_on_signout(stoa_hub *hub, int64_t device_id)
{
    hub_class_sign_out(hub, device_id, NULL);
    hub_ws_send_signin(hub, device_id);
}
