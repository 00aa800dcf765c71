// SPDX-License-Identifier: Apache-2.0
// `stoa report LOG...|--lrs URL`: the evaluation of one learner or a class —
// per lesson (report.html) and across lessons and over time (class.html,
// learners/*.html, the knowledge maps), with CSV and JSON of every figure.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/stoa_file.h"
#include "cli_choices.h"
#include "cli_names.h"
#include "eval/stoa_eval.h"
#include "stoa_cli.h"
#include "trace/stoa_trace_report.h"
#ifdef STOA_HAVE_NET
#include "net/stoa_net_lrs.h"
#endif

static int usage(FILE *f)
{
    fprintf(f,
            "usage: stoa report LOG...|FOLDER... [--out DIR] [--curriculum FILE] [--lang TAG]\n"
            "                   [--from DATE] [--to DATE] [--learner ID] [--idle SECONDS] [--no-fit]\n"
            "                   [--names FILE] [--lessons DIR]\n"
            "       stoa report --lrs URL [same options]\n\n"
            "Reads trace logs (*.jsonl; a folder means every *.jsonl in it) or the statements of an\n"
            "xAPI LRS and writes to DIR (default ./stoa-report):\n"
            "  class.html          the class: knowledge map, learners x concepts, weekly trends,\n"
            "                      lesson effectiveness, item analysis, BKT parameters\n"
            "  learners/ID.html    each learner's archive: knowledge map, next lessons with reasons,\n"
            "                      dimensions beside the class median, mastery over time, every run\n"
            "  report.html         each lesson run by run; report.json, evaluation.json, *.csv\n"
            "  --curriculum FILE   the concept graph and lessons (docs/curriculum-format.md)\n"
            "  --from/--to DATE    only runs started in [from, to] (YYYY-MM-DD, UTC, inclusive)\n"
            "  --learner ID        only this learner account\n"
            "  --names FILE        learners' names: a CSV of account,name lines\n"
            "  --lessons DIR       the lessons played (DIR and its folders): answers show the\n"
            "                      choices' text instead of their letters\n"
            "  --lang TAG          names and pages in this language (en, zh-CN)\n"
            "  --idle SECONDS      no action this long counts as idle (default 30)\n"
            "  --no-fit            keep the default BKT parameters instead of fitting them\n"
            "  --lrs URL           read from an LRS endpoint (e.g. http://hub:8480/xapi), paging\n"
            "                      with 'more'; credentials USER:PASSWORD from $STOA_LRS_AUTH\n"
            "                      (or --lrs-auth), server certificate with --lrs-cert PEM\n");
    return f == stdout ? 0 : 2;
}

static void on_warning(void *user, const char *message)
{
    (*(int *)user)++;
    fprintf(stderr, "stoa report: warning: %s\n", message);
}

// "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ" -> Unix ns; end_of_day
// makes a bare date mean its last instant (so --to is inclusive).
static bool parse_date(const char *s, bool end_of_day, int64_t *out)
{
    struct tm tm = {0};
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3)
        return false;
    bool bare = s[n] == 0;
    if (!bare && sscanf(s + n, "T%2d:%2d:%2dZ", &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 3)
        return false;
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    *out = (int64_t)t * 1000000000LL + (bare && end_of_day ? 86400LL * 1000000000LL : 0);
    return true;
}

typedef struct opts {
    const char *out, *curriculum, *lrs, *lrs_auth, *lrs_cert, *from_s, *to_s, *names, *lessons;
    const char **logs;
    size_t n_logs, cap_logs;
    bool no_fit;
} opts;

static bool add_log(opts *o, const char *path)
{
    if (o->n_logs == o->cap_logs) {
        size_t cap = o->cap_logs ? o->cap_logs * 2 : 64;
        const char **l = realloc(o->logs, cap * sizeof *l);
        if (!l)
            return false;
        o->logs = l;
        o->cap_logs = cap;
    }
    o->logs[o->n_logs++] = path;
    return true;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// A folder stands for its *.jsonl files (names kept in `owned`, freed at the end).
static bool add_path(opts *o, const char *path, char ***owned, size_t *n_owned)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return add_log(o, path);
    DIR *d = opendir(path);
    if (!d)
        return add_log(o, path); // the reader reports why
    size_t first = o->n_logs;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 7 || strcmp(e->d_name + n - 6, ".jsonl") != 0)
            continue;
        char **ow = realloc(*owned, (*n_owned + 1) * sizeof *ow);
        char *p = malloc(strlen(path) + n + 2);
        if (!ow || !p) {
            free(p);
            if (ow)
                *owned = ow;
            closedir(d);
            return false;
        }
        *owned = ow;
        sprintf(p, "%s/%s", path, e->d_name);
        ow[(*n_owned)++] = p;
        if (!add_log(o, p)) {
            closedir(d);
            return false;
        }
    }
    closedir(d);
    qsort(o->logs + first, o->n_logs - first, sizeof *o->logs, by_str);
    return true;
}

#ifdef STOA_HAVE_NET
typedef struct lrs_ctx {
    stoa_report_builder *b;
    const char *source;
    int line, statements, skipped;
} lrs_ctx;

static bool on_lrs_statement(void *user, const cJSON *st)
{
    lrs_ctx *c = user;
    stoa_report_add_statement(c->b, c->source, ++c->line, st, &c->statements, &c->skipped);
    return true;
}
#endif

static stoa_result read_lrs(const opts *o, stoa_report_builder *b, stoa_error *err)
{
#ifdef STOA_HAVE_NET
    const char *auth = o->lrs_auth ? o->lrs_auth : getenv("STOA_LRS_AUTH");
    lrs_ctx c = {.b = b, .source = o->lrs};
    int pages = 0;
    stoa_result r = stoa_net_lrs_read(&(stoa_net_lrs_desc){.url = o->lrs, .basic_auth = auth,
                                                           .server_cert = o->lrs_cert,
                                                           .on_statement = on_lrs_statement, .user = &c},
                                      &pages, err);
    if (r == STOA_OK) {
        stoa_report_end_source(b, o->lrs, c.statements, c.skipped);
        fprintf(stderr, "stoa report: %d statements from %s (%d page%s)\n", c.statements, o->lrs, pages,
                pages == 1 ? "" : "s");
    }
    return r;
#else
    (void)o;
    (void)b;
    return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "--lrs: this build has no network module");
#endif
}

static stoa_eval_curriculum *load_curriculum(const char *path, stoa_error *err)
{
    uint8_t *data = NULL;
    size_t size = 0;
    stoa_eval_curriculum *c = NULL;
    if (stoa_file_read(path, 16u << 20, &data, &size, err) != STOA_OK)
        return NULL;
    stoa_eval_curriculum_parse((const char *)data, size, path, &c, err);
    free(data);
    return c;
}

static int run(opts *o, stoa_report_desc *desc, int *warnings)
{
    stoa_error err = {0};
    stoa_eval_curriculum *cur = NULL;
    if (o->curriculum && !(cur = load_curriculum(o->curriculum, &err))) {
        fprintf(stderr, "stoa report: %s\n", err.message);
        return 1;
    }
    stoa_eval *ev = NULL;
    if (stoa_eval_create(&(stoa_eval_desc){.curriculum = cur, .language = desc->language,
                                           .no_fit = o->no_fit},
                         &ev, &err) != STOA_OK) {
        fprintf(stderr, "stoa report: %s\n", err.message);
        stoa_eval_curriculum_destroy(&cur);
        return 1;
    }
    if (o->names && cli_names_load(o->names, ev, &err) != STOA_OK) {
        fprintf(stderr, "stoa report: %s\n", err.message);
        stoa_eval_destroy(&ev);
        stoa_eval_curriculum_destroy(&cur);
        return 1;
    }
    desc->eval = ev;
    cJSON *choices = NULL;
    if (o->lessons && !(choices = cli_choices_load(o->lessons, desc->language, &err))) {
        fprintf(stderr, "stoa report: %s\n", err.message);
        stoa_eval_destroy(&ev);
        stoa_eval_curriculum_destroy(&cur);
        return 1;
    }
    desc->choice_texts = choices;
    stoa_report_builder *b = NULL;
    stoa_result r = stoa_report_begin(desc, &b, &err);
    for (size_t i = 0; r == STOA_OK && i < o->n_logs; i++)
        r = stoa_report_add_file(b, o->logs[i], &err);
    if (r == STOA_OK && o->lrs)
        r = read_lrs(o, b, &err);
    cJSON *rep = r == STOA_OK ? stoa_report_finish(&b) : NULL;
    stoa_report_abort(&b);
    cJSON *evj = rep ? stoa_eval_analyse(ev, desc->to_ns ? desc->to_ns : 0) : NULL;
    if (r == STOA_OK && (!rep || !evj))
        r = stoa_error_set(&err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    if (r == STOA_OK && mkdir(o->out, 0755) != 0 && errno != EEXIST)
        r = stoa_error_set(&err, STOA_ERROR_IO, "cannot make folder %s: %s", o->out, strerror(errno));
    char path[4200];
    snprintf(path, sizeof path, "%s/report.json", o->out);
    if (r == STOA_OK)
        r = stoa_report_write_json(rep, path, &err);
    if (r == STOA_OK)
        r = stoa_report_write_csv(rep, o->out, &err);
    snprintf(path, sizeof path, "%s/report.html", o->out);
    if (r == STOA_OK)
        r = stoa_report_write_html(rep, path, &err);
    if (r == STOA_OK)
        r = stoa_report_write_eval_data(evj, o->out, &err);
    if (r == STOA_OK)
        r = stoa_report_write_eval_html(evj, o->out, desc->language, &err);
    int lessons = cJSON_GetArraySize(cJSON_GetObjectItem(rep, "lessons"));
    int learners = cJSON_GetArraySize(cJSON_GetObjectItem(evj, "learners"));
    cJSON_Delete(rep);
    cJSON_Delete(evj);
    cJSON_Delete(choices);
    stoa_eval_destroy(&ev);
    stoa_eval_curriculum_destroy(&cur);
    if (r != STOA_OK) {
        fprintf(stderr, "stoa report: %s\n", err.message);
        return 1;
    }
    printf("stoa report: %d lesson%s, %d learner%s; wrote %s/class.html, learners/, report.html "
           "(and *.json, *.csv)%s\n",
           lessons, lessons == 1 ? "" : "s", learners, learners == 1 ? "" : "s", o->out,
           *warnings ? "; see the warnings above" : "");
    return lessons > 0 ? 0 : 1;
}

int stoa_cmd_report(int argc, char **argv)
{
    opts o = {.out = "stoa-report"};
    char **owned = NULL;
    size_t n_owned = 0;
    int warnings = 0, status = 2;
    stoa_report_desc desc = {.on_warning = on_warning, .user = &warnings};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            status = usage(stdout);
            goto done;
        } else if (strcmp(a, "--out") == 0 && has) {
            o.out = argv[++i];
        } else if (strcmp(a, "--idle") == 0 && has) {
            char *end;
            desc.idle_threshold_s = strtod(argv[++i], &end);
            if (*end || !(desc.idle_threshold_s > 0)) {
                fprintf(stderr, "stoa report: --idle wants a number of seconds, not '%s'\n", argv[i]);
                goto done;
            }
        } else if (strcmp(a, "--lang") == 0 && has) {
            desc.language = argv[++i];
        } else if (strcmp(a, "--names") == 0 && has) {
            o.names = argv[++i];
        } else if (strcmp(a, "--lessons") == 0 && has) {
            o.lessons = argv[++i];
        } else if (strcmp(a, "--curriculum") == 0 && has) {
            o.curriculum = argv[++i];
        } else if (strcmp(a, "--learner") == 0 && has) {
            desc.learner = argv[++i];
        } else if ((strcmp(a, "--from") == 0 || strcmp(a, "--to") == 0) && has) {
            bool to = a[2] == 't';
            if (!parse_date(argv[++i], to, to ? &desc.to_ns : &desc.from_ns)) {
                fprintf(stderr, "stoa report: %s wants YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, not '%s'\n", a,
                        argv[i]);
                goto done;
            }
        } else if (strcmp(a, "--lrs") == 0 && has) {
            o.lrs = argv[++i];
        } else if (strcmp(a, "--lrs-auth") == 0 && has) {
            o.lrs_auth = argv[++i];
        } else if (strcmp(a, "--lrs-cert") == 0 && has) {
            o.lrs_cert = argv[++i];
        } else if (strcmp(a, "--no-fit") == 0) {
            o.no_fit = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "stoa report: unknown option '%s' (or it lacks its value)\n", a);
            status = usage(stderr);
            goto done;
        } else if (!add_path(&o, a, &owned, &n_owned)) {
            fprintf(stderr, "stoa report: out of memory\n");
            status = 1;
            goto done;
        }
    }
    if (desc.from_ns && desc.to_ns && desc.to_ns <= desc.from_ns) {
        fprintf(stderr, "stoa report: --to is before --from\n");
        goto done;
    }
    if (o.n_logs == 0 && !o.lrs) {
        status = usage(stderr);
        goto done;
    }
    status = run(&o, &desc, &warnings);
done:
    for (size_t i = 0; i < n_owned; i++)
        free(owned[i]);
    free(owned);
    free(o.logs);
    return status;
}
