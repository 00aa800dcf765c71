// SPDX-License-Identifier: Apache-2.0
// A sky's light baked ahead and taken in by the frame (gfx_sky_bake.c):
// skies are told apart by their content, not where their pixels sit; a
// bake made on another thread is taken in without the taking thread
// creating any GPU object; a bake for another sky is not used.
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "gfx_test_util.h"
#include "stoa_test.h"

enum { W = 32, H = 16 };

// Upper half one colour, lower half a green ground.
static void fill(float *img, float r, float g, float b)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            float *p = img + 3 * (y * W + x);
            p[0] = y < H / 2 ? r : 0.05f;
            p[1] = y < H / 2 ? g : 0.4f;
            p[2] = y < H / 2 ? b : 0.05f;
        }
}

static stoa_gfx_sky image_sky(const float *img)
{
    stoa_gfx_sky s;
    stoa_gfx_sky_default(&s);
    s.shadows = STOA_GFX_SHADOWS_OFF;
    s.env_rgb = img;
    s.env_width = W;
    s.env_height = H;
    return s;
}

// The mean colour of the sky above the box, looking north and up.
static bool sky_colour(stoa_scene *scene, const char *name, double out[3])
{
    stoa_gfx_view v;
    float eye[3] = {0.0f, 0.0f, 30.0f}, at[3] = {0.0f, 25.0f, 0.0f}, up[3] = {0, 1, 0};
    stoa_gfx_look_at(eye, at, up, v.view);
    stoa_gfx_projection_fov(-0.5f, 0.5f, 0.5f, -0.5f, 0.05f, 300.0f, v.projection);
    gt_render_desc d = {.w = 32, .h = 32, .views = &v};
    gt_image img = {0};
    if (!gt_render(scene, &d, &img))
        return false;
    gt_save(&img, name);
    gt_mean(&img, 0, 0, 32, 8, out);
    gt_free(&img);
    return true;
}

STOA_TEST(keys_follow_content)
{
    static float a[W * H * 3], b[W * H * 3];
    fill(a, 1.0f, 0.3f, 0.6f);
    memcpy(b, a, sizeof a);
    stoa_gfx_sky sa = image_sky(a), sb = image_sky(b);
    CHECK(stoa_gfx_sky_key(&sa) == stoa_gfx_sky_key(&sb)); // same pixels elsewhere: same sky
    b[3 * (W * 2 + 5) + 1] += 0.01f;                       // one texel differs
    CHECK(stoa_gfx_sky_key(&sa) != stoa_gfx_sky_key(&sb));
    sa.env_hash = stoa_gfx_sky_env_hash(a, W, H);
    sa.hour = 18.0f; // no sun under an image: the time does not change its light
    CHECK(stoa_gfx_sky_key(&sa) ==
          stoa_gfx_sky_key(&(stoa_gfx_sky){.env_rgb = a, .env_width = W, .env_height = H}));
    stoa_gfx_sky p, q;
    stoa_gfx_sky_default(&p);
    q = p;
    q.shadows = STOA_GFX_SHADOWS_HIGH; // shadows are not the light's
    CHECK(stoa_gfx_sky_key(&p) == stoa_gfx_sky_key(&q));
    q.hour = 18.5f;
    CHECK(stoa_gfx_sky_key(&p) != stoa_gfx_sky_key(&q));
}

// The bug this guards against: the renderer compared the image's address
// and size, so new pixels in the same buffer (or a new image where a freed
// one was) kept the old sky.
STOA_TEST(new_pixels_at_the_same_address_are_a_new_sky)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *scene = gt_load("box/box.glb");
    CHECK(r && scene);
    if (!r || !scene)
        return;
    static float img[W * H * 3];
    stoa_error err = {0};
    double c[3];
    fill(img, 1.0f, 0.3f, 0.6f); // pink
    stoa_gfx_sky s = image_sky(img);
    CHECK(stoa_gfx_renderer_set_sky(r, &s, &err) == STOA_OK);
    CHECK(sky_colour(scene, "sky-bake-pink", c));
    CHECK_MSG(c[0] > c[2] + 20, "pink sky %.0f %.0f %.0f", c[0], c[1], c[2]);
    fill(img, 0.1f, 0.8f, 1.0f); // cyan, same buffer, same size
    CHECK(stoa_gfx_renderer_set_sky(r, &s, &err) == STOA_OK);
    CHECK(sky_colour(scene, "sky-bake-same-buffer-cyan", c));
    CHECK_MSG(c[2] > c[0] + 20, "the sky after new pixels %.0f %.0f %.0f: still the old one?", c[0],
              c[1], c[2]);
    CHECK(stoa_gfx_renderer_set_sky(r, NULL, &err) == STOA_OK);
    stoa_scene_destroy(&scene);
}

typedef struct bake_job {
    stoa_gfx_renderer *r;
    stoa_gfx_sky sky;
    stoa_gfx_sky_bake *bake;
    stoa_result res;
} bake_job;

static void *bake_main(void *arg)
{
    bake_job *j = arg;
    stoa_error err = {0};
    j->res = stoa_gfx_sky_bake_create(j->r, &j->sky, &j->bake, &err);
    return NULL;
}

STOA_TEST(a_bake_from_another_thread_is_taken_in_without_creating_anything)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *scene = gt_load("box/box.glb");
    CHECK(r && scene);
    if (!r || !scene)
        return;
    static float pink[W * H * 3], cyan[W * H * 3];
    fill(pink, 1.0f, 0.3f, 0.6f);
    fill(cyan, 0.1f, 0.8f, 1.0f);
    stoa_error err = {0};
    double c[3];
    stoa_gfx_sky sp = image_sky(pink), sc = image_sky(cyan);
    CHECK(stoa_gfx_renderer_set_sky(r, &sp, &err) == STOA_OK);
    CHECK(sky_colour(scene, "sky-bake-before", c));

    bake_job j = {.r = r, .sky = sc};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, bake_main, &j) == 0);
    pthread_join(t, NULL);
    CHECK(j.res == STOA_OK && j.bake != NULL);
    CHECK(stoa_gfx_sky_bake_key(j.bake) == stoa_gfx_sky_key(&sc));
    // Taken in on the frame path: no GPU object made there.
    uint64_t before = stoa_gfx_stats_get().frame_objects;
    stoa_gfx_frame_scope(true);
    CHECK(stoa_gfx_renderer_set_sky_bake(r, &sc, &j.bake, &err) == STOA_OK);
    stoa_gfx_frame_scope(false);
    CHECK_MSG(stoa_gfx_stats_get().frame_objects == before, "%llu objects made taking a bake",
              (unsigned long long)(stoa_gfx_stats_get().frame_objects - before));
    CHECK(j.bake == NULL); // the renderer's now
    CHECK(sky_colour(scene, "sky-bake-taken-cyan", c));
    CHECK_MSG(c[2] > c[0] + 20, "the baked cyan sky %.0f %.0f %.0f", c[0], c[1], c[2]);

    // The counter counts: the same switch without a bake computes (and
    // creates its staging buffer) on the frame path.
    before = stoa_gfx_stats_get().frame_objects;
    stoa_gfx_frame_scope(true);
    CHECK(stoa_gfx_renderer_set_sky(r, &sp, &err) == STOA_OK);
    stoa_gfx_frame_scope(false);
    CHECK(stoa_gfx_stats_get().frame_objects > before);
    CHECK(sky_colour(scene, "sky-bake-computed-pink", c));

    // A bake for another sky is not used: the sky set is the one shown.
    stoa_gfx_sky_bake *other = NULL;
    CHECK(stoa_gfx_sky_bake_create(r, &sp, &other, &err) == STOA_OK);
    CHECK(stoa_gfx_renderer_set_sky_bake(r, &sc, &other, &err) == STOA_OK);
    CHECK(other == NULL);
    CHECK(sky_colour(scene, "sky-bake-not-the-bakes", c));
    CHECK_MSG(c[2] > c[0] + 20, "the sky set, not the bake's %.0f %.0f %.0f", c[0], c[1], c[2]);

    // One not needed (the sky is already this one) is let go; a sky turned
    // off keeps its bake for when it is on again.
    CHECK(stoa_gfx_sky_bake_create(r, &sc, &other, &err) == STOA_OK);
    stoa_gfx_sky off = sc;
    off.enabled = false;
    CHECK(stoa_gfx_renderer_set_sky_bake(r, &off, &other, &err) == STOA_OK && other != NULL);
    CHECK(stoa_gfx_renderer_set_sky_bake(r, &sc, &other, &err) == STOA_OK && other == NULL);
    stoa_gfx_sky_bake_destroy(&other); // NULL: nothing
    CHECK(stoa_gfx_renderer_set_sky(r, NULL, &err) == STOA_OK);
    stoa_scene_destroy(&scene);
}

int main(int argc, char **argv)
{
    return gt_test_main(argc, argv); // the validation messages too
}
