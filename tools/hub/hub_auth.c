// SPDX-License-Identifier: Apache-2.0
// Who may do what: the instructor (Argon2id password -> session cookie +
// CSRF token), headsets (join code -> device token), xAPI clients (a key).
// Secrets are compared in constant time and stored only as hashes.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hub_internal.h"

static const char k_code_alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I

static void random_code(char *out, size_t len, const char *alphabet)
{
    size_t n = strlen(alphabet);
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)n)];
    out[len] = 0;
}

static bool set_password(stoa_hub *hub, const char *password)
{
    if (crypto_pwhash_str_alg(hub->password_hash, password, strlen(password),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return false;
    return hub_db_set_setting(hub, "password_hash", hub->password_hash);
}

stoa_result hub_auth_init(stoa_hub *hub, const stoa_hub_desc *desc, stoa_error *err)
{
    if (sodium_init() < 0)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "libsodium failed to initialise");
    char *hash = hub_db_get_setting(hub, "password_hash");
    if (!hash || desc->reset_password) {
        const char *pw = desc->password;
        if (!pw || !*pw) {
            random_code(hub->new_password, 12, "abcdefghjkmnpqrstuvwxyz23456789");
            pw = hub->new_password;
        }
        if (!set_password(hub, pw)) {
            free(hash);
            return stoa_error_set(err, STOA_ERROR_IO, "cannot store the instructor password");
        }
    } else {
        snprintf(hub->password_hash, sizeof hub->password_hash, "%s", hash);
    }
    free(hash);
    char *code = hub_db_get_setting(hub, "join_code");
    if (!code || desc->new_join_code || strlen(code) != 6) {
        random_code(hub->join_code, 6, k_code_alphabet);
        hub_db_set_setting(hub, "join_code", hub->join_code);
    } else {
        snprintf(hub->join_code, sizeof hub->join_code, "%s", code);
    }
    free(code);
    char *key = hub_db_get_setting(hub, "xapi_key");
    if (!key) {
        hub_random_hex(hub->xapi_key, 16);
        hub_db_set_setting(hub, "xapi_key", hub->xapi_key);
    } else {
        snprintf(hub->xapi_key, sizeof hub->xapi_key, "%s", key);
    }
    free(key);
    return STOA_OK;
}

bool hub_rate_ok(stoa_hub *hub, hub_rate *table, int per_minute, struct mg_connection *c)
{
    const char *addr = hub_remote(c);
    int64_t now = hub_mono_ns(), minute = 60LL * 1000000000LL;
    bool ok = true;
    pthread_mutex_lock(&hub->mu);
    hub_rate *slot = NULL, *oldest = &table[0];
    for (int i = 0; i < HUB_MAX_RATE; i++) {
        if (strcmp(table[i].addr, addr) == 0) {
            slot = &table[i];
            break;
        }
        if (table[i].window_start_ns < oldest->window_start_ns)
            oldest = &table[i];
    }
    if (!slot) { // forget the stalest address rather than grow without bound
        slot = oldest;
        snprintf(slot->addr, sizeof slot->addr, "%s", addr);
        slot->window_start_ns = now;
        slot->count = 0;
    }
    if (now - slot->window_start_ns > minute) {
        slot->window_start_ns = now;
        slot->count = 0;
    }
    ok = ++slot->count <= per_minute;
    pthread_mutex_unlock(&hub->mu);
    if (!ok)
        hub_send_text(c, 429, "application/json", "{\"error\":\"too many attempts, wait a minute\"}",
                      43, "Retry-After: 60\r\n");
    return ok;
}

static hub_session *find_session(stoa_hub *hub, struct mg_connection *c)
{
    const char *cookies = mg_get_header(c, "Cookie");
    char token[80];
    if (!cookies || mg_get_cookie(cookies, "stoa_session", token, sizeof token) != 64)
        return NULL;
    char h[65];
    hub_sha256_hex(token, 64, h);
    int64_t now = hub_mono_ns();
    for (int i = 0; i < HUB_MAX_SESSIONS; i++) {
        hub_session *s = &hub->sessions[i];
        if (s->expires_ns > now && sodium_memcmp(s->token_hash, h, 64) == 0)
            return s;
    }
    return NULL;
}

bool hub_session_valid(stoa_hub *hub, struct mg_connection *c, char out_csrf[65])
{
    pthread_mutex_lock(&hub->mu);
    hub_session *s = find_session(hub, c);
    if (s && out_csrf)
        memcpy(out_csrf, s->csrf, 65);
    pthread_mutex_unlock(&hub->mu);
    return s != NULL;
}

bool hub_require_instructor(stoa_hub *hub, struct mg_connection *c, bool state_changing)
{
    char csrf[65];
    if (!hub_session_valid(hub, c, csrf)) {
        hub_send_error(c, 401, "log in first");
        return false;
    }
    const char *sent = mg_get_header(c, "X-CSRF-Token");
    if (state_changing && (!sent || strlen(sent) != 64 || sodium_memcmp(sent, csrf, 64) != 0)) {
        hub_send_error(c, 403, "missing or wrong CSRF token: reload the page");
        return false;
    }
    return true;
}

static cJSON *parse_body(struct mg_connection *c, size_t limit)
{
    size_t len;
    char *body = hub_read_body(c, limit, &len);
    if (!body)
        return NULL;
    cJSON *j = cJSON_ParseWithLength(body, len);
    free(body);
    if (!j || !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        hub_send_error(c, 400, "the body must be a JSON object");
        return NULL;
    }
    return j;
}

void hub_handle_login(stoa_hub *hub, struct mg_connection *c)
{
    if (!hub_rate_ok(hub, hub->login_rate, hub->login_per_minute, c))
        return;
    cJSON *j = parse_body(c, 4096);
    if (!j)
        return;
    const char *pw = cJSON_GetStringValue(cJSON_GetObjectItem(j, "password"));
    bool ok = pw && crypto_pwhash_str_verify(hub->password_hash, pw, strlen(pw)) == 0;
    cJSON_Delete(j);
    if (!ok) {
        hub_send_error(c, 401, "wrong password");
        return;
    }
    char token[65], csrf[65];
    hub_random_hex(token, 32);
    hub_random_hex(csrf, 32);
    pthread_mutex_lock(&hub->mu);
    hub_session *slot = &hub->sessions[0]; // the one expiring first makes room
    for (int i = 1; i < HUB_MAX_SESSIONS; i++)
        if (hub->sessions[i].expires_ns < slot->expires_ns)
            slot = &hub->sessions[i];
    hub_sha256_hex(token, 64, slot->token_hash);
    memcpy(slot->csrf, csrf, 65);
    slot->expires_ns = hub_mono_ns() + HUB_SESSION_TTL_NS;
    pthread_mutex_unlock(&hub->mu);
    char headers[256];
    snprintf(headers, sizeof headers,
             "Set-Cookie: stoa_session=%s; Path=/; HttpOnly; SameSite=Strict%s\r\n", token,
             hub->tls ? "; Secure" : "");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "csrf", csrf);
    hub_send_json(c, 200, o, headers);
    cJSON_Delete(o);
}

void hub_handle_logout(stoa_hub *hub, struct mg_connection *c)
{
    if (!hub_require_instructor(hub, c, true))
        return;
    pthread_mutex_lock(&hub->mu);
    hub_session *s = find_session(hub, c);
    if (s)
        memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&hub->mu);
    hub_send_text(c, 200, "application/json", "{}", 2,
                  "Set-Cookie: stoa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0\r\n");
}

void hub_handle_session(stoa_hub *hub, struct mg_connection *c)
{
    char csrf[65];
    cJSON *o = cJSON_CreateObject();
    bool ok = hub_session_valid(hub, c, csrf);
    cJSON_AddBoolToObject(o, "logged_in", ok);
    if (ok)
        cJSON_AddStringToObject(o, "csrf", csrf);
    hub_send_json(c, 200, o, NULL);
    cJSON_Delete(o);
}

void hub_handle_join(stoa_hub *hub, struct mg_connection *c)
{
    if (!hub_rate_ok(hub, hub->join_rate, hub->join_per_minute, c))
        return;
    cJSON *j = parse_body(c, 4096);
    if (!j)
        return;
    const char *code = cJSON_GetStringValue(cJSON_GetObjectItem(j, "code"));
    char upper[8] = {0};
    for (size_t i = 0; code && i < 7 && code[i]; i++)
        upper[i] = (char)toupper((unsigned char)code[i]);
    if (!code || strlen(code) != 6 || sodium_memcmp(upper, hub->join_code, 6) != 0) {
        cJSON_Delete(j);
        hub_send_error(c, 403, "wrong join code");
        return;
    }
    char name[HUB_NAME_MAX + 1];
    hub_clean_name(cJSON_GetStringValue(cJSON_GetObjectItem(j, "device")), name);
    cJSON_Delete(j);
    if (!name[0])
        snprintf(name, sizeof name, "headset");
    char token[65], h[65];
    hub_random_hex(token, 32);
    hub_sha256_hex(token, 64, h);
    int64_t id = hub_db_add_device(hub, name, h);
    if (id <= 0) {
        hub_send_error(c, 500, "cannot store the device");
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "token", token);
    cJSON_AddNumberToObject(o, "device_id", (double)id);
    cJSON_AddStringToObject(o, "name", name);
    hub_send_json(c, 200, o, NULL);
    cJSON_Delete(o);
}

int64_t hub_device_from_bearer(stoa_hub *hub, struct mg_connection *c)
{
    const char *a = mg_get_header(c, "Authorization");
    if (!a || strncmp(a, "Bearer ", 7) != 0 || strlen(a + 7) != 64)
        return 0;
    char h[65], name[HUB_NAME_MAX + 1];
    hub_sha256_hex(a + 7, 64, h);
    return hub_db_find_device(hub, h, name);
}

bool hub_xapi_authorized(stoa_hub *hub, struct mg_connection *c, bool read_only)
{
    const char *a = mg_get_header(c, "Authorization");
    if (a && strncmp(a, "Basic ", 6) == 0) {
        unsigned char dec[128];
        size_t len = 0;
        const char *b64 = a + 6;
        if (sodium_base642bin(dec, sizeof dec - 1, b64, strlen(b64), NULL, &len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0)
            return false;
        char want[64];
        int n = snprintf(want, sizeof want, "xapi:%s", hub->xapi_key);
        return (size_t)n == len && sodium_memcmp(dec, want, len) == 0;
    }
    if (hub_device_from_bearer(hub, c) > 0)
        return true;
    return read_only && hub_session_valid(hub, c, NULL);
}
