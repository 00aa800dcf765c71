// SPDX-License-Identifier: Apache-2.0
// A Group as the `agent` of the document resources and Agents (xAPI 1.0.3
// Communication 2.3, 2.4, 2.6): refused with a 400 that says what to send
// instead, and the identified Group's identifier in an Agent object keeps
// the Group's documents (docs/lrs-documents.md, "Groups").
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrs_test_util.h"
#include "stoa_test.h"

static const char k_act[] = "http://example.com/activities/groups";

static void expect(const char *method, const char *path, int status, const char *needle, const char *why)
{
    lrs_answer a = lrs_req(method, path, NULL, NULL, strcmp(method, "PUT") == 0 ? "{}" : NULL,
                           strcmp(method, "PUT") == 0 ? 2 : 0, false);
    CHECK_MSG(a.status == status && (!needle || (a.body && strstr(a.body, needle))), "%s: %s %s -> %d %s", why,
              method, path, a.status, a.body ? a.body : "");
    lrs_free(&a);
}

STOA_TEST(groups_as_the_agent_of_documents)
{
    CHECK(lrs_setup() > 0);
    // Communication 2.6 note: "The agent parameter is an Agent Object and not
    // a Group" (and 2.3/2.4 take an "Agent object" too): a Group, identified
    // or not, is a 400 that says what to send instead ...
    const char *groups[] = {"{\"objectType\":\"Group\",\"mbox\":\"mailto:team@example.com\"}",
                            ("{\"objectType\":\"Group\",\"mbox\":\"mailto:team@example.com\","
                             "\"member\":[{\"mbox\":\"mailto:m1@example.com\"}]}"),
                            "{\"mbox\":\"mailto:team@example.com\",\"member\":[]}"};
    for (size_t i = 0; i < sizeof groups / sizeof *groups; i++) {
        char *p = lrs_path("activities/state", "activityId", k_act, "agent", groups[i], "stateId", "g", NULL);
        expect("PUT", p, 400, "identified Group", "2.3.s3.table1.row2: State agent is an Agent, not a Group");
        free(p);
        p = lrs_path("agents/profile", "agent", groups[i], "profileId", "g", NULL);
        expect("GET", p, 400, "identified Group", "2.6 note: Agent Profile agent is an Agent, not a Group");
        free(p);
        p = lrs_path("agents", "agent", groups[i], NULL);
        expect("GET", p, 400, "identified Group", "2.4.s2.table1.row1: Agents agent is an Agent, not a Group");
        free(p);
    }
    // ... and the identified Group's identifier in an Agent object keeps
    // the Group's documents (what the note tells providers to do).
    const char *as_agent = "{\"objectType\":\"Agent\",\"mbox\":\"mailto:team@example.com\"}";
    char *p = lrs_path("activities/state", "activityId", k_act, "agent", as_agent, "stateId", "g", NULL);
    lrs_answer a = lrs_req("PUT", p, NULL, NULL, "{\"team\":1}", 10, false);
    CHECK_MSG(a.status == 204, "2.6 note: a Group's identifier in an Agent object stores (%d)", a.status);
    lrs_free(&a);
    a = lrs_req("GET", p, NULL, NULL, NULL, 0, false);
    CHECK(a.status == 200 && a.body && strcmp(a.body, "{\"team\":1}") == 0);
    lrs_free(&a);
    free(p);
}

STOA_TEST_MAIN()
