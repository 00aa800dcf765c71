// SPDX-License-Identifier: Apache-2.0
// A glTF with tens of thousands of nodes, meshes and accessors loads in
// time linear in its size, each looked up right: the import reads cJSON
// arrays by index, and cJSON keeps them as lists (scene_json_index.c).
// Before the index, 20 000 meshes took 15 s and this file (30 000) would
// pass ctest's TIMEOUT (tests/scene/CMakeLists.txt); now well under 1 s.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scene/stoa_scene.h"
#include "scene_test_util.h"

#define N 30000

// N nodes "n<i>" at x = i, each with mesh "m<i>" whose one triangle is
// accessor i, read from bufferView i % 2 (two triangles: x of the first
// vertex 0 or 5); the scene lists the nodes backwards.
static void write_model(const char *path)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    // Two triangles of 3 VEC3 floats: (0,0,0 1,0,0 0,1,0) and (5,0,0 6,0,0 5,1,0), base64.
    fprintf(f, "{\"asset\":{\"version\":\"2.0\"},\"buffers\":[{\"byteLength\":72,\"uri\":"
               "\"data:application/octet-stream;base64,"
               "AAAAAAAAAAAAAAAAAACAPwAAAAAAAAAAAAAAAAAAgD8AAAAAAACgQAAAAAAAAAAAAADAQAAAAAAAAAAAAAC"
               "gQAAAgD8AAAAA"
               "\"}],\"bufferViews\":[{\"buffer\":0,\"byteLength\":36},"
               "{\"buffer\":0,\"byteOffset\":36,\"byteLength\":36}],\"accessors\":[");
    for (int i = 0; i < N; i++)
        fprintf(f,
                "%s{\"bufferView\":%d,\"componentType\":5126,\"count\":3,\"type\":\"VEC3\","
                "\"min\":[%d,0,0],\"max\":[%d,1,0]}",
                i ? "," : "", i % 2, i % 2 ? 5 : 0, i % 2 ? 6 : 1);
    fprintf(f, "],\"meshes\":[");
    for (int i = 0; i < N; i++)
        fprintf(f, "%s{\"name\":\"m%d\",\"primitives\":[{\"attributes\":{\"POSITION\":%d}}]}",
                i ? "," : "", i, i);
    fprintf(f, "],\"nodes\":[");
    for (int i = 0; i < N; i++)
        fprintf(f, "%s{\"name\":\"n%d\",\"mesh\":%d,\"translation\":[%d,0,0]}", i ? "," : "", i, i,
                i);
    fprintf(f, "],\"scenes\":[{\"nodes\":[");
    for (int i = N - 1; i >= 0; i--)
        fprintf(f, "%d%s", i, i ? "," : "");
    fprintf(f, "]}],\"scene\":0}\n");
    CHECK(fclose(f) == 0);
}

STOA_TEST(tens_of_thousands_of_items_load_and_each_is_the_right_one)
{
    char dir[256], path[512];
    tu_mkdtemp(dir, sizeof dir, "manyitems");
    snprintf(path, sizeof path, "%s/many.gltf", dir);
    write_model(path);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_scene_load_desc d = {.no_lods = true};
    CHECK_MSG(stoa_scene_load(path, &d, &s, &err) == STOA_OK, "%s", err.message);
    CHECK(s && s->node_count == N && s->mesh_count == N);
    uint32_t wrong = 0;
    for (uint32_t k = 0; s && k < s->node_count; k++) {
        const stoa_node *n = &s->nodes[k];
        int i = atoi(n->name + 1);
        char want[32];
        snprintf(want, sizeof want, "m%d", i);
        const stoa_mesh *m = n->mesh_count == 1 ? &s->meshes[n->meshes[0]] : NULL;
        bool ok = n->name[0] == 'n' && n->translation[0] == (float)i && m &&
                  !strcmp(m->name, want) && m->vertex_count == 3 &&
                  m->positions[0] == (i % 2 ? 5.0f : 0.0f);
        if (!ok && wrong++ < 3)
            CHECK_MSG(ok, "node %u (%s) has the wrong translation, mesh or vertices", k, n->name);
    }
    CHECK_MSG(wrong == 0, "%u nodes wrong", wrong);
    stoa_scene_destroy(&s);
    tu_rmdir(dir);
}

STOA_TEST_MAIN()
