"""Compare: a contract against one of the firm's templates — aligned clauses side by side, the redline of
modified ones, missing and extra clauses by severity with verdicts and fallback text, and a redline DOCX."""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from contracts.wire import ContractPublic, TemplatePublic
from ui.client import ADVICE, ApiError
from ui.plain import plain, quoted
from ui.reflow import reflowed
from ui.render import (
    EXPORT_LABEL,
    SEVERITY_LABEL,
    VERDICT_LABEL,
    compare_view,
    comparison_file_name,
    redline_docx,
    redline_html,
)
from ui.state import api, attempt, show_error

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STATUS_LABEL = {"matched": "Same as template", "modified": "Modified", "missing": "Missing", "extra": "Not in template"}


def page() -> None:
    st.title("Compare with a template")
    contracts = attempt(lambda: api().contracts()) or []
    templates = attempt(lambda: api().templates()) or []
    if not templates:
        st.info("No template yet: add your firm's standard contract on the Templates page first.")
        return
    if not contracts:
        st.info("No contract yet: upload one on the Review page first.")
        return
    linked = _linked(contracts, templates)
    current = linked[0] if linked else st.session_state.get("review_contract")
    ids, template_ids = [c.id for c in contracts], [t.id for t in templates]
    c1, c2 = st.columns(2)
    contract = c1.selectbox("Contract", contracts, format_func=lambda c: c.name,
                            index=ids.index(current) if current in ids else 0)
    template = c2.selectbox("Template", templates, format_func=lambda t: t.name,
                            index=template_ids.index(linked[1]) if linked else 0)
    chosen = (contract.id, template.id)
    stored = st.session_state.get("compare_result")
    opened = linked == chosen and not (stored and stored[0] == chosen)  # a link runs its comparison once
    if st.button("Compare", type="primary") or opened:
        st.query_params.update({"contract": contract.id, "template": template.id})  # the comparison's link
        try:
            st.session_state["compare_result"] = (chosen, api().compare(contract.id, template.id))
        except ApiError as exc:
            st.session_state.pop("compare_result", None)
            if exc.status == 501:
                st.info("**Template comparison is not available on this server yet.** The service answered: "
                        f"“{exc.message}”. Once it is installed, this page shows the clauses side by side, the "
                        "redline and what is missing.", icon=":material/construction:")
            else:
                show_error(exc)
            return
    stored = st.session_state.get("compare_result")
    if stored and stored[0] == chosen:  # kept so that a download's rerun does not lose the result
        render_comparison(stored[1])


def _linked(contracts: list[ContractPublic], templates: list[TemplatePublic]) -> tuple[str, str] | None:
    """`/compare?contract=ID&template=ID`: the pair when this firm has both, else a "not found" message
    (another firm's ids read the same as unknown ones, as in the API)."""
    contract_id, template_id = st.query_params.get("contract"), st.query_params.get("template")
    if not contract_id or not template_id:
        return None
    if contract_id not in {c.id for c in contracts} or template_id not in {t.id for t in templates}:
        st.error("**The contract or template of this link was not found.**  \n"
                 f"{ADVICE['not_found']}", icon=":material/error:")
        return None
    return contract_id, template_id


def render_comparison(body: dict[str, Any]) -> None:
    """Draws the comparison API's body (`pairs` of matched/modified/missing/extra clauses), each clause and redline
    with a PDF's printed line breaks inside a paragraph as spaces (ui.reflow); the downloads use the body as sent."""
    view = compare_view(reflowed(body))
    if not body.get("aligned", True):
        st.warning("The contract and the template share few clauses: the alignment below may be rough.")
    cols = st.columns(4)
    for col, status in zip(cols, ("matched", "modified", "missing", "extra"), strict=False):
        col.metric(STATUS_LABEL[status], view.counts.get(status, 0))
    _downloads(body)
    side, redline, missing, extra = st.tabs(["Side by side", "Redline", "Missing", "Extra"])
    with side:
        same = st.toggle("Also show clauses that are the same as the template", value=False)
        shown = [p for p in view.aligned if same or p["status"] != "matched"]
        if not shown:
            st.success("Every aligned clause reads as in the template.")
        for p in shown:
            left, right = st.columns(2)
            # the status is the contract's clause against the template's, so it heads the contract's side
            left.markdown(" · ".join(x for x in ("**Template**", p.get("category")) if x))
            left.markdown(quoted((p.get("template_clause") or {}).get("text", "")))
            right.markdown(f"**Contract** · {STATUS_LABEL[p['status']]} · similarity "
                           f"{float(p.get('similarity') or 0):.0%}")
            right.markdown(quoted((p.get("contract_clause") or {}).get("text", "")))
            st.divider()
    with redline:
        if not view.modified:
            st.success("No clause differs from the template.")
        for p in view.modified:
            st.markdown(f"**{p.get('category') or 'Clause'}** {_badge(p)}")
            st.html(redline_html(p.get("redline") or []))
            _verdict(p)
            st.divider()
    for tab, group, side_key, none in ((missing, view.missing, "template_clause", "Nothing in the template is missing."),
                                       (extra, view.extra, "contract_clause", "The contract adds nothing.")):
        with tab:
            if not group:
                st.success(none)
            for severity, pairs in group.items():
                st.subheader(f"{SEVERITY_LABEL.get(severity, severity)} ({len(pairs)})")
                for p in pairs:
                    with st.container(border=True):
                        st.markdown(f"**{p.get('category') or 'Clause'}** {_badge(p)}")
                        st.markdown(quoted((p.get(side_key) or {}).get("text", "")))
                        _verdict(p)


def _downloads(body: dict[str, Any]) -> None:
    """The API's own exports when it offers them (Word redline with tracked changes, Word with comments,
    CSV, XLSX); otherwise a redline DOCX built here from the comparison's redline."""
    stem = str((body.get("contract") or {}).get("name", "contract")).rsplit(".", 1)[0]
    offered = body.get("downloads") or {}
    if not offered:
        st.download_button("Download the redline (DOCX)", redline_docx(body), file_name=f"{stem}-redline.docx",
                           mime=DOCX)
        return
    cols = st.columns(len(offered))
    for col, (kind, path) in zip(cols, offered.items(), strict=False):
        data = attempt(partial(api().download, str(path)))
        if data is not None:
            col.download_button(EXPORT_LABEL.get(kind, kind), data, file_name=comparison_file_name(stem, kind),
                                key=f"dl-{kind}")


def _badge(p: dict[str, Any]) -> str:
    """The clause's verdict as a coloured badge in words ("Needs review"); a code this app does not know yet,
    as the API sent it, in grey."""
    verdict = p.get("verdict")
    if not verdict:
        return ""
    words, colour = VERDICT_LABEL.get(verdict, (verdict, "gray"))
    return f":{colour}-badge[{plain(words)}]"


def _verdict(p: dict[str, Any]) -> None:
    if p.get("explanation"):
        st.markdown(plain(p["explanation"]))
    if p.get("suggestion"):
        st.info(f"**Suggested fallback:** {plain(p['suggestion'])}")


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
