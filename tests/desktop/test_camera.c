// SPDX-License-Identifier: Apache-2.0
// The preview's camera frames what it is given and moves as a person expects.
#include <cglm/cglm.h>

#include "desktop/stoa_camera.h"
#include "stoa_test.h"

// Projects p with the camera's view and a perspective of its fov; true when
// the point lies inside the view frustum (with the given aspect).
static bool in_view(const stoa_desktop_camera *cam, const float p[3], float aspect)
{
    mat4 view, proj, vp;
    stoa_desktop_camera_view(cam, (float *)view);
    glm_perspective(cam->yfov, aspect, cam->znear, cam->zfar, proj);
    glm_mat4_mul(proj, view, vp);
    vec4 v = {p[0], p[1], p[2], 1.0f}, c;
    glm_mat4_mulv(vp, v, c);
    if (c[3] <= 0.0f)
        return false;
    return fabsf(c[0] / c[3]) <= 1.0f && fabsf(c[1] / c[3]) <= 1.0f && c[2] / c[3] <= 1.0f;
}

STOA_TEST(framing_keeps_every_corner_in_view)
{
    const float boxes[][2][3] = {{{-0.5f, -0.5f, -0.5f}, {0.5f, 0.5f, 0.5f}},
                                 {{10, 0, -3}, {40, 2, 5}},
                                 {{-0.01f, 0, -0.01f}, {0.01f, 0.02f, 0.01f}}};
    for (int b = 0; b < 3; b++) {
        stoa_desktop_camera cam = {.yfov = 0.87f};
        stoa_desktop_camera_frame(&cam, boxes[b][0], boxes[b][1]);
        for (int corner = 0; corner < 8; corner++) {
            float p[3] = {boxes[b][corner & 1][0], boxes[b][(corner >> 1) & 1][1],
                          boxes[b][(corner >> 2) & 1][2]};
            CHECK_MSG(in_view(&cam, p, 1.0f), "box %d corner %d", b, corner);
        }
        // The box's centre is in the middle of the picture.
        float centre[3];
        for (int i = 0; i < 3; i++)
            centre[i] = 0.5f * (boxes[b][0][i] + boxes[b][1][i]);
        CHECK_NEAR(cam.target[0], centre[0], 1e-4);
        CHECK_NEAR(cam.target[2], centre[2], 1e-4);
    }
}

STOA_TEST(orbit_keeps_distance_and_zoom_shrinks_it)
{
    stoa_desktop_camera cam = {.yfov = 0.87f};
    const float bmin[3] = {-1, -1, -1}, bmax[3] = {1, 1, 1};
    stoa_desktop_camera_frame(&cam, bmin, bmax);
    float d0 = cam.distance;
    stoa_desktop_camera_rotate(&cam, 200.0f, 50.0f);
    float dx = cam.position[0] - cam.target[0], dy = cam.position[1] - cam.target[1],
          dz = cam.position[2] - cam.target[2];
    CHECK_NEAR(sqrtf(dx * dx + dy * dy + dz * dz), d0, 1e-3);
    stoa_desktop_camera_zoom(&cam, 3.0f);
    CHECK(cam.distance < d0 * 0.8f);
    // Pitch is limited so the camera never flips over the top.
    stoa_desktop_camera_rotate(&cam, 0.0f, -100000.0f);
    CHECK(cam.pitch <= 1.5f + 1e-6f);
}

STOA_TEST(fly_moves_forward_along_the_view)
{
    stoa_desktop_camera cam = {.yfov = 0.87f};
    const float bmin[3] = {-1, -1, -1}, bmax[3] = {1, 1, 1};
    stoa_desktop_camera_frame(&cam, bmin, bmax);
    stoa_desktop_camera_set_mode(&cam, STOA_CAMERA_FLY);
    float before[3] = {cam.position[0], cam.position[1], cam.position[2]};
    float dist_before = glm_vec3_distance(before, (vec3){0, 0, 0});
    stoa_desktop_camera_move(&cam, 0, 0, 1.0f);
    float dist_after = glm_vec3_distance(cam.position, (vec3){0, 0, 0});
    CHECK_NEAR(glm_vec3_distance(before, cam.position), 1.0, 1e-4);
    CHECK(dist_after < dist_before); // it was looking at the origin
    // Back to orbit: the origin it was looking at stays the centre.
    stoa_desktop_camera_set_mode(&cam, STOA_CAMERA_ORBIT);
    CHECK(in_view(&cam, (float[3]){0, 0, 0}, 1.0f));
}

STOA_TEST_MAIN()
