// SPDX-License-Identifier: Apache-2.0
// runtime/xr's XrResult -> stoa_result mapping: each loss and each state
// error has the code its callers act on (docs/learner-runtime.md, "Errors").
#include "stoa_test.h"
#include "xr/xr_internal.h"

STOA_TEST(xr_results_map_to_what_callers_do)
{
    CHECK(xr_result_code(XR_SUCCESS) == STOA_OK);
    CHECK(xr_result_code(XR_SESSION_LOSS_PENDING) == STOA_OK); // a success code
    CHECK(xr_result_code(XR_ERROR_SESSION_LOST) == STOA_ERROR_SESSION_LOST);
    CHECK(xr_result_code(XR_ERROR_INSTANCE_LOST) == STOA_ERROR_INSTANCE_LOST);
    CHECK(xr_result_code(XR_ERROR_SESSION_NOT_RUNNING) == STOA_ERROR_STATE);
    CHECK(xr_result_code(XR_ERROR_SESSION_NOT_READY) == STOA_ERROR_STATE);
    CHECK(xr_result_code(XR_ERROR_SESSION_NOT_STOPPING) == STOA_ERROR_STATE);
    CHECK(xr_result_code(XR_ERROR_CALL_ORDER_INVALID) == STOA_ERROR_STATE);
    CHECK(xr_result_code(XR_ERROR_OUT_OF_MEMORY) == STOA_ERROR_OUT_OF_MEMORY);
    CHECK(xr_result_code(XR_ERROR_RUNTIME_FAILURE) == STOA_ERROR_XR);
    stoa_error err = {0};
    CHECK(xr_check(XR_NULL_HANDLE, XR_ERROR_SESSION_LOST, "xrWaitFrame", "f.c", 1, &err) ==
          STOA_ERROR_SESSION_LOST);
    CHECK(err.code == STOA_ERROR_SESSION_LOST);
    CHECK(stoa_result_classify(err.code) == STOA_CLASS_SESSION);
}

STOA_TEST_MAIN()
