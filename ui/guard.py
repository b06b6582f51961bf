"""The role guard every page script calls first. Streamlit's old pages/ router can run a page
before app.py on a fresh server, so the page itself must refuse a session without the role."""
from __future__ import annotations

import streamlit as st

from core.auth.roles import can_open
from ui.i18n import t
from ui.session import CurrentUser, current_user


def require(page: str) -> CurrentUser:
    user = current_user()
    if user is None:
        st.warning(t("guard.login_first"))
        st.stop()
    if not can_open(user.role, page):
        st.error(t("guard.refused", role=t(f"role.{user.role}")))
        st.stop()
    return user
