// SPDX-License-Identifier: Apache-2.0
// The procedural sky: where the sun is at a time of day, and a small
// analytic atmosphere (Stoa's own): sunlight attenuated along its air mass
// (Kasten-Young), scattered once by air (Rayleigh phase) and haze
// (Henyey-Greenstein phase) into a homogeneous layer whose optical depth
// grows with the view's air mass, so the zenith is blue, the horizon pale
// and a low sun orange. The ground below the horizon is a dull albedo lit
// by the sun and the sky. Evaluated on the CPU only (gfx_ibl.c bakes it
// into a cube that the sky and the PBR shaders sample).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_env.h"

#define PI_F 3.14159265f
#define SUN_E 3.4f  // the noon sun as a directional light, before the air
#define SKY_E 17.0f // the sunlight the sky scatters, in the same units

void stoa_gfx_sky_default(stoa_gfx_sky *out)
{
    *out = (stoa_gfx_sky){.enabled = true,
                          .hour = 10.5f,
                          .latitude_deg = 38.0f,
                          .day_of_year = 100.0f,
                          .turbidity = 2.5f,
                          .shadows = STOA_GFX_SHADOWS_AUTO};
}

bool stoa_gfx_sky_parse_time(const char *text, float *out_hour)
{
    if (!text)
        return false;
    int h = 0, m = 0, n = 0;
    size_t len = strlen(text);
    // H:MM or HH:MM, digits only.
    if (len < 4 || len > 5 || text[len - 3] != ':' || text[0] < '0' || text[0] > '9')
        return false;
    if (sscanf(text, "%2d:%2d%n", &h, &m, &n) != 2 || text[n] || text[len - 2] < '0' ||
        text[len - 1] < '0' || text[len - 2] > '9' || text[len - 1] > '9' || h < 0 || h > 24 ||
        m < 0 || m > 59 || (h == 24 && m))
        return false;
    *out_hour = (float)h + (float)m / 60.0f;
    return true;
}

bool stoa_gfx_shadows_parse(const char *text, stoa_gfx_shadows *out)
{
    static const char *const names[] = {"off", "low", "high", "auto"};
    for (int i = 0; text && i < 4; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = (stoa_gfx_shadows)i;
            return true;
        }
    return false;
}

static float clampf(float x, float lo, float hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static float smooth(float e0, float e1, float x)
{
    float t = clampf((x - e0) / (e1 - e0), 0.0f, 1.0f);
    return t * t * (3.0f - 2.0f * t);
}

// Relative optical air mass towards a direction whose cosine from the
// zenith is mu (Kasten and Young, 1989); about 38 at the horizon.
static float air_mass(float mu)
{
    mu = clampf(mu, 0.0f, 1.0f);
    float zenith_deg = acosf(mu) * 180.0f / PI_F;
    return 1.0f / (mu + 0.50572f * powf(fmaxf(96.07995f - zenith_deg, 1e-3f), -1.6364f));
}

static void sun_direction(const stoa_gfx_sky *sky, float out[3])
{
    float rad = PI_F / 180.0f;
    float decl = 23.44f * rad * sinf(2.0f * PI_F * (284.0f + sky->day_of_year) / 365.0f);
    float lat = clampf(sky->latitude_deg, -89.0f, 89.0f) * rad;
    float h = (sky->hour - 12.0f) * 15.0f * rad; // hour angle, west positive
    // East, north and up parts of the unit vector towards the sun.
    float e = -cosf(decl) * sinf(h);
    float n = cosf(lat) * sinf(decl) - sinf(lat) * cosf(decl) * cosf(h);
    float u = sinf(lat) * sinf(decl) + cosf(lat) * cosf(decl) * cosf(h);
    // Scene axes: up +Y, north -Z turned by north_deg towards +X, east right of it.
    float a = sky->north_deg * rad;
    float north[3] = {sinf(a), 0.0f, -cosf(a)};
    float east[3] = {cosf(a), 0.0f, sinf(a)};
    for (int i = 0; i < 3; i++)
        out[i] = e * east[i] + n * north[i];
    out[1] = u;
}

static void sky_scatter(const gfx_sky_model *m, const float d[3], float mu, float out[3])
{
    float cg = d[0] * m->sun[0] + d[1] * m->sun[1] + d[2] * m->sun[2];
    float mv = air_mass(mu);
    float pr = 3.0f / (16.0f * PI_F) * (1.0f + cg * cg);
    const float g = 0.76f;
    float pm = (1.0f - g * g) / (4.0f * PI_F * powf(1.0f + g * g - 2.0f * g * cg, 1.5f));
    for (int c = 0; c < 3; c++) {
        float tau = m->tau_r[c] + m->tau_m;
        out[c] =
            m->sky_sun[c] * (m->tau_r[c] * pr + m->tau_m * pm) / tau * (1.0f - expf(-tau * mv)) +
            m->multiple[c] + m->night[c];
    }
}

// The environment image along dir, bilinear (wrapping round the horizon).
static void image_radiance(const gfx_sky_model *m, const float dir[3], float out[3])
{
    uint32_t w = m->env_w, h = m->env_h;
    float u = 0.5f + atan2f(dir[0], -dir[2]) / (2.0f * PI_F);
    float v = acosf(clampf(dir[1], -1.0f, 1.0f)) / PI_F;
    float fx = u * (float)w - 0.5f, fy = clampf(v * (float)h - 0.5f, 0.0f, (float)(h - 1));
    int ix = (int)floorf(fx), iy = (int)floorf(fy);
    float tx = fx - (float)ix, ty = fy - (float)iy;
    uint32_t xa = (uint32_t)(((ix % (int)w) + (int)w) % (int)w), xb = (xa + 1) % w;
    uint32_t ya = (uint32_t)iy, yb = ya + 1 < h ? ya + 1 : ya;
    const float *p = m->env;
    for (int c = 0; c < 3; c++) {
        float a = p[3 * (ya * w + xa) + c], b = p[3 * (ya * w + xb) + c];
        float d = p[3 * (yb * w + xa) + c], e = p[3 * (yb * w + xb) + c];
        out[c] = (a + (b - a) * tx) * (1.0f - ty) + (d + (e - d) * tx) * ty;
    }
}

void gfx_sky_model_radiance(const gfx_sky_model *m, const float dir[3], float out[3])
{
    if (m->env) {
        image_radiance(m, dir, out);
        return;
    }
    float mu = dir[1];
    if (mu >= 0.0f) {
        sky_scatter(m, dir, mu, out);
        return;
    }
    // Below the horizon: the horizon's haze fading into the ground.
    float flat[3] = {dir[0], 0.0f, dir[2]};
    float len = sqrtf(flat[0] * flat[0] + flat[2] * flat[2]);
    if (len > 1e-6f)
        flat[0] /= len, flat[2] /= len;
    else
        flat[0] = 1.0f;
    float horizon[3];
    sky_scatter(m, flat, 0.0f, horizon);
    float t = smooth(0.0f, 0.08f, -mu);
    for (int c = 0; c < 3; c++)
        out[c] = horizon[c] + (m->ground[c] - horizon[c]) * t;
}

void gfx_sky_model_make(const stoa_gfx_sky *sky, gfx_sky_model *m)
{
    memset(m, 0, sizeof *m);
    if (sky->env_rgb) { // no sun, no air: the picture is all there is
        m->env = sky->env_rgb;
        m->env_w = sky->env_width;
        m->env_h = sky->env_height;
        m->sun[1] = 1.0f;
        return;
    }
    sun_direction(sky, m->sun);
    static const float rayleigh[3] = {0.046f, 0.108f, 0.265f};
    static const float white[3] = {1.0f, 0.97f, 0.93f};
    static const float night[3] = {0.003f, 0.0045f, 0.009f};
    m->tau_m = 0.012f * clampf(sky->turbidity > 0 ? sky->turbidity : 2.5f, 1.0f, 10.0f);
    float mu = m->sun[1];
    float ms = air_mass(mu);
    float set = smooth(-0.035f, 0.02f, mu);     // the disk going under
    float twilight = smooth(-0.15f, 0.03f, mu); // the sky still lit after sunset
    float maxc = 0.0f;
    for (int c = 0; c < 3; c++) {
        m->tau_r[c] = rayleigh[c];
        float tau = rayleigh[c] + m->tau_m;
        m->light[c] = SUN_E * white[c] * expf(-tau * ms) * set;
        // The air that scatters sits on average halfway up the column.
        m->sky_sun[c] = SKY_E * white[c] * expf(-tau * ms * 0.5f) * twilight;
        m->night[c] = night[c];
        // Light scattered more than once: a faint blue that outlasts the
        // sun's direct beam, so that dusk keeps a blue zenith.
        m->multiple[c] = SKY_E * 0.0035f * twilight * rayleigh[c] / rayleigh[2];
        maxc = fmaxf(maxc, m->light[c]);
    }
    for (int c = 0; c < 3; c++)
        m->disk[c] = maxc > 0.0f ? m->light[c] / maxc * 3.0f * set : 0.0f;
    float up[3] = {0.0f, 1.0f, 0.0f}, zenith[3];
    sky_scatter(m, up, 1.0f, zenith);
    static const float albedo[3] = {0.30f, 0.27f, 0.22f};
    for (int c = 0; c < 3; c++)
        m->ground[c] = albedo[c] * (m->light[c] * fmaxf(mu, 0.0f) / PI_F + zenith[c] * 0.8f);
}

void stoa_gfx_sky_sun(const stoa_gfx_sky *sky, float out_dir[3], float out_color[3])
{
    gfx_sky_model m;
    gfx_sky_model_make(sky, &m);
    memcpy(out_dir, m.sun, sizeof m.sun);
    memcpy(out_color, m.light, sizeof m.light);
}

void stoa_gfx_sky_radiance(const stoa_gfx_sky *sky, const float dir[3], float out_rgb[3])
{
    gfx_sky_model m;
    gfx_sky_model_make(sky, &m);
    gfx_sky_model_radiance(&m, dir, out_rgb);
}
