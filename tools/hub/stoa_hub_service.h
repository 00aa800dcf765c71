// SPDX-License-Identifier: Apache-2.0
// The hub as a system service (Debian package stoa-hub, systemd unit
// stoa-hub.service): its configuration file, reloading the lesson library,
// and telling headsets before it stops. docs/install.md, "The hub as a service".
//
// The configuration file holds the same settings as `stoa hub`'s options,
// one "key = value" a line ('#' starts a comment; blank lines are skipped):
//   listen = 0.0.0.0:8480        data = /var/lib/stoa-hub
//   lessons = /var/lib/stoa-hub/lessons   panel = /usr/share/stoa/panel
//   cert = /etc/stoa/hub.pem     forward = https://lrs.school/xapi/statements
//   joins-per-minute = 30        browser = no
// Options given on the command line win over the file.
#pragma once

#include <stdbool.h>

#include "core/stoa_result.h"
#include "stoa_hub.h"

#define STOA_HUB_CONFIG_PATH_MAX 1024

typedef struct stoa_hub_config {
    char listen[128];
    char data_dir[STOA_HUB_CONFIG_PATH_MAX];
    char lessons_dir[STOA_HUB_CONFIG_PATH_MAX];
    char panel_dir[STOA_HUB_CONFIG_PATH_MAX];
    char cert_file[STOA_HUB_CONFIG_PATH_MAX];
    char forward_url[STOA_HUB_CONFIG_PATH_MAX];
    int join_per_minute; // 0 = not set
    int browser;         // -1 = not set, 0 = no, 1 = yes
} stoa_hub_config;

// Reads the file into cfg (zeroed first). Errors: the file cannot be read
// (STOA_ERROR_IO), or a line is malformed, a key unknown or a value bad
// (STOA_ERROR_PARSE, the message names "file:line").
stoa_result stoa_hub_config_read(const char *path, stoa_hub_config *cfg, stoa_error *err);

// Fills each field of desc that is still NULL/0 from cfg (which must outlive
// desc: desc points into it).
void stoa_hub_config_apply(const stoa_hub_config *cfg, stoa_hub_desc *desc);

// Reads the lesson library again, as the panel and headsets will see it from
// now on: returns how many lessons are valid and fills *out_skipped with the
// files that are not (each already reported on stderr).
int stoa_hub_reload_lessons(stoa_hub *hub, int *out_skipped);

// Tells every connected headset that the hub is stopping ({"t":"bye"}): they
// keep their statements and reconnect by themselves when it is back. Returns
// how many were told. Call before stoa_hub_destroy.
int stoa_hub_say_goodbye(stoa_hub *hub);

// The SQLite library the hub stores statements with ("3.40.1").
const char *stoa_hub_sqlite_version(void);

// The folder the hub keeps its database and reports in.
const char *stoa_hub_data_dir(const stoa_hub *hub);
