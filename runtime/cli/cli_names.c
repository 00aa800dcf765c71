// SPDX-License-Identifier: Apache-2.0
#include "cli_names.h"

#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"

#define NAMES_MAX_BYTES (1u << 20)
#define NAMES_MAX 100000

static char *trim(char *s, char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    *end = 0;
    return s;
}

// One CSV field starting at *p (quoted or not); *p moves past its comma.
static char *field(char **p, char *end, bool *bad)
{
    char *s = *p;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s < end && *s == '"') {
        char *w = ++s, *r = s, *start = s;
        for (;;) {
            if (r >= end) {
                *bad = true; // no closing quote on this line
                return NULL;
            }
            if (*r == '"' && r + 1 < end && r[1] == '"') {
                *w++ = '"';
                r += 2;
            } else if (*r == '"') {
                r++;
                break;
            } else {
                *w++ = *r++;
            }
        }
        while (r < end && *r != ',')
            r++;
        *p = r < end ? r + 1 : end;
        *w = 0;
        return start;
    }
    char *c = memchr(s, ',', (size_t)(end - s));
    char *stop = c ? c : end;
    *p = c ? c + 1 : end;
    return trim(s, stop);
}

stoa_result cli_names_load(const char *path, stoa_eval *ev, stoa_error *err)
{
    uint8_t *data = NULL;
    size_t size = 0;
    stoa_result r = stoa_file_read(path, NAMES_MAX_BYTES, &data, &size, err);
    if (r != STOA_OK)
        return r;
    char *text = (char *)data, *end = text + size;
    if (size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3;
    int line = 0, names = 0;
    for (char *p = text; p < end && r == STOA_OK;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end, *q = p;
        p = nl ? nl + 1 : end;
        line++;
        bool bad = false;
        char *account = field(&q, le, &bad), *name = bad ? NULL : field(&q, le, &bad);
        if (!bad && account && !*account && q >= le && (!name || !*name))
            continue; // an empty line
        if (line == 1 && account && name && strcmp(account, "account") == 0 && strcmp(name, "name") == 0)
            continue;
        if (bad || !account || !*account || !name || !*name) {
            r = stoa_error_set(err, STOA_ERROR_PARSE, "%s:%d: expected 'account,name'", path, line);
            break;
        }
        if (++names > NAMES_MAX) {
            r = stoa_error_set(err, STOA_ERROR_LIMIT, "%s:%d: more than %d names", path, line, NAMES_MAX);
            break;
        }
        r = stoa_eval_set_learner_name(ev, account, name, err);
    }
    free(data);
    return r;
}
