// SPDX-License-Identifier: Apache-2.0
// `stoa report --names FILE`: learners' display names from a CSV of
// `account,name` lines (UTF-8, an optional byte-order mark and header line
// `account,name`, names may be "quoted" and hold commas), given to the
// evaluation so that archives and recommendations name people
// (docs/curriculum-format.md, "Names").
#pragma once

#include "core/stoa_result.h"
#include "eval/stoa_eval.h"

// At most 1 MiB and 100 000 names; an error names FILE:LINE.
stoa_result cli_names_load(const char *path, stoa_eval *ev, stoa_error *err);
