// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the trace tests: temporary folders, reading a log back
// and running the checker over it.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

// Makes a fresh folder under $TMPDIR (or /tmp) and writes its path to out;
// it is removed at exit unless STOA_KEEP_TEMP is set.
void tt_make_temp_dir(char *out, size_t out_size, const char *tag);

// Parses every complete line of a log into a cJSON array (caller deletes);
// *torn is set when the last line was torn. NULL when the file is missing.
cJSON *tt_read_log(const char *path, bool *torn);

// Problems the checker finds in one statement; the first message goes to
// first_problem (where: message) when not NULL.
int tt_check(const cJSON *st, char *first_problem, size_t cap);

// Verb display ("launched") of a statement, "" when missing.
const char *tt_verb(const cJSON *st);

// Runs a command line through the shell, capturing stdout+stderr into a
// malloc'd string (*out, caller frees). Returns the exit status.
int tt_run(const char *cmd, char **out);
