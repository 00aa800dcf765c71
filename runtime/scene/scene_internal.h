// SPDX-License-Identifier: Apache-2.0
// Private to runtime/scene: the parsed glTF document and the build steps of
// stoa_scene_load. Assimp's types appear only in scene_assimp.c
// and scene_assimp_io.c.
//
// Loading is staged (after cgltf): read + parse the JSON (scene_doc.c),
// validate every index, range and URI (scene_validate.c), let Assimp decode
// the geometry (scene_assimp.c), then build what Assimp loses or mangles
// from the JSON itself: nodes, materials, textures, cameras, lights, skins
// and animations (scene_build.c, scene_material.c, scene_anim.c).
#pragma once

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "scene/stoa_scene.h"

typedef struct scene_buffer {
    const uint8_t *data; // NULL until loaded
    uint8_t *owned;      // what to free (data may point into the .glb instead)
    size_t size;         // bytes available (decoded / on disk / chunk)
    bool sized;          // size is known
} scene_buffer;

typedef struct scene_doc {
    const char *path;   // the scene file, as given
    char dir[PATH_MAX]; // its folder: every referenced file must lie inside
    uint8_t *file;      // whole scene file
    size_t file_size;
    bool is_glb;
    const uint8_t *glb_bin; // BIN chunk of a .glb, or NULL
    size_t glb_bin_size;
    cJSON *root;
    uint32_t buffer_count;
    scene_buffer *buffers;
    int32_t default_scene; // index into "scenes", -1 when there are none
    bool no_generated_tangents;
    // Some buffer bytes differ from the files (decoded EXT_meshopt_compression
    // views): Assimp is then given the document through scene_doc_for_assimp.
    bool rewritten;
    char *assimp_json; // that document, made on first use
    uint8_t *extra;    // "stoa-extra.bin" in that document (identity bind matrices)
    size_t extra_size;
} scene_doc;

// ---- scene_doc.c -------------------------------------------------------------
stoa_result scene_doc_open(scene_doc *doc, const char *path, size_t max_size, stoa_error *err);
void scene_doc_close(scene_doc *doc);
// Makes buffer i's bytes available (reads the .bin / decodes the data URI).
stoa_result scene_doc_buffer(scene_doc *doc, uint32_t i, stoa_error *err);
// Size of buffer i without reading it (stat / decoded length / chunk).
stoa_result scene_doc_buffer_size(scene_doc *doc, uint32_t i, size_t *out, stoa_error *err);
// Decodes a "data:...;base64," URI. Returns false when it is not one.
bool scene_data_uri_decode(const char *uri, uint8_t **out, size_t *out_size);
size_t scene_data_uri_size(const char *uri);

// JSON helpers: NULL / default when missing or of the wrong type.
cJSON *scene_json_arr(const cJSON *obj, const char *key);
uint32_t scene_json_count(const cJSON *obj, const char *key);
cJSON *scene_json_at(const cJSON *obj, const char *key, uint32_t i);
// Item i of array a, and a's size, in constant time for a long array (an
// index of its items, scene_json_index.c; cJSON walks its list); NULL / 0
// when a is not an array or too short. scene_json_index_forget drops every
// index: before any JSON tree the scene code read is deleted.
cJSON *scene_json_item(const cJSON *a, uint32_t i);
uint32_t scene_json_size(const cJSON *a);
void scene_json_index_forget(void);
double scene_json_num(const cJSON *obj, const char *key, double def);
int64_t scene_json_int(const cJSON *obj, const char *key, int64_t def);
const char *scene_json_str(const cJSON *obj, const char *key);
// Reads up to n numbers of array `key` into out; returns how many were read.
uint32_t scene_json_floats(const cJSON *obj, const char *key, float *out, uint32_t n);

// ---- scene_validate.c ----------------------------------------------------------
// Checks every index, accessor range, URI and transform before Assimp sees
// the file, so that Assimp is never asked to read out of range.
stoa_result scene_validate(scene_doc *doc, stoa_error *err);

// ---- scene_accessor.c -----------------------------------------------------------
// Reads accessor `acc` as floats (normalised integers are mapped to [0,1] or
// [-1,1]); out gets count * components floats, caller frees.
// A scalar unsigned accessor without sparse values (indices) as uint32: 1
// when it is not one (then read it with scene_accessor_floats).
stoa_result scene_accessor_indices(scene_doc *doc, uint32_t acc, uint32_t **out,
                                   uint32_t *out_count, stoa_error *err);
stoa_result scene_accessor_floats(scene_doc *doc, uint32_t acc, float **out, uint32_t *out_count,
                                  uint32_t *out_components, stoa_error *err);

// ---- scene_meshopt.c ------------------------------------------------------------
// Decodes every EXT_meshopt_compression buffer view in place and removes the
// extension from it (checks every rule of the extension first).
stoa_result scene_meshopt_decode(scene_doc *doc, stoa_error *err);

// ---- scene_texture_source.c ------------------------------------------------------
// The image a texture shows: EXT_texture_webp's source when present (Stoa
// decodes WebP), else "source"; -1 for none (e.g. KHR_texture_basisu only).
int64_t scene_texture_source(const cJSON *texture);
// Decodes a WebP image into 8-bit RGBA (free()); false with `why` filled.
bool scene_webp_decode(const uint8_t *bytes, size_t size, uint32_t max_dim, uint8_t **rgba,
                       uint32_t *w, uint32_t *h, char *why, size_t why_size);
bool scene_is_webp(const uint8_t *bytes, size_t size);
// Decodes a JPEG with libjpeg-turbo into 8-bit RGBA (free()); false with `why`.
bool scene_jpeg_decode(const uint8_t *bytes, size_t size, uint32_t max_dim, uint8_t **rgba,
                       uint32_t *w, uint32_t *h, char *why, size_t why_size);
bool scene_is_jpeg(const uint8_t *bytes, size_t size);
// Decodes a PNG with libspng into 8-bit RGBA (free()); false with `why` (scene_png.c).
bool scene_png_decode(const uint8_t *bytes, size_t size, uint32_t max_dim, uint8_t **rgba,
                      uint32_t *w, uint32_t *h, char *why, size_t why_size);

// ---- scene_texture_transform.c ---------------------------------------------------
// Reads a textureInfo's KHR_texture_transform into r (matrix, texCoord).
void scene_texture_transform(stoa_scene *scene, const cJSON *tt, stoa_texture_ref *r,
                             const char *mat_name, const char *slot);

// ---- scene_material_ext.c ---------------------------------------------------------
// Approximates KHR_materials_{transmission,volume,clearcoat,sheen,specular,ior,...}
// on `m` (already read), with a warning naming each approximation.
void scene_material_extensions(stoa_scene *scene, const cJSON *jm, stoa_material *m);

// ---- scene_instancing.c -----------------------------------------------------------
// Expands EXT_mesh_gpu_instancing into one child node per instance (in the JSON).
stoa_result scene_expand_instancing(scene_doc *doc, stoa_error *err);

// ---- scene_rewrite.c -------------------------------------------------------------
// Makes doc->assimp_json (buffers named "stoa-buffer-N.bin") for a rewritten doc.
stoa_result scene_doc_for_assimp(scene_doc *doc, stoa_error *err);
// Marks the doc rewritten where Assimp 5.2.5 cannot read it as it is: a skin
// without inverseBindMatrices (valid glTF, identity matrices) crashes it.
// Called by scene_assimp_run only: the direct path reads such files as they are.
void scene_doc_check_assimp_needs(scene_doc *doc);
// The bytes of "stoa-buffer-N.bin" (rel to the scene's folder); false otherwise.
bool scene_doc_virtual_buffer(const scene_doc *doc, const char *rel, const uint8_t **data,
                              size_t *size);

// ---- scene_attrs.c --------------------------------------------------------------
// Replaces the TEXCOORD_0/1, COLOR_0 and JOINTS_0/WEIGHTS_0 data Assimp made of
// primitive `prim` with the accessors' own values where Assimp decodes them
// wrongly (normalised integers, VEC3 colours).
stoa_result scene_mesh_attrs_from_gltf(scene_doc *doc, const cJSON *prim, stoa_mesh *m,
                                       stoa_error *err);

uint32_t scene_assimp_flags(bool no_generated_tangents);

// ---- building the scene -----------------------------------------------------------
void scene_warn(stoa_scene *scene, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *scene_strdup(const char *s); // NULL -> ""

// Meshes from Assimp, in glTF order (mesh m's primitives are consecutive).
// out_first[m] is the stoa mesh index of mesh m's first primitive and
// out_prims[m] the number of stoa meshes it became (dropped points/lines
// are not counted).
stoa_result scene_import_meshes(scene_doc *doc, stoa_scene *scene, uint32_t **out_first,
                                uint32_t **out_prims, stoa_error *err);
stoa_result scene_build_nodes(scene_doc *doc, stoa_scene *scene, const uint32_t *mesh_first,
                              const uint32_t *mesh_prims, int32_t *node_map, stoa_error *err);
// Image decoding runs on worker threads while Assimp imports the geometry
// (scene_images.c). start reads nothing Assimp needs; finish joins.
typedef struct scene_image {
    uint8_t *rgba; // decoded, width*height*4; NULL on failure
    uint32_t width, height;
    bool used;            // some texture refers to it
    bool done;            // decode finished (or skipped); guarded by the lock
    char why[512];        // the fault when rgba is NULL
    const uint8_t *bytes; // encoded bytes when they live in a buffer
    size_t size;
} scene_image;
typedef struct scene_images scene_images;
// The load's gate (scene_gate.c; NULL: none): the workers pass it before
// their first image; finishing or destroying opens it.
typedef struct scene_gate scene_gate;
stoa_result scene_images_start(scene_doc *doc, bool low_priority, scene_gate *gate,
                               scene_images **out, stoa_error *err);
// Joins the workers; the returned array has one entry per glTF image and
// stays owned by `images` (free with scene_images_destroy).
scene_image *scene_images_finish(scene_images *images);
// Destroy stops the workers taking more images and joins them.
void scene_images_destroy(scene_images **images);
// Whether image i's decode is over; its scene_image may be read once true.
bool scene_images_done(scene_images *images, uint32_t i);
// The images array without joining (read an entry only once it is done).
scene_image *scene_images_finished_array(scene_images *images);
// Blocks until every image's decode is over.
void scene_images_wait(scene_images *images);

// ---- scene_deferred.c: textures decoding after a .defer_textures load ----------
// Takes over doc (the image bytes live in it) and images; on failure frees both.
stoa_result scene_deferred_start(stoa_scene *scene, scene_doc *doc, scene_images **images,
                                 stoa_error *err);
void scene_deferred_destroy(stoa_scene *scene);
// Gives texture i its pixels (see scene_material.c); images may be NULL.
stoa_result scene_texture_resolve(scene_doc *doc, stoa_scene *scene, uint32_t i,
                                  scene_image *images, stoa_error *err);

stoa_result scene_build_materials(scene_doc *doc, stoa_scene *scene, scene_image *images,
                                  stoa_error *err);
stoa_result scene_build_skins(scene_doc *doc, stoa_scene *scene, const int32_t *node_map,
                              stoa_error *err);
stoa_result scene_build_animations(scene_doc *doc, stoa_scene *scene, const int32_t *node_map,
                                   stoa_error *err);
void scene_compute_bounds(stoa_scene *scene);

// Small math shared by pose and bounds (column-major float[16]).
void scene_trs_matrix(const float t[3], const float r[4], const float s[3], float out[16]);
void scene_mat_mul(const float a[16], const float b[16], float out[16]);
void scene_mat_point(const float m[16], const float p[3], float out[3]);

// World-space positions of mesh `mesh` as drawn by `node` under `pose`:
// morph targets, then skinning (straight to world) or the node's matrix.
// out holds vertex_count * 3 floats.
void scene_instance_positions(const stoa_pose *pose, uint32_t node, uint32_t mesh, float *out);

// Stage timers (scene_stages.c): t = scene_stage_begin(); ...;
// scene_stage_end(STOA_SCENE_STAGE_X, t). begin returns 0 when timing is off.
uint64_t scene_stage_begin(void);
void scene_stage_end(stoa_scene_stage stage, uint64_t begun);

// ---- levels of detail (scene_lod.c, scene_lod_later.c) ------------------------------
// stoa_scene_build_lods that stops between meshes once *cancel is set (then
// STOA_ERROR_STATE and no levels).
stoa_result scene_build_lods_cancellable(stoa_scene *scene, atomic_bool *cancel,
                                         stoa_error *err);
// How many meshes stoa_scene_build_lods would simplify.
uint32_t scene_lod_meshes(const stoa_scene *scene);
// .defer_lods: starts the background thread (scene->lods_later) when some
// mesh gets levels.
stoa_result scene_lod_later_start(stoa_scene *scene, stoa_error *err);
// Any thread: waits for the thread's levels; the copy that holds them, or
// NULL when the scene has no background levels. _failed: none were made.
const stoa_scene *scene_lod_later_wait(const stoa_scene *scene);
bool scene_lod_later_failed(const stoa_scene *scene);
// Cancels the thread (if running) and joins it / and frees the job.
void scene_lod_later_stop(stoa_scene *scene);
void scene_lod_later_destroy(stoa_scene *scene);

// ---- scene_gate.c: background work held until the first frame -------------------
// (stoa_scene_load_desc.hold_background). NULL gates are open. _pass waits
// until the gate opens or its time is up (a background thread's first step).
scene_gate *scene_gate_create(void);
void scene_gate_open(scene_gate *gate);
void scene_gate_pass(scene_gate *gate);
bool scene_gate_is_open(const scene_gate *gate);
void scene_gate_destroy(scene_gate **gate);

// ---- scene_native.c: geometry without Assimp ---------------------------------------
// Whether every primitive Assimp would import (mesh_rank[m] >= 0) can be
// read directly to the same result; then scene_native_mesh reads primitive
// `at` into m (name, material, positions, normals, tangents, indices, morph
// targets, room for joints and weights), and scene_finish_mesh completes it.
bool scene_native_ok(scene_doc *doc, const int32_t *mesh_rank);
// A primitive as the caller's walk of the JSON found it (cJSON's arrays are
// lists: looking items up by index in a loop is quadratic).
typedef struct scene_native_prim {
    const cJSON *mesh, *prim;
    uint32_t mesh_index, prim_index, prim_count;
} scene_native_prim;
stoa_result scene_native_mesh(scene_doc *doc, const scene_native_prim *at, stoa_mesh *m,
                              const char *where, stoa_error *err);

// ---- scene_import.c / scene_assimp.c ----------------------------------------------
// What every mesh gets, however it was read: the accessors' own TEXCOORD,
// COLOR_0, JOINTS_0/WEIGHTS_0 and quantized data (scene_attrs.c), the check
// that POSITION is finite, the bounds.
stoa_result scene_finish_mesh(scene_doc *doc, const cJSON *prim, stoa_mesh *m, const char *where,
                              stoa_error *err);
// Runs Assimp and converts its meshes: mesh_rank and ai_first from the lazy
// walk (scene_import.c), total the number of primitives Assimp imports;
// fills scene->meshes, first[m] and prims[m] as scene_import_meshes says.
stoa_result scene_assimp_meshes(scene_doc *doc, stoa_scene *scene, const int32_t *mesh_rank,
                                const uint32_t *ai_first, uint32_t total, uint32_t *first,
                                uint32_t *prims, stoa_error *err);
