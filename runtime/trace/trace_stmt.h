// SPDX-License-Identifier: Apache-2.0
// cJSON builders for the parts of a statement. Each returns a new cJSON
// item owned by the caller (cJSON_Delete), or NULL when out of memory.
#pragma once

#include "trace/stoa_trace.h"
#include "trace_internal.h"

typedef enum stoa_trace_verb {
    STOA_VERB_LAUNCHED,
    STOA_VERB_INITIALIZED,
    STOA_VERB_SUSPENDED,
    STOA_VERB_RESUMED,
    STOA_VERB_TERMINATED,
    STOA_VERB_EXPERIENCED,
    STOA_VERB_ANSWERED,
    STOA_VERB_COMPLETED,
    STOA_VERB_PASSED,
    STOA_VERB_FAILED,
    STOA_VERB_INTERACTED,
    STOA_VERB_GRABBED,
    STOA_VERB_RELEASED,
    STOA_VERB_POINTED,
    STOA_VERB_GAZED,
    STOA_VERB_TELEPORTED,
    STOA_VERB_TRACKED,
    STOA_VERB_LISTENED,
    STOA_VERB_COUNT,
} stoa_trace_verb;

// IRI and English display of a verb (static strings).
const char *stoa_trace_verb_iri(stoa_trace_verb v);
const char *stoa_trace_verb_display(stoa_trace_verb v);

#define STOA_ACT_LESSON "http://adlnet.gov/expapi/activities/lesson"
#define STOA_ACT_QUESTION "http://adlnet.gov/expapi/activities/cmi.interaction"
#define STOA_ACT_STATE STOA_XAPI_ACT_NS "lesson-state"
#define STOA_ACT_NODE STOA_XAPI_ACT_NS "scene-node"
#define STOA_ACT_PLACE STOA_XAPI_ACT_NS "place"
#define STOA_ACT_NARRATION STOA_XAPI_ACT_NS "narration"

// {"objectType":"Agent","account":{"homePage":..,"name":..},"name":..}
// real_name may be NULL (then no "name": the pseudonym stays the only id).
cJSON *stoa_trace_json_agent(const char *home_page, const char *account, const char *real_name);

cJSON *stoa_trace_json_verb(stoa_trace_verb v);

// A language map from names; invalid tags and empty texts are skipped and
// an empty result falls back to {"und": fallback}.
cJSON *stoa_trace_json_lang_map(stoa_trace_names names, const char *fallback);

typedef struct stoa_trace_activity_desc {
    const char *iri;
    const char *type_iri;
    stoa_trace_names names;
    const char *fallback_name;
    const char *const *concepts;
    size_t concept_count;
    bool key_node;
    const char *interaction_type; // only for questions
    const char *correct_response;
    bool survey; // a self-report question (extension `survey`)
} stoa_trace_activity_desc;

cJSON *stoa_trace_json_activity(const stoa_trace_activity_desc *d);

// {"duration": "PT…"} style helper: adds "duration" to obj.
void stoa_trace_json_add_duration(cJSON *obj, int64_t ns);
