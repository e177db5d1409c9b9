"""The app as an ASGI application (Streamlit's `st.App`): the pages of ui/app.py plus two HTTP routes of
its own that set and clear the HttpOnly session cookie, which a Streamlit script cannot do (ui/sessions.py
says why the session lives on the server). `lexrisk ui` runs this file with `streamlit run`."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui.session_routes import ROUTES

# ui/pages/ sits beside ui/app.py, so Streamlit would treat it as a version-1 pages folder until the first run
# of app.py calls st.navigation: the first visitor of /review would then run ui/pages/review.py alone, signed
# out. The pages are declared with st.navigation only, so switch that legacy discovery off from the start.
PagesManager.uses_pages_directory = False

app = st.App(str(Path(__file__).resolve().parent / "app.py"), routes=ROUTES)
