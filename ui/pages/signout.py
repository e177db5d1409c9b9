"""Sign out: ends the session on the app's server, then sends the browser to the route that clears its
cookie; with OIDC, also logs out there."""

import streamlit as st

from ui.sessions import SIGNOUT_PATH
from ui.state import go_to, oidc_configured, sign_out

sign_out()
if oidc_configured() and st.user.is_logged_in:
    st.logout()
st.info("Signed out.")
go_to(SIGNOUT_PATH)
