// SPDX-License-Identifier: Apache-2.0
// How long a subtitle stays up when its narration cannot be heard.
#include <stdint.h>

#include "stoa_audio.h"

// Paced like narration rather than silent reading, so a learner who reads
// slowly still gets through it: about 150 words a minute, or 4 CJK
// characters a second, after a one-second lead for the eye to find it.
#define WORDS_PER_S 2.5
#define CJK_CHARS_PER_S 4.0
#define LEAD_S 1.0
#define MIN_S 2.0

// Decodes one UTF-8 sequence at *s (advancing it); malformed bytes count as
// one unit each so garbage text still gets a finite, positive time.
static uint32_t next_code_point(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t c = p[0];
    int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if (c >= 0x80 && c < 0xc0)
        extra = 0;
    uint32_t cp = extra == 3 ? (c & 0x07) : extra == 2 ? (c & 0x0f) : extra == 1 ? (c & 0x1f) : c;
    int i = 1;
    for (; i <= extra && (p[i] & 0xc0) == 0x80; i++)
        cp = (cp << 6) | (p[i] & 0x3f);
    *s = p + i;
    return i == extra + 1 ? cp : 0xfffd;
}

// Scripts written without spaces between words: each character counts.
static int is_cjk(uint32_t cp)
{
    return (cp >= 0x3040 && cp <= 0x30ff) || // kana
           (cp >= 0x3400 && cp <= 0x4dbf) || // CJK extension A
           (cp >= 0x4e00 && cp <= 0x9fff) || // CJK unified ideographs
           (cp >= 0xf900 && cp <= 0xfaff) || // compatibility ideographs
           (cp >= 0x20000 && cp <= 0x2ffff); // supplementary ideographs
}

static int is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000 || cp == 0xa0;
}

double stoa_audio_estimate_reading_s(const char *text)
{
    if (!text)
        return MIN_S;
    long words = 0, cjk = 0;
    int in_word = 0;
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        uint32_t cp = next_code_point(&s);
        if (is_cjk(cp)) {
            cjk++;
            in_word = 0;
        } else if (is_space(cp)) {
            in_word = 0;
        } else if (!in_word) {
            words++;
            in_word = 1;
        }
    }
    if (words == 0 && cjk == 0)
        return MIN_S;
    double t = LEAD_S + (double)words / WORDS_PER_S + (double)cjk / CJK_CHARS_PER_S;
    return t < MIN_S ? MIN_S : t;
}
