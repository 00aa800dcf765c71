// SPDX-License-Identifier: Apache-2.0
// xrsim's script format (YAML and JSON), its error messages, and the pose
// interpolation between keys.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stoa_test.h"
#include "xrsim_script.h"

static const char *write_tmp(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "/tmp/xrsim_script_test_%d_%s", (int)getpid(), name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static const char *k_yaml =
    "frames: 120\n"
    "profile: /interaction_profiles/khr/simple_controller\n"
    "display: {eye_width: 800, eye_height: 600, refresh_hz: 72, ipd: 0.07}\n"
    "head:\n"
    "  - {t: 0, position: [0, 1.7, 0], yaw: 0}\n"
    "  - {t: 2, position: [1, 1.5, -2], yaw: 90}\n"
    "right:\n"
    "  - {t: 0, position: [0.2, 1.2, -0.3], orientation: [0, 0, 0, 1]}\n"
    "events:\n"
    "  - {t: 1.5, do: exit}\n"
    "  - {t: 0.5, set: /user/hand/right/input/trigger/value, value: 0.75}\n"
    "  - {t: 1.0, set: /user/hand/right/input/thumbstick, value: [0.5, -1]}\n"
    "  - {t: 1.2, set: /user/hand/right/input/trigger, value: 0}\n"
    "  - {t: 1.0, do: recentre}\n";

STOA_TEST(script_yaml_loads)
{
    xrsim_script s;
    char err[256] = "";
    CHECK_MSG(xrsim_script_load(&s, write_tmp("a.yaml", k_yaml), err, sizeof err), "%s", err);
    CHECK(s.frames == 120);
    CHECK_STR(s.profile, "/interaction_profiles/khr/simple_controller");
    CHECK(s.eye_width == 800 && s.eye_height == 600);
    CHECK_NEAR(s.refresh_hz, 72, 1e-9);
    CHECK_NEAR(s.ipd_m, 0.07, 1e-6);
    CHECK(s.key_count[XRSIM_TRACK_HEAD] == 2 && s.key_count[XRSIM_TRACK_RIGHT] == 1);
    CHECK(s.event_count == 5);
    // Sorted by time; equal times keep file order.
    CHECK(s.events[0].kind == XRSIM_EV_INPUT && s.events[0].t == 0.5);
    CHECK(s.events[1].kind == XRSIM_EV_INPUT && s.events[2].kind == XRSIM_EV_RECENTRE);
    CHECK(s.events[4].kind == XRSIM_EV_EXIT);
    float x = -1, y = -1;
    CHECK(!xrsim_script_input(&s, "/user/hand/right/input/trigger", 0.4, &x, &y));
    CHECK(xrsim_script_input(&s, "/user/hand/right/input/trigger", 0.5, &x, &y));
    CHECK_NEAR(x, 0.75, 1e-6);
    CHECK(xrsim_script_input(&s, "/user/hand/right/input/trigger", 1.3, &x, &y));
    CHECK_NEAR(x, 0.0, 1e-6);
    CHECK(xrsim_script_input(&s, "/user/hand/right/input/thumbstick", 1.0, &x, &y));
    CHECK_NEAR(x, 0.5, 1e-6);
    CHECK_NEAR(y, -1.0, 1e-6);
    xrsim_script_fini(&s);
}

STOA_TEST(script_json_loads)
{
    const char *json = "{\"frames\": 10, \"events\": [{\"t\": 0.2, \"do\": \"lose_session\"},"
                       " {\"t\": 0.4, \"do\": \"lose_instance\"}]}\n";
    xrsim_script s;
    char err[256] = "";
    CHECK_MSG(xrsim_script_load(&s, write_tmp("b.json", json), err, sizeof err), "%s", err);
    CHECK(s.frames == 10 && s.event_count == 2);
    CHECK(s.events[0].kind == XRSIM_EV_LOSE_SESSION && s.events[1].kind == XRSIM_EV_LOSE_INSTANCE);
    xrsim_script_fini(&s);
}

static void expect_error(const char *name, const char *text, const char *where, const char *what)
{
    xrsim_script s;
    char err[256] = "";
    const char *path = write_tmp(name, text);
    CHECK(!xrsim_script_load(&s, path, err, sizeof err));
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, where);
    CHECK_CONTAINS(err, what);
}

STOA_TEST(script_errors_name_file_and_line)
{
    expect_error("e1.yaml", "frames: 10\nhead:\n  - {t: 0, positon: [0, 1, 0]}\n", ":3:",
                 "unknown key 'positon'");
    expect_error("e2.yaml", "events:\n  - {t: 1}\n", ":2:", "needs 'do', 'set'");
    expect_error("e3.yaml", "events:\n  - {t: 1, do: explode}\n", ":2:", "'do' is one of");
    expect_error("e4.yaml", "head:\n  - {t: 1, position: [0, 1]}\n", ":2:", "3 numbers");
    expect_error("e5.yaml", "frames: [1\n", ":", "");
    expect_error("e6.yaml", "head:\n  - {t: 2}\n  - {t: 1}\n", ":3:", "time order");
    expect_error("e7.yaml", "events:\n  - {t: x, do: exit}\n", ":2:", "not a number");
    expect_error("e8.yaml", "events:\n  - {t: 1, set: /user/head/input/x, value: 1}\n", ":2:",
                 "not /user/hand");
    expect_error("e9.yaml", "- 1\n- 2\n", ":1:", "the script is a mapping");
    // Numbers are finite (no NaN time, pose or count), and frames a count
    // that fits (1e300 was cast to an integer: undefined; libFuzzer).
    expect_error("e10.yaml", "frames: nan\n", ":1:", "'nan' is not a finite number");
    expect_error("e11.yaml", "head:\n  - {t: inf, position: [0, 1, 0]}\n",
                 ":2:", "not a finite number");
    expect_error("e12.yaml", "frames: 1e300\n", ":1:", "'frames' must be 1 to 1e9");
    xrsim_script s;
    char err[256];
    CHECK(!xrsim_script_load(&s, "/nonexistent/script.yaml", err, sizeof err));
    CHECK_CONTAINS(err, "/nonexistent/script.yaml: cannot open");
}

// Learner actions (issue 15): parsed into events resolved when they fire;
// keys and inputs added while the script runs keep their order.
STOA_TEST(script_learner_actions)
{
    const char *path = write_tmp("la.yaml",
                                 "right:\n  - {t: 0, position: [0.2, 1.2, -0.3]}\n"
                                 "  - {t: 1, position: [0.4, 1.2, -0.3]}\n"
                                 "  - {t: 9, position: [0.6, 1.2, -0.3]}\n"
                                 "events:\n"
                                 "  - {t: 4, answer: 2}\n"
                                 "  - {t: 1, look_at: Statue, seconds: 3}\n"
                                 "  - {t: 2, select: Door, hand: left}\n"
                                 "  - {t: 3, grab: Exhibit, place: Zone_Statue, seconds: 4}\n"
                                 "  - {t: 3.5, grab: Vase}\n");
    xrsim_script s;
    char err[256];
    CHECK_MSG(xrsim_script_load(&s, path, err, sizeof err), "%s", err);
    CHECK(s.event_count == 5);
    if (s.event_count == 5) {
        CHECK(s.events[0].kind == XRSIM_EV_LOOK_AT && !strcmp(s.events[0].target, "Statue") &&
              s.events[0].seconds == 3 && s.events[0].hand == XRSIM_TRACK_RIGHT);
        CHECK(s.events[1].kind == XRSIM_EV_SELECT && s.events[1].hand == XRSIM_TRACK_LEFT);
        CHECK(s.events[2].kind == XRSIM_EV_GRAB && !strcmp(s.events[2].zone, "Zone_Statue"));
        CHECK(s.events[3].kind == XRSIM_EV_GRAB && !s.events[3].zone[0]);
        CHECK(s.events[4].kind == XRSIM_EV_ANSWER && s.events[4].choice == 2);
    }
    // A key added at 5 (the action holding from 0.5) drops the key at 1.
    XrPosef p = {{0, 0, 0, 1}, {9, 9, 9}};
    CHECK(xrsim_script_add_key(&s, XRSIM_TRACK_RIGHT, 0.5, (xrsim_pose_key){5, p}));
    CHECK(s.key_count[XRSIM_TRACK_RIGHT] == 3 && s.keys[XRSIM_TRACK_RIGHT][1].t == 5 &&
          s.keys[XRSIM_TRACK_RIGHT][2].t == 9);
    XrPosef fb = {{0, 0, 0, 1}, {0, 0, 0}};
    CHECK_NEAR(xrsim_script_pose(&s, XRSIM_TRACK_RIGHT, 5, fb).position.x, 9, 1e-6);
    CHECK(xrsim_script_add_input(&s, 2.5, "/user/hand/right/input/trigger", 1.0f, 0));
    CHECK(s.event_count == 6 && s.events[2].t == 2.5 && s.events[2].kind == XRSIM_EV_INPUT);
    float x = 0, y = 0;
    CHECK(!xrsim_script_input(&s, "/user/hand/right/input/trigger", 2.4, &x, &y));
    CHECK(xrsim_script_input(&s, "/user/hand/right/input/trigger", 2.6, &x, &y) && x == 1.0f);
    xrsim_script_fini(&s);
    unlink(path);

    expect_error("la1.yaml", "events:\n  - {t: 1, answer: -1}\n", ":2:", "choice number");
    expect_error("la2.yaml", "events:\n  - {t: 1, select: Door, hand: middle}\n", ":2:",
                 "'hand' is left or right");
    expect_error("la3.yaml", "events:\n  - {t: 1, select: Door, place: Zone}\n", ":2:",
                 "'place' goes with 'grab'");
    expect_error("la4.yaml", "events:\n  - {t: 1, selct: Door}\n", ":2:", "unknown key 'selct'");
}

STOA_TEST(script_holds_session_states)
{
    xrsim_script s;
    char err[256] = "";
    const char *text = "hold: idle\n"
                       "events:\n"
                       "  - {t: 2, hold: visible}\n"
                       "  - {t: 3, hold: none}\n";
    CHECK_MSG(xrsim_script_load(&s, write_tmp("h.yaml", text), err, sizeof err), "%s", err);
    CHECK(s.hold == XR_SESSION_STATE_IDLE);
    CHECK(s.event_count == 2);
    CHECK(s.events[0].kind == XRSIM_EV_HOLD && s.events[0].hold == XR_SESSION_STATE_VISIBLE);
    CHECK(s.events[1].kind == XRSIM_EV_HOLD && s.events[1].hold == 0);
    xrsim_script_fini(&s);
    expect_error("h2.yaml", "hold: sleeping\n", ":1:", "a hold is one of");
}

// `wait_for`: the gate's event, and what a released gate's file does to the
// rest of the script (tests/run/test_class_signin.py drives a learner so).
STOA_TEST(script_wait_for_gates_splice_the_next_part)
{
    xrsim_script s;
    char err[256] = "";
    const char *text = "right:\n  - {t: 0, position: [0.2, 1.3, -0.3]}\n  - {t: 9, position: [0, 0, 0]}\n"
                       "events:\n  - {t: 0.5, set: /user/hand/right/input/trigger, value: 1}\n"
                       "  - {t: 1, wait_for: /tmp/gate-one}\n  - {t: 5, do: exit}\n";
    CHECK_MSG(xrsim_script_load(&s, write_tmp("w.yaml", text), err, sizeof err), "%s", err);
    CHECK(s.event_count == 3 && s.events[1].kind == XRSIM_EV_WAIT);
    CHECK(s.events[1].kind == XRSIM_EV_WAIT && !strcmp(s.events[1].path, "/tmp/gate-one"));
    // An empty file only opens the gate.
    CHECK(xrsim_script_splice(&s, 2, 1.0, write_tmp("empty", ""), err, sizeof err));
    CHECK(s.event_count == 3 && s.key_count[XRSIM_TRACK_RIGHT] == 2);
    // A script replaces what follows the gate: its times start there, keys
    // after it go, the events before it (the trigger's value) stay.
    const char *part = "right:\n  - {t: 0, position: [1, 2, 3]}\nevents:\n"
                       "  - {t: 0.25, set: /user/hand/right/input/trigger, value: 0}\n";
    CHECK_MSG(xrsim_script_splice(&s, 2, 1.0, write_tmp("part.yaml", part), err, sizeof err), "%s", err);
    CHECK(s.key_count[XRSIM_TRACK_RIGHT] == 2);
    CHECK(fabs(s.keys[XRSIM_TRACK_RIGHT][1].t - 1.0) < 1e-9 && s.keys[XRSIM_TRACK_RIGHT][1].pose.position.x == 1.0f);
    CHECK(s.event_count == 3 && fabs(s.events[2].t - 1.25) < 1e-9); // the exit at 5 is gone
    float x = -1, y = 0;
    CHECK(xrsim_script_input(&s, "/user/hand/right/input/trigger", 1.1, &x, &y) && x == 1.0f);
    CHECK(xrsim_script_input(&s, "/user/hand/right/input/trigger", 1.3, &x, &y) && x == 0.0f);
    // A broken file says where; the script stays as it was.
    CHECK(!xrsim_script_splice(&s, 3, 2.0, write_tmp("bad.yaml", "events: [{t: 1}]\n"), err, sizeof err));
    CHECK(s.event_count == 3);
    xrsim_script_fini(&s);
    expect_error("w2.yaml", "events:\n  - {t: 1, wait_for: ''}\n", ":2:", "'wait_for' takes a file path");
}

STOA_TEST(pose_interpolation_lerp_and_slerp)
{
    xrsim_script s;
    char err[256] = "";
    CHECK(xrsim_script_load(&s, write_tmp("c.yaml", k_yaml), err, sizeof err));
    XrPosef fallback = {{0, 0, 0, 1}, {9, 9, 9}};
    XrPosef p = xrsim_script_pose(&s, XRSIM_TRACK_HEAD, 1.0, fallback);
    CHECK_NEAR(p.position.x, 0.5, 1e-5);
    CHECK_NEAR(p.position.y, 1.6, 1e-5);
    CHECK_NEAR(p.position.z, -1.0, 1e-5);
    // Halfway between yaw 0 and 90 degrees: 45 degrees about +Y.
    CHECK_NEAR(p.orientation.y, sin(M_PI / 8), 1e-5);
    CHECK_NEAR(p.orientation.w, cos(M_PI / 8), 1e-5);
    p = xrsim_script_pose(&s, XRSIM_TRACK_HEAD, -1.0, fallback); // held before the first key
    CHECK_NEAR(p.position.y, 1.7, 1e-6);
    p = xrsim_script_pose(&s, XRSIM_TRACK_HEAD, 5.0, fallback); // ... and after the last
    CHECK_NEAR(p.position.x, 1.0, 1e-6);
    CHECK_NEAR(p.orientation.y, sin(M_PI / 4), 1e-5);
    p = xrsim_script_pose(&s, XRSIM_TRACK_LEFT, 1.0, fallback); // no keys: fallback
    CHECK_NEAR(p.position.x, 9, 1e-6);
    xrsim_script_fini(&s);
}

// Every prefix of a valid script, and every single-byte corruption of it,
// either loads or fails with "file:line: message": never a crash.
STOA_TEST(script_truncations_and_corruptions_never_crash)
{
    size_t n = strlen(k_yaml);
    char *buf = malloc(n + 1);
    int loaded = 0, refused = 0;
    for (size_t cut = 0; cut <= n; cut++) {
        memcpy(buf, k_yaml, cut);
        buf[cut] = '\0';
        xrsim_script s;
        char err[256] = "";
        const char *path = write_tmp("cut.yaml", buf);
        if (xrsim_script_load(&s, path, err, sizeof err)) {
            loaded++;
            xrsim_script_fini(&s);
        } else {
            refused++;
            CHECK_CONTAINS(err, path);
        }
    }
    const char junk[] = {'[', '{', ':', '-', '"', '\'', '\n', 'x', '9', '\t', '#', '&', '*'};
    for (size_t i = 0; i < n; i += 3) {
        memcpy(buf, k_yaml, n + 1);
        buf[i] = junk[i % sizeof junk];
        xrsim_script s;
        char err[256] = "";
        if (xrsim_script_load(&s, write_tmp("junk.yaml", buf), err, sizeof err))
            xrsim_script_fini(&s);
        else
            CHECK(strchr(err, ':') != NULL);
    }
    free(buf);
    CHECK(loaded > 0 && refused > 0);
}

STOA_TEST_MAIN()
