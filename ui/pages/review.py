"""Review: upload or open a contract, watch the analysis, then work through its risks beside the text
and accept, reject or edit each one (stored through PATCH /v1/findings/{id})."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import pandas as pd
import streamlit as st

from contracts.taxonomy import category_names
from contracts.wire import ContractText, FindingPublic
from ui import proofing_tab
from ui.plain import counted, plain, quoted, unwrapped
from ui.render import (
    REVIEW_LABEL,
    SEVERITIES,
    SEVERITY_BG,
    SEVERITY_LABEL,
    Span,
    highlight_html,
    legend_html,
    model_words,
    risk_rows,
    severity_chip_css,
    severity_counts,
    short,
    split_possible,
    triage_order,
)
from ui.state import api, attempt, check_size, linked_contract, reviewer
from ui.terms_panel import key_terms_panel

CURRENT, JOB, CACHE = "review_contract", "review_job", "review_cache"
POSSIBLE_SHOWN = 10  # possible passages listed before "Show all": a CUAD co-branding agreement's 58 made ~9,600 px
# the risks table fits the ~460 px its column has in a 1280 px window (32 px of them the rows' checkboxes): each
# width is its longest label ("Medium", "To review", the headers) plus the grid's 2 x 8 px padding, a category's
# name up to 170 px (the few longer ones end in "…"; whole in the selected risk's details). Wider windows share
# out the rest
RISK_COLUMNS = {
    "Severity": st.column_config.TextColumn(width=64),
    "Category": st.column_config.TextColumn(width=186),
    "Page": st.column_config.NumberColumn(width=44),
    "Status": st.column_config.TextColumn(width=74),
    "Score": st.column_config.NumberColumn(width=52, format="%.2f",
                                           help="The model's confidence that the clause is of this category, 0 to 1"),
}


def page() -> None:
    st.title("Review a contract")
    _follow_link()
    _open_contract()
    contract_id = st.session_state.get(CURRENT)
    if not contract_id:
        st.info("Upload a contract above, or open one you analyzed before, to see its risks.")
        return
    st.query_params["contract"] = contract_id  # the address bar is this contract's link
    if st.session_state.get(JOB):
        _progress(st.session_state[JOB])
        return
    loaded = _load(contract_id)
    if loaded is None:
        return
    text, findings = loaded
    found, possible = split_possible(findings)
    risks, proofing = st.tabs(["Risks", "Proofing"])
    with risks:
        _results(contract_id, text, found)
        _possible(possible, text)
    with proofing:
        proofing_tab.show(contract_id, text)


def _follow_link() -> None:
    """`/review?contract=ID` opens that contract, unless it is the one open already; one the API does not
    show this firm is a message and leaves the address (ui.state.linked_contract)."""
    linked = st.query_params.get("contract")
    if not linked or linked == st.session_state.get(CURRENT):
        return
    info = linked_contract(linked, instead="open one of yours below.")
    if info is None:
        return
    job = info.latest_job
    _select(info.id, job.id if job and job.status in ("queued", "running") else None)


def _open_contract() -> None:
    with st.expander("Open a contract", expanded=not st.session_state.get(CURRENT)):
        left, right = st.columns([3, 2], gap="large")
        with left, st.form("upload", clear_on_submit=True, border=False):
            file = st.file_uploader("Upload a contract (PDF, DOCX or TXT)", type=["pdf", "docx", "txt"])
            templates = attempt(lambda: api().templates()) or []
            template = st.selectbox("Compare with a template (optional)", templates, index=None,
                                    format_func=lambda t: t.name, placeholder="No template")
            go = st.form_submit_button("Analyze", type="primary")
        if go:
            if file is None:
                st.warning("Choose a file first.")
            elif check_size(file.name, file.size):
                accepted = attempt(lambda: api().upload(file.name, file.getvalue(),
                                                        template.id if template else None))
                if accepted is not None:
                    _select(accepted.contract_id, None if accepted.status == "done" else accepted.job_id)
                    st.session_state["review_notice"] = ("This file was analyzed before; showing the stored review."
                                                         if accepted.reused else None)
                    st.rerun()
        with right:
            stored = attempt(lambda: api().contracts()) or []
            st.selectbox("…or open a stored contract", stored, index=None, key="review_pick",
                         format_func=lambda c: f"{c.name} · {c.created_at:%d %b %Y %H:%M}",
                         placeholder="Choose a contract", on_change=_picked)


def _picked() -> None:
    chosen = st.session_state.get("review_pick")
    if chosen is not None:
        job = chosen.latest_job
        _select(chosen.id, job.id if job and job.status in ("queued", "running") else None)


def _select(contract_id: str, job_id: str | None) -> None:
    st.session_state[CURRENT], st.session_state[JOB] = contract_id, job_id
    st.session_state.pop(CACHE, None)


@st.fragment(run_every=1.0)
def _progress(job_id: str) -> None:
    """Polls the job without rerunning the page; one full rerun once it ends."""
    job = attempt(lambda: api().job(job_id))
    if job is None:
        return
    if job.status in ("queued", "running"):
        done, total = job.progress.chunks_done, job.progress.chunks_total
        label = "Waiting for a worker…" if job.status == "queued" else "Analyzing the contract…"
        with st.status(label, state="running", expanded=True):
            st.progress(done / total if total else 0.0, text=f"{done} of {total or '?'} parts read")
        return
    st.session_state[JOB] = None
    if job.status == "failed":
        st.session_state["review_notice"] = None
        st.session_state["review_failed"] = job.error.message if job.error else "the analysis failed"
    st.rerun()


def _load(contract_id: str) -> tuple[ContractText, list[FindingPublic]] | None:
    cache = st.session_state.get(CACHE)
    if cache is None or cache[0] != contract_id:
        text = attempt(lambda: api().text(contract_id))
        findings = attempt(lambda: api().findings(contract_id)) if text else None
        if text is None or findings is None:
            return None
        cache = (contract_id, text, findings)
        st.session_state[CACHE] = cache
    return cache[1], cache[2]


def _results(contract_id: str, text: ContractText, findings: list[FindingPublic]) -> None:
    info = attempt(lambda: api().contract(contract_id))
    if info is None:
        return
    failed = st.session_state.pop("review_failed", None)
    if failed:
        st.error(f"**The analysis failed:** {plain(failed)}  \nUpload the file again; if it fails again, tell your "
                 "administrator.", icon=":material/error:")
    if st.session_state.get("review_notice"):
        st.info(st.session_state["review_notice"])
    st.subheader(plain(info.name))
    st.caption(f"{info.source_type.upper()} · {info.pages} page{'s' if info.pages != 1 else ''} · "
               f"{info.chars:,} characters")
    key_terms_panel(contract_id, text)
    counts = severity_counts(findings)
    reviewed = sum(1 for f in findings if f.review)
    badges = " ".join(f'<span style="background:{SEVERITY_BG[s]};color:#111;padding:2px 10px;border-radius:4px;'
                      f'font-weight:600">{counts[s]} {s}</span>' for s in SEVERITIES)
    st.markdown(f"{badges} &nbsp; **{reviewed} of {len(findings)} reviewed**", unsafe_allow_html=True)
    if not findings:
        st.success("No risk was found in this contract.")
        return

    f1, f2 = st.columns(2)
    st.html(severity_chip_css())
    severities = f1.multiselect("Severity", SEVERITIES, default=list(SEVERITIES), format_func=SEVERITY_LABEL.__getitem__)
    present = sorted({f.category for f in findings})
    chosen = f2.multiselect("Category", present, placeholder="All categories")
    shown = [f for f in triage_order(findings) if f.severity in severities and (not chosen or f.category in chosen)]

    left, right = st.columns([7, 5], gap="medium")
    with left:
        st.markdown(f"**{counted(len(shown), 'risk')}** shown · select a row to see its clause, or several to decide "
                    "at once")
        rows = _table(shown, key=f"risks-{contract_id}-{'.'.join(severities)}-{'.'.join(chosen)}")
        selected = rows[0] if len(rows) == 1 else None
        if selected is not None:
            _details(selected, text)
        elif rows:
            _decide_all(rows)
    with right:
        st.markdown("**Contract text** " + legend_html(), unsafe_allow_html=True)
        spans = [Span(f.id, f.start, f.end, f.severity, f"{f.severity}: {f.category}") for f in shown]
        st.html(highlight_html(text.text, spans, selected=selected.id if selected else None, pages=text.pages),
                unsafe_allow_javascript=True)


def _table(shown: list[FindingPublic], key: str) -> list[FindingPublic]:
    frame = pd.DataFrame(risk_rows(shown))
    by_label = {SEVERITY_LABEL[s]: SEVERITY_BG[s] for s in SEVERITIES}
    styled = frame.style.map(lambda v: f"background-color: {by_label.get(v, '')}; color: #111" if v in by_label
                             else "", subset=["Severity"])
    event: Any = st.dataframe(styled, on_select="rerun", selection_mode="multi-row", hide_index=True, key=key,
                              height=min(420, 38 + 35 * len(shown)), column_config=RISK_COLUMNS)
    rows = event.selection.rows if event is not None else []
    return [shown[i] for i in rows]


def _decide_all(rows: list[FindingPublic]) -> None:
    """Accept or reject every selected risk with one click (one PATCH each, the same as one by one)."""
    with st.container(border=True):
        st.markdown(f"**{len(rows)} risks selected**")
        c1, c2, _ = st.columns([1, 1, 3])
        action: Literal["accept", "reject"] | None = "accept" if c1.button(f"Accept {len(rows)}", type="primary") \
            else "reject" if c2.button(f"Reject {len(rows)}") else None
    if action is None:
        return
    done = [r for r in (attempt(partial(api().review, f.id, action, reviewer=reviewer() or None)) for f in rows)
            if r is not None]
    st.session_state.pop(CACHE, None)
    st.toast(f"{REVIEW_LABEL['accepted' if action == 'accept' else 'rejected']}: {len(done)} of {len(rows)}")
    st.rerun()


@dataclass(frozen=True)
class Passage:
    """One entry of the possible list: the findings scored on the same words, one per category, best score first
    (the same clause listed once under License Grant and again under Non-Transferable License read as two)."""

    findings: tuple[FindingPublic, ...]

    @property
    def first(self) -> FindingPublic:
        return self.findings[0]


def possible_passages(possible: list[FindingPublic]) -> list[Passage]:
    """The possible findings as passages, those on the same words together, the best-scored passage first."""
    spans: dict[tuple[int, int], list[FindingPublic]] = {}
    for f in possible:
        spans.setdefault((f.start, f.end), []).append(f)
    passages = [Passage(tuple(sorted(fs, key=lambda f: (-f.score, f.category)))) for fs in spans.values()]
    return sorted(passages, key=lambda p: (-p.first.score, p.first.start))


def excerpt(f: FindingPublic, text: str) -> str:
    """The passage's words as stored, with a leading "…" where they start mid-sentence: the model chose the span,
    and "limited to, SkypeIn, …" shown bare read as if the clause began there. Mid-sentence: its first letter is
    lower case, or the contract's words before it (its PDF line breaks read as spaces) end neither a sentence
    nor a line."""
    words = unwrapped(text)
    before = words[:f.start].rstrip(" \t")
    mid = f.quote[:1].islower() or (words[f.start:f.end] == f.quote and before != "" and not before.endswith("\n")
                                    and before[-1] not in ".!?;:")
    return ("…" if mid else "") + short(f.quote, 260)


def _possible(possible: list[FindingPublic], text: ContractText) -> None:
    """Passages scored below the analyzer's threshold but above its recall-first floor, collapsed: one entry per
    passage naming every category it was scored for, the best-scored first and only the first POSSIBLE_SHOWN
    until "Show all" is on; Accept (one per category where there are several) accepts it into the review."""
    if not possible:
        return
    passages = possible_passages(possible)
    with st.expander(f"Possible — check ({len(passages)})", expanded=False, icon=":material/help:"):
        st.caption("Passages the analyzer scored below its threshold for a category, so not listed as risks. "
                   "Lawyers marked many such passages in CUAD: read them, and accept the ones that are risks. "
                   "The score is the model's confidence, 0 to 1.")
        shown = passages
        if len(passages) > POSSIBLE_SHOWN:
            st.markdown(f"The {POSSIBLE_SHOWN} highest-scored of {len(passages)} passages:")
            if not st.toggle(f"Show all {len(passages)} passages", key=f"possible-all-{text.contract_id}"):
                shown = passages[:POSSIBLE_SHOWN]
        for passage in shown:
            _passage(passage, text.text)


def _passage(passage: Passage, text: str) -> None:
    words, button = st.columns([5, 1], vertical_alignment="center")
    categories = " · ".join(f"**{plain(f.category)}** (score {f.score:.2f})" for f in passage.findings)
    words.markdown(f"{categories} · page {passage.first.page}  \n{plain(excerpt(passage.first, text))}")
    if len(passage.findings) == 1:
        chosen = passage.first if button.button("Accept", key=f"possible-{passage.first.id}",
                                                help="Add it to the review as accepted") else None
    else:
        with button.popover("Accept…", help="Add it to the review as accepted, under one of its categories"):
            chosen = next((f for f in passage.findings
                           if st.button(f"Accept as {f.category}", key=f"possible-{f.id}")), None)
    if chosen is not None and attempt(partial(api().review, chosen.id, "accept",
                                              reviewer=reviewer() or None)) is not None:
        st.session_state.pop(CACHE, None)
        st.toast(f"Accepted into the review: {chosen.category}, page {chosen.page}")
        st.rerun()


def _details(f: FindingPublic, text: ContractText) -> None:
    # the quote as the text pane beside it shows it: a PDF's printed line breaks inside its paragraphs are spaces
    words = text.text[f.start:f.end]
    quote = unwrapped(text.text)[f.start:f.end] if words == f.quote else f.quote
    with st.container(border=True):
        found_by = f" · found by {model_words(f.model)}" if f.model else ""  # the adapter (or analyzer) that produced it
        st.markdown(f"**{SEVERITY_LABEL[f.severity]} · {f.category}** · page {f.page}{found_by}")
        st.markdown(quoted(quote))
        st.markdown(f"**Why it matters:** {plain(f.explanation)}")
        if f.review:
            note = f" — “{plain(f.review.comment)}”" if f.review.comment else ""
            st.success(f"Reviewed: {REVIEW_LABEL[f.review.status]}{note}")
        # nothing chosen beforehand: a review is a training label, and a Save that recorded "Accept" by default
        # would store acceptances nobody decided. Kept on submit, so a refused Save leaves the comment typed
        with st.form(f"review-{f.id}"):
            action = st.radio("Decision", ["Accept", "Reject", "Edit"], index=None, horizontal=True)
            c1, c2 = st.columns(2)
            severity = c1.selectbox("Severity", SEVERITIES, index=SEVERITIES.index(f.severity),
                                    help="Change it and choose Edit")
            categories = category_names()
            category = c2.selectbox("Category", categories,
                                    index=categories.index(f.category) if f.category in categories else 0,
                                    help="Change it and choose Edit")
            comment = st.text_area("Comment", placeholder="Why (kept with the decision)")
            saved = st.form_submit_button("Save review", type="primary")
        if saved:
            if action is None:
                st.warning("Choose a decision first: Accept, Reject or Edit.")
            else:
                _save(f, action.lower(), severity, category, comment)


def _save(f: FindingPublic, action: str, severity: str, category: str, comment: str) -> None:
    changes: dict[str, str] = {}
    if action == "edit":
        changes = {k: v for k, v in (("severity", severity), ("category", category)) if v != getattr(f, k)}
        if not changes:
            st.warning("To edit, change the severity or the category first.")
            return
    result = attempt(lambda: api().review(f.id, action, comment=comment, reviewer=reviewer() or None,  # type: ignore[arg-type]
                                          **changes))
    if result is not None:
        st.session_state.pop(CACHE, None)
        st.toast(f"Saved: {REVIEW_LABEL[result.review.status if result.review else None]}")
        st.rerun()


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
