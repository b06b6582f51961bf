"""Streamlit glue shared by app.py and the pages: store access, language, login, role guard.
Kept out of pages/ because Streamlit treats every script in pages/ as a page."""
