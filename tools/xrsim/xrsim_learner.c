// SPDX-License-Identifier: Apache-2.0
// The script's learner actions: "look_at: Statue", "select: Door",
// "grab: Exhibit, place: Zone_Statue", "answer: 0". Each is resolved when
// it fires, against where things are in the app's world at that moment,
// and becomes ordinary pose keys and input changes from then on, so the
// rest of xrsim (poses by time, inputs by time) is unchanged.
//
// Where things are: the app publishes it in the file STOA_XRSIM_WORLD
// (`stoa run` does, runtime/run/run_simworld.c): lines "node NAME x y z"
// and "choice N x y z", tab-separated, in STAGE coordinates. OpenXR has no
// channel from an app to its runtime for this; a file is the plainest one.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "xrsim_internal.h"
#include "xrsim_math.h"

#define WORLD_MAX_BYTES (1u << 20)
#define AIM_S 0.1      // turning to the target
#define PRESS_S 0.15   // the button goes down this long after the action starts...
#define RELEASE_S 0.45 // ...and up again here (select, answer)
#define RETRY_S 0.1    // a target not (yet) published is looked for again...
#define RETRIES 30     // ...for up to 3 s (a quiz's panel is laid out on a worker)

// Finds `kind` ("node" or "choice") named `name` in the world file.
static bool world_find(const char *kind, const char *name, XrVector3f *out, char *why, size_t n)
{
    const char *path = getenv("STOA_XRSIM_WORLD");
    if (!path || !*path) {
        snprintf(why, n, "STOA_XRSIM_WORLD is not set (the app publishes where things are "
                         "there; `stoa run --sim` sets it)");
        return false;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, n, "cannot read %s (has the app published its world yet?)", path);
        return false;
    }
    char line[512];
    size_t read = 0;
    bool found = false;
    while (!found && read < WORLD_MAX_BYTES && fgets(line, sizeof line, f)) {
        read += strlen(line);
        char *save = NULL, *k = strtok_r(line, "\t\n", &save), *nm = strtok_r(NULL, "\t\n", &save);
        char *xs = strtok_r(NULL, "\t\n", &save), *ys = strtok_r(NULL, "\t\n", &save),
             *zs = strtok_r(NULL, "\t\n", &save);
        if (!k || !nm || !zs || strcmp(k, kind) != 0 || strcmp(nm, name) != 0)
            continue;
        char *e1, *e2, *e3;
        out->x = strtof(xs, &e1), out->y = strtof(ys, &e2), out->z = strtof(zs, &e3);
        found = *e1 == '\0' && *e2 == '\0' && *e3 == '\0' && isfinite(out->x) &&
                isfinite(out->y) && isfinite(out->z);
    }
    fclose(f);
    if (!found)
        snprintf(why, n, "%s '%s' is not in %s%s", kind, name, path,
                 strcmp(kind, "choice") == 0 ? " (is a quiz on show?)" : "");
    return found;
}

// An orientation whose -Z points from `from` to `to`, level (no roll).
static XrQuaternionf look(XrVector3f from, XrVector3f to)
{
    float dx = to.x - from.x, dy = to.y - from.y, dz = to.z - from.z;
    float yaw = atan2f(-dx, -dz), pitch = atan2f(dy, sqrtf(dx * dx + dz * dz));
    const float deg = 180.0f / (float)M_PI;
    return xrsim_quat_from_euler_deg(yaw * deg, pitch * deg, 0);
}

static XrPosef now_pose(const xrsim_script *s, xrsim_track track, double t)
{
    // The same defaults as xrsim_space.c when a track has no keys.
    float x = track == XRSIM_TRACK_LEFT ? -0.2f : 0.2f;
    XrPosef fallback = track == XRSIM_TRACK_HEAD ? (XrPosef){{0, 0, 0, 1}, {0, 1.7f, 0}}
                                                 : (XrPosef){{0, 0, 0, 1}, {x, 1.4f, -0.35f}};
    return xrsim_script_pose(s, track, t, fallback);
}

// Moves `track` from where it is at t to `pose` within AIM_S and holds it
// there until `until` (later keys of the script take over after that).
static bool move(xrsim_script *s, xrsim_track track, double t, XrPosef pose, double until)
{
    xrsim_pose_key here = {t, now_pose(s, track, t)};
    if (until < t + AIM_S)
        until = t + AIM_S;
    // The hold first: it drops the script's keys in (t, until].
    return xrsim_script_add_key(s, track, t, (xrsim_pose_key){until, pose}) &&
           xrsim_script_add_key(s, track, t, here) &&
           xrsim_script_add_key(s, track, t + AIM_S, (xrsim_pose_key){t + AIM_S, pose});
}

static bool press(xrsim_script *s, xrsim_track hand, const char *button, double down, double up)
{
    char path[96];
    snprintf(path, sizeof path, "/user/hand/%s/input/%s", hand == XRSIM_TRACK_LEFT ? "left" : "right",
             button);
    return xrsim_script_add_input(s, down, path, 1.0f, 0) &&
           (up <= down || xrsim_script_add_input(s, up, path, 0.0f, 0));
}

// Points `hand` at `target` from where the hand is, pulls `button`.
static bool point_and_press(xrsim_script *s, xrsim_track hand, double t, XrVector3f target,
                            const char *button, double hold)
{
    XrPosef p = now_pose(s, hand, t);
    p.orientation = look(p.position, target);
    return move(s, hand, t, p, t + RELEASE_S + hold) &&
           press(s, hand, button, t + PRESS_S, hold > 0 ? 0 : t + RELEASE_S);
}

// Grabs `e->target` by pointing at it and holds it `seconds` (default 0.5);
// with a zone, carries it there meanwhile (the node keeps its offset to the
// hand, so the hand moves by the node's way to the zone's centre; default 2 s)
// and lets go there.
static bool grab(xrsim_script *s, const xrsim_script_event *e, double t, XrVector3f node,
                 char *why, size_t n)
{
    XrPosef p = now_pose(s, e->hand, t);
    p.orientation = look(p.position, node);
    if (!e->zone[0]) { // only grab: held `seconds` (default 0.5), then let go where it is
        double up = t + PRESS_S + (e->seconds > 0 ? e->seconds : 0.5);
        return move(s, e->hand, t, p, t + RELEASE_S) && press(s, e->hand, "squeeze", t + PRESS_S, up);
    }
    XrVector3f zone;
    if (!world_find("node", e->zone, &zone, why, n))
        return false;
    double end = t + (e->seconds > 0 ? e->seconds : 2.0);
    if (end < t + RELEASE_S + 0.2)
        end = t + RELEASE_S + 0.2;
    XrPosef there = p;
    there.position.x += zone.x - node.x;
    there.position.y += zone.y - node.y;
    there.position.z += zone.z - node.z;
    return move(s, e->hand, t, p, t + RELEASE_S) &&
           xrsim_script_add_key(s, e->hand, t + RELEASE_S,
                                (xrsim_pose_key){end - 0.1, there}) &&
           xrsim_script_add_key(s, e->hand, end - 0.1, (xrsim_pose_key){end + 0.2, there}) &&
           press(s, e->hand, "squeeze", t + PRESS_S, end);
}

// Stoa's teleport arc (runtime/interact, docs/interaction.md): launched
// from the locomotion hand's aim at 7 m/s under 9.81 m/s², for at most
// 32 × 0.05 s; the stick pushed forward shows it, let go teleports.
#define ARC_SPEED 7.0f
#define ARC_GRAVITY 9.81f
#define ARC_MAX_S 1.55f

// Aims the right hand so the arc lands on `to`, then flicks the stick.
static bool teleport(xrsim_script *s, double t, XrVector3f to, char *why, size_t n)
{
    XrPosef p = now_pose(s, XRSIM_TRACK_RIGHT, t);
    float dx = to.x - p.position.x, dz = to.z - p.position.z, dy = to.y - p.position.y;
    float d = sqrtf(dx * dx + dz * dz), v2 = ARC_SPEED * ARC_SPEED;
    float disc = v2 * v2 - ARC_GRAVITY * (ARC_GRAVITY * d * d + 2 * dy * v2);
    if (d < 0.3f || disc < 0) {
        snprintf(why, n, "(%.2f, %.2f, %.2f) is %s for the teleport arc", to.x, to.y, to.z,
                 d < 0.3f ? "too close" : "too far");
        return false;
    }
    float pitch = atanf((v2 - sqrtf(disc)) / (ARC_GRAVITY * d)); // the flatter of the two arcs
    if (d / (ARC_SPEED * cosf(pitch)) > ARC_MAX_S) {
        snprintf(why, n, "(%.2f, %.2f, %.2f) is too far for the teleport arc", to.x, to.y, to.z);
        return false;
    }
    const float deg = 180.0f / (float)M_PI;
    p.orientation = xrsim_quat_from_euler_deg(atan2f(-dx, -dz) * deg, pitch * deg, 0);
    char path[] = "/user/hand/right/input/thumbstick";
    // Forward on the stick at +0.15 s shows the arc; back to rest at +0.45 s lands.
    return move(s, XRSIM_TRACK_RIGHT, t, p, t + RELEASE_S + 0.1) &&
           xrsim_script_add_input(s, t + PRESS_S, path, 0.0f, 1.0f) &&
           xrsim_script_add_input(s, t + RELEASE_S, path, 0.0f, 0.0f);
}

void xrsim_learner_fire(xrsim_instance *inst, const xrsim_script_event *ev, double t)
{
    xrsim_script *s = &inst->script;
    xrsim_script_event e = *ev; // the script's arrays grow below
    char why[300] = "", name[64];
    XrVector3f at;
    bool ok, missing = false;
    if (e.kind == XRSIM_EV_ANSWER) {
        snprintf(name, sizeof name, "%d", e.choice);
        missing = !world_find("choice", name, &at, why, sizeof why);
        ok = !missing && point_and_press(s, e.hand, t, at, "trigger", 0);
    } else if (e.kind == XRSIM_EV_TELEPORT && e.has_point) {
        at = (XrVector3f){e.point[0], e.point[1], e.point[2]};
        snprintf(e.target, sizeof e.target, "the point");
        ok = teleport(s, t, at, why, sizeof why);
    } else if (!world_find("node", e.target, &at, why, sizeof why)) {
        ok = false;
        missing = true;
    } else if (e.kind == XRSIM_EV_LOOK_AT) {
        XrPosef head = now_pose(s, XRSIM_TRACK_HEAD, t);
        head.orientation = look(head.position, at);
        ok = move(s, XRSIM_TRACK_HEAD, t, head, t + AIM_S + (e.seconds > 0 ? e.seconds : 0));
    } else if (e.kind == XRSIM_EV_TELEPORT) {
        ok = teleport(s, t, at, why, sizeof why);
    } else if (e.kind == XRSIM_EV_SELECT) {
        ok = point_and_press(s, e.hand, t, at, "trigger", 0);
    } else {
        ok = grab(s, &e, t, at, why, sizeof why);
    }
    if (!ok && missing && e.tries < RETRIES) {
        e.tries++;
        e.t = t + RETRY_S;
        if (xrsim_script_add_event(s, &e))
            return;
    }
    if (!ok) {
        STOA_LOGW(XRSIM_LOG, "script line %d (t %.2f): learner action not done: %s", e.line, t,
                  why[0] ? why : "out of memory");
        inst->summary.learner_actions_failed++;
        return;
    }
    inst->summary.learner_actions++;
    STOA_LOGI(XRSIM_LOG, "script line %d (t %.2f): %s %s at (%.2f, %.2f, %.2f)", e.line, t,
              e.kind == XRSIM_EV_LOOK_AT   ? "look at"
              : e.kind == XRSIM_EV_SELECT  ? "select"
              : e.kind == XRSIM_EV_GRAB    ? "grab"
              : e.kind == XRSIM_EV_TELEPORT ? "teleport to"
                                           : "answer choice",
              e.kind == XRSIM_EV_ANSWER ? name : e.target, at.x, at.y, at.z);
}
