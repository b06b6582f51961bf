"""The inbox badge in the sidebar, the inbox list and the admin's delivery log."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from services import notifications
from ui import cache, notification_cache
from ui.fmt import local
from ui.guard import live_fragment
from ui.i18n import lang, t
from ui.session import CurrentUser

BADGE_REFRESH = "5s"


def badge(user: CurrentUser) -> None:
    """A link to the inbox with the count, refreshed by itself every few seconds."""
    @live_fragment(BADGE_REFRESH)
    def _badge():
        n = notification_cache.badge(cache.url(), user.actor)
        icon = ":material/notifications_active:" if n else ":material/notifications:"
        st.page_link("pages/notifications.py", label=t("ntf.badge", count=n), icon=icon)
    _badge()


def _page_of(link: str) -> tuple[str, dict]:
    page, _, query = (link or "").partition("?")
    params = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
    return page, params


def inbox_item(item: notifications.InboxItem, on_read, on_ack, can_ack: bool) -> None:
    with st.container(border=True):
        head = f"**{item.title}** · {local(item.created_at)}"
        st.markdown(head)
        st.text(item.text)
        cols = st.columns(3)
        page, params = _page_of(item.link)
        if page:
            cols[0].page_link(f"pages/{page}.py", label=t("ntf.open_record"), query_params=params or None,
                              icon=":material/open_in_new:")
        if not item.read:
            cols[1].button(t("ntf.mark_read"), key=f"ntf_read_{item.id}", on_click=on_read, args=(item.id,))
        if item.needs_ack and can_ack:
            cols[2].button(t("ntf.acknowledge"), key=f"ntf_ack_{item.id}", type="primary", on_click=on_ack,
                           args=(item.id,))
        elif item.needs_ack:
            cols[2].caption(t("ntf.needs_ack"))
        elif item.acknowledged_by:
            cols[2].caption(t("ntf.acknowledged", by=item.acknowledged_by))


def delivery_log(frame: pd.DataFrame) -> None:
    if frame.empty:
        st.info(t("ntf.dead_none"))
        return
    shown = pd.DataFrame({
        t("ntf.col.at"): frame["created_at"].map(local),
        t("ntf.col.kind"): frame["kind"].map(lambda k: t(f"ntf.kind.{k}")),
        t("ntf.col.channel"): frame["channel"].map(lambda c: t(f"ntf.channel.{c}")),
        t("ntf.col.recipient"): frame["recipient"],
        t("ntf.col.state"): frame["state"].map(lambda s: t(f"ntf.state.{s}")),
        t("ntf.col.attempts"): frame["attempts"],
        t("ntf.col.reason"): frame["last_error"].fillna(""),
        t("ntf.col.sent_at"): frame["sent_at"].map(local),
    })
    st.dataframe(shown, hide_index=True, width="stretch")


def current_lang() -> str:
    return lang()
