// SPDX-License-Identifier: Apache-2.0
// The glTF's Stoa extras (scene_extras.c): the scene's say beats the
// asset's, the forms of sky and environment, environment-only nodes, and
// errors that name the file and the field.
#include <stdio.h>
#include <string.h>

#include "scene/stoa_scene.h"
#include "stoa_test.h"

static stoa_result parse(const char *json, stoa_scene_extras *x, stoa_error *err)
{
    return stoa_scene_extras_parse("/lessons/bridge/bridge.gltf", (const uint8_t *)json,
                                   strlen(json), x, err);
}

static void expect_error(const char *json, const char *field)
{
    stoa_scene_extras x;
    stoa_error err = {0};
    CHECK(parse(json, &x, &err) < 0);
    CHECK_MSG(strstr(err.message, "bridge.gltf") && strstr(err.message, field),
                   "wanted '%s' in: %s", field, err.message);
    CHECK(x.env_node_count == 0 && !x.env_nodes);
}

STOA_TEST(extras_are_read_with_their_fields)
{
    stoa_scene_extras x;
    stoa_error err = {0};
    // The scene's sky beats the asset's; the asset's environment stays.
    CHECK(parse("{\"asset\":{\"version\":\"2.0\",\"extras\":{\"stoa\":{\"sky\":\"18:30\","
                     "\"environment\":{\"image\":\"env/sky.hdr\",\"intensity\":2}}}},"
                     "\"scene\":1,\"scenes\":[{\"extras\":{\"stoa\":{\"sky\":\"off\"}}},"
                     "{\"extras\":{\"stoa\":{\"sky\":{\"time\":\"7:05\",\"shadows\":\"low\"}}}}],"
                     "\"nodes\":[{\"name\":\"Ground\",\"extras\":{\"stoa\":{\"environment\":true}}},"
                     "{\"name\":\"Arch\",\"extras\":{\"stoa\":{\"environment\":false}}},"
                     "{\"name\":\"Sky\",\"extras\":{\"other\":1,\"stoa\":{\"environment\":true}}}]}",
                     &x, &err) == STOA_OK);
    CHECK_MSG(strcmp(x.sky_time, "7:05") == 0, "sky_time %s", x.sky_time);
    CHECK(strcmp(x.sky_shadows, "low") == 0);
    CHECK_MSG(strcmp(x.environment, "/lessons/bridge/env/sky.hdr") == 0, "%s", x.environment);
    CHECK(strcmp(x.environment_field, "asset.extras.stoa.environment") == 0);
    CHECK(x.environment_intensity == 2.0f);
    CHECK(x.env_node_count == 2 && strcmp(x.env_nodes[0], "Ground") == 0 &&
               strcmp(x.env_nodes[1], "Sky") == 0);
    stoa_scene_extras_fini(&x);
    // Nothing said: all empty, intensity 1.
    CHECK(parse("{\"asset\":{\"version\":\"2.0\"},\"nodes\":[{\"name\":\"A\"}]}", &x, &err) == 0);
    CHECK(!x.sky_time[0] && !x.environment[0] && x.env_node_count == 0 &&
               x.environment_intensity == 1.0f);
    stoa_scene_extras_fini(&x);
    // The default scene's extras (scenes[0] without "scene").
    CHECK(parse("{\"asset\":{\"version\":\"2.0\"},\"scenes\":[{\"extras\":{\"stoa\":"
                     "{\"environment\":\"a.png\"}}}]}", &x, &err) == 0);
    CHECK(strcmp(x.environment_field, "scenes[0].extras.stoa.environment") == 0);
    stoa_scene_extras_fini(&x);
    // Errors name the field.
    expect_error("{\"asset\":{\"extras\":{\"stoa\":{\"sky\":\"25:00\"}}}}", "asset.extras.stoa.sky");
    expect_error("{\"asset\":{\"extras\":{\"stoa\":{\"sky\":{\"shadows\":\"ultra\"}}}}}",
                 "asset.extras.stoa.sky.shadows");
    expect_error("{\"asset\":{\"extras\":{\"stoa\":{\"skies\":1}}}}", "asset.extras.stoa.skies");
    expect_error("{\"asset\":{\"extras\":{\"stoa\":{\"environment\":\"../x.png\"}}}}",
                 "asset.extras.stoa.environment");
    expect_error("{\"asset\":{\"extras\":{\"stoa\":{\"environment\":{\"image\":\"a.png\","
                 "\"intensity\":-1}}}}}", "asset.extras.stoa.environment");
    expect_error("{\"nodes\":[{},{\"extras\":{\"stoa\":{\"environment\":true}}}]}",
                 "nodes[1].extras.stoa.environment");
    expect_error("{\"nodes\":[{\"name\":\"A\",\"extras\":{\"stoa\":{\"environment\":\"yes\"}}}]}",
                 "nodes[0].extras.stoa.environment");
    expect_error("{\"nodes\":[{\"name\":\"A\",\"extras\":{\"stoa\":{\"hide\":true}}}]}",
                 "nodes[0].extras.stoa.hide");
    expect_error("[1, 2]", "not an object");
    expect_error("{\"asset\":", "broken JSON");
    // A .glb: the JSON chunk only; a truncated one is refused.
    const char *json = "{\"asset\":{\"version\":\"2.0\",\"extras\":{\"stoa\":{\"sky\":\"12:00\"}}}}";
    uint8_t glb[256];
    uint32_t len = (uint32_t)strlen(json), head[5] = {0x46546C67u, 2, 20 + len, len, 0x4E4F534Au};
    memcpy(glb, head, sizeof head);
    memcpy(glb + 20, json, len);
    CHECK(stoa_scene_extras_parse("/a/b.glb", glb, 20 + len, &x, &err) == 0 &&
               strcmp(x.sky_time, "12:00") == 0);
    stoa_scene_extras_fini(&x);
    CHECK(stoa_scene_extras_parse("/a/b.glb", glb, 20 + len - 1, &x, &err) < 0);
    CHECK_MSG(strstr(err.message, "/a/b.glb: .glb"), "%s", err.message);
    // A file that is not there.
    CHECK(stoa_scene_extras_read("/nonexistent/x.gltf", &x, &err) == STOA_ERROR_IO);
}

STOA_TEST_MAIN()
