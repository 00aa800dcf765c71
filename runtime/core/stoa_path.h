// SPDX-License-Identifier: Apache-2.0
// Safe asset paths. Content (glTF URIs, lesson asset names, hub requests)
// names files relative to a base folder; nothing it names may leave it.
#pragma once

#include <stddef.h>

#include "stoa_result.h"

// Joins `base_dir` and the content-supplied relative `rel` into `out`.
// Rejects (STOA_ERROR_UNSAFE_PATH, with a message in err) any `rel` that is
// empty, absolute, has a scheme ("file:", "http:"), a backslash, a NUL, or
// whose ".." components would climb above base_dir. Percent-escapes are
// decoded first (glTF URIs are URI-encoded), so "%2e%2e/" is caught too.
// Does not touch the file system; symlinks inside base_dir are trusted.
stoa_result stoa_path_confine(const char *base_dir, const char *rel, char *out, size_t out_size,
                              stoa_error *err);

// The folder part of `path` ("." when it has none), written into out.
void stoa_path_dirname(const char *path, char *out, size_t out_size);

// Pointer into `path` after its last '/'.
const char *stoa_path_basename(const char *path);

// Lower-case extension without the dot ("" when none), pointer into path.
const char *stoa_path_ext(const char *path);
