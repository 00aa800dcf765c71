// SPDX-License-Identifier: Apache-2.0
// The checks of `stoa doctor`, one function each (see cmd_doctor.c). Each
// adds one line: what was found, and when something is wrong, what to do.
// A FAIL means a lesson cannot run; a WARN that it runs with less (no sound,
// boxes for Chinese, a hub that will not hear of it).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "audio/stoa_audio_probe.h"
#include "cmd_doctor.h"
#include "core/stoa_path.h"
#include "desktop/stoa_desktop_version.h"
#include "gfx/stoa_gfx.h"
#include "gfx/stoa_gfx_probe.h"
#include "lesson/stoa_lesson_version.h"
#include "net/stoa_net_check.h"
#include "scene/stoa_scene_version.h"
#include "stoa_cli.h"
#include "stoa_hub_service.h"
#include "trace/stoa_trace.h"
#include "ui/stoa_ui_probe.h"
#include "xr/stoa_xr_probe.h"

// Lines are for reading: a very long path is cut, not an error.
#define SET(field, ...) doctor_text(field, sizeof field, __VA_ARGS__)

// ---- openxr -------------------------------------------------------------------

static void xr_fix(doctor_line *l, const stoa_xr_probe_result *p, bool sim)
{
    const char *where = p->manifest_from_env ? "XR_RUNTIME_JSON" : p->manifest;
    switch (p->stage) {
    case STOA_XR_PROBE_NO_MANIFEST:
        SET(l->fix, "install your headset's OpenXR runtime (SteamVR, or Monado: apt install "
                    "monado-service) and make it the active runtime; without a headset, run "
                    "lessons with `stoa run --sim`");
        break;
    case STOA_XR_PROBE_BAD_MANIFEST:
        SET(l->fix, "%s must name a readable OpenXR manifest (JSON with runtime.library_path): "
                    "reinstall the runtime or point %s at its manifest",
            where, p->manifest_from_env ? "XR_RUNTIME_JSON" : "active_runtime.json");
        break;
    case STOA_XR_PROBE_NO_LIBRARY:
        SET(l->fix, "%s", sim ? "reinstall the stoa package: its simulated headset is incomplete"
                              : "reinstall the runtime, or make a runtime whose library exists "
                                "the active one (its manifest is named above)");
        break;
    case STOA_XR_PROBE_NO_INSTANCE:
        SET(l->fix, "start the runtime's service (e.g. monado-service, SteamVR) and read its log");
        break;
    case STOA_XR_PROBE_NO_SYSTEM:
        SET(l->fix, "connect and switch on the headset, then run stoa doctor again");
        break;
    case STOA_XR_PROBE_NO_VULKAN:
        SET(l->fix, "Stoa draws with Vulkan: use a runtime that offers XR_KHR_vulkan_enable2");
        break;
    case STOA_XR_PROBE_OK:
        break;
    }
}

static void xr_facts(doctor *d, const stoa_xr_probe_result *p)
{
    cJSON *o = cJSON_AddObjectToObject(d->facts, "openxr");
    cJSON_AddStringToObject(o, "stage", stoa_xr_probe_stage_name(p->stage));
    cJSON_AddStringToObject(o, "manifest", p->manifest);
    cJSON_AddBoolToObject(o, "manifest_from_env", p->manifest_from_env);
    cJSON_AddStringToObject(o, "library", p->library);
    cJSON_AddStringToObject(o, "runtime", p->runtime);
    cJSON_AddStringToObject(o, "system", p->system_name);
    cJSON_AddStringToObject(o, "form_factor", p->system_name[0] ? "head_mounted_display" : "");
    cJSON_AddStringToObject(o, "view_configuration", p->stereo ? "primary_stereo" : "");
    cJSON_AddNumberToObject(o, "eye_width", p->eye_width);
    cJSON_AddNumberToObject(o, "eye_height", p->eye_height);
    cJSON *modes = cJSON_AddArrayToObject(o, "blend_modes");
    char buf[sizeof p->extensions];
    snprintf(buf, sizeof buf, "%s", p->blend_modes);
    for (char *s = NULL, *t = strtok_r(buf, " ", &s); t; t = strtok_r(NULL, " ", &s))
        cJSON_AddItemToArray(modes, cJSON_CreateString(t));
    cJSON *exts = cJSON_AddArrayToObject(o, "extensions");
    snprintf(buf, sizeof buf, "%s", p->extensions);
    for (char *s = NULL, *t = strtok_r(buf, " ", &s); t; t = strtok_r(NULL, " ", &s))
        cJSON_AddItemToArray(exts, cJSON_CreateString(t));
    cJSON_AddStringToObject(d->versions, "OpenXR (headers)", p->api_version);
    if (p->runtime[0])
        cJSON_AddStringToObject(d->versions, "OpenXR runtime", p->runtime);
}

void doctor_check_openxr(doctor *d)
{
    if (d->sim) {
        char manifest[4096];
        if (!stoa_cli_sim_manifest_path(manifest, sizeof manifest)) {
            doctor_line *l = doctor_add(d, "openxr", DOCTOR_FAIL);
            SET(l->detail, "the simulated headset is missing (%s)", manifest);
            SET(l->fix, "reinstall the stoa package (or build the xrsim target)");
            return;
        }
        setenv("XR_RUNTIME_JSON", manifest, 1);
    }
    stoa_xr_probe_result *p = calloc(1, sizeof *p);
    if (!p)
        return;
    stoa_error err = {0};
    bool ok = stoa_xr_probe(p, &err) == STOA_OK;
    doctor_line *l = doctor_add(d, "openxr", ok && p->stereo ? DOCTOR_OK : DOCTOR_FAIL);
    if (ok) {
        // The extension list goes to --json; one line keeps the count.
        SET(l->detail, "%s (%s): head-mounted display '%s', %s %ux%u per eye, blend %s, "
                       "Vulkan through %s, %u extensions",
            p->runtime, p->manifest, p->system_name, p->stereo ? "stereo" : "NO stereo view",
            p->eye_width, p->eye_height, p->blend_modes[0] ? p->blend_modes : "none",
            p->vulkan2 ? "XR_KHR_vulkan_enable2" : "XR_KHR_vulkan_enable", p->extension_count);
        if (!p->stereo)
            SET(l->fix, "Stoa shows lessons in stereo: use a runtime with the primary stereo "
                        "view configuration");
    } else {
        SET(l->detail, "%s", p->error);
        xr_fix(l, p, d->sim);
    }
    xr_facts(d, p);
    free(p);
}

// ---- vulkan -------------------------------------------------------------------

void doctor_check_vulkan(doctor *d)
{
    stoa_gfx_device *dev = NULL;
    stoa_error err = {0};
    if (stoa_gfx_device_create(&(stoa_gfx_device_desc){.headless = true,
                                                        .validation = STOA_GFX_VALIDATION_OFF,
                                                        .app_name = "stoa doctor"},
                               &dev, &err) != STOA_OK) {
        doctor_line *l = doctor_add(d, "vulkan", DOCTOR_FAIL);
        SET(l->detail, "no usable Vulkan device: %s", err.message);
        SET(l->fix, "install the GPU's Vulkan driver (mesa-vulkan-drivers, or the vendor's); "
                    "`vulkaninfo --summary` must list a device");
        return;
    }
    stoa_gfx_probe_result p;
    bool formats = stoa_gfx_probe(dev, &p);
    stoa_gfx_device_destroy(&dev);
    doctor_status st = !formats ? DOCTOR_FAIL : p.multiview ? DOCTOR_OK : DOCTOR_WARN;
    doctor_line *l = doctor_add(d, "vulkan", st);
    char mv[128];
    if (p.multiview)
        SET(mv, "multiview up to %u views%s", p.max_views,
            p.multiview_auto ? "" : " (both eyes in two passes by default on this driver)");
    else
        SET(mv, "no multiview (each eye drawn in its own pass)");
    SET(l->detail, "%s, Vulkan %s, driver %s; %s; depth %s; formats %s", p.device_name,
        p.api_version, p.driver, mv, p.depth_format[0] ? p.depth_format : "none",
        formats ? "all there" : "MISSING");
    if (!formats)
        SET(l->fix, "this GPU lacks %s: update its driver or use another GPU", p.missing);
    else if (!p.multiview)
        SET(l->fix, "update the GPU driver for VK_KHR_multiview (lessons run, more slowly)");
    cJSON *o = cJSON_AddObjectToObject(d->facts, "vulkan");
    cJSON_AddStringToObject(o, "device", p.device_name);
    cJSON_AddStringToObject(o, "api", p.api_version);
    cJSON_AddStringToObject(o, "driver", p.driver);
    cJSON_AddBoolToObject(o, "multiview", p.multiview);
    cJSON_AddNumberToObject(o, "max_views", p.max_views);
    cJSON_AddStringToObject(o, "depth_format", p.depth_format);
    cJSON_AddStringToObject(o, "missing_formats", p.missing);
    cJSON_AddStringToObject(d->versions, "Vulkan loader", p.loader_version);
}

// ---- audio --------------------------------------------------------------------

void doctor_check_audio(doctor *d)
{
    stoa_audio_probe_result p;
    bool out = stoa_audio_probe(&p);
    doctor_line *l = doctor_add(d, "audio", out && p.hrtf_enabled ? DOCTOR_OK : DOCTOR_WARN);
    if (!out) {
        SET(l->detail, "no sound output: %s", p.error);
        SET(l->fix, "connect headphones or speakers and check the sound server (`pactl info`, "
                    "`aplay -l`); until then lessons run silently, with subtitles");
    } else if (!p.hrtf_enabled) {
        SET(l->detail, "output '%s', HRTF off%s", p.device, p.hrtf_supported ? "" : " (not supported)");
        SET(l->fix, "narration is not placed in space: set 'hrtf = true' in ~/.config/alsoft.conf "
                    "(OpenAL Soft) and use stereo headphones");
    } else {
        SET(l->detail, "output '%s', HRTF on (%s)", p.device, p.hrtf_name);
    }
    cJSON *o = cJSON_AddObjectToObject(d->facts, "audio");
    cJSON_AddBoolToObject(o, "output", out);
    cJSON_AddStringToObject(o, "device", p.device);
    cJSON_AddBoolToObject(o, "hrtf", p.hrtf_enabled);
    cJSON_AddStringToObject(o, "hrtf_name", p.hrtf_name);
    if (p.openal_version[0])
        cJSON_AddStringToObject(d->versions, "OpenAL", p.openal_version);
    cJSON_AddStringToObject(d->versions, "libsndfile", p.sndfile_version);
}

// ---- fonts --------------------------------------------------------------------

void doctor_check_fonts(doctor *d)
{
    stoa_ui_font_probe p;
    bool latin = stoa_ui_probe_fonts(&p);
    doctor_line *l = doctor_add(d, "fonts", !latin ? DOCTOR_FAIL : p.cjk[0] ? DOCTOR_OK : DOCTOR_WARN);
    if (!latin) {
        SET(l->detail, "no Latin font: %s", p.error);
        SET(l->fix, "apt install fonts-dejavu-core (or set STOA_FONT_DIR to a folder holding "
                    "DejaVuSans.ttf)");
    } else if (!p.cjk[0]) {
        SET(l->detail, "Latin %s; no Chinese font", p.latin);
        SET(l->fix, "apt install fonts-wqy-microhei (Chinese text shows as boxes without it)");
    } else {
        SET(l->detail, "Latin %s; Chinese %s", p.latin, p.cjk);
    }
    cJSON *o = cJSON_AddObjectToObject(d->facts, "fonts");
    cJSON_AddStringToObject(o, "latin", p.latin);
    cJSON_AddStringToObject(o, "cjk", p.cjk);
    cJSON_AddStringToObject(d->versions, "FreeType", p.freetype_version);
    cJSON_AddStringToObject(d->versions, "fontconfig", p.fontconfig_version);
}

// ---- traces -------------------------------------------------------------------

// mkdir -p, as `stoa run` makes the folder on first use.
static bool make_dirs(const char *path)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            if (mkdir(p, 0700) != 0 && errno != EEXIST)
                return false;
            *s = '/';
        }
    return mkdir(p, 0700) == 0 || errno == EEXIST;
}

void doctor_check_traces(doctor *d)
{
    char dir[4096], probe[4200];
    if (d->traces)
        SET(dir, "%s", d->traces);
    else
        stoa_trace_default_dir(dir, sizeof dir);
    int fd = -1;
    bool made = make_dirs(dir);
    int why = errno;
    if (made) {
        SET(probe, "%s/.stoa-doctor-%ld", dir, (long)getpid());
        fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        why = errno;
        if (fd >= 0) {
            bool wrote = write(fd, "x", 1) == 1 && fsync(fd) == 0;
            close(fd);
            unlink(probe);
            fd = wrote ? 0 : -1;
        }
    }
    struct statvfs vfs;
    double free_mb = -1;
    if (statvfs(made ? dir : "/", &vfs) == 0)
        free_mb = (double)vfs.f_bavail * (double)vfs.f_frsize / (1024.0 * 1024.0);
    cJSON *o = cJSON_AddObjectToObject(d->facts, "traces");
    cJSON_AddStringToObject(o, "folder", dir);
    cJSON_AddBoolToObject(o, "writable", fd == 0);
    cJSON_AddNumberToObject(o, "free_mb", free_mb);
    if (fd != 0) {
        doctor_line *l = doctor_add(d, "traces", DOCTOR_FAIL);
        SET(l->detail, "%s is not writable: %s", dir, strerror(why));
        SET(l->fix, "let this user write there (chown/chmod %s), or give `stoa run --traces DIR` "
                    "a folder it can write",
            dir);
        return;
    }
    // A lesson writes well under 1 MB of trace; 100 MB is room for a term.
    doctor_status st = free_mb >= 0 && free_mb < 100 ? DOCTOR_WARN : DOCTOR_OK;
    if (free_mb >= 0 && free_mb < 5)
        st = DOCTOR_FAIL;
    doctor_line *l = doctor_add(d, "traces", st);
    SET(l->detail, "%s writable, %.0f MB free", dir, free_mb);
    if (st != DOCTOR_OK)
        SET(l->fix, "free space on the disk holding %s (a lesson's trace needs about 1 MB)", dir);
}

// ---- hub ----------------------------------------------------------------------

void doctor_check_hub(doctor *d)
{
    if (!d->hub) {
        doctor_line *l = doctor_add(d, "hub", DOCTOR_SKIP);
        SET(l->detail, "not checked (give --hub URL, the address `stoa run --hub` uses)");
        return;
    }
    char token[4096];
    if (d->token)
        SET(token, "%s", d->token);
    else
        stoa_net_default_token_path(token, sizeof token);
    stoa_net_hub_check c;
    stoa_net_check_hub(d->hub, token, &c);
    cJSON_AddStringToObject(d->versions, "civetweb", c.civetweb_version);
    cJSON_AddStringToObject(d->versions, "libsodium", c.sodium_version);
    cJSON *o = cJSON_AddObjectToObject(d->facts, "hub");
    cJSON_AddStringToObject(o, "url", d->hub);
    cJSON_AddBoolToObject(o, "reachable", c.reachable);
    cJSON_AddStringToObject(o, "token_file", token);
    static const char *const tokens[] = {"none", "accepted", "refused", "unchecked"};
    cJSON_AddStringToObject(o, "token", tokens[c.token]);
    if (!c.reachable) {
        doctor_line *l = doctor_add(d, "hub", DOCTOR_FAIL);
        SET(l->detail, "%s does not answer: %s", d->hub, c.error);
        SET(l->fix, c.url_ok ? "start the hub (`systemctl start stoa-hub` on the instructor's PC) and "
                               "check the address, port and firewall"
                             : "give the hub's address as http://HOST:PORT");
        return;
    }
    doctor_status st = c.token == STOA_NET_TOKEN_ACCEPTED ? DOCTOR_OK
                       : c.token == STOA_NET_TOKEN_REFUSED ? DOCTOR_FAIL
                                                           : DOCTOR_WARN;
    doctor_line *l = doctor_add(d, "hub", st);
    switch (c.token) {
    case STOA_NET_TOKEN_ACCEPTED:
        SET(l->detail, "%s answers and knows this headset (%s)", d->hub, token);
        break;
    case STOA_NET_TOKEN_NONE:
        SET(l->detail, "%s answers; this headset has not joined yet (no %s)", d->hub, token);
        SET(l->fix, "join once: stoa run LESSON --hub %s --join CODE (the code is on the panel)", d->hub);
        break;
    case STOA_NET_TOKEN_REFUSED:
        SET(l->detail, "%s answers but does not know this headset's token (%s)", d->hub, token);
        SET(l->fix, "delete %s and join again: stoa run LESSON --hub %s --join CODE", token, d->hub);
        break;
    case STOA_NET_TOKEN_UNCHECKED:
        SET(l->detail, "%s answers; the token could not be checked: %s", d->hub, c.error);
        SET(l->fix, "run stoa doctor again; if it stays, read the hub's log (journalctl -u stoa-hub)");
        break;
    }
}

// ---- versions -----------------------------------------------------------------

void doctor_check_versions(doctor *d)
{
    cJSON_AddStringToObject(d->versions, "Assimp", stoa_scene_assimp_version());
    cJSON_AddStringToObject(d->versions, "libyaml", stoa_lesson_yaml_version());
    cJSON_AddStringToObject(d->versions, "cJSON", cJSON_Version());
    cJSON_AddStringToObject(d->versions, "GLFW", stoa_desktop_glfw_version());
    cJSON_AddStringToObject(d->versions, "SQLite (hub)", stoa_hub_sqlite_version());
    doctor_line *l = doctor_add(d, "versions", DOCTOR_OK);
    size_t used = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, d->versions)
    {
        int n = snprintf(l->detail + used, sizeof l->detail - used, "%s%s %s", used ? ", " : "",
                         v->string, cJSON_GetStringValue(v));
        if (n < 0 || (size_t)n >= sizeof l->detail - used)
            break;
        used += (size_t)n;
    }
}
