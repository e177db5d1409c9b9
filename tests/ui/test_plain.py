"""Contract words in Streamlit's Markdown read as written (ui/plain.py), checked with a CommonMark parser
(markdown-it-py, as Streamlit's own react-markdown follows CommonMark), and the marks that Streamlit adds
(formulas, emoji, coloured text) escaped too."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from ui.plain import counted, plain, quoted

WORDS = [
    "SUPPLY_AGREEMENT_v2_FINAL.pdf",
    "the *Services* and _Effective Date_ of __this__ Agreement",
    "[***] Holdings, Inc.",
    "**Confidential** treatment requested",
    "1. Term. The term is two years.",
    "- a list? no: a dash",
    "# 5 of the Schedule",
    "Fees: $10,000 on signing and $5,000 monthly",
    "<b>not bold</b> & AT&T &amp; co",
    "a back\\slash, `ticks`, ~~struck~~ and a | pipe",
    "[click](http://example.com)",
    "    indented by a PDF",
]
_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _text(markdown: str) -> str:
    rendered = _MD.render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize("words", WORDS)
def test_words_read_as_written(words: str) -> None:
    assert _text(plain(words)) == words.strip()
    assert _text(quoted(words)) == words.strip()
    assert "<blockquote>" in _MD.render(quoted(words))


def test_streamlits_own_marks_are_escaped() -> None:
    # formulas, emoji and coloured text: Streamlit's additions, which a CommonMark parser does not read
    assert plain("$x$ and :smile: and :red[warning]") == r"\$x\$ and \:smile\: and \:red\[warning\]"


def test_every_line_stays_in_the_quote_and_apart() -> None:
    rendered = _MD.render(quoted("1. Liability.\n  The cap is $5."))
    assert rendered.count("<blockquote>") == 1 and "<br />" in rendered and "<ol>" not in rendered
    assert _text(plain("first\nsecond")) == "first\nsecond"


def test_one_risk_is_singular() -> None:
    # the Review page's count over its table read "1 risks shown"
    assert [counted(n, "risk") for n in (0, 1, 2)] == ["0 risks", "1 risk", "2 risks"]
