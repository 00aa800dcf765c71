// SPDX-License-Identifier: Apache-2.0
// `stoa bench load|frame|launch`: the dispatcher and the usage. Each
// subcommand lives in its own file: bench_load.c (+ bench_load_time.c,
// bench_stages.c), bench_frame.c, bench_launch.c.
#include <stdio.h>
#include <string.h>

#include "stoa_cli.h"

int stoa_cmd_bench(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "load") == 0)
        return stoa_bench_load(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "frame") == 0)
        return stoa_bench_frame(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "launch") == 0)
        return stoa_bench_launch(argc - 1, argv + 1);
    FILE *f = argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr;
    fprintf(f, "usage: stoa bench load [--repeat N] [--json] [--stages] [--generated|--samples] "
               "[FILES...]\n"
               "       stoa bench frame [--stream] [SCENE_OR_LESSON...]\n"
               "       stoa bench launch [--repeat N] [LESSON|SCENE]\n"
               "  Times Assimp's bare import of each file against Stoa's import + GPU\n"
               "  upload; medians of N runs. Without FILES: Stoa's generated test models\n"
               "  ($STOA_TESTMODELS, else testmodels/ beside the stoa binary), then the\n"
               "  Khronos sample corpus when it is there ($STOA_GLTF_SAMPLES, else\n"
               "  ../shared/gltf-samples); --generated or --samples picks one set.\n");
    return f == stdout ? 0 : 2;
}
