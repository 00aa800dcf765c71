// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "trace/stoa_trace_report.h"

stoa_result stoa_report_write_json(const cJSON *report, const char *path, stoa_error *err)
{
    char *text = cJSON_Print(report);
    if (!text)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
    size_t n = strlen(text);
    text[n] = '\n'; // cJSON_Print leaves room for the NUL we replace
    stoa_result r = stoa_file_write_atomic(path, text, n + 1, err);
    free(text);
    return r;
}
