// SPDX-License-Identifier: Apache-2.0
// Action sets and actions: creation, names, destruction.
#include <stdlib.h>
#include <string.h>

#include "xrsim_api.h"
#include "xrsim_result.h"

static bool name_ok(const char *s, size_t n);

// Spec §11.2/§11.3 (xrCreateActionSet, xrCreateAction): an empty name is
// XR_ERROR_NAME_INVALID; a name that is not a well-formed path element
// (lower case letters, digits, '-', '_', '.') is XR_ERROR_PATH_FORMAT_INVALID;
// one without its terminator inside the array breaks valid usage.
static XrResult name_check(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    if (n == 0)
        return XR_ERROR_NAME_INVALID;
    if (n == max)
        return XR_ERROR_VALIDATION_FAILURE;
    return name_ok(s, n) ? XR_SUCCESS : XR_ERROR_PATH_FORMAT_INVALID;
}

static bool name_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return false;
    }
    return true;
}

XrResult xrsim_xrCreateActionSet(XrInstance instance, const XrActionSetCreateInfo *ci,
                                 XrActionSet *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreateActionSet";
    XrResult r = xrsim_check_instance(instance, fn);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = (xrsim_instance *)instance;
    if (!ci || !out || ci->type != XR_TYPE_ACTION_SET_CREATE_INFO)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad create info");
    r = name_check(ci->actionSetName, sizeof ci->actionSetName);
    if (r != XR_SUCCESS)
        return xrsim_app_error(inst, fn, r, "bad actionSetName");
    if (!ci->localizedActionSetName[0])
        return xrsim_app_error(inst, fn, XR_ERROR_LOCALIZED_NAME_INVALID, "empty localized name");
    for (uint32_t i = 0; i < inst->set_count; i++) {
        if (strcmp(inst->sets[i]->name, ci->actionSetName) == 0)
            return xrsim_app_error(inst, fn, XR_ERROR_NAME_DUPLICATED, ci->actionSetName);
        if (strcmp(inst->sets[i]->localized, ci->localizedActionSetName) == 0)
            return xrsim_app_error(inst, fn, XR_ERROR_LOCALIZED_NAME_DUPLICATED,
                                   ci->localizedActionSetName);
    }
    xrsim_action_set **sets = realloc(inst->sets, (inst->set_count + 1) * sizeof *sets);
    xrsim_action_set *set = calloc(1, sizeof *set);
    if (sets)
        inst->sets = sets;
    if (!sets || !set) {
        free(set);
        return XR_ERROR_OUT_OF_MEMORY;
    }
    set->instance = inst;
    memcpy(set->name, ci->actionSetName, sizeof set->name);
    memcpy(set->localized, ci->localizedActionSetName, sizeof set->localized);
    set->priority = ci->priority;
    inst->sets[inst->set_count++] = set;
    xrsim_handle_add(set, XRSIM_ACTION_SET);
    *out = (XrActionSet)set;
    return XR_SUCCESS;
}

static void action_free(xrsim_action *a)
{
    xrsim_instance *inst = a->set->instance;
    // Bindings and action spaces that name it go with it.
    uint32_t n = 0;
    for (uint32_t i = 0; i < inst->binding_count; i++)
        if (inst->bindings[i].action != a)
            inst->bindings[n++] = inst->bindings[i];
    inst->binding_count = n;
    xrsim_action_set *set = a->set;
    for (uint32_t i = 0; i < set->action_count; i++)
        if (set->actions[i] == a) {
            set->actions[i] = set->actions[--set->action_count];
            break;
        }
    xrsim_handle_release(a);
}

void xrsim_action_set_free(xrsim_action_set *set)
{
    xrsim_instance *inst = set->instance;
    while (set->action_count)
        action_free(set->actions[set->action_count - 1]);
    free(set->actions);
    for (uint32_t i = 0; i < inst->set_count; i++)
        if (inst->sets[i] == set) {
            inst->sets[i] = inst->sets[--inst->set_count];
            break;
        }
    xrsim_session *s = inst->session;
    for (uint32_t i = 0; s && i < s->attached_count; i++)
        if (s->attached[i] == set)
            s->attached[i] = s->attached[--s->attached_count];
    xrsim_handle_release(set);
}

XrResult xrsim_xrDestroyActionSet(XrActionSet set)
{
    XRSIM_API_LOCK();
    if (!xrsim_handle_live(set, XRSIM_ACTION_SET))
        return xrsim_app_error(NULL, "xrDestroyActionSet", XR_ERROR_HANDLE_INVALID, "bad set");
    xrsim_action_set_free((xrsim_action_set *)set);
    return XR_SUCCESS;
}

static bool top_level_ok(xrsim_instance *inst, XrPath p)
{
    const char *s = xrsim_path_str(inst, p);
    return s && (strcmp(s, "/user/hand/left") == 0 || strcmp(s, "/user/hand/right") == 0 ||
                 strcmp(s, "/user/head") == 0 || strcmp(s, "/user/gamepad") == 0 ||
                 strcmp(s, "/user/treadmill") == 0);
}

static XrResult check_action_info(xrsim_action_set *set, const XrActionCreateInfo *ci)
{
    const char *fn = "xrCreateAction";
    xrsim_instance *inst = set->instance;
    if (set->attached)
        return xrsim_app_error(inst, fn, XR_ERROR_ACTIONSETS_ALREADY_ATTACHED, set->name);
    XrResult r = name_check(ci->actionName, sizeof ci->actionName);
    if (r != XR_SUCCESS)
        return xrsim_app_error(inst, fn, r, "bad actionName");
    if (!ci->localizedActionName[0])
        return xrsim_app_error(inst, fn, XR_ERROR_LOCALIZED_NAME_INVALID, "empty localized name");
    if (!xrsim_enum_valid("XrActionType", ci->actionType, inst->api_minor))
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad actionType");
    if (ci->countSubactionPaths > XRSIM_MAX_SUBACTIONS ||
        (ci->countSubactionPaths && !ci->subactionPaths))
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "subaction paths");
    for (uint32_t i = 0; i < ci->countSubactionPaths; i++) {
        if (!xrsim_path_str(inst, ci->subactionPaths[i]))
            return xrsim_app_error(inst, fn, XR_ERROR_PATH_INVALID, "unknown XrPath");
        if (!top_level_ok(inst, ci->subactionPaths[i]))
            return xrsim_app_error(inst, fn, XR_ERROR_PATH_UNSUPPORTED,
                                   "subaction path is not a top level /user path");
        for (uint32_t j = 0; j < i; j++)
            if (ci->subactionPaths[j] == ci->subactionPaths[i])
                return xrsim_app_error(inst, fn, XR_ERROR_PATH_UNSUPPORTED,
                                       "subaction path listed twice");
    }
    for (uint32_t i = 0; i < set->action_count; i++) {
        if (strcmp(set->actions[i]->name, ci->actionName) == 0)
            return xrsim_app_error(inst, fn, XR_ERROR_NAME_DUPLICATED, ci->actionName);
        if (strcmp(set->actions[i]->localized, ci->localizedActionName) == 0)
            return xrsim_app_error(inst, fn, XR_ERROR_LOCALIZED_NAME_DUPLICATED,
                                   ci->localizedActionName);
    }
    return XR_SUCCESS;
}

XrResult xrsim_xrCreateAction(XrActionSet action_set, const XrActionCreateInfo *ci,
                              XrAction *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreateAction";
    if (!xrsim_handle_live(action_set, XRSIM_ACTION_SET))
        return xrsim_app_error(NULL, fn, XR_ERROR_HANDLE_INVALID, "bad action set");
    xrsim_action_set *set = (xrsim_action_set *)action_set;
    if (set->instance->lost)
        return XR_ERROR_INSTANCE_LOST;
    if (!ci || !out || ci->type != XR_TYPE_ACTION_CREATE_INFO)
        return xrsim_app_error(set->instance, fn, XR_ERROR_VALIDATION_FAILURE, "bad create info");
    XrResult r = check_action_info(set, ci);
    if (r != XR_SUCCESS)
        return r;
    xrsim_action **list = realloc(set->actions, (set->action_count + 1) * sizeof *list);
    xrsim_action *a = calloc(1, sizeof *a);
    if (list)
        set->actions = list;
    if (!list || !a) {
        free(a);
        return XR_ERROR_OUT_OF_MEMORY;
    }
    a->set = set;
    memcpy(a->name, ci->actionName, sizeof a->name);
    memcpy(a->localized, ci->localizedActionName, sizeof a->localized);
    a->type = ci->actionType;
    a->subaction_count = ci->countSubactionPaths;
    for (uint32_t i = 0; i < a->subaction_count; i++)
        a->subactions[i] = ci->subactionPaths[i];
    set->actions[set->action_count++] = a;
    xrsim_handle_add(a, XRSIM_ACTION);
    *out = (XrAction)a;
    return XR_SUCCESS;
}

XrResult xrsim_xrDestroyAction(XrAction action)
{
    XRSIM_API_LOCK();
    if (!xrsim_handle_live(action, XRSIM_ACTION))
        return xrsim_app_error(NULL, "xrDestroyAction", XR_ERROR_HANDLE_INVALID, "bad action");
    action_free((xrsim_action *)action);
    return XR_SUCCESS;
}

int xrsim_action_subaction_slot(const xrsim_action *a, XrPath p)
{
    for (uint32_t i = 0; i < a->subaction_count; i++)
        if (a->subactions[i] == p)
            return (int)i;
    return -1;
}
