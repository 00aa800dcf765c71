// SPDX-License-Identifier: Apache-2.0
// A class period on a headset joined to a hub (`stoa run --hub`): the lobby
// between lessons (the headset's name, the learner signed in, "Waiting for
// your teacher", the class's names to pick and a PIN keypad), the result
// after a lesson, and who is signed in. Lessons start only on the hub's
// launch; the OpenXR session stays up throughout. Internal to `stoa run`.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "net/stoa_net.h"
#include "run_lesson.h"

typedef enum run_phase {
    RUN_PHASE_NONE = 0, // no hub: the lesson plays as given and `stoa run` ends with it
    RUN_PHASE_LOBBY,
    RUN_PHASE_LOADING,  // a launch: its files fetched, the lesson loading on a worker
    RUN_PHASE_LESSON,
    RUN_PHASE_RESULT,   // a lesson ended: its result, then the lobby
} run_phase;

#define RUN_CLASS_PAGE 5 // names on one page of the picker
#define RUN_RESULT_S 6.0 // seconds the result stays before the lobby

typedef struct run_class {
    run_phase phase;
    run_lesson panels; // the lobby's and the result's panels (no lesson machine)
    const char *lang;  // --lang, for the lobby's words
    char device[128];
    char learner_id[40], learner_name[128], learner_number[32];
    stoa_net_class *roster; // the hub's class for self sign-in (heap), NULL = none
    uint32_t page;          // first name on the picker
    int32_t typing;         // roster index of the learner typing a PIN, -1 = none
    char pin[5];
    char notice[192];       // a refused sign-in, a failed launch
    bool completed, has_score;
    int success;            // -1 unknown
    double score;
    int64_t result_until_ns;
    bool dirty;             // the panels say something new
    float select_prev[2];
    uint32_t aim_version;   // the picker's geometry last logged (run_class_frame)
    float aim_center[3];
    // What the learner asked for in the lobby, for the hub (run_hub.c sends it).
    bool want_signin, want_signout;
    char want_id[40], want_pin[5];
} run_class;

void run_class_init(run_class *c, const char *device, const char *lang);
void run_class_fini(run_class *c);
const char *run_class_phase_name(run_phase p);
void run_class_enter(run_class *c, run_phase p);
// A lesson ended: keeps how it went for the result panel and the hub.
void run_class_result(run_class *c, const run_lesson *rl, int64_t now_ns);
void run_class_signin(run_class *c, const char *id, const char *name, const char *number);
void run_class_signout(run_class *c);
void run_class_refused(run_class *c, const char *why);
void run_class_set_roster(run_class *c, const stoa_net_class *roster);
void run_class_notice(run_class *c, const char *text);
// One choice on the picker or the keypad (choice index on its panel).
void run_class_choose(run_class *c, const char *panel_id, int32_t choice);
// Once per frame in the lobby and the result: input on its panels, the
// result's time running out, the panels redrawn when something changed.
void run_class_frame(run_class *c, const stoa_interact_output *io, const stoa_interact_frame *in,
                     int64_t now_ns);
