// SPDX-License-Identifier: Apache-2.0
// stoa_net_check_hub: the panel's page, then the device token against the
// lesson endpoint (401 = unknown token; any other answer = known).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "net/stoa_net_check.h"
#include "net_internal.h"

void stoa_net_default_token_path(char *out, size_t size)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (state && state[0])
        snprintf(out, size, "%s/stoa/hub-token", state);
    else if (home && home[0])
        snprintf(out, size, "%s/.local/state/stoa/hub-token", home);
    else
        snprintf(out, size, "./hub-token");
}

static int get(stoa_net *net, const char *target, bool with_token)
{
    char head[600], *body = NULL;
    size_t len = 0;
    snprintf(head, sizeof head, "GET %s HTTP/1.1\r\nHost: %s:%d\r\n%s%s%sConnection: close\r\n\r\n",
             target, net->host, net->port, with_token ? "Authorization: Bearer " : "",
             with_token ? net->token : "", with_token ? "\r\n" : "");
    int status = net_request(net, head, NULL, &body, &len, 64 * 1024, NULL);
    free(body);
    return status;
}

bool stoa_net_check_hub(const char *url, const char *token_path, stoa_net_hub_check *o)
{
    memset(o, 0, sizeof *o);
    snprintf(o->civetweb_version, sizeof o->civetweb_version, "%s", mg_version());
    snprintf(o->sodium_version, sizeof o->sodium_version, "%s", sodium_version_string());
    o->token = STOA_NET_TOKEN_UNCHECKED;
    stoa_net *net = calloc(1, sizeof *net);
    if (!net) {
        snprintf(o->error, sizeof o->error, "out of memory");
        return false;
    }
    pthread_mutex_init(&net->mu, NULL);
    o->url_ok = url && net_parse_url(net, url);
    if (!o->url_ok) {
        snprintf(o->error, sizeof o->error, "'%s' is not http://HOST[:PORT] or https://HOST[:PORT]",
                 url ? url : "");
        goto done;
    }
    mg_init_library(net->tls ? MG_FEATURES_TLS : 0);
    o->panel_status = get(net, "/", false);
    o->reachable = o->panel_status == 200;
    if (!o->reachable) {
        if (o->panel_status)
            snprintf(o->error, sizeof o->error, "the hub answered HTTP %d for its panel", o->panel_status);
        else
            snprintf(o->error, sizeof o->error, "%s", net->info.last_error);
        goto done_lib;
    }
    snprintf(net->token_path, sizeof net->token_path, "%s", token_path ? token_path : "");
    if (!token_path || !net_load_token(net)) {
        o->token = STOA_NET_TOKEN_NONE;
        goto done_lib;
    }
    int status = get(net, "/api/headset/lesson?name=stoa-doctor-check.yaml", true);
    o->token = status == 401 ? STOA_NET_TOKEN_REFUSED
               : status    ? STOA_NET_TOKEN_ACCEPTED
                           : STOA_NET_TOKEN_UNCHECKED;
    if (!status)
        snprintf(o->error, sizeof o->error, "%s", net->info.last_error);
done_lib:
    mg_exit_library();
done:
    pthread_mutex_destroy(&net->mu);
    free(net);
    return o->reachable;
}
