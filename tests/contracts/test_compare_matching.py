"""The text redline's faster matcher gives difflib's redline, op for op.

`contracts.compare.redline` aligned chunks and word tokens with difflib's SequenceMatcher (no junk, autojunk off);
on a divergent 1,800-clause pair its scan over every pair of equal tokens was the slowest step of `lexrisk
compare`. `contracts.compare.matching.BlockMatcher` finds the same matches by window hashes. A redline a lawyer
reads may not change by one character, so each test runs the reference (plain difflib, as the code was) and the
new matcher on the same texts and asserts equal opcodes and equal RedlineOp lists: the shipped examples, and
generated long texts that share little, repeat a few words and spaces everywhere, and hold empty strings and
whitespace runs."""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

import pytest

import contracts.compare.redline as redline
from contracts.compare import compare_documents, document_redline, matching
from contracts.compare.models import RedlineOp
from contracts.documents import Document

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FIXTURES = sorted([*EXAMPLES.glob("templates/*.txt"), *EXAMPLES.glob("templates/drafts/*.txt"),
                   *EXAMPLES.glob("contracts/*.txt")])
WORDS = ["the", "of", "shall", "Party", "Agreement", "Services", "Customer", "notice", "days", "any", "and", "or",
         "(a)", "1.", "2.1", "Section", "Confidential", "Information", "termination", "fees", "liability"]
SPACES = [" ", " ", " ", "  ", "\n", "\n\n", "\t", " \n ", "\u00a0"]


def _reference(a: Sequence[Hashable], b: Sequence[Hashable]) -> SequenceMatcher[Hashable]:
    """The matcher the redline used before: difflib's, no junk, autojunk off."""
    return SequenceMatcher(None, a, b, autojunk=False)


def _reference_redline(old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> list[RedlineOp]:
    """word_redline as it was: difflib's SequenceMatcher for both passes."""
    with monkeypatch.context() as patch:
        patch.setattr(redline, "BlockMatcher", _reference)
        return redline.word_redline(old, new)


def _text(rng: random.Random, words: int, vocabulary: list[str]) -> str:
    """Clause-like text: a few words repeated everywhere, space runs, and sentence ends that cut chunks."""
    out = []
    for _ in range(words):
        out.append(rng.choice(vocabulary))
        out.append(rng.choice([*SPACES, ". ", "; ", ":\n", ".\n\n"]) if rng.random() < 0.15 else rng.choice(SPACES))
    return "".join(out)


def _divergent_pairs() -> list[tuple[str, str]]:
    """Long pairs that share little (independent draws from one vocabulary, or a few words of it), that share passages at other places
    (moved, as a reordered draft), and that are empty or only whitespace on one side."""
    rng = random.Random(11)
    pairs = []
    for words in (40, 400, 1500):
        small = WORDS[:rng.randint(2, 6)]
        pairs.append((_text(rng, words, small), _text(rng, words, small)))
        pairs.append((_text(rng, words, WORDS), _text(rng, words + 97, WORDS)))
        shared = _text(rng, words // 2, WORDS)
        pairs.append((_text(rng, words, WORDS) + shared + _text(rng, 30, small),
                      shared + _text(rng, words, small) + shared[: len(shared) // 2]))
    pairs += [("", ""), ("", _text(rng, 50, WORDS)), (_text(rng, 50, WORDS), ""), ("   \n\n\t ", " \n"),
              ("\n" * 300, "\n\n " * 200), (" ".join(["the"] * 1000), " ".join(["the"] * 900) + " of")]
    return pairs


def _pairs_to_check() -> list[tuple[str, str]]:
    texts = [path.read_text(encoding="utf-8") for path in FIXTURES]
    return [*combinations(texts, 2), *_divergent_pairs()]


@pytest.fixture(params=[False, True], ids=["as-shipped", "window-hashes-always"])
def hashed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both of the matcher's ways to find a longest run: as shipped (difflib's scan where it is short), and
    by window hashes on every call, so that small inputs test the hashed way too."""
    if request.param:
        monkeypatch.setattr(matching, "_SCAN_PER_ELEMENT", -1)


def test_examples_are_present() -> None:
    assert len(FIXTURES) >= 4, FIXTURES


@pytest.mark.usefixtures("hashed")
def test_opcodes_are_difflibs_on_chunks_and_tokens() -> None:
    for old, new in _pairs_to_check():
        for a, b in ((redline.chunks(old), redline.chunks(new)), (redline.tokens(old), redline.tokens(new))):
            assert matching.BlockMatcher(a, b).get_opcodes() == _reference(a, b).get_opcodes(), (old[:80], new[:80])


@pytest.mark.usefixtures("hashed")
def test_word_redline_is_difflibs(monkeypatch: pytest.MonkeyPatch) -> None:
    for old, new in _pairs_to_check():
        ops = redline.word_redline(old, new)
        assert ops == _reference_redline(old, new, monkeypatch), (old[:80], new[:80])
        assert (redline.old_text(ops), redline.new_text(ops)) == (old, new)


def test_comparison_of_a_divergent_pair_is_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole comparison and its document redline, unaligned (the full redline) and aligned (clause by
    clause), with the reference patched in and without."""
    rng = random.Random(5)
    old, new = _text(rng, 1500, WORDS), _text(rng, 1600, WORDS)  # within WORD_DIFF_LIMIT: redlined word by word
    msa = (EXAMPLES / "templates" / "master_services_agreement.txt").read_text(encoding="utf-8")
    draft = (EXAMPLES / "templates" / "drafts" / "msa_counterparty_draft.txt").read_text(encoding="utf-8")
    for template_text, contract_text in ((msa, draft), (old, new)):
        template = Document.from_text("template.txt", template_text)
        contract = Document.from_text("contract.txt", contract_text)
        with monkeypatch.context() as patch:
            patch.setattr(redline, "BlockMatcher", _reference)
            before = compare_documents(contract, template, embeddings=False)
            before_redline = document_redline(before, template, contract)
        after = compare_documents(contract, template, embeddings=False)
        assert {op.op for op in before_redline} == {"equal", "delete", "insert"}
        assert after == before
        assert document_redline(after, template, contract) == before_redline
    assert before.aligned is False  # the generated pair came last: the full redline, word by word
