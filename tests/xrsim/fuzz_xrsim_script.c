// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness for xrsim's script parser (built with -DSTOA_FUZZ=ON and
// clang): parse -> free, under ASan/UBSan. Seeds: docs/xrsim.md's example.
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "xrsim_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/xrsim_fuzz_%d.yaml", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    xrsim_script s;
    char err[256];
    if (xrsim_script_load(&s, path, err, sizeof err))
        xrsim_script_fini(&s);
    return 0;
}
