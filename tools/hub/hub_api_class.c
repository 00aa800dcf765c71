// SPDX-License-Identifier: Apache-2.0
// The panel's API for a class period (docs/hub.md, "Named learners"):
// classes and their learners, CSV import, signing a learner in on a headset,
// a learner's export and deletion (a privacy request), renaming and removing
// headsets, and the gradebook. All need the instructor's session; every
// state-changing one its CSRF token and a JSON body.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"

static const char *str(const cJSON *j, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, key));
}

// A name or number from the panel: printable, at most HUB_NAME_MAX bytes.
static bool clean_field(const char *in, char out[HUB_NAME_MAX + 1], bool required)
{
    if (!in)
        return !required ? (out[0] = 0, true) : false;
    if (strlen(in) > HUB_NAME_MAX)
        return false;
    hub_clean_name(in, out);
    return !required || out[0];
}

static void send_and_free(hub_req *c, int status, cJSON *o)
{
    hub_send_json(c, status, o, NULL);
    cJSON_Delete(o);
}

static cJSON *body(stoa_hub *hub, hub_req *c, size_t limit)
{
    if (!hub_require_instructor(hub, c, true))
        return NULL;
    return hub_read_json(c, limit);
}

static void classes(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, false))
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "classes", hub_class_list(hub));
    char *current = hub_db_get_setting(hub, "class_current");
    cJSON_AddStringToObject(o, "current", current ? current : "");
    if (current)
        cJSON_AddItemToObject(o, "learners", hub_class_learners(hub, current, true));
    free(current);
    send_and_free(c, 200, o);
}

static void class_create(stoa_hub *hub, hub_req *c)
{
    cJSON *j = body(hub, c, HUB_MAX_SMALL_BODY);
    if (!j)
        return;
    char title[HUB_NAME_MAX + 1], id[37];
    bool ok = clean_field(str(j, "title"), title, true);
    cJSON_Delete(j);
    if (!ok)
        {
        hub_send_error(c, 400, "title: a class needs a name of at most 64 bytes");
        return;
    }
    if (!hub_class_create(hub, title, id))
        {
        hub_send_error(c, 500, "the database failed");
        return;
    }
    char *current = hub_db_get_setting(hub, "class_current");
    if (!current) // the first class is the one the headsets list
        hub_db_set_setting(hub, "class_current", id);
    free(current);
    hub_ws_send_class(hub, 0);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id);
    send_and_free(c, 200, o);
}

static void class_current(stoa_hub *hub, hub_req *c)
{
    cJSON *j = body(hub, c, HUB_MAX_SMALL_BODY);
    if (!j)
        return;
    const char *id = str(j, "class_id");
    bool ok = hub_is_uuid(id) && hub_class_exists(hub, id) && hub_db_set_setting(hub, "class_current", id);
    cJSON_Delete(j);
    if (!ok)
        {
        hub_send_error(c, 404, "class_id: no such class");
        return;
    }
    hub_ws_send_class(hub, 0);
    hub_send_text(c, 200, "application/json", "{\"ok\":true}", 11, NULL);
}

static void learner_add(stoa_hub *hub, hub_req *c)
{
    cJSON *j = body(hub, c, HUB_MAX_SMALL_BODY);
    if (!j)
        return;
    char name[HUB_NAME_MAX + 1], number[HUB_NAME_MAX + 1], id[37];
    const char *cls = str(j, "class_id"), *pin = str(j, "pin"), *why = NULL;
    if (!hub_is_uuid(cls) || !hub_class_exists(hub, cls))
        why = "class_id: no such class";
    else if (!clean_field(str(j, "name"), name, true))
        why = "name: a learner needs a name of at most 64 bytes";
    else if (!clean_field(str(j, "number"), number, false))
        why = "number: at most 64 bytes";
    else if (!hub_class_pin_ok(pin))
        why = "pin: four digits, or none";
    bool ok = !why && hub_class_add_learner(hub, cls, name, number, pin, id);
    cJSON_Delete(j);
    if (why || !ok)
        {
        hub_send_error(c, why ? 400 : 500, why ? why : "the database failed");
        return;
    }
    hub_ws_send_class(hub, 0);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "learner_id", id);
    send_and_free(c, 200, o);
}

static void learner_edit(stoa_hub *hub, hub_req *c)
{
    cJSON *j = body(hub, c, HUB_MAX_SMALL_BODY);
    if (!j)
        return;
    char name[HUB_NAME_MAX + 1], number[HUB_NAME_MAX + 1];
    const char *id = str(j, "learner_id"), *pin = str(j, "pin"), *why = NULL;
    const cJSON *arch = cJSON_GetObjectItemCaseSensitive(j, "archived");
    if (!hub_is_uuid(id))
        why = "learner_id: expected a learner id";
    else if (str(j, "name") && !clean_field(str(j, "name"), name, true))
        why = "name: at most 64 bytes, not empty";
    else if (str(j, "number") && !clean_field(str(j, "number"), number, false))
        why = "number: at most 64 bytes";
    else if (!hub_class_pin_ok(pin))
        why = "pin: four digits, or \"\" for none";
    bool ok = !why && hub_class_edit_learner(hub, id, str(j, "name") ? name : NULL, str(j, "number") ? number : NULL,
                                             pin, cJSON_IsBool(arch) ? cJSON_IsTrue(arch) : -1);
    cJSON_Delete(j);
    if (why || !ok)
        {
        hub_send_error(c, why ? 400 : 404, why ? why : "no such learner");
        return;
    }
    hub_ws_send_class(hub, 0);
    hub_send_text(c, 200, "application/json", "{\"ok\":true}", 11, NULL);
}

static void class_import(stoa_hub *hub, hub_req *c)
{
    cJSON *j = body(hub, c, HUB_MAX_IMPORT_BODY);
    if (!j)
        return;
    const char *cls = str(j, "class_id"), *csv = str(j, "csv");
    if (!hub_is_uuid(cls) || !hub_class_exists(hub, cls) || !csv) {
        cJSON_Delete(j);
        {
        hub_send_error(c, 400, "expected {\"class_id\": a class, \"csv\": the file's text}");
        return;
    }
    }
    cJSON *o = hub_class_import_csv(hub, cls, csv, strlen(csv));
    cJSON_Delete(j);
    bool ok = cJSON_GetArraySize(cJSON_GetObjectItem(o, "errors")) == 0;
    if (ok)
        hub_ws_send_class(hub, 0);
    send_and_free(c, ok ? 200 : 422, o);
}

// {"device": id, "learner_id": id}: the teacher signs a learner in on a headset.
static void learner_assign(stoa_hub *hub, hub_req *c)
{
    cJSON *j = body(hub, c, HUB_MAX_SMALL_BODY);
    if (!j)
        return;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "device");
    int64_t dev = cJSON_IsNumber(d) && d->valuedouble >= 1 && d->valuedouble < 9e15 ? (int64_t)d->valuedouble : 0;
    const char *learner = str(j, "learner_id");
    char id[40];
    snprintf(id, sizeof id, "%s", learner ? learner : "");
    cJSON_Delete(j);
    if (!dev || !hub_db_device_exists(hub, dev))
        {
        hub_send_error(c, 404, "device: no such headset");
        return;
    }
    if (!hub_is_uuid(id)) {
        hub_class_sign_out(hub, dev, NULL);
        hub_ws_send_signin(hub, dev);
        {
        hub_send_text(c, 200, "application/json", "{\"signed_in\":false}", 19, NULL);
        return;
    }
    }
    int64_t was = hub_class_sign_out(hub, 0, id); // moved from another headset
    if (hub_class_sign_in(hub, dev, id, NULL, true) != HUB_SIGNIN_OK)
        {
        hub_send_error(c, 404, "learner_id: no such learner (or archived)");
        return;
    }
    if (was && was != dev)
        hub_ws_send_signin(hub, was);
    hub_ws_send_signin(hub, dev);
    hub_send_text(c, 200, "application/json", "{\"signed_in\":true}", 18, NULL);
}

static void learner_export(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, false))
        return;
    char id[64];
    if (!hub_query_var(c, "learner", id, sizeof id) || !hub_is_uuid(id))
        {
        hub_send_error(c, 400, "learner: expected a learner id");
        return;
    }
    cJSON *o = hub_class_export_learner(hub, id);
    if (!o)
        {
        hub_send_error(c, 404, "no such learner");
        return;
    }
    char head[160];
    snprintf(head, sizeof head, "Content-Disposition: attachment; filename=\"learner-%s.json\"\r\n", id);
    hub_send_json(c, 200, o, head);
    cJSON_Delete(o);
}

static void learner_delete(stoa_hub *hub, hub_req *c)
{
    cJSON *j = body(hub, c, HUB_MAX_SMALL_BODY);
    if (!j)
        return;
    char id[40];
    snprintf(id, sizeof id, "%s", str(j, "learner_id") ? str(j, "learner_id") : "");
    cJSON_Delete(j);
    if (!hub_is_uuid(id))
        {
        hub_send_error(c, 400, "learner_id: expected a learner id");
        return;
    }
    int64_t was = hub_class_sign_out(hub, 0, id);
    cJSON *o = hub_class_delete_learner(hub, id);
    if (!o)
        {
        hub_send_error(c, 404, "no such learner");
        return;
    }
    if (was)
        hub_ws_send_signin(hub, was);
    hub_ws_send_class(hub, 0);
    fprintf(stderr, "stoa hub: a learner and their records were deleted from the panel\n");
    send_and_free(c, 200, o);
}

static int64_t device_of(const cJSON *j)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "device");
    return cJSON_IsNumber(d) && d->valuedouble >= 1 && d->valuedouble < 9e15 ? (int64_t)d->valuedouble : 0;
}

static void device_rename(stoa_hub *hub, hub_req *c)
{
    cJSON *j = body(hub, c, HUB_MAX_SMALL_BODY);
    if (!j)
        return;
    char name[HUB_NAME_MAX + 1];
    int64_t dev = device_of(j);
    bool named = clean_field(str(j, "name"), name, true);
    cJSON_Delete(j);
    if (!named)
        {
        hub_send_error(c, 400, "name: at most 64 bytes, not empty");
        return;
    }
    if (!dev || !hub_db_rename_device(hub, dev, name))
        {
        hub_send_error(c, 404, "device: no such headset");
        return;
    }
    hub_roster_rename(hub, dev, name);
    hub_send_text(c, 200, "application/json", "{\"renamed\":true}", 16, NULL);
}

// Removing a headset revokes its token (it must join again with the code)
// and takes its card off the panel; its records stay.
static void device_remove(stoa_hub *hub, hub_req *c)
{
    cJSON *j = body(hub, c, HUB_MAX_SMALL_BODY);
    if (!j)
        return;
    int64_t dev = device_of(j);
    cJSON_Delete(j);
    if (!dev || !hub_db_remove_device(hub, dev))
        {
        hub_send_error(c, 404, "device: no such headset");
        return;
    }
    hub_class_sign_out(hub, dev, NULL);
    hub_roster_remove(hub, dev);
    hub_server_close_tagged(hub->srv, dev);
    fprintf(stderr, "stoa hub: headset %lld removed from the panel\n", (long long)dev);
    hub_send_text(c, 200, "application/json", "{\"removed\":true}", 16, NULL);
}

bool hub_api_class_route(stoa_hub *hub, hub_req *c, const char *p)
{
    static const struct {
        const char *path, *method;
        void (*fn)(stoa_hub *, hub_req *);
    } routes[] = {
        {"classes", "GET", classes},
        {"class/create", "POST", class_create},
        {"class/current", "POST", class_current},
        {"class/import", "POST", class_import},
        {"learner/add", "POST", learner_add},
        {"learner/edit", "POST", learner_edit},
        {"learner/assign", "POST", learner_assign},
        {"learner/export", "GET", learner_export},
        {"learner/delete", "POST", learner_delete},
        {"device/rename", "POST", device_rename},
        {"device/remove", "POST", device_remove},
        {"gradebook", "GET", hub_handle_gradebook},
        {"lessons/upload", "POST", hub_handle_upload},
    };
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        if (strcmp(p, routes[i].path) != 0)
            continue;
        if (strcmp(hub_method(c), routes[i].method) != 0)
            hub_send_error(c, 405, "method not allowed");
        else
            routes[i].fn(hub, c);
        return true;
    }
    return false;
}
