// SPDX-License-Identifier: Apache-2.0
// `stoa trace` and `stoa report` without the rest of the `stoa` command, so
// the trace tests run even while other modules are being rebuilt.
#include <stdio.h>
#include <string.h>

#include "stoa_cli.h"

const char *stoa_cli_exe_dir(void)
{
    return ".";
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "trace") == 0)
        return stoa_cmd_trace(argc - 1, argv + 1);
#ifdef STOA_HAVE_REPORT
    if (argc >= 2 && strcmp(argv[1], "report") == 0)
        return stoa_cmd_report(argc - 1, argv + 1);
#endif
    fprintf(stderr, "usage: %s trace|report ...\n", argv[0]);
    return 2;
}
