// SPDX-License-Identifier: Apache-2.0
#include "stoa_camera.h"

#include <cglm/cglm.h>
#include <math.h>
#include <string.h>

#define ROTATE_RAD_PER_PX 0.005f
#define PITCH_LIMIT 1.50f

static void forward_dir(const stoa_desktop_camera *cam, vec3 out)
{
    out[0] = -sinf(cam->yaw) * cosf(cam->pitch);
    out[1] = sinf(cam->pitch);
    out[2] = -cosf(cam->yaw) * cosf(cam->pitch);
}

static void sync_orbit_eye(stoa_desktop_camera *cam)
{
    vec3 f;
    forward_dir(cam, f);
    for (int i = 0; i < 3; i++)
        cam->position[i] = cam->target[i] - f[i] * cam->distance;
}

void stoa_desktop_camera_frame(stoa_desktop_camera *cam, const float bmin[3], const float bmax[3])
{
    stoa_camera_mode mode = cam->mode;
    float radius = 0.0f;
    for (int i = 0; i < 3; i++) {
        cam->target[i] = 0.5f * (bmin[i] + bmax[i]);
        float h = 0.5f * (bmax[i] - bmin[i]);
        radius += h * h;
    }
    radius = sqrtf(radius);
    if (!(radius > 1e-4f) || !isfinite(radius))
        radius = 1.0f;
    if (cam->yfov <= 0.0f)
        cam->yfov = glm_rad(50.0f);
    cam->yaw = glm_rad(35.0f);
    cam->pitch = glm_rad(-20.0f);
    // Fit the bounding sphere in the vertical field of view with a margin.
    cam->distance = radius / sinf(cam->yfov * 0.5f) * 1.3f;
    cam->znear = fmaxf(cam->distance - radius * 2.0f, cam->distance * 0.01f);
    cam->zfar = cam->distance + radius * 4.0f;
    cam->mode = STOA_CAMERA_ORBIT;
    sync_orbit_eye(cam);
    stoa_desktop_camera_set_mode(cam, mode);
}

void stoa_desktop_camera_rotate(stoa_desktop_camera *cam, float dx_px, float dy_px)
{
    cam->yaw -= dx_px * ROTATE_RAD_PER_PX;
    cam->pitch -= dy_px * ROTATE_RAD_PER_PX;
    cam->pitch = glm_clamp(cam->pitch, -PITCH_LIMIT, PITCH_LIMIT);
    if (cam->mode == STOA_CAMERA_ORBIT)
        sync_orbit_eye(cam);
}

void stoa_desktop_camera_pan(stoa_desktop_camera *cam, float dx_px, float dy_px)
{
    // Scale so the point under the cursor roughly follows it.
    float scale = cam->distance * 0.0015f;
    if (cam->mode == STOA_CAMERA_FLY)
        scale = 0.01f;
    stoa_desktop_camera_move(cam, -dx_px * scale, dy_px * scale, 0.0f);
}

void stoa_desktop_camera_zoom(stoa_desktop_camera *cam, float steps)
{
    if (cam->mode == STOA_CAMERA_ORBIT) {
        cam->distance *= powf(0.9f, steps);
        cam->distance = glm_clamp(cam->distance, 1e-3f, 1e5f);
        sync_orbit_eye(cam);
    } else {
        stoa_desktop_camera_move(cam, 0.0f, 0.0f, steps * 0.25f);
    }
}

void stoa_desktop_camera_move(stoa_desktop_camera *cam, float right, float up, float forward)
{
    vec3 f, r, u, world_up = {0.0f, 1.0f, 0.0f};
    forward_dir(cam, f);
    glm_vec3_crossn(f, world_up, r);
    glm_vec3_cross(r, f, u);
    for (int i = 0; i < 3; i++) {
        float d = r[i] * right + u[i] * up + f[i] * forward;
        cam->position[i] += d;
        cam->target[i] += d;
    }
}

void stoa_desktop_camera_set_mode(stoa_desktop_camera *cam, stoa_camera_mode mode)
{
    if (mode == STOA_CAMERA_ORBIT && cam->mode == STOA_CAMERA_FLY) {
        // Orbit around the point the fly camera was looking at.
        vec3 f;
        forward_dir(cam, f);
        for (int i = 0; i < 3; i++)
            cam->target[i] = cam->position[i] + f[i] * cam->distance;
    }
    cam->mode = mode;
}

void stoa_desktop_camera_view(const stoa_desktop_camera *cam, float out_view[16])
{
    vec3 f, eye, center, up = {0.0f, 1.0f, 0.0f};
    forward_dir(cam, f);
    glm_vec3_copy((float *)cam->position, eye);
    glm_vec3_add(eye, f, center);
    mat4 m;
    glm_lookat(eye, center, up, m);
    memcpy(out_view, m, sizeof m);
}
