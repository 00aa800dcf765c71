// SPDX-License-Identifier: Apache-2.0
// The hub's configuration file (/etc/stoa/hub.conf for the service): the
// same settings as `stoa hub`'s options. See stoa_hub_service.h.
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stoa_hub_service.h"

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

static bool copy(char *dst, size_t size, const char *value)
{
    size_t n = strlen(value);
    if (n == 0 || n >= size)
        return false;
    memcpy(dst, value, n + 1);
    return true;
}

static bool yes_no(const char *v, int *out)
{
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
        return (*out = 1), true;
    if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
        return (*out = 0), true;
    return false;
}

// One "key = value"; false with a reason in `why` when it is not acceptable.
static bool take(stoa_hub_config *c, const char *key, const char *v, const char **why)
{
    *why = "empty or too long";
    if (!strcmp(key, "listen"))
        return copy(c->listen, sizeof c->listen, v);
    if (!strcmp(key, "data"))
        return copy(c->data_dir, sizeof c->data_dir, v);
    if (!strcmp(key, "lessons"))
        return copy(c->lessons_dir, sizeof c->lessons_dir, v);
    if (!strcmp(key, "panel"))
        return copy(c->panel_dir, sizeof c->panel_dir, v);
    if (!strcmp(key, "cert"))
        return copy(c->cert_file, sizeof c->cert_file, v);
    if (!strcmp(key, "forward"))
        return copy(c->forward_url, sizeof c->forward_url, v);
    if (!strcmp(key, "joins-per-minute")) {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        *why = "want a whole number from 1 to 10000";
        if (errno || *end || n < 1 || n > 10000)
            return false;
        c->join_per_minute = (int)n;
        return true;
    }
    if (!strcmp(key, "browser")) {
        *why = "want yes or no";
        return yes_no(v, &c->browser);
    }
    *why = "unknown key (listen, data, lessons, panel, cert, forward, joins-per-minute, browser)";
    return false;
}

stoa_result stoa_hub_config_read(const char *path, stoa_hub_config *cfg, stoa_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->browser = -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return stoa_error_set(err, STOA_ERROR_IO, "%s: cannot read: %s", path, strerror(errno));
    char line[2048];
    int lineno = 0;
    stoa_result r = STOA_OK;
    while (r == STOA_OK && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            r = stoa_error_set(err, STOA_ERROR_PARSE, "%s:%d: line too long", path, lineno);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *s = trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            r = stoa_error_set(err, STOA_ERROR_PARSE, "%s:%d: want 'key = value', not '%s'", path,
                               lineno, s);
            break;
        }
        *eq = 0;
        const char *key = trim(s), *value = trim(eq + 1), *why = "";
        if (!take(cfg, key, value, &why))
            r = stoa_error_set(err, STOA_ERROR_PARSE, "%s:%d: %s: %s", path, lineno, key, why);
    }
    if (r == STOA_OK && ferror(f))
        r = stoa_error_set(err, STOA_ERROR_IO, "%s: read error", path);
    fclose(f);
    return r;
}

void stoa_hub_config_apply(const stoa_hub_config *cfg, stoa_hub_desc *desc)
{
#define FILL(field, value)                                                                         \
    if (!desc->field && (value)[0])                                                                \
    desc->field = (value)
    FILL(listen, cfg->listen);
    FILL(data_dir, cfg->data_dir);
    FILL(lessons_dir, cfg->lessons_dir);
    FILL(panel_dir, cfg->panel_dir);
    FILL(cert_file, cfg->cert_file);
    FILL(forward_url, cfg->forward_url);
#undef FILL
    if (!desc->join_per_minute && cfg->join_per_minute)
        desc->join_per_minute = cfg->join_per_minute;
}
