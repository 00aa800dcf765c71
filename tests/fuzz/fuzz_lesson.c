// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness for lessons: parse -> check -> graph -> play -> save ->
// restore, under ASan and UBSan. Built with -DSTOA_FUZZ=ON (clang); the seed
// corpus is scenes/*/lessons/*.yaml and tests/lesson's inline lessons.
//
//   build/tests/lesson/fuzz_lesson -max_total_time=300 corpus/ scenes/agora/lessons/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/stoa_lesson.h"
#include "lesson/stoa_lesson_check.h"
#include "lesson/stoa_lesson_machine.h"

static const char *k_nodes[] = {"Statue", "Door", "Exhibit", "Zone_Door", "Zone_Statue"};
static const char *k_anims[] = {"DoorOpen", "ExhibitSpin"};

static bool any_asset(void *user, const char *rel)
{
    (void)user;
    return rel[0] != 'x';
}

// Fires, for the current state, the event each trigger waits for, so that
// the fuzzer reaches deep states without guessing names.
static void play(const stoa_lesson *l, stoa_lesson_machine *m)
{
    stoa_lesson_action buf[64];
    stoa_lesson_out out;
    stoa_lesson_out_init(&out, buf, 64);
    int64_t now = 0;
    stoa_lesson_machine_start(m, now, &out);
    for (int round = 0; round < 32 && !stoa_lesson_machine_ended(m); round++) {
        const stoa_lesson_state *st = stoa_lesson_machine_state(m);
        if (!st || st->trigger_count == 0)
            break;
        const stoa_lesson_trigger *t = &st->triggers[round % st->trigger_count];
        stoa_lesson_event e = {.node = t->node, .zone = t->zone, .id = t->id, .seconds = t->seconds};
        switch (t->kind) {
        case STOA_LESSON_TRIG_GAZE: e.kind = STOA_LESSON_EV_GAZE; break;
        case STOA_LESSON_TRIG_SELECT: e.kind = STOA_LESSON_EV_SELECT; break;
        case STOA_LESSON_TRIG_GRAB: e.kind = STOA_LESSON_EV_GRAB; break;
        case STOA_LESSON_TRIG_RELEASE: e.kind = STOA_LESSON_EV_RELEASE; break;
        case STOA_LESSON_TRIG_PLACE: e.kind = STOA_LESSON_EV_PLACE; break;
        case STOA_LESSON_TRIG_ENTER_ZONE: e.kind = STOA_LESSON_EV_ENTER_ZONE; break;
        case STOA_LESSON_TRIG_LEAVE_ZONE: e.kind = STOA_LESSON_EV_LEAVE_ZONE; break;
        case STOA_LESSON_TRIG_NARRATION_DONE: e.kind = STOA_LESSON_EV_NARRATION_DONE; break;
        case STOA_LESSON_TRIG_QUIZ:
            e.kind = STOA_LESSON_EV_ANSWER;
            e.choices = (uint32_t)round * 0x9u;
            break;
        case STOA_LESSON_TRIG_INSTRUCTOR: e.kind = STOA_LESSON_EV_COMMAND; break;
        default: e.kind = round % 7 == 3 ? STOA_LESSON_EV_SKIP : STOA_LESSON_EV_TICK; break;
        }
        stoa_lesson_out_clear(&out);
        now += 1000000000ll * (round + 1);
        stoa_lesson_machine_handle_event(m, &e, now, &out);
        stoa_lesson_out_clear(&out);
        stoa_lesson_machine_update(m, now, &out);
        if (round == 5) {
            stoa_lesson_event p = {.kind = STOA_LESSON_EV_PAUSE};
            stoa_lesson_machine_handle_event(m, &p, now, &out);
            p.kind = STOA_LESSON_EV_RESUME;
            stoa_lesson_machine_handle_event(m, &p, now + 5, &out);
        }
        if (round == 9) {
            char blob[16384];
            size_t len;
            if (stoa_lesson_machine_save(m, now, blob, sizeof blob, &len) == STOA_OK) {
                stoa_error err = {0};
                stoa_lesson_out_clear(&out);
                if (stoa_lesson_machine_restore(m, blob, len, now, &out, &err) != STOA_OK)
                    abort(); // a machine's own blob must always restore
            }
        }
    }
    (void)l;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    stoa_lesson_diags d;
    stoa_lesson_diags_init(&d);
    stoa_lesson *l = NULL;
    stoa_error err = {0};
    stoa_lesson_parse((const char *)data, size, NULL, &l, &d, &err);
    if (l) {
        stoa_lesson_check_desc desc = {.has_scene = true,
                                       .node_count = 5,
                                       .nodes = k_nodes,
                                       .animation_count = 2,
                                       .animations = k_anims,
                                       .asset_exists = any_asset};
        stoa_lesson_check(l, &desc, &d);
        free(stoa_lesson_graph_dot(l, "zh-CN"));
        stoa_lesson_machine *m = NULL;
        if (stoa_lesson_machine_create(l, &(stoa_lesson_machine_desc){.seed = size}, &m, &err) ==
            STOA_OK) {
            play(l, m);
            // Restoring arbitrary bytes must fail cleanly or succeed.
            stoa_lesson_machine_restore(m, (const char *)data, size, 0, NULL, &err);
            stoa_lesson_machine_destroy(&m);
        }
        stoa_lesson_destroy(&l);
    }
    stoa_lesson_diags_sort(&d);
    stoa_lesson_diags_fini(&d);
    return 0;
}
