// SPDX-License-Identifier: Apache-2.0
// Small pose math for xrsim: right-handed, metres, quaternions (x, y, z, w)
// as OpenXR defines them. Pure functions, no state.
#pragma once

#include <openxr/openxr.h>

XrQuaternionf xrsim_quat_mul(XrQuaternionf a, XrQuaternionf b);
XrQuaternionf xrsim_quat_conj(XrQuaternionf q);
XrQuaternionf xrsim_quat_normalize(XrQuaternionf q);
XrVector3f xrsim_quat_rotate(XrQuaternionf q, XrVector3f v);
// Shortest-arc spherical interpolation, u in [0, 1].
XrQuaternionf xrsim_quat_slerp(XrQuaternionf a, XrQuaternionf b, float u);
// Yaw about +Y, then pitch about +X, then roll about -Z; degrees.
XrQuaternionf xrsim_quat_from_euler_deg(float yaw, float pitch, float roll);
float xrsim_quat_yaw(XrQuaternionf q); // radians

XrVector3f xrsim_vec_lerp(XrVector3f a, XrVector3f b, float u);

XrPosef xrsim_pose_identity(void);
// a * b: b expressed in a's frame, brought to a's parent frame.
XrPosef xrsim_pose_mul(XrPosef a, XrPosef b);
XrPosef xrsim_pose_inverse(XrPosef p);
XrPosef xrsim_pose_lerp(XrPosef a, XrPosef b, float u);
