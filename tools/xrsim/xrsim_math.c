// SPDX-License-Identifier: Apache-2.0
#include "xrsim_math.h"

#include <math.h>

XrQuaternionf xrsim_quat_mul(XrQuaternionf a, XrQuaternionf b)
{
    return (XrQuaternionf){
        a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
        a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
        a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
        a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
    };
}

XrQuaternionf xrsim_quat_conj(XrQuaternionf q)
{
    return (XrQuaternionf){-q.x, -q.y, -q.z, q.w};
}

XrQuaternionf xrsim_quat_normalize(XrQuaternionf q)
{
    float n = sqrtf(q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w);
    if (n < 1e-9f)
        return (XrQuaternionf){0, 0, 0, 1};
    return (XrQuaternionf){q.x / n, q.y / n, q.z / n, q.w / n};
}

XrVector3f xrsim_quat_rotate(XrQuaternionf q, XrVector3f v)
{
    XrQuaternionf p = {v.x, v.y, v.z, 0};
    XrQuaternionf r = xrsim_quat_mul(xrsim_quat_mul(q, p), xrsim_quat_conj(q));
    return (XrVector3f){r.x, r.y, r.z};
}

XrQuaternionf xrsim_quat_slerp(XrQuaternionf a, XrQuaternionf b, float u)
{
    float d = a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w;
    if (d < 0) { // take the short way round
        b = (XrQuaternionf){-b.x, -b.y, -b.z, -b.w};
        d = -d;
    }
    float wa = 1 - u, wb = u;
    if (d < 0.9995f) {
        float th = acosf(d), s = sinf(th);
        wa = sinf((1 - u) * th) / s;
        wb = sinf(u * th) / s;
    }
    return xrsim_quat_normalize((XrQuaternionf){wa * a.x + wb * b.x, wa * a.y + wb * b.y,
                                                wa * a.z + wb * b.z, wa * a.w + wb * b.w});
}

static XrQuaternionf axis_angle(float x, float y, float z, float rad)
{
    float s = sinf(rad / 2);
    return (XrQuaternionf){x * s, y * s, z * s, cosf(rad / 2)};
}

XrQuaternionf xrsim_quat_from_euler_deg(float yaw, float pitch, float roll)
{
    const float k = (float)M_PI / 180.0f;
    XrQuaternionf qy = axis_angle(0, 1, 0, yaw * k);
    XrQuaternionf qp = axis_angle(1, 0, 0, pitch * k);
    XrQuaternionf qr = axis_angle(0, 0, -1, roll * k);
    return xrsim_quat_normalize(xrsim_quat_mul(xrsim_quat_mul(qy, qp), qr));
}

float xrsim_quat_yaw(XrQuaternionf q)
{
    // Heading of the rotated -Z (forward) axis in the XZ plane.
    XrVector3f f = xrsim_quat_rotate(q, (XrVector3f){0, 0, -1});
    return atan2f(-f.x, -f.z);
}

XrVector3f xrsim_vec_lerp(XrVector3f a, XrVector3f b, float u)
{
    return (XrVector3f){a.x + (b.x - a.x) * u, a.y + (b.y - a.y) * u, a.z + (b.z - a.z) * u};
}

XrPosef xrsim_pose_identity(void)
{
    return (XrPosef){{0, 0, 0, 1}, {0, 0, 0}};
}

XrPosef xrsim_pose_mul(XrPosef a, XrPosef b)
{
    XrVector3f p = xrsim_quat_rotate(a.orientation, b.position);
    return (XrPosef){
        xrsim_quat_normalize(xrsim_quat_mul(a.orientation, b.orientation)),
        {a.position.x + p.x, a.position.y + p.y, a.position.z + p.z},
    };
}

XrPosef xrsim_pose_inverse(XrPosef p)
{
    XrQuaternionf qi = xrsim_quat_conj(p.orientation);
    XrVector3f t = xrsim_quat_rotate(qi, p.position);
    return (XrPosef){qi, {-t.x, -t.y, -t.z}};
}

XrPosef xrsim_pose_lerp(XrPosef a, XrPosef b, float u)
{
    return (XrPosef){xrsim_quat_slerp(a.orientation, b.orientation, u),
                     xrsim_vec_lerp(a.position, b.position, u)};
}
