// SPDX-License-Identifier: Apache-2.0
// Look-ups in the generated table of allowed result codes (xrsim_result.h).
#include <string.h>

#include "xrsim_result.h"

bool xrsim_result_allowed(const xrsim_result_rule *rule, XrResult r)
{
    for (unsigned i = 0; i < rule->count; i++)
        if (rule->codes[i] == r)
            return true;
    return false;
}

const xrsim_result_rule *xrsim_result_rule_find(const char *command)
{
    for (unsigned i = 0; i < xrsim_result_rule_count; i++)
        if (strcmp(xrsim_result_rules[i]->command, command) == 0)
            return xrsim_result_rules[i];
    return NULL;
}

bool xrsim_enum_valid(const char *type, int32_t value, int api_minor)
{
    for (unsigned i = 0; i < xrsim_enum_value_count; i++)
        if (xrsim_enum_values[i].value == value && xrsim_enum_values[i].minor <= api_minor &&
            strcmp(xrsim_enum_values[i].type, type) == 0)
            return true;
    return false;
}
