"""Which page scripts exist: modules not built yet are simply absent from the menu."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"
HIDDEN = frozenset({"complaint"})  # opened from other pages, not from the menu (the guard still applies)


def built_pages() -> list[str]:
    return sorted(p.stem for p in PAGES_DIR.glob("*.py"))


def leave_old_router() -> None:
    """Switches Streamlit's old pages/ router off for the whole server, then runs again through
    app.py. On a fresh server that router serves a typed or bookmarked URL such as /admin by running
    pages/admin.py alone (no login form, raw file names in the menu) until some session calls
    st.navigation, which a visitor who is not signed in never reaches. st.navigation itself
    switches it off the same way (PagesManager.uses_pages_directory = False)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # another Streamlit: the guard atop every page still refuses
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
