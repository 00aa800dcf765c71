#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that lines.tsv says what the lesson's subtitles say.

    check_lines.py LESSON.yaml LINES.tsv

For every `narrate` whose audio is `.../narration/NAME.wav`, the lesson's
`en` text must equal the text of NAME in LINES.tsv, and every clip named in
the lesson must have a line. Exit 1 with one message per mismatch.
Standard library only: the lesson is read with a pattern for the narrate
blocks (audio line, then text:, then en:), the layout the sample uses.
"""
import re
import sys


def load_lines(path):
    lines = {}
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            raw = raw.rstrip("\n")
            if not raw or raw.startswith("#"):
                continue
            name, sep, text = raw.partition("\t")
            if not sep:
                sys.exit(f"{path}:{n}: expected NAME<TAB>TEXT")
            lines[name] = text.strip()
    return lines


NARRATE = re.compile(
    r"audio:\s*(?P<path>\S*narration/(?P<name>\w+)\.\w+)\s*\n"
    r"\s*text:\s*\n\s*en:\s*(?P<en>.+)\n")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    lesson, tsv = sys.argv[1], sys.argv[2]
    lines = load_lines(tsv)
    text = open(lesson, encoding="utf-8").read()
    errors, seen = 0, 0
    for m in NARRATE.finditer(text):
        seen += 1
        name, en = m["name"], m["en"].strip()
        if len(en) >= 2 and en[0] == en[-1] and en[0] in "\"'":
            en = en[1:-1]
        if name not in lines:
            print(f"{lesson}: narration {m['path']} has no line in {tsv}")
            errors += 1
        elif lines[name] != en:
            print(f"{lesson}: narration {name}: subtitle and {tsv} differ:\n"
                  f"  lesson: {en}\n  lines:  {lines[name]}")
            errors += 1
    if seen == 0:
        print(f"{lesson}: no narration with audio found")
        errors += 1
    print(f"check_lines: {seen} narrations, {errors} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
