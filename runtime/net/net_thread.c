// SPDX-License-Identifier: Apache-2.0
// The net thread: join, connect, say hello, stream statements and status,
// reconnect with back-off. Messages from the hub arrive on civetweb's
// reader thread (net_on_message) and only touch state under net->mu.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/stoa_json.h"
#include "net_internal.h"

#define MS 1000000LL
#define NET_PING_NS (5000 * MS)       // the hub closes a silent socket after 20 s
#define NET_DEAD_NS (15000 * MS)      // no answer this long: the hub is gone
#define NET_HELLO_NS (10000 * MS)
#define NET_STATUS_NS (250 * MS)      // at most 4 status messages a second
#define NET_BACKOFF_MIN_NS (200 * MS)
#define NET_BACKOFF_MAX_NS (5000 * MS)

static int on_ws_data(struct mg_connection *c, int bits, char *data, size_t len, void *user)
{
    (void)c;
    int op = bits & 0x0f;
    if (op == MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE || len > NET_MAX_MESSAGE)
        return 0; // the hub sends small commands and acks: anything bigger ends the connection
    if (op == MG_WEBSOCKET_OPCODE_TEXT)
        net_on_message(user, data, len);
    return 1;
}

static void on_ws_close(const struct mg_connection *c, void *user)
{
    (void)c;
    stoa_net *net = user;
    pthread_mutex_lock(&net->mu);
    net->closed = true;
    pthread_cond_signal(&net->cv);
    pthread_mutex_unlock(&net->mu);
}

static void push_command(stoa_net *net, const stoa_net_command *cmd)
{
    if (net->cmd_n == NET_MAX_COMMANDS) { // the frame loop stopped polling: drop the oldest
        net->cmd_head = (net->cmd_head + 1) % NET_MAX_COMMANDS;
        net->cmd_n--;
    }
    net->cmds[(net->cmd_head + net->cmd_n) % NET_MAX_COMMANDS] = *cmd;
    net->cmd_n++;
}

static void take_command(stoa_net *net, cJSON *msg)
{
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(msg, "cmd"));
    stoa_net_command cmd = {0};
    for (int k = STOA_NET_CMD_LAUNCH; k <= STOA_NET_CMD_PLACE_TOGETHER && name; k++)
        if (k != STOA_NET_CMD_SIGNIN_REFUSED &&
            strcmp(name, stoa_net_command_name((stoa_net_command_kind)k)) == 0)
            cmd.kind = (stoa_net_command_kind)k;
    if (cmd.kind == STOA_NET_CMD_NONE)
        return;
    if (cmd.kind == STOA_NET_CMD_LAUNCH) {
        // The files may need fetching: the net thread does that, then queues it.
        cJSON_AddItemToArray(net->fetches, cJSON_Duplicate(msg, 1));
        return;
    }
    net_copy_str(cmd.lesson, sizeof cmd.lesson, msg, "lesson");
    net_copy_str(cmd.lesson_id, sizeof cmd.lesson_id, msg, "lesson_id");
    net_copy_str(cmd.sha256, sizeof cmd.sha256, msg, "sha256");
    net_copy_str(cmd.registration, sizeof cmd.registration, msg, "registration");
    net_copy_str(cmd.state, sizeof cmd.state, msg, "state");
    net_copy_str(cmd.node, sizeof cmd.node, msg, "node");
    net_copy_str(cmd.text, sizeof cmd.text, msg, "text");
    net_copy_str(cmd.learner_id, sizeof cmd.learner_id, msg, "learner_id");
    net_copy_str(cmd.number, sizeof cmd.number, msg, "number");
    if (cmd.kind == STOA_NET_CMD_SIGNIN)
        net_copy_str(cmd.text, sizeof cmd.text, msg, "name");
    push_command(net, &cmd);
}

// Acknowledged (or refused) ids leave the outbox; acks come in send order,
// so the search from the oldest entry is short.
static void drop_id(stoa_net *net, const char *id)
{
    for (size_t i = net->head; i < net->out_n; i++) {
        net_entry *e = &net->out[i];
        if (e->line && strcmp(e->id, id) == 0) {
            free(e->line);
            e->line = NULL;
            break;
        }
    }
    while (net->head < net->out_n && !net->out[net->head].line)
        net->head++;
}

void net_on_message(stoa_net *net, const char *data, size_t len)
{
    // What the hub says is read like anything from a network: bounded.
    cJSON *msg = NULL;
    stoa_error err = {0};
    stoa_json_parse(data, len, &(stoa_json_policy){.max_bytes = NET_MAX_MESSAGE, .max_depth = 16}, &msg, &err);
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(msg, "t"));
    pthread_mutex_lock(&net->mu);
    net->last_rx_ns = net_now_ns();
    if (!t) {
        // ignored: a newer hub may say things this headset does not know
    } else if (strcmp(t, "welcome") == 0) {
        net->welcomed = true;
        net->info.device_id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(msg, "device_id"));
    } else if (strcmp(t, "ack") == 0) {
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(msg, "ids")) if (cJSON_IsString(it)) {
            drop_id(net, it->valuestring);
            net->info.acked++;
        }
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(msg, "rejected")) {
            const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(it, "id"));
            if (id)
                drop_id(net, id);
            net->info.rejected++;
            snprintf(net->info.last_error, sizeof net->info.last_error, "statement %s refused: %s",
                     id ? id : "?", cJSON_GetStringValue(cJSON_GetObjectItem(it, "why")));
        }
    } else if (strcmp(t, "cmd") == 0) {
        take_command(net, msg);
    } else if (strcmp(t, "view") == 0) {
        net_view_on_message(net, msg);
    } else if (strcmp(t, "class") == 0) {
        net_take_class(net, msg);
    } else if (strcmp(t, "signin_refused") == 0) {
        stoa_net_command cmd = {.kind = STOA_NET_CMD_SIGNIN_REFUSED};
        net_copy_str(cmd.learner_id, sizeof cmd.learner_id, msg, "learner_id");
        net_copy_str(cmd.text, sizeof cmd.text, msg, "why");
        push_command(net, &cmd);
    } else if (strcmp(t, "bye") == 0) { // the hub stops; we reconnect when it is back
        snprintf(net->info.last_error, sizeof net->info.last_error,
                 "the hub is stopping; statements wait here until it is back");
    } else if (strcmp(t, "error") == 0) {
        const char *code = cJSON_GetStringValue(cJSON_GetObjectItem(msg, "code"));
        net->token_refused = code && strcmp(code, "bad_token") == 0;
        snprintf(net->info.last_error, sizeof net->info.last_error, "the hub said: %s", code ? code : "error");
    }
    pthread_cond_signal(&net->cv);
    pthread_mutex_unlock(&net->mu);
    cJSON_Delete(msg);
}

// Moves lines from the frame loop into the outbox (mu held).
static void drain_inbox(stoa_net *net)
{
    for (size_t i = 0; i < net->inbox_n; i++) {
        char *line = net->inbox[i];
        cJSON *st = NULL;
        stoa_error err = {0};
        // The hub's own limits: what it would refuse is not queued to it.
        stoa_json_parse_str(line, &(stoa_json_policy){.max_bytes = NET_BATCH_BYTES, .max_depth = 32,
                                                       .flags = STOA_JSON_EXACT_INTEGERS}, &st, &err);
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(st, "id"));
        // Without an id it cannot be acknowledged; longer than a message it
        // cannot be sent (the hub closes on it): both stay in the local log only.
        if (!id || strlen(id) != 36 || strlen(line) > NET_BATCH_BYTES) {
            net->info.rejected++;
            free(line);
        } else {
            if (net->head > 0 && net->head == net->out_n) // empty: start over at 0
                net->head = net->out_n = 0;
            if (net->out_n == net->out_cap) {
                if (net->head > 0) { // slide the live part down before growing
                    memmove(net->out, net->out + net->head, (net->out_n - net->head) * sizeof *net->out);
                    net->out_n -= net->head;
                    net->head = 0;
                }
                if (net->out_n == net->out_cap) {
                    size_t cap = net->out_cap ? net->out_cap * 2 : 256;
                    net_entry *grown = realloc(net->out, cap * sizeof *grown);
                    if (grown)
                        net->out = grown, net->out_cap = cap;
                }
            }
            if (net->out_n < net->out_cap) {
                net_entry *e = &net->out[net->out_n++];
                memcpy(e->id, id, 37);
                size_t len = strlen(line);
                while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                    line[--len] = 0;
                e->line = line;
                e->inflight = false;
            } else {
                net->info.dropped++;
                free(line);
            }
        }
        cJSON_Delete(st);
    }
    net->inbox_n = 0;
}

static bool ws_send(stoa_net *net, const char *text, size_t len)
{
    return mg_websocket_client_write(net->conn, MG_WEBSOCKET_OPCODE_TEXT, text, len) > 0;
}

// civetweb's close joins the connection's reader thread, which wakes when
// the socket does: saying goodbye first makes the hub close it at once.
static void close_conn(stoa_net *net)
{
    if (!net->conn)
        return;
    mg_websocket_client_write(net->conn, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE, "\x03\xe8", 2);
    mg_close_connection(net->conn);
    net->conn = NULL;
}

static void disconnect(stoa_net *net)
{
    close_conn(net);
    pthread_mutex_lock(&net->mu);
    net->closed = false;
    net->welcomed = false;
    net->info.connected = false;
    net_view_reset(net);
    for (size_t i = net->head; i < net->out_n; i++)
        net->out[i].inflight = false; // the hub may not have them: send again
    pthread_mutex_unlock(&net->mu);
    net->next_try_ns = net_now_ns() + net->backoff_ns;
    net->backoff_ns = net->backoff_ns * 2 > NET_BACKOFF_MAX_NS ? NET_BACKOFF_MAX_NS : net->backoff_ns * 2;
}

static void try_connect(stoa_net *net)
{
    if (!net->token[0] && !(net->join_code[0] && net_join(net))) {
        net->next_try_ns = net_now_ns() + NET_BACKOFF_MAX_NS;
        return;
    }
    char ebuf[256] = "";
    if (net->tls) {
        struct mg_client_options o = {.host = net->host, .port = net->port, .host_name = net->host,
                                      .server_cert = net->hub_cert[0] ? net->hub_cert : NULL};
        net->conn = mg_connect_websocket_client_secure(&o, ebuf, sizeof ebuf, "/ws/headset", NULL,
                                                       on_ws_data, on_ws_close, net);
    } else {
        net->conn = mg_connect_websocket_client(net->host, net->port, 0, ebuf, sizeof ebuf, "/ws/headset",
                                                NULL, on_ws_data, on_ws_close, net);
    }
    if (!net->conn) {
        net_set_error(net, "cannot connect to the hub: %s", ebuf);
        disconnect(net);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "t", "hello");
    cJSON_AddStringToObject(o, "token", net->token);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    net->hello_ns = net->last_ping_ns = net_now_ns();
    pthread_mutex_lock(&net->mu);
    net->last_rx_ns = net->hello_ns;
    net->status_dirty = true; // tell the new connection where we are
    pthread_mutex_unlock(&net->mu);
    if (!s || !ws_send(net, s, strlen(s)))
        disconnect(net);
    free(s);
}

// Builds the next batch of unsent statements (mu held); NULL when none.
static char *next_batch(stoa_net *net)
{
    size_t inflight = 0, bytes = 0, count = 0;
    for (size_t i = net->head; i < net->out_n; i++)
        inflight += net->out[i].line && net->out[i].inflight;
    if (inflight >= NET_MAX_INFLIGHT)
        return NULL;
    size_t cap = NET_BATCH_BYTES + NET_BATCH + 64; // statements, commas, the envelope
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    size_t len = (size_t)snprintf(buf, cap, "{\"t\":\"st\",\"items\":[");
    for (size_t i = net->head; i < net->out_n && count < NET_BATCH; i++) {
        net_entry *e = &net->out[i];
        if (!e->line || e->inflight)
            continue;
        size_t l = strlen(e->line);
        if (count > 0 && bytes + l > NET_BATCH_BYTES)
            break;
        if (count)
            buf[len++] = ',';
        memcpy(buf + len, e->line, l);
        len += l, bytes += l, count++;
        e->inflight = true;
    }
    if (count == 0) {
        free(buf);
        return NULL;
    }
    memcpy(buf + len, "]}", 3);
    return buf;
}

// One round of sending while connected; false when the connection failed.
static bool pump(stoa_net *net, int64_t now)
{
    pthread_mutex_lock(&net->mu);
    bool welcomed = net->welcomed, dead = now - net->last_rx_ns > NET_DEAD_NS;
    char *status = NULL, *kept = welcomed ? net->status_kept : NULL;
    if (kept)
        net->status_kept = NULL;
    if (welcomed && net->status_dirty && now - net->last_status_ns >= NET_STATUS_NS) {
        status = net_status_json(net, &net->status);
        net->status_dirty = false;
        net->last_status_ns = now;
    }
    pthread_mutex_unlock(&net->mu);
    if (dead || (!welcomed && now - net->hello_ns > NET_HELLO_NS)) {
        free(kept);
        free(status);
        return false;
    }
    bool ok = true;
    if (kept)
        ok = ws_send(net, kept, strlen(kept));
    free(kept);
    if (ok && status)
        ok = ws_send(net, status, strlen(status));
    free(status);
    while (ok && welcomed) {
        pthread_mutex_lock(&net->mu);
        char *ctl = net->ctl_n ? net->ctl[0] : NULL;
        if (ctl)
            memmove(net->ctl, net->ctl + 1, --net->ctl_n * sizeof *net->ctl);
        pthread_mutex_unlock(&net->mu);
        if (!ctl)
            break;
        ok = ws_send(net, ctl, strlen(ctl));
        free(ctl);
    }
    if (ok && now - net->last_ping_ns > NET_PING_NS) {
        ok = ws_send(net, "{\"t\":\"ping\"}", 12);
        net->last_ping_ns = now;
    }
    bool drained = false;
    for (int rounds = 0; ok && welcomed && rounds < 16; rounds++) {
        pthread_mutex_lock(&net->mu);
        char *batch = next_batch(net);
        pthread_mutex_unlock(&net->mu);
        if (!batch) {
            drained = true;
            break;
        }
        ok = ws_send(net, batch, strlen(batch));
        free(batch);
    }
    // A picture of the learner's view goes last, and only when no statement
    // waits to be sent: pictures never delay the trace (docs/hub.md).
    char *view = ok && welcomed && drained ? net_view_next(net) : NULL;
    if (view && strlen(view) < NET_BATCH_BYTES * 2 - 64) // under the hub's 256 KiB
        ok = ws_send(net, view, strlen(view));
    free(view);
    return ok;
}

// During a long transfer (on this thread): status with its progress, pings
// and statements still go out. A failed send is found by the main loop.
void net_transfer_tick(stoa_net *net)
{
    pthread_mutex_lock(&net->mu);
    net->status_dirty = true;
    pthread_mutex_unlock(&net->mu);
    net->last_status_ns = 0; // the transfer's start, each file and every 250 ms
    if (net->conn)
        pump(net, net_now_ns());
}

static void fetch_lessons(stoa_net *net)
{
    pthread_mutex_lock(&net->mu);
    cJSON *list = net->fetches;
    net->fetches = cJSON_CreateArray();
    pthread_mutex_unlock(&net->mu);
    const cJSON *msg;
    cJSON_ArrayForEach(msg, list) {
        stoa_net_command cmd = {.kind = STOA_NET_CMD_LAUNCH};
        net_copy_str(cmd.lesson, sizeof cmd.lesson, msg, "lesson");
        net_copy_str(cmd.lesson_id, sizeof cmd.lesson_id, msg, "lesson_id");
        net_copy_str(cmd.sha256, sizeof cmd.sha256, msg, "sha256");
        net_copy_str(cmd.registration, sizeof cmd.registration, msg, "registration");
        net_copy_str(cmd.learner_id, sizeof cmd.learner_id, msg, "learner_id");
        const cJSON *files = cJSON_GetObjectItem(msg, "files");
        const cJSON *layout = cJSON_GetObjectItem(msg, "layout");
        // A hub that lists the files lays the lesson out from the content
        // cache (`layout`: as the tree below the lesson's content root, for
        // a lesson that names "../agora.glb"); an older one sends the lesson
        // alone, kept in lesson_dir.
        if (cJSON_IsObject(layout)) {
            net_content_launch(net, cmd.lesson, cmd.sha256,
                               cJSON_GetStringValue(cJSON_GetObjectItem(layout, "lesson")),
                               cJSON_GetObjectItem(layout, "files"), &cmd);
            net_content_bakes(net, cmd.sha256, cJSON_GetObjectItem(msg, "bakes"), &cmd);
        } else if (cJSON_IsArray(files) || !net->lesson_dir[0]) {
            net_content_launch(net, cmd.lesson, cmd.sha256, NULL, files, &cmd);
            net_content_bakes(net, cmd.sha256, cJSON_GetObjectItem(msg, "bakes"), &cmd);
        } else if (!net_fetch_lesson(net, cmd.lesson, cmd.sha256, cmd.lesson_path,
                                     sizeof cmd.lesson_path)) {
            pthread_mutex_lock(&net->mu);
            snprintf(cmd.error, sizeof cmd.error, "%s", net->info.last_error);
            pthread_mutex_unlock(&net->mu);
        }
        pthread_mutex_lock(&net->mu);
        push_command(net, &cmd);
        pthread_mutex_unlock(&net->mu);
    }
    cJSON_Delete(list);
}

void *net_thread_main(void *arg)
{
    stoa_net *net = arg;
    net->backoff_ns = NET_BACKOFF_MIN_NS;
    for (;;) {
        pthread_mutex_lock(&net->mu);
        if (net->stop) {
            pthread_mutex_unlock(&net->mu);
            break;
        }
        drain_inbox(net);
        bool closed = net->closed, refused = net->token_refused, welcomed = net->welcomed;
        bool fetch = cJSON_GetArraySize(net->fetches) > 0;
        net->token_refused = false;
        if (welcomed && !net->info.connected) {
            net->info.connected = true;
            net->backoff_ns = NET_BACKOFF_MIN_NS;
        }
        pthread_mutex_unlock(&net->mu);
        int64_t now = net_now_ns();
        if (refused) // joined to another hub, or removed: join again if we can
            net_forget_token(net);
        if (fetch)
            fetch_lessons(net);
        if (now - net->last_follow_ns >= 50 * MS) {
            net_follow_poll(net);
            net->last_follow_ns = now;
        }
        if (net->conn && (closed || refused || !pump(net, now))) {
            pthread_mutex_lock(&net->mu);
            net->info.reconnects++;
            pthread_mutex_unlock(&net->mu);
            disconnect(net);
        } else if (!net->conn && now >= net->next_try_ns) {
            try_connect(net);
        }
        pthread_mutex_lock(&net->mu);
        if (!net->stop && net->inbox_n == 0 && !net->closed) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_nsec += 20 * MS;
            if (ts.tv_nsec >= 1000000000L)
                ts.tv_sec++, ts.tv_nsec -= 1000000000L;
            pthread_cond_timedwait(&net->cv, &net->mu, &ts);
        }
        pthread_mutex_unlock(&net->mu);
    }
    close_conn(net);
    return NULL;
}
