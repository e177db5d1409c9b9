"""The key-terms panel of the Review page: who signed, when it starts and ends, how it renews, by when
notice is due and which law governs, each value a link to its words in the contract (a click outlines
the quote in the text beside it and scrolls it into view), and a lawyer's correction of a value
(PATCH /v1/contracts/{id}/terms: kept as the lawyer's and stored as a label). Its own module, so that
the Review page only calls it."""

from __future__ import annotations

import streamlit as st

from contracts.key_terms import TERM_LABELS, Party
from contracts.wire import ContractText
from ui.plain import plain
from ui.render import Span, highlight_html
from ui.state import api, attempt, reviewer
from ui.terms_view import term_rows

FOCUS = "terms_focus"  # (contract id, the row's key) of the value last clicked
# Streamlit cuts a button's label to one line ending in "…"; a value here wraps instead, so that a party's
# whole name, the first thing a lawyer reads, shows in a narrow window (1280 px)
_LABEL = ".st-key-terms_values button [data-testid='stMarkdownContainer']"
_WRAPPED = (f"<style>{_LABEL}, {_LABEL} p {{white-space:normal;overflow:visible;text-overflow:clip;"
            "text-align:left}</style>")


def key_terms_panel(contract_id: str, text: ContractText) -> None:
    found = attempt(lambda: api().terms(contract_id))
    if found is None:
        return
    rows = term_rows(found.terms)
    with st.expander(f"Key terms · {len(rows)} found", expanded=True):
        if not rows:
            st.caption("No key terms were read from this contract (parties, dates, renewal, governing law).")
            return
        focus = st.session_state.get(FOCUS)
        selected = focus[1] if focus and focus[0] == contract_id else None
        # the values take 3/5 of the panel and their labels 2/5 of that (~180 px at 1280 px), so that the longest
        # label, "Notice to stop renewal", reads on one line; the text pane and the correction share the rest
        left, right = st.columns([3, 2], gap="medium")
        with left, st.container(key="terms_values"):
            st.html(_WRAPPED)
            for row in rows:
                label, value = st.columns([2, 3], vertical_alignment="center")
                label.markdown(f"**{row.label}**")
                marker = " ✎" if row.lawyer else ""
                if value.button(f"{plain(row.value)}{marker}", key=f"term-{contract_id}-{row.key}", type="tertiary",
                                help=(f"page {row.page}" + (" · corrected by a lawyer" if row.lawyer else "")
                                      + " · show it in the text") if row.end > row.start
                                else "corrected by a lawyer, without the words that state it"):
                    st.session_state[FOCUS] = (contract_id, row.key)
                    selected = row.key
            _parties_form(contract_id, found.terms.parties)
        with right:
            if selected is None:  # the text appears once asked for: the page's own text pane stays the first
                st.caption("Click a value to see its words in the contract.")
            else:
                spans = [Span(f"term-{r.key}", r.start, r.end, "info", f"{r.label}: {r.value}") for r in rows]
                st.html(highlight_html(text.text, spans, selected=f"term-{selected}", pages=text.pages, height=360),
                        unsafe_allow_javascript=True)
            # closed until asked for: open, its form is ~200 px that would push the risks below the fold
            if st.toggle("Correct a value", key=f"terms-correcting-{contract_id}"):
                _correction_form(contract_id)


def _parties_form(contract_id: str, parties: list[Party]) -> None:
    """The names to check (found outside the preamble by a model that is right half the time): the lawyer keeps
    those that are parties, and the list saved is the lawyer's (no longer to check), the others dropped."""
    unsure = [i for i, p in enumerate(parties) if p.unsure]
    if not unsure:
        return
    with st.form(f"terms-parties-{contract_id}"):
        kept = st.multiselect("Which names to check are parties?", unsure, default=unsure,
                              format_func=lambda i: parties[i].name)
        saved = st.form_submit_button("Save the parties")
    if saved:
        chosen = [p for i, p in enumerate(parties) if not p.unsure or i in kept]
        if attempt(lambda: api().correct_parties(contract_id, chosen, reviewer=reviewer())) is not None:
            st.toast(f"Saved: {len(chosen)} {'party' if len(chosen) == 1 else 'parties'}")
            st.rerun()


def _correction_form(contract_id: str) -> None:
    with st.form(f"terms-correct-{contract_id}", clear_on_submit=True):
        fields = [f for f in TERM_LABELS if f != "parties"]
        field = st.selectbox("Term to correct", fields, format_func=TERM_LABELS.__getitem__)
        value = st.text_input("Value", placeholder="ISO date (2024-10-30), period (P90D), or text")
        comment = st.text_input("Why", placeholder="kept with the correction")
        saved = st.form_submit_button("Save correction")
    if saved:
        result = attempt(lambda: api().correct_term(contract_id, field, value.strip() or None, reviewer=reviewer(),
                                                    comment=comment))
        if result is not None:
            st.toast(f"Saved: {TERM_LABELS[field]} corrected")
            st.rerun()
