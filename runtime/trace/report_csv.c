// SPDX-License-Identifier: Apache-2.0
// CSV views of the report (RFC 4180 quoting, UTF-8 with a byte-order mark
// so spreadsheet programs show Chinese names correctly).
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "trace/stoa_trace_report.h"

#define GET(o, k) cJSON_GetObjectItemCaseSensitive(o, k)

typedef struct buf {
    char *p;
    size_t n, cap;
    bool oom, mid_row;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void field(buf *b, const char *s)
{
    if (b->mid_row)
        put(b, ",", 1);
    b->mid_row = true;
    if (!strpbrk(s, ",\"\r\n")) {
        put(b, s, strlen(s));
        return;
    }
    put(b, "\"", 1);
    for (const char *c = s; *c; c++) {
        if (*c == '"')
            put(b, "\"", 1); // doubled, as RFC 4180 says
        put(b, c, 1);
    }
    put(b, "\"", 1);
}

static void fieldf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fieldf(buf *b, const char *fmt, ...)
{
    char s[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, sizeof s, fmt, ap);
    va_end(ap);
    field(b, s);
}

static void field_json(buf *b, const cJSON *v)
{
    if (cJSON_IsString(v))
        field(b, v->valuestring);
    else if (cJSON_IsNumber(v))
        fieldf(b, "%.10g", v->valuedouble);
    else if (cJSON_IsBool(v))
        field(b, cJSON_IsTrue(v) ? "true" : "false");
    else
        field(b, "");
}

static void end_row(buf *b)
{
    put(b, "\n", 1);
    b->mid_row = false;
}

static void row(buf *b, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        field(b, va_arg(ap, const char *));
    va_end(ap);
    end_row(b);
}

static stoa_result save(buf *b, const char *dir, const char *name, stoa_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    stoa_result r = b->oom ? stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", path)
                           : stoa_file_write_atomic(path, b->p, b->n, err);
    free(b->p);
    *b = (buf){0};
    return r;
}

#define EACH_LEARNER(rep, les, l)                                                                  \
    cJSON_ArrayForEach(les, GET(rep, "lessons")) cJSON_ArrayForEach(l, GET(les, "learners"))

static const char *bom = "\xEF\xBB\xBF";

stoa_result stoa_report_write_csv(const cJSON *rep, const char *dir, stoa_error *err)
{
    buf b = {0};
    const cJSON *les, *l, *x;
    put(&b, bom, 3);
    row(&b, 11, "lesson", "learner", "attempts", "completed", "result", "score_scaled", "time_s",
        "idle_s", "questions_answered", "questions_right_first_try", "account");
    EACH_LEARNER(rep, les, l)
    {
        field(&b, GET(les, "name")->valuestring);
        field_json(&b, GET(l, "name"));
        field_json(&b, GET(l, "attempts"));
        field_json(&b, GET(l, "completed"));
        field_json(&b, GET(l, "result"));
        field_json(&b, GET(l, "score_scaled"));
        field_json(&b, GET(l, "time_s"));
        field_json(&b, GET(l, "idle_s"));
        field_json(&b, GET(l, "questions_answered"));
        field_json(&b, GET(l, "questions_right_first_try"));
        field_json(&b, GET(l, "account"));
        end_row(&b);
    }
    stoa_result r = save(&b, dir, "learners.csv", err);
    if (r != STOA_OK)
        return r;

    put(&b, bom, 3);
    row(&b, 5, "lesson", "learner", "state", "time_s", "visits");
    EACH_LEARNER(rep, les, l) cJSON_ArrayForEach(x, GET(l, "states"))
    {
        field(&b, GET(les, "name")->valuestring);
        field_json(&b, GET(l, "name"));
        field_json(&b, GET(x, "name"));
        field_json(&b, GET(x, "time_s"));
        field_json(&b, GET(x, "visits"));
        end_row(&b);
    }
    if ((r = save(&b, dir, "states.csv", err)) != STOA_OK)
        return r;

    put(&b, bom, 3);
    row(&b, 8, "lesson", "learner", "attempt", "question", "answer", "response", "correct", "time_s");
    EACH_LEARNER(rep, les, l)
    {
        int attempt = 0;
        const cJSON *run, *q, *a;
        cJSON_ArrayForEach(run, GET(l, "runs"))
        {
            attempt++;
            cJSON_ArrayForEach(q, GET(run, "questions"))
            {
                int k = 0;
                cJSON_ArrayForEach(a, GET(q, "answers"))
                {
                    field(&b, GET(les, "name")->valuestring);
                    field_json(&b, GET(l, "name"));
                    fieldf(&b, "%d", attempt);
                    field_json(&b, GET(q, "name"));
                    fieldf(&b, "%d", ++k);
                    field_json(&b, GET(a, "response"));
                    field_json(&b, GET(a, "success"));
                    field_json(&b, GET(a, "time_s"));
                    end_row(&b);
                }
            }
        }
    }
    if ((r = save(&b, dir, "answers.csv", err)) != STOA_OK)
        return r;

    put(&b, bom, 3);
    row(&b, 6, "lesson", "learner", "concept", "answers", "right", "mastery");
    EACH_LEARNER(rep, les, l) cJSON_ArrayForEach(x, GET(l, "concepts"))
    {
        field(&b, GET(les, "name")->valuestring);
        field_json(&b, GET(l, "name"));
        field(&b, x->string);
        field_json(&b, GET(x, "answers"));
        field_json(&b, GET(x, "right"));
        field_json(&b, GET(x, "mastery"));
        end_row(&b);
    }
    if ((r = save(&b, dir, "concepts.csv", err)) != STOA_OK)
        return r;

    put(&b, bom, 3);
    row(&b, 6, "lesson", "learner", "node", "key", "dwell_s", "looks");
    EACH_LEARNER(rep, les, l) cJSON_ArrayForEach(x, GET(l, "attention"))
    {
        field(&b, GET(les, "name")->valuestring);
        field_json(&b, GET(l, "name"));
        field_json(&b, GET(x, "name"));
        field_json(&b, GET(x, "key"));
        field_json(&b, GET(x, "dwell_s"));
        field_json(&b, GET(x, "looks"));
        end_row(&b);
    }
    return save(&b, dir, "attention.csv", err);
}
