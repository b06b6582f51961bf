"""The role guard every page script calls first. Streamlit's old pages/ router can run a page
before app.py on a fresh server, so the page itself must refuse a session without the role."""
from __future__ import annotations

import functools
from typing import Callable

import streamlit as st

from core.auth.roles import can_open
from ui.i18n import t
from ui.pages import leave_old_router
from ui.session import CurrentUser, current_user


RERAN_KEY = "guard_reran"


def require(page: str) -> CurrentUser:
    leave_old_router()
    user = current_user()
    if user is None:
        if not st.session_state.get(RERAN_KEY):
            # Run alone by the old router (this session started while it was on): once more, now
            # through app.py, whose gate draws the login form and keeps the bookmarked URL.
            st.session_state[RERAN_KEY] = True
            st.rerun()
        st.warning(t("guard.login_first"))
        st.stop()
    if not can_open(user.role, page):
        st.error(t("guard.refused", role=t(f"role.{user.role}")))
        st.stop()
    return user


def live_fragment(run_every: str) -> Callable:
    """st.fragment(run_every=...) for live boards, with the login gate's check first: a fragment
    rerun skips app.py, so without it a board would keep refreshing after a logout elsewhere, a
    password reset or a deactivation. When the session is over the whole app reruns: its gate
    shows the login form and no board is drawn (so its timer stops)."""
    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def checked(*args, **kwargs):
            from ui import auth  # here, not at the top: every page imports this module first

            if not auth.session_live():
                st.rerun(scope="app")
            return fn(*args, **kwargs)
        return st.fragment(run_every=run_every)(checked)
    return decorate
