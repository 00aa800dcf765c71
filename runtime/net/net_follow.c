// SPDX-License-Identifier: Apache-2.0
// Following the local trace log: complete lines appended to it are queued
// for the hub. The file is only read (its writer is runtime/trace).
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net_internal.h"

#define NET_MAX_LINE (256 * 1024) // the hub's message limit: no statement is longer

void stoa_net_follow_log(stoa_net *net, const char *log_path)
{
    pthread_mutex_lock(&net->mu);
    snprintf(net->follow_path, sizeof net->follow_path, "%s", log_path ? log_path : "");
    net->follow_changed = true;
    pthread_cond_signal(&net->cv);
    pthread_mutex_unlock(&net->mu);
}

static void take_line(stoa_net *net, char *line, size_t len)
{
    line[len] = 0;
    if (len && line[0] == '{')
        stoa_net_send_statement(net, line);
}

// Reads what was appended since the last read; complete lines are queued.
static void read_more(stoa_net *net)
{
    char buf[65536];
    for (int rounds = 0; rounds < 64; rounds++) {
        ssize_t n = pread(net->follow_fd, buf, sizeof buf, net->follow_offset);
        if (n <= 0) {
            pthread_mutex_lock(&net->mu);
            net->follow_eof_ns = net_now_ns();
            pthread_mutex_unlock(&net->mu);
            break;
        }
        net->follow_offset += n;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                take_line(net, net->partial, net->partial_len);
                net->partial_len = 0;
            } else if (net->partial_len + 1 < NET_MAX_LINE) {
                net->partial[net->partial_len++] = buf[i];
            } // a longer line cannot be a statement the hub accepts: cut, then refused by id
        }
    }
}

void net_follow_poll(stoa_net *net)
{
    char path[sizeof net->follow_path];
    pthread_mutex_lock(&net->mu);
    bool changed = net->follow_changed;
    net->follow_changed = false;
    memcpy(path, net->follow_path, sizeof path);
    pthread_mutex_unlock(&net->mu);
    if (!net->partial && !(net->partial = malloc(NET_MAX_LINE)))
        return;
    if (changed) {
        // The run followed until now was closed before the next one began:
        // its last lines (`terminated` after a switch) are read first.
        if (net->follow_fd >= 0) {
            read_more(net);
            close(net->follow_fd);
        }
        net->follow_fd = -1, net->follow_offset = 0, net->partial_len = 0;
    }
    if (!path[0])
        return;
    if (net->follow_fd < 0 && (net->follow_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return; // not created yet: the writer makes it on its first line
    read_more(net);
}
