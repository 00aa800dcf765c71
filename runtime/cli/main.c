// SPDX-License-Identifier: Apache-2.0
// `stoa`: one command for learners, instructors, authors and evaluators.
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stoa_cli.h"

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} command;

static const command g_commands[] = {
#define STOA_CMD(name, fn, help) {#name, fn, help},
#define STOA_CMD_NAMED(str, fn, help) {str, fn, help},
#include "commands.def"
#undef STOA_CMD_NAMED
#undef STOA_CMD
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: stoa COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; g_commands[i].name; i++)
        fprintf(f, "  %-13s %s\n", g_commands[i].name, g_commands[i].help);
    fprintf(f, "\n'stoa COMMAND --help' shows a command's options.\n");
}

bool stoa_cli_parse_size(const char *s, unsigned *w, unsigned *h)
{
    char x;
    if (!s || sscanf(s, "%ux%u%c", w, h, &x) != 2)
        return false;
    return *w >= 1 && *h >= 1 && *w <= 16384 && *h <= 16384;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("stoa %s\n", STOA_VERSION);
        return 0;
    }
    for (size_t i = 0; g_commands[i].name; i++)
        if (strcmp(argv[1], g_commands[i].name) == 0)
            return g_commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "stoa: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
