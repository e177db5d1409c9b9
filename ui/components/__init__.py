"""The app's own Streamlit components (static HTML/JS, served from their folders; no build step)."""
