// SPDX-License-Identifier: Apache-2.0
// The class's evaluation from the hub's own store (docs/curriculum-format.md):
// GET /api/evaluation  -> the analysis as JSON (?learner=ACCOUNT&lang=TAG)
// GET /evaluation/class.html, /evaluation/learners/<account>.html -> the
// pages `stoa report` writes (knowledge maps, archives, recommendations),
// made afresh from every stored statement, in the teacher's language.
// The curriculum, when there is one, is <lessons>/curriculum.yaml.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_file.h"
#include "core/stoa_json.h"
#include "core/stoa_log.h"
#include "eval/stoa_eval.h"
#include "hub_internal.h"
#include "trace/stoa_trace_report.h"

#define EVAL_PAGE 2000

typedef struct feed {
    stoa_report_builder *b;
    int line, statements, skipped;
    cJSON *names; // {learner_id: name} of the rosters: pages show names, not accounts
} feed;

static bool on_row(void *user, int64_t seq, const char *json, int64_t stored_ns)
{
    (void)seq, (void)stored_ns;
    feed *f = user;
    // The store holds canonical statements checked on the way in; still the
    // one bounded reader, so no stored row can make this recurse deeply.
    cJSON *st = NULL;
    stoa_error jerr = {0};
    if (stoa_json_parse_str(json, &(stoa_json_policy){.max_bytes = 1u << 20}, &st, &jerr) != STOA_OK)
        st = NULL;
    cJSON *actor = cJSON_GetObjectItemCaseSensitive(st, "actor");
    const char *acc = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(actor, "account"), "name"));
    const char *name = acc ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f->names, acc)) : NULL;
    if (name) {
        cJSON_DeleteItemFromObjectCaseSensitive(actor, "name");
        cJSON_AddStringToObject(actor, "name", name);
    }
    if (st)
        stoa_report_add_statement(f->b, "hub", ++f->line, st, &f->statements, &f->skipped);
    cJSON_Delete(st);
    return true;
}

static void quiet(void *user, const char *message)
{
    (void)user, (void)message;
}

// A short language tag of letters, digits and '-' (it names nothing on disk).
static const char *lang_of(hub_req *c, char buf[16])
{
    if (!hub_query_var(c, "lang", buf, 16))
        return NULL;
    for (const char *p = buf; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return NULL;
    return buf[0] ? buf : NULL;
}

// Builds the analysis from the store; NULL with err set on failure.
static cJSON *evaluate(stoa_hub *hub, const char *language, const char *learner, stoa_error *err)
{
    char cpath[1200];
    snprintf(cpath, sizeof cpath, "%s/curriculum.yaml", hub->lessons_dir);
    stoa_eval_curriculum *cur = NULL;
    uint8_t *text = NULL;
    size_t size = 0;
    stoa_error cerr = {0};
    if (stoa_file_read(cpath, 16u << 20, &text, &size, &cerr) == STOA_OK) {
        if (stoa_eval_curriculum_parse((const char *)text, size, cpath, &cur, &cerr) != STOA_OK)
            STOA_LOGW("hub", "evaluation: %s (going on without a curriculum)", cerr.message);
        free(text);
    }
    stoa_eval *ev = NULL;
    stoa_report_builder *b = NULL;
    cJSON *out = NULL;
    if (stoa_eval_create(&(stoa_eval_desc){.curriculum = cur, .language = language}, &ev, err) == STOA_OK &&
        stoa_report_begin(&(stoa_report_desc){.language = language, .learner = learner, .eval = ev,
                                              .on_warning = quiet},
                          &b, err) == STOA_OK) {
        feed f = {.b = b, .names = hub_class_names(hub)};
        int64_t after = 0, last;
        while ((last = hub_db_query(hub, 0, NULL, 0, after, EVAL_PAGE, true, on_row, &f)) > after)
            after = last;
        cJSON_Delete(f.names);
        stoa_report_end_source(b, "hub", f.statements, f.skipped);
        cJSON_Delete(stoa_report_finish(&b));
        out = stoa_eval_analyse(ev, 0);
        if (!out)
            stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    stoa_report_abort(&b);
    stoa_eval_destroy(&ev);
    stoa_eval_curriculum_destroy(&cur);
    return out;
}

void hub_handle_evaluation(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, false))
        return;
    char lang[16], learner[128] = "";
    stoa_error err = {0};
    hub_query_var(c, "learner", learner, sizeof learner);
    cJSON *ev = evaluate(hub, lang_of(c, lang), learner[0] ? learner : NULL, &err);
    if (!ev) {
        hub_send_error(c, 500, err.message);
        return;
    }
    hub_send_json(c, 200, ev, NULL);
    cJSON_Delete(ev);
}

void hub_eval_pages(stoa_hub *hub, hub_req *c)
{
    if (strcmp(hub_method(c), "GET") != 0 && strcmp(hub_method(c), "HEAD") != 0) {
        hub_send_error(c, 405, "method not allowed");
        return;
    }
    if (!hub_require_instructor(hub, c, false))
        return;
    const char *page = c->head.path + strlen("/evaluation/");
    // Only the names the writer makes: class.html and learners/<[A-Za-z0-9._-]>.html
    bool ok = strcmp(page, "class.html") == 0;
    if (!ok && strncmp(page, "learners/", 9) == 0 && page[9] && page[9] != '.') {
        ok = strlen(page) < 200 && strstr(page, ".html") && !strstr(page, "..");
        for (const char *p = page + 9; ok && *p; p++)
            ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 *p == '.' || *p == '_' || *p == '-';
    }
    if (!ok) {
        hub_send_error(c, 404, "no such page");
        return;
    }
    char dir[1200], path[1500], lang[16];
    stoa_error err = {0};
    snprintf(dir, sizeof dir, "%s/evaluation", hub->reports_dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        hub_send_error(c, 500, "cannot make the evaluation folder");
        return;
    }
    // The class page is made afresh; a learner page comes from that making
    // (open the class page first), or afresh when it is not there yet.
    snprintf(path, sizeof path, "%s/%s", dir, page);
    struct stat sb;
    if (strcmp(page, "class.html") == 0 || stat(path, &sb) != 0) {
        const char *language = lang_of(c, lang);
        cJSON *ev = evaluate(hub, language, NULL, &err);
        stoa_result r = ev ? stoa_report_write_eval_html(ev, dir, language, &err) : STOA_ERROR_OUT_OF_MEMORY;
        cJSON_Delete(ev);
        if (r != STOA_OK) {
            hub_send_error(c, 500, err.message);
            return;
        }
    }
    if (stat(path, &sb) != 0) {
        hub_send_error(c, 404, "no such learner");
        return;
    }
    hub_serve_file(c, path, "text/html; charset=utf-8",
                   "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:\r\n");
}
