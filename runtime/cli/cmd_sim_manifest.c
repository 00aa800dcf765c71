// SPDX-License-Identifier: Apache-2.0
// `stoa sim-manifest`: where the simulated headset's OpenXR manifest is, so
// that `XR_RUNTIME_JSON=$(stoa sim-manifest) app` runs any OpenXR app on it.
// The build writes it beside the runtime library in <build>/xrsim/; an
// installed stoa finds it under <prefix>/lib/stoa/xrsim/ (cli_paths.c).
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stoa_cli.h"

int stoa_cmd_sim_manifest(int argc, char **argv)
{
    bool export_line = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: stoa sim-manifest [--export]\n"
                   "Prints the absolute path of xrsim's OpenXR runtime manifest.\n"
                   "  --export  print 'export XR_RUNTIME_JSON=PATH' for a shell to eval\n"
                   "Environment read by xrsim: STOA_XRSIM_FRAMES, STOA_XRSIM_CAPTURE,\n"
                   "STOA_XRSIM_CAPTURE_EVERY, STOA_XRSIM_SUMMARY, STOA_XRSIM_SCRIPT,\n"
                   "STOA_XRSIM_REALTIME, STOA_XRSIM_FAST, STOA_XRSIM_EYE_SIZE, STOA_XRSIM_REFRESH_HZ\n"
                   "(see docs/xrsim.md).\n");
            return 0;
        }
        if (strcmp(argv[i], "--export") == 0) {
            export_line = true;
            continue;
        }
        fprintf(stderr, "stoa sim-manifest: unknown option '%s'\n", argv[i]);
        return 2;
    }
    char path[PATH_MAX];
    if (!stoa_cli_sim_manifest_path(path, sizeof path)) {
        fprintf(stderr, "stoa sim-manifest: %s not found (build the 'xrsim' target, or "
                        "reinstall the stoa package)\n", path);
        return 1;
    }
    printf(export_line ? "export XR_RUNTIME_JSON=%s\n" : "%s\n", path);
    return 0;
}
