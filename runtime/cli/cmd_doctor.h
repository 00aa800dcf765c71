// SPDX-License-Identifier: Apache-2.0
// `stoa doctor`, shared by cmd_doctor.c (options, output) and
// cmd_doctor_checks.c (one function per check).
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

typedef enum doctor_status { DOCTOR_OK = 0, DOCTOR_WARN, DOCTOR_FAIL, DOCTOR_SKIP } doctor_status;

#define DOCTOR_MAX_LINES 16

typedef struct doctor_line {
    const char *check;   // "openxr", "vulkan", ... (stable names: scripts read --json)
    doctor_status status;
    char detail[1536];   // what was found
    char fix[768];       // what to do ("" when nothing)
} doctor_line;

typedef struct doctor {
    // options
    bool sim;            // check the simulated headset instead of the active runtime
    const char *traces;  // the trace folder to check (NULL = the learner's default)
    const char *hub;     // the hub's URL (NULL = not checked)
    const char *token;   // the device token file (NULL = the default)
    // results
    doctor_line lines[DOCTOR_MAX_LINES];
    int count;
    cJSON *facts;        // details for --json: {"openxr":{...}, "vulkan":{...}, ...}
    cJSON *versions;     // {"library": "version"}
} doctor;

// vsnprintf into a fixed field; a text too long is cut.
void doctor_text(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
doctor_line *doctor_add(doctor *d, const char *check, doctor_status status);

void doctor_check_openxr(doctor *d);
void doctor_check_vulkan(doctor *d);
void doctor_check_audio(doctor *d);
void doctor_check_fonts(doctor *d);
void doctor_check_traces(doctor *d);
void doctor_check_hub(doctor *d);
void doctor_check_versions(doctor *d);
