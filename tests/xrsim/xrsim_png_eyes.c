// SPDX-License-Identifier: Apache-2.0
// Test helper: measures each eye of a side-by-side xrsim capture. Prints
// {"width":W,"height":H,"left":{"count":N,"cx":X,"cy":Y},"right":{...}} where
// count is the number of pixels that differ from the eye's top-left
// (background) pixel and cx, cy their centroid inside that eye's half.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
#pragma GCC diagnostic pop

static void measure(const unsigned char *px, int w, int h, int x0, int half, const char *name)
{
    const unsigned char *bg = px + (size_t)x0 * 4;
    double sx = 0, sy = 0;
    long n = 0;
    for (int y = 0; y < h; y++)
        for (int x = x0; x < x0 + half; x++) {
            const unsigned char *p = px + ((size_t)y * w + x) * 4;
            if (abs(p[0] - bg[0]) + abs(p[1] - bg[1]) + abs(p[2] - bg[2]) > 24) {
                sx += x - x0;
                sy += y;
                n++;
            }
        }
    printf("\"%s\":{\"count\":%ld,\"cx\":%.3f,\"cy\":%.3f,\"bg\":[%d,%d,%d]}", name, n,
           n ? sx / n : 0.0, n ? sy / n : 0.0, bg[0], bg[1], bg[2]);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: xrsim_png_eyes FILE.png\n");
        return 2;
    }
    int w, h, c;
    unsigned char *px = stbi_load(argv[1], &w, &h, &c, 4);
    if (!px) {
        fprintf(stderr, "xrsim_png_eyes: cannot read %s: %s\n", argv[1], stbi_failure_reason());
        return 1;
    }
    printf("{\"width\":%d,\"height\":%d,", w, h);
    measure(px, w, h, 0, w / 2, "left");
    printf(",");
    measure(px, w, h, w / 2, w / 2, "right");
    printf("}\n");
    stbi_image_free(px);
    return 0;
}
