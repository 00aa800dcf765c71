// SPDX-License-Identifier: Apache-2.0
// A stand-in for the OpenXR loader, for tests of OpenXR 1.1: Debian's loader
// (1.0.20) refuses any instance above 1.0 before the runtime is asked. This
// file defines the xr* functions the tests call; linked into a test
// executable, they take the place of the loader's (the executable's own
// definitions win), load the build's xrsim directly, negotiate as the
// loader specification describes, and forward each call through the
// runtime's xrGetInstanceProcAddr.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "xrsim_test_app.h"

// The loader-runtime negotiation structures (OpenXR loader specification,
// "Runtime Interface Negotiation"), as in openxr_loader_negotiation.h.
typedef struct {
    int structType; // XR_LOADER_INTERFACE_STRUCT_LOADER_INFO = 1
    uint32_t structVersion;
    size_t structSize;
    uint32_t minInterfaceVersion, maxInterfaceVersion;
    XrVersion minApiVersion, maxApiVersion;
} negotiate_loader_info;

typedef struct {
    int structType; // XR_LOADER_INTERFACE_STRUCT_RUNTIME_REQUEST = 3
    uint32_t structVersion;
    size_t structSize;
    uint32_t runtimeInterfaceVersion;
    XrVersion runtimeApiVersion;
    PFN_xrGetInstanceProcAddr getInstanceProcAddr;
} negotiate_runtime_request;

typedef XrResult (*negotiate_fn)(const negotiate_loader_info *, negotiate_runtime_request *);

static PFN_xrGetInstanceProcAddr g_gipa;
static XrInstance g_instance; // the handle used to look functions up

static PFN_xrGetInstanceProcAddr runtime(void)
{
    if (g_gipa)
        return g_gipa;
    const char *build = getenv("STOA_BUILD_DIR");
    char lib[512];
    snprintf(lib, sizeof lib, "%s/xrsim/libstoa_xrsim.so", build ? build : ".");
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    negotiate_fn neg = h ? (negotiate_fn)dlsym(h, "xrNegotiateLoaderRuntimeInterface") : NULL;
    if (!neg) {
        fprintf(stderr, "xrsim_direct: cannot load %s: %s\n", lib, dlerror());
        return NULL;
    }
    negotiate_loader_info li = {1, 1, sizeof li, 1, 1, XR_MAKE_VERSION(1, 0, 0),
                                XR_MAKE_VERSION(1, 1, 0xffffffff)};
    negotiate_runtime_request rr = {3, 1, sizeof rr, 0, 0, NULL};
    if (neg(&li, &rr) == XR_SUCCESS)
        g_gipa = rr.getInstanceProcAddr;
    return g_gipa;
}

XrResult XRAPI_CALL xrGetInstanceProcAddr(XrInstance instance, const char *name,
                                          PFN_xrVoidFunction *function)
{
    PFN_xrGetInstanceProcAddr gipa = runtime();
    return gipa ? gipa(instance, name, function) : XR_ERROR_RUNTIME_UNAVAILABLE;
}

XrResult XRAPI_CALL xrCreateInstance(const XrInstanceCreateInfo *ci, XrInstance *out)
{
    PFN_xrCreateInstance f = NULL;
    if (xrGetInstanceProcAddr(XR_NULL_HANDLE, "xrCreateInstance", (PFN_xrVoidFunction *)&f) !=
        XR_SUCCESS)
        return XR_ERROR_RUNTIME_UNAVAILABLE;
    XrResult r = f(ci, out);
    if (r == XR_SUCCESS)
        g_instance = *out;
    return r;
}

// Every other function: looked up on the current instance, then called.
#define FORWARD(name, params, args)                                                                \
    XrResult XRAPI_CALL name params                                                                \
    {                                                                                              \
        PFN_##name fn_ = NULL;                                                                    \
        if (xrGetInstanceProcAddr(g_instance, #name, (PFN_xrVoidFunction *)&fn_) != XR_SUCCESS)    \
            return XR_ERROR_FUNCTION_UNSUPPORTED;                                                  \
        return fn_ args;                                                                          \
    }

FORWARD(xrDestroyInstance, (XrInstance i), (i))
FORWARD(xrGetSystem, (XrInstance i, const XrSystemGetInfo *g, XrSystemId *s), (i, g, s))
FORWARD(xrCreateSession, (XrInstance i, const XrSessionCreateInfo *c, XrSession *s), (i, c, s))
FORWARD(xrDestroySession, (XrSession s), (s))
FORWARD(xrBeginSession, (XrSession s, const XrSessionBeginInfo *b), (s, b))
FORWARD(xrPollEvent, (XrInstance i, XrEventDataBuffer *e), (i, e))
FORWARD(xrWaitFrame, (XrSession s, const XrFrameWaitInfo *w, XrFrameState *f), (s, w, f))
FORWARD(xrBeginFrame, (XrSession s, const XrFrameBeginInfo *b), (s, b))
FORWARD(xrEndFrame, (XrSession s, const XrFrameEndInfo *e), (s, e))
FORWARD(xrStringToPath, (XrInstance i, const char *str, XrPath *p), (i, str, p))
FORWARD(xrResultToString, (XrInstance i, XrResult v, char b[XR_MAX_RESULT_STRING_SIZE]),
        (i, v, b))
FORWARD(xrEnumerateReferenceSpaces,
        (XrSession s, uint32_t cap, uint32_t *n, XrReferenceSpaceType *t), (s, cap, n, t))
FORWARD(xrCreateReferenceSpace, (XrSession s, const XrReferenceSpaceCreateInfo *c, XrSpace *o),
        (s, c, o))
FORWARD(xrLocateSpace, (XrSpace s, XrSpace b, XrTime t, XrSpaceLocation *l), (s, b, t, l))
FORWARD(xrGetReferenceSpaceBoundsRect, (XrSession s, XrReferenceSpaceType t, XrExtent2Df *b),
        (s, t, b))
FORWARD(xrCreateActionSet, (XrInstance i, const XrActionSetCreateInfo *c, XrActionSet *o),
        (i, c, o))
FORWARD(xrCreateAction, (XrActionSet s, const XrActionCreateInfo *c, XrAction *o), (s, c, o))
FORWARD(xrDestroyAction, (XrAction a), (a))
FORWARD(xrSuggestInteractionProfileBindings,
        (XrInstance i, const XrInteractionProfileSuggestedBinding *b), (i, b))
FORWARD(xrAttachSessionActionSets, (XrSession s, const XrSessionActionSetsAttachInfo *a), (s, a))
FORWARD(xrGetActionStateBoolean,
        (XrSession s, const XrActionStateGetInfo *g, XrActionStateBoolean *b), (s, g, b))
FORWARD(xrGetInputSourceLocalizedName,
        (XrSession s, const XrInputSourceLocalizedNameGetInfo *g, uint32_t cap, uint32_t *n,
         char *b),
        (s, g, cap, n, b))
