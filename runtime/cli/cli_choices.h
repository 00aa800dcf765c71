// SPDX-License-Identifier: Apache-2.0
// `stoa report --lessons DIR`: the text of every quiz choice of the lessons
// found under DIR, so that the report shows an answer as the choices'
// text rather than their letters (the trace keeps only the letters).
#pragma once

#include <cjson/cJSON.h>

#include "core/stoa_result.h"

// {question IRI (as the trace writes it): [choice text in lang, ...]} of
// every lesson file (*.yaml, *.yml) in DIR and its folders (3 levels, at
// most 2000 files); files that are not lessons are passed over. NULL and
// err when DIR cannot be read. lang NULL = each lesson's default.
cJSON *cli_choices_load(const char *dir, const char *lang, stoa_error *err);
