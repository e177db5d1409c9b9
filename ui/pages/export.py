"""Export: a contract's reviewed risks as the API writes them (Word with a comment on every risky clause,
CSV, Excel, the HTML report), and the exports of its newest template comparison where it has one. The
files come from the API, so what a lawyer downloads here is what an integration downloads."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ui.client import ApiError
from ui.plain import plain
from ui.render import EXPORT_LABEL, comparison_file_name, split_possible
from ui.state import api, attempt, show_error

# the contract's own exports: (API name, button, file suffix, MIME type, what the file holds)
REVIEW_EXPORTS = (
    ("review.docx", "Word with comments", "review.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "The contract, each risk a Word comment on its clause: severity, category, why it matters, your decision."),
    ("findings.csv", "Risks (CSV)", "risks.csv", "text/csv",
     "One row per risk: clause, page, explanation, your decision and comment."),
    ("findings.xlsx", "Risks (Excel)", "risks.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The same rows as an Excel workbook."),
    ("report.html", "Report (web page)", "report.html", "text/html",
     "The contract with every risk highlighted and listed beside it; opens in any browser."),
)
# what each of a comparison's files holds, under its button
COMPARISON_ABOUT = {
    "redline.docx": "Your template turned into this contract as tracked changes: accept or reject each in Word.",
    "review.docx": "The contract with each risk and each deviation from the template as a Word comment.",
    "comparison.csv": "One row per clause: matched, changed, missing or added, with the suggested text.",
    "findings.csv": "The risks as found when the comparison ran, without your decisions.",
    "comparison.xlsx": "The deviations and the risks, one sheet each.",
}


def page() -> None:
    st.title("Export a review")
    contracts = attempt(lambda: api().contracts()) or []
    if not contracts:
        st.info("No contract yet: upload one on the Review page first.")
        return
    current = st.session_state.get("review_contract")
    ids = [c.id for c in contracts]
    contract = st.selectbox("Contract", contracts, format_func=lambda c: c.name,
                            index=ids.index(current) if current in ids else 0)
    findings = attempt(lambda: api().findings(contract.id))
    if findings is None:
        return
    stem = contract.name.rsplit(".", 1)[0]
    # counted as the Review page counts them: the possible passages still to check are not risks, and the API
    # leaves them out of these files until a reviewer accepts one (serving/exports.py)
    risks, possible = split_possible(findings)
    if not _review_exports(contract.id, stem, len(risks), sum(1 for f in risks if f.review), len(possible)):
        return
    _comparison_exports(contract.id, stem)


def _review_exports(contract_id: str, stem: str, total: int, reviewed: int, possible: int) -> bool:
    """The download buttons of the contract's own exports (`total` risks, `reviewed` of them decided, and
    `possible` passages to check, which the files leave out); False (with the reason shown) when there is
    nothing to export yet."""
    st.subheader("Your review")
    try:
        files = {name: api().contract_export(contract_id, name) for name, *_ in REVIEW_EXPORTS}
    except ApiError as exc:
        if exc.code == "not_analyzed":
            st.info("This contract has no finished analysis yet, so there is nothing to export. Open it on the "
                    "Review page and come back once its risks are listed.", icon=":material/hourglass_top:")
        else:
            show_error(exc)
        return False
    one = possible == 1
    left_out = (f" **{possible} possible {'passage' if one else 'passages'}** to check (“Possible — check” on the "
                f"Review page) {'is' if one else 'are'} not in the files until you accept {'it' if one else 'them'} "
                "there." if possible else "")
    st.markdown(f"**{total} {'risk' if total == 1 else 'risks'}**, {reviewed} reviewed by you. Every file holds "
                "all the risks of the latest analysis with your decision (accepted, rejected, edited) and comment; "
                f"risks not yet reviewed are marked so.{left_out}")
    for col, (name, label, suffix, mime, about) in zip(st.columns(len(REVIEW_EXPORTS)), REVIEW_EXPORTS, strict=True):
        col.download_button(label, files[name], file_name=f"{stem}-{suffix}", mime=mime, key=f"r-{name}",
                            icon=":material/download:", on_click="ignore", width="stretch")
        col.caption(about)
    return True


def _comparison_exports(contract_id: str, stem: str) -> None:
    """The redline and the comparison's review copy and spreadsheets, from its newest comparison."""
    st.subheader("Comparison with your template")
    try:
        comparisons = api().comparisons(contract_id)
    except ApiError as exc:
        show_error(exc)
        return
    if not comparisons:
        st.info("Compare the contract with one of your templates (Compare page) to also get the redline "
                "against the template and the list of deviations.", icon=":material/info:")
        return
    newest = comparisons[0]
    st.caption(f"From the newest comparison, with your template “{plain(newest.get('template_name', 'template'))}”.")
    offered = list((newest.get("downloads") or {}).items())
    for row in range(0, len(offered), 3):  # three to a row, so that every label is read whole
        for col, (kind, path) in zip(st.columns(3), offered[row:row + 3], strict=False):
            data = attempt(partial(api().download, str(path)))
            if data is not None:
                col.download_button(EXPORT_LABEL.get(kind, kind), data, file_name=comparison_file_name(stem, kind),
                                    key=f"x-{kind}", icon=":material/download:", on_click="ignore", width="stretch")
                col.caption(COMPARISON_ABOUT.get(kind, ""))


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
