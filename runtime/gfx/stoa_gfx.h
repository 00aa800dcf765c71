// SPDX-License-Identifier: Apache-2.0
// Stoa's Vulkan renderer: device, render targets, scene upload, PBR drawing.
//
// The same code draws a desktop preview (a GLFW swapchain), a headset (OpenXR
// swapchain images with two array layers, one pass with multiview) and
// headless pictures (offscreen images read back to PNG). OpenXR types never
// appear here: runtime/xr passes plain Vulkan handles and callbacks.
//
// Objects and lifetimes (destroy in the reverse order of creation):
//   stoa_gfx_device    instance, physical device, device, queue, memory,
//                      upload. Owns the Vulkan handles it created (not those
//                      handed in through stoa_gfx_device_desc.existing).
//   stoa_gfx_renderer  pipelines (cached per material variant and target
//                      kind), samplers, per-frame ring buffers. Needs its device.
//   stoa_gfx_target    the images drawn into: N layers of colour (+ depth),
//                      allocated by Stoa (offscreen, readable) or supplied by the
//                      caller (swapchain images, which the caller keeps owning).
//   stoa_gfx_scene     a stoa_scene on the GPU. It copies what it needs: the
//                      stoa_scene may be destroyed after stoa_gfx_scene_create.
// Every create returns a stoa_result, leaves *out NULL on failure and fills
// err. Every destroy takes T **, accepts NULL and NULLs the pointer.
// Frame-fenced destruction: stoa_gfx_scene_destroy never waits. Once the
// caller has recorded frames of its own with stoa_gfx_render, a destroyed
// scene is kept until the stoa_gfx_begin_frame of frames_in_flight frames
// later (by then the GPU is done with it, the same contract that lets the
// per-frame buffers be reused), or until the renderer is destroyed. Targets,
// renderers and devices are not deferred: call stoa_gfx_device_wait_idle
// before destroying those (teardown, not the frame path).
//
// Conventions: matrices are float[16] column-major (cglm's mat4). Views use
// Vulkan clip space: y points down, depth 0..1 (stoa_gfx_projection_* build
// such matrices). Colours are linear RGBA.
//
// Validation: with STOA_VALIDATION=1 in the environment (or desc.validation =
// STOA_GFX_VALIDATION_ON) the Khronos validation layer is enabled; every
// WARNING or ERROR message is logged through stoa_log("gfx") and counted
// (stoa_gfx_validation_message_count). INFO and VERBOSE messages are ignored.
// Threading: one thread at a time per device and everything made from it
// (the renderer's thread), except stoa_gfx_scene_upload_begin, _prepare and
// _fill, which loader threads may run beside it (see there).
// (stoa_gfx_scene_create writes texture pixels on a few short-lived worker
// threads of its own; they are gone when it returns.)
//
// Texture upload: one command buffer and one submit per scene (plus one per
// stoa_gfx_scene_update_textures call that finds textures to upload). GPUs get
// level 0 through a staging buffer and the mip chain by blits; CPU devices
// (lavapipe) get linear images written in place with mips made on the CPU.
// STOA_GFX_TEXTURES=blit|cpu forces the blit path (where supported) or CPU
// mips through staging, e.g. to test those paths on lavapipe.
//
// Shading: glTF metallic-roughness with GGX specular and Lambert diffuse,
// punctual lights from the scene (up to 8) or, when it has none, a default
// rig (key, fill, hemisphere ambient); normal maps (a tangent frame derived
// per pixel when a mesh has no tangents), occlusion, emissive, vertex
// colours, alpha MASK/BLEND (blended draws sorted back to front), double
// sided, unlit; skinning and morph targets on the GPU. Not yet: image-based
// lighting, KHR_texture_transform, morphed tangents.
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "core/stoa_result.h"

typedef struct stoa_scene stoa_scene;
typedef struct stoa_pose stoa_pose;

typedef struct stoa_gfx_device stoa_gfx_device;
typedef struct stoa_gfx_renderer stoa_gfx_renderer;
typedef struct stoa_gfx_target stoa_gfx_target;
typedef struct stoa_gfx_scene stoa_gfx_scene;

// ---- device ------------------------------------------------------------------

typedef enum stoa_gfx_validation {
    STOA_GFX_VALIDATION_DEFAULT = 0, // on when env STOA_VALIDATION=1
    STOA_GFX_VALIDATION_ON,
    STOA_GFX_VALIDATION_OFF,
} stoa_gfx_validation;

// Hooks that let another API create the Vulkan objects its way (OpenXR's
// XR_KHR_vulkan_enable2: xrCreateVulkanInstanceKHR, xrGetVulkanGraphicsDevice2KHR,
// xrCreateVulkanDeviceKHR). Each receives the create-info Stoa built (layers,
// extensions, features chained in pNext) and may add to it in its own copy.
// Return VK_SUCCESS and fill the out handle, or a VkResult error. Any hook left
// NULL falls back to Stoa's own call. Handles made by hooks are still owned
// and destroyed by the stoa_gfx_device.
typedef struct stoa_gfx_device_hooks {
    void *user;
    VkResult (*create_instance)(void *user, const VkInstanceCreateInfo *info,
                                VkInstance *out_instance);
    // Chooses the physical device (default: the first with a graphics queue,
    // discrete GPUs first).
    VkResult (*pick_physical_device)(void *user, VkInstance instance,
                                     VkPhysicalDevice *out_physical_device);
    VkResult (*create_device)(void *user, VkPhysicalDevice physical_device,
                              const VkDeviceCreateInfo *info, VkDevice *out_device);
    // Called once the instance exists, e.g. for glfwCreateWindowSurface. The
    // surface returned is owned by the device from then on (destroyed after
    // the VkDevice, before the VkInstance); the queue family chosen supports
    // presenting to it.
    VkResult (*create_surface)(void *user, VkInstance instance, VkSurfaceKHR *out_surface);
} stoa_gfx_device_hooks;

// Handles created elsewhere. When desc.existing is set Stoa creates nothing at
// the instance/device level and destroys none of these. The device must have
// been created with a graphics queue at queue_family and (for stereo in one
// pass) the multiview feature enabled; say so through `multiview`.
typedef struct stoa_gfx_existing_handles {
    VkInstance instance;
    VkPhysicalDevice physical_device;
    VkDevice device;
    uint32_t queue_family;
    uint32_t queue_index;
    bool multiview;
} stoa_gfx_existing_handles;

typedef struct stoa_gfx_device_desc {
    stoa_gfx_validation validation;
    // Added to what Stoa needs, e.g. glfwGetRequiredInstanceExtensions() and
    // VK_KHR_swapchain. The strings must live until stoa_gfx_device_create returns.
    const char *const *instance_extensions;
    uint32_t instance_extension_count;
    const char *const *device_extensions;
    uint32_t device_extension_count;
    // No window system at all (no surface extensions are assumed). Purely
    // informative today: Stoa asks for no window-system extension itself.
    bool headless;
    const char *app_name; // NULL = "stoa"
    stoa_gfx_device_hooks hooks;
    const stoa_gfx_existing_handles *existing; // NULL = Stoa creates them
} stoa_gfx_device_desc;

// Raw handles for runtime/xr and runtime/desktop. Owned by the device.
typedef struct stoa_gfx_device_handles {
    VkInstance instance;
    VkPhysicalDevice physical_device;
    VkDevice device;
    uint32_t queue_family;
    uint32_t queue_index;
    VkQueue queue;
    VkSurfaceKHR surface; // from hooks.create_surface, else VK_NULL_HANDLE
    uint32_t api_version; // of the physical device
    bool multiview;       // VK_KHR_multiview (core 1.1) feature enabled
    // Whether STOA_GFX_STEREO_AUTO draws the views in one multiview pass.
    // False on drivers whose multiview is known wrong: Mesa 22.3's llvmpipe
    // drops or garbles triangles that cross the near plane in views >= 1
    // (a floor around the learner vanishes from the right eye).
    bool multiview_auto;
    uint32_t max_multiview_views;
} stoa_gfx_device_handles;

stoa_result stoa_gfx_device_create(const stoa_gfx_device_desc *desc, stoa_gfx_device **out_device,
                                   stoa_error *err);
void stoa_gfx_device_destroy(stoa_gfx_device **device);
const stoa_gfx_device_handles *stoa_gfx_device_get_handles(const stoa_gfx_device *device);
stoa_result stoa_gfx_device_wait_idle(stoa_gfx_device *device);

// A VkResult of a call made outside runtime/gfx (runtime/xr's fences, the
// desktop swapchain and mirror) as a stoa_result, with the same mapping gfx
// uses itself: VK_ERROR_DEVICE_LOST -> STOA_ERROR_DEVICE_LOST, out of memory
// -> STOA_ERROR_OUT_OF_MEMORY, anything else negative -> STOA_ERROR_VULKAN.
// Success codes (>= 0) give STOA_OK and leave err alone.
stoa_result stoa_gfx_vk_result(VkResult r, const char *call, stoa_error *err);

// Test hook (gfx_fault.c): with STOA_GFX_FAULT=device-lost@N in the
// environment, true once, for the submit of the Nth frame begun in the
// process: runtime/xr then makes no submit and takes VK_ERROR_DEVICE_LOST as
// its result. STOA_GFX_FAULT=frame-full@N makes frame N's stoa_gfx_render
// fail with STOA_ERROR_LIMIT (its per-frame buffer "full").
bool stoa_gfx_fault_device_lost(void);

// What the renderer did that can stall a frame, since start-up (process-wide,
// every device): `stoa run` reports the ones made on its frame path.
typedef struct stoa_gfx_stats {
    uint64_t device_idle_waits;   // vkDeviceWaitIdle calls made by Stoa
    uint64_t descriptor_pools;    // descriptor pools created (one per scene upload)
    uint64_t pipelines_created;   // graphics pipelines compiled
    uint64_t pipelines_while_recording; // of those, inside stoa_gfx_render: a stall
    uint64_t deferred_frees;      // scenes and buffers freed by the frame-fenced queue
    uint64_t texture_writes;      // stoa_gfx_scene_write_texture calls
    uint64_t draw_calls;          // vkCmdDrawIndexed calls recorded (per view pass)
    uint64_t instanced_draws;     // of those, drawing copies of one mesh at once (in a
                                  // batched indirect call, each such command counts)
    uint64_t instances_drawn;     // the copies those drew
    // Made by a thread while it was inside stoa_gfx_frame_scope: what the
    // frame path itself created (GPU objects: buffers, images, descriptor
    // pools, samplers, command pools, pipelines).
    uint64_t frame_descriptor_pools;
    uint64_t frame_objects;
    // Culling and levels of detail (gfx_batch.c), summed over the views of
    // every render call: divide by views_drawn for figures per eye.
    uint64_t views_drawn;     // views rendered (a stereo frame counts 2)
    uint64_t draws_visible;   // draws (mesh instances) drawn in those views
    uint64_t triangles_drawn; // triangles drawn, at the level each draw took
    uint64_t triangles_full;  // triangles every draw at full detail would have cost
    uint64_t texture_batches; // batches of streamed textures installed (gfx_stream.c)
    // Uploads submitted before any frame of the caller's and not waited for
    // (gfx_upload.c), and of those, ones that a scene destroyed before any
    // frame still had to wait for (their fence not yet signalled).
    uint64_t uploads_unwaited, upload_waits_on_destroy;
} stoa_gfx_stats;
stoa_gfx_stats stoa_gfx_stats_get(void);

// The same figures for one scene since it was made (stoa_gfx_render calls
// that drew it), so that a benchmark can tell the lesson's scene from the
// overlay drawn over it. Read on the thread that renders the scene.
typedef struct stoa_gfx_scene_stats {
    uint64_t renders;         // stoa_gfx_render calls
    uint64_t views_drawn;     // views of those calls
    uint64_t draw_calls;      // draw calls recorded (a multiview pass: one for all views)
    uint64_t indirect_commands; // of those, the commands inside batched indirect calls
    uint64_t draws_visible;   // mesh instances drawn, summed over views
    uint64_t triangles_drawn; // summed over views, at the level each draw took
    uint64_t triangles_full;  // every draw in every view at full detail
} stoa_gfx_scene_stats;
stoa_gfx_scene_stats stoa_gfx_scene_stats_get(const stoa_gfx_scene *scene);
// The scene's vertex streams on the GPU: their bytes, and (optional)
// out_quantised, the STOA_QUANT_* streams uploaded quantised
// (stoa_scene_quant.h; STOA_GFX_QUANT=off uploads floats), and
// out_geometry, the bytes of its vertex, index and morph buffers. Any thread.
uint64_t stoa_gfx_scene_vertex_bytes(const stoa_gfx_scene *scene, uint32_t *out_quantised,
                                     uint64_t *out_geometry);

// Marks the calling thread as on the frame path (on) or not (off), for the
// frame_* figures of stoa_gfx_stats. Loader threads never set it.
void stoa_gfx_frame_scope(bool on);

// Validation WARNING/ERROR messages seen since start-up (process-wide).
uint32_t stoa_gfx_validation_message_count(void);
// True when the layer was requested by desc or STOA_VALIDATION=1.
bool stoa_gfx_validation_requested(void);

// ---- renderer ----------------------------------------------------------------

typedef struct stoa_gfx_renderer_desc {
    // Frames the caller may have in flight on the GPU at once (0 = 2). The
    // per-frame data of stoa_gfx_begin_frame call i is reused by call
    // i + frames_in_flight: by then the GPU must be done with frame i.
    uint32_t frames_in_flight;
    // Per-frame ring buffer size for views, lights, joints, morph weights
    // (0 = 4 MiB). A frame that needs more fails with STOA_ERROR_LIMIT.
    uint32_t frame_buffer_bytes;
} stoa_gfx_renderer_desc;

stoa_result stoa_gfx_renderer_create(stoa_gfx_device *device, const stoa_gfx_renderer_desc *desc,
                                     stoa_gfx_renderer **out_renderer, stoa_error *err);
void stoa_gfx_renderer_destroy(stoa_gfx_renderer **renderer);

// ---- render targets ------------------------------------------------------------

typedef struct stoa_gfx_target_desc {
    uint32_t width, height;
    uint32_t layers;       // 0 or 1 = mono, 2 = stereo (array layers of each image)
    VkFormat color_format; // 0 = VK_FORMAT_R8G8B8A8_SRGB. For a UNORM format
                           // the shader encodes sRGB itself: both look the same.
    VkFormat depth_format; // 0 = VK_FORMAT_D32_SFLOAT (or D24/D16 if missing)
    bool no_depth;         // draw without a depth buffer (not recommended)
    uint32_t samples;      // 0 or 1 = no MSAA; 2, 4, 8: multisampled, resolved
                           // into the colour images at the end of the pass
    // Caller-supplied images (e.g. swapchain images), image_count of them,
    // created with COLOR_ATTACHMENT usage and `layers` array layers. The caller
    // keeps owning them. NULL: Stoa allocates one colour image that can be
    // read back (TRANSFER_SRC).
    uint32_t image_count;
    const VkImage *color_images;
    // Optional caller-supplied depth images (e.g. an OpenXR depth swapchain),
    // image_count of them, with depth_format. NULL: Stoa allocates one.
    const VkImage *depth_images;
    // Layout of a colour image when a render starts (UNDEFINED = contents are
    // discarded, which is fine since the pass clears) and when it ends
    // (0 = TRANSFER_SRC_OPTIMAL for Stoa's own images, COLOR_ATTACHMENT_OPTIMAL
    // for the caller's, which is what OpenXR wants back; a desktop swapchain
    // says PRESENT_SRC_KHR, or TRANSFER_DST_OPTIMAL to blit an overlay first).
    // Caller depth images end in DEPTH_STENCIL_ATTACHMENT_OPTIMAL, stored.
    VkImageLayout initial_layout;
    VkImageLayout final_layout;
    // Store depth (and the MSAA image) at the end of every render, so that a
    // later stoa_gfx_render with options.no_clear can draw more (controllers,
    // panels, another scene) over it, depth-tested against what is there.
    bool keep_contents;
} stoa_gfx_target_desc;

stoa_result stoa_gfx_target_create(stoa_gfx_renderer *renderer, const stoa_gfx_target_desc *desc,
                                   stoa_gfx_target **out_target, stoa_error *err);
void stoa_gfx_target_destroy(stoa_gfx_target **target);

// Reads layer `layer` of image 0 of a Stoa-allocated target into rgba
// (width*height*4 bytes, row 0 at the top, sRGB-encoded 8-bit). Waits for
// the GPU. The target must have been rendered into at least once.
stoa_result stoa_gfx_target_read_rgba(stoa_gfx_target *target, uint32_t layer, uint8_t *rgba,
                                      stoa_error *err);

// Writes 8-bit RGBA pixels to a PNG file (stb_image_write).
stoa_result stoa_gfx_write_png(const char *path, uint32_t width, uint32_t height,
                               const uint8_t *rgba, stoa_error *err);

// ---- views ---------------------------------------------------------------------

typedef struct stoa_gfx_view {
    float view[16];       // world -> eye (inverse of the eye's pose)
    float projection[16]; // eye -> Vulkan clip space
} stoa_gfx_view;

// From OpenXR-style angles in radians (angle_left and angle_down are
// negative for a usual fov). zfar 0 = infinite far plane.
void stoa_gfx_projection_fov(float angle_left, float angle_right, float angle_up,
                             float angle_down, float znear, float zfar, float out[16]);
// Symmetric: vertical fov in radians and width/height.
void stoa_gfx_projection_perspective(float yfov, float aspect, float znear, float zfar,
                                     float out[16]);
// A view matrix looking from eye at target with up (+Y usually).
void stoa_gfx_look_at(const float eye[3], const float target[3], const float up[3],
                      float out[16]);

// A view that fits the box [bmin, bmax] on screen, seen from `azimuth`
// radians around +Y (0 = from +Z, looking towards -Z; positive moves the eye
// towards +X) and `elevation` radians above the horizon; yfov in radians,
// aspect = width/height. Near and far planes hug the box. A pleasant 3/4
// view: azimuth 0.6, elevation 0.35.
void stoa_gfx_view_frame_bounds(const float bmin[3], const float bmax[3], float azimuth,
                                float elevation, float yfov, float aspect, stoa_gfx_view *out);

// ---- scenes --------------------------------------------------------------------

// Uploads vertex/index data, textures (with mip maps and samplers), materials,
// morph target deltas. The stoa_scene is only read during the call.
stoa_result stoa_gfx_scene_create(stoa_gfx_renderer *renderer, const stoa_scene *scene,
                                  stoa_gfx_scene **out_scene, stoa_error *err);
void stoa_gfx_scene_destroy(stoa_gfx_scene **scene);

// The same upload in three steps, so that a loader thread does all the slow
// part while the frame thread keeps drawing:
//   begin  (any thread): buffers, images, a descriptor pool and sets, the
//          upload's commands (in a command pool of its own); vertex data is
//          written; texture pixels are not. Safe beside the renderer's own
//          thread drawing and other uploads (memory and samplers are locked).
//   fill   (any one thread, once): texture levels made and written (the CPU
//          work, on a few workers of its own); touches no Vulkan object but
//          a flush of mapped memory. `scene` must stay alive until it returns.
//   end    (the renderer's thread, between frames): submits the upload to the
//          queue (without waiting while the caller records frames:
//          gfx_defer.c) and hands the scene over; it creates nothing.
// end always frees the upload; after a failed begin or fill it returns that
// error and *out_scene is NULL. The renderer must outlive an upload begun on
// it: end (or discard through end) every upload before destroying it.
typedef struct stoa_gfx_upload stoa_gfx_upload;
stoa_result stoa_gfx_scene_upload_begin(stoa_gfx_renderer *renderer, const stoa_scene *scene,
                                        stoa_gfx_upload **out_upload, stoa_error *err);
stoa_result stoa_gfx_scene_upload_fill(stoa_gfx_upload *upload, stoa_error *err);
stoa_result stoa_gfx_scene_upload_end(stoa_gfx_upload **upload, stoa_gfx_scene **out_scene,
                                      stoa_error *err);

// Levels of detail of a stoa_scene loaded with .defer_lods, once
// stoa_scene_lods_ready returned true: the GPU copy gets them (a new index
// buffer; the former one goes through the frame-fenced queue, nothing waits
// for the device). Does nothing, cheaply, when gs has levels already or the
// scene has none, so it may be called every frame (then STOA_OK; 1 when it
// added them). `scene` must be the stoa_scene gs was made from. On failure
// gs stays as it was (full detail).
stoa_result stoa_gfx_scene_add_lods(stoa_gfx_renderer *renderer, stoa_gfx_scene *gs,
                                    const stoa_scene *scene, stoa_error *err);
// The same with the GPU work off the renderer's thread: stoa_gfx_lods_start
// (once stoa_scene_lods_ready returned true) makes the new index buffer, its
// copy and the levels' arrays on a worker; stoa_gfx_lods_poll, on the
// renderer's thread each frame, submits it without waiting and swaps, once
// the worker is done (1 when added, and *job is then NULL), creating no GPU
// object there. *job NULL: nothing to add. stoa_gfx_lods_destroy before gs
// or scene goes (joins the worker, drops what it made).
typedef struct stoa_gfx_lods stoa_gfx_lods;
stoa_result stoa_gfx_lods_start(stoa_gfx_renderer *renderer, stoa_gfx_scene *gs,
                                const stoa_scene *scene, stoa_gfx_lods **job, stoa_error *err);
stoa_result stoa_gfx_lods_poll(stoa_gfx_lods **job, stoa_error *err);
void stoa_gfx_lods_destroy(stoa_gfx_lods **job);

// Textures of a stoa_scene loaded with .defer_textures that are still
// `pending` are drawn meanwhile with neutral 1x1 stand-ins (white base
// colour, metallic-roughness and occlusion: the material's factors alone;
// a flat normal; black emission). After stoa_scene_textures_ready has
// filled some, this uploads them and points the materials at them; it does
// nothing (cheaply) when none arrived, so it may be called every frame.
// `scene` must be the stoa_scene gs was made from, still alive.
// Synchronisation: nothing waits for the device. The arrived textures are
// uploaded with a submit that frames recorded later are ordered after, and
// the scene gets new descriptor sets (a new descriptor pool) pointing at
// them; the former sets, which frames in flight may still use, go through
// the frame-fenced queue (the frames_in_flight contract).
stoa_result stoa_gfx_scene_update_textures(stoa_gfx_renderer *renderer, stoa_gfx_scene *gs,
                                           const stoa_scene *scene, stoa_error *err);
// How many of gs's textures still show a stand-in.
uint32_t stoa_gfx_scene_pending_textures(const stoa_gfx_scene *gs);

// Streaming the pending textures in while frames are drawn (gfx_stream.c).
// A worker thread collects what finished decoding (stoa_scene_textures_ready:
// the stream owns that call while it runs), makes the images and fills their
// pixels and mip levels; stoa_gfx_stream_poll, on the renderer's thread
// between frames, submits each prepared batch without waiting, points the
// materials at it and starts their fade. A material shows its textures once
// all of them are in. start gives *out NULL (and needs no poll) when nothing
// is pending. destroy joins the worker and frees what was not committed: call
// it before destroying gs or sc. gs and sc must stay the pair gs was made from.
typedef struct stoa_gfx_stream stoa_gfx_stream;
stoa_result stoa_gfx_stream_start(stoa_gfx_scene *gs, stoa_scene *sc, stoa_gfx_stream **out,
                                  stoa_error *err);
// Commits what the worker prepared (if anything); fails on the worker's
// failure or the commit's. Cheap when nothing is ready.
stoa_result stoa_gfx_stream_poll(stoa_gfx_stream *stream, stoa_error *err);
// Every texture committed (true for NULL).
bool stoa_gfx_stream_done(const stoa_gfx_stream *stream);
void stoa_gfx_stream_destroy(stoa_gfx_stream **stream);
// The scene's clock for fading textures in (any monotonic seconds: a
// headset's display time, the wall clock): a material whose textures arrive
// fades from its stand-ins to them over fade_s seconds, starting at the next
// call. Never called, or fade_s 0: textures pop in. Call once per frame.
void stoa_gfx_scene_fade_clock(stoa_gfx_scene *gs, double now_s, float fade_s);

// Replaces the pixels of texture `texture` of gs (an index into the
// stoa_scene's textures) in place: same width and height as when the scene
// was made, 8-bit RGBA, row 0 first; its mip levels are made on the CPU here.
// Nothing waits: the pixels go to a staging buffer now, and the next
// stoa_gfx_render of gs copies them into the image before its render pass
// (frames still in flight keep sampling the old pixels until then). A
// different size gives STOA_ERROR_INVALID_ARGUMENT: make a new scene.
stoa_result stoa_gfx_scene_write_texture(stoa_gfx_renderer *renderer, stoa_gfx_scene *gs,
                                         uint32_t texture, const uint8_t *rgba, uint32_t width,
                                         uint32_t height, stoa_error *err);

// The same in two steps, so that the slow part (a staging buffer, the mip
// levels) runs off the renderer's thread:
//   prepare (any thread): checks the size, makes the staging buffer and the
//           levels. Reads only what never changes in gs; gs must stay alive.
//   queue   (the renderer's thread): hands the write to gs for its next
//           render; takes *write over (NULL after, queued or not).
// discard (any thread) frees a prepared write that will not be queued.
typedef struct stoa_gfx_texture_write stoa_gfx_texture_write;
stoa_result stoa_gfx_texture_write_prepare(stoa_gfx_renderer *renderer, const stoa_gfx_scene *gs,
                                           uint32_t texture, const uint8_t *rgba, uint32_t width,
                                           uint32_t height, stoa_gfx_texture_write **out_write,
                                           stoa_error *err);
stoa_result stoa_gfx_texture_write_queue(stoa_gfx_scene *gs, stoa_gfx_texture_write **write,
                                         stoa_error *err);
void stoa_gfx_texture_write_discard(stoa_gfx_renderer *renderer, stoa_gfx_texture_write **write);

// Scenes and buffers waiting in the frame-fenced queue.
uint32_t stoa_gfx_renderer_deferred_count(const stoa_gfx_renderer *renderer);
// Uploads made before the caller's first frame (stoa_gfx_scene_create,
// stoa_gfx_scene_upload_end) are submitted without waiting: the scene may be
// drawn at once, by a frame submitted after them on the same queue.
// stoa_gfx_renderer_finish_uploads waits until the device has done them all
// and frees their staging memory (benchmarks, tests; nothing else needs it:
// destroying a scene before any frame and the renderer's teardown wait).
void stoa_gfx_renderer_finish_uploads(stoa_gfx_renderer *renderer);

// ---- drawing -------------------------------------------------------------------

typedef enum stoa_gfx_stereo_mode {
    STOA_GFX_STEREO_AUTO = 0,  // one multiview pass when available and trusted
                               // (handles.multiview_auto), else one pass per view
    STOA_GFX_STEREO_MULTIVIEW, // fails with STOA_ERROR_UNSUPPORTED when unavailable
    STOA_GFX_STEREO_MULTIPASS, // one render pass per view (the fallback path)
} stoa_gfx_stereo_mode;

typedef struct stoa_gfx_render_options {
    float clear_color[4];   // linear RGBA; zero-initialised = transparent black
    stoa_gfx_stereo_mode stereo;
    bool no_skinning;       // draw skinned meshes in their bind pose (tests, debugging)
    bool no_morphing;       // ignore morph weights
    bool default_lights;    // use the default rig even when the scene has lights
    float exposure;         // multiplies the lit colour; 0 = 1.0
    // Draw over what the image holds instead of clearing: the target needs
    // keep_contents, and the image must still be as the previous render of
    // this frame left it (in final_layout).
    bool no_clear;
    // Nodes drawn with a glow added (a lesson's "highlight"): each listed node
    // and everything under it. rgb = colour, a = strength (0..1).
    const uint32_t *highlight_nodes;
    uint32_t highlight_count;
    float highlight_color[4];
    // Every draw in every view (no frustum culling), every mesh at full detail
    // (no levels). STOA_GFX_CULL=off / STOA_GFX_LOD=off do the same for a
    // whole process (benchmarks). lod_pixels: the screen error a level may
    // make, in pixels of the target (0 = 1 pixel).
    bool no_cull;
    bool no_lod;
    float lod_pixels;
    // One draw call per mesh (or per instanced copies) instead of one
    // indirect call per material (STOA_GFX_NO_BATCH=1 for a whole process).
    bool no_batch;
} stoa_gfx_render_options;

// Starts a new frame of the renderer's per-frame data (see frames_in_flight).
// Call once per frame before the stoa_gfx_render calls of that frame.
void stoa_gfx_begin_frame(stoa_gfx_renderer *renderer);

// Records the drawing of `scene` posed by `pose` into cmd (which the caller
// began and will submit), into image `image_index` of the target. views[i]
// goes to array layer i; view_count must equal the target's layer count.
// pose may be NULL (rest pose, node transforms from the scene); otherwise it
// must be a pose of the stoa_scene this scene was made from (a pose of
// another scene is refused). The pose is read during the call only. The CPU work here is per draw a push-constant
// update and, per frame, copying joint matrices and morph weights.
stoa_result stoa_gfx_render(stoa_gfx_renderer *renderer, VkCommandBuffer cmd,
                            stoa_gfx_target *target, uint32_t image_index,
                            const stoa_gfx_view *views, uint32_t view_count,
                            const stoa_gfx_scene *scene, const stoa_pose *pose,
                            const stoa_gfx_render_options *options, stoa_error *err);

// Headless convenience: begin_frame, record into a command buffer of its own,
// submit and wait. For image 0 of the target.
stoa_result stoa_gfx_render_now(stoa_gfx_renderer *renderer, stoa_gfx_target *target,
                                const stoa_gfx_view *views, uint32_t view_count,
                                const stoa_gfx_scene *scene, const stoa_pose *pose,
                                const stoa_gfx_render_options *options, stoa_error *err);

// Creates now every pipeline that drawing scene into target with the stereo
// mode will need (no_clear: drawn over, as options.no_clear), so that no
// pipeline is compiled while a frame is recorded. Pipelines are cached per renderer
// (and in the pipeline cache file: see gfx_cache.c); calling it again for
// the same scene costs a lookup.
stoa_result stoa_gfx_prepare(stoa_gfx_renderer *renderer, stoa_gfx_target *target,
                             const stoa_gfx_scene *scene, stoa_gfx_stereo_mode stereo,
                             bool no_clear, stoa_error *err);

// The render pass drawing into target with the stereo mode uses (no_clear as
// in stoa_gfx_prepare), taken on the renderer's thread so that a loader
// thread can make a new scene's pipelines without touching the target:
// render passes belong to the renderer and live as long as it does.
typedef struct stoa_gfx_pass_info {
    VkRenderPass pass;
    uint32_t samples;
    bool multiview;
} stoa_gfx_pass_info;
stoa_result stoa_gfx_target_pass_info(stoa_gfx_renderer *renderer, const stoa_gfx_target *target,
                                      stoa_gfx_stereo_mode stereo, bool no_clear,
                                      stoa_gfx_pass_info *out, stoa_error *err);

// stoa_gfx_prepare for a scene still being uploaded, on the thread that
// began the upload (after a successful begin; before end): its pipelines
// are made there, so that the renderer's thread, when it swaps the scene
// in and calls stoa_gfx_prepare, only looks them up. The pipeline table is
// locked; the frame thread may draw meanwhile.
stoa_result stoa_gfx_scene_upload_prepare(stoa_gfx_upload *upload, const stoa_gfx_pass_info *pass,
                                          stoa_error *err);

// ---- snapshots -------------------------------------------------------------------

// Small pictures of a rendered eye read back without waiting for the GPU
// (the teacher's live view of a headset, gfx_snap.c). Record a snapshot
// into the frame's command buffer after its drawing; a frame or more later
// stoa_gfx_snap_take hands over the newest one the GPU has finished (it
// polls a VkEvent, it never waits). Three slots: a record that finds all
// three waiting to be read is skipped (false). The renderer's thread only.
// Destroy after stoa_gfx_device_wait_idle (teardown), like targets.
typedef struct stoa_gfx_snap stoa_gfx_snap;
typedef struct stoa_gfx_snap_desc {
    uint32_t width, height; // the picture (8..2048 each)
    VkFormat format;        // the eye's colour format (8-bit RGBA or BGRA)
} stoa_gfx_snap_desc;
stoa_result stoa_gfx_snap_create(stoa_gfx_device *device, const stoa_gfx_snap_desc *desc,
                                 stoa_gfx_snap **out_snap, stoa_error *err);
void stoa_gfx_snap_destroy(stoa_gfx_snap **snap);
// Records a blit of the centre of layer 0 of `eye` (crop: that share of the
// eye's width, 0 = all of it, with the picture's aspect) into a free slot.
// `layout` is the eye's layout before and after (it is put back). `user` is
// handed back by take (e.g. the time the frame was drawn).
bool stoa_gfx_snap_record(stoa_gfx_snap *snap, VkCommandBuffer cmd, VkImage eye, uint32_t eye_width,
                          uint32_t eye_height, VkImageLayout layout, float crop, uint64_t user);
// The newest finished snapshot into rgba (width*height*4, row 0 at the top,
// RGBA, sRGB-encoded) and its user value; false when none is finished yet.
bool stoa_gfx_snap_take(stoa_gfx_snap *snap, uint8_t *rgba, uint64_t *out_user);
// The same without a copy: the newest finished snapshot's mapped pixels (in
// the eye's channel order: *out_bgra for a BGRA eye), valid until the next
// stoa_gfx_snap_record; NULL when none is finished.
const uint8_t *stoa_gfx_snap_map(stoa_gfx_snap *snap, uint64_t *out_user, bool *out_bgra);
void stoa_gfx_snap_size(const stoa_gfx_snap *snap, uint32_t *out_width, uint32_t *out_height);

// ---- sky, environment light and sun shadows (gfx_sky.c, gfx_ibl.c, gfx_shadow.c) ----

typedef enum stoa_gfx_shadows {
    STOA_GFX_SHADOWS_OFF = 0,
    STOA_GFX_SHADOWS_LOW,  // 1024x1024 shadow map, one filtered tap (2x2 PCF)
    STOA_GFX_SHADOWS_HIGH, // 2048x2048, 3x3 filtered taps (4x4 PCF)
    STOA_GFX_SHADOWS_AUTO, // low on a GPU, off on a CPU device (lavapipe): software
                           // rendering cannot afford the extra pass in a headset's frame
} stoa_gfx_shadows;

// A procedural sky at a time of day (docs/environment.md). The sun's place
// follows the time, latitude and day of the year (solar time, no time
// zones); scene north is -Z turned by north_deg about +Y (towards +X).
typedef struct stoa_gfx_sky {
    bool enabled;       // false: the clear colour and the hemisphere ambient, as before
    float hour;         // local solar time, 0..24 (12 = noon)
    float latitude_deg; // -89..89
    float day_of_year;  // 1..366
    float north_deg;
    float turbidity;    // haze, 1 (clear) .. 10 (hazy)
    stoa_gfx_shadows shadows;
    // An environment image in place of the procedural sky (docs/environment.md;
    // NULL: none): linear RGB floats, equirectangular (env_width = 2 x
    // env_height, row 0 the zenith, the centre column north). It is the
    // background and the source of the ambient and specular light; there is
    // no sun then: the scene's own lights stay, and its first directional
    // light casts the shadows. Read only inside stoa_gfx_renderer_set_sky
    // and stoa_gfx_sky_bake_create; skies are told apart by content
    // (stoa_gfx_sky_key), never by the pointer.
    const float *env_rgb;
    uint32_t env_width, env_height;
    // stoa_gfx_sky_env_hash of env_rgb, so that a caller who sets the same
    // sky every frame does not have the pixels hashed every frame; 0: hashed
    // where needed.
    uint64_t env_hash;
} stoa_gfx_sky;

// Enabled, 10:30, latitude 38 (Athens), day 100 (April), north -Z,
// turbidity 2.5, shadows auto.
void stoa_gfx_sky_default(stoa_gfx_sky *out);
// "HH:MM" (00:00..24:00) into hours; false on anything else.
bool stoa_gfx_sky_parse_time(const char *text, float *out_hour);
// "off", "low", "high" or "auto"; false on anything else.
bool stoa_gfx_shadows_parse(const char *text, stoa_gfx_shadows *out);
// The unit direction towards the sun (y up; below the horizon at night)
// and the sunlight's colour times intensity as the renderer uses it.
void stoa_gfx_sky_sun(const stoa_gfx_sky *sky, float out_dir[3], float out_color[3]);
// Sky radiance (linear RGB, the renderer's units) seen along unit `dir`.
void stoa_gfx_sky_radiance(const stoa_gfx_sky *sky, const float dir[3], float out_rgb[3]);

// Sets the renderer's sky (NULL or !enabled: none). With a sky every
// stoa_gfx_render draws it behind the scene (not with options.no_clear),
// lights the scene with its irradiance (SH9) and a prefiltered specular
// cube, and adds its sun as a directional light that stands in for the
// scene's own directional lights (point and spot lights stay), with a
// shadow map per the quality. The environment is computed here on the CPU
// (a few ms, and a staging buffer created) when the sky's content changed
// (stoa_gfx_sky_key), and uploaded by the next render: call it on the
// renderer's thread, between frames, e.g. as time of day moves. A headset's
// frame thread bakes ahead instead (stoa_gfx_sky_bake_create).
stoa_result stoa_gfx_renderer_set_sky(stoa_gfx_renderer *renderer, const stoa_gfx_sky *sky,
                                      stoa_error *err);

// What a sky's light is computed from, as a number: the procedural sky's
// parameters, or the environment image's size and pixels (env_hash, or
// hashed here: about a millisecond for 512x256). Two skies with the same
// key light the scene the same (shadows aside).
uint64_t stoa_gfx_sky_key(const stoa_gfx_sky *sky);
uint64_t stoa_gfx_sky_env_hash(const float *rgb, uint32_t width, uint32_t height);

// A sky's light computed ahead, off the frame thread (gfx_sky_bake.c): the
// SH and the specular cube's levels in a staging buffer of the renderer's
// device. stoa_gfx_sky_bake_create may run on any thread (a lesson switch's
// loader) while the renderer draws; the sky's pixels are read only during
// the call. stoa_gfx_renderer_set_sky_bake then takes it in between frames
// without computing or creating anything: the renderer owns it from then on
// and *bake is NULL. A bake for another sky (key), or one the renderer does
// not need (its light is that sky's already), is destroyed there. Destroy
// an unused bake (any thread) before the renderer goes.
typedef struct stoa_gfx_sky_bake stoa_gfx_sky_bake;
stoa_result stoa_gfx_sky_bake_create(stoa_gfx_renderer *renderer, const stoa_gfx_sky *sky,
                                     stoa_gfx_sky_bake **out, stoa_error *err);
void stoa_gfx_sky_bake_destroy(stoa_gfx_sky_bake **bake);
uint64_t stoa_gfx_sky_bake_key(const stoa_gfx_sky_bake *bake);
// stoa_gfx_renderer_set_sky, with the light from *bake when it is this
// sky's (bake NULL or *bake NULL: computed here when the sky changed).
stoa_result stoa_gfx_renderer_set_sky_bake(stoa_gfx_renderer *renderer, const stoa_gfx_sky *sky,
                                           stoa_gfx_sky_bake **bake, stoa_error *err);
