// SPDX-License-Identifier: Apache-2.0
#include "xrsim_summary.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "xrsim_internal.h"

void xrsim_summary_state(xrsim_summary *s, XrSessionState state)
{
    if (s->state_count < XRSIM_SUMMARY_MAX_STATES)
        s->states[s->state_count++] = state;
}

void xrsim_summary_error_add(xrsim_summary *s, const char *fn, XrResult r, const char *why)
{
    for (uint32_t i = 0; i < s->error_count; i++)
        if (s->errors[i].result == r && strcmp(s->errors[i].function, fn) == 0) {
            s->errors[i].count++;
            return;
        }
    if (s->error_count == XRSIM_SUMMARY_MAX_ERRORS)
        return;
    xrsim_summary_error *e = &s->errors[s->error_count++];
    snprintf(e->function, sizeof e->function, "%s", fn);
    snprintf(e->why, sizeof e->why, "%s", why ? why : "");
    e->result = r;
    e->count = 1;
}

void xrsim_summary_haptic_add(xrsim_summary *s, const xrsim_summary_haptic *h)
{
    if (s->haptic_count < XRSIM_SUMMARY_MAX_HAPTICS)
        s->haptics[s->haptic_count++] = *h;
}

static cJSON *frames_json(const xrsim_summary *s)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddNumberToObject(f, "waited", (double)s->frames_waited);
    cJSON_AddNumberToObject(f, "submitted", (double)s->frames_submitted);
    cJSON_AddNumberToObject(f, "late", (double)s->frames_late);
    cJSON_AddNumberToObject(f, "dropped", (double)s->frames_dropped);
    cJSON *wake = cJSON_AddObjectToObject(f, "wake_late_us");
    cJSON_AddNumberToObject(wake, "sleeps", (double)s->wake_sleeps);
    cJSON_AddNumberToObject(wake, "mean", s->wake_sleeps ? (double)s->wake_late_sum_ns /
                                                               (double)s->wake_sleeps / 1e3 : 0.0);
    cJSON_AddNumberToObject(wake, "max", (double)s->wake_late_max_ns / 1e3);
    cJSON *end = cJSON_AddObjectToObject(f, "end_frame_us");
    cJSON_AddNumberToObject(end, "calls", (double)s->end_frames);
    cJSON_AddNumberToObject(end, "mean", s->end_frames ? (double)s->end_frame_sum_ns /
                                                             (double)s->end_frames / 1e3 : 0.0);
    cJSON_AddNumberToObject(end, "max", (double)s->end_frame_max_ns / 1e3);
    cJSON *layers = cJSON_AddObjectToObject(f, "layers_per_frame");
    for (int i = 0; i <= XRSIM_SUMMARY_MAX_LAYERS; i++) {
        if (!s->frames_with_layers[i])
            continue;
        char k[8];
        snprintf(k, sizeof k, "%d", i);
        cJSON_AddNumberToObject(layers, k, (double)s->frames_with_layers[i]);
    }
    return f;
}

static cJSON *errors_json(const xrsim_summary *s)
{
    cJSON *a = cJSON_CreateArray();
    for (uint32_t i = 0; i < s->error_count; i++) {
        const xrsim_summary_error *e = &s->errors[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "function", e->function);
        cJSON_AddStringToObject(o, "result", xrsim_result_str(e->result));
        cJSON_AddNumberToObject(o, "code", e->result);
        cJSON_AddStringToObject(o, "why", e->why);
        cJSON_AddNumberToObject(o, "count", e->count);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *haptics_json(const xrsim_summary *s)
{
    cJSON *a = cJSON_CreateArray();
    for (uint32_t i = 0; i < s->haptic_count; i++) {
        const xrsim_summary_haptic *h = &s->haptics[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "t", h->t);
        cJSON_AddStringToObject(o, "action", h->action);
        cJSON_AddStringToObject(o, "subaction", h->subaction);
        cJSON_AddBoolToObject(o, "stop", h->stop);
        if (!h->stop) {
            cJSON_AddNumberToObject(o, "amplitude", h->amplitude);
            cJSON_AddNumberToObject(o, "duration_ns", (double)h->duration_ns);
            cJSON_AddNumberToObject(o, "frequency", h->frequency);
        }
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

bool xrsim_summary_write(const xrsim_summary *s, const char *path)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "sessions", s->sessions);
    cJSON_AddItemToObject(root, "frames", frames_json(s));
    cJSON_AddNumberToObject(root, "captures", s->captures);
    cJSON *states = cJSON_AddArrayToObject(root, "states");
    for (uint32_t i = 0; i < s->state_count; i++)
        cJSON_AddItemToArray(states, cJSON_CreateString(xrsim_state_str(s->states[i])));
    cJSON_AddItemToObject(root, "errors", errors_json(s));
    cJSON_AddItemToObject(root, "haptics", haptics_json(s));
    cJSON *nef = cJSON_AddObjectToObject(root, "focused_without_end_frame");
    cJSON_AddBoolToObject(nef, "detected", s->no_end_frame);
    cJSON_AddNumberToObject(nef, "frames_waited", (double)s->no_end_frame_waits);
    cJSON_AddBoolToObject(root, "session_lost", s->session_lost);
    cJSON_AddBoolToObject(root, "instance_lost", s->instance_lost);
    cJSON_AddNumberToObject(root, "registry_violations", s->registry_violations);
    cJSON *la = cJSON_AddObjectToObject(root, "learner_actions");
    cJSON_AddNumberToObject(la, "done", s->learner_actions);
    cJSON_AddNumberToObject(la, "failed", s->learner_actions_failed);
    cJSON *ar = cJSON_AddObjectToObject(root, "ar");
    cJSON *blend = cJSON_AddObjectToObject(ar, "frames_by_blend_mode");
    static const char *modes[4] = {NULL, "OPAQUE", "ADDITIVE", "ALPHA_BLEND"};
    for (int i = 1; i < 4; i++)
        cJSON_AddNumberToObject(blend, modes[i], (double)s->frames_by_blend[i]);
    cJSON_AddNumberToObject(ar, "frames_with_passthrough", (double)s->frames_with_passthrough);
    cJSON_AddNumberToObject(ar, "plane_detections", s->plane_detections);
    cJSON_AddNumberToObject(ar, "anchors_created", s->anchors_created);
    cJSON_AddNumberToObject(ar, "anchors_persisted", s->anchors_persisted);
    cJSON_AddStringToObject(root, "exit_reason", s->exit_reason[0] ? s->exit_reason : "app");

    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    FILE *f = text ? fopen(path, "w") : NULL;
    bool ok = f && fputs(text, f) >= 0;
    if (f)
        ok = (fputc('\n', f) != EOF) && ok && fclose(f) == 0;
    free(text);
    if (!ok)
        STOA_LOGE(XRSIM_LOG, "cannot write summary %s", path);
    return ok;
}
