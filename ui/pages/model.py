"""Model: which analyzer answers uploads, its adapter, its held-out scores, and whether the API is ready."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.state import api, model_info


def page() -> None:
    st.title("Model")
    info = model_info()
    if info is not None:
        c1, c2, c3 = st.columns(3)
        c1.metric("Analyzer in use", info.analyzer)
        c2.metric("Upload limit", f"{info.max_upload_mb:.0f} MiB")
        c3.metric("Page limit", info.max_pages)
        st.markdown(f"**Model:** {info.model or '—'}  \n**Adapter:** {info.adapter or 'none'}  \n"
                    f"**Analyzers available:** {', '.join(info.analyzers)}")
        st.subheader("Evaluation on CUAD's dev contracts")
        if info.evaluation:
            st.caption("Micro precision, recall and F1 over CUAD categories, from the result files in eval/results. "
                       "Read the protocol column: only a score on contracts the model was not fit on (held out) "
                       "says how it does on your contracts. Rows marked “in use” are the analyzer answering "
                       "uploads; the others are reference points (alternatives and upper bounds), not models you "
                       "can pick.")
            st.dataframe(pd.DataFrame([{"In use": "in use" if e.system == info.analyzer else "",
                                        "System": e.system, "Precision": round(e.precision, 3),
                                        "Recall": round(e.recall, 3), "F1": round(e.f1, 3),
                                        "Held out": "—" if e.held_out is None else "yes" if e.held_out else "no",
                                        "File": e.file,
                                        "Protocol": e.protocol or "", "Matching rule": e.rule or ""}
                                       for e in info.evaluation]), hide_index=True)
        else:
            st.info("This server ships no evaluation results.")
    st.subheader("Service readiness")
    ready = api().readiness()
    status = ready.get("status", "unknown")
    (st.success if status == "ready" else st.error)(f"The API is **{status}**.")
    checks = ready.get("checks") or {}
    st.dataframe(pd.DataFrame([{"Check": k, "State": v} for k, v in checks.items()]), hide_index=True)


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
