"""Contract words in Streamlit's Markdown, shown as written.

Streamlit reads every label, caption and message as Markdown with its own additions, so a contract's own
characters turned into formatting (seen in Chromium on Streamlit 1.67): a quoted clause opening "1. Liability."
became a numbered list, "the *Services* and _Effective Date_" lost its marks to italics, "$x$" became a
formula, ":smile:" an emoji and ":red[...]" coloured text with its ":red" gone. CommonMark lets a backslash
escape every ASCII punctuation mark, Streamlit's own syntax included, so escaping them all keeps the words.
Left as Streamlit draws them: "->", "--" and ">=" as arrows, dashes and "≥" (its typography runs on the text
itself)."""

from __future__ import annotations

import re

_MARKS = re.compile(r"([!-/:-@[-`{-~])")  # every ASCII punctuation mark: what CommonMark lets a backslash escape


def _escaped(line: str) -> str:
    # leading spaces would make an indented code block of a PDF's indented line; Markdown drops them anyway
    return _MARKS.sub(r"\\\1", line.strip())


def plain(text: str) -> str:
    """`text` escaped for Streamlit's Markdown: it reads as written, its line breaks kept."""
    return "  \n".join(_escaped(line) for line in text.splitlines())


def quoted(text: str) -> str:
    """`text` as a Markdown block quote, every line of it inside the quote and read as written."""
    return "  \n".join(f"> {_escaped(line)}" for line in (text or "—").splitlines() or ["—"])
