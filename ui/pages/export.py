"""Export: a contract's reviewed risks as CSV or Excel. The DOCX-with-comments and HTML report exports
need API routes that do not exist yet; the page says so rather than imitating them."""

from __future__ import annotations

import streamlit as st

from ui.render import findings_csv, findings_xlsx
from ui.state import api, attempt


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
    st.info("**Word with comments and the HTML report** are not offered by the API yet. The HTML report is "
            "available from the command line: `lexrisk analyze CONTRACT --format html`.", icon=":material/info:")


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
