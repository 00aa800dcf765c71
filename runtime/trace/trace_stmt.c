// SPDX-License-Identifier: Apache-2.0
// Statement parts. ADL verbs where the ADL vocabulary has one (cmi5 uses
// the same IRIs); Stoa's own VR verbs live under https://stoa.dev/xapi/verbs/.
#include "trace_stmt.h"

#include <math.h>
#include <string.h>

static const struct {
    const char *iri, *display;
} g_verbs[STOA_VERB_COUNT] = {
    [STOA_VERB_LAUNCHED] = {"http://adlnet.gov/expapi/verbs/launched", "launched"},
    [STOA_VERB_INITIALIZED] = {"http://adlnet.gov/expapi/verbs/initialized", "initialized"},
    [STOA_VERB_SUSPENDED] = {"http://adlnet.gov/expapi/verbs/suspended", "suspended"},
    [STOA_VERB_RESUMED] = {"http://adlnet.gov/expapi/verbs/resumed", "resumed"},
    [STOA_VERB_TERMINATED] = {"http://adlnet.gov/expapi/verbs/terminated", "terminated"},
    [STOA_VERB_EXPERIENCED] = {"http://adlnet.gov/expapi/verbs/experienced", "experienced"},
    [STOA_VERB_ANSWERED] = {"http://adlnet.gov/expapi/verbs/answered", "answered"},
    [STOA_VERB_COMPLETED] = {"http://adlnet.gov/expapi/verbs/completed", "completed"},
    [STOA_VERB_PASSED] = {"http://adlnet.gov/expapi/verbs/passed", "passed"},
    [STOA_VERB_FAILED] = {"http://adlnet.gov/expapi/verbs/failed", "failed"},
    [STOA_VERB_INTERACTED] = {"http://adlnet.gov/expapi/verbs/interacted", "interacted"},
    [STOA_VERB_GRABBED] = {STOA_XAPI_VERB_NS "grabbed", "grabbed"},
    [STOA_VERB_RELEASED] = {STOA_XAPI_VERB_NS "released", "released"},
    [STOA_VERB_POINTED] = {STOA_XAPI_VERB_NS "pointed", "pointed at"},
    [STOA_VERB_GAZED] = {STOA_XAPI_VERB_NS "gazed", "gazed at"},
    [STOA_VERB_TELEPORTED] = {STOA_XAPI_VERB_NS "teleported", "teleported to"},
    [STOA_VERB_TRACKED] = {STOA_XAPI_VERB_NS "tracked", "was tracked in"},
    [STOA_VERB_LISTENED] = {STOA_XAPI_VERB_NS "listened", "listened to"},
};

const char *stoa_trace_verb_iri(stoa_trace_verb v)
{
    return v < STOA_VERB_COUNT ? g_verbs[v].iri : "";
}

const char *stoa_trace_verb_display(stoa_trace_verb v)
{
    return v < STOA_VERB_COUNT ? g_verbs[v].display : "";
}

cJSON *stoa_trace_json_agent(const char *home_page, const char *account, const char *real_name)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "objectType", "Agent");
    if (real_name && *real_name)
        cJSON_AddStringToObject(a, "name", real_name);
    cJSON *acc = cJSON_AddObjectToObject(a, "account");
    cJSON_AddStringToObject(acc, "homePage", home_page);
    cJSON_AddStringToObject(acc, "name", account);
    return a;
}

cJSON *stoa_trace_json_verb(stoa_trace_verb v)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "id", stoa_trace_verb_iri(v));
    cJSON *d = cJSON_AddObjectToObject(j, "display");
    cJSON_AddStringToObject(d, "en-US", stoa_trace_verb_display(v));
    return j;
}

cJSON *stoa_trace_json_lang_map(stoa_trace_names names, const char *fallback)
{
    cJSON *m = cJSON_CreateObject();
    for (size_t i = 0; i < names.count; i++) {
        const stoa_trace_text *t = &names.items[i];
        if (!t->text || !*t->text || !stoa_trace_parse_lang_tag(t->lang) ||
            cJSON_GetObjectItemCaseSensitive(m, t->lang))
            continue;
        cJSON_AddStringToObject(m, t->lang, t->text);
    }
    if (!m->child)
        cJSON_AddStringToObject(m, "und", fallback && *fallback ? fallback : "?");
    return m;
}

cJSON *stoa_trace_json_activity(const stoa_trace_activity_desc *d)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "objectType", "Activity");
    cJSON_AddStringToObject(a, "id", d->iri);
    cJSON *def = cJSON_AddObjectToObject(a, "definition");
    cJSON_AddItemToObject(def, "name", stoa_trace_json_lang_map(d->names, d->fallback_name));
    cJSON_AddStringToObject(def, "type", d->type_iri);
    if (d->interaction_type) {
        cJSON_AddStringToObject(def, "interactionType", d->interaction_type);
        if (d->correct_response) {
            cJSON *crp = cJSON_AddArrayToObject(def, "correctResponsesPattern");
            cJSON_AddItemToArray(crp, cJSON_CreateString(d->correct_response));
        }
    }
    if (d->concept_count > 0 || d->key_node || d->survey) {
        cJSON *ext = cJSON_AddObjectToObject(def, "extensions");
        if (d->survey)
            cJSON_AddBoolToObject(ext, STOA_EXT_SURVEY, true);
        if (d->concept_count > 0) {
            cJSON *c = cJSON_AddArrayToObject(ext, STOA_EXT_CONCEPTS);
            for (size_t i = 0; i < d->concept_count; i++)
                if (d->concepts[i] && *d->concepts[i])
                    cJSON_AddItemToArray(c, cJSON_CreateString(d->concepts[i]));
        }
        if (d->key_node)
            cJSON_AddBoolToObject(ext, STOA_EXT_KEY_NODE, true);
    }
    return a;
}

void stoa_trace_json_add_duration(cJSON *obj, int64_t ns)
{
    char buf[48];
    stoa_trace_format_duration(ns, buf, sizeof buf);
    cJSON_AddStringToObject(obj, "duration", buf);
}
