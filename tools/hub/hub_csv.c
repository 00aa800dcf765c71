// SPDX-License-Identifier: Apache-2.0
// A bounded CSV reader for class lists (RFC 4180: fields separated by
// commas — or semicolons, as spreadsheets in many locales save them —,
// quoted with "", a quote inside doubled; records end with CRLF or LF).
// The caller bounds the text; fields are bounded here.
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"

#define HUB_CSV_FIELD 1024 // bytes in one field
#define HUB_CSV_FIELDS 32  // fields in one record

cJSON *hub_csv_next(const char *text, size_t len, size_t *pos, const char **why)
{
    size_t i = *pos;
    *why = NULL;
    if (i >= len)
        return NULL;
    cJSON *rec = cJSON_CreateArray();
    char field[HUB_CSV_FIELD + 1];
    size_t n = 0;
    bool quoted = false, was_quoted = false;
    for (;;) {
        char ch = i < len ? text[i] : '\n';
        bool end = i >= len;
        if (quoted) {
            if (end) {
                *why = "a quoted field is not closed";
                break;
            }
            if (ch == '"' && i + 1 < len && text[i + 1] == '"') {
                ch = '"';
                i++;
            } else if (ch == '"') {
                quoted = false;
                i++;
                continue;
            }
        } else if (ch == '"' && n == 0 && !was_quoted) {
            quoted = was_quoted = true;
            i++;
            continue;
        } else if (ch == ',' || ch == ';' || ch == '\n' || ch == '\r') {
            field[n] = 0;
            if (cJSON_GetArraySize(rec) >= HUB_CSV_FIELDS) {
                *why = "more than 32 fields";
                break;
            }
            cJSON_AddItemToArray(rec, cJSON_CreateString(field));
            n = 0;
            was_quoted = false;
            if (ch == ',' || ch == ';') {
                i++;
                continue;
            }
            if (ch == '\r' && i + 1 < len && text[i + 1] == '\n')
                i++;
            i += !end;
            *pos = i;
            return rec;
        } else if (was_quoted) {
            *why = "text after a quoted field";
            break;
        }
        if (n >= HUB_CSV_FIELD) {
            *why = "a field longer than 1024 bytes";
            break;
        }
        field[n++] = ch;
        i++;
    }
    // Skip to the next line so that the caller can go on reporting errors.
    while (i < len && text[i] != '\n')
        i++;
    *pos = i + 1;
    cJSON_Delete(rec);
    return NULL;
}
