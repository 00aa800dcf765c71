// SPDX-License-Identifier: Apache-2.0
// Every figure of the evaluation as CSV (RFC 4180, UTF-8 with a byte-order
// mark) and the whole tree as evaluation.json.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "report_eval_out.h"
#include "trace/stoa_trace_report.h"

typedef struct csv {
    rp_out o;
    bool mid;
} csv;

static void f(csv *c, const char *s)
{
    if (c->mid)
        rp_put(&c->o, ",");
    c->mid = true;
    if (!strpbrk(s, ",\"\r\n")) {
        rp_put(&c->o, s);
        return;
    }
    rp_put(&c->o, "\"");
    for (const char *p = s; *p; p++)
        rp_put(&c->o, *p == '"' ? "\"\"" : (char[2]){*p, 0});
    rp_put(&c->o, "\"");
}

static void fn(csv *c, const cJSON *v) // a number, or empty for null
{
    char s[48] = "";
    if (cJSON_IsNumber(v))
        snprintf(s, sizeof s, "%.10g", v->valuedouble);
    else if (cJSON_IsBool(v))
        snprintf(s, sizeof s, "%s", cJSON_IsTrue(v) ? "true" : "false");
    f(c, s);
}

static void row(csv *c, const char *const *cols)
{
    for (; *cols; cols++)
        f(c, *cols);
    rp_put(&c->o, "\r\n");
    c->mid = false;
}

static void end(csv *c)
{
    rp_put(&c->o, "\r\n");
    c->mid = false;
}

static stoa_result save(csv *c, const char *dir, const char *name, stoa_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    stoa_result r = c->o.oom ? stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", path)
                             : stoa_file_write_atomic(path, c->o.p, c->o.n, err);
    free(c->o.p);
    *c = (csv){0};
    rp_put(&c->o, "\xEF\xBB\xBF");
    return r;
}

static stoa_result learner_tables(const cJSON *ev, const char *dir, stoa_error *err)
{
    csv m = {0}, wk = {0}, d = {0}, rec = {0}, runs = {0};
    rp_put(&m.o, "\xEF\xBB\xBF"), rp_put(&wk.o, "\xEF\xBB\xBF"), rp_put(&d.o, "\xEF\xBB\xBF");
    rp_put(&rec.o, "\xEF\xBB\xBF"), rp_put(&runs.o, "\xEF\xBB\xBF");
    row(&m, (const char *const[]){"account", "name", "concept", "mastery", "observations", "right",
                                  "mastered", "weak", "ready", NULL});
    row(&wk, (const char *const[]){"account", "concept", "week", "mastery", NULL});
    static const char *const dims[] = {"knowledge", "engagement", "skill", "efficiency", "self_report"};
    row(&d, (const char *const[]){"account", "name", "knowledge", "engagement", "skill", "efficiency",
                                  "self_report", NULL});
    row(&rec, (const char *const[]){"account", "name", "rank", "lesson", "lesson_name", "concepts", "reason", NULL});
    row(&runs, (const char *const[]){"account", "lesson", "lesson_name", "started", "completed", "result",
                                     "score_scaled", "time_s", "idle_s", "attempt", "answers",
                                     "right_first_try", "errors", "task_steps", "task_steps_right_first_time",
                                     "task_errors", "order_errors", "narration_attention", NULL});
    const cJSON *weeks = RP_GET(ev, "weeks"), *l;
    cJSON_ArrayForEach(l, RP_GET(ev, "learners"))
    {
        const char *acc = rp_str(l, "account");
        const cJSON *c;
        cJSON_ArrayForEach(c, RP_GET(l, "concepts"))
        {
            f(&m, acc), f(&m, rp_str(l, "name")), f(&m, c->string);
            fn(&m, RP_GET(c, "mastery")), fn(&m, RP_GET(c, "observations")), fn(&m, RP_GET(c, "right"));
            fn(&m, RP_GET(c, "mastered")), fn(&m, RP_GET(c, "weak")), fn(&m, RP_GET(c, "ready"));
            end(&m);
            int k = 0;
            const cJSON *v;
            cJSON_ArrayForEach(v, RP_GET(c, "weekly"))
            {
                if (cJSON_IsNumber(v)) {
                    f(&wk, acc), f(&wk, c->string), f(&wk, cJSON_GetArrayItem(weeks, k)->valuestring), fn(&wk, v);
                    end(&wk);
                }
                k++;
            }
        }
        f(&d, acc), f(&d, rp_str(l, "name"));
        for (int k = 0; k < 5; k++)
            fn(&d, RP_GET(RP_GET(l, "dimensions"), dims[k]));
        end(&d);
        int rank = 0;
        cJSON_ArrayForEach(c, RP_GET(l, "recommendations"))
        {
            char rk[16], ids[512] = "";
            snprintf(rk, sizeof rk, "%d", ++rank);
            const cJSON *id;
            cJSON_ArrayForEach(id, RP_GET(c, "concepts"))
            {
                if (*ids)
                    strncat(ids, " ", sizeof ids - strlen(ids) - 1);
                strncat(ids, id->valuestring, sizeof ids - strlen(ids) - 1);
            }
            f(&rec, acc), f(&rec, rp_str(l, "name")), f(&rec, rk), f(&rec, rp_str(c, "lesson"));
            f(&rec, rp_str(c, "name")), f(&rec, ids), f(&rec, rp_str(c, "reason"));
            end(&rec);
        }
        cJSON_ArrayForEach(c, RP_GET(l, "runs"))
        {
            f(&runs, acc), f(&runs, rp_str(c, "lesson")), f(&runs, rp_str(c, "lesson_name"));
            f(&runs, rp_str(c, "started")), fn(&runs, RP_GET(c, "completed")), f(&runs, rp_str(c, "result"));
            fn(&runs, RP_GET(c, "score_scaled")), fn(&runs, RP_GET(c, "time_s")), fn(&runs, RP_GET(c, "idle_s"));
            fn(&runs, RP_GET(c, "attempt")), fn(&runs, RP_GET(c, "answers"));
            fn(&runs, RP_GET(c, "right_first_try")), fn(&runs, RP_GET(c, "errors"));
            fn(&runs, RP_GET(c, "task_steps")), fn(&runs, RP_GET(c, "task_steps_right_first_time"));
            fn(&runs, RP_GET(c, "task_errors")), fn(&runs, RP_GET(c, "order_errors"));
            fn(&runs, RP_GET(c, "narration_attention"));
            end(&runs);
        }
    }
    f(&d, "(class median)"), f(&d, "");
    for (int k = 0; k < 5; k++)
        fn(&d, RP_GET(RP_GET(RP_GET(ev, "class"), "dimensions_median"), dims[k]));
    end(&d);
    stoa_result r = save(&m, dir, "mastery.csv", err);
    if (r == STOA_OK)
        r = save(&wk, dir, "mastery_weekly.csv", err);
    if (r == STOA_OK)
        r = save(&d, dir, "dimensions.csv", err);
    if (r == STOA_OK)
        r = save(&rec, dir, "recommendations.csv", err);
    if (r == STOA_OK)
        r = save(&runs, dir, "archive_runs.csv", err);
    free(m.o.p), free(wk.o.p), free(d.o.p), free(rec.o.p), free(runs.o.p);
    return r;
}

static stoa_result class_tables(const cJSON *ev, const char *dir, stoa_error *err)
{
    csv it = {0}, ch = {0}, les = {0}, bkt = {0}, cw = {0};
    rp_put(&it.o, "\xEF\xBB\xBF"), rp_put(&ch.o, "\xEF\xBB\xBF"), rp_put(&les.o, "\xEF\xBB\xBF");
    rp_put(&bkt.o, "\xEF\xBB\xBF"), rp_put(&cw.o, "\xEF\xBB\xBF");
    row(&it, (const char *const[]){"question", "name", "lesson", "survey", "concepts", "learners", "answers",
                                   "difficulty", "discrimination", NULL});
    row(&ch, (const char *const[]){"question", "response", "correct", "count", "rate", NULL});
    const cJSON *x, *r;
    for (int survey = 0; survey < 2; survey++)
        cJSON_ArrayForEach(x, RP_GET(ev, survey ? "surveys" : "items"))
        {
            char ids[512] = "";
            cJSON_ArrayForEach(r, RP_GET(x, "concepts"))
            {
                if (*ids)
                    strncat(ids, " ", sizeof ids - strlen(ids) - 1);
                strncat(ids, r->valuestring, sizeof ids - strlen(ids) - 1);
            }
            f(&it, rp_str(x, "id")), f(&it, rp_str(x, "name")), f(&it, rp_str(x, "lesson"));
            f(&it, survey ? "true" : "false"), f(&it, ids), fn(&it, RP_GET(x, "learners"));
            fn(&it, RP_GET(x, "answers")), fn(&it, RP_GET(x, "difficulty")), fn(&it, RP_GET(x, "discrimination"));
            end(&it);
            cJSON_ArrayForEach(r, RP_GET(x, "responses"))
            {
                f(&ch, rp_str(x, "id")), f(&ch, rp_str(r, "response")), fn(&ch, RP_GET(r, "correct"));
                fn(&ch, RP_GET(r, "count")), fn(&ch, RP_GET(r, "rate"));
                end(&ch);
            }
        }
    row(&les, (const char *const[]){"lesson", "name", "learners", "mastery_before", "mastery_after", "gain", NULL});
    cJSON_ArrayForEach(x, RP_GET(ev, "lessons"))
    {
        f(&les, rp_str(x, "id")), f(&les, rp_str(x, "name")), fn(&les, RP_GET(x, "learners"));
        fn(&les, RP_GET(x, "mastery_before")), fn(&les, RP_GET(x, "mastery_after")), fn(&les, RP_GET(x, "gain"));
        end(&les);
    }
    row(&bkt, (const char *const[]){"concept", "name", "prior", "learn", "guess", "slip", "fitted",
                                    "observations", "learners", "class_mastered_share", NULL});
    row(&cw, (const char *const[]){"concept", "week", "mean_mastery", NULL});
    const cJSON *weeks = RP_GET(ev, "weeks");
    cJSON_ArrayForEach(x, RP_GET(ev, "concepts"))
    {
        const cJSON *b = RP_GET(x, "bkt");
        const cJSON *cls = RP_GET(RP_GET(RP_GET(ev, "class"), "concepts"), rp_str(x, "id"));
        f(&bkt, rp_str(x, "id")), f(&bkt, rp_str(x, "name"));
        fn(&bkt, RP_GET(b, "prior")), fn(&bkt, RP_GET(b, "learn")), fn(&bkt, RP_GET(b, "guess"));
        fn(&bkt, RP_GET(b, "slip")), fn(&bkt, RP_GET(b, "fitted")), fn(&bkt, RP_GET(b, "observations"));
        fn(&bkt, RP_GET(b, "learners")), fn(&bkt, RP_GET(cls, "mastered_share"));
        end(&bkt);
        int k = 0;
        cJSON_ArrayForEach(r, RP_GET(cls, "weekly_mean"))
        {
            if (cJSON_IsNumber(r)) {
                f(&cw, rp_str(x, "id")), f(&cw, cJSON_GetArrayItem(weeks, k)->valuestring), fn(&cw, r);
                end(&cw);
            }
            k++;
        }
    }
    stoa_result res = save(&it, dir, "items.csv", err);
    if (res == STOA_OK)
        res = save(&ch, dir, "choices.csv", err);
    if (res == STOA_OK)
        res = save(&les, dir, "lesson_effectiveness.csv", err);
    if (res == STOA_OK)
        res = save(&bkt, dir, "concepts_bkt.csv", err);
    if (res == STOA_OK)
        res = save(&cw, dir, "class_weekly.csv", err);
    free(it.o.p), free(ch.o.p), free(les.o.p), free(bkt.o.p), free(cw.o.p);
    return res;
}

stoa_result stoa_report_write_eval_data(const cJSON *ev, const char *dir, stoa_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/evaluation.json", dir);
    stoa_result r = stoa_report_write_json(ev, path, err);
    if (r == STOA_OK)
        r = learner_tables(ev, dir, err);
    if (r == STOA_OK)
        r = class_tables(ev, dir, err);
    return r;
}
