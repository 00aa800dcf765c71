// SPDX-License-Identifier: Apache-2.0
#include "tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROXY_MAX 32

struct tcp_proxy {
    int listen_fd, upstream_port;
    pthread_t thread;
    pthread_mutex_t mu;
    int pairs[PROXY_MAX][2]; // -1 = free
    int generation;          // bumped by a cut: relays of older generations stop
    volatile bool stop;
};

typedef struct relay {
    tcp_proxy *p;
    int slot, generation;
} relay;

static void *relay_main(void *arg)
{
    relay r = *(relay *)arg;
    free(arg);
    tcp_proxy *p = r.p;
    int a = p->pairs[r.slot][0], b = p->pairs[r.slot][1];
    char buf[16384];
    for (;;) {
        pthread_mutex_lock(&p->mu);
        bool gone = p->stop || p->generation != r.generation;
        pthread_mutex_unlock(&p->mu);
        if (gone)
            break;
        struct pollfd pf[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
        int n = poll(pf, 2, 50);
        if (n < 0)
            break;
        bool done = false;
        for (int i = 0; i < 2 && !done; i++) {
            if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t got = recv(pf[i].fd, buf, sizeof buf, 0);
            if (got <= 0 || send(pf[1 - i].fd, buf, (size_t)got, MSG_NOSIGNAL) != got)
                done = true;
        }
        if (done)
            break;
    }
    // A cut is abrupt: RST, not a polite FIN (SO_LINGER 0).
    struct linger lg = {1, 0};
    setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    setsockopt(b, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(a), close(b);
    pthread_mutex_lock(&p->mu);
    p->pairs[r.slot][0] = p->pairs[r.slot][1] = -1;
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void *accept_main(void *arg)
{
    tcp_proxy *p = arg;
    while (!p->stop) {
        struct pollfd pf = {p->listen_fd, POLLIN, 0};
        if (poll(&pf, 1, 50) <= 0)
            continue;
        int c = accept(p->listen_fd, NULL, NULL);
        if (c < 0)
            continue;
        int u = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p->upstream_port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        if (u < 0 || connect(u, (struct sockaddr *)&a, sizeof a) != 0) {
            close(c);
            if (u >= 0)
                close(u);
            continue;
        }
        pthread_mutex_lock(&p->mu);
        int slot = -1;
        for (int i = 0; i < PROXY_MAX && slot < 0; i++)
            if (p->pairs[i][0] < 0)
                slot = i;
        relay *r = slot >= 0 ? malloc(sizeof *r) : NULL;
        if (r) {
            p->pairs[slot][0] = c, p->pairs[slot][1] = u;
            *r = (relay){p, slot, p->generation};
        }
        pthread_mutex_unlock(&p->mu);
        pthread_t t;
        if (!r || pthread_create(&t, NULL, relay_main, r) != 0) {
            close(c), close(u);
            free(r);
            continue;
        }
        pthread_detach(t);
    }
    return NULL;
}

tcp_proxy *tcp_proxy_start(int upstream_port, int *out_port)
{
    tcp_proxy *p = calloc(1, sizeof *p);
    p->upstream_port = upstream_port;
    pthread_mutex_init(&p->mu, NULL);
    for (int i = 0; i < PROXY_MAX; i++)
        p->pairs[i][0] = p->pairs[i][1] = -1;
    p->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(p->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(p->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(p->listen_fd, 16) != 0 ||
        getsockname(p->listen_fd, (struct sockaddr *)&a, &len) != 0) {
        close(p->listen_fd);
        free(p);
        return NULL;
    }
    *out_port = ntohs(a.sin_port);
    pthread_create(&p->thread, NULL, accept_main, p);
    return p;
}

void tcp_proxy_cut(tcp_proxy *p)
{
    pthread_mutex_lock(&p->mu);
    p->generation++;
    pthread_mutex_unlock(&p->mu);
    for (int k = 0; k < 100; k++) { // relays notice within a poll period
        bool any = false;
        pthread_mutex_lock(&p->mu);
        for (int i = 0; i < PROXY_MAX; i++)
            any = any || p->pairs[i][0] >= 0;
        pthread_mutex_unlock(&p->mu);
        if (!any)
            break;
        usleep(20000);
    }
}

void tcp_proxy_stop(tcp_proxy **pp)
{
    tcp_proxy *p = *pp;
    if (!p)
        return;
    p->stop = true;
    pthread_join(p->thread, NULL);
    tcp_proxy_cut(p);
    close(p->listen_fd);
    pthread_mutex_destroy(&p->mu);
    free(p);
    *pp = NULL;
}
