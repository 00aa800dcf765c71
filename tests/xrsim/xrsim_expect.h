// SPDX-License-Identifier: Apache-2.0
// EXPECT(want, xrFunction, args...): calls the function, checks it returned
// `want` and that the result is one the registry allows for that function
// (the generated table xrsim checks itself with, linked into the test).
#pragma once

#include <stdio.h>

#include "stoa_test.h"
#include "xrsim_result.h"

static inline XrResult expect_result(const char *fn, XrResult got, XrResult want, int line)
{
    const xrsim_result_rule *rule = xrsim_result_rule_find(fn);
    CHECK_MSG(rule != NULL, "line %d: no registry entry for %s", line, fn);
    if (rule)
        CHECK_MSG(xrsim_result_allowed(rule, got), "line %d: %s returned %d, not in its registry entry",
                  line, fn, (int)got);
    CHECK_MSG(got == want, "line %d: %s returned %d, expected %d", line, fn, (int)got, (int)want);
    return got;
}
#define EXPECT(want, fn, ...) expect_result(#fn, fn(__VA_ARGS__), (want), __LINE__)

// What the registry says a function returns on success while its session's
// loss is pending: XR_SESSION_LOSS_PENDING where listed, else XR_SUCCESS.
static inline XrResult pending(const char *fn)
{
    const xrsim_result_rule *rule = xrsim_result_rule_find(fn);
    return rule && xrsim_result_allowed(rule, XR_SESSION_LOSS_PENDING) ? XR_SESSION_LOSS_PENDING
                                                                       : XR_SUCCESS;
}
