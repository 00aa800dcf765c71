// SPDX-License-Identifier: Apache-2.0
// stoa_net's API: what the frame loop calls. Each call copies under the
// mutex and returns; the net thread (net_thread.c) does the talking.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/stoa_file.h"
#include "core/stoa_url.h"
#include "net_internal.h"

int64_t net_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void net_set_error(stoa_net *net, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&net->mu);
    vsnprintf(net->info.last_error, sizeof net->info.last_error, fmt, ap);
    pthread_mutex_unlock(&net->mu);
    va_end(ap);
}

// "http://HOST[:PORT][/]" or "https://..." (core's one URL parser).
static bool parse_url(stoa_net *net, const char *url)
{
    stoa_url u;
    stoa_error err = {0};
    if (stoa_url_parse(url, &u, &err) != STOA_OK || (u.path[0] && strcmp(u.path, "/") != 0) || u.ipv6)
        return false;
    snprintf(net->host, sizeof net->host, "%s", u.host);
    net->port = u.port;
    net->tls = u.tls;
    return true;
}

static void keep_str(stoa_net *net, int slot, const char **field)
{
    snprintf(net->status_strs[slot], sizeof net->status_strs[slot], "%s", *field ? *field : "");
    *field = net->status_strs[slot];
}

// Points the status's strings at the copies the net keeps (mu held or not shared yet).
static void keep_status_strs(stoa_net *net)
{
    keep_str(net, 0, &net->status.lesson_id);
    keep_str(net, 1, &net->status.state);
    keep_str(net, 2, &net->status.state_title);
    keep_str(net, 3, &net->status.registration);
    keep_str(net, 4, &net->status.launched_as);
    keep_str(net, 5, &net->status.error);
    keep_str(net, 6, &net->status.phase);
    keep_str(net, 7, &net->status.learner_id);
    keep_str(net, 8, &net->status.seat);
}

stoa_result stoa_net_create(const stoa_net_desc *desc, stoa_net **out_net, stoa_error *err)
{
    *out_net = NULL;
    if (!desc->token_path || !desc->token_path[0])
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "stoa_net: token_path is required");
    stoa_net *net = calloc(1, sizeof *net);
    if (!net)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    if (!desc->hub_url || !parse_url(net, desc->hub_url)) {
        free(net);
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "hub address '%s': want http://HOST:PORT", desc->hub_url ? desc->hub_url : "");
    }
    snprintf(net->token_path, sizeof net->token_path, "%s", desc->token_path);
    snprintf(net->join_code, sizeof net->join_code, "%s", desc->join_code ? desc->join_code : "");
    snprintf(net->lesson_dir, sizeof net->lesson_dir, "%s", desc->lesson_dir ? desc->lesson_dir : "");
    snprintf(net->hub_cert, sizeof net->hub_cert, "%s", desc->hub_cert ? desc->hub_cert : "");
    const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (desc->cache_dir)
        snprintf(net->cache_dir, sizeof net->cache_dir, "%s", desc->cache_dir);
    else if (cache && cache[0])
        snprintf(net->cache_dir, sizeof net->cache_dir, "%s/stoa/content", cache);
    else
        snprintf(net->cache_dir, sizeof net->cache_dir, "%s/.cache/stoa/content", home ? home : ".");
    net->cache_max = desc->cache_max_bytes ? desc->cache_max_bytes : (2ull << 30);
    if (desc->bake_format && desc->scene_cache_dir) {
        snprintf(net->bake_format, sizeof net->bake_format, "%s", desc->bake_format);
        snprintf(net->scene_cache_dir, sizeof net->scene_cache_dir, "%s", desc->scene_cache_dir);
    }
    if (desc->device_name)
        snprintf(net->name, sizeof net->name, "%s", desc->device_name);
    else if (gethostname(net->name, sizeof net->name - 1) != 0)
        snprintf(net->name, sizeof net->name, "headset");
    net->max_queue = desc->max_queue ? desc->max_queue : 100000;
    net->follow_fd = -1;
    keep_status_strs(net); // a status before the first send_status: all empty
    if (!net_load_token(net) && !net->join_code[0]) {
        free(net);
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "no device token in %s and no join code: join with --join CODE",
                              desc->token_path);
    }
    pthread_mutex_init(&net->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&net->cv, &ca);
    pthread_condattr_destroy(&ca);
    net->fetches = cJSON_CreateArray();
    if (sodium_init() < 0)
        net_set_error(net, "libsodium failed to initialise");
    mg_init_library(net->tls ? MG_FEATURES_TLS : 0);
    if (pthread_create(&net->thread, NULL, net_thread_main, net) != 0) {
        mg_exit_library();
        cJSON_Delete(net->fetches);
        pthread_mutex_destroy(&net->mu);
        pthread_cond_destroy(&net->cv);
        free(net);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "cannot start the network thread");
    }
    *out_net = net;
    return STOA_OK;
}

void stoa_net_destroy(stoa_net **pnet, int flush_ms)
{
    if (!pnet || !*pnet)
        return;
    stoa_net *net = *pnet;
    if (flush_ms > 0) {
        // Quitting: the hub is told at once (status phase "leaving"), so that
        // it no longer counts this headset as a target while the log flushes.
        pthread_mutex_lock(&net->mu);
        net->status.phase = "leaving";
        keep_str(net, 6, &net->status.phase);
        net->status_dirty = true;
        net->last_status_ns = 0;
        pthread_cond_signal(&net->cv);
        pthread_mutex_unlock(&net->mu);
        stoa_net_flush(net, flush_ms);
    }
    pthread_mutex_lock(&net->mu);
    net->stop = true;
    pthread_cond_broadcast(&net->cv);
    pthread_mutex_unlock(&net->mu);
    pthread_join(net->thread, NULL);
    for (size_t i = 0; i < net->inbox_n; i++)
        free(net->inbox[i]);
    free(net->inbox);
    for (size_t i = net->head; i < net->out_n; i++)
        free(net->out[i].line);
    free(net->out);
    cJSON_Delete(net->fetches);
    for (size_t i = 0; i < net->ctl_n; i++)
        free(net->ctl[i]);
    free(net->status_kept);
    free(net->cls);
    free(net->view_rgba);
    free(net->view_spare);
    if (net->follow_fd >= 0)
        close(net->follow_fd);
    free(net->partial);
    net_layouts_release(&net->layouts);
    mg_exit_library();
    pthread_mutex_destroy(&net->mu);
    pthread_cond_destroy(&net->cv);
    free(net);
    *pnet = NULL;
}

static bool same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

void stoa_net_send_status(stoa_net *net, const stoa_net_status *status)
{
    pthread_mutex_lock(&net->mu);
    if (net->status_dirty && !net->status_kept &&
        (!same_str(net->status.phase, status->phase) || !same_str(net->status.registration, status->registration)))
        net->status_kept = net_status_json(net, &net->status);
    net->status = *status;
    keep_status_strs(net);
    net->status_dirty = true;
    pthread_mutex_unlock(&net->mu);
}

bool stoa_net_send_statement(stoa_net *net, const char *json_line)
{
    if (!json_line)
        return false;
    char *copy = strdup(json_line);
    if (!copy)
        return false;
    bool ok = false;
    pthread_mutex_lock(&net->mu);
    size_t queued = net->inbox_n + (net->out_n - net->head);
    if (queued < net->max_queue) {
        if (net->inbox_n == net->inbox_cap) {
            size_t cap = net->inbox_cap ? net->inbox_cap * 2 : 64;
            char **grown = realloc(net->inbox, cap * sizeof *grown);
            if (grown)
                net->inbox = grown, net->inbox_cap = cap;
        }
        if (net->inbox_n < net->inbox_cap) {
            net->inbox[net->inbox_n++] = copy;
            ok = true;
            pthread_cond_signal(&net->cv);
        }
    } else {
        net->info.dropped++;
    }
    pthread_mutex_unlock(&net->mu);
    if (!ok)
        free(copy);
    return ok;
}

size_t stoa_net_resend_log(stoa_net *net, const char *log_path)
{
    uint8_t *data = NULL;
    size_t size = 0, n = 0;
    stoa_error err = {0};
    if (stoa_file_read(log_path, 0, &data, &size, &err) != STOA_OK)
        return 0;
    for (char *line = (char *)data, *nl; line < (char *)data + size; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl) // a torn last line is not a statement
            break;
        *nl = 0;
        if (line[0] == '{' && stoa_net_send_statement(net, line))
            n++;
    }
    free(data);
    return n;
}

bool stoa_net_take_class(stoa_net *net, stoa_net_class *out)
{
    pthread_mutex_lock(&net->mu);
    bool got = net->cls_new && net->cls;
    if (got)
        *out = *net->cls;
    net->cls_new = false;
    pthread_mutex_unlock(&net->mu);
    return got;
}

static void send_ctl(stoa_net *net, cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s)
        return;
    pthread_mutex_lock(&net->mu);
    if (net->ctl_n < NET_MAX_CTL) // a learner tapping faster than the socket: the rest waits
        net->ctl[net->ctl_n++] = s, s = NULL;
    pthread_cond_signal(&net->cv);
    pthread_mutex_unlock(&net->mu);
    free(s);
}

void stoa_net_send_signin(stoa_net *net, const char *learner_id, const char *pin)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "t", "signin");
    cJSON_AddStringToObject(o, "learner_id", learner_id ? learner_id : "");
    if (pin && pin[0])
        cJSON_AddStringToObject(o, "pin", pin);
    send_ctl(net, o);
}

void stoa_net_send_signout(stoa_net *net)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "t", "signout");
    send_ctl(net, o);
}

bool stoa_net_poll_command(stoa_net *net, stoa_net_command *out)
{
    bool got = false;
    pthread_mutex_lock(&net->mu);
    if (net->cmd_n > 0) {
        *out = net->cmds[net->cmd_head];
        net->cmd_head = (net->cmd_head + 1) % NET_MAX_COMMANDS;
        net->cmd_n--;
        got = true;
    }
    pthread_mutex_unlock(&net->mu);
    return got;
}

void stoa_net_get_info(stoa_net *net, stoa_net_info *out)
{
    pthread_mutex_lock(&net->mu);
    *out = net->info;
    out->queued = net->inbox_n + (net->out_n - net->head);
    pthread_mutex_unlock(&net->mu);
}

stoa_result stoa_net_flush(stoa_net *net, int timeout_ms)
{
    int64_t start = net_now_ns(), end = start + (int64_t)timeout_ms * 1000000;
    for (;;) {
        stoa_net_info info;
        stoa_net_get_info(net, &info);
        pthread_mutex_lock(&net->mu);
        // A followed log counts as sent once it was read to its end after now.
        bool log_read = !net->follow_path[0] || net->follow_eof_ns > start;
        pthread_mutex_unlock(&net->mu);
        if (info.queued == 0 && log_read)
            return STOA_OK;
        if (net_now_ns() >= end)
            return STOA_TIMEOUT;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

const char *stoa_net_command_name(stoa_net_command_kind kind)
{
    static const char *const names[] = {"none", "launch", "pause", "resume", "skip",
                                        "goto", "restart", "end", "look_here", "message",
                                        "signin", "signout", "signin_refused",
                                        "place_together"};
    return (unsigned)kind < sizeof names / sizeof *names ? names[kind] : "unknown";
}

// The same parsing for net_check.c (kept here, beside the one parser).
bool net_parse_url(stoa_net *net, const char *url) { return parse_url(net, url); }
