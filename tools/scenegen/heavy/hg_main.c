// SPDX-License-Identifier: Apache-2.0
// stoa_heavygen --out FILE.glb [--size small|full] [--seed N]
// Writes the heavy test scene of issue 18: a scan-like ruin (millions of
// dense, irregular triangles and four 4096x4096 JPEG textures at full size)
// in a large instanced site. Deterministic: the same bytes for the same
// arguments. `small` is about 150 000 triangles (each tile still gets levels of
// detail) and 256x256 textures, for tests.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hg.h"

static const hg_size k_full = {
    .ground_quads = 1024, .ground_tiles = 8, .wall_count = 8, .wall_quads_u = 384,
    .wall_quads_v = 128, .wall_tiles = 3, .column_sides = 64, .column_rings = 48,
    .rock_subdiv = 12, .column_spacing = 2.0f, .rocks = 400, .tex_size = 4096,
};
static const hg_size k_small = {
    .ground_quads = 128, .ground_tiles = 4, .wall_count = 4, .wall_quads_u = 96,
    .wall_quads_v = 24, .wall_tiles = 2, .column_sides = 24, .column_rings = 24,
    .rock_subdiv = 4, .column_spacing = 4.0f, .rocks = 24, .tex_size = 256,
};

int main(int argc, char **argv)
{
    const char *out = NULL;
    const hg_size *size = &k_full;
    unsigned long seed = 18;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--size") && i + 1 < argc && !strcmp(argv[i + 1], "small"))
            size = &k_small, i++;
        else if (!strcmp(argv[i], "--size") && i + 1 < argc && !strcmp(argv[i + 1], "full"))
            size = &k_full, i++;
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoul(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: stoa_heavygen --out FILE.glb [--size small|full] [--seed N]\n"
                            "stoa_heavygen: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!out) {
        fprintf(stderr, "usage: stoa_heavygen --out FILE.glb [--size small|full] [--seed N]\n");
        return 2;
    }
    // The output folder: made here, as a build step has no mkdir of its own.
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", out);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = 0;
        for (char *p = dir + 1; *p; p++)
            if (*p == '/') {
                *p = 0;
                mkdir(dir, 0755); // EEXIST is fine; a real failure shows at the write
                *p = '/';
            }
        mkdir(dir, 0755);
    }
    if (hg_build_site(size, (uint32_t)seed, out) != 0) {
        fprintf(stderr, "stoa_heavygen: could not write %s\n", out);
        return 1;
    }
    printf("stoa_heavygen: wrote %s\n", out);
    return 0;
}
