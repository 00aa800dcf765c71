// SPDX-License-Identifier: Apache-2.0
#include "stoa_trace_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "core/stoa_json.h"

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r')
            return false;
    return true;
}

stoa_result stoa_trace_read_file(const char *path, const stoa_trace_read_desc *desc,
                                 stoa_trace_read_counts *out_counts, stoa_error *err)
{
    stoa_trace_read_counts counts = {0};
    uint8_t *data = NULL;
    size_t size = 0;
    stoa_result r = stoa_file_read(path, desc->max_size, &data, &size, err);
    if (r != STOA_OK)
        return r;
    char *p = (char *)data, *end = p + size;
    int line = 0;
    while (p < end) {
        line++;
        char *nl = memchr(p, '\n', (size_t)(end - p));
        bool last_unterminated = nl == NULL;
        char *stop = nl ? nl : end;
        *stop = '\0'; // data has a NUL one past size, so this is in bounds
        if (!blank(p)) {
            // The one bounded reader (core/stoa_json.h): a line nested 100000
            // deep or holding a duplicate name is a bad line, not a crash.
            cJSON *j = NULL;
            stoa_error jerr = {0};
            stoa_json_parse(p, (size_t)(stop - p), &(stoa_json_policy){.max_bytes = (size_t)(stop - p) + 1},
                            &j, &jerr);
            if (j) {
                counts.statements++;
                if (desc->on_statement_owned) {
                    desc->on_statement_owned(desc->user, line, j);
                } else {
                    if (desc->on_statement)
                        desc->on_statement(desc->user, line, j);
                    cJSON_Delete(j);
                }
            } else if (last_unterminated) {
                counts.torn_tail = true;
                if (desc->on_torn_tail)
                    desc->on_torn_tail(desc->user, line, (size_t)(stop - p));
            } else {
                counts.bad_lines++;
                if (desc->on_bad_line) {
                    char msg[160];
                    snprintf(msg, sizeof msg, "not valid %.140s", jerr.message);
                    desc->on_bad_line(desc->user, line, msg);
                }
            }
        }
        p = stop + 1;
    }
    free(data);
    if (out_counts)
        *out_counts = counts;
    return STOA_OK;
}
