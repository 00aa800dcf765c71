// SPDX-License-Identifier: Apache-2.0
// The VkPipelineCache kept between runs: read when a renderer is made,
// written back when it goes, so the second run of a lesson compiles no
// pipeline from scratch. The file is
//   $STOA_PIPELINE_CACHE, or $XDG_CACHE_HOME/stoa/pipelines.bin
//   (~/.cache/stoa/pipelines.bin); STOA_PIPELINE_CACHE=off keeps none.
// Data made by another driver or device is left unused: its header's vendor,
// device and pipelineCacheUUID must match this device's (the Vulkan
// specification's cache header, version one).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "gfx_internal.h"

#define CACHE_MAX_BYTES (64u << 20)

static bool cache_path(char *out, size_t size)
{
    const char *env = getenv("STOA_PIPELINE_CACHE");
    if (env && strcmp(env, "off") == 0)
        return false;
    if (env && env[0]) {
        snprintf(out, size, "%s", env);
        return true;
    }
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char dir[1024];
    if (xdg && xdg[0])
        snprintf(dir, sizeof dir, "%s/stoa", xdg);
    else if (home && home[0])
        snprintf(dir, sizeof dir, "%s/.cache/stoa", home);
    else
        return false;
    mkdir(dir, 0700); // the parent normally exists; if not, nothing is kept
    snprintf(out, size, "%s/pipelines.bin", dir);
    return true;
}

// Header version one: length, version, vendor, device, UUID (32 + 16 bytes).
static bool header_matches(const stoa_gfx_device *dev, const uint8_t *data, size_t size)
{
    if (size < 32)
        return false;
    uint32_t len, version, vendor, device;
    memcpy(&len, data, 4);
    memcpy(&version, data + 4, 4);
    memcpy(&vendor, data + 8, 4);
    memcpy(&device, data + 12, 4);
    return len >= 32 && version == VK_PIPELINE_CACHE_HEADER_VERSION_ONE &&
           vendor == dev->props.vendorID && device == dev->props.deviceID &&
           memcmp(data + 16, dev->props.pipelineCacheUUID, VK_UUID_SIZE) == 0;
}

static uint8_t *read_file(const char *path, size_t *out_size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *data = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n > 0 && (unsigned long)n <= CACHE_MAX_BYTES && fseek(f, 0, SEEK_SET) == 0 &&
            (data = malloc((size_t)n)) && fread(data, 1, (size_t)n, f) == (size_t)n) {
            *out_size = (size_t)n;
        } else {
            free(data);
            data = NULL;
        }
    }
    fclose(f);
    return data;
}

stoa_result gfx_cache_init(stoa_gfx_renderer *r, stoa_error *err)
{
    char path[1200];
    size_t size = 0;
    uint8_t *data = cache_path(path, sizeof path) ? read_file(path, &size) : NULL;
    if (data && !header_matches(r->dev, data, size)) {
        STOA_LOGI(GFX_MODULE, "pipeline cache %s is another device's: starting afresh", path);
        free(data);
        data = NULL;
        size = 0;
    }
    // No VK_PIPELINE_CACHE_CREATE_EXTERNALLY_SYNCHRONIZED_BIT: a loader thread
    // compiles a new scene's pipelines beside the frame thread (gfx_pipeline.c).
    VkPipelineCacheCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO,
        .initialDataSize = data ? size : 0,
        .pInitialData = data,
    };
    stoa_result res = GFX_VK(err, vkCreatePipelineCache(r->dev->h.device, &info, NULL, &r->cache));
    if (data)
        STOA_LOGD(GFX_MODULE, "pipeline cache: %zu bytes from %s", size, path);
    free(data);
    return res;
}

void gfx_cache_fini(stoa_gfx_renderer *r)
{
    if (!r->cache)
        return;
    char path[1200], tmp[1300];
    size_t size = 0;
    VkDevice d = r->dev->h.device;
    if (cache_path(path, sizeof path) && vkGetPipelineCacheData(d, r->cache, &size, NULL) ==
                                             VK_SUCCESS && size > 0 && size <= CACHE_MAX_BYTES) {
        uint8_t *data = malloc(size);
        // Written beside and renamed: a reader never sees half a file.
        snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
        FILE *f = data && vkGetPipelineCacheData(d, r->cache, &size, data) == VK_SUCCESS
                      ? fopen(tmp, "wb")
                      : NULL;
        bool ok = f && fwrite(data, 1, size, f) == size;
        if (f && fclose(f) != 0)
            ok = false;
        if (ok && rename(tmp, path) != 0)
            ok = false;
        if (!ok && f)
            remove(tmp);
        free(data);
    }
    vkDestroyPipelineCache(d, r->cache, NULL);
    r->cache = VK_NULL_HANDLE;
}
