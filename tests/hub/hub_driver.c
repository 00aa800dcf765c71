// SPDX-License-Identifier: Apache-2.0
// `stoa hub` without the rest of the cli, for tests that start and kill it.
#include "stoa_cli.h"

int main(int argc, char **argv)
{
    return stoa_cmd_hub(argc, argv); // argv[0] stands for the subcommand name
}
