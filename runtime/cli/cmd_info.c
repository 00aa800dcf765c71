// SPDX-License-Identifier: Apache-2.0
// `stoa info SCENE [--json]`: what a content author checks before shipping.
#include <stdio.h>
#include <string.h>

#include "gfx/stoa_gfx_probe.h"
#include "scene/stoa_scene.h"
#include "stoa_cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: stoa info SCENE.gltf|SCENE.glb [--json]\n\n"
               "Loads the scene and prints its counts (nodes, meshes, triangles, materials,\n"
               "textures, animations, skins, cameras, lights), its bounds and every warning.\n"
               "Exits 1 when the scene cannot be loaded.\n");
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_vec3(FILE *f, const float v[3])
{
    fprintf(f, "[%.6g, %.6g, %.6g]", v[0], v[1], v[2]);
}

static void print_json(FILE *f, const stoa_scene *s)
{
    fprintf(f, "{\n  \"file\": ");
    json_str(f, s->path);
    fprintf(f,
            ",\n  \"counts\": {\"nodes\": %u, \"meshes\": %u, \"triangles\": %llu, "
            "\"materials\": %u, \"textures\": %u, \"animations\": %u, \"skins\": %u, "
            "\"cameras\": %u, \"lights\": %u},\n",
            s->node_count, s->mesh_count, (unsigned long long)s->triangle_count, s->material_count,
            s->texture_count, s->animation_count, s->skin_count, s->camera_count, s->light_count);
    fprintf(f, "  \"bounds\": {\"min\": ");
    json_vec3(f, s->bounds_min);
    fprintf(f, ", \"max\": ");
    json_vec3(f, s->bounds_max);
    fprintf(f, "},\n  \"animations\": [");
    for (uint32_t i = 0; i < s->animation_count; i++) {
        fprintf(f, "%s{\"name\": ", i ? ", " : "");
        json_str(f, s->animations[i].name);
        fprintf(f, ", \"duration\": %.6g, \"channels\": %u}", s->animations[i].duration,
                s->animations[i].channel_count);
    }
    fprintf(f, "],\n  \"placeholder_textures\": [");
    for (uint32_t i = 0, n = 0; i < s->texture_count; i++)
        if (s->textures[i].placeholder) {
            fprintf(f, "%s", n++ ? ", " : "");
            json_str(f, s->textures[i].name);
        }
    fprintf(f, "],\n  \"warnings\": [");
    for (uint32_t i = 0; i < s->warning_count; i++) {
        fprintf(f, "%s\n    ", i ? "," : "");
        json_str(f, s->warnings[i]);
    }
    fprintf(f, "%s]\n}\n", s->warning_count ? "\n  " : "");
}

static void print_text(FILE *f, const stoa_scene *s)
{
    fprintf(f, "%s\n", s->path);
    fprintf(f, "  nodes       %u\n  meshes      %u (primitives)\n  triangles   %llu\n",
            s->node_count, s->mesh_count, (unsigned long long)s->triangle_count);
    fprintf(f, "  materials   %u\n  textures    %u\n  animations  %u\n  skins       %u\n",
            s->material_count, s->texture_count, s->animation_count, s->skin_count);
    fprintf(f, "  cameras     %u\n  lights      %u\n", s->camera_count, s->light_count);
    fprintf(f, "  bounds      min (%.4g, %.4g, %.4g)  max (%.4g, %.4g, %.4g)\n", s->bounds_min[0],
            s->bounds_min[1], s->bounds_min[2], s->bounds_max[0], s->bounds_max[1],
            s->bounds_max[2]);
    fprintf(f, "  size        %.4g x %.4g x %.4g m\n", s->bounds_max[0] - s->bounds_min[0],
            s->bounds_max[1] - s->bounds_min[1], s->bounds_max[2] - s->bounds_min[2]);
    for (uint32_t i = 0; i < s->animation_count; i++)
        fprintf(f, "  animation   '%s' %.3g s, %u channels\n", s->animations[i].name,
                s->animations[i].duration, s->animations[i].channel_count);
    for (uint32_t i = 0; i < s->camera_count; i++)
        fprintf(f, "  camera      '%s' on node '%s'\n", s->cameras[i].name,
                s->nodes[s->cameras[i].node].name);
    fprintf(f, "%u warning%s\n", s->warning_count, s->warning_count == 1 ? "" : "s");
    for (uint32_t i = 0; i < s->warning_count; i++)
        fprintf(f, "  warning: %s\n", s->warnings[i]);
}

int stoa_cmd_info(int argc, char **argv)
{
    const char *path = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' || path) {
            fprintf(stderr, "stoa info: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }
    stoa_scene *scene = NULL;
    stoa_error err = {0};
    stoa_gfx_probe_texture_target(false); // a cache file of the format `stoa render` would use
    if (stoa_scene_load(path, &(stoa_scene_load_desc){.use_cache = true}, &scene, &err) < 0) {
        fprintf(stderr, "stoa info: %s\n", err.message);
        return 1;
    }
    if (json)
        print_json(stdout, scene);
    else
        print_text(stdout, scene);
    stoa_scene_destroy(&scene);
    return 0;
}
