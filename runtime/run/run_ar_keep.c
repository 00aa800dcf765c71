// SPDX-License-Identifier: Apache-2.0
// The learner's hand-set scale of a tabletop model, kept beside its spatial
// anchor (docs/ar.md, "Kept in the room"): an anchor keeps a pose (where,
// and the turn), not a size. One file for all of this headset's anchors,
// $XDG_STATE_HOME/stoa/tabletop.txt (else ~/.local/state/stoa/...):
//
//   stoa-tabletop 1
//   NAME<TAB>SCALE<TAB>TURN_DEG
//
// Parsing is bounded: the file is read up to 64 KiB, at most 256 entries,
// lines of at most 511 bytes; a line that does not parse is skipped. It is
// written whole through a temporary file renamed into place.
#include "run_ar_keep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_log.h"

#define KEEP_MAX_BYTES 65536
#define KEEP_MAX_ENTRIES 256
#define KEEP_MAX_LINE 511

static bool parse_line(const char *line, size_t len, run_ar_kept *out)
{
    if (len == 0 || len > KEEP_MAX_LINE)
        return false;
    const char *tab = memchr(line, '\t', len);
    if (!tab || tab == line || (size_t)(tab - line) >= sizeof out->name)
        return false;
    for (const char *c = line; c < tab; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return false;
    char nums[KEEP_MAX_LINE + 1];
    size_t nl = len - (size_t)(tab + 1 - line);
    memcpy(nums, tab + 1, nl);
    nums[nl] = 0;
    char *end = NULL;
    double scale = strtod(nums, &end);
    if (end == nums || *end != '\t')
        return false;
    char *turn_at = end + 1;
    double turn = strtod(turn_at, &end);
    if (end == turn_at || *end != 0 || !isfinite(scale) || !isfinite(turn) || scale < 1e-4 ||
        scale > 1.0 || fabs(turn) > 720.0)
        return false;
    memcpy(out->name, line, (size_t)(tab - line));
    out->name[tab - line] = 0;
    out->scale = (float)scale;
    out->turn_deg = (float)turn;
    return true;
}

uint32_t run_ar_keep_parse(const char *text, size_t len, run_ar_kept *out, uint32_t max)
{
    static const char head[] = "stoa-tabletop 1\n";
    if (len > KEEP_MAX_BYTES)
        len = KEEP_MAX_BYTES;
    if (len < sizeof head - 1 || memcmp(text, head, sizeof head - 1) != 0)
        return 0;
    uint32_t n = 0;
    if (max > KEEP_MAX_ENTRIES)
        max = KEEP_MAX_ENTRIES;
    for (size_t at = sizeof head - 1; at < len && n < max;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t l = nl ? (size_t)(nl - (text + at)) : len - at;
        if (parse_line(text + at, l, &out[n])) {
            uint32_t same = 0; // a name twice: the later wins
            while (same < n && strcmp(out[same].name, out[n].name) != 0)
                same++;
            if (same < n)
                out[same] = out[n];
            else
                n++;
        }
        at += l + 1;
    }
    return n;
}

static void keep_path(char *out, size_t size, const char *suffix)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (state && state[0] == '/')
        snprintf(out, size, "%s/stoa/tabletop.txt%s", state, suffix);
    else if (home && home[0])
        snprintf(out, size, "%s/.local/state/stoa/tabletop.txt%s", home, suffix);
    else
        snprintf(out, size, "./stoa-tabletop.txt%s", suffix);
}

static uint32_t load_all(run_ar_kept *all)
{
    char path[1200];
    keep_path(path, sizeof path, "");
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char *buf = malloc(KEEP_MAX_BYTES);
    size_t len = buf ? fread(buf, 1, KEEP_MAX_BYTES, f) : 0;
    fclose(f);
    uint32_t n = buf ? run_ar_keep_parse(buf, len, all, KEEP_MAX_ENTRIES) : 0;
    free(buf);
    return n;
}

bool run_ar_keep_load(const char *name, run_ar_kept *out)
{
    run_ar_kept *all = calloc(KEEP_MAX_ENTRIES, sizeof *all);
    uint32_t n = all ? load_all(all) : 0;
    bool found = false;
    for (uint32_t i = 0; i < n && !found; i++)
        if (strcmp(all[i].name, name) == 0) {
            *out = all[i];
            found = true;
        }
    free(all);
    return found;
}

static void make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(path, 0700);
            *p = '/';
        }
}

bool run_ar_keep_save(const char *name, float scale, float turn_deg)
{
    run_ar_kept *all = calloc(KEEP_MAX_ENTRIES + 1, sizeof *all);
    if (!all || !name || !name[0] || strlen(name) >= sizeof all->name || strchr(name, '\t') ||
        strchr(name, '\n')) {
        free(all);
        return false;
    }
    uint32_t n = load_all(all), i = 0;
    while (i < n && strcmp(all[i].name, name) != 0)
        i++;
    if (i == n && n == KEEP_MAX_ENTRIES) { // full: the oldest goes
        memmove(all, all + 1, (n - 1) * sizeof *all);
        i = --n;
    }
    snprintf(all[i].name, sizeof all[i].name, "%s", name);
    all[i].scale = scale;
    all[i].turn_deg = turn_deg;
    if (i == n)
        n++;
    char path[1200], tmp[1210];
    keep_path(path, sizeof path, "");
    keep_path(tmp, sizeof tmp, ".tmp");
    make_dirs(path);
    FILE *f = fopen(tmp, "wb");
    bool ok = f != NULL;
    if (f) {
        fputs("stoa-tabletop 1\n", f);
        for (uint32_t k = 0; k < n; k++)
            fprintf(f, "%s\t%.6g\t%.2f\n", all[k].name, all[k].scale, all[k].turn_deg);
        ok = fclose(f) == 0 && rename(tmp, path) == 0;
    }
    if (!ok)
        STOA_LOGW("run", "tabletop: the scale could not be kept in %s: %s", path, strerror(errno));
    free(all);
    return ok;
}
