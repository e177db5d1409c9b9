"""The Streamlit app: a client of the lexrisk HTTP API (it imports no serving code, so it deploys alone)."""
