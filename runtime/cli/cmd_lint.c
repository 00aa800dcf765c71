// SPDX-License-Identifier: Apache-2.0
// `stoa lint LESSON`: what an author needs to know before a class.
//
//   stoa lint LESSON [--json] [--graph [OUT.dot]] [--lang TAG]
//                    [--no-scene] [--no-assets] [--allow-warnings]
//
// Exit status: 0 clean; 1 errors or warnings (warnings alone give 0 with
// --allow-warnings); 2 usage, or the file cannot be read.
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/stoa_file.h"
#include "core/stoa_path.h"
#include "lesson/stoa_lesson.h"
#include "lesson/stoa_lesson_check.h"
#include "lint_curriculum.h"
#include "stoa_cli.h"
#ifdef STOA_HAVE_SCENE
#include "scene/stoa_scene.h"
#endif

extern char **environ;

typedef struct lint_opts {
    const char *lesson;
    const char *graph; // "" = default name
    const char *lang;
    const char *curriculum; // --curriculum: the lesson's concepts must be in it
    bool json, no_scene, no_assets, allow_warnings;
} lint_opts;

static int usage(void)
{
    fprintf(stderr, "usage: stoa lint LESSON [--json] [--graph [OUT.dot]] [--lang TAG]\n"
                    "                 [--no-scene] [--no-assets] [--allow-warnings] [--curriculum FILE]\n"
                    "       stoa lint CURRICULUM.yaml [--allow-warnings]\n");
    return 2;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int parse_args(int argc, char **argv, lint_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0)
            o->json = true;
        else if (strcmp(a, "--no-scene") == 0)
            o->no_scene = true;
        else if (strcmp(a, "--no-assets") == 0)
            o->no_assets = true;
        else if (strcmp(a, "--allow-warnings") == 0)
            o->allow_warnings = true;
        else if (strcmp(a, "--lang") == 0 && i + 1 < argc)
            o->lang = argv[++i];
        else if (strcmp(a, "--curriculum") == 0 && i + 1 < argc)
            o->curriculum = argv[++i];
        else if (strcmp(a, "--graph") == 0) {
            // The output name is optional: take the next argument when it is one.
            o->graph = "";
            if (i + 1 < argc && ends_with(argv[i + 1], ".dot"))
                o->graph = argv[++i];
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            exit(0);
        } else if (a[0] == '-' || o->lesson) {
            fprintf(stderr, "stoa lint: unexpected argument '%s'\n", a);
            return usage();
        } else
            o->lesson = a;
    }
    return o->lesson ? 0 : usage();
}

typedef struct scene_names {
    uint32_t node_count, animation_count;
    const char **nodes, **animations;
    void *scene;
} scene_names;

#ifdef STOA_HAVE_SCENE
// The sky's files (docs/environment.md): the scene's glTF extras and the
// environment image they or the lesson's `sky.environment` name.
static void lint_sky(const stoa_lesson *l, const char *lesson_path, const char *scene_path,
                     stoa_lesson_diags *diags)
{
    stoa_scene_extras x;
    stoa_error err = {0};
    char img[4096];
    FILE *f;
    if (stoa_scene_extras_read(scene_path, &x, &err) < 0)
        stoa_lesson_diags_add(diags, STOA_LESSON_SEV_ERROR, l->scene_loc, "scene-extras",
                              "scene '%s': %s", l->scene, err.message);
    else if (x.environment[0] && !(f = fopen(x.environment, "rb")))
        stoa_lesson_diags_add(diags, STOA_LESSON_SEV_ERROR, l->scene_loc, "scene-environment",
                              "scene '%s': %s names '%s', which cannot be opened", l->scene,
                              x.environment_field, x.environment);
    else if (x.environment[0])
        fclose(f);
    stoa_scene_extras_fini(&x);
    if (l->sky_environment &&
        (stoa_lesson_resolve_path(lesson_path, l->sky_environment, img, sizeof img, &err) < 0 ||
         !(f = fopen(img, "rb"))))
        stoa_lesson_diags_add(diags, STOA_LESSON_SEV_ERROR, l->scene_loc, "sky-environment",
                              "sky.environment '%s' cannot be opened", l->sky_environment);
    else if (l->sky_environment)
        fclose(f);
}
#endif

// Loads the lesson's scene for its node and animation names. Problems become
// diagnostics on the lesson's `scene:` line.
static bool load_scene(const stoa_lesson *l, const char *lesson_path, bool partial,
                       scene_names *out, stoa_lesson_diags *diags)
{
    char path[4096];
    stoa_error err = {0};
    if (stoa_lesson_resolve_path(lesson_path, l->scene, path, sizeof path, &err) != STOA_OK) {
        if (partial) // the parser has said so already
            return false;
        stoa_lesson_diags_add(diags, STOA_LESSON_SEV_ERROR, l->scene_loc, "unsafe-path", "scene: %s",
                              err.message);
        return false;
    }
#ifdef STOA_HAVE_SCENE
    stoa_scene *scene = NULL;
    if (stoa_scene_load(path, &(stoa_scene_load_desc){0}, &scene, &err) != STOA_OK) {
        stoa_lesson_diags_add(diags, STOA_LESSON_SEV_ERROR, l->scene_loc, "scene",
                              "scene '%s' cannot be loaded: %s", l->scene, err.message);
        return false;
    }
    out->scene = scene;
    out->node_count = scene->node_count;
    out->animation_count = scene->animation_count;
    out->nodes = calloc(scene->node_count + 1, sizeof *out->nodes);
    out->animations = calloc(scene->animation_count + 1, sizeof *out->animations);
    if (!out->nodes || !out->animations)
        return false;
    for (uint32_t i = 0; i < scene->node_count; i++)
        out->nodes[i] = scene->nodes[i].name;
    for (uint32_t i = 0; i < scene->animation_count; i++)
        out->animations[i] = scene->animations[i].name;
    lint_sky(l, lesson_path, path, diags);
    return true;
#else
    (void)out;
    fprintf(stderr, "stoa lint: built without the scene module; node names not checked\n");
    return false;
#endif
}

static void free_scene(scene_names *s)
{
    free(s->nodes);
    free(s->animations);
#ifdef STOA_HAVE_SCENE
    stoa_scene *scene = s->scene;
    stoa_scene_destroy(&scene);
#endif
}

static bool asset_exists(void *user, const char *rel)
{
    char path[4096];
    stoa_error err = {0};
    if (stoa_lesson_resolve_path(user, rel, path, sizeof path, &err) != STOA_OK)
        return false;
    return access(path, R_OK) == 0;
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void print_json(const char *file, const stoa_lesson_diags *d)
{
    printf("{\"file\": ");
    json_string(stdout, file);
    printf(", \"errors\": %u, \"warnings\": %u, \"notes\": %u, \"diagnostics\": [", d->errors,
           d->warnings, d->notes);
    for (uint32_t i = 0; i < d->count; i++) {
        const stoa_lesson_diag *g = &d->items[i];
        printf("%s\n  {\"severity\": \"%s\", \"line\": %u, \"column\": %u, \"code\": ", i ? "," : "",
               stoa_lesson_severity_str(g->severity), g->line, g->column);
        json_string(stdout, g->code);
        printf(", \"message\": ");
        json_string(stdout, g->message);
        printf("}");
    }
    printf("%s]}\n", d->count ? "\n" : "");
}

// Runs `dot -Tsvg` when Graphviz is installed; silently skips otherwise.
static void write_svg(const char *dot_path)
{
    char svg[4096];
    snprintf(svg, sizeof svg, "%.*s.svg", (int)(strlen(dot_path) - 4), dot_path);
    char *args[] = {"dot", "-Tsvg", (char *)dot_path, "-o", svg, NULL};
    pid_t pid;
    if (posix_spawnp(&pid, "dot", NULL, NULL, args, environ) != 0)
        return;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        fprintf(stderr, "stoa lint: wrote %s\n", svg);
    else
        fprintf(stderr, "stoa lint: dot failed on %s\n", dot_path);
}

static bool write_graph(const stoa_lesson *l, const lint_opts *o)
{
    char def[4096];
    const char *out = o->graph;
    if (!*out) {
        const char *base = stoa_path_basename(o->lesson);
        const char *dot = strrchr(base, '.');
        snprintf(def, sizeof def, "%.*s.dot", dot ? (int)(dot - base) : (int)strlen(base), base);
        out = def;
    }
    char *text = stoa_lesson_graph_dot(l, o->lang);
    stoa_error err = {0};
    bool ok = text && stoa_file_write_atomic(out, text, strlen(text), &err) == STOA_OK;
    free(text);
    if (!ok) {
        fprintf(stderr, "stoa lint: cannot write %s: %s\n", out, err.message);
        return false;
    }
    fprintf(stderr, "stoa lint: wrote %s\n", out);
    write_svg(out);
    return true;
}

int stoa_cmd_lint(int argc, char **argv)
{
    lint_opts o = {0};
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc;
    if (stoa_lint_is_curriculum(o.lesson))
        return stoa_lint_curriculum(o.lesson, o.allow_warnings);
    stoa_lesson_diags d;
    stoa_lesson_diags_init(&d);
    stoa_lesson *l = NULL;
    stoa_error err = {0};
    // A lesson with parse errors is kept as far as it parsed, so that its
    // node, file and translation errors come in the same run.
    stoa_result r = stoa_lesson_load_file_partial(o.lesson, &l, &d, &err);
    bool partial = r == STOA_ERROR_PARSE && l;
    if (r == STOA_ERROR_IO || r == STOA_ERROR_NOT_FOUND || (r != STOA_OK && !l && d.errors == 0)) {
        // Unreadable (missing, not a regular file, ...): never "0 errors".
        fprintf(stderr, "stoa lint: %s\n", err.message);
        stoa_lesson_diags_fini(&d);
        return 2;
    }
    scene_names names = {0};
    if (l) {
        stoa_lesson_check_desc desc = {0};
        if (!o.no_scene && l->scene && load_scene(l, o.lesson, partial, &names, &d)) {
            desc.has_scene = true;
            desc.node_count = names.node_count;
            desc.nodes = names.nodes;
            desc.animation_count = names.animation_count;
            desc.animations = names.animations;
        }
        if (!o.no_assets) {
            desc.asset_exists = asset_exists;
            desc.user = (void *)o.lesson;
        }
        if (partial)
            stoa_lesson_check_partial(l, &desc, &d);
        else
            stoa_lesson_check(l, &desc, &d);
    }
    stoa_lesson_diags_sort(&d);
    if (o.json) {
        print_json(o.lesson, &d);
    } else {
        for (uint32_t i = 0; i < d.count; i++) {
            char line[1200];
            stoa_lesson_diag_format(&d.items[i], o.lesson, line, sizeof line);
            puts(line);
        }
        fprintf(stderr, "%s: %u error%s, %u warning%s", o.lesson, d.errors,
                d.errors == 1 ? "" : "s", d.warnings, d.warnings == 1 ? "" : "s");
        if (d.notes) // notes never change the exit status
            fprintf(stderr, ", %u note%s", d.notes, d.notes == 1 ? "" : "s");
        fputc('\n', stderr);
    }
    bool graph_ok = !o.graph || !l || partial || write_graph(l, &o);
    rc = d.errors || (d.warnings && !o.allow_warnings) ? 1 : 0;
    if (o.curriculum && l && !partial) {
        stoa_eval_curriculum *cur = stoa_lint_load_curriculum(o.curriculum);
        int unknown = cur ? stoa_lint_lesson_concepts(l, o.lesson, cur, o.curriculum) : 0;
        if (!cur || (unknown && !o.allow_warnings))
            rc = rc ? rc : 1;
        stoa_eval_curriculum_destroy(&cur);
    }
    if (!graph_ok)
        rc = 2;
    free_scene(&names);
    stoa_lesson_destroy(&l);
    stoa_lesson_diags_fini(&d);
    return rc;
}
