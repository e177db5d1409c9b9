"""Sign out: forgets the key (and everything else of this session); with OIDC, also logs out there."""

import streamlit as st

from ui.state import oidc_configured, sign_out

sign_out()
if oidc_configured() and st.user.is_logged_in:
    st.logout()
st.rerun()
