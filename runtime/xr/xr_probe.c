// SPDX-License-Identifier: Apache-2.0
// stoa_xr_probe: the OpenXR runtime as the loader will find it. The manifest
// search follows the OpenXR loader's order on Linux (XR_RUNTIME_JSON, then
// openxr/1/active_runtime.json under XDG_CONFIG_HOME, XDG_CONFIG_DIRS and
// /etc), so a broken installation is named before the loader's own vaguer
// error.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/stoa_json.h"
#include "core/stoa_file.h"
#include "stoa_xr_probe.h"
#include "xr_internal.h"

static bool readable(const char *p) { return p && *p && access(p, R_OK) == 0; }

static bool find_manifest(stoa_xr_probe_result *o)
{
    const char *env = getenv("XR_RUNTIME_JSON");
    if (env && *env) {
        snprintf(o->manifest, sizeof o->manifest, "%s", env);
        o->manifest_from_env = true;
        return true; // the loader uses it or nothing: reported even when missing
    }
    const char *rel = "openxr/1/active_runtime.json";
    const char *home = getenv("HOME"), *cfg = getenv("XDG_CONFIG_HOME");
    char path[1024];
    if (cfg && *cfg)
        snprintf(path, sizeof path, "%s/%s", cfg, rel);
    else
        snprintf(path, sizeof path, "%s/.config/%s", home ? home : "", rel);
    if (readable(path))
        return snprintf(o->manifest, sizeof o->manifest, "%s", path), true;
    const char *dirs = getenv("XDG_CONFIG_DIRS");
    char list[2048];
    snprintf(list, sizeof list, "%s:/etc", dirs && *dirs ? dirs : "/etc/xdg");
    for (char *save = NULL, *d = strtok_r(list, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(path, sizeof path, "%s/%s", d, rel);
        if (readable(path))
            return snprintf(o->manifest, sizeof o->manifest, "%s", path), true;
    }
    return false;
}

// Reads runtime.library_path; a relative one is relative to the manifest's
// folder (a bare file name is left to the dynamic linker's search).
static bool read_library(stoa_xr_probe_result *o)
{
    uint8_t *data = NULL;
    size_t size = 0;
    stoa_error err = {0};
    if (stoa_file_read(o->manifest, 1 << 20, &data, &size, &err) != STOA_OK) {
        snprintf(o->error, sizeof o->error, "%s", err.message);
        return false;
    }
    cJSON *j = NULL;
    if (stoa_json_parse((const char *)data, size, NULL, &j, &err) != STOA_OK)
        j = NULL; // the message below names the manifest
    free(data);
    const char *lib = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "runtime"),
                                                               "library_path"));
    bool ok = lib && *lib;
    if (!ok)
        snprintf(o->error, sizeof o->error, "%s: %s", o->manifest,
                 j ? "no runtime.library_path" : "not valid JSON");
    else if (lib[0] == '/' || !strchr(lib, '/'))
        snprintf(o->library, sizeof o->library, "%s", lib);
    else {
        const char *slash = strrchr(o->manifest, '/');
        int dir_len = slash ? (int)(slash - o->manifest) : 1;
        while (lib[0] == '.' && lib[1] == '/')
            lib += 2;
        snprintf(o->library, sizeof o->library, "%.*s/%s", dir_len, slash ? o->manifest : ".", lib);
    }
    cJSON_Delete(j);
    return ok;
}

static void list_extensions(stoa_xr_probe_result *o, bool *has_v1)
{
    uint32_t n = 0;
    if (XR_FAILED(xrEnumerateInstanceExtensionProperties(NULL, 0, &n, NULL)) || n == 0)
        return;
    XrExtensionProperties *exts = calloc(n, sizeof *exts);
    if (!exts)
        return;
    for (uint32_t i = 0; i < n; i++)
        exts[i].type = XR_TYPE_EXTENSION_PROPERTIES;
    if (XR_SUCCEEDED(xrEnumerateInstanceExtensionProperties(NULL, n, &n, exts))) {
        o->extension_count = n;
        size_t used = 0;
        for (uint32_t i = 0; i < n; i++) {
            const char *e = exts[i].extensionName;
            if (!strcmp(e, XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME))
                o->vulkan2 = true;
            if (!strcmp(e, XR_KHR_VULKAN_ENABLE_EXTENSION_NAME))
                *has_v1 = true;
            int w = snprintf(o->extensions + used, sizeof o->extensions - used, "%s%s",
                             used ? " " : "", e);
            if (w < 0 || (size_t)w >= sizeof o->extensions - used)
                break; // a long list is cut, the count stays right
            used += (size_t)w;
        }
    }
    free(exts);
}

static void describe_system(stoa_xr_probe_result *o, XrInstance inst, XrSystemId sys)
{
    XrSystemProperties sp = {XR_TYPE_SYSTEM_PROPERTIES};
    if (XR_SUCCEEDED(xrGetSystemProperties(inst, sys, &sp)))
        snprintf(o->system_name, sizeof o->system_name, "%s", sp.systemName);
    XrViewConfigurationType types[8];
    uint32_t n = 0;
    if (XR_SUCCEEDED(xrEnumerateViewConfigurations(inst, sys, 8, &n, types)))
        for (uint32_t i = 0; i < n; i++)
            o->stereo |= types[i] == XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
    if (o->stereo) {
        XrViewConfigurationView v[2] = {{XR_TYPE_VIEW_CONFIGURATION_VIEW},
                                        {XR_TYPE_VIEW_CONFIGURATION_VIEW}};
        if (XR_SUCCEEDED(xrEnumerateViewConfigurationViews(
                inst, sys, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, 2, &n, v)) && n == 2) {
            o->eye_width = v[0].recommendedImageRectWidth;
            o->eye_height = v[0].recommendedImageRectHeight;
        }
        XrEnvironmentBlendMode modes[8];
        static const char *const names[] = {"", "opaque", "additive", "alpha"};
        if (XR_SUCCEEDED(xrEnumerateEnvironmentBlendModes(
                inst, sys, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, 8, &n, modes)))
            for (uint32_t i = 0; i < n; i++) {
                size_t used = strlen(o->blend_modes);
                if (modes[i] >= 1 && modes[i] <= 3)
                    snprintf(o->blend_modes + used, sizeof o->blend_modes - used, "%s%s",
                             used ? " " : "", names[modes[i]]);
            }
    }
}

const char *stoa_xr_probe_stage_name(stoa_xr_probe_stage stage)
{
    static const char *const names[] = {"no-manifest", "bad-manifest", "no-library", "no-instance",
                                        "no-system",   "no-vulkan",    "ok"};
    return stage <= STOA_XR_PROBE_OK ? names[stage] : "?";
}

static stoa_result stop(stoa_xr_probe_result *o, stoa_xr_probe_stage stage, stoa_error *err)
{
    o->stage = stage;
    return stoa_error_set(err, stage <= STOA_XR_PROBE_NO_LIBRARY ? STOA_ERROR_NOT_FOUND : STOA_ERROR_XR,
                          "%s", o->error);
}

stoa_result stoa_xr_probe(stoa_xr_probe_result *o, stoa_error *err)
{
    memset(o, 0, sizeof *o);
    snprintf(o->api_version, sizeof o->api_version, "%u.%u.%u", XR_VERSION_MAJOR(XR_CURRENT_API_VERSION),
             XR_VERSION_MINOR(XR_CURRENT_API_VERSION), XR_VERSION_PATCH(XR_CURRENT_API_VERSION));
    if (!find_manifest(o)) {
        snprintf(o->error, sizeof o->error, "no active OpenXR runtime (no XR_RUNTIME_JSON, no "
                                            "openxr/1/active_runtime.json)");
        return stop(o, STOA_XR_PROBE_NO_MANIFEST, err);
    }
    if (!readable(o->manifest) || !read_library(o)) {
        if (!o->error[0])
            snprintf(o->error, sizeof o->error, "%s: cannot read the runtime manifest", o->manifest);
        return stop(o, STOA_XR_PROBE_BAD_MANIFEST, err);
    }
    if (strchr(o->library, '/') && access(o->library, R_OK) != 0) {
        snprintf(o->error, sizeof o->error, "%s names %s, which does not exist", o->manifest, o->library);
        return stop(o, STOA_XR_PROBE_NO_LIBRARY, err);
    }
    bool has_v1 = false;
    list_extensions(o, &has_v1);
    XrInstanceCreateInfo ci = {XR_TYPE_INSTANCE_CREATE_INFO};
    snprintf(ci.applicationInfo.applicationName, sizeof ci.applicationInfo.applicationName, "stoa doctor");
    snprintf(ci.applicationInfo.engineName, sizeof ci.applicationInfo.engineName, "Stoa");
    ci.applicationInfo.apiVersion = XR_MAKE_VERSION(1, 0, 0);
    XrInstance inst = XR_NULL_HANDLE;
    XrResult r = xrCreateInstance(&ci, &inst);
    if (XR_FAILED(r)) {
        snprintf(o->error, sizeof o->error, "the runtime in %s does not start (xrCreateInstance: %d)",
                 o->manifest, (int)r);
        return stop(o, STOA_XR_PROBE_NO_INSTANCE, err);
    }
    XrInstanceProperties ip = {XR_TYPE_INSTANCE_PROPERTIES};
    if (XR_SUCCEEDED(xrGetInstanceProperties(inst, &ip)))
        snprintf(o->runtime, sizeof o->runtime, "%s %u.%u.%u", ip.runtimeName,
                 XR_VERSION_MAJOR(ip.runtimeVersion), XR_VERSION_MINOR(ip.runtimeVersion),
                 XR_VERSION_PATCH(ip.runtimeVersion));
    XrSystemGetInfo si = {XR_TYPE_SYSTEM_GET_INFO};
    si.formFactor = XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY;
    XrSystemId sys = XR_NULL_SYSTEM_ID;
    r = xrGetSystem(inst, &si, &sys);
    if (XR_SUCCEEDED(r))
        describe_system(o, inst, sys);
    xrDestroyInstance(inst);
    if (XR_FAILED(r)) {
        snprintf(o->error, sizeof o->error, "%s sees no head-mounted display (xrGetSystem: %d)",
                 o->runtime, (int)r);
        return stop(o, STOA_XR_PROBE_NO_SYSTEM, err);
    }
    if (!o->vulkan2 && !has_v1) {
        snprintf(o->error, sizeof o->error, "%s offers no Vulkan (XR_KHR_vulkan_enable2 or _enable)",
                 o->runtime);
        return stop(o, STOA_XR_PROBE_NO_VULKAN, err);
    }
    o->stage = STOA_XR_PROBE_OK;
    return STOA_OK;
}
