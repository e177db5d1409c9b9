from __future__ import annotations

import itertools
import os
import subprocess
import sys

from contracts import segment
from contracts.segment import segment_clauses, split_sentences
from tests.conftest import REPO

CONTRACT = """SUPPLY AGREEMENT

This Supply Agreement is made on January 5, 2026 between Acme Corp. and Beta Inc.

ARTICLE I DEFINITIONS

1.1 "Products" means the goods listed in Exhibit A.

1.2 "Territory" means the United States.

ARTICLE II TERM AND TERMINATION

Section 2.1 Term. This Agreement starts on the Effective Date. It lasts three (3) years.

Section 2.2 Termination. Either party may terminate:
(a) for material breach not cured within 30 days;
(b) upon the other party's insolvency; or
(c) for convenience, provided that:
(i) notice is given; and
(ii) fees are paid.

3. Governing Law. This Agreement is governed by the laws of the State of New York, U.S.A. without regard to conflicts rules.

4. Notices
All notices shall be in writing. Notices to Acme Corp. shall be sent to its address.
"""


def _by_number(clauses):
    return {c.number: c for c in clauses if c.number}


def test_clause_numbers_and_headings():
    clauses = segment_clauses(CONTRACT)
    numbered = _by_number(clauses)
    for number in ["ARTICLE I", "1.1", "1.2", "ARTICLE II", "Section 2.1", "Section 2.2", "(a)", "(b)", "(c)",
                   "(i)", "(ii)", "3", "4"]:
        assert number in numbered, number
    assert numbered["ARTICLE I"].heading == "Definitions"
    assert numbered["Section 2.1"].heading == "Term"
    assert numbered["3"].heading == "Governing Law"
    assert numbered["4"].heading == "Notices"
    assert numbered["(i)"].level > numbered["(c)"].level > numbered["Section 2.2"].level > numbered["ARTICLE II"].level


def test_clauses_tile_the_text_in_order():
    clauses = segment_clauses(CONTRACT)
    assert clauses[0].start == 0 and clauses[-1].end == len(CONTRACT)
    for before, after in itertools.pairwise(clauses):
        assert before.end == after.start
    governing = _by_number(clauses)["3"]
    assert CONTRACT[governing.start:governing.end].startswith("3. Governing Law.")
    assert "State of New York" in governing.text(CONTRACT)


def test_letter_i_after_h_is_a_letter_not_a_roman_numeral():
    text = "\n".join(f"({c}) item {c}." for c in "abcdefghij")
    levels = {c.number: c.level for c in segment_clauses(text) if c.number}
    assert levels["(i)"] == levels["(h)"] == levels["(j)"]


def test_amounts_at_line_start_are_not_clause_numbers():
    text = "The fee is payable within\n30 days of invoice. The term is\n12 months."
    assert all(c.number is None for c in segment_clauses(text))


def test_sentences_respect_abbreviations_and_headings():
    spans = split_sentences(CONTRACT)
    sentences = [CONTRACT[s.start:s.end] for s in spans]
    assert "This Supply Agreement is made on January 5, 2026 between Acme Corp. and Beta Inc." in sentences
    assert "SUPPLY AGREEMENT" in sentences  # a heading never fuses with the next sentence
    assert "It lasts three (3) years." in sentences
    assert any(s.startswith("3. Governing Law.") or s == "This Agreement is governed by the laws of the State of "
               "New York, U.S.A. without regard to conflicts rules." for s in sentences)
    for span in spans:
        text = CONTRACT[span.start:span.end]
        assert text == text.strip() and text


def test_run_on_text_is_capped():
    text = "word " * 2000
    spans = split_sentences(text, max_chars=500)
    assert all(s.end - s.start <= 500 for s in spans)
    assert spans[0].start == 0 and spans[-1].end == len(text.rstrip())


def test_wrapped_pdf_lines_do_not_open_clauses():
    text = ("7.2 In no event shall Provider's aggregate liability arising out of this Agreement exceed the fees paid by the\n"
            "(1) month preceding the claim, as described in this Agreement and the schedules attached to it, and in\n"
            "Section 5.2 hereof.\n"
            "7.3 Provider shall maintain insurance.")
    numbers = [c.number for c in segment_clauses(text) if c.number]
    assert numbers == ["7.2", "7.3"]
    sentences = [text[s.start:s.end] for s in split_sentences(text)]
    assert sentences[0].endswith("Section 5.2 hereof.")


def test_a_heading_cut_off_by_the_sentencizer_joins_its_sentence():
    text = "2.3 Minimum Commitment. Customer shall purchase Services of not less than $250,000 each year."
    sentences = [text[s.start:s.end] for s in split_sentences(text)]
    assert sentences == [text]


def test_the_pipeline_is_rebuilt_when_its_vocabulary_outgrows_the_limit(monkeypatch):
    text = "The Licensee shall pay the fees. Xqzvunseen applies here. Section 4. Term.\n\nNext one."
    expected = split_sentences(text)
    monkeypatch.setattr(segment, "VOCAB_LIMIT", 0)
    before = segment._sentencizer()
    assert split_sentences(text) == expected
    after = segment._sentencizer()
    assert after is not before
    assert "Xqzvunseen" in before.vocab.strings
    assert "Xqzvunseen" not in after.vocab.strings  # a fresh vocabulary
    assert split_sentences(text) == expected



def test_a_text_longer_than_spacys_max_length_is_split():
    """One block of 6M characters (no blank line) raised spaCy's max_length error (E088): a 5-24 MB text
    upload could not be analysed."""
    text = "This clause has no end and goes on " * 180_000
    assert len(text) > 6_000_000
    spans = split_sentences(text)
    assert spans and spans[-1].end == len(text.rstrip()) and all(s.end - s.start <= 2000 for s in spans)


# texts where the fast path's rules are easy to get wrong: every prefix, punctuation and whitespace case
# that `_ONE_SENTENCE` admits or refuses, beside lines it must hand to spaCy
TRICKY = "\n".join([
    "1. Item", "12. Item.", "999.  Two spaces", "1. (a) bracket after the number", "2. “Quoted” start",
    "3. . dot again", "1.", "7. Inc.", "Item without number", "Ends with many?!.", "Mid. sentence stop",
    "U.S.A. based", "4.\tTab after", "   5. Indented", "6. Item\u00a0", "8. Item\u3002", "9. Ends with colon:",
    "10. Item 。 more", "(b) paren item.", "Section 3. Heading.", "x" * 2500 + ".", "11. " + "word " * 500,
    "", "\u2028", "12. Über.", "13. _underscore", "14. 2nd item", "\x0c15. Form feed.",
])


def _spans(text: str, **kwargs) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in split_sentences(text, **kwargs)]


def test_blocks_taken_whole_split_as_spacy_splits_them():
    assert _spans(TRICKY) == _spans(TRICKY, whole_blocks=False)
    lines = "".join(f"{i % 999 + 1}. Item\n" for i in range(3000))
    assert _spans(lines) == _spans(lines, whole_blocks=False)
    assert len(split_sentences(lines)) == 3000


def test_real_contracts_split_as_before(cuad_dir):
    """The fast path changes no sentence of real contracts: spaCy on every block is the reference."""
    files = sorted((cuad_dir / "full_contract_txt").glob("*.txt"))
    assert len(files) >= 30
    taken = 0
    for path in files[::len(files) // 30][:30]:
        text = path.read_text("utf-8", errors="replace")
        assert _spans(text) == _spans(text, whole_blocks=False), path.name
        taken += 1
    assert taken == 30


def test_the_sentence_punctuation_is_the_sentencizers():
    """The pattern that decides which blocks need spaCy uses spaCy's own list, copied so as not to import it."""
    assert set(segment.SENTENCE_PUNCT) == segment._sentencizer().get_pipe("sentencizer").punct_chars


def test_spacy_is_imported_only_for_a_block_that_needs_it():
    """Numbered one-line items need no sentencizer, so splitting them never imports spaCy (nor, through
    thinc, torch); a block with a stop inside does."""
    probe = ("import sys; from contracts.segment import split_sentences; "
             "n = len(split_sentences(sys.argv[1])); print(n, 'spacy' in sys.modules)")
    items = "".join(f"{i}. Item\n" for i in range(1, 500))
    for text, expected in ((items, "499 False"), ("The Licensee shall pay every invoice within thirty days of its date. Late fees accrue monthly.", "2 True")):
        run = subprocess.run([sys.executable, "-c", probe, text], capture_output=True, text=True, check=True,
                             cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
        assert run.stdout.split() == expected.split(), run.stderr[-2000:]


def test_a_stop_inside_the_block_sends_it_to_spacy():
    pattern = segment._ONE_SENTENCE
    assert pattern.match("a" + " " * 1999 + ".x") is None
    assert pattern.match("12. Item.\n") is not None and pattern.match("12. (a) x") is None


def _clauses_line_by_line(text: str) -> list[tuple[int, int, str | None, str | None, int]]:
    """The clause rule as it was written before the one-scan `_OPENER` (issue 29): split the text into
    lines, skip a line after one that does not close a unit, and ask `_clause_start` about each other."""
    starts: list[tuple[int, str | None, str | None, int]] = []
    previous_paren, closed, pos = None, True, 0
    for line in text.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        was_closed, closed = closed, len(line) < 60 or segment._closes_a_unit(line)
        if not was_closed:
            continue
        found = segment._clause_start(line, previous_paren)
        if found is None:
            continue
        number, heading, level = found
        if number and number.startswith("("):
            previous_paren = number[1:-1]
        starts.append((line_start + len(line) - len(line.lstrip()), number, heading, level))
    if not starts or starts[0][0] > 0:
        starts.insert(0, (0, None, None, 0))
    ends = [s[0] for s in starts[1:]] + [len(text)]
    return [(start, end, number, heading, level) for (start, number, heading, level), end in zip(starts, ends, strict=True)]


# pieces of lines that each alternative of `_OPENER` (and its edges) must judge as `_clause_start` does
_FRAGMENTS = ["ARTICLE IV", "Article 12.", "ARTICLE IX - TERM", "Article 5abc", "ARTICLES", "SECTION 3.2A.",
              "Section 7", "§ 4.1:", "§4", "Sections apply", "12 days after", "30 Months", "7 %", "1.2.3 Foo",
              "1. Item", "1234 Bar", "12. (a) x", '3 "Quoted"', "(a) x", "(iv) y", "(b)", "(B) z", "(12) w",
              "(abc) v", "DEFINITIONS", "TERM AND TERMINATION", "A B C", "NOTICES;", "SCHEDULE A-1 (PRICES)",
              "The Supplier shall indemnify the Customer.", "and", "x" * 70, "y" * 59 + ".", "z" * 80 + ",",
              "a long line that wraps at the margin without any stop at its end and goes on", "", "Heading: rest",
              "٣. Arabic digit", "ÅRTICLE", "2.3 Minimum Commitment. The Buyer shall buy"]
_SPACES = ["", " ", "  ", "\t", "\r", "\u00a0", "\x0b", "\u2003", " \r"]


def _fuzzed_texts(count: int) -> list[str]:
    import random

    rng = random.Random(29)
    return ["\n".join(rng.choice(_SPACES) + rng.choice(_FRAGMENTS) + rng.choice(_SPACES)
                      for _ in range(rng.randint(1, 40))) for _ in range(count)]


def test_the_one_scan_finds_the_clauses_of_the_line_rule(cuad_dir):
    """`segment_clauses` finds its clauses in one scan of the text (`_OPENER`); the clauses (offsets,
    numbers, headings, levels) are those of the rule applied line by line, on CUAD contracts and on
    lines built to sit on each alternative's edges (spaces of every kind, amounts, wrapped lines)."""
    files = sorted((cuad_dir / "full_contract_txt").glob("*.txt"))[::8]
    texts = [CONTRACT, "", "\n", "(a) x\n" * 50, *_fuzzed_texts(400)]
    texts += [path.read_text("utf-8", errors="replace") for path in files]
    for text in texts:
        expected = _clauses_line_by_line(text)
        assert [(c.start, c.end, c.number, c.heading, c.level) for c in segment_clauses(text)] == expected, text[:300]
        # the blocks are cut where the clauses open, found without their numbers and headings
        assert segment._clause_offsets(text) == [start for start, _, _, _, level in expected if level > 0]


def test_many_short_lines_keep_little_beside_their_sentences():
    """100,000 one-line items: split_sentences' peak allocation stays about twice what the 100,000 Spans it
    returns take (slotted Spans, blocks as plain pairs, no Clause objects for the cuts); with a __dict__
    per Span and Span and Clause objects for blocks and clauses it was 33 MB."""
    import tracemalloc

    lines = "".join(f"{i % 999 + 1}. Item\n" for i in range(100_000))
    split_sentences("1. Warm up.")
    tracemalloc.start()
    try:
        spans = split_sentences(lines)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(spans) == 100_000
    assert peak < 24 * 2**20, f"peak {peak / 2**20:.0f} MiB"


def test_segmentation_leaves_the_garbage_collector_as_it_found_it():
    """The collector is paused while clauses and sentences are made, and turned back on only by the call
    that turned it off."""
    import gc

    assert gc.isenabled()
    segment_clauses(CONTRACT)
    split_sentences(CONTRACT)
    assert gc.isenabled()
    gc.disable()
    try:
        segment_clauses(CONTRACT)
        split_sentences(CONTRACT)
        assert not gc.isenabled()
    finally:
        gc.enable()
