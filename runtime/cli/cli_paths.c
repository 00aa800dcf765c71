// SPDX-License-Identifier: Apache-2.0
// Where the `stoa` command finds what it ships with: the simulated headset,
// the hub's panel, the sample scenes. Always relative to the running binary,
// never a path of the source tree, so that the same binary works from its
// build folder and once installed (any prefix, a relocated tree too):
//   installed   <prefix>/bin/stoa, <prefix>/share/stoa/..., <prefix>/lib/stoa/...
//   build tree  <build>/stoa, <build>/share/stoa/... (links made by CMake),
//               <build>/xrsim/xrsim.json
// STOA_DATA_DIR overrides the data folder (a packager's or a test's choice).
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stoa_cli.h"

// Both set by runtime/cli/CMakeLists.txt from the GNU install directories,
// as paths relative to the binary's folder.
#ifndef STOA_REL_DATADIR
#define STOA_REL_DATADIR "../share/stoa"
#endif
#ifndef STOA_REL_PKGLIBDIR
#define STOA_REL_PKGLIBDIR "../lib/stoa"
#endif

const char *stoa_cli_exe_dir(void)
{
    static char dir[PATH_MAX];
    if (dir[0])
        return dir;
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    if (n <= 0) {
        strcpy(dir, ".");
        return dir;
    }
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    return dir;
}

// Whether path exists; when it does, path becomes its canonical form
// (/usr/lib/stoa/..., not /usr/bin/../lib/stoa/...) for the messages and
// variables that show it.
static bool exists(char *path, size_t size)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    char real[PATH_MAX];
    if (realpath(path, real) && strlen(real) < size)
        strcpy(path, real);
    return true;
}

static bool join(char *out, size_t size, const char *a, const char *b, const char *c)
{
    int n = snprintf(out, size, "%s/%s%s%s", a, b, c && *c ? "/" : "", c ? c : "");
    return n > 0 && (size_t)n < size;
}

bool stoa_cli_data_path(const char *rel, char *out, size_t size)
{
    const char *env = getenv("STOA_DATA_DIR");
    if (env && *env)
        return join(out, size, env, rel, NULL) && exists(out, size);
    const char *exe = stoa_cli_exe_dir();
    char base[PATH_MAX];
    // Installed layout first, then the build folder's mirror of it.
    if (join(base, sizeof base, exe, STOA_REL_DATADIR, NULL) && join(out, size, base, rel, NULL) &&
        exists(out, size))
        return true;
    return join(base, sizeof base, exe, "share/stoa", NULL) && join(out, size, base, rel, NULL) &&
           exists(out, size);
}

bool stoa_cli_sim_manifest_path(char *out, size_t size)
{
    const char *exe = stoa_cli_exe_dir();
    char base[PATH_MAX];
    if (join(base, sizeof base, exe, STOA_REL_PKGLIBDIR, NULL) &&
        join(out, size, base, "xrsim/xrsim.json", NULL) && exists(out, size))
        return true;
    // The build folder: <build>/xrsim/xrsim.json (reported when missing too).
    return join(out, size, exe, "xrsim/xrsim.json", NULL) && exists(out, size);
}
