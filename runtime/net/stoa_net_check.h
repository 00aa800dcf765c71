// SPDX-License-Identifier: Apache-2.0
// Is the classroom hub there, and does it know this headset? For `stoa
// doctor`: two plain requests, no WebSocket, nothing stored.
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef enum stoa_net_token_state {
    STOA_NET_TOKEN_NONE = 0,  // no token file yet: the headset has never joined
    STOA_NET_TOKEN_ACCEPTED,  // the hub knows this headset
    STOA_NET_TOKEN_REFUSED,   // the hub does not (class reset, another hub)
    STOA_NET_TOKEN_UNCHECKED, // the hub could not be asked
} stoa_net_token_state;

typedef struct stoa_net_hub_check {
    bool url_ok;          // the URL parses
    bool reachable;       // the panel answered 200
    int panel_status;     // its HTTP status (0 = no answer)
    stoa_net_token_state token;
    char error[512];
    char civetweb_version[32];
    char sodium_version[32];
} stoa_net_hub_check;

// The device token's usual place: $XDG_STATE_HOME/stoa/hub-token, else
// ~/.local/state/stoa/hub-token (where `stoa run --hub` keeps it).
void stoa_net_default_token_path(char *out, size_t size);

// Asks the hub at url for its panel, then (when token_path holds a token)
// whether it knows the token. Always fills out; returns out->reachable.
bool stoa_net_check_hub(const char *url, const char *token_path, stoa_net_hub_check *out);
