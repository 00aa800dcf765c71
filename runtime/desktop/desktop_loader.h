// SPDX-License-Identifier: Apache-2.0
// Loads a scene on a background thread so the window stays responsive (and
// shows progress) while a large file is imported. Internal to runtime/desktop.
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "scene/stoa_scene.h"

typedef struct desktop_loader {
    pthread_t thread;
    bool running;            // a thread was started and not yet joined
    atomic_bool done;        // the thread finished (result below is valid)
    char path[4096];
    stoa_scene *scene;       // result; ownership passes to the caller on take
    stoa_result result;
    stoa_error err;
    double started_at;       // stoa_time_seconds() when the load began
    _Atomic float progress;  // 0..1 as reported by the scene loader
    const char *_Atomic stage; // its stage name ("geometry", "textures"); static strings
} desktop_loader;

// Starts loading path (with .defer_textures and .defer_lods: the scene may
// come back with textures pending and its levels of detail still being made;
// see stoa_scene_textures_ready, stoa_scene_lods_ready). Fails only when a load
// is already running.
bool desktop_loader_start(desktop_loader *loader, const char *path);
// When the load has finished: joins the thread, moves the scene (or NULL and
// the error) out and returns true. Otherwise false.
bool desktop_loader_take(desktop_loader *loader, stoa_scene **out_scene, stoa_error *out_err);
// Waits for a running load and frees its result.
void desktop_loader_fini(desktop_loader *loader);
