"""The Proofing tab of Review: the contract's drafting defects (GET /v1/contracts/{id}/proofing), listed
beside the text with each one highlighted where it stands. Apart from the risks: a proofing item is not a
finding, is not reviewed and changes no score."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from contracts.proofing import DEFAULT_KINDS, not_run
from contracts.wire import PROOFING_KINDS, ContractProofing, ContractText, ProofingItem
from ui.plain import plain
from ui.render import SEVERITY_LABEL, Span, highlight_html
from ui.state import api, attempt

KIND_LABEL = {"undefined_term": "Undefined term", "unused_definition": "Unused definition",
              "duplicate_definition": "Defined twice", "missing_reference": "Missing reference",
              "placeholder": "Blank to fill in", "redaction": "Redaction", "numbering": "Numbering",
              "party_name": "Party name"}
CACHE = "proofing_cache"
# the table has some 460 px at a 1280 px window, and a message runs to 115 characters: the message comes first,
# in a column of some 40 characters a line, in rows tall enough for three lines (Streamlit wraps a cell's text
# only in rows taller than 4rem). The columns after it may scroll sideways: the selected item's box repeats
# its check and page, and the text pane highlights its quote.
PROBLEM_WIDTH = 280
ROW_HEIGHT = 72


def show(contract_id: str, text: ContractText) -> None:
    """The tab's body, for the contract whose text Review already holds."""
    proofing = _load(contract_id)
    if proofing is None:
        return
    redactions = sum(1 for i in proofing.data if i.kind == "redaction")
    items = [i for i in proofing.data if i.kind != "redaction"]
    note = f" · {redactions} redaction marks of the filing (not listed)" if redactions else ""
    st.caption("Drafting defects a careful associate checks before signing: they are not risks and do not "
               f"change the analysis.{note}")
    off = _not_run(proofing)
    if not items and off:  # a pass only of the checks that ran
        st.info(f"No proofing item from the checks that ran: {_labels(proofing.kinds) or 'none'}.")
    elif not items:
        st.success("No proofing item: every defined term, reference, number and blank checks out.")
    if off:
        st.warning(f"Not run, so not checked: {_labels(off)} — {plain(_why_not_run(proofing))}.")
    if not items:
        return
    kinds = sorted({i.kind for i in items})
    chosen = st.multiselect("Check", kinds, default=kinds, format_func=lambda k: KIND_LABEL.get(k, k),
                            key=f"proofing-kinds-{contract_id}")
    shown = [i for i in items if i.kind in chosen]
    left, right = st.columns([7, 5], gap="medium")
    with left:
        st.markdown(f"**{len(shown)} proofing items** · select a row to see it in the text")
        selected = _table(shown, key=f"proofing-{contract_id}-{'.'.join(chosen)}")
        if selected is not None:
            with st.container(border=True):
                st.markdown(f"**{KIND_LABEL.get(selected.kind, selected.kind)}** · page {selected.page}")
                st.markdown(plain(selected.message))
                if selected.suggestion:
                    st.markdown(f"**Suggested fix:** {plain(selected.suggestion)}")
    with right:
        spans = [Span(f"p{k}", i.start, i.end, i.severity, f"{KIND_LABEL.get(i.kind, i.kind)}: {i.message}")
                 for k, i in enumerate(shown)]
        chosen_key = f"p{shown.index(selected)}" if selected is not None else None
        st.html(highlight_html(text.text, spans, selected=chosen_key, pages=text.pages), unsafe_allow_javascript=True)


def _not_run(proofing: ContractProofing) -> list[str]:
    """The checks the API says did not run; from an API that does not say, every known check not in `kinds`."""
    return proofing.not_run or [k for k in PROOFING_KINDS if k not in proofing.kinds]


def _why_not_run(proofing: ContractProofing) -> str:
    """Why the checks did not run, in a lawyer's words (the API's `not_run_reason` names the server's setting,
    for whoever runs it): off by default, or turned off by the firm's administrator."""
    ran = set(proofing.kinds)
    return not_run(None if ran == set(DEFAULT_KINDS) else ran, for_lawyers=True)[1] or ""


def _labels(kinds: list[str]) -> str:
    return ", ".join(KIND_LABEL.get(k, k) for k in kinds)


def _load(contract_id: str) -> ContractProofing | None:
    cache = st.session_state.get(CACHE)
    if cache is None or cache[0] != contract_id:
        proofing = attempt(lambda: api().proofing(contract_id))
        if proofing is None:
            return None
        cache = (contract_id, proofing)
        st.session_state[CACHE] = cache
    return cache[1]


def rows(items: list[ProofingItem]) -> list[dict[str, Any]]:
    return [{"Problem": i.message, "Check": KIND_LABEL.get(i.kind, i.kind), "Severity": SEVERITY_LABEL[i.severity],
             "Page": i.page, "Text": " ".join(i.quote.split())[:80]} for i in items]


def _table(shown: list[ProofingItem], key: str) -> ProofingItem | None:
    event: Any = st.dataframe(pd.DataFrame(rows(shown)), on_select="rerun", selection_mode="single-row",
                              hide_index=True, key=key, row_height=ROW_HEIGHT,
                              height=38 + ROW_HEIGHT * min(len(shown), 6),
                              column_config={"Problem": st.column_config.TextColumn(width=PROBLEM_WIDTH),
                                             "Check": st.column_config.TextColumn(width=130),
                                             "Severity": st.column_config.TextColumn(width="small"),
                                             "Page": st.column_config.NumberColumn(width="small"),
                                             "Text": st.column_config.TextColumn(width=160)})
    picked = event.selection.rows if event is not None else []
    return shown[picked[0]] if picked else None
