// SPDX-License-Identifier: Apache-2.0
// Lesson layouts beside the content cache (net_content.c): one folder per
// lesson content, made of hard links to cached files. A headset keeps the
// layout it plays and the one before it (perhaps still playing while the new
// one loads) and removes the others, but never one that another process on
// the same machine holds: each held layout has a shared flock on its
// ".in-use" file, released when the headset lets it go or exits.
#pragma once

#include <stdbool.h>

typedef struct net_layouts {
    char cur[1200], prev[1200]; // folders held, newest first ("" = none)
    int cur_fd, prev_fd;        // their lock files' descriptors + 1 (0 = none), so zeroed is empty
} net_layouts;

// Holds `dir` (made if missing) as the current layout; the one held before
// stays held as the previous one, the one before that is let go. False, with
// errno set, when the lock file cannot be made.
bool net_layouts_hold(net_layouts *l, const char *dir);
// Removes every folder of `root` but the held ones and those another
// process holds.
void net_layouts_prune(const net_layouts *l, const char *root);
// Lets go of both (the process is done with the cache).
void net_layouts_release(net_layouts *l);
