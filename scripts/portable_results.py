"""Rewrite the machine paths in results committed before the writers wrote portable paths (issue 33).

The evaluation runs, reports, benchmark JSON, model card and server logs under eval/results/ were written
with the absolute paths of the machine that made them. Re-running them costs hours (the held-out baseline
is retrained, the SmolLM2 loop serves two vLLM CPU servers), so their paths are rewritten the way
`contracts.portable_paths` now writes them: the checkouts that ran them (`/work/main`, `/work/wt/NAME`) become
paths relative to the repository root, CUAD's folder `$LEXRISK_CUAD_DIR`, the temporary folder `$TMPDIR`, the
Python installation `<python>`. Nothing else in the files changes.

    python scripts/portable_results.py            # rewrite in place, print what changed
    python scripts/portable_results.py --check    # exit 1 if a file still holds an absolute path
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from contracts.portable_paths import absolute_paths  # noqa: E402

RESULTS = REPO / "eval" / "results"
# the machine that wrote the committed results: its paths and what they are on any checkout
MACHINE = [
    (re.compile(r"/work/(?:main|wt/[\w.-]+)/"), ""),
    (re.compile(r"/work/shared/data/cuad(?![\w-]|\.\w)"), "$LEXRISK_CUAD_DIR"),
    (re.compile(r"/root/\.pyenv/versions/[\d.]+/"), "<python>/"),
    (re.compile(r"(?<![\w.-])/tmp(?=/)"), "$TMPDIR"),
]


def text_files(root: Path = RESULTS) -> list[Path]:
    """Every file under `root` that reads as UTF-8 text (images and other binaries are left alone)."""
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                continue
            files.append(path)
    return files


def rewrite(text: str) -> str:
    for pattern, replacement in MACHINE:
        text = pattern.sub(lambda _match, new=replacement: new, text)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that still hold absolute paths")
    args = parser.parse_args()
    left = 0
    for path in text_files():
        text = path.read_bytes().decode("utf-8")  # bytes: a log's carriage returns stay as they were
        new = text if args.check else rewrite(text)
        if new != text:
            path.write_bytes(new.encode("utf-8"))
            print(f"rewrote {path.relative_to(REPO)}")
        for hit in absolute_paths(new):
            left += 1
            print(f"{path.relative_to(REPO)}: still absolute: {hit}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
