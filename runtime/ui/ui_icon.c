// SPDX-License-Identifier: Apache-2.0
// Panel icons: small PNGs (assets/icons, made by make_icons.py) decoded with
// libspng into premultiplied RGBA, and drawn tinted and scaled into a panel.
// Loading is bounded (file size, pixel size) and names the file on failure.
#include "ui_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_png.h"

typedef struct ui_icon {
    uint8_t *rgba; // premultiplied
    int width, height;
} ui_icon;

struct stoa_ui_icons {
    ui_icon icons[STOA_UI_ICON_COUNT];
};

static const char *const k_names[STOA_UI_ICON_COUNT] = {
    [STOA_UI_ICON_PLAY] = "play",   [STOA_UI_ICON_PAUSE] = "pause", [STOA_UI_ICON_HAND] = "hand",
    [STOA_UI_ICON_RIGHT] = "right", [STOA_UI_ICON_WRONG] = "wrong",
};

const char *stoa_ui_icon_name(stoa_ui_icon_id id)
{
    return id > STOA_UI_ICON_NONE && id < STOA_UI_ICON_COUNT ? k_names[id] : "none";
}

// Reads at most STOA_UI_MAX_ICON_BYTES; a larger file is refused.
static stoa_result read_file(const char *path, uint8_t **out, size_t *out_size, stoa_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return stoa_error_set(err, errno == ENOENT ? STOA_ERROR_NOT_FOUND : STOA_ERROR_IO,
                              "ui: icon %s: %s", path, strerror(errno));
    uint8_t *buf = malloc(STOA_UI_MAX_ICON_BYTES + 1);
    size_t n = buf ? fread(buf, 1, STOA_UI_MAX_ICON_BYTES + 1, f) : 0;
    bool bad = buf && ferror(f);
    fclose(f);
    if (!buf)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "ui: out of memory");
    if (bad || n > STOA_UI_MAX_ICON_BYTES) {
        free(buf);
        return stoa_error_set(err, bad ? STOA_ERROR_IO : STOA_ERROR_LIMIT,
                              bad ? "ui: icon %s: read error" : "ui: icon %s: larger than %d bytes",
                              path, STOA_UI_MAX_ICON_BYTES);
    }
    *out = buf;
    *out_size = n;
    return STOA_OK;
}

stoa_result stoa_ui_icon_decode(const uint8_t *bytes, size_t size, const char *name,
                                uint8_t **out_rgba, int *out_w, int *out_h, stoa_error *err)
{
    *out_rgba = NULL;
    uint8_t *rgba = NULL;
    uint32_t w = 0, h = 0;
    char why[160];
    stoa_png_status st = stoa_png_decode(
        bytes, size,
        (stoa_png_limits){.max_dim = STOA_UI_MAX_ICON_PX, .max_chunk = STOA_UI_MAX_ICON_BYTES},
        &rgba, &w, &h, why, sizeof why);
    if (st == STOA_PNG_TOO_LARGE)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "ui: icon %s: larger than %dx%d px", name,
                              STOA_UI_MAX_ICON_PX, STOA_UI_MAX_ICON_PX);
    if (st == STOA_PNG_NO_MEMORY)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "ui: out of memory");
    if (st != STOA_PNG_OK)
        return stoa_error_set(err, STOA_ERROR_PARSE, "ui: icon %s: not a PNG it can read (%s)",
                              name, why);
    size_t out_size = (size_t)w * h * 4;
    for (size_t i = 0; i < out_size; i += 4) // premultiply, as every panel picture is
        for (int k = 0; k < 3; k++)
            rgba[i + k] = (uint8_t)((rgba[i + k] * rgba[i + 3] + 127) / 255);
    *out_rgba = rgba;
    *out_w = (int)w;
    *out_h = (int)h;
    return STOA_OK;
}

stoa_result stoa_ui_icons_load(const char *dir, stoa_ui_icons **out, stoa_error *err)
{
    if (!out)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "ui: icons out is NULL");
    *out = NULL;
    if (!dir || !*dir)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "ui: no icon folder given");
    stoa_ui_icons *set = calloc(1, sizeof *set);
    if (!set)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "ui: out of memory");
    stoa_result r = STOA_OK;
    for (int id = STOA_UI_ICON_NONE + 1; id < STOA_UI_ICON_COUNT && r == STOA_OK; id++) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s.png", dir, k_names[id]) >= (int)sizeof path) {
            r = stoa_error_set(err, STOA_ERROR_LIMIT, "ui: icon folder path too long");
            break;
        }
        uint8_t *bytes = NULL;
        size_t size = 0;
        r = read_file(path, &bytes, &size, err);
        if (r == STOA_OK) {
            ui_icon *ic = &set->icons[id];
            r = stoa_ui_icon_decode(bytes, size, path, &ic->rgba, &ic->width, &ic->height, err);
        }
        free(bytes);
    }
    if (r != STOA_OK) {
        stoa_ui_icons_destroy(&set);
        return r;
    }
    *out = set;
    return STOA_OK;
}

void stoa_ui_icons_destroy(stoa_ui_icons **icons)
{
    if (!icons || !*icons)
        return;
    for (int i = 0; i < STOA_UI_ICON_COUNT; i++)
        free((*icons)->icons[i].rgba);
    free(*icons);
    *icons = NULL;
}

bool stoa_ui_icons_has(const stoa_ui_icons *icons, stoa_ui_icon_id id)
{
    return icons && id > STOA_UI_ICON_NONE && id < STOA_UI_ICON_COUNT && icons->icons[id].rgba;
}

// Coverage (0..1) of the icon at (u, v) in 0..1, bilinear on its alpha; the
// icons are white shapes, so the tint gives the colour.
static float sample(const ui_icon *ic, float u, float v)
{
    float x = u * (float)ic->width - 0.5f, y = v * (float)ic->height - 0.5f;
    int x0 = (int)floorf(x), y0 = (int)floorf(y);
    float fx = x - (float)x0, fy = y - (float)y0, acc = 0.0f;
    for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) {
            int sx = x0 + dx, sy = y0 + dy;
            if (sx < 0 || sy < 0 || sx >= ic->width || sy >= ic->height)
                continue;
            float w = (dx ? fx : 1.0f - fx) * (dy ? fy : 1.0f - fy);
            acc += w * (float)ic->rgba[((size_t)sy * (size_t)ic->width + (size_t)sx) * 4 + 3];
        }
    return acc / 255.0f;
}

bool ui_draw_icon(ui_canvas *c, const stoa_ui_icons *icons, stoa_ui_icon_id id, int x, int y,
                  int size, uint32_t tint)
{
    if (!stoa_ui_icons_has(icons, id) || size <= 0)
        return false;
    const ui_icon *ic = &icons->icons[id];
    enum { SUB = 3 }; // 3x3 samples per pixel: the 64 px icons shrink without aliasing
    for (int py = 0; py < size; py++)
        for (int px = 0; px < size; px++) {
            float cov = 0.0f;
            for (int sy = 0; sy < SUB; sy++)
                for (int sx = 0; sx < SUB; sx++)
                    cov += sample(ic, ((float)px + ((float)sx + 0.5f) / SUB) / (float)size,
                                  ((float)py + ((float)sy + 0.5f) / SUB) / (float)size);
            ui_blend(c, x + px, y + py, tint, cov / (SUB * SUB));
        }
    return true;
}
