"""Who is signed in, the language switch and sign-out, on every page."""
from __future__ import annotations

import streamlit as st

from db import users
from ui import auth, store
from ui.i18n import lang, t
from ui.session import CurrentUser


def _switch_language(username: str) -> None:
    chosen = st.session_state.get("lang_switch")
    if chosen and chosen != lang():
        st.session_state["lang"] = chosen
        users.set_language(store.engine(), username, chosen)


def sidebar(user: CurrentUser) -> None:
    with st.sidebar:
        st.caption(t("user.signed_in_as", name=user.display_name, role=t(f"role.{user.role}")))
        st.radio(t("lang.label"), options=["zh", "en"], index=0 if lang() == "zh" else 1,
                 format_func=lambda code: t(f"lang.{code}"), key="lang_switch", horizontal=True,
                 on_change=_switch_language, args=(user.username,))
        if st.button(t("logout"), key="logout_button", icon=":material/logout:"):
            auth.logout(user)
