"""The Review page's "Possible — check" list drawn by Streamlit's AppTest from findings made here: one entry per
passage with all its categories, the score as words, a bounded list with "Show all", and Accept still
accepting (into the category chosen where a passage has several)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from contracts.wire import ContractText, FindingPublic
from tests.ui.conftest import read

TEXT = ("1. Licence. Skype grants the Company a licence to use the Skype Software, including but not limited to, "
        "SkypeIn, SkypeOut, or Skype Plus.\n2. Fees. The Company shall pay the fees.\n")
CLAUSE = "limited to, SkypeIn, SkypeOut, or Skype Plus."
FEES = "2. Fees. The Company shall pay the fees."


def finding(id_: str, category: str, score: float, quote: str, start: int | None = None) -> FindingPublic:
    start = TEXT.index(quote) if start is None else start
    return FindingPublic(id=id_, category=category, severity="low", quote=quote, start=start, end=start + len(quote),
                         page=1, score=score, explanation="", possible=True)


def script(findings: list, text: dict) -> None:  # its source runs alone: no names from this module
    """The list as the Review page draws it (ui.pages.review._possible); runs inside AppTest."""
    import streamlit as st

    from contracts.wire import ContractText, FindingPublic
    from ui.pages import review

    st.session_state.setdefault("accepted", [])

    class Api:  # the API's PATCH /v1/findings/{id}, recorded
        def review(self, finding_id: str, action: str, **_: object) -> object:
            st.session_state["accepted"].append((finding_id, action))
            return object()

    review.api = Api  # type: ignore[attr-defined]
    review.reviewer = lambda: "A. Lawyer"  # type: ignore[attr-defined]
    accepted = {i for i, _ in st.session_state["accepted"]}
    review._possible([FindingPublic.model_validate(f) for f in findings if f["id"] not in accepted],
                     ContractText.model_validate(text))


def app(findings: list[FindingPublic]) -> AppTest:
    text = ContractText(contract_id="c1", text=TEXT, pages=[])
    at = AppTest.from_function(script, kwargs={"findings": [f.model_dump() for f in findings],
                                               "text": text.model_dump()}, default_timeout=30)
    return at.run()


def entries(at: AppTest) -> list[str]:
    """Each entry of the list as a person reads it (its bold marks, "**", and Markdown's escapes read)."""
    return [read(re.sub(r"(?<!\\)\*\*", "", m.value)) for m in at.markdown if "page 1" in m.value]


def test_one_entry_per_passage_with_its_categories_and_plain_scores() -> None:
    at = app([finding("a", "License Grant", 0.23, CLAUSE), finding("b", "Non-Transferable License", 0.18, CLAUSE),
              finding("c", "Revenue/Profit Sharing", 0.30, FEES)])
    assert not at.exception, at.exception
    assert at.expander[0].label == "Possible — check (2)"  # passages, not findings
    shown = entries(at)
    assert len(shown) == 2 and sum(CLAUSE.split(",")[1] in e for e in shown) == 1, shown
    fees, clause = shown  # the best-scored passage first
    assert fees.startswith("Revenue/Profit Sharing (score 0.30) · page 1") and "2. Fees." in fees
    assert "License Grant (score 0.23) · Non-Transferable License (score 0.18) · page 1" in clause
    assert "`" not in "".join(m.value for m in at.markdown)  # no score drawn as code
    # the model's span starts mid-sentence: shown as it is, marked as an excerpt; the whole clause is not
    assert "…limited to, SkypeIn" in clause and "…2. Fees" not in fees


def test_accept_a_passage_and_choose_its_category() -> None:
    at = app([finding("a", "License Grant", 0.23, CLAUSE), finding("b", "Non-Transferable License", 0.18, CLAUSE),
              finding("c", "Revenue/Profit Sharing", 0.30, FEES)])
    at.button(key="possible-c").click().run()  # one category: Accept
    assert not at.exception, at.exception
    assert at.session_state["accepted"] == [("c", "accept")]
    assert at.expander[0].label == "Possible — check (1)"
    at.button(key="possible-b").click().run()  # two: Accept as the one chosen
    assert at.session_state["accepted"][-1] == ("b", "accept")
    assert entries(at) == ["License Grant (score 0.23) · page 1  \n…limited to, SkypeIn, SkypeOut, or Skype Plus."]


@pytest.mark.parametrize("count", [10, 25])
def test_the_list_is_bounded_with_show_all(count: int) -> None:
    many = [finding(f"f{i}", "Audit Rights", round(0.05 + i / 100, 2), TEXT[3 * i:3 * i + 12], 3 * i)
            for i in range(count)]
    at = app(many)
    assert not at.exception, at.exception
    if count <= 10:
        assert len(entries(at)) == count and not at.toggle
        return
    assert len(entries(at)) == 10
    assert entries(at)[0].startswith(f"Audit Rights (score {many[-1].score:.2f})")  # the best-scored first
    at.toggle[0].set_value(True).run()
    assert at.toggle[0].label == f"Show all {count} passages" and len(entries(at)) == count
