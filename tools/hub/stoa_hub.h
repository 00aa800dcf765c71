// SPDX-License-Identifier: Apache-2.0
// The classroom hub behind `stoa hub`: an HTTP + WebSocket server (civetweb)
// that headsets join and report to, that stores their xAPI statements in
// SQLite (WAL) and serves the instructor's control panel. Protocol, API and
// security model: docs/hub.md.
//
//   stoa_hub *hub;
//   stoa_hub_create(&(stoa_hub_desc){.listen = "0.0.0.0:8480", .data_dir = dir}, &hub, &err);
//   printf("%s  join code %s\n", stoa_hub_url(hub), stoa_hub_join_code(hub));
//   ... wait for a signal ...
//   stoa_hub_destroy(&hub);
//
// The hub runs on civetweb's threads; create/destroy are for one thread.
// Strings in the desc are copied; the hub owns everything it allocates.
#pragma once

#include <stdbool.h>

#include "core/stoa_result.h"

typedef struct stoa_hub_desc {
    const char *listen;      // "ADDR:PORT"; NULL = "0.0.0.0:8480"
    const char *data_dir;    // the database and generated reports; NULL = "./stoa-hub"
    const char *lessons_dir; // the lesson library; NULL = <data_dir>/lessons
    const char *panel_dir;   // the panel's files; NULL = the source tree's tools/hub/panel
    const char *cert_file;   // PEM certificate + key: serve HTTPS (NULL = plain HTTP)
    // Initial instructor password when none is stored yet; NULL = generate
    // one (see stoa_hub_new_password). Never stored in clear.
    const char *password;
    bool reset_password;     // replace the stored password (with .password or a new one)
    bool new_join_code;      // replace the class join code
    int login_per_minute;    // rate limit per client address; 0 = 5
    int join_per_minute;     // rate limit per client address; 0 = 30
    // A school's own LRS: every stored statement is also sent there, in
    // order, until it accepts it (the position survives restarts).
    const char *forward_url;  // "http(s)://HOST[:PORT]/PATH" of its xAPI endpoint (NULL = none)
    const char *forward_auth; // "user:password" for HTTP Basic (NULL = none)
} stoa_hub_desc;

typedef struct stoa_hub stoa_hub;

// Opens (or creates) the data folder and starts serving. Errors: the folder
// or database cannot be opened, the address cannot be bound.
stoa_result stoa_hub_create(const stoa_hub_desc *desc, stoa_hub **out_hub, stoa_error *err);
// Stops serving (closing every connection), closes the database, frees.
void stoa_hub_destroy(stoa_hub **hub);

// The panel's address, e.g. "http://127.0.0.1:8480/". Owned by the hub.
const char *stoa_hub_url(const stoa_hub *hub);
// The class join code headsets give to `stoa run --join`. Owned by the hub.
const char *stoa_hub_join_code(const stoa_hub *hub);
// The password generated at this start (none was stored, or a reset
// without .password), else NULL. Shown once to the instructor.
const char *stoa_hub_new_password(const stoa_hub *hub);
// The key for xAPI clients (HTTP Basic "xapi:<key>"). Owned by the hub.
const char *stoa_hub_xapi_key(const stoa_hub *hub);
