// SPDX-License-Identifier: Apache-2.0
// Per-frame cost of stoa_interact_update on a real scene: gaze, two lasers
// and (every other second) a live teleport arc, the worst case of a frame.
//   bench_interact [SCENE.glb] [FRAMES]
// Default scene: scenes/agora/agora.glb under STOA_SOURCE_DIR, else the
// built-in test room.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "interact_fixture.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    char def[1024] = "";
    const char *src = getenv("STOA_SOURCE_DIR");
    snprintf(def, sizeof def, "%s/scenes/agora/agora.glb", src ? src : ".");
    const char *path = argc > 1 ? argv[1] : def;
    int frames = argc > 2 ? atoi(argv[2]) : 20000;
    if (frames < 100)
        frames = 100;
    fixture *f = calloc(1, sizeof *f);
    long long hits = 0;
    if (!fixture_init_file(f, path, NULL)) {
        printf("using the built-in test room\n");
        fixture_init(f, NULL);
        path = "(test room)";
    }
    // Zones and walkables as a lesson would register them.
    for (uint32_t i = 0; i < f->scene->node_count; i++) {
        const char *n = f->scene->nodes[i].name;
        uint32_t flags = n[0] == 'Z' && n[1] == 'o' ? STOA_INTERACT_ZONE
                         : n[0] == 'F'              ? STOA_INTERACT_WALKABLE
                                                    : 0;
        if (flags)
            stoa_interact_set_node(f->ia, i, &(stoa_interact_node_desc){.flags = flags});
    }
    double *cost = malloc((size_t)frames * sizeof *cost);
    const float *bmin = f->scene->bounds_min, *bmax = f->scene->bounds_max;
    float c[3], radius = 0;
    for (int k = 0; k < 3; k++) {
        c[k] = 0.5f * (bmin[k] + bmax[k]);
        radius += 0.25f * (bmax[k] - bmin[k]) * (bmax[k] - bmin[k]);
    }
    radius = sqrtf(radius);
    // A room-sized scene is walked through at eye height; an object is
    // looked at from around it, so that the rays hit it.
    bool walk = radius > 4;
    for (int h = 0; h < STOA_INTERACT_HAND_COUNT; h++)
        f->frame.hands[h].active = true;
    for (int i = 0; i < frames; i++) {
        double t = i / 90.0; // a learner looking and pointing around at 90 Hz
        float a = (float)(t * 0.5), eye[3];
        if (walk) {
            eye[0] = c[0];
            eye[1] = bmin[1] + 1.6f;
            eye[2] = c[2];
            fixture_look_dir(&f->frame.head, eye, (float)(t * 40), -10);
        } else {
            eye[0] = c[0] + 2.5f * radius * sinf(a);
            eye[1] = c[1] + 0.5f * radius;
            eye[2] = c[2] + 2.5f * radius * cosf(a);
            fixture_look_at(&f->frame.head, eye, c);
        }
        for (int h = 0; h < STOA_INTERACT_HAND_COUNT; h++) {
            stoa_interact_hand_input *in = &f->frame.hands[h];
            float hand[3] = {eye[0] + (h ? 0.2f : -0.2f), eye[1] - 0.4f, eye[2]};
            if (walk)
                fixture_look_dir(&in->aim, hand, (float)(t * 30 + h * 90),
                                 (float)(-20 + 10 * sin(t)));
            else
                fixture_look_at(&in->aim, hand,
                                (float[3]){c[0], c[1] + 0.3f * radius * (float)sin(t), c[2]});
            in->grip = in->aim;
        }
        f->frame.hands[STOA_INTERACT_RIGHT].thumbstick[1] = ((int)t % 2) ? 1.0f : 0.0f;
        f->frame.time_ns = (int64_t)(t * 1e9);
        f->frame.pose = f->pose;
        f->frame.bvh = f->bvh;
        // Teleports happen (their arcs are part of the cost) but the script
        // keeps the learner where it put them.
        stoa_interact_set_rig(f->ia, &(stoa_interact_rig){0});
        double t0 = now_us();
        const stoa_interact_output *o = stoa_interact_update(f->ia, &f->frame);
        cost[i] = now_us() - t0;
        hits += o->gaze.hit + o->lasers[0].hit + o->lasers[1].hit;
    }
    qsort(cost, (size_t)frames, sizeof *cost, cmp_double);
    printf("bench_interact: %s: %u nodes, %llu triangles, %d frames\n", path, f->scene->node_count,
           (unsigned long long)f->scene->triangle_count, frames);
    printf("rays that hit: %.0f%%\n", 100.0 * (double)hits / (3.0 * frames));
    printf("stoa_interact_update per frame: median %.2f us, p99 %.2f us, max %.2f us\n",
           cost[frames / 2], cost[(size_t)(frames * 0.99)], cost[frames - 1]);
    free(cost);
    fixture_fini(f);
    free(f);
    return 0;
}
