"""The app's entry: only the navigation. Signed in, the pages by section, each at its own address (`/` goes
on to Review). Signed out, every page's address opens sign-in (so a link such as /review?contract=ID leads
there first, then to its page). Run with `lexrisk ui` (ui/server.py, which adds the session cookie's routes)."""

import streamlit as st

from ui.pages.signin import ASKED
from ui.pages.signin import page as signin
from ui.state import signed_in

st.set_page_config(page_title="lexrisk", page_icon=":material/balance:", layout="wide")
SECTIONS = {
    "Contracts": [("pages/review.py", "Review", "search", "review"), ("pages/compare.py", "Compare", "compare_arrows", "compare"),
                  ("pages/export.py", "Export", "download", "export"), ("pages/portfolio.py", "Portfolio", "table_view", "portfolio")],
    "Firm": [("pages/templates.py", "Templates", "description", "templates"), ("pages/annotate.py", "Annotate", "label", "annotate"),
             ("pages/disagreements.py", "Disagreements", "rule", "disagreements")],
    "System": [("pages/model.py", "Model", "model_training", "model"), ("pages/signout.py", "Sign out", "logout", "signout")],
}
ALIASES = ("home", "signin")  # addresses of the app's root: bookmarks of `/home` and of the sign-in page
if signed_in():
    listed = {section: [st.Page(file, title=title, icon=f":material/{icon}:", url_path=path)
                        for file, title, icon, path in pages] for section, pages in SECTIONS.items()}
    review = listed["Contracts"][0]

    def home() -> None:
        """The app's root: Review, with the root's query, so `/?contract=ID` (the address bar's link while
        Review was served at `/`) opens that contract at `/review?contract=ID`. Review is not itself the
        default page because Streamlit serves the default page only at `/`: its own address then shows
        "Page not found", and every link to a contract is one."""
        st.switch_page(review, query_params=st.query_params.to_dict())

    # the default page is served only at `/` (its own url_path reaches nothing), so `/home` and a bookmark of the
    # sign-in page, opened signed in, are pages of their own that go on to Review too (not "Page not found")
    root = st.Page(home, title="Review", url_path="", default=True, visibility="hidden")
    aliases = [st.Page(home, title="Review", url_path=path, visibility="hidden") for path in ALIASES]
    navigation = st.navigation({section: ([root, *aliases] if section == "Contracts" else []) + pages
                                for section, pages in listed.items()})
else:
    navigation = st.navigation(
        [st.Page(signin, title="Sign in", icon=":material/key:", url_path="", default=True)]
        + [st.Page(signin, title="Sign in", url_path=path)
           for path in [*ALIASES, *(path for pages in SECTIONS.values() for *_, path in pages)]],
        position="hidden")
    st.session_state[ASKED] = "" if navigation.url_path == "signin" else navigation.url_path
navigation.run()
