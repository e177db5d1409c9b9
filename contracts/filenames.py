"""A file's name as lexrisk shows and stores it: the name the user gave, made safe to print and to use as
one path component, never shortened to its last part.

An upload's name is the client's: `2024/MSA v3.pdf` or `A0<b>x</b>.txt` hold a slash, and taking the part
after the last one (as `Path(name).name` does) turned the latter into `b>.txt`. Separators become `_`
instead, white space (a tab or line break included) becomes one space, other control and format characters
go, and only a name longer than any file system allows is shortened, in its middle, keeping its suffix (the
type is read from it for plain text)."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 255
_UNSAFE = re.compile(r"[/\\]")
_SPACES = re.compile(r"\s+")
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})  # control, format, surrogate, private use, unassigned


def safe_name(name: str, fallback: str = "upload") -> str:
    """`name` without path separators, control or format characters and runs of white space.

    A tab or line break is a control character too, and dropping it with the others glued the words it
    separated (`MSA<tab>v2.docx` became `MSAv2.docx`): white space is kept until runs of it become one space,
    after the characters that go are gone (so `a<tab><bidi override><tab>b` is `a b`)."""
    name = "".join(c for c in name if c.isspace() or unicodedata.category(c) not in _DROPPED)
    name = _SPACES.sub(" ", _UNSAFE.sub("_", name)).strip()
    if name in ("", ".", ".."):
        return fallback
    if len(name) > MAX_NAME_CHARS:
        stem, dot, suffix = name.rpartition(".")
        suffix = f".{suffix}" if dot and stem and len(suffix) <= 16 else ""
        keep = MAX_NAME_CHARS - len(suffix) - 1
        name = name[:keep // 2] + "…" + name[len(name) - len(suffix) - (keep - keep // 2):]
    return name
