"""Export: a contract's reviewed risks as CSV or Excel, and the API's own exports (Word with comments, the
redline, spreadsheets) of its newest comparison where the server offers them. The HTML report has no API
route yet; the page says so rather than imitating it."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ui.client import ApiError
from ui.render import EXPORT_LABEL, findings_csv, findings_xlsx
from ui.state import api, attempt, show_error


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
    reviewed = sum(1 for f in findings if f.review)
    st.markdown(f"**{len(findings)} risks**, {reviewed} reviewed. Each row carries the clause, its offsets, "
                "the explanation and your decision.")
    stem = contract.name.rsplit(".", 1)[0]
    c1, c2 = st.columns(2)
    c1.download_button("Download CSV", findings_csv(findings), file_name=f"{stem}-risks.csv", mime="text/csv")
    c2.download_button("Download Excel (XLSX)", findings_xlsx(findings), file_name=f"{stem}-risks.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    _comparison_exports(contract.id, stem)
    st.info("**The HTML report** is not offered by the API yet; it is available from the command line: "
            "`lexrisk analyze CONTRACT --format html`.", icon=":material/info:")


def _comparison_exports(contract_id: str, stem: str) -> None:
    """Word with comments, the redline and the spreadsheets come from the API with a comparison."""
    st.subheader("Word with comments, redline, spreadsheets")
    try:
        comparisons = api().comparisons(contract_id)
    except ApiError as exc:
        if exc.status in (404, 405) and exc.message == "Not Found":  # the route itself is missing
            st.info("This server does not offer Word exports yet.", icon=":material/info:")
        else:
            show_error(exc)
        return
    if not comparisons:
        st.info("Compare the contract with a template (Compare page) to get the Word review with comments, "
                "the redline and the spreadsheets.", icon=":material/info:")
        return
    newest = comparisons[0]
    st.caption(f"From the comparison with “{newest.get('template_name', 'template')}”.")
    offered = newest.get("downloads") or {}
    cols = st.columns(max(1, len(offered)))
    for col, (kind, path) in zip(cols, offered.items(), strict=False):
        data = attempt(partial(api().download, str(path)))
        if data is not None:
            col.download_button(EXPORT_LABEL.get(kind, kind), data, file_name=f"{stem}-{kind}", key=f"x-{kind}")


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
