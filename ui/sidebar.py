"""Who is signed in, the language switch and sign-out, on every page."""
from __future__ import annotations

import streamlit as st

from services import users
from ui import auth, cache, notification_views, org_cache
from ui.i18n import lang, t
from ui.session import CurrentUser
from ui.widgets import md_plain


def _switch_language(user: CurrentUser) -> None:
    chosen = st.session_state.get("lang_switch")
    if chosen and chosen != lang():
        st.session_state["lang"] = chosen
        users.set_language(cache.engine(), user.actor, chosen)


def sidebar(user: CurrentUser) -> None:
    with st.sidebar:
        company = org_cache.company_name(cache.url())
        if company:
            st.markdown(f"**{md_plain(company)}**")
        st.caption(t("user.signed_in_as", name=md_plain(user.display_name), role=t(f"role.{user.role}")))
        notification_views.badge(user)
        st.radio(t("lang.label"), options=["zh", "en"], index=0 if lang() == "zh" else 1,
                 format_func=lambda code: t(f"lang.{code}"), key="lang_switch", horizontal=True,
                 on_change=_switch_language, args=(user,))
        if st.button(t("logout"), key="logout_button", icon=":material/logout:"):
            auth.logout(user)
        if st.button(t("logout.everywhere"), key="logout_everywhere_button", icon=":material/devices:",
                     help=t("logout.everywhere_help"), type="tertiary"):
            auth.logout_everywhere(user)
