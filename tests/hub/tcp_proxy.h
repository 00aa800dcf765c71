// SPDX-License-Identifier: Apache-2.0
// A TCP relay on 127.0.0.1 between a headset and the hub, so a test can
// cut the network (every open connection at once) like a bad school Wi-Fi.
#pragma once

typedef struct tcp_proxy tcp_proxy;
tcp_proxy *tcp_proxy_start(int upstream_port, int *out_port);
void tcp_proxy_cut(tcp_proxy *p); // drops every open connection; new ones are relayed
void tcp_proxy_stop(tcp_proxy **p);
