// SPDX-License-Identifier: Apache-2.0
// Script loading with libyaml's document API (JSON is YAML flow style, so one
// parser reads both). Every error names the file and line.
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "xrsim_script.h"
#include "xrsim_script_yaml.h"
#include "xrsim_math.h"


bool xrsim_sy_fail(xrsim_sy_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    int len = snprintf(c->err, c->err_size, "%s:%lu: ", c->file,
                       n ? (unsigned long)n->start_mark.line + 1 : 0UL);
    va_list ap;
    va_start(ap, fmt);
    if (len >= 0 && (size_t)len < c->err_size)
        vsnprintf(c->err + len, c->err_size - (size_t)len, fmt, ap);
    va_end(ap);
    return false;
}

yaml_node_t *xrsim_sy_node(xrsim_sy_ctx *c, int index)
{
    return yaml_document_get_node(&c->doc, index);
}

const char *xrsim_sy_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

bool xrsim_sy_number(xrsim_sy_ctx *c, const yaml_node_t *n, double *out)
{
    const char *v = xrsim_sy_scalar(n);
    char *end;
    if (!v || !v[0])
        return xrsim_sy_fail(c, n, "expected a number");
    *out = strtod(v, &end);
    if (*end != '\0')
        return xrsim_sy_fail(c, n, "'%s' is not a number", v);
    if (!isfinite(*out)) // "nan", "inf", 1e999: no time, pose or count
        return xrsim_sy_fail(c, n, "'%s' is not a finite number", v);
    return true;
}

// A sequence of exactly `count` numbers.
bool xrsim_sy_numbers(xrsim_sy_ctx *c, const yaml_node_t *n, float *out, int count)
{
    if (!n || n->type != YAML_SEQUENCE_NODE ||
        n->data.sequence.items.top - n->data.sequence.items.start != count)
        return xrsim_sy_fail(c, n, "expected a list of %d numbers", count);
    for (int i = 0; i < count; i++) {
        double d;
        if (!xrsim_sy_number(c, xrsim_sy_node(c, n->data.sequence.items.start[i]), &d))
            return false;
        out[i] = (float)d;
    }
    return true;
}

static bool parse_key(xrsim_sy_ctx *c, yaml_node_t *map, xrsim_pose_key *k)
{
    float pos[3] = {0, 0, 0}, q[4] = {0, 0, 0, 1}, euler[3] = {0, 0, 0};
    bool has_t = false, has_q = false, has_euler = false;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = xrsim_sy_node(c, p->key), *v = xrsim_sy_node(c, p->value);
        const char *key = xrsim_sy_scalar(kn);
        double d;
        if (!key)
            return xrsim_sy_fail(c, kn, "expected a key");
        if (strcmp(key, "t") == 0) {
            if (!xrsim_sy_number(c, v, &k->t))
                return false;
            has_t = true;
        } else if (strcmp(key, "position") == 0) {
            if (!xrsim_sy_numbers(c, v, pos, 3))
                return false;
        } else if (strcmp(key, "orientation") == 0) {
            if (!xrsim_sy_numbers(c, v, q, 4))
                return false;
            has_q = true;
        } else if (strcmp(key, "yaw") == 0 || strcmp(key, "pitch") == 0 ||
                   strcmp(key, "roll") == 0) {
            if (!xrsim_sy_number(c, v, &d))
                return false;
            euler[key[0] == 'y' ? 0 : key[0] == 'p' ? 1 : 2] = (float)d;
            has_euler = true;
        } else {
            return xrsim_sy_fail(c, kn, "unknown key '%s' in a pose key (t, position, orientation, "
                               "yaw, pitch, roll)", key);
        }
    }
    if (!has_t)
        return xrsim_sy_fail(c, map, "pose key without 't'");
    if (has_q && has_euler)
        return xrsim_sy_fail(c, map, "give 'orientation' or yaw/pitch/roll, not both");
    k->pose.position = (XrVector3f){pos[0], pos[1], pos[2]};
    k->pose.orientation = has_euler ? xrsim_quat_from_euler_deg(euler[0], euler[1], euler[2])
                                    : xrsim_quat_normalize((XrQuaternionf){q[0], q[1], q[2], q[3]});
    return true;
}

static bool parse_track(xrsim_sy_ctx *c, yaml_node_t *seq, xrsim_track track)
{
    if (seq->type != YAML_SEQUENCE_NODE)
        return xrsim_sy_fail(c, seq, "a track is a list of pose keys");
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    xrsim_pose_key *keys = calloc(n ? n : 1, sizeof *keys);
    if (!keys)
        return xrsim_sy_fail(c, seq, "out of memory");
    c->s->keys[track] = keys;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = xrsim_sy_node(c, seq->data.sequence.items.start[i]);
        if (!item || item->type != YAML_MAPPING_NODE)
            return xrsim_sy_fail(c, item, "a pose key is a mapping");
        if (!parse_key(c, item, &keys[i]))
            return false;
        if (i > 0 && keys[i].t < keys[i - 1].t)
            return xrsim_sy_fail(c, item, "pose keys must be in time order");
        c->s->key_count[track]++;
    }
    return true;
}

static bool strip_component(char *path)
{
    // Scripts set an identifier; /value and /click name the same thing.
    char *last = strrchr(path, '/');
    if (last && (strcmp(last, "/value") == 0 || strcmp(last, "/click") == 0))
        *last = '\0';
    return strncmp(path, "/user/hand/left/input/", 22) == 0 ||
           strncmp(path, "/user/hand/right/input/", 23) == 0;
}

static bool parse_event_value(xrsim_sy_ctx *c, yaml_node_t *v, xrsim_script_event *e)
{
    if (v->type == YAML_SEQUENCE_NODE) {
        float xy[2];
        if (!xrsim_sy_numbers(c, v, xy, 2))
            return false;
        e->x = xy[0], e->y = xy[1];
        return true;
    }
    const char *t = xrsim_sy_scalar(v);
    if (t && (strcmp(t, "true") == 0 || strcmp(t, "false") == 0)) {
        e->x = t[0] == 't' ? 1.0f : 0.0f;
        return true;
    }
    double d;
    if (!xrsim_sy_number(c, v, &d))
        return false;
    e->x = (float)d;
    return true;
}

// idle, ready, synchronized, visible, focused (= let go) or none.
static bool parse_hold(xrsim_sy_ctx *c, yaml_node_t *v, XrSessionState *out)
{
    static const char *names[] = {"none", "idle", "ready", "synchronized", "visible", "focused"};
    static const XrSessionState states[] = {0, XR_SESSION_STATE_IDLE, XR_SESSION_STATE_READY,
                                            XR_SESSION_STATE_SYNCHRONIZED,
                                            XR_SESSION_STATE_VISIBLE, 0};
    const char *t = xrsim_sy_scalar(v);
    for (int i = 0; t && i < 6; i++)
        if (strcmp(t, names[i]) == 0) {
            *out = states[i];
            return true;
        }
    return xrsim_sy_fail(c, v, "a hold is one of none, idle, ready, synchronized, visible, focused");
}

// The learner actions' keys: look_at, select, grab, place, answer (with
// hand, seconds). False (with the error) for an unknown key.
static bool parse_learner_key(xrsim_sy_ctx *c, yaml_node_t *kn, const char *key, yaml_node_t *v,
                              xrsim_script_event *e)
{
    static const char *names[] = {"look_at", "select", "grab", "place"};
    static const xrsim_event_kind kinds[] = {XRSIM_EV_LOOK_AT, XRSIM_EV_SELECT, XRSIM_EV_GRAB, 0};
    const char *val = xrsim_sy_scalar(v);
    for (int i = 0; i < 4; i++) {
        if (strcmp(key, names[i]) != 0)
            continue;
        char *out = i == 3 ? e->zone : e->target;
        if (!val || !*val || strlen(val) >= sizeof e->target)
            return xrsim_sy_fail(c, v, "'%s' takes a node's name", key);
        snprintf(out, sizeof e->target, "%s", val);
        if (kinds[i])
            e->kind = kinds[i];
        return true;
    }
    double d;
    if (strcmp(key, "teleport") == 0) {
        e->kind = XRSIM_EV_TELEPORT;
        if (v->type == YAML_SEQUENCE_NODE) {
            e->has_point = true;
            return xrsim_sy_numbers(c, v, e->point, 3);
        }
        if (!val || !*val || strlen(val) >= sizeof e->target)
            return xrsim_sy_fail(c, v, "'teleport' takes a node's name or a point [x, y, z]");
        snprintf(e->target, sizeof e->target, "%s", val);
        return true;
    }
    if (strcmp(key, "answer") == 0) {
        if (!xrsim_sy_number(c, v, &d))
            return false;
        if (d < 0 || d > 31 || d != (double)(int)d)
            return xrsim_sy_fail(c, v, "'answer' takes a choice number, 0 for the first");
        e->choice = (int32_t)d;
        e->kind = XRSIM_EV_ANSWER;
        return true;
    }
    if (strcmp(key, "hand") == 0) {
        if (!val || (strcmp(val, "left") != 0 && strcmp(val, "right") != 0))
            return xrsim_sy_fail(c, v, "'hand' is left or right");
        e->hand = val[0] == 'l' ? XRSIM_TRACK_LEFT : XRSIM_TRACK_RIGHT;
        return true;
    }
    if (strcmp(key, "seconds") == 0) {
        if (!xrsim_sy_number(c, v, &d))
            return false;
        if (!(d > 0 && d <= 600))
            return xrsim_sy_fail(c, v, "'seconds' lies in 0..600");
        e->seconds = d;
        return true;
    }
    return xrsim_sy_fail(c, kn, "unknown key '%s' in an event (t, do, set, value, hold, "
                                "wait_for, offset, turn, look_at, select, grab, place, answer, "
                                "teleport, hand, seconds)", key);
}

static bool parse_event(xrsim_sy_ctx *c, yaml_node_t *map, xrsim_script_event *e)
{
    e->hand = XRSIM_TRACK_RIGHT;
    bool has_t = false, has_value = false, has_drift = false;
    e->line = (int)map->start_mark.line + 1;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = xrsim_sy_node(c, p->key), *v = xrsim_sy_node(c, p->value);
        const char *key = xrsim_sy_scalar(kn), *val = xrsim_sy_scalar(v);
        if (!key)
            return xrsim_sy_fail(c, kn, "expected a key");
        if (strcmp(key, "t") == 0) {
            if (!xrsim_sy_number(c, v, &e->t))
                return false;
            has_t = true;
        } else if (strcmp(key, "do") == 0) {
            static const char *names[] = {"recentre", "exit", "lose_session", "lose_instance",
                                          "drift"};
            static const xrsim_event_kind kinds[] = {XRSIM_EV_RECENTRE, XRSIM_EV_EXIT,
                                                     XRSIM_EV_LOSE_SESSION, XRSIM_EV_LOSE_INSTANCE,
                                                     XRSIM_EV_DRIFT};
            for (int i = 0; val && i < 5; i++)
                if (strcmp(val, names[i]) == 0)
                    e->kind = kinds[i];
            if (!e->kind)
                return xrsim_sy_fail(c, v, "'do' is one of recentre, exit, lose_session, "
                                           "lose_instance, drift");
        } else if (strcmp(key, "offset") == 0) { // do: drift
            if (!xrsim_sy_numbers(c, v, e->point, 3))
                return false;
            has_drift = true;
        } else if (strcmp(key, "turn") == 0) { // do: drift
            double d;
            if (!xrsim_sy_number(c, v, &d))
                return false;
            e->x = (float)d;
            has_drift = true;
        } else if (strcmp(key, "hold") == 0) {
            if (!parse_hold(c, v, &e->hold))
                return false;
            e->kind = XRSIM_EV_HOLD;
        } else if (strcmp(key, "wait_for") == 0) {
            if (!val || !val[0] || strlen(val) >= sizeof e->path)
                return xrsim_sy_fail(c, v, "'wait_for' takes a file path");
            snprintf(e->path, sizeof e->path, "%s", val);
            e->kind = XRSIM_EV_WAIT;
        } else if (strcmp(key, "set") == 0) {
            if (!val || strlen(val) >= sizeof e->path)
                return xrsim_sy_fail(c, v, "'set' takes an input path");
            snprintf(e->path, sizeof e->path, "%s", val);
            if (!strip_component(e->path))
                return xrsim_sy_fail(c, v, "'%s' is not /user/hand/{left,right}/input/...", val);
            e->kind = XRSIM_EV_INPUT;
        } else if (strcmp(key, "value") == 0) {
            if (!parse_event_value(c, v, e))
                return false;
            has_value = true;
        } else if (!parse_learner_key(c, kn, key, v, e)) {
            return false;
        }
    }
    if (!has_t)
        return xrsim_sy_fail(c, map, "event without 't'");
    if (!e->kind)
        return xrsim_sy_fail(c, map, "event needs 'do', 'set', 'hold', 'wait_for' or a learner action");
    if (has_drift != (e->kind == XRSIM_EV_DRIFT))
        return xrsim_sy_fail(c, map, "'do: drift' takes 'offset' [x, y, z] and/or 'turn' "
                                     "(degrees), and only it does");
    if (e->kind == XRSIM_EV_INPUT && !has_value)
        return xrsim_sy_fail(c, map, "'set' needs a 'value'");
    if (e->zone[0] && e->kind != XRSIM_EV_GRAB)
        return xrsim_sy_fail(c, map, "'place' goes with 'grab' (grab: NODE, place: ZONE)");
    return true;
}

static int event_cmp(const void *a, const void *b)
{
    const xrsim_script_event *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->line - y->line; // stable: file order at equal times
}

static bool parse_events(xrsim_sy_ctx *c, yaml_node_t *seq)
{
    if (seq->type != YAML_SEQUENCE_NODE)
        return xrsim_sy_fail(c, seq, "'events' is a list");
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    c->s->events = calloc(n ? n : 1, sizeof *c->s->events);
    if (!c->s->events)
        return xrsim_sy_fail(c, seq, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = xrsim_sy_node(c, seq->data.sequence.items.start[i]);
        if (!item || item->type != YAML_MAPPING_NODE)
            return xrsim_sy_fail(c, item, "an event is a mapping");
        if (!parse_event(c, item, &c->s->events[i]))
            return false;
        c->s->event_count++;
    }
    qsort(c->s->events, n, sizeof *c->s->events, event_cmp);
    return true;
}

static bool parse_display(xrsim_sy_ctx *c, yaml_node_t *map)
{
    if (map->type != YAML_MAPPING_NODE)
        return xrsim_sy_fail(c, map, "'display' is a mapping");
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = xrsim_sy_node(c, p->key), *v = xrsim_sy_node(c, p->value);
        const char *key = xrsim_sy_scalar(kn);
        double d;
        if (!key || !xrsim_sy_number(c, v, &d))
            return false;
        if (strcmp(key, "eye_width") == 0 && d >= 16 && d <= 8192)
            c->s->eye_width = (uint32_t)d;
        else if (strcmp(key, "eye_height") == 0 && d >= 16 && d <= 8192)
            c->s->eye_height = (uint32_t)d;
        else if (strcmp(key, "refresh_hz") == 0 && d >= 1 && d <= 1000)
            c->s->refresh_hz = d;
        else if (strcmp(key, "ipd") == 0 && d > 0 && d < 0.2)
            c->s->ipd_m = (float)d;
        else
            return xrsim_sy_fail(c, kn, "'%s' is not a display setting in range (eye_width, eye_height "
                               "16..8192, refresh_hz 1..1000, ipd metres)", key);
    }
    if (!c->s->eye_width != !c->s->eye_height)
        return xrsim_sy_fail(c, map, "give both eye_width and eye_height");
    return true;
}

static bool parse_root(xrsim_sy_ctx *c, yaml_node_t *root)
{
    if (!root || root->type != YAML_MAPPING_NODE)
        return xrsim_sy_fail(c, root, "the script is a mapping (frames, profile, display, head, left, "
                             "right, events, hold, blend_modes, camera, passthrough, "
                             "planes, anchors)");
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *kn = xrsim_sy_node(c, p->key), *v = xrsim_sy_node(c, p->value);
        const char *key = xrsim_sy_scalar(kn);
        double d;
        bool ok, handled = false;
        if (!key)
            return xrsim_sy_fail(c, kn, "expected a key");
        if (strcmp(key, "frames") == 0) {
            ok = xrsim_sy_number(c, v, &d) &&
                 ((d >= 1 && d <= 1e9) || xrsim_sy_fail(c, v, "'frames' must be 1 to 1e9"));
            if (ok)
                c->s->frames = (int64_t)d;
        } else if (strcmp(key, "profile") == 0) {
            ok = xrsim_sy_scalar(v) && strlen(xrsim_sy_scalar(v)) < sizeof c->s->profile;
            if (ok)
                snprintf(c->s->profile, sizeof c->s->profile, "%s", xrsim_sy_scalar(v));
            else
                xrsim_sy_fail(c, v, "'profile' is an interaction profile path");
        } else if (strcmp(key, "display") == 0) {
            ok = parse_display(c, v);
        } else if (strcmp(key, "head") == 0) {
            ok = parse_track(c, v, XRSIM_TRACK_HEAD);
        } else if (strcmp(key, "left") == 0) {
            ok = parse_track(c, v, XRSIM_TRACK_LEFT);
        } else if (strcmp(key, "right") == 0) {
            ok = parse_track(c, v, XRSIM_TRACK_RIGHT);
        } else if (strcmp(key, "events") == 0) {
            ok = parse_events(c, v);
        } else if (strcmp(key, "hold") == 0) {
            ok = parse_hold(c, v, &c->s->hold);
        } else if (!(ok = xrsim_sy_parse_ar_key(c, key, v, &handled)) || handled) {
            // an AR key (xrsim_script_ar.c)
        } else {
            return xrsim_sy_fail(c, kn, "unknown key '%s' (frames, profile, display, head, left, right, "
                               "events, hold, blend_modes, camera, passthrough, planes, "
                               "anchors)", key);
        }
        if (!ok)
            return false;
    }
    return true;
}

bool xrsim_script_load(xrsim_script *s, const char *file, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    xrsim_sy_ctx c = {.file = file, .err = err, .err_size = err_size, .s = s};
    FILE *f = fopen(file, "rb");
    if (!f) {
        snprintf(err, err_size, "%s: cannot open", file);
        return false;
    }
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    bool ok = yaml_parser_load(&parser, &c.doc) != 0;
    if (!ok)
        snprintf(err, err_size, "%s:%lu: %s", file, (unsigned long)parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "YAML syntax error");
    yaml_parser_delete(&parser);
    fclose(f);
    if (ok) {
        ok = parse_root(&c, yaml_document_get_root_node(&c.doc));
        yaml_document_delete(&c.doc);
    }
    if (!ok)
        xrsim_script_fini(s);
    else
        s->loaded = true;
    return ok;
}

void xrsim_script_fini(xrsim_script *s)
{
    for (int i = 0; i < XRSIM_TRACKS; i++)
        free(s->keys[i]);
    free(s->events);
    memset(s, 0, sizeof *s);
}

XrPosef xrsim_script_pose(const xrsim_script *s, xrsim_track track, double t, XrPosef fallback)
{
    uint32_t n = s->key_count[track];
    const xrsim_pose_key *k = s->keys[track];
    if (n == 0)
        return fallback;
    if (t <= k[0].t)
        return k[0].pose;
    for (uint32_t i = 1; i < n; i++)
        if (t < k[i].t) {
            double span = k[i].t - k[i - 1].t;
            float u = span > 0 ? (float)((t - k[i - 1].t) / span) : 1.0f;
            return xrsim_pose_lerp(k[i - 1].pose, k[i].pose, u);
        }
    return k[n - 1].pose;
}

bool xrsim_script_input(const xrsim_script *s, const char *identifier_path, double t, float *x,
                        float *y)
{
    bool found = false;
    for (uint32_t i = 0; i < s->event_count && s->events[i].t <= t + 1e-6; i++) {
        const xrsim_script_event *e = &s->events[i];
        if (e->kind == XRSIM_EV_INPUT && strcmp(e->path, identifier_path) == 0) {
            *x = e->x, *y = e->y;
            found = true;
        }
    }
    return found;
}

bool xrsim_script_splice(xrsim_script *s, uint32_t cursor, double t, const char *file, char *err,
                         size_t err_size)
{
    struct stat st;
    if (stat(file, &st) == 0 && st.st_size == 0)
        return true; // only a gate
    xrsim_script f;
    if (!xrsim_script_load(&f, file, err, err_size))
        return false;
    for (int k = 0; k < XRSIM_TRACKS; k++) {
        if (!f.key_count[k])
            continue;
        uint32_t keep = 0;
        while (keep < s->key_count[k] && s->keys[k][keep].t <= t)
            keep++;
        xrsim_pose_key *keys = calloc(keep + f.key_count[k], sizeof *keys);
        if (!keys) {
            xrsim_script_fini(&f);
            snprintf(err, err_size, "%s: out of memory", file);
            return false;
        }
        memcpy(keys, s->keys[k], keep * sizeof *keys);
        for (uint32_t i = 0; i < f.key_count[k]; i++) {
            keys[keep + i] = f.keys[k][i];
            keys[keep + i].t += t;
        }
        free(s->keys[k]);
        s->keys[k] = keys;
        s->key_count[k] = keep + f.key_count[k];
    }
    xrsim_script_event *ev = calloc(cursor + f.event_count + 1, sizeof *ev);
    if (!ev) {
        xrsim_script_fini(&f);
        snprintf(err, err_size, "%s: out of memory", file);
        return false;
    }
    memcpy(ev, s->events, cursor * sizeof *ev);
    for (uint32_t i = 0; i < f.event_count; i++) {
        ev[cursor + i] = f.events[i];
        ev[cursor + i].t += t;
    }
    free(s->events);
    s->events = ev;
    s->event_count = cursor + f.event_count;
    xrsim_script_fini(&f);
    return true;
}
