"""Contract words in Streamlit's Markdown, shown as written.

Streamlit reads every label, caption and message as Markdown with its own additions, so a contract's own
characters turned into formatting (seen in Chromium on Streamlit 1.67): a quoted clause opening "1. Liability."
became a numbered list, "the *Services* and _Effective Date_" lost its marks to italics, "$x$" became a
formula, ":smile:" an emoji and ":red[...]" coloured text with its ":red" gone. CommonMark lets a backslash
escape every ASCII punctuation mark, Streamlit's own syntax included, so escaping them all keeps the words.
Left as Streamlit draws them: "->", "--" and ">=" as arrows, dashes and "≥" (its typography runs on the text
itself)."""

from __future__ import annotations

import functools
import itertools
import re

from contracts.terms.counts import NUMBER_WORD, read_count

_MARKS = re.compile(r"([!-/:-@[-`{-~])")  # every ASCII punctuation mark: what CommonMark lets a backslash escape
# a line that opens an item of its own: "(1) ", "(a) ", "a) ", "1. ", "14.5.1 ", "iv. ", a bullet
_ITEM = re.compile(r"\s*(\(?[0-9]{1,3}(\.[0-9]{1,3})*[.)]?\s|\([a-zA-Z]{1,4}\)|[a-zA-Z]{1,4}[.)]\s|[-•–*]\s)")
_SENTENCE_END = re.compile(r"[.!?;:][\"”’)\]]?$")
_STARTS_SENTENCE = re.compile(r"[A-Z0-9\"“(\[]")
# a count's words ending a line, whose digits "(1)" open the next: "one / (1) month" is one count, not an item
_WORDS_ENDING = re.compile(rf"\b{NUMBER_WORD}(?:[\s-]+(?:and[\s-]+)?{NUMBER_WORD}){{0,4}}-?$", re.IGNORECASE)
_DIGITS_OPENING = re.compile(r"\s*\((\d{1,4})\)")
FULL_LINE = 0.75  # a line this share of the text's usual width, or wider, ran on past the PDF's right margin


def _escaped(line: str) -> str:
    # leading spaces would make an indented code block of a PDF's indented line; Markdown drops them anyway
    return _MARKS.sub(r"\\\1", line.strip())


@functools.lru_cache(maxsize=8)  # a rerun unwraps the same contract for its text pane and its quote
def unwrapped(text: str) -> str:
    """`text` with the line breaks a PDF's right margin put inside a paragraph made spaces, the same length (a
    finding's offsets still point at its words). A PDF's text keeps every printed line, and in a pane narrower than
    the page each line wrapped once more and then broke where the page did, leaving every other line a few words
    long. A break stays where a paragraph or heading ends (a line shorter than the text's usual width, a sentence
    ending before a capital) and before a numbered or lettered item, so headings, lists, addresses and signature
    blocks keep their lines; a count's digits after its words ("one / (1) month") are no item."""
    lines = text.split("\n")
    widths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(widths) < 2:
        return text
    full = FULL_LINE * widths[int(0.9 * (len(widths) - 1))]
    out = [lines[0]]
    for before, after in itertools.pairwise(lines):
        tail, head = before.rstrip(), after.lstrip()
        soft = (len(before.strip()) >= full and head != "" and (not _ITEM.match(after) or _restated(tail, after))
                and not (_SENTENCE_END.search(tail) and _STARTS_SENTENCE.match(head)))
        out.append((" " if soft else "\n") + after)
    return "".join(out)


def _restated(tail: str, after: str) -> bool:
    """Whether `after` opens with the digits of the count whose words end `tail` ("... within one" / "(1) month"):
    the count's second half, though "(1)" alone reads as an item."""
    words, digits = _WORDS_ENDING.search(tail), _DIGITS_OPENING.match(after)
    return words is not None and digits is not None and read_count(words.group()) == float(digits.group(1))


def counted(n: int, noun: str) -> str:
    """"1 risk", "2 risks", "0 risks": a count and its noun as a lawyer writes them (a regular plural)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def plain(text: str) -> str:
    """`text` escaped for Streamlit's Markdown: it reads as written, its line breaks kept."""
    return "  \n".join(_escaped(line) for line in text.splitlines())


def quoted(text: str) -> str:
    """`text` as a Markdown block quote, every line of it inside the quote and read as written."""
    return "  \n".join(f"> {_escaped(line)}" for line in (text or "—").splitlines() or ["—"])
