// SPDX-License-Identifier: Apache-2.0
// `stoa doctor`: why a headset computer is (not) ready for a lesson, one
// line per check with the fix, for the school's technician. The checks are
// in cmd_doctor_checks.c; every OpenXR, Vulkan and OpenAL call is in its
// module (runtime/xr, gfx, audio: *_probe.c).
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_doctor.h"
#include "stoa_cli.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: stoa doctor [--json] [--sim] [--traces DIR] [--hub URL [--token FILE]]\n"
            "Checks what a lesson needs on this computer, one line each with the fix:\n"
            "  openxr   the active OpenXR runtime: its manifest and library, the headset\n"
            "           (form factor), the stereo view configuration, blend modes, extensions\n"
            "  vulkan   the GPU and what Stoa uses of it: multiview, colour, depth, texture\n"
            "           and vertex formats\n"
            "  audio    the sound output and HRTF (spatial narration)\n"
            "  fonts    a Latin and a Chinese font (found in Debian's folders or by fontconfig)\n"
            "  traces   the learner trace folder: writable, free space\n"
            "  hub      with --hub: the classroom hub answers, and knows this headset's token\n"
            "  versions every library Stoa runs with\n"
            "  --json         the same as one JSON object, for scripts\n"
            "  --sim          check Stoa's simulated headset instead of the active runtime\n"
            "  --traces DIR   the folder `stoa run --traces` will use (default: the per-user one)\n"
            "  --hub URL      the hub's address, as given to `stoa run --hub`\n"
            "  --token FILE   the headset's device token (default: where `stoa run` keeps it)\n"
            "Exit status: 0 when a lesson can run here (warnings allowed), 1 when a check\n"
            "failed, 2 on a usage error.\n");
}

void doctor_text(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, size, fmt, ap);
    va_end(ap);
}

doctor_line *doctor_add(doctor *d, const char *check, doctor_status status)
{
    doctor_line *l = &d->lines[d->count < DOCTOR_MAX_LINES - 1 ? d->count++ : d->count];
    memset(l, 0, sizeof *l);
    l->check = check;
    l->status = status;
    return l;
}

static const char *status_name(doctor_status s)
{
    static const char *const names[] = {"ok", "warn", "fail", "skip"};
    return names[s];
}

static void print_text(const doctor *d, bool can_run)
{
    for (int i = 0; i < d->count; i++) {
        const doctor_line *l = &d->lines[i];
        static const char *const tag[] = {"ok  ", "WARN", "FAIL", "skip"};
        printf("%s %-9s %s", tag[l->status], l->check, l->detail);
        if (l->fix[0])
            printf("  -> fix: %s", l->fix);
        printf("\n");
    }
    printf("%s\n", can_run ? "stoa doctor: a lesson can run here"
                           : "stoa doctor: a lesson cannot run here until the FAIL lines are fixed");
}

static void print_json(doctor *d, bool can_run)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "stoa", STOA_VERSION);
    cJSON_AddBoolToObject(o, "lesson_can_run", can_run);
    cJSON *arr = cJSON_AddArrayToObject(o, "checks");
    for (int i = 0; i < d->count; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "check", d->lines[i].check);
        cJSON_AddStringToObject(c, "status", status_name(d->lines[i].status));
        cJSON_AddStringToObject(c, "detail", d->lines[i].detail);
        if (d->lines[i].fix[0])
            cJSON_AddStringToObject(c, "fix", d->lines[i].fix);
        cJSON_AddItemToArray(arr, c);
    }
    cJSON_AddItemToObject(o, "details", d->facts);
    cJSON_AddItemToObject(o, "versions", d->versions);
    d->facts = d->versions = NULL;
    char *s = cJSON_Print(o);
    if (s)
        printf("%s\n", s);
    free(s);
    cJSON_Delete(o);
}

int stoa_cmd_doctor(int argc, char **argv)
{
    doctor d = {0};
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--sim")) {
            d.sim = true;
        } else if (!strcmp(a, "--traces") && v) {
            d.traces = argv[++i];
        } else if (!strcmp(a, "--hub") && v) {
            d.hub = argv[++i];
        } else if (!strcmp(a, "--token") && v) {
            d.token = argv[++i];
        } else {
            fprintf(stderr, "stoa doctor: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    // The modules' own log lines would repeat what the checks say, less clearly.
    setenv("STOA_LOG", "off", 0);
    d.facts = cJSON_CreateObject();
    d.versions = cJSON_CreateObject();
    cJSON_AddStringToObject(d.versions, "stoa", STOA_VERSION);
    doctor_check_openxr(&d);
    doctor_check_vulkan(&d);
    doctor_check_audio(&d);
    doctor_check_fonts(&d);
    doctor_check_traces(&d);
    doctor_check_hub(&d);
    doctor_check_versions(&d);
    bool can_run = true;
    for (int i = 0; i < d.count; i++)
        can_run = can_run && d.lines[i].status != DOCTOR_FAIL;
    if (json)
        print_json(&d, can_run);
    else
        print_text(&d, can_run);
    cJSON_Delete(d.facts);
    cJSON_Delete(d.versions);
    return can_run ? 0 : 1;
}
