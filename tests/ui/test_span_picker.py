"""The span picker component on its own (ui/components/span_picker/index.html opened from disk in Chromium,
rendered with a message as Streamlit sends it): snapping to words and sentences, moving a span's edge by a
word, and the origin of what it sends — a suggestion kept, edited or rejected, a span drawn by hand."""

from __future__ import annotations

from typing import Any

import pytest

from lexrisk.testing.app_up import CHROMIUM, chromium
from tests.ui.conftest import ROOT

playwright_api = pytest.importorskip("playwright.sync_api")
PICKER = ROOT / "ui" / "components" / "span_picker" / "index.html"
TEXT = ("1. Term. This Agreement starts on the Effective Date. It runs for two years.\n"
        "2. Governing Law. This Agreement is governed by the laws of New York, without regard to conflicts.\n"
        "3. Audit. Customer may audit Provider's books once a year.\n")
GOV = TEXT.index("This Agreement is governed")
AUDIT = TEXT.index("Customer may audit")
SUGGESTIONS = [
    {"id": "f1", "start": GOV, "end": TEXT.index("\n", GOV), "category": "Governing Law", "severity": "info",
     "score": 0.9},
    {"id": "f2", "start": AUDIT, "end": TEXT.index("\n", AUDIT), "category": "Audit Rights", "severity": "low",
     "score": 0.6},
]
GUIDE = {"Governing Law": {"description": "Which law governs?", "playbook": "Law and courts.", "severity": "info",
                           "guidance": None},
         "Audit Rights": {"description": "Can a party audit?", "playbook": "Audits cost.", "severity": "low",
                          "guidance": None}}


@pytest.fixture(scope="module")
def picker() -> Any:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (make test installs it)")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 600})
        page.goto(PICKER.as_uri())
        page.evaluate("""(a) => { window.sent = [];
            window.addEventListener('message', (e) => { if (e.data.type === 'streamlit:setComponentValue') window.sent.push(e.data.value); });
            window.postMessage({type: 'streamlit:render', args: a}, '*'); }""",
                      {"text": TEXT, "suggestions": SUGGESTIONS, "labels": [], "guidelines": GUIDE, "height": 560,
                       "categories": ["Audit Rights", "Governing Law", "Parties"], "snap": "word"})
        page.locator("span.sug").first.wait_for()
        yield page


def _sent(page: Any) -> list[dict[str, Any]]:
    page.wait_for_timeout(100)
    return [{k: v for k, v in x.items() if k != "seq"} for x in page.evaluate("window.sent.splice(0)")]


def _drag(page: Any, start: int, end: int) -> None:
    boxes = page.evaluate("""(o) => o.map((offset) => { const w = document.createTreeWalker(document.getElementById('doc'), NodeFilter.SHOW_TEXT);
        let seen = 0, n; while ((n = w.nextNode())) { if (seen + n.data.length > offset) { const r = document.createRange();
        r.setStart(n, offset - seen); r.setEnd(n, offset - seen + 1); const b = r.getBoundingClientRect();
        return [b.x + b.width / 2, b.y + b.height / 2]; } seen += n.data.length; } })""", [start, end])
    page.mouse.move(*boxes[0])
    page.mouse.down()
    page.mouse.move(*boxes[1], steps=5)
    page.mouse.up()


def test_drawn_span_snaps_to_words_then_sentences_and_moves_by_a_word(picker: Any) -> None:
    first = TEXT.index("starts")
    _drag(picker, first + 2, TEXT.index("Effective") + 3)  # inside "starts" to inside "Effective"
    assert f"characters {first}–{TEXT.index('Effective') + len('Effective')}" in picker.inner_text("#selhead")
    picker.keyboard.press("Escape")  # out of the category box
    picker.keyboard.press("Escape")
    _drag(picker, first + 2, TEXT.index("Effective") + 3)
    picker.locator("#doc").focus()
    picker.keyboard.press("s")  # whole sentence: "This Agreement starts on the Effective Date."
    sentence = TEXT.index("This Agreement starts")
    assert f"characters {sentence}–{TEXT.index('Date.') + 5}" in picker.inner_text("#selhead")
    picker.keyboard.press("Shift+ArrowRight")  # the end moves over the next word: "It"
    assert f"characters {sentence}–{TEXT.index('It runs') + 2}" in picker.inner_text("#selhead")
    picker.keyboard.press("s")  # back to words for the next tests
    picker.keyboard.press("c")
    picker.keyboard.type("par")
    picker.keyboard.press("Enter")
    picker.keyboard.press("2")
    picker.keyboard.press("Enter")
    assert _sent(picker) == [{"action": "save", "start": sentence, "end": TEXT.index("It runs") + 2,
                              "category": "Parties", "severity": "medium", "origin": "manual", "suggestion": None}]


def test_suggestions_kept_edited_and_rejected(picker: Any) -> None:
    picker.locator("#doc").focus()
    picker.keyboard.press("n")
    assert "unchanged" in picker.inner_text("#selhead")
    assert "Which law governs?" in picker.inner_text("#guide") and "Law and courts." in picker.inner_text("#guide")
    picker.keyboard.press("Enter")
    picker.keyboard.press("n")  # the audit suggestion, now the only one left
    picker.keyboard.press("h")
    assert "edited" in picker.inner_text("#selhead")
    picker.keyboard.press("Enter")
    gov, audit = SUGGESTIONS
    assert _sent(picker) == [
        {"action": "save", "start": gov["start"], "end": gov["end"], "category": "Governing Law", "severity": "info",
         "origin": "suggested_accepted", "suggestion": "f1"},
        {"action": "save", "start": audit["start"], "end": audit["end"], "category": "Audit Rights",
         "severity": "high", "origin": "suggested_edited", "suggestion": "f2"}]
    assert picker.locator("span.sug").count() == 0  # both decided: no longer offered


def test_reject_is_one_key(picker: Any) -> None:
    picker.evaluate("""() => window.postMessage({type: 'streamlit:render', args: {text: 'Other text. Audit any time.',
        suggestions: [{id: 'f9', start: 12, end: 27, category: 'Audit Rights', severity: 'low', score: 0.5}],
        labels: [], guidelines: {}, categories: ['Audit Rights'], snap: 'word', height: 560}}, '*')""")
    picker.locator("span.sug").first.click()
    picker.keyboard.press("x")
    assert _sent(picker) == [{"action": "reject", "suggestion": "f9"}]


def test_the_actions_fit_one_row_of_the_narrowest_panel(picker: Any) -> None:
    """At its narrowest (300 px, the picker beside the text in a 1280 px window) the panel keeps Save, Reject and
    Clear on one row, each whole: "Reject suggestion" sent "Clear" to a row of its own, read as cut off."""
    picker.set_viewport_size({"width": 700, "height": 600})
    try:
        assert picker.locator("#panel").evaluate("p => Math.round(p.getBoundingClientRect().width)") == 300
        boxes = picker.locator("button.act").evaluate_all(
            "bs => bs.map(b => [Math.round(b.getBoundingClientRect().top), b.scrollWidth <= b.clientWidth])")
        assert len({top for top, _ in boxes}) == 1 and all(whole for _, whole in boxes), boxes
        assert picker.locator("#reject").get_attribute("title") == "Reject the suggestion taken"
    finally:
        picker.set_viewport_size({"width": 1100, "height": 600})


def _render(page: Any, text: str, suggestions: list[dict[str, Any]]) -> None:
    page.evaluate("""(a) => window.postMessage({type: 'streamlit:render', args: a}, '*')""",
                  {"text": text, "suggestions": suggestions, "labels": [], "guidelines": GUIDE, "height": 560,
                   "categories": ["Audit Rights", "Governing Law"], "snap": "word"})
    page.wait_for_timeout(100)


def test_save_says_what_it_lacks_and_looks_off_while_it_lacks_it(picker: Any) -> None:
    """Esc, then Enter, said "Choose a category and a severity first." when no words were selected; and Save,
    its purple at the disabled opacity, looked like a button to press with nothing selected."""
    text = "Audit. Customer may audit Provider's books once a year."
    _render(picker, text, [{"id": "a1", "start": 7, "end": len(text), "category": "Audit Rights",
                            "severity": "low", "score": 0.7}])
    picker.locator("#doc").focus()
    picker.keyboard.press("n")
    picker.keyboard.press("Escape")
    picker.keyboard.press("Enter")
    assert picker.inner_text("#status") == "Select the words of the clause first."
    assert _sent(picker) == []
    background = "b => getComputedStyle(b).backgroundColor"
    save = picker.locator("#save")
    assert save.is_disabled() and save.get_attribute("title") == "Select the words of the clause first."
    assert save.evaluate(background) == picker.locator("#clear").evaluate(background)  # drawn as the others, off
    picker.keyboard.press("n")
    assert save.is_enabled() and save.evaluate(background) != picker.locator("#clear").evaluate(background)
    picker.keyboard.press("Escape")
    _drag(picker, text.index("Provider"), text.index("books") + 2)  # words of its own: no category yet
    picker.keyboard.press("Escape")  # out of the category box
    picker.keyboard.press("Enter")
    assert picker.inner_text("#status") == "Choose a category and a severity first."
    assert save.is_disabled() and _sent(picker) == []
    picker.keyboard.press("Escape")


def test_a_rejection_undone_offers_its_suggestion_again(picker: Any) -> None:
    """The page's Undo withdraws a rejection and renders the suggestion again; the picker, which hides what it
    decided until the page catches up, showed it no more."""
    text = "Other text. Audit any time, at our cost."
    audit = {"id": "u1", "start": 12, "end": 26, "category": "Audit Rights", "severity": "low", "score": 0.5}
    _render(picker, text, [audit])
    picker.locator("span.sug").first.click()
    picker.keyboard.press("x")
    assert _sent(picker) == [{"action": "reject", "suggestion": "u1"}]
    assert picker.locator("span.sug").count() == 0
    _render(picker, text, [])  # the page ran again: the suggestion is rejected
    _render(picker, text, [audit])  # Undo: the page offers it again
    assert picker.locator("span.sug").count() == 1
