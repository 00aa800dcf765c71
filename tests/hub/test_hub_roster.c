// SPDX-License-Identifier: Apache-2.0
// The live quiz table and the cards' right/wrong counts (hub_roster.c) take
// quiz answers only: a task's steps ("performance" interactions) and survey
// answers (no success) are not questions.
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hub_internal.h"
#include "stoa_test.h"

static void feed(stoa_hub *hub, const char *iri, const char *itype, const char *success)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/answered\"},"
             "\"object\":{\"id\":\"%s\",\"definition\":{\"name\":{\"en-US\":\"Q\"},"
             "\"interactionType\":\"%s\"}},\"result\":{%s%s\"response\":\"a\"}}",
             iri, itype, success ? "\"success\":" : "", success ? success : "");
    cJSON *st = cJSON_Parse(text);
    CHECK_MSG(st != NULL, "test statement parses: %s", text);
    hub_roster_statement(hub, 0, st);
    cJSON_Delete(st);
}

STOA_TEST(only_questions_reach_the_quiz_table)
{
    static stoa_hub hub; // zeroed: no devices, no quiz rows
    pthread_mutex_init(&hub.mu, NULL);
    feed(&hub, "https://stoa.example/lessons/l/questions/q1", "choice", "true,");
    feed(&hub, "https://stoa.example/lessons/l/questions/q1", "choice", "false,");
    feed(&hub, "https://stoa.example/lessons/l/tasks/t1/steps/1", "performance", "true,");
    feed(&hub, "https://stoa.example/lessons/l/tasks/t1/steps/2", "performance", "false,");
    feed(&hub, "https://stoa.example/lessons/l/questions/s1", "likert", NULL);
    CHECK_MSG(hub.quiz_count == 1, "one question in the table, not %d", hub.quiz_count);
    CHECK(strcmp(hub.quiz[0].id, "https://stoa.example/lessons/l/questions/q1") == 0);
    CHECK(hub.quiz[0].right == 1 && hub.quiz[0].wrong == 1);
    pthread_mutex_destroy(&hub.mu);
}

STOA_TEST_MAIN()
