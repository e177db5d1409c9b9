"""Model: which analyzer answers uploads, its adapter, its held-out scores, the registry's adapters with
promote and roll back for an administrator, and whether the API is ready."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from contracts.wire import Evaluation
from ui.plain import plain
from ui.state import api, attempt, model_info

ADMIN = "model_admin_token"
GATES = {"f1": "F1 must rise", "recall": "recall must rise, precision not fall",
         "precision": "precision must rise, recall not fall"}
# what to do when /admin refuses: the app's advice for these codes speaks of the firm's API key and of a deleted
# contract ("reload the page"), wrong here; the registry's listing answers not_found only while the API runs
# without an administrator token (promote answers it for an adapter gone since, where that advice is right)
TOKEN_ADVICE = {"unauthorized": "This is not the API's administrator token (LEXRISK_ADMIN_TOKEN; your firm's API "
                                "key is not it): enter it again, or ask your administrator for it."}
REGISTRY_ADVICE = {**TOKEN_ADVICE,
                   "not_found": "This server's API runs without an administrator token, so no token opens the "
                                "registry here: your administrator sets LEXRISK_ADMIN_TOKEN for the API and "
                                "restarts it, or uses `lexrisk models` on the server."}


def page() -> None:
    st.title("Model")
    info = model_info()
    if info is not None:
        c1, c2, c3 = st.columns(3)
        c1.metric("Analyzer in use", info.analyzer)
        c2.metric("Upload limit", f"{info.max_upload_mb:.0f} MiB")
        c3.metric("Page limit", info.max_pages)
        st.markdown(f"**Model:** {plain(info.model or '—')}  \n**Adapter:** {plain(info.adapter or 'none')}  \n"
                    f"**Analyzers available:** {', '.join(info.analyzers)}")
        st.subheader("Evaluation on CUAD's dev contracts")
        if info.evaluation:
            st.caption("Micro precision, recall and F1 over CUAD categories, from the result files in eval/results. "
                       "Read each file's protocol below the table: only a score on contracts the model was not fit "
                       "on (held out) says how it does on your contracts. Rows marked “in use” are the analyzer "
                       "answering uploads; the others are reference points (alternatives and upper bounds), not "
                       "models you can pick.")
            st.dataframe(pd.DataFrame([{"In use": "in use" if e.system == info.analyzer else "",
                                        "System": e.system, "Precision": round(e.precision, 3),
                                        "Recall": round(e.recall, 3), "F1": round(e.f1, 3),
                                        "Held out": "—" if e.held_out is None else "yes" if e.held_out else "no",
                                        "File": e.file} for e in info.evaluation]), hide_index=True)
            _protocols(info.evaluation)
        else:
            st.info("This server ships no evaluation results.")
    _registry()
    st.subheader("Service readiness")
    ready = api().readiness()
    status = ready.get("status", "unknown")
    (st.success if status == "ready" else st.error)(f"The API is **{status}**.")
    checks = ready.get("checks") or {}
    st.dataframe(pd.DataFrame([{"Check": k, "State": v} for k, v in checks.items()]), hide_index=True)


def _protocols(evaluation: list[Evaluation]) -> None:
    """Each result file's protocol and matching rule, a line each below the table: sentences that a table cell
    cuts at any width (they were its last columns, out of sight at 1280 px), and the same for every row of a
    file, so they are said once a file."""
    files: dict[str, Evaluation] = {}
    for e in evaluation:
        files.setdefault(e.file, e)
    st.markdown("\n".join(f"- **{plain(name)}**: {plain(e.protocol or 'no protocol stated')}"
                          + (f"; matching: {plain(e.rule)}" if e.rule else "") for name, e in files.items()))


def _registry() -> None:
    """The registry's adapters, and promote / roll back for an administrator: the API's /admin/models routes
    take the administrator's token (LEXRISK_ADMIN_TOKEN), kept in this session's server memory only."""
    st.subheader("Adapters in the registry")
    token = st.session_state.get(ADMIN)
    if not token:
        with st.form("admin"):
            typed = st.text_input("Administrator token", type="password",
                                  help="LEXRISK_ADMIN_TOKEN of the API; only administrators promote or roll back.")
            if st.form_submit_button("Show the registry") and typed.strip():
                st.session_state[ADMIN] = typed.strip()
                st.rerun()
        return
    rows = attempt(lambda: api().model_versions(token), REGISTRY_ADVICE)
    if rows is None:
        st.session_state.pop(ADMIN, None)
        return
    if not rows:
        st.info("No adapter is registered yet (`lexrisk models register`); the configured analyzer serves.")
        return
    st.dataframe(pd.DataFrame([{"Served": "served" if v.served else "", "Adapter": v.name,
                                "For": v.tenant_scope or "every firm", "Base model": v.base_model,
                                "Precision": v.precision, "Recall": v.recall, "F1": v.f1,
                                "Registered": f"{v.registered_at:%d %b %Y %H:%M}"} for v in rows]), hide_index=True)
    left, middle, right = st.columns([3, 2, 2], vertical_alignment="bottom")
    name = left.selectbox("Adapter", [v.name for v in rows if not v.tenant_scope])
    gate = middle.selectbox("Gate", GATES, format_func=GATES.__getitem__)
    if right.button("Promote", type="primary", disabled=name is None):
        decision = attempt(lambda: api().promote(token, str(name), gate), TOKEN_ADVICE)
        if decision is not None:
            st.toast(f"Promoted: {decision.message}")
            st.rerun()
    if st.button("Roll back to the previous adapter"):
        decision = attempt(lambda: api().rollback(token), TOKEN_ADVICE)
        if decision is not None:
            st.toast(decision.message)
            st.rerun()


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
