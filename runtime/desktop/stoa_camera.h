// SPDX-License-Identifier: Apache-2.0
// Author cameras for the desktop preview: orbit (around a target) and fly
// (free look, WASD). Pure math on caller-owned structs; no window, no GPU.
#pragma once

#include <stdbool.h>

typedef enum stoa_camera_mode {
    STOA_CAMERA_ORBIT = 0,
    STOA_CAMERA_FLY,
} stoa_camera_mode;

typedef struct stoa_desktop_camera {
    stoa_camera_mode mode;
    float target[3]; // orbit centre
    float distance;  // orbit radius, metres
    float yaw;       // radians, 0 = looking down -Z
    float pitch;     // radians, positive = looking up
    float position[3]; // eye position (kept in sync in both modes)
    float yfov;      // vertical field of view, radians
    float znear, zfar;
} stoa_desktop_camera;

// Frames an axis-aligned box from a pleasant three-quarter view.
void stoa_desktop_camera_frame(stoa_desktop_camera *cam, const float bmin[3], const float bmax[3]);
// Mouse drag in pixels rotates (orbit: around the target; fly: looks around).
void stoa_desktop_camera_rotate(stoa_desktop_camera *cam, float dx_px, float dy_px);
// Orbit: moves the target in the view plane; fly: strafes.
void stoa_desktop_camera_pan(stoa_desktop_camera *cam, float dx_px, float dy_px);
// Scroll: orbit zooms (multiplicative), fly moves forward.
void stoa_desktop_camera_zoom(stoa_desktop_camera *cam, float steps);
// Fly movement in camera space (x right, y up, z forward), metres.
void stoa_desktop_camera_move(stoa_desktop_camera *cam, float right, float up, float forward);
// Switches mode keeping the eye where it is.
void stoa_desktop_camera_set_mode(stoa_desktop_camera *cam, stoa_camera_mode mode);
// The world->eye matrix (float[16], column-major).
void stoa_desktop_camera_view(const stoa_desktop_camera *cam, float out_view[16]);
