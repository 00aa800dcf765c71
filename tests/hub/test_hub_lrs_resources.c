// SPDX-License-Identifier: Apache-2.0
// About (Communication 2.8), Activities (2.5), Agents (2.4), and what every
// LRS resource beyond Statements shares: parameters (3.2.s3.b7/b8, the
// resource tables' "Required"/types), the version header (3.3), HEAD (1.1),
// credentials (4.0, 3.2.s3.b10) and the hub's own rule that a headset
// reaches only its own learner's documents.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hub_internal.h"
#include "lrs_test_util.h"
#include "stoa_test.h"

static const char k_act[] = "http://example.com/activities/resources";
static const char k_agent[] = "{\"mbox\":\"mailto:res@example.com\"}";

static lrs_answer get(const char *path)
{
    return lrs_req("GET", path, NULL, NULL, NULL, 0, false);
}

static void expect(const char *method, const char *path, int status, const char *needle,
                   const char *why)
{
    lrs_answer a =
        lrs_req(method, path, NULL, strcmp(method, "PUT") == 0 ? "If-None-Match: *\r\n" : NULL,
                strcmp(method, "PUT") == 0 || strcmp(method, "POST") == 0 ? "{}" : NULL,
                strcmp(method, "PUT") == 0 || strcmp(method, "POST") == 0 ? 2 : 0, false);
    CHECK_MSG(a.status == status && (!needle || (a.body && strstr(a.body, needle))),
              "%s: %s %s -> %d %s", why, method, path, a.status, a.body ? a.body : "");
    char v[32];
    CHECK_MSG(strcmp(lrs_header(&a, "X-Experience-API-Version", v, sizeof v), "1.0.3") == 0,
              "3.3.s3.b1/b2: X-Experience-API-Version: 1.0.3 on every answer (%s %s)", method,
              path);
    lrs_free(&a);
}

STOA_TEST(about)
{
    CHECK(lrs_setup() > 0);
    // 2.8.s5.b3/b4: open to all, whatever the version header.
    lrs_answer a = lrs_req("GET", "/xapi/about", "", NULL, NULL, 0, true);
    CHECK_MSG(a.status == 200, "2.8.s5.b3/b4: About without credentials or version header, got %d",
              a.status);
    cJSON *j = cJSON_Parse(a.body);
    cJSON *v = cJSON_GetObjectItem(j, "version");
    CHECK_MSG(cJSON_IsArray(v) && cJSON_GetArraySize(v) >= 1 &&
                  strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(v, 0)), "1.0.3") == 0,
              "2.8.s5.b1: version is an array with 1.0.3: %s", a.body);
    int props = cJSON_GetArraySize(j);
    cJSON *ext = cJSON_GetObjectItem(j, "extensions");
    CHECK_MSG(props == 2 && cJSON_IsObject(ext), "2.8.s5.b2: only version and extensions: %s",
              a.body);
    CHECK_MSG(cJSON_GetNumberValue(
                  cJSON_GetObjectItem(ext, "https://stoa.dev/xapi/about/statements-limit")) == 500,
              "issue 14: About states the statement limit cap: %s", a.body);
    cJSON_Delete(j);
    lrs_free(&a);
    a = lrs_req("HEAD", "/xapi/about", "", NULL, NULL, 0, true);
    CHECK_MSG(a.status == 200 && (!a.body || !a.body[0]), "1.1.s3.b1: HEAD About, no body (%d)",
              a.status);
    lrs_free(&a);
}

STOA_TEST(parameters)
{
    CHECK(lrs_setup() > 0);
    char *p;
    // Missing required parameters: 400 naming them
    // (2.3.s3.table1, 2.6.s3.table1, 2.7.s3.table1, 2.4.s2, 2.5.s1).
    p = lrs_path("activities/state", "agent", k_agent, "stateId", "x", NULL);
    expect("GET", p, 400, "activityId", "2.3.s3.table1.row1: activityId required");
    expect("PUT", p, 400, "activityId", "2.3.s3.table1.row1: activityId required");
    free(p);
    p = lrs_path("activities/state", "activityId", k_act, "stateId", "x", NULL);
    expect("DELETE", p, 400, "agent", "2.3.s3.table1.row2: agent required");
    free(p);
    p = lrs_path("activities/state", "activityId", k_act, "agent", k_agent, NULL);
    expect("PUT", p, 400, "stateId", "2.3.s3.table1.row4: stateId required for PUT");
    expect("POST", p, 400, "stateId", "2.3.s3.table1.row4: stateId required for POST");
    free(p);
    p = lrs_path("activities/profile", "activityId", k_act, NULL);
    expect("DELETE", p, 400, "profileId", "2.7.s3.table1.row2: profileId required for DELETE");
    free(p);
    p = lrs_path("agents/profile", "profileId", "x", NULL);
    expect("GET", p, 400, "agent", "2.6.s3.table1.row1: agent required");
    free(p);
    expect("GET", "/xapi/agents", 400, "agent", "2.4.s2.table1.row1: agent required");
    expect("GET", "/xapi/activities", 400, "activityId", "2.5.s1.table1.row1: activityId required");
    // Malformed values.
    const char *bad_agents[] = {"{\"mbox\":\"ada@example.com\"}",
                                "{\"name\":\"no identifier\"}",
                                "{\"mbox\":\"mailto:a@b.c\",\"openid\":\"http://o.example/a\"}",
                                "{\"objectType\":\"Group\",\"mbox\":\"mailto:a@b.c\"}",
                                "not json",
                                "[1]",
                                "{\"account\":{\"name\":\"x\"}}",
                                "{\"mbox_sha1sum\":\"xyz\"}"};
    for (size_t i = 0; i < sizeof bad_agents / sizeof *bad_agents; i++) {
        p = lrs_path("agents/profile", "agent", bad_agents[i], NULL);
        expect("GET", p, 400, "agent",
               "2.6.s3.table1.row1 / Data 2.4.2.1: agent must be an Agent with one IFI");
        free(p);
    }
    p = lrs_path("activities/state", "activityId", k_act, "agent", k_agent, "stateId", "x",
                 "registration", "nope", NULL);
    expect("GET", p, 400, "registration", "2.3.s3.table1.row3: registration must be a UUID");
    free(p);
    p = lrs_path("activities/state", "activityId", k_act, "agent", k_agent, "since", "yesterday",
                 NULL);
    expect("GET", p, 400, "since", "2.3.s4.table1.row4: since must be a timestamp");
    free(p);
    p = lrs_path("activities", "activityId", "{\"id\":1}", NULL);
    expect("GET", p, 400, "activityId", "2.5.s1.table1.row1: activityId must be an IRI");
    free(p);
    // 3.2.s3.b7: unknown parameters; 3.2.s3.b8: known ones in another case.
    p = lrs_path("activities/profile", "activityId", k_act, "profileId", "x", "foo", "1", NULL);
    expect("GET", p, 400, "foo", "3.2.s3.b7: an unknown parameter -> 400");
    free(p);
    p = lrs_path("activities/profile", "activityid", k_act, "profileId", "x", NULL);
    expect("GET", p, 400, "activityid", "3.2.s3.b8: a parameter in the wrong case -> 400");
    free(p);
    p = lrs_path("activities/profile", "activityId", k_act, "activityId", k_act, NULL);
    expect("GET", p, 400, "more than once", "3.2.s3.b7: a parameter given twice -> 400");
    free(p);
    p = lrs_path("activities/profile", "activityId", k_act, "profileId", "x", "since",
                 "2020-01-01T00:00:00Z", NULL);
    expect("GET", p, 400, "since", "2.7.s4: since belongs to the list of ids only");
    free(p);
    // 3.3.s3.b4 (and 2.8.s5.b4 by contrast): no version header -> 400 on every other resource.
    p = lrs_path("activities", "activityId", k_act, NULL);
    lrs_answer a = lrs_req("GET", p, NULL, NULL, NULL, 0, true);
    CHECK_MSG(a.status == 400, "3.3.s4: no X-Experience-API-Version -> 400, got %d", a.status);
    lrs_free(&a);
    free(p);
    expect("DELETE", "/xapi/activities?activityId=http%3A%2F%2Fx", 405, NULL,
           "a method the resource has not");
    expect("PUT", "/xapi/about", 405, NULL, "About is GET only");
    expect("GET", "/xapi/nothing", 404, NULL, "an unknown resource");
}

STOA_TEST(activities_canonical)
{
    CHECK(lrs_setup() > 0);
    // Two statements describe one activity in two languages: the LRS returns both (2.5,
    // XAPI-00254).
    const char *st =
        "[{\"actor\":{\"mbox\":\"mailto:res@example.com\"},\"verb\":{\"id\":\"http://adlnet.gov/"
        "expapi/verbs/attempted\"},"
        "\"object\":{\"id\":\"%s\",\"definition\":{\"name\":{\"en-US\":\"meeting\"},\"type\":"
        "\"http://adlnet.gov/expapi/activities/meeting\"}},"
        "\"timestamp\":\"2026-01-01T00:00:00Z\"},"
        "{\"actor\":{\"mbox\":\"mailto:res@example.com\",\"name\":\"Res\"},\"verb\":{\"id\":\"http:"
        "//adlnet.gov/expapi/verbs/attended\"},"
        "\"object\":{\"id\":\"%s\",\"definition\":{\"name\":{\"fr-FR\":\"r\\u00e9union\"}}},"
        "\"timestamp\":\"2026-01-01T00:00:01Z\"}]";
    char body[2048];
    snprintf(body, sizeof body, st, k_act, k_act);
    lrs_answer a = lrs_req("POST", "/xapi/statements", NULL, NULL, body, strlen(body), false);
    CHECK_MSG(a.status == 200, "statements stored: %d %s", a.status, a.body);
    lrs_free(&a);
    char *p = lrs_path("activities", "activityId", k_act, NULL);
    a = get(p);
    cJSON *j = cJSON_Parse(a.body), *def = cJSON_GetObjectItem(j, "definition");
    cJSON *name = cJSON_GetObjectItem(def, "name");
    CHECK_MSG(a.status == 200 &&
                  strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")), k_act) == 0 &&
                  cJSON_GetObjectItem(name, "en-US") && cJSON_GetObjectItem(name, "fr-FR") &&
                  cJSON_GetObjectItem(def, "type"),
              "2.5.s1: the complete Activity object from every statement: %s", a.body);
    char etag[64];
    CHECK_MSG(lrs_header(&a, "ETag", etag, sizeof etag)[0] == '"', "3.1.s4.b1: an ETag on GET");
    cJSON_Delete(j);
    lrs_free(&a);
    free(p);
    // One statement naming 2000 activities (more than the fold keeps in memory
    // at once): each one's definition is found.
    size_t cap = 400000, len = 0;
    char *big = malloc(cap);
    len += (size_t)snprintf(
        big, cap,
        "{\"actor\":{\"mbox\":\"mailto:res@example.com\"},\"verb\":{\"id\":"
        "\"http://adlnet.gov/expapi/verbs/attended\"},\"object\":{\"id\":\"%s\"},"
        "\"timestamp\":\"2026-01-01T00:00:02Z\",\"context\":{\"contextActivities\":"
        "{\"other\":[",
        k_act);
    for (int i = 0; i < 2000; i++)
        len += (size_t)snprintf(big + len, cap - len,
                                "%s{\"id\":\"http://example.com/many/%d\",\"definition\":{\"name\":"
                                "{\"en\":\"m%d\"}}}",
                                i ? "," : "", i, i);
    len += (size_t)snprintf(big + len, cap - len, "]}}}");
    a = lrs_req("POST", "/xapi/statements", NULL, NULL, big, len, false);
    CHECK_MSG(a.status == 200, "a statement with 2000 context activities: %d %s", a.status, a.body);
    lrs_free(&a);
    free(big);
    const char *firstlast[] = {"http://example.com/many/0", "http://example.com/many/1999"};
    for (int i = 0; i < 2; i++) {
        p = lrs_path("activities", "activityId", firstlast[i], NULL);
        a = get(p);
        CHECK_MSG(a.status == 200 && a.body && strstr(a.body, i ? "\"m1999\"" : "\"m0\""),
                  "2.5.s1: context activities' definitions too: %s", a.body);
        lrs_free(&a);
        free(p);
    }
    // 2.5.s2.b1: an activity the LRS never saw is still an Activity object.
    p = lrs_path("activities", "activityId", "http://example.com/never-seen", NULL);
    a = get(p);
    CHECK_MSG(a.status == 200 && a.body &&
                  strstr(a.body, "\"id\":\"http://example.com/never-seen\""),
              "2.5.s2.b1: unknown activity -> Activity object: %s", a.body);
    lrs_free(&a);
    free(p);
    // The Person object (2.4): arrays, the names statements gave, the identifier asked about.
    p = lrs_path("agents", "agent", k_agent, NULL);
    a = get(p);
    j = cJSON_Parse(a.body);
    CHECK_MSG(a.status == 200 &&
                  strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(j, "objectType")), "Person") ==
                      0 &&
                  cJSON_IsArray(cJSON_GetObjectItem(j, "mbox")) &&
                  cJSON_IsArray(cJSON_GetObjectItem(j, "name")) && strstr(a.body, "\"Res\""),
              "2.4.s5/s6: a Person object with array properties: %s", a.body);
    cJSON_Delete(j);
    lrs_free(&a);
    free(p);
    p = lrs_path("agents", "agent", "{\"openid\":\"http://id.example/nobody\"}", NULL);
    a = get(p);
    CHECK_MSG(a.status == 200 && a.body &&
                  strstr(a.body, "\"openid\":[\"http://id.example/nobody\"]"),
              "2.4.s3.b3: an unknown agent -> a Person with what was asked: %s", a.body);
    lrs_free(&a);
    free(p);
}

STOA_TEST(credentials_and_headsets)
{
    int port = lrs_setup();
    CHECK(port > 0);
    char *mine_state = NULL, *other_state = NULL;
    lrs_answer a = lrs_req("GET", "/xapi/activities?activityId=http%3A%2F%2Fe.x%2Fa", "", NULL,
                           NULL, 0, false);
    CHECK_MSG(a.status == 401, "4.0 / 3.2.s2.b2: no credentials -> 401, got %d", a.status);
    lrs_free(&a);
    a = lrs_req("GET", "/xapi/activities?activityId=http%3A%2F%2Fe.x%2Fa",
                "Authorization: Basic eGFwaTp3cm9uZw==\r\n", NULL, NULL, 0, false);
    CHECK_MSG(a.status == 401, "4.0: wrong key -> 401, got %d", a.status);
    lrs_free(&a);
    // A headset writes as its learner, then reaches that learner's state and nobody else's.
    char token[65], auth[128], id[37], reg[37];
    CHECK(test_join(port, stoa_hub_join_code(lrs_hub()), "lrs-headset", token) == 200);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", token);
    test_uuid(id), test_uuid(reg);
    char *st = test_statement_as(id, reg, 1, "learner-lrs");
    a = lrs_req("POST", "/xapi/statements", auth, NULL, st, strlen(st), false);
    CHECK_MSG(a.status == 200, "the headset stores as its learner: %d %s", a.status, a.body);
    lrs_free(&a);
    cJSON *sj = cJSON_Parse(st);
    char *actor = cJSON_PrintUnformatted(cJSON_GetObjectItem(sj, "actor"));
    mine_state =
        lrs_path("activities/state", "activityId", k_act, "agent", actor, "stateId", "s", NULL);
    other_state =
        lrs_path("activities/state", "activityId", k_act, "agent", k_agent, "stateId", "s", NULL);
    a = lrs_req("PUT", mine_state, auth, "Content-Type: text/plain\r\n", "mine", 4, false);
    CHECK_MSG(a.status == 204, "hub rule: a headset writes its own learner's state, got %d %s",
              a.status, a.body);
    lrs_free(&a);
    a = lrs_req("GET", mine_state, auth, NULL, NULL, 0, false);
    CHECK_MSG(a.status == 200 && a.body && strcmp(a.body, "mine") == 0,
              "hub rule: and reads it back (%d)", a.status);
    lrs_free(&a);
    a = lrs_req("GET", other_state, auth, NULL, NULL, 0, false);
    CHECK_MSG(a.status == 403,
              "3.2.s3.b10: another agent's state with a headset token -> 403, got %d", a.status);
    lrs_free(&a);
    char *ap = lrs_path("activities/profile", "activityId", k_act, "profileId", "p", NULL);
    a = lrs_req("PUT", ap, auth, "If-None-Match: *\r\n", "{}", 2, false);
    CHECK_MSG(a.status == 403,
              "3.2.s3.b10: a headset does not write activity profiles -> 403, got %d", a.status);
    lrs_free(&a);
    // The roster learner signed in on it is its learner too, whatever homePage
    // the headset used; another roster learner is not.
    char class_id[37], mine[37], theirs[37], tok_hash[65], agent[200];
    hub_device_row row;
    hub_sha256_hex(token, 64, tok_hash);
    CHECK(hub_db_find_device(lrs_hub(), tok_hash, &row));
    CHECK(hub_class_create(lrs_hub(), "headset class", class_id));
    CHECK(hub_class_add_learner(lrs_hub(), class_id, "Mine", "1", NULL, mine));
    CHECK(hub_class_add_learner(lrs_hub(), class_id, "Theirs", "2", NULL, theirs));
    CHECK(hub_class_sign_in(lrs_hub(), row.id, mine, NULL, true) == HUB_SIGNIN_OK);
    for (int k = 0; k < 2; k++) {
        snprintf(agent, sizeof agent,
                 "{\"account\":{\"homePage\":\"http://10.0.0.%d:8480/\",\"name\":\"%s\"}}", k + 2,
                 k ? theirs : mine);
        char *sp = lrs_path("activities/state", "activityId", k_act, "agent", agent, "stateId",
                            "signed-in", NULL);
        a = lrs_req("PUT", sp, auth, "Content-Type: text/plain\r\n", "x", 1, false);
        CHECK_MSG(a.status == (k ? 403 : 204),
                  "hub rule: the signed-in learner's state %s (got %d)",
                  k ? "only: another roster learner's is 403" : "is the headset's", a.status);
        lrs_free(&a);
        free(sp);
    }
    // The instructor's session reads, never writes.
    char cookie[128], csrf[65], h[256];
    CHECK(test_login(port, TEST_PASSWORD, cookie, csrf) == 200);
    snprintf(h, sizeof h, "Cookie: %s\r\n", cookie);
    a = lrs_req("GET", mine_state, h, NULL, NULL, 0, false);
    CHECK_MSG(a.status == 200, "the instructor reads documents, got %d", a.status);
    lrs_free(&a);
    a = lrs_req("DELETE", mine_state, h, NULL, NULL, 0, false);
    CHECK_MSG(a.status == 403, "3.2.s3.b10: the instructor's session does not write -> 403, got %d",
              a.status);
    lrs_free(&a);
    // The same one check (hub_lrs_authorize) for Statements: reads, never writes.
    a = lrs_req("GET", "/xapi/statements?limit=1", h, NULL, NULL, 0, false);
    CHECK_MSG(a.status == 200, "the instructor reads statements, got %d", a.status);
    lrs_free(&a);
    a = lrs_req("POST", "/xapi/statements", h, NULL, st, strlen(st), false);
    CHECK_MSG(a.status == 403, "the instructor's session does not write statements -> 403, got %d", a.status);
    lrs_free(&a);
    // A device token in the alternate syntax's form is the headset's (1.3.s3.b7: form values are headers).
    char form[400];
    snprintf(form, sizeof form, "Authorization=Bearer%%20%s&X-Experience-API-Version=1.0.3&limit=1", token);
    a = lrs_req("POST", "/xapi/statements?method=GET", "", "Content-Type: application/x-www-form-urlencoded\r\n",
                form, strlen(form), true);
    CHECK_MSG(a.status == 200, "1.3: a Bearer token in the form authorizes the headset, got %d %s", a.status,
              a.body ? a.body : "");
    lrs_free(&a);
    cJSON_Delete(sj);
    free(actor), free(st), free(mine_state), free(other_state), free(ap);
}

// Communication 1.3: a POST with ?method=X and the headers, parameters and
// document in a form is the request it stands for (1.3.s3.b15: MUST support).
STOA_TEST(alternate_request_syntax)
{
    CHECK(lrs_setup() > 0);
    const char *auth = lrs_key_auth() + strlen("Authorization: ");
    char *plain_auth = strndup(auth, strcspn(auth, "\r")), *enc_auth = lrs_enc(plain_auth);
    free(plain_auth);
    char *act = lrs_enc(k_act), *agent = lrs_enc(k_agent);
    char form[2048];
    snprintf(form, sizeof form,
             "Authorization=%s&X-Experience-API-Version=1.0.3&Content-Type=application%%2Fjson&If-"
             "None-Match=*"
             "&activityId=%s&agent=%s&stateId=alt&content=%%7B%%22via%%22%%3A%%22form%%22%%7D",
             enc_auth, act, agent);
    const char *form_type = "Content-Type: application/x-www-form-urlencoded\r\n";
    // No Authorization or version header on the request itself: the form carries them (1.3.s3.b7).
    lrs_answer a = lrs_req("POST", "/xapi/activities/state?method=PUT", "", form_type, form,
                           strlen(form), true);
    CHECK_MSG(a.status == 204, "1.3.s3.b15/b7/b14: PUT through the form -> 204, got %d %s",
              a.status, a.body);
    lrs_free(&a);
    char *p =
        lrs_path("activities/state", "activityId", k_act, "agent", k_agent, "stateId", "alt", NULL);
    a = lrs_req("GET", p, NULL, NULL, NULL, 0, false);
    CHECK_MSG(a.status == 200 && a.body && strcmp(a.body, "{\"via\":\"form\"}") == 0,
              "1.3.s3.b4/b5: content is the document: %s", a.body);
    lrs_free(&a);
    snprintf(form, sizeof form,
             "Authorization=%s&X-Experience-API-Version=1.0.3&activityId=%s&agent=%s&stateId=alt",
             enc_auth, act, agent);
    a = lrs_req("POST", "/xapi/activities/state?method=GET", "", form_type, form, strlen(form),
                true);
    CHECK_MSG(a.status == 200 && a.body && strstr(a.body, "form"), "1.3: GET through the form: %d",
              a.status);
    lrs_free(&a);
    a = lrs_req("POST", "/xapi/activities/state?method=GET&stateId=alt", "", form_type, form,
                strlen(form), true);
    CHECK_MSG(a.status == 400, "1.3.s3.b3: another query parameter beside method -> 400, got %d",
              a.status);
    lrs_free(&a);
    a = lrs_req("POST", "/xapi/activities/state?method=GET", "",
                "Content-Type: application/json\r\n", form, strlen(form), true);
    CHECK_MSG(a.status == 400,
              "3.2.s3.b6: the alternate syntax without a form content type -> 400, got %d",
              a.status);
    lrs_free(&a);
    free(p), free(enc_auth), free(act), free(agent);
}

// A learner's export carries their LRS documents; deleting the learner (the
// panel's delete, docs/hub.md) takes the documents and the names statements
// gave them too.
STOA_TEST(deleting_a_learner_forgets_their_documents)
{
    CHECK(lrs_setup() > 0);
    char class_id[37], learner[37], agent[200], id[37], st[700];
    CHECK(hub_class_create(lrs_hub(), "LRS class", class_id));
    CHECK(hub_class_add_learner(lrs_hub(), class_id, "Roster Name", "7", NULL, learner));
    snprintf(agent, sizeof agent,
             "{\"account\":{\"homePage\":\"http://hub.example\",\"name\":\"%s\"}}", learner);
    char *prof = lrs_path("agents/profile", "agent", agent, "profileId", "notes", NULL);
    lrs_answer a = lrs_req("PUT", prof, NULL, "If-None-Match: *\r\n", "{}", 2, false);
    CHECK(a.status == 204);
    lrs_free(&a);
    test_uuid(id);
    snprintf(st, sizeof st,
             "{\"id\":\"%s\",\"actor\":{\"name\":\"Secret Name\",\"account\":{\"homePage\":"
             "\"http://hub.example\",\"name\":\"%s\"}},\"verb\":{\"id\":\"http://adlnet.gov/expapi/"
             "verbs/"
             "experienced\"},\"object\":{\"id\":\"http://example.com/x\"},\"timestamp\":"
             "\"2026-01-01T00:00:00Z\"}",
             id, learner);
    a = lrs_req("POST", "/xapi/statements", NULL, NULL, st, strlen(st), false);
    CHECK(a.status == 200);
    lrs_free(&a);
    char *who = lrs_path("agents", "agent", agent, NULL);
    a = lrs_req("GET", who, NULL, NULL, NULL, 0, false);
    CHECK_MSG(a.body && strstr(a.body, "Secret Name") && strstr(a.body, "Roster Name"),
              "2.4: the Person has the statement's and the roster's names: %s", a.body);
    lrs_free(&a);
    cJSON *exp = hub_class_export_learner(lrs_hub(), learner);
    cJSON *doc = cJSON_GetArrayItem(cJSON_GetObjectItem(exp, "documents"), 0);
    CHECK_MSG(doc && strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "id")), "notes") == 0 &&
                  strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "content")), "{}") == 0,
              "the learner export carries their documents");
    cJSON_Delete(exp);
    cJSON *gone = hub_class_delete_learner(lrs_hub(), learner);
    CHECK(gone != NULL);
    cJSON_Delete(gone);
    a = lrs_req("GET", prof, NULL, NULL, NULL, 0, false);
    CHECK_MSG(a.status == 404, "the deleted learner's agent profile is gone, got %d", a.status);
    lrs_free(&a);
    a = lrs_req("GET", who, NULL, NULL, NULL, 0, false);
    CHECK_MSG(a.status == 200 && a.body && !strstr(a.body, "Secret Name") &&
                  !strstr(a.body, "Roster Name"),
              "the deleted learner's names are gone: %s", a.body);
    lrs_free(&a);
    free(prof), free(who);
}

STOA_TEST_MAIN()
