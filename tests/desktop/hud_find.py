# SPDX-License-Identifier: Apache-2.0
"""Runs tests/desktop/hud_find.c on a screenshot: where each text stands in an
overlay drawn at px pixels, searched within region (x, y, w, h)."""
import subprocess


def find_texts(hud_find, shot, px, region, texts):
    """{text: (score, x, y, width, height)} for each text's best match; None
    when hud_find has no font for them (its exit status 77)."""
    r = subprocess.run([hud_find, shot, str(px)] + [str(v) for v in region] + list(texts),
                       capture_output=True, text=True, timeout=60)
    if r.returncode == 77:
        return None
    out = {}
    for line in r.stdout.splitlines():  # score S at X Y size W H: TEXT
        w = line.split(" ", 8)
        out[w[8]] = (float(w[1]), int(w[3]), int(w[4]), int(w[6]), int(w[7].rstrip(":")))
    return out
