// SPDX-License-Identifier: Apache-2.0
// Stoa's own scene: flat arrays imported from glTF 2.0 through Assimp.
// Assimp's types never leave runtime/scene; everything here is plain C.
//
// Lifetimes: stoa_scene_load() allocates a scene that the caller frees with
// stoa_scene_destroy(&scene) (which NULLs the pointer). Every pointer inside
// a scene is owned by it. A pose (stoa_pose_create) refers to its scene and
// must be destroyed before it.
//
// Conventions: right-handed, +Y up, metres (as glTF). Matrices are float[16],
// column-major (cglm's mat4 layout). Quaternions are x, y, z, w.
// Index fields are int32_t with -1 meaning "none".
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stoa_result.h"

// ---- textures --------------------------------------------------------------

typedef struct stoa_sampler {
    int mag_filter; // glTF enums: 9728 NEAREST, 9729 LINEAR (0 = default linear)
    int min_filter; // 9728..9987 (0 = default linear-mipmap-linear)
    int wrap_s;     // 33071 CLAMP_TO_EDGE, 33648 MIRRORED_REPEAT, 10497 REPEAT (0 = repeat)
    int wrap_t;
} stoa_sampler;

typedef struct stoa_texture {
    char *name;       // image URI or "embedded #N"; never NULL
    uint32_t width;   // decoded size in pixels
    uint32_t height;
    uint8_t *rgba;    // width*height*4 bytes, 8-bit RGBA, row 0 at the top
    stoa_sampler sampler;
    bool placeholder; // true when the image was missing/corrupt: a visible
                      // magenta/black checker stands in for it
    bool pending;     // still decoding (load with .defer_textures): rgba NULL,
                      // width/height 0 until stoa_scene_textures_ready fills it
    // From the baked scene cache (stoa_scene_cache.h): levels 1.. of the full
    // mip chain, packed tightly, averaged as colour when mips_srgb; else NULL.
    const uint8_t *mips;
    bool mips_srgb;
    // From a cache file baked for a GPU format (stoa_scene_texfmt.h): the
    // whole chain in `gpu_format` (a stoa_texfmt), level 0 to 1x1, packed,
    // blocks_size bytes; rgba and mips are then NULL. 0 (RGBA8): none.
    uint32_t gpu_format;
    const uint8_t *blocks;
    size_t blocks_size;
} stoa_texture;

typedef struct stoa_texture_ref {
    int32_t texture;   // index into scene->textures, -1 for none
    uint32_t texcoord; // which UV set, 0 or 1
    float scale;       // normalTexture.scale / occlusionTexture.strength, else 1
    // KHR_texture_transform: uv' = (m[0] u + m[1] v + m[2], m[3] u + m[4] v + m[5]).
    // Only read when `transformed` (false = identity, so {-1, 0, 1} stays valid).
    bool transformed;
    float uv_matrix[6];
} stoa_texture_ref;

// ---- materials -------------------------------------------------------------

typedef enum stoa_alpha_mode {
    STOA_ALPHA_OPAQUE = 0,
    STOA_ALPHA_MASK,
    STOA_ALPHA_BLEND,
} stoa_alpha_mode;

typedef struct stoa_material {
    char *name;
    float base_color[4]; // linear RGBA factor
    float metallic;
    float roughness;
    float emissive[3]; // linear RGB factor
    stoa_texture_ref base_color_tex;
    stoa_texture_ref metallic_roughness_tex; // G = roughness, B = metallic
    stoa_texture_ref normal_tex;
    stoa_texture_ref occlusion_tex; // R channel
    stoa_texture_ref emissive_tex;
    stoa_alpha_mode alpha_mode;
    float alpha_cutoff; // for STOA_ALPHA_MASK, default 0.5
    bool double_sided;
    bool unlit; // KHR_materials_unlit, where Assimp reports it
} stoa_material;

// ---- meshes ----------------------------------------------------------------

typedef struct stoa_morph_target {
    float *positions; // vertex_count * 3 deltas, never NULL
    float *normals;   // vertex_count * 3 deltas or NULL
    float *tangents;  // vertex_count * 3 deltas or NULL
} stoa_morph_target;

// One glTF primitive (Assimp splits a glTF mesh into one mesh per primitive).
// Always triangles; Stoa drops points and lines with a warning.
typedef struct stoa_mesh {
    char *name;
    uint32_t vertex_count;
    uint32_t index_count; // multiple of 3
    float *positions;     // vertex_count * 3, never NULL
    float *normals;       // vertex_count * 3, never NULL (generated when absent)
    float *tangents;      // vertex_count * 4 (xyz, w = handedness) or NULL
    float *uv0;           // vertex_count * 2 or NULL
    float *uv1;           // vertex_count * 2 or NULL
    float *colors;        // vertex_count * 4 linear RGBA or NULL
    uint16_t *joints;     // vertex_count * 4 (indices into the skin's joints) or NULL
    float *weights;       // vertex_count * 4, normalised, or NULL
    uint32_t *indices;    // index_count
    int32_t material;     // index into scene->materials; -1 = default grey
    int32_t skin;         // index into scene->skins or -1
    uint32_t morph_target_count;
    stoa_morph_target *morph_targets;
    float *default_weights; // morph_target_count, or NULL when count is 0
    float bounds_min[3];    // of the rest positions, mesh space
    float bounds_max[3];
} stoa_mesh;

// A coarser level of detail of a mesh (scene_lod.c): the same vertices,
// fewer triangles, made by meshoptimizer's simplifier with the mesh's border
// locked (tiles of a scan stay joined whatever level each one draws).
typedef struct stoa_mesh_lod {
    uint32_t mesh;        // index into scene->meshes
    uint32_t index_count; // multiple of 3, fewer than the level before
    uint32_t *indices;    // into the mesh's own vertices
    float error;          // mesh-space distance the level may stray from the mesh (metres
                          // before the node's scale), at least the level before's
} stoa_mesh_lod;

// ---- nodes, skins, cameras, lights ----------------------------------------

// Nodes are stored parents-first: nodes[i].parent < i, so one forward pass
// computes world transforms. Root nodes have parent -1.
typedef struct stoa_node {
    char *name; // never NULL ("" when unnamed)
    int32_t parent;
    float translation[3];
    float rotation[4]; // x, y, z, w
    float scale[3];
    uint32_t mesh_count;
    uint32_t *meshes; // indices into scene->meshes
    int32_t camera;   // index into scene->cameras or -1
    int32_t light;    // index into scene->lights or -1
} stoa_node;

typedef struct stoa_skin {
    char *name;
    uint32_t joint_count;
    uint32_t *joints;       // node indices
    float *inverse_bind;    // joint_count * 16
} stoa_skin;

typedef enum stoa_camera_type {
    STOA_CAMERA_PERSPECTIVE = 0,
    STOA_CAMERA_ORTHOGRAPHIC,
} stoa_camera_type;

typedef struct stoa_camera {
    char *name;
    int32_t node;        // the node that carries it
    stoa_camera_type type;
    float yfov;          // radians (perspective)
    float aspect;        // 0 = use the target's aspect
    float znear, zfar;   // zfar 0 = infinite
    float xmag, ymag;    // orthographic half-extents
} stoa_camera;

typedef enum stoa_light_type {
    STOA_LIGHT_DIRECTIONAL = 0,
    STOA_LIGHT_POINT,
    STOA_LIGHT_SPOT,
} stoa_light_type;

typedef struct stoa_light {
    char *name;
    int32_t node; // direction is the node's -Z, position its origin
    stoa_light_type type;
    float color[3];
    float intensity; // lux (directional) or candela (point/spot), as glTF
    float range;     // 0 = infinite
    float inner_cone, outer_cone; // radians (spot)
} stoa_light;

// ---- animation -------------------------------------------------------------

typedef enum stoa_anim_path {
    STOA_ANIM_TRANSLATION = 0,
    STOA_ANIM_ROTATION,
    STOA_ANIM_SCALE,
    STOA_ANIM_WEIGHTS,
} stoa_anim_path;

typedef enum stoa_interp {
    STOA_INTERP_LINEAR = 0, // slerp for rotations
    STOA_INTERP_STEP,
    STOA_INTERP_CUBIC, // glTF CUBICSPLINE: values hold in-tangent, value, out-tangent
} stoa_interp;

typedef struct stoa_anim_channel {
    int32_t node;
    stoa_anim_path path;
    stoa_interp interp;
    uint32_t key_count;
    float *times;       // key_count, ascending, seconds
    uint32_t components; // 3 (T, S), 4 (R), or the morph target count (weights)
    float *values;      // key_count * components (* 3 for CUBIC)
} stoa_anim_channel;

typedef struct stoa_animation {
    char *name;
    float duration; // seconds: the last key time over all channels
    // Channels whose target is not in the loaded scene are dropped (warning).
    uint32_t channel_count;
    stoa_anim_channel *channels;
} stoa_animation;

// ---- the scene -------------------------------------------------------------

typedef struct stoa_scene {
    char *path; // as given to stoa_scene_load
    uint32_t node_count, mesh_count, material_count, texture_count;
    uint32_t skin_count, camera_count, light_count, animation_count;
    stoa_node *nodes;
    stoa_mesh *meshes;
    stoa_material *materials;
    stoa_texture *textures;
    stoa_skin *skins;
    stoa_camera *cameras;
    stoa_light *lights;
    stoa_animation *animations;
    uint64_t triangle_count; // over all mesh instances in the node tree
    float bounds_min[3];     // world-space bounds at rest pose
    float bounds_max[3];
    uint32_t warning_count;
    char **warnings; // things an author should fix; the scene still loaded
    // Private: image decodes still running after a .defer_textures load
    // (NULL once every texture is ready).
    struct scene_deferred *deferred;
    // Private: the baked scene cache's mapping (arrays may point into it)
    // and its writer (stoa_scene_cache.h); NULL without .use_cache.
    struct scene_baked *baked;
    // Levels of detail (stoa_scene_build_lods; made at load unless .no_lods):
    // mesh m's coarser levels are lods[mesh_lod_first[m] .. mesh_lod_first[m + 1]),
    // finer first. mesh_lod_first has mesh_count + 1 entries, or is NULL
    // (lod_count 0) when no mesh has levels. Owned by the scene.
    uint32_t lod_count;
    stoa_mesh_lod *lods;
    uint32_t *mesh_lod_first;
    // Private: levels still being made after a .defer_lods load (see
    // stoa_scene_lods_ready); NULL without .defer_lods.
    struct scene_lod_later *lods_later;
    // Private: the gate of a .hold_background load's background work.
    struct scene_gate *gate;
} stoa_scene;

// Called on the loading thread as loading advances (fraction 0..1, a short
// stage name such as "geometry" or "textures"), e.g. for a progress bar.
typedef void (*stoa_scene_progress_fn)(void *user, float fraction, const char *stage);

typedef struct stoa_scene_load_desc {
    // 0 = default (256 MiB). Files over this fail with STOA_ERROR_LIMIT.
    uint64_t max_file_size;
    // By default tangents are generated (Assimp's CalcTangentSpace) for
    // meshes with UVs but no TANGENT attribute; true keeps only the file's.
    bool no_generated_tangents;
    stoa_scene_progress_fn progress; // optional
    void *progress_user;
    // Return as soon as everything but image pixels is ready: textures whose
    // image is still decoding are `pending` (rgba NULL, size 0). Call
    // stoa_scene_textures_ready to collect them. Off by default: the load
    // waits for every image.
    bool defer_textures;
    // Load through the baked scene cache (stoa_scene_cache.h): a valid cache
    // file is mapped instead of importing; otherwise the scene is imported
    // and its cache file written on a background thread. cache_dir NULL =
    // stoa_scene_cache_dir's default ($STOA_SCENE_CACHE, XDG cache folder).
    bool use_cache;
    const char *cache_dir;
    // No levels of detail (stoa_scene_build_lods is not run).
    bool no_lods;
    // The GPU texture format a cache file is baked for (a
    // stoa_texture_target, stoa_scene_texfmt.h; 0 = auto: what the device
    // samples). Part of the cache key. Without use_cache: ignored.
    uint32_t texture_target;
    // Levels of detail made on a background thread after the load returns
    // (a first load shows the scene at full detail sooner); the scene has
    // none until stoa_scene_lods_ready takes them in. A scene cache file
    // written by the load holds them all the same. A cache hit has its
    // levels at once. Ignored with .no_lods.
    bool defer_lods;
    // The load's background work (image decodes of .defer_textures, levels
    // of .defer_lods, the cache writer of .use_cache) waits, its threads
    // made, until stoa_scene_release_background: call it once the first
    // frame that draws the scene is submitted, so that on a small machine
    // the load, its upload and that frame have the cores to themselves.
    // Waiting for any of it (stoa_scene_textures_ready or
    // stoa_scene_lods_ready with wait, stoa_scene_cache_wait) and destroying
    // the scene release it too; it starts by itself 2 s after the load began
    // at the latest.
    bool hold_background;
} stoa_scene_load_desc;

// Loads .gltf (with .bin / data URIs) or .glb. Every file the scene refers
// to must lie inside the scene file's folder. On failure returns < 0, leaves
// *out_scene NULL and fills err with a message naming the file and the fault
// (JSON field, or line:column for broken JSON). A missing or corrupt texture
// is not a failure: it becomes a placeholder and a warning.
//
// What is loaded: the default scene (glTF "scene", else scenes[0]); nodes
// reachable from it; the meshes those nodes use, in glTF mesh order (one
// stoa_mesh per triangle primitive); every material, texture, skin and
// animation of the file. Cameras and lights are per node that carries one.
// Images are decoded on worker threads while Assimp reads the geometry
// (with .defer_textures they go on after the call returns; the scene owns
// those threads and joins them in stoa_scene_textures_ready or destroy).
// Safe to call from any thread; Assimp's error text is process-global, so
// two loads failing at the same moment may swap their Assimp messages.
stoa_result stoa_scene_load(const char *path, const stoa_scene_load_desc *desc,
                            stoa_scene **out_scene, stoa_error *err);
// Destroying a scene with decodes still running stops them (an image being
// decoded is finished first) and frees everything: no thread outlives it.
void stoa_scene_destroy(stoa_scene **scene);

// After a .defer_textures load: moves finished decodes into their textures
// (rgba set, pending false; a missing or corrupt image becomes the checker
// and a warning, as in a normal load) and returns how many textures are
// still pending. wait = true blocks until every decode is done (returns 0).
// Call on one thread at a time, the scene's owner; a scene loaded without
// defer_textures always returns 0. Each texture's pixels equal a normal
// load's.
uint32_t stoa_scene_textures_ready(stoa_scene *scene, bool wait);

// Levels of detail for every mesh of at least STOA_LOD_MIN_TRIANGLES
// triangles that is neither skinned nor morphed: about a quarter of the
// triangles each level, down to a few hundred, stopping when the simplifier
// cannot take a quarter away. Replaces levels made before. stoa_scene_load
// calls it (unless .no_lods); a scene cache may store the arrays instead.
// Meshes are simplified on a few worker threads. Fails only when out of memory.
#define STOA_LOD_MIN_TRIANGLES 1024u
stoa_result stoa_scene_build_lods(stoa_scene *scene, stoa_error *err);
// After a .defer_lods load: true when the scene has its final levels of
// detail (taken in now if the background thread has made them; wait = true
// blocks until it has), false while they are still being made. True at once
// for a scene loaded without .defer_lods. Call on the scene's owner thread;
// the levels arrays appear between two calls, never while the caller reads.
bool stoa_scene_lods_ready(stoa_scene *scene, bool wait);
void stoa_scene_free_lods(stoa_scene *scene);
// After a .hold_background load: lets its background work go (see there).
// Any thread; cheap once released (a frame loop may call it every frame).
void stoa_scene_release_background(stoa_scene *scene);

// Stage timers (`stoa bench load --stages`, or STOA_SCENE_STAGES=1 for the
// whole process): wall time summed per stage over every stoa_scene_load
// since the last reset, on whichever thread ran it (the cache writer runs
// after the load returns; levels of detail may too, see .lods_later).
// Off by default; when off each stage costs two relaxed atomic loads.
typedef enum stoa_scene_stage {
    STOA_SCENE_STAGE_KEY,      // the cache key: reading and hashing the sources (or the memo)
    STOA_SCENE_STAGE_READ,     // reading the scene file
    STOA_SCENE_STAGE_JSON,     // parsing its JSON
    STOA_SCENE_STAGE_VALIDATE, // Stoa's checks of the document
    STOA_SCENE_STAGE_MESHOPT,  // EXT_meshopt_compression decoding
    STOA_SCENE_STAGE_ASSIMP,   // Assimp's import of the geometry (tangents included)
    STOA_SCENE_STAGE_CONVERT,  // Assimp's meshes to Stoa's, attributes from the accessors
    STOA_SCENE_STAGE_BUILD,    // nodes, materials, skins, animations, bounds
    STOA_SCENE_STAGE_LODS,     // levels of detail (meshoptimizer), on the load's path
    STOA_SCENE_STAGE_LODS_BG,  // the same after the load returned (.defer_lods; background)
    STOA_SCENE_STAGE_WRITE,    // writing the cache file (background; waits for lods_bg)
    STOA_SCENE_STAGE_COUNT
} stoa_scene_stage;
void stoa_scene_stages_enable(bool enable);
void stoa_scene_stages_reset(void);
double stoa_scene_stage_ms(stoa_scene_stage stage);
const char *stoa_scene_stage_name(stoa_scene_stage stage);

// The Assimp post-processing flags stoa_scene_load uses (aiPostProcessSteps
// bits), so that a benchmark can time Assimp's bare import of the same work.
uint32_t stoa_scene_import_flags(void);

// Index of the first node with that name, or -1.
int32_t stoa_scene_find_node(const stoa_scene *scene, const char *name);
int32_t stoa_scene_find_animation(const stoa_scene *scene, const char *name);

// ---- pose: the scene at a point in time -------------------------------------

typedef struct stoa_pose stoa_pose;

stoa_pose *stoa_pose_create(const stoa_scene *scene);
void stoa_pose_destroy(stoa_pose **pose);
// The scene the pose was created for.
const stoa_scene *stoa_pose_scene(const stoa_pose *pose);
// Back to the rest pose (the nodes' own TRS and the meshes' default weights).
void stoa_pose_reset(stoa_pose *pose);
// Makes dst (a pose of the same scene) what src is now: local transforms,
// world matrices, joints, morph weights. For a worker that needs a pose
// that holds still (a BVH built off the frame thread). False when the
// poses belong to different scenes.
bool stoa_pose_copy(stoa_pose *dst, const stoa_pose *src);
// Applies animation `anim` sampled at time t (clamped to [0, duration]).
// Call reset first for a clean pose; several animations may be layered.
void stoa_pose_apply_animation(stoa_pose *pose, uint32_t anim, float t);
// Overrides one node's local TRS (grabbing, show/hide via scale, teleport).
void stoa_pose_set_local(stoa_pose *pose, uint32_t node, const float t[3], const float r[4],
                         const float s[3]);
// Computes world matrices and joint matrices from the local TRS.
void stoa_pose_update(stoa_pose *pose);

const float *stoa_pose_world(const stoa_pose *pose, uint32_t node);        // float[16]
// joint_count matrices: world(joint) * inverse_bind; skinned vertices go
// straight to world space (the mesh node's own transform is not applied).
const float *stoa_pose_joint_matrices(const stoa_pose *pose, uint32_t skin);
// Morph weights of the meshes on `node` (glTF weights are per node/mesh);
// returns the count through out_count; NULL when the node has no morph targets.
const float *stoa_pose_morph_weights(const stoa_pose *pose, uint32_t node, uint32_t *out_count);
// World-space bounds of the posed scene, over every vertex after morphing
// and skinning on the CPU.
void stoa_pose_bounds(const stoa_pose *pose, float out_min[3], float out_max[3]);

// ---- picking ---------------------------------------------------------------

typedef struct stoa_bvh stoa_bvh;

// Builds a BVH over every triangle of the posed scene in world space
// (morphed and skinned on the CPU, as drawn). Rebuild it after the pose
// changes. NULL when out of memory.
stoa_bvh *stoa_bvh_build(const stoa_scene *scene, const stoa_pose *pose);
// Rays pass through nodes with hidden[node] set and everything under them
// (a lesson's hidden nodes catch no ray) until the next call; hidden NULL
// shows every node again. O(nodes): no rebuild. The array is read here only.
// False when out of memory (the BVH then hides nothing).
bool stoa_bvh_set_hidden(stoa_bvh *bvh, const stoa_scene *scene, const bool *hidden);
void stoa_bvh_destroy(stoa_bvh **bvh);

typedef struct stoa_ray_hit {
    int32_t node;     // the node whose mesh was hit
    int32_t mesh;
    uint32_t triangle;
    float point[3];   // world space
    float distance;   // along the normalised direction
} stoa_ray_hit;

// Nearest hit of the ray within max_distance (dir need not be normalised;
// max_distance <= 0 means unlimited). Both faces of a triangle count.
// Returns true and fills out_hit on a hit.
bool stoa_scene_raycast(const stoa_bvh *bvh, const float origin[3], const float dir[3],
                        float max_distance, stoa_ray_hit *out_hit);

// ---- the glTF's own extras for Stoa (scene_extras.c, docs/environment.md) ----

#define STOA_SCENE_EXTRAS_MAX_NODES 4096

// What a glTF asks of Stoa in `asset.extras.stoa`, `scenes[n].extras.stoa`
// (the default scene's win) and `nodes[i].extras.stoa`. Strings are empty
// when the glTF says nothing; fini frees env_nodes.
typedef struct stoa_scene_extras {
    char sky_time[8];              // "HH:MM" or "off" (stoa.sky / stoa.sky.time)
    char sky_shadows[8];           // off|low|high|auto (stoa.sky.shadows)
    char environment[4096];        // the environment image's path, confined to the glTF's folder
    char environment_field[96];    // where it was named ("scenes[0].extras.stoa.environment")
    float environment_intensity;   // stoa.environment.intensity (1 when not given)
    uint32_t env_node_count;       // nodes marked {"stoa": {"environment": true}}, by name
    char **env_nodes;
} stoa_scene_extras;

// Reads the extras of the glTF (or .glb: its JSON chunk only) at path.
// Errors name the file and the field; *out is then empty.
stoa_result stoa_scene_extras_read(const char *path, stoa_scene_extras *out, stoa_error *err);
// The same from the file's bytes (a fuzz harness's entry); path names it in
// errors and is the folder the environment image is confined to.
stoa_result stoa_scene_extras_parse(const char *path, const uint8_t *bytes, size_t size,
                                    stoa_scene_extras *out, stoa_error *err);
void stoa_scene_extras_fini(stoa_scene_extras *x);

// An equirectangular environment image (scene_envmap.c): width = 2 x height,
// row 0 the zenith, the centre column north (-Z), +X a quarter to the right.
// PNG, JPEG or WebP (sRGB, decoded to linear) or Radiance .hdr (linear), at
// most 8192 x 4096 and at least 16 x 8, resampled to exactly
// STOA_SCENE_ENV_WIDTH x STOA_SCENE_ENV_HEIGHT linear RGB floats, times
// intensity. Caller free()s out->rgb.
#define STOA_SCENE_ENV_WIDTH 512
#define STOA_SCENE_ENV_HEIGHT 256
#define STOA_SCENE_ENV_MAX_WIDTH 8192
typedef struct stoa_scene_env_image {
    uint32_t width, height;
    float *rgb;
} stoa_scene_env_image;
stoa_result stoa_scene_env_image_load(const char *path, float intensity,
                                      stoa_scene_env_image *out, stoa_error *err);
