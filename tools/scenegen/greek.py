# SPDX-License-Identifier: Apache-2.0
"""Stroke definitions of the Greek capitals the inscription needs, drawn as
an Attic stone-cutter would: straight cuts, a full-size round O and Theta,
a four-bar Sigma with splayed ends, a splayed Mu.

Each letter is a list of polylines in a unit cell: x to the right, y down,
(0, 0) top-left, (1, 1) bottom-right."""
from raster2d import circle_points

LETTERS = {
    "Α": [[(0.0, 1.0), (0.5, 0.0), (1.0, 1.0)], [(0.22, 0.6), (0.78, 0.6)]],
    "Δ": [[(0.5, 0.0), (0.0, 1.0), (1.0, 1.0), (0.5, 0.0)]],
    "Ε": [[(0.85, 0.0), (0.1, 0.0), (0.1, 1.0), (0.85, 1.0)], [(0.1, 0.5), (0.65, 0.5)]],
    "Η": [[(0.1, 0.0), (0.1, 1.0)], [(0.9, 0.0), (0.9, 1.0)], [(0.1, 0.5), (0.9, 0.5)]],
    "Θ": [circle_points(0.5, 0.5, 0.5), [(0.38, 0.5), (0.62, 0.5)]],
    "Ι": [[(0.5, 0.0), (0.5, 1.0)]],
    "Κ": [[(0.12, 0.0), (0.12, 1.0)], [(0.88, 0.0), (0.14, 0.52), (0.88, 1.0)]],
    "Λ": [[(0.0, 1.0), (0.5, 0.0), (1.0, 1.0)]],
    "Μ": [[(0.0, 1.0), (0.12, 0.0), (0.5, 0.62), (0.88, 0.0), (1.0, 1.0)]],
    "Ν": [[(0.12, 1.0), (0.12, 0.0), (0.88, 1.0), (0.88, 0.0)]],
    "Ο": [circle_points(0.5, 0.5, 0.5)],
    "Π": [[(0.1, 1.0), (0.1, 0.0), (0.9, 0.0), (0.9, 1.0)]],
    "Σ": [[(0.92, 0.08), (0.08, 0.0), (0.6, 0.5), (0.08, 1.0), (0.92, 0.92)]],
    "Τ": [[(0.0, 0.0), (1.0, 0.0)], [(0.5, 0.0), (0.5, 1.0)]],
}

# "The Painted Stoa. The people dedicated (it)." Set stoichedon: every letter
# in its own cell of one grid, as on Attic public inscriptions.
TEXT_LINES = ["ΣΤΟΑ", "ΠΟΙΚΙΛΗ", "Ο ΔΗΜΟΣ", "ΑΝΕΘΗΚΕΝ"]


def layout_segments(lines, cell_w, cell_h, letter_w, letter_h, origin, columns):
    """Segments in pixels for the lines centred on a grid of `columns` cells."""
    segs = []
    ox, oy = origin
    for row, text in enumerate(lines):
        start = (columns - len(text)) // 2
        for col, ch in enumerate(text):
            if ch == " ":
                continue
            x0 = ox + (start + col) * cell_w + (cell_w - letter_w) / 2
            y0 = oy + row * cell_h + (cell_h - letter_h) / 2
            for poly in LETTERS[ch]:
                pts = [(x0 + px * letter_w, y0 + py * letter_h) for px, py in poly]
                segs += list(zip(pts, pts[1:]))
    return segs
