"""Templates: the firm's own contract templates, which uploads are compared against."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.client import ApiError
from ui.plain import plain
from ui.state import api, attempt, check_size, show_error


def page() -> None:
    st.title("Templates")
    st.caption("Your firm's standard contracts. Compare an uploaded contract against one on the Compare page.")
    with st.form("template-upload", clear_on_submit=True):
        file = st.file_uploader("Upload a template (PDF, DOCX or TXT)", type=["pdf", "docx", "txt"])
        name = st.text_input("Name (optional)", placeholder="e.g. Standard MSA 2026")
        go = st.form_submit_button("Add template", type="primary")
    if go:
        if file is None:
            st.warning("Choose a file first.")
        elif check_size(file.name, file.size):
            added = attempt(lambda: api().add_template(file.name, file.getvalue(), name.strip() or None))
            if added is not None:
                template, created = added
                if created:
                    st.success(f"Added template “{plain(template.name)}”.")
                else:
                    st.info(f"This file is already your template “{plain(template.name)}”; nothing was added.")
    templates = attempt(lambda: api().templates())
    if templates is None:
        return
    if not templates:
        st.info("No template yet.")
        return
    st.subheader(f"{len(templates)} template{'s' if len(templates) != 1 else ''}")
    st.dataframe(pd.DataFrame([{"Name": t.name, "Type": t.source_type.upper(), "Pages": t.pages,
                                "Size (KB)": round(t.size_bytes / 1024, 1), "Added": f"{t.created_at:%d %b %Y %H:%M}"}
                               for t in templates]), hide_index=True)
    with st.expander("Delete a template"):
        doomed = st.selectbox("Template", templates, format_func=lambda t: t.name, index=None,
                              placeholder="Choose a template")
        sure = st.checkbox("Yes, delete it (comparisons against it will no longer be possible)")
        if st.button("Delete", disabled=doomed is None or not sure) and doomed is not None:
            try:
                api().delete_template(doomed.id)
            except ApiError as exc:
                show_error(exc)
            else:
                st.rerun()


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
