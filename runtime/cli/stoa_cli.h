// SPDX-License-Identifier: Apache-2.0
// Shared by the cmd_*.c files of the `stoa` command.
#pragma once

#include <stdbool.h>

#define STOA_CMD(name, fn, help) int fn(int argc, char **argv);
#define STOA_CMD_NAMED(str, fn, help) int fn(int argc, char **argv);
#include "commands.def"
#undef STOA_CMD_NAMED
#undef STOA_CMD

// Absolute path of the folder holding the running `stoa` binary.
const char *stoa_cli_exe_dir(void);

// Parses "WxH" into w, h; false when malformed or out of 1..16384.
bool stoa_cli_parse_size(const char *s, unsigned *w, unsigned *h);

// Sets XR_RUNTIME_JSON to the simulated headset built next to this binary.
// Returns 0, or -1 after printing why it cannot.
int stoa_cli_use_sim(void);

// `stoa bench frame`, called by the bench command's dispatcher.
int stoa_bench_frame(int argc, char **argv);
