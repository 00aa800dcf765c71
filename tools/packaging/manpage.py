#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a man page per `stoa` command from the same text as its --help:
stoa.1 from `stoa --help`, stoa-CMD.1 from `stoa CMD --help`, gzipped
(-9, no name or time stamp, as Debian wants them) into OUT_DIR.

usage: manpage.py STOA VERSION OUT_DIR
"""
import gzip
import os
import re
import subprocess
import sys


def help_text(stoa, *args):
    r = subprocess.run([stoa, *args, "--help"], capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, STOA_LOG="off"))
    if r.returncode != 0:
        sys.exit(f"manpage.py: `stoa {' '.join(args)} --help` exited with {r.returncode}")
    return (r.stdout + r.stderr).strip("\n")


def roff(s):
    """Escapes text for roff: backslashes, and a leading dot or quote."""
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + s if s.startswith((".", "'")) else s


def short(summary):
    """The one-line help without its leading synopsis ("SCENE  open ...",
    "lint LESSON [--json]: check ...")."""
    if "  " in summary:
        return summary.split("  ", 1)[1].strip()
    m = re.match(r"^(.*?(\]|[A-Z]{2,}\S*|\.\.\.)):\s+(.*)$", summary)
    return m.group(3) if m else summary


def page(name, version, summary, text):
    lines = text.splitlines()
    synopsis, rest = [], []
    for i, line in enumerate(lines):
        if i == 0 or (synopsis and line.startswith(" ") and not rest and line.strip().startswith("[")):
            synopsis.append(re.sub(r"^usage:\s*", "", line.strip()))
        else:
            rest.append(line)
    out = [f'.TH {name.upper()} 1 "" "stoa {version}" "Stoa manual"',
           ".SH NAME", f"{roff(name)} \\- {roff(summary)}",
           ".SH SYNOPSIS", ".nf", *[roff(s) for s in synopsis], ".fi",
           ".SH DESCRIPTION", ".nf", *[roff(s) for s in rest], ".fi",
           ".SH SEE ALSO",
           "\\fBstoa\\fR(1); the documentation in /usr/share/doc/stoa/",
           ""]
    return "\n".join(out)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    stoa, version, out_dir = sys.argv[1:]
    os.makedirs(out_dir, exist_ok=True)
    top = help_text(stoa)
    commands = re.findall(r"^  (\S+)\s+(.*)$", top, re.M)
    if not commands:
        sys.exit("manpage.py: `stoa --help` lists no commands")
    pages = {"stoa": page("stoa", version, "an immersive VR/AR classroom: lessons, hub, reports", top)}
    for cmd, summary in commands:
        pages[f"stoa-{cmd}"] = page(f"stoa-{cmd}", version, short(summary), help_text(stoa, cmd))
    for name, text in pages.items():
        with open(os.path.join(out_dir, f"{name}.1.gz"), "wb") as f:
            with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as gz:
                gz.write(text.encode())
    print(f"manpage.py: {len(pages)} pages in {out_dir}")


if __name__ == "__main__":
    main()
