// SPDX-License-Identifier: Apache-2.0
// The committed narration of the sample lesson decodes, is mono, has a
// sensible length, and stays small (tools/narration/make_narration.sh).
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audio/stoa_audio.h"
#include "stoa_test.h"

STOA_TEST(agora_narration_clips_decode)
{
    const char *src = getenv("STOA_SOURCE_DIR");
    CHECK(src != NULL);
    if (!src)
        return;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/scenes/agora/narration", src);
    DIR *d = opendir(dir);
    CHECK_MSG(d != NULL, "no folder %s", dir);
    if (!d)
        return;
    int clips = 0;
    long long bytes = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *ext = strrchr(e->d_name, '.');
        if (!ext || (strcmp(ext, ".wav") && strcmp(ext, ".ogg") && strcmp(ext, ".flac")))
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        double dur = 0.0;
        int ch = 0;
        stoa_error err = {0};
        CHECK_MSG(stoa_audio_check_file(path, &dur, &ch, &err) == STOA_OK, "%s", err.message);
        CHECK_MSG(ch == 1 && dur > 0.5 && dur < 20.0, "%s: %d channels, %.2f s", e->d_name, ch,
                  dur);
        struct stat st;
        if (stat(path, &st) == 0)
            bytes += st.st_size;
        clips++;
    }
    closedir(d);
    CHECK(clips >= 6);
    CHECK_MSG(bytes < 700 * 1024, "narration is %lld bytes; keep it small", bytes);
}

STOA_TEST_MAIN()
