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
#include "hub_lrs.h"

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
    if (crypto_pwhash_str_alg(
            hub->password_hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
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

bool hub_rotate_xapi_key(stoa_hub *hub, char out[40])
{
    char key[40];
    hub_random_hex(key, 16);
    if (!hub_db_set_setting(hub, "xapi_key", key))
        return false;
    pthread_mutex_lock(&hub->mu);
    memcpy(hub->xapi_key, key, sizeof key);
    pthread_mutex_unlock(&hub->mu);
    memcpy(out, key, sizeof key);
    return true;
}

bool hub_rate_ok(stoa_hub *hub, hub_rate *rate, int per_minute, int global_per_minute, hub_req *c)
{
    int64_t now = hub_mono_ns();
    bool ok;
    pthread_mutex_lock(&hub->mu);
    // Fixed windows of a minute from this limit's first use (not from the
    // clock's whole minutes: a test then starts on a fresh window at once,
    // instead of sleeping until the next whole minute).
    if (!rate->origin_ns)
        rate->origin_ns = now;
    int64_t minute = (now - rate->origin_ns) / (60LL * 1000000000LL);
    if (rate->window != minute) { // a new window: everyone starts again, together
        rate->window = minute;
        rate->used = 0;
        rate->global = 0;
    }
    hub_rate_slot *slot = NULL;
    for (int i = 0; i < rate->used && !slot; i++)
        if (memcmp(rate->slots[i].key, c->addr_key, 16) == 0)
            slot = &rate->slots[i];
    if (!slot && rate->used < HUB_RATE_SLOTS) {
        slot = &rate->slots[rate->used++];
        memcpy(slot->key, c->addr_key, 16);
        slot->count = 0;
    }
    // No slot left this minute: more addresses than that are an attack, refused.
    ok = slot && slot->count < per_minute &&
         (!global_per_minute || rate->global < global_per_minute);
    if (slot)
        slot->count++;
    if (ok && global_per_minute)
        rate->global++;
    pthread_mutex_unlock(&hub->mu);
    if (!ok)
        hub_send_text(c, 429, "application/json",
                      "{\"error\":\"too many attempts, wait a minute\"}", 43,
                      "Retry-After: 60\r\n");
    return ok;
}

bool hub_session_cookie_hash(hub_req *c, char out[65])
{
    const char *p = hub_header(c, "Cookie");
    char token[65] = "";
    // "name=value; name=value": the stoa_session one, exactly 64 hex digits.
    while (p && *p) {
        while (*p == ' ' || *p == ';')
            p++;
        size_t n = strcspn(p, ";");
        if (n == 13 + 64 && strncmp(p, "stoa_session=", 13) == 0)
            memcpy(token, p + 13, 64), token[64] = 0;
        p += n;
    }
    if (strlen(token) != 64)
        return false;
    hub_sha256_hex(token, 64, out);
    return true;
}

hub_session *hub_session_by_hash(stoa_hub *hub, const char *token_hash)
{
    int64_t now = hub_mono_ns();
    for (int i = 0; i < HUB_MAX_SESSIONS; i++) {
        hub_session *s = &hub->sessions[i];
        if (s->expires_ns > now && sodium_memcmp(s->token_hash, token_hash, 64) == 0)
            return s;
    }
    return NULL;
}

static hub_session *find_session(stoa_hub *hub, hub_req *c)
{
    char h[65];
    return hub_session_cookie_hash(c, h) ? hub_session_by_hash(hub, h) : NULL;
}

bool hub_session_valid(stoa_hub *hub, hub_req *c, char out_csrf[65])
{
    pthread_mutex_lock(&hub->mu);
    hub_session *s = find_session(hub, c);
    if (s && out_csrf)
        memcpy(out_csrf, s->csrf, 65);
    pthread_mutex_unlock(&hub->mu);
    return s != NULL;
}

bool hub_require_instructor(stoa_hub *hub, hub_req *c, bool state_changing)
{
    char csrf[65];
    if (!hub_session_valid(hub, c, csrf)) {
        hub_send_error(c, 401, "log in first");
        return false;
    }
    const char *sent = hub_header(c, "X-CSRF-Token");
    if (state_changing && (!sent || strlen(sent) != 64 || sodium_memcmp(sent, csrf, 64) != 0)) {
        hub_send_error(c, 403, "missing or wrong CSRF token: reload the page");
        return false;
    }
    return true;
}

void hub_handle_login(stoa_hub *hub, hub_req *c)
{
    // Checked before anything is counted: a page on another site cannot
    // send JSON here (the dispatcher checked its Origin), so it cannot use
    // up the teacher's attempts.
    const char *type = hub_header(c, "Content-Type");
    if (!type || strncasecmp(type, "application/json", 16) != 0) {
        hub_send_error(c, 415, "the body must be JSON (Content-Type: application/json)");
        return;
    }
    // From this machine: only its own count. From elsewhere: also a budget
    // for all other machines together (many addresses do not buy more guesses).
    if (!hub_rate_ok(hub, &hub->login_rate, hub->login_per_minute,
                     c->loopback ? 0 : HUB_LOGIN_GLOBAL_PER_MINUTE, c))
        return;
    cJSON *j = hub_read_json(c, HUB_MAX_SMALL_BODY);
    if (!j)
        return;
    const char *pw = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "password"));
    // This runs on the server's one slow thread: one Argon2id (64 MiB) at a time.
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

void hub_handle_logout(stoa_hub *hub, hub_req *c)
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

void hub_handle_session(stoa_hub *hub, hub_req *c)
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

void hub_handle_join(stoa_hub *hub, hub_req *c)
{
    const char *type = hub_header(c, "Content-Type");
    if (!type || strncasecmp(type, "application/json", 16) != 0) {
        hub_send_error(c, 415, "the body must be JSON (Content-Type: application/json)");
        return;
    }
    if (!hub_rate_ok(hub, &hub->join_rate, hub->join_per_minute, HUB_JOIN_GLOBAL_PER_MINUTE, c))
        return;
    cJSON *j = hub_read_json(c, HUB_MAX_SMALL_BODY);
    if (!j)
        return;
    const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "code"));
    char upper[8] = {0};
    for (size_t i = 0; code && i < 7 && code[i]; i++)
        upper[i] = (char)toupper((unsigned char)code[i]);
    if (!code || strlen(code) != 6 || sodium_memcmp(upper, hub->join_code, 6) != 0) {
        cJSON_Delete(j);
        hub_send_error(c, 403, "wrong join code");
        return;
    }
    char name[HUB_NAME_MAX + 1];
    hub_clean_name(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "device")), name);
    cJSON_Delete(j);
    if (!name[0])
        snprintf(name, sizeof name, "headset");
    char token[65], h[65];
    hub_random_hex(token, 32);
    hub_sha256_hex(token, 64, h);
    // The token costs nothing until it is used: never used, it expires (and
    // it takes a roster place only once its headset says hello).
    int64_t id = hub_db_add_device(hub, name, h, !hub->admit_by_teacher);
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

int64_t hub_device_from_bearer(stoa_hub *hub, hub_req *c)
{
    const char *a = hub_header(c, "Authorization");
    if (!a || strncmp(a, "Bearer ", 7) != 0 || strlen(a + 7) != 64)
        return 0;
    char h[65];
    hub_device_row row;
    hub_sha256_hex(a + 7, 64, h);
    return hub_db_find_device(hub, h, &row) && row.admitted ? row.id : 0;
}

// Basic <key>:<secret> of a credential made in the panel ("lrs-..." keys;
// the hub's own key is user "xapi", below).
bool hub_xapi_panel_credential(stoa_hub *hub, const char *auth, hub_xapi_cred *out)
{
    if (!auth || strncmp(auth, "Basic ", 6) != 0)
        return false;
    unsigned char dec[128];
    size_t len = 0;
    if (sodium_base642bin(dec, sizeof dec - 1, auth + 6, strlen(auth + 6), NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    dec[len] = 0;
    char *colon = strchr((char *)dec, ':');
    if (!colon || strlen((char *)dec) != len)
        return false;
    *colon = 0;
    bool ok = hub_xapi_cred_check(hub, (const char *)dec, colon + 1, out);
    sodium_memzero(dec, sizeof dec);
    return ok;
}

hub_xapi_who hub_xapi_authorized(stoa_hub *hub, hub_req *c, int64_t *out_device)
{
    return hub_xapi_authorized_as(hub, c, hub_header(c, "Authorization"), out_device);
}

hub_xapi_who hub_xapi_authorized_as(stoa_hub *hub, hub_req *c, const char *a, int64_t *out_device)
{
    *out_device = 0;
    if (a && strncmp(a, "Basic ", 6) == 0) {
        unsigned char dec[128];
        size_t len = 0;
        const char *b64 = a + 6;
        if (sodium_base642bin(dec, sizeof dec - 1, b64, strlen(b64), NULL, &len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0)
            return HUB_XAPI_NOBODY;
        char want[64];
        pthread_mutex_lock(&hub->mu);
        int n = snprintf(want, sizeof want, "xapi:%s", hub->xapi_key);
        pthread_mutex_unlock(&hub->mu);
        bool ok = (size_t)n == len && sodium_memcmp(dec, want, len) == 0;
        sodium_memzero(want, sizeof want);
        return ok ? HUB_XAPI_KEY : HUB_XAPI_NOBODY;
    }
    if (a && strncmp(a, "Bearer ", 7) == 0 &&
        strlen(a + 7) == 64) { // the header, or the alternate syntax's field
        char h[65];
        hub_device_row row;
        hub_sha256_hex(a + 7, 64, h);
        *out_device = hub_db_find_device(hub, h, &row) && row.admitted ? row.id : 0;
        return *out_device > 0 ? HUB_XAPI_DEVICE : HUB_XAPI_NOBODY;
    }
    return hub_session_valid(hub, c, NULL) ? HUB_XAPI_INSTRUCTOR : HUB_XAPI_NOBODY;
}

bool hub_lrs_authorize(stoa_hub *hub, hub_req *c, const char *authorization, bool writes, bool form,
                       hub_lrs_caller *out)
{
    memset(out, 0, sizeof *out);
    out->status = 401;
    out->why = "authorization required (Basic xapi:<key>, a credential made in the panel, or a "
               "device token)";
    if (hub_xapi_panel_credential(hub, authorization, &out->cred)) {
        // Scopes: read (GET/HEAD), write (PUT/POST/DELETE); "mine" narrows
        // reads (the resource applies it).
        out->has_cred = true;
        out->who = HUB_XAPI_KEY;
        if (writes ? !out->cred.write : !out->cred.read) {
            out->status = 403;
            out->why = writes ? "this credential may not write the LRS"
                              : "this credential may not read the LRS";
            return false;
        }
        return true;
    }
    out->who = hub_xapi_authorized_as(hub, c, authorization, &out->device_id);
    // A form post (the alternate syntax) is what any web page can send:
    // a session cookie never counts there.
    if (out->who == HUB_XAPI_INSTRUCTOR && form)
        out->who = HUB_XAPI_NOBODY;
    if (out->who == HUB_XAPI_NOBODY)
        return false;
    if (out->who == HUB_XAPI_INSTRUCTOR && (writes || !hub_origin_ok(hub, c))) {
        // The session reads, from the panel's own pages only.
        out->status = 403;
        out->why = writes ? "the instructor's session reads the LRS, it does not write it"
                          : "cross-origin request refused";
        return false;
    }
    return true;
}
