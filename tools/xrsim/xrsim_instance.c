// SPDX-License-Identifier: Apache-2.0
// Loader negotiation, the instance, its configuration and shared checks.
#define _GNU_SOURCE // dladdr, RTLD_NODELETE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "xrsim_api.h"
#include "xrsim_internal.h"
#include "xrsim_result.h"

// Declared here because Debian's headers (1.0.20) lack
// openxr_loader_negotiation.h; layout per the loader specification.
typedef enum XrLoaderInterfaceStructs {
    XR_LOADER_INTERFACE_STRUCT_UNINTIALIZED = 0,
    XR_LOADER_INTERFACE_STRUCT_LOADER_INFO = 1,
    XR_LOADER_INTERFACE_STRUCT_API_LAYER_REQUEST = 2,
    XR_LOADER_INTERFACE_STRUCT_RUNTIME_REQUEST = 3,
    XR_LOADER_INTERFACE_STRUCTS_MAX_ENUM = 0x7FFFFFFF
} XrLoaderInterfaceStructs;

#define XR_LOADER_INFO_STRUCT_VERSION 1
#define XR_RUNTIME_INFO_STRUCT_VERSION 1
#define XR_CURRENT_LOADER_RUNTIME_VERSION 1

typedef struct XrNegotiateLoaderInfo {
    XrLoaderInterfaceStructs structType;
    uint32_t structVersion;
    size_t structSize;
    uint32_t minInterfaceVersion;
    uint32_t maxInterfaceVersion;
    XrVersion minApiVersion;
    XrVersion maxApiVersion;
} XrNegotiateLoaderInfo;

typedef struct XrNegotiateRuntimeRequest {
    XrLoaderInterfaceStructs structType;
    uint32_t structVersion;
    size_t structSize;
    uint32_t runtimeInterfaceVersion;
    XrVersion runtimeApiVersion;
    PFN_xrGetInstanceProcAddr getInstanceProcAddr;
} XrNegotiateRuntimeRequest;

__attribute__((visibility("default"))) XrResult
xrNegotiateLoaderRuntimeInterface(const XrNegotiateLoaderInfo *info,
                                  XrNegotiateRuntimeRequest *req);

XrResult xrNegotiateLoaderRuntimeInterface(const XrNegotiateLoaderInfo *info,
                                           XrNegotiateRuntimeRequest *req)
{
    if (!info || !req || info->structType != XR_LOADER_INTERFACE_STRUCT_LOADER_INFO ||
        info->structVersion != XR_LOADER_INFO_STRUCT_VERSION ||
        info->structSize != sizeof *info ||
        req->structType != XR_LOADER_INTERFACE_STRUCT_RUNTIME_REQUEST ||
        req->structVersion != XR_RUNTIME_INFO_STRUCT_VERSION || req->structSize != sizeof *req)
        return XR_ERROR_INITIALIZATION_FAILED;
    if (info->minInterfaceVersion > XR_CURRENT_LOADER_RUNTIME_VERSION ||
        info->maxInterfaceVersion < XR_CURRENT_LOADER_RUNTIME_VERSION ||
        XR_VERSION_MAJOR(info->minApiVersion) > 1 || XR_VERSION_MAJOR(info->maxApiVersion) < 1)
        return XR_ERROR_INITIALIZATION_FAILED;
    // The loader unloads the runtime with its last instance. xrsim stays
    // loaded instead, so that after a simulated instance loss the next
    // instance continues the same run (timeline, summary), and stale handles
    // of a destroyed instance still read as invalid.
    static bool pinned;
    Dl_info self;
    if (!pinned && dladdr((void *)xrNegotiateLoaderRuntimeInterface, &self) && self.dli_fname)
        pinned = dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != NULL;
    req->runtimeInterfaceVersion = XR_CURRENT_LOADER_RUNTIME_VERSION;
    // 1.1 where the loader knows it (the version's functions are reached by
    // name; Debian's 1.0 loader gets 1.0).
    req->runtimeApiVersion = info->maxApiVersion >= XRSIM_API_VERSION_1_1 ? XRSIM_API_VERSION_1_1
                                                                         : XR_CURRENT_API_VERSION;
    req->getInstanceProcAddr = xrsim_checked_xrGetInstanceProcAddr;
    return XR_SUCCESS;
}

// ---- instance ---------------------------------------------------------------------

static xrsim_instance *g_instance; // the one live instance, for the exit hook

// After a simulated instance loss the app makes a new instance: it continues
// the lost one's timeline and summary, as one simulated user's one run.
static struct {
    bool valid;
    struct xrsim_timeline timeline;
    xrsim_summary summary;
} g_carry;

static void carry_in(xrsim_instance *inst)
{
    if (!g_carry.valid)
        return;
    inst->timeline = g_carry.timeline;
    inst->summary = g_carry.summary;
    g_carry.valid = false;
}


static const XrExtensionProperties k_extensions[] = {
    {XR_TYPE_EXTENSION_PROPERTIES, NULL, XR_KHR_VULKAN_ENABLE_EXTENSION_NAME,
     XR_KHR_vulkan_enable_SPEC_VERSION},
    {XR_TYPE_EXTENSION_PROPERTIES, NULL, XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME,
     XR_KHR_vulkan_enable2_SPEC_VERSION},
    {XR_TYPE_EXTENSION_PROPERTIES, NULL, XR_KHR_CONVERT_TIMESPEC_TIME_EXTENSION_NAME,
     XR_KHR_convert_timespec_time_SPEC_VERSION},
    {XR_TYPE_EXTENSION_PROPERTIES, NULL, XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME,
     XR_KHR_composition_layer_depth_SPEC_VERSION},
    // AR (docs/xrsim.md, "AR"); the first is offered only when the
    // script's headset has passthrough (xrsim_ar.c).
    {XR_TYPE_EXTENSION_PROPERTIES, NULL, XR_FB_PASSTHROUGH_EXTENSION_NAME,
     XR_FB_passthrough_SPEC_VERSION},
    {XR_TYPE_EXTENSION_PROPERTIES, NULL, XR_EXT_PLANE_DETECTION_EXTENSION_NAME,
     XR_EXT_plane_detection_SPEC_VERSION},
    {XR_TYPE_EXTENSION_PROPERTIES, NULL, XR_MSFT_SPATIAL_ANCHOR_EXTENSION_NAME,
     XR_MSFT_spatial_anchor_SPEC_VERSION},
    {XR_TYPE_EXTENSION_PROPERTIES, NULL, XR_MSFT_SPATIAL_ANCHOR_PERSISTENCE_EXTENSION_NAME,
     XR_MSFT_spatial_anchor_persistence_SPEC_VERSION},
};
#define EXT_COUNT (uint32_t)(sizeof k_extensions / sizeof k_extensions[0])
#define EXT_PASSTHROUGH 4 // index of XR_FB_passthrough
#define EXT_ANCHOR_STORE 7 // index of XR_MSFT_spatial_anchor_persistence

// The extensions this headset offers: all but passthrough where the script's has none.
static uint32_t offered(const XrExtensionProperties **out)
{
    xrsim_script_ar ar;
    xrsim_ar_from_env(&ar);
    uint32_t n = 0;
    for (uint32_t i = 0; i < EXT_COUNT; i++)
        if ((i != EXT_PASSTHROUGH || ar.passthrough > 0) &&
            (i != EXT_ANCHOR_STORE || !ar.no_anchor_store))
            out[n++] = &k_extensions[i];
    return n;
}

XrResult xrsim_xrEnumerateInstanceExtensionProperties(const char *layer, uint32_t cap,
                                                      uint32_t *count, XrExtensionProperties *props)
{
    XRSIM_API_LOCK();
    if (layer && layer[0])
        return XR_ERROR_API_LAYER_NOT_PRESENT;
    if (!count || (cap && !props))
        return XR_ERROR_VALIDATION_FAILURE;
    const XrExtensionProperties *list[EXT_COUNT];
    const uint32_t n = offered(list);
    *count = n;
    if (cap == 0)
        return XR_SUCCESS;
    if (cap < n)
        return XR_ERROR_SIZE_INSUFFICIENT;
    for (uint32_t i = 0; i < n; i++) {
        if (props[i].type != XR_TYPE_EXTENSION_PROPERTIES)
            return XR_ERROR_VALIDATION_FAILURE;
        memcpy(props[i].extensionName, list[i]->extensionName, XR_MAX_EXTENSION_NAME_SIZE);
        props[i].extensionVersion = list[i]->extensionVersion;
    }
    return XR_SUCCESS;
}

static XrResult enable_extensions(xrsim_instance *inst, const XrInstanceCreateInfo *ci)
{
    const XrExtensionProperties *list[EXT_COUNT];
    const uint32_t n = offered(list);
    for (uint32_t i = 0; i < ci->enabledExtensionCount; i++) {
        const char *e = ci->enabledExtensionNames[i];
        if (!e)
            return XR_ERROR_VALIDATION_FAILURE;
        bool found = false;
        for (uint32_t k = 0; k < n; k++)
            found = found || strcmp(e, list[k]->extensionName) == 0;
        if (!found) {
            STOA_LOGW(XRSIM_LOG, "app asked for extension %s, which xrsim does not offer", e);
            return XR_ERROR_EXTENSION_NOT_PRESENT;
        }
        inst->ext_vk1 |= strcmp(e, XR_KHR_VULKAN_ENABLE_EXTENSION_NAME) == 0;
        inst->ext_vk2 |= strcmp(e, XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME) == 0;
        inst->ext_timespec |= strcmp(e, XR_KHR_CONVERT_TIMESPEC_TIME_EXTENSION_NAME) == 0;
        inst->ext_depth |= strcmp(e, XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME) == 0;
        inst->ext_passthrough |= strcmp(e, XR_FB_PASSTHROUGH_EXTENSION_NAME) == 0;
        inst->ext_planes |= strcmp(e, XR_EXT_PLANE_DETECTION_EXTENSION_NAME) == 0;
        inst->ext_anchor |= strcmp(e, XR_MSFT_SPATIAL_ANCHOR_EXTENSION_NAME) == 0;
        inst->ext_anchor_store |= strcmp(e, XR_MSFT_SPATIAL_ANCHOR_PERSISTENCE_EXTENSION_NAME) == 0;
    }
    // XR_MSFT_spatial_anchor_persistence requires XR_MSFT_spatial_anchor.
    if (inst->ext_anchor_store && !inst->ext_anchor)
        return XRSIM_ERROR_EXTENSION_DEPENDENCY_NOT_ENABLED;
    return XR_SUCCESS;
}

static void apply_script_config(xrsim_instance *inst)
{
    const xrsim_script *s = &inst->script;
    xrsim_config *c = &inst->cfg;
    if (s->eye_width)
        c->eye_width = s->eye_width, c->eye_height = s->eye_height;
    if (s->refresh_hz > 0)
        c->refresh_hz = s->refresh_hz;
    if (s->ipd_m > 0)
        c->ipd_m = s->ipd_m;
    if (s->frames > 0 && !getenv("STOA_XRSIM_FRAMES"))
        c->frames_limit = s->frames;
    xrsim_config_apply_env_display(c); // the environment wins over the script
}

XrResult xrsim_xrCreateInstance(const XrInstanceCreateInfo *ci, XrInstance *out)
{
    XRSIM_API_LOCK();
    if (!ci || !out || ci->type != XR_TYPE_INSTANCE_CREATE_INFO)
        return XR_ERROR_VALIDATION_FAILURE;
    // XrInstanceCreateFlags has no bits (must be 0); a non-zero count needs its array.
    if (ci->createFlags != 0 || (ci->enabledExtensionCount && !ci->enabledExtensionNames))
        return XR_ERROR_VALIDATION_FAILURE;
    // Spec 1.1 §4.2 (xrCreateInstance): a runtime that does not support the
    // requested major.minor returns XR_ERROR_API_VERSION_UNSUPPORTED. xrsim
    // implements 1.0 and 1.1.
    const XrVersion api = ci->applicationInfo.apiVersion;
    if (XR_VERSION_MAJOR(api) != 1 || XR_VERSION_MINOR(api) > 1)
        return XR_ERROR_API_VERSION_UNSUPPORTED;
    if (ci->applicationInfo.applicationName[0] == '\0')
        return XR_ERROR_NAME_INVALID;
    if (g_instance)
        return XR_ERROR_LIMIT_REACHED;
    xrsim_instance *inst = calloc(1, sizeof *inst);
    if (!inst)
        return XR_ERROR_OUT_OF_MEMORY;
    XrResult r = enable_extensions(inst, ci);
    if (r != XR_SUCCESS) {
        free(inst);
        return r;
    }
    snprintf(inst->app_name, sizeof inst->app_name, "%s", ci->applicationInfo.applicationName);
    inst->api_minor = (int)XR_VERSION_MINOR(api);
    xrsim_config_from_env(&inst->cfg);
    const char *script = getenv("STOA_XRSIM_SCRIPT");
    if (script && script[0]) {
        char err[512];
        if (!xrsim_script_load(&inst->script, script, err, sizeof err)) {
            STOA_LOGE(XRSIM_LOG, "%s", err);
            fprintf(stderr, "xrsim: script error: %s\n", err);
            free(inst);
            // The simulated headset cannot be set up: the specific code for
            // that, not the catch-all XR_ERROR_RUNTIME_FAILURE.
            return XR_ERROR_INITIALIZATION_FAILED;
        }
    }
    apply_script_config(inst);
    xrsim_ar_resolve(&inst->script.ar, &inst->ar);
    char cam_err[1200];
    if (!xrsim_camera_init(&inst->camera, &inst->ar, cam_err, sizeof cam_err)) {
        // Only a script's camera.image can fail here.
        STOA_LOGE(XRSIM_LOG, "%s: %s", script ? script : "", cam_err);
        fprintf(stderr, "xrsim: script error: %s: %s\n", script ? script : "", cam_err);
        xrsim_script_fini(&inst->script);
        free(inst);
        return XR_ERROR_INITIALIZATION_FAILED;
    }
    // XrTime is CLOCK_MONOTONIC (see xrsim_frame.c); the display clock starts now.
    inst->timeline.clock_ns = xrsim_mono_ns();
    inst->timeline.hold = inst->script.hold;
    inst->timeline.room = xrsim_pose_identity();
    carry_in(inst);
    xrsim_handle_add(inst, XRSIM_INSTANCE);
    g_instance = inst;
    *out = (XrInstance)inst;
    STOA_LOGI(XRSIM_LOG, "instance created for '%s' (eye %ux%u, %.0f Hz)", inst->app_name,
              inst->cfg.eye_width, inst->cfg.eye_height, inst->cfg.refresh_hz);
    return XR_SUCCESS;
}

static void instance_free(xrsim_instance *inst)
{
    if (inst->session)
        xrsim_session_free(inst->session);
    while (inst->set_count)
        xrsim_action_set_free(inst->sets[inst->set_count - 1]);
    free(inst->sets);
    if (inst->cfg.summary_path[0])
        xrsim_summary_write(&inst->summary, inst->cfg.summary_path);
    if (inst->loss_pending) {
        g_carry.valid = true;
        g_carry.timeline = inst->timeline;
        g_carry.summary = inst->summary;
    }
    xrsim_paths_free(inst);
    xrsim_script_fini(&inst->script);
    xrsim_camera_fini(&inst->camera);
    if (g_instance == inst)
        g_instance = NULL;
    xrsim_handle_release(inst);
}

XrResult xrsim_xrDestroyInstance(XrInstance instance)
{
    XRSIM_API_LOCK();
    if (!xrsim_handle_live(instance, XRSIM_INSTANCE))
        return XR_ERROR_HANDLE_INVALID;
    instance_free((xrsim_instance *)instance);
    return XR_SUCCESS;
}

// An app that exits without xrDestroyInstance still gets its summary.
__attribute__((destructor)) static void xrsim_at_unload(void)
{
    if (g_instance && g_instance->cfg.summary_path[0]) {
        snprintf(g_instance->summary.exit_reason, sizeof g_instance->summary.exit_reason, "%s",
                 "instance not destroyed");
        xrsim_summary_write(&g_instance->summary, g_instance->cfg.summary_path);
    }
}

XrResult xrsim_xrGetInstanceProperties(XrInstance instance, XrInstanceProperties *props)
{
    XRSIM_API_LOCK();
    XrResult r = xrsim_check_instance(instance, "xrGetInstanceProperties");
    if (r != XR_SUCCESS)
        return r;
    if (!props || props->type != XR_TYPE_INSTANCE_PROPERTIES)
        return xrsim_app_error((xrsim_instance *)instance, "xrGetInstanceProperties",
                               XR_ERROR_VALIDATION_FAILURE, "bad XrInstanceProperties");
    props->runtimeVersion = XR_MAKE_VERSION(0, 1, 0);
    snprintf(props->runtimeName, sizeof props->runtimeName, "Stoa xrsim (simulated headset)");
    return XR_SUCCESS;
}

// ---- shared checks ------------------------------------------------------------------

XrResult xrsim_app_error(xrsim_instance *inst, const char *function, XrResult result,
                         const char *why)
{
    STOA_LOGW(XRSIM_LOG, "%s -> %s: %s", function, xrsim_result_str(result), why);
    if (!inst) // a call on a stale child handle: the app's one instance
        inst = g_instance;
    if (inst)
        xrsim_summary_error_add(&inst->summary, function, result, why);
    return result;
}

// Set by xrsim_check_session during one entry point's call, read and
// cleared when that call's result is checked.
static _Thread_local bool t_loss_pending;

void xrsim_result_note_loss_pending(void)
{
    t_loss_pending = true;
}

XrResult xrsim_result_check(const xrsim_result_rule *rule, XrResult r)
{
    const bool loss_pending = t_loss_pending;
    t_loss_pending = false;
    if (r == XR_SUCCESS && loss_pending && xrsim_result_allowed(rule, XR_SESSION_LOSS_PENDING))
        r = XR_SESSION_LOSS_PENDING;
    if (xrsim_result_allowed(rule, r))
        return r;
    // Not the app's mistake: xrsim answered with a code the specification
    // never lets this function return.
    STOA_LOGE(XRSIM_LOG, "xrsim bug: %s returned %s (%d), which the registry does not list for it",
              rule->command, xrsim_result_str(r), (int)r);
    {
        XRSIM_API_LOCK();
        if (g_instance)
            g_instance->summary.registry_violations++;
    }
    const char *strict = getenv("STOA_XRSIM_STRICT_RESULTS");
    if (strict && strcmp(strict, "1") == 0) {
        fprintf(stderr, "xrsim bug: %s returned %s (%d), not in its registry entry; aborting "
                        "(STOA_XRSIM_STRICT_RESULTS=1)\n", rule->command, xrsim_result_str(r), (int)r);
        abort();
    }
    return r;
}

XrResult xrsim_check_instance(XrInstance instance, const char *fn)
{
    if (!xrsim_handle_live(instance, XRSIM_INSTANCE))
        return xrsim_app_error(g_instance, fn, XR_ERROR_HANDLE_INVALID, "not a live XrInstance");
    if (((xrsim_instance *)instance)->lost)
        return XR_ERROR_INSTANCE_LOST;
    return XR_SUCCESS;
}

XrResult xrsim_check_session(XrSession session, const char *fn, xrsim_session **out)
{
    if (!xrsim_handle_live(session, XRSIM_SESSION))
        return xrsim_app_error(g_instance, fn, XR_ERROR_HANDLE_INVALID, "not a live XrSession");
    xrsim_session *s = (xrsim_session *)session;
    if (s->instance->lost)
        return XR_ERROR_INSTANCE_LOST;
    if (s->lost)
        return XR_ERROR_SESSION_LOST;
    if (s->loss_pending)
        xrsim_result_note_loss_pending();
    *out = s;
    return XR_SUCCESS;
}

XrResult xrsim_fill(xrsim_instance *inst, const char *fn, uint32_t cap, uint32_t *count_out,
                    void *dst, const void *src, uint32_t n, size_t sz)
{
    if (!count_out || (cap && !dst))
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "NULL output");
    *count_out = n;
    if (cap == 0)
        return XR_SUCCESS;
    if (cap < n)
        return xrsim_app_error(inst, fn, XR_ERROR_SIZE_INSUFFICIENT, "capacity below count");
    if (n)
        memcpy(dst, src, n * sz);
    return XR_SUCCESS;
}

XrResult xrsim_fill_string(xrsim_instance *inst, const char *fn, uint32_t cap,
                           uint32_t *count_out, char *dst, const char *src)
{
    return xrsim_fill(inst, fn, cap, count_out, dst, src, (uint32_t)strlen(src) + 1, 1);
}
