// SPDX-License-Identifier: Apache-2.0
// Shared by the cmd_*.c files of the `stoa` command.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define STOA_CMD(name, fn, help) int fn(int argc, char **argv);
#define STOA_CMD_NAMED(str, fn, help) int fn(int argc, char **argv);
#include "commands.def"
#undef STOA_CMD_NAMED
#undef STOA_CMD

// Absolute path of the folder holding the running `stoa` binary.
const char *stoa_cli_exe_dir(void);

// A file or folder shipped with Stoa (e.g. "panel", "scenes/agora/agora.glb"),
// looked up relative to the running binary: installed under share/stoa, or in
// the build folder's share/stoa; $STOA_DATA_DIR overrides. Fills out and
// returns true when it exists (cli_paths.c).
bool stoa_cli_data_path(const char *rel, char *out, size_t size);
// The simulated headset's OpenXR manifest (installed under lib/stoa/xrsim, or
// <build>/xrsim). out holds the last path tried when it returns false.
bool stoa_cli_sim_manifest_path(char *out, size_t size);

// Under systemd (JOURNAL_STREAM names our stdout or stderr): log lines get
// sd-daemon "<N>" priority prefixes. Returns whether that is so (cli_journal.c).
bool stoa_cli_journal_init(void);
bool stoa_cli_journal(void);
// A line on stdout, with the priority prefix (syslog level, 3..7) under systemd.
void stoa_cli_note(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// Parses "WxH" into w, h; false when malformed or out of 1..16384.
bool stoa_cli_parse_size(const char *s, unsigned *w, unsigned *h);

// Sets XR_RUNTIME_JSON to the simulated headset built next to this binary.
// Returns 0, or -1 after printing why it cannot.
int stoa_cli_use_sim(void);

// `stoa bench frame`, called by the bench command's dispatcher.
int stoa_bench_frame(int argc, char **argv);
// `stoa bench launch` (bench_launch.c).
int stoa_bench_launch(int argc, char **argv);
// `stoa bench load` (bench_load.c).
int stoa_bench_load(int argc, char **argv);
