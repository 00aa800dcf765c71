// SPDX-License-Identifier: Apache-2.0
// The one parser of http(s) URLs that Stoa is given (the hub's address on a
// headset, a school's LRS on the hub): "http[s]://HOST[:PORT][/PATH]",
// HOST a name, an IPv4 address or a bracketed IPv6 address. No user info,
// no spaces or control bytes; the port is digits in 1..65535.
#pragma once

#include <stdbool.h>

#include "stoa_result.h"

typedef struct stoa_url {
    bool tls;        // https
    char host[256];  // without brackets for IPv6
    bool ipv6;       // host was bracketed
    int port;        // given, or 80/443
    char path[1024]; // from the first '/' on ("" when none)
} stoa_url;

stoa_result stoa_url_parse(const char *url, stoa_url *out, stoa_error *err);
