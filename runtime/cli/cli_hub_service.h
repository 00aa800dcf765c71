// SPDX-License-Identifier: Apache-2.0
// `stoa hub` as a service (the stoa-hub package's systemd unit): its
// configuration file, journal logging, SIGHUP and SIGTERM. cmd_hub.c calls
// these around stoa_hub_create/destroy; see docs/install.md, "The hub as a
// service".
#pragma once

#include <stdbool.h>

#include "stoa_hub.h"

#define CLI_HUB_SERVICE_USAGE                                                                      \
    "  --config FILE       settings as 'key = value' lines (listen, data, lessons, panel,\n"       \
    "                      cert, forward, joins-per-minute, browser); options win.\n"              \
    "                      The stoa-hub service reads /etc/stoa/hub.conf\n"                        \
    "SIGHUP reads the lesson library again; SIGTERM or Ctrl-C stops the hub after\n"             \
    "telling the headsets (they keep their statements and reconnect later).\n"

// Remembers --config FILE (read by prepare).
void cli_hub_service_set_config(const char *path);

// Before stoa_hub_create: journal logging when systemd runs us, the
// configuration file under the options, the panel shipped with stoa when
// none is named, and SIGHUP blocked for the reload thread (so every thread
// the hub starts inherits that). Returns 0, or 1 after saying why.
int cli_hub_service_prepare(stoa_hub_desc *desc, bool *browser);

// After stoa_hub_create: starts the thread that reloads the lesson library
// on SIGHUP; under the journal, writes a new instructor password to a file
// only the hub's user can read. Returns whether the caller should still
// print the new password itself (not under the journal).
bool cli_hub_service_start(stoa_hub *hub);

// Before stoa_hub_destroy: stops the reload thread and tells the headsets.
void cli_hub_service_stop(stoa_hub *hub);
