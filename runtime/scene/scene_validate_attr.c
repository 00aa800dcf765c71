// SPDX-License-Identifier: Apache-2.0
// Vertex attribute types as glTF 2.0 (3.7.2.1) allows them, widened by
// KHR_mesh_quantization when the file uses it. A type outside both is an
// error naming the attribute, so that no reader guesses at its meaning.
#include <stdio.h>
#include <string.h>

#include "scene_validate.h"

enum { F = 1, B = 2, BN = 4, UB = 8, UBN = 16, S = 32, SN = 64, US = 128, USN = 256 };

typedef struct attr_rule {
    const char *prefix; // exact name, or a prefix followed by "_n"
    bool indexed;
    const char *types; // allowed accessor types, space separated
    int core, quantized;
} attr_rule;

static const attr_rule k_rules[] = {
    {"POSITION", false, "VEC3", F, F | B | BN | UB | UBN | S | SN | US | USN},
    {"NORMAL", false, "VEC3", F, F | BN | SN},
    {"TANGENT", false, "VEC4", F, F | BN | SN},
    {"TEXCOORD", true, "VEC2", F | UBN | USN, F | B | BN | UB | UBN | S | SN | US | USN},
    {"COLOR", true, "VEC3 VEC4", F | UBN | USN, F | UBN | USN},
    {"JOINTS", true, "VEC4", UB | US, UB | US},
    {"WEIGHTS", true, "VEC4", F | UBN | USN, F | UBN | USN},
};

static int type_bit(int64_t ct, bool norm)
{
    switch (ct) {
    case 5126: return norm ? 0 : F;
    case 5120: return norm ? BN : B;
    case 5121: return norm ? UBN : UB;
    case 5122: return norm ? SN : S;
    case 5123: return norm ? USN : US;
    default: return 0; // UNSIGNED_INT is for indices only
    }
}

static const attr_rule *rule_for(const char *name)
{
    for (size_t i = 0; i < sizeof k_rules / sizeof k_rules[0]; i++) {
        const attr_rule *r = &k_rules[i];
        size_t n = strlen(r->prefix);
        if (!r->indexed ? strcmp(name, r->prefix) == 0
                        : strncmp(name, r->prefix, n) == 0 && name[n] == '_' && name[n + 1])
            return r;
    }
    return NULL; // application-specific ("_FOO") and unknown names are not ours to judge
}

static bool quantization_used(const cJSON *root)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(root, "extensionsUsed"))
        if (cJSON_IsString(e) && strcmp(e->valuestring, "KHR_mesh_quantization") == 0)
            return true;
    return false;
}

stoa_result scene_vcheck_attr_type(vctx *c, const char *where, const char *name, int64_t acc,
                                   bool morph)
{
    const attr_rule *rule = rule_for(name);
    if (!rule)
        return STOA_OK;
    const cJSON *a = scene_json_at(c->doc->root, "accessors", (uint32_t)acc);
    int64_t ct = scene_json_int(a, "componentType", 0);
    bool norm = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "normalized"));
    const char *type = scene_json_str(a, "type");
    bool q = quantization_used(c->doc->root);
    int allowed = q ? rule->quantized : rule->core;
    // Morph target deltas may be signed (and, quantized, unnormalised) too.
    if (morph)
        allowed |= q ? B | BN | S | SN : 0;
    bool type_ok = false;
    size_t tl = type ? strlen(type) : 0;
    // A morph target's TANGENT holds xyz displacements only (3.7.2.2).
    const char *types = morph && strcmp(name, "TANGENT") == 0 ? "VEC3" : rule->types;
    for (const char *p = types; type && *p;) {
        size_t n = strcspn(p, " ");
        type_ok |= n == tl && strncmp(p, type, n) == 0;
        p += n + (p[n] == ' ');
    }
    int bit = type_bit(ct, norm);
    if (!type_ok || !(bit & allowed))
        FAIL(STOA_ERROR_PARSE,
             "%s: %s.%s: accessors[%lld] is %s of componentType %lld%s, which glTF%s does not "
             "allow there%s",
             c->doc->path, where, name, (long long)acc, type ? type : "(no type)", (long long)ct,
             norm ? " (normalized)" : "", q ? " with KHR_mesh_quantization" : "",
             type_ok && !q && (bit & rule->quantized) ? " (it needs KHR_mesh_quantization)" : "");
    return STOA_OK;
}
