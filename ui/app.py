"""The app's entry: only the navigation. Signed out, the one page is sign-in; signed in, the pages by
section. Run with `lexrisk ui` (or `streamlit run ui/app.py`)."""

import streamlit as st

from ui.state import signed_in

st.set_page_config(page_title="lexrisk", page_icon=":material/balance:", layout="wide")
if signed_in():
    navigation = st.navigation({
        "Contracts": [st.Page("pages/review.py", title="Review", icon=":material/search:", url_path="review", default=True),
                      st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
                      st.Page("pages/export.py", title="Export", icon=":material/download:", url_path="export"),
                      st.Page("pages/portfolio.py", title="Portfolio", icon=":material/table_view:",
                              url_path="portfolio")],
        "Firm": [st.Page("pages/templates.py", title="Templates", icon=":material/description:", url_path="templates"),
                 st.Page("pages/annotate.py", title="Annotate", icon=":material/label:", url_path="annotate"),
                 st.Page("pages/disagreements.py", title="Disagreements", icon=":material/rule:", url_path="disagreements")],
        "System": [st.Page("pages/model.py", title="Model", icon=":material/model_training:", url_path="model"),
                   st.Page("pages/signout.py", title="Sign out", icon=":material/logout:", url_path="signout")],
    })
else:
    navigation = st.navigation([st.Page("pages/signin.py", title="Sign in", icon=":material/key:", url_path="signin")])
navigation.run()
