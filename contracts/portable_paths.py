"""Paths as a results file or a card should record them: runnable on any checkout, not just the machine that
wrote them. A path inside the repository is written relative to its root (the commands in the README and
the recipes are run from there); a path a `LEXRISK_*` setting named (the CUAD data, `LEXRISK_CUAD_DIR`) is
written as that setting, `$LEXRISK_CUAD_DIR/...`, which a shell expands on the next machine; the temporary
folder as `$TMPDIR`. Every writer of committed results passes what it writes through `portable()`, and
tests/eval/test_portable_results.py refuses an absolute path under eval/results/.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]

# an absolute path on a POSIX machine, as it appears in prose, JSON, a shell line or a log: a top-level folder
# of the file-system hierarchy after a boundary (start, space, quote, `=`, bracket, backtick) or `file://`
ABSOLUTE_PATH = re.compile(
    r"(?:(?<=^)|(?<=[\s\"'`=(\[,;:])|(?<=file://))/(?:work|home|tmp|root|Users|Volumes|private|usr|opt|var|mnt|srv|data|scratch|"
    r"nfs|media|run)/[^\s\"'`)\],;<>]*", re.M)


def path_settings(environ: Mapping[str, str] | None = None) -> dict[str, Path]:
    """`$NAME` -> the folder it names: every `LEXRISK_*` variable holding an absolute path, the CUAD folder of
    the settings (`LEXRISK_CUAD_DIR`, whose default is relative to the working directory) and `TMPDIR`."""
    environ = os.environ if environ is None else environ
    named: dict[str, Path] = {}
    for name, value in environ.items():
        if name.startswith("LEXRISK_") and value.startswith("/"):
            named[f"${name}"] = Path(value)
    if "$LEXRISK_CUAD_DIR" not in named:
        from contracts.settings import CommonSettings

        named["$LEXRISK_CUAD_DIR"] = Path(CommonSettings.model_fields["cuad_dir"].default)
    named["$TMPDIR"] = Path(environ.get("TMPDIR") or tempfile.gettempdir())
    return named


def _replacements(environ: Mapping[str, str] | None) -> list[tuple[re.Pattern[str], str]]:
    """(pattern, replacement) pairs, the longest prefix first, so the most specific name wins."""
    pairs: dict[str, str] = {}
    for name, folder in path_settings(environ).items():
        for form in {str(folder), str(folder.resolve())}:
            if form.startswith("/") and form != "/":
                pairs.setdefault(form, name)
    root = str(REPO_ROOT)
    out = []
    for prefix, name in sorted(pairs.items(), key=lambda kv: -len(kv[0])):
        if prefix == root or root.startswith(prefix + "/"):
            continue  # a setting naming a folder above the repository does not hide the repository's own paths
        out.append((re.compile(re.escape(prefix) + r"(?![\w-]|\.\w)"), name))
    inside = [(re.compile(re.escape(root) + r"/"), ""), (re.compile(re.escape(root) + r"(?![\w./-])"), ".")]
    # the repository first when a setting's folder lies inside it (the relative path is then the runnable one)
    return inside + out


def portable_text(text: str, environ: Mapping[str, str] | None = None) -> str:
    """`text` with the repository's absolute paths made relative and the settings' folders named."""
    for pattern, replacement in _replacements(environ):
        text = pattern.sub(replacement.replace("\\", "\\\\"), text)
    return text


def portable(value: Any, environ: Mapping[str, str] | None = None) -> Any:
    """portable_text() over every string (and path) inside JSON-like data; other values as they are."""
    if isinstance(value, str | Path):
        return portable_text(str(value), environ)
    if isinstance(value, Mapping):
        return {k: portable(v, environ) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [portable(v, environ) for v in value]
    return value


def absolute_paths(text: str) -> list[str]:
    """The absolute paths in `text` (what a portable file must not hold)."""
    return ABSOLUTE_PATH.findall(text)
