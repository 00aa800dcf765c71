// SPDX-License-Identifier: Apache-2.0
// The classroom hub behind `stoa hub`: an HTTP + WebSocket server
// (hub_server.c) that headsets join and report to, that stores their xAPI
// statements in SQLite (WAL) and serves the instructor's control panel.
// Protocol, API and threat model: docs/hub.md.
//
//   stoa_hub *hub;
//   stoa_hub_create(&(stoa_hub_desc){.listen = "0.0.0.0:8480", .data_dir = dir}, &hub, &err);
//   printf("%s  join code %s\n", stoa_hub_url(hub), stoa_hub_join_code(hub));
//   ... wait for a signal ...
//   stoa_hub_destroy(&hub);
//
// The hub runs on its own threads; create/destroy are for one thread.
// Strings in the desc are copied; the hub owns everything it allocates.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
    int login_per_minute;    // attempts per client address and minute; 0 = 5
    int join_per_minute;     // joins per client address and minute; 0 = 30
    // Host names (comma-separated) the hub answers to besides IP literals,
    // "localhost" and this machine's name (DNS rebinding defence).
    const char *allowed_hosts;
    // New headsets wait in the panel until the teacher admits them (else a
    // joined headset is admitted on its first hello while there is room).
    bool admit_by_teacher;
    int max_headsets;             // places in the roster; 0 = 500
    int64_t device_quota;         // statements one headset may store; 0 = 200000
    int max_connections;          // 0 = 1024
    int max_connections_per_address; // 0 = 32
    // Deadlines (ms, 0 = the defaults of docs/hub.md): a request head, a
    // body, a WebSocket's hello, a silent WebSocket.
    int header_timeout_ms, body_timeout_ms, hello_timeout_ms, idle_timeout_ms;
    // A headset that sent nothing this long (not even a ping) is no target
    // of commands (0 = 10 s; tests shorten it).
    int silent_ms;
    // A school's own LRS: every stored statement is also sent there, in
    // order, until it accepts it (the position survives restarts).
    const char *forward_url;  // "http(s)://HOST[:PORT]/PATH" of its xAPI endpoint (NULL = none)
    const char *forward_auth; // "user:password" for HTTP Basic (NULL = none)
    // https:// forwarding verifies the LRS's certificate against the system's
    // CAs; forward_ca: a PEM file of the school's own CA(s) to trust instead.
    const char *forward_ca;
    // The LRS's bounds (docs/lrs-documents.md; About states them): bytes of
    // one State/Profile document (0 = 256 KiB, at most 64 MiB) and the most
    // statements of one GET page (0 = 500, at most 10000).
    size_t lrs_document_max;
    int lrs_statements_limit;
} stoa_hub_desc;

typedef struct stoa_hub stoa_hub;

// Opens (or creates) the data folder and starts serving. Errors: the folder
// or database cannot be opened, the address cannot be bound.
stoa_result stoa_hub_create(const stoa_hub_desc *desc, stoa_hub **out_hub, stoa_error *err);
// Stops serving (closing every connection), closes the database, frees.
void stoa_hub_destroy(stoa_hub **hub);

// The panel's address, e.g. "http://127.0.0.1:8480/". Owned by the hub.
const char *stoa_hub_url(const stoa_hub *hub);
// Whether the listener serves every interface (0.0.0.0, [::]): only then is
// an address of another interface (the room's network) one headsets can use.
bool stoa_hub_serves_all_interfaces(const stoa_hub *hub);
// The class join code headsets give to `stoa run --join`. Owned by the hub.
const char *stoa_hub_join_code(const stoa_hub *hub);
// The password generated at this start (none was stored, or a reset
// without .password), else NULL. Shown once to the instructor.
const char *stoa_hub_new_password(const stoa_hub *hub);
// The key for xAPI clients (HTTP Basic "xapi:<key>"), copied into out
// (it can be rotated while the hub runs).
void stoa_hub_xapi_key(stoa_hub *hub, char out[64]);

// ---- administration of a data folder (a running hub follows within a second) ----

// Lists the headsets that joined: id, name, state, statements.
stoa_result stoa_hub_admin_list_devices(const char *data_dir, FILE *out, stoa_error *err);
// Revokes a headset (by id or exact name): its token stops working at once,
// its WebSocket is closed, its learners are released. Its records stay.
stoa_result stoa_hub_admin_revoke_device(const char *data_dir, const char *id_or_name, stoa_error *err);
// Admits a waiting headset (by id or exact name).
stoa_result stoa_hub_admin_admit_device(const char *data_dir, const char *id_or_name, stoa_error *err);
// Replaces the xAPI key; the new one is written into out.
stoa_result stoa_hub_admin_rotate_xapi_key(const char *data_dir, char out[64], stoa_error *err);
