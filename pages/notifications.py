"""Alerts: everyone's inbox (mark as read, acknowledge a red line, open the record) and alert
settings; for the admin also the channels with "send a test", the delivery log with reasons,
failed messages with resend, and the owner SMS templates."""
import streamlit as st

from ui.guard import require

user = require("notifications")

from core.auth.capabilities import Capability  # noqa: E402
from services import notifications  # noqa: E402
from ui import cache, notification_forms as forms, notification_views as views  # noqa: E402
from ui.i18n import lang, t  # noqa: E402
from ui.submit import show_flash  # noqa: E402

engine = cache.engine()
admin = user.actor.can(Capability.MANAGE_NOTIFICATIONS)
st.title(t("page.notifications"))
show_flash("ntf")

names = ["inbox", "mine"] + (["channels", "log", "dead", "templates"] if admin else [])
tabs = dict(zip(names, st.tabs([t(f"ntf.tab.{n}") for n in names])))

with tabs["inbox"]:
    show_read = st.toggle(t("ntf.show_read"), key="ntf_show_read")
    items = notifications.inbox(engine, user.actor, lang(), include_read=show_read)
    if not items:
        st.info(t("ntf.inbox_empty"))
    else:
        if any(not i.read for i in items):
            st.button(t("ntf.mark_all_read"), key="ntf_read_all", on_click=forms.mark_read, args=(user, None))
        can_ack = user.actor.can(Capability.ACKNOWLEDGE_RED_LINE)
        for item in items:
            views.inbox_item(item, lambda i: forms.mark_read(user, i), lambda i: forms.acknowledge(user, i), can_ack)

with tabs["mine"]:
    forms.my_settings(user)

if admin:
    with tabs["channels"]:
        channels = notifications.channel_list(engine, user.actor)
        if not channels:
            st.info(t("ntf.channels_none"))
        for ch in channels:
            state = t("ntf.enabled") if ch.enabled else t("ntf.disabled")
            with st.expander(f"{t(f'ntf.channel.{ch.kind}')} · {ch.name} · {state}"):
                forms.channel_form(user, ch)
                forms.test_button(user, ch)
        with st.expander(t("ntf.channel_add"), icon=":material/add:"):
            forms.channel_form(user, None)
    with tabs["log"]:
        st.caption(t("ntf.log_caption"))
        views.delivery_log(notifications.delivery_log(engine, user.actor))
    with tabs["dead"]:
        dead = notifications.delivery_log(engine, user.actor, "dead")
        views.delivery_log(dead)
        for delivery_id in dead["id"].tolist()[:20]:
            forms.resend_button(user, int(delivery_id))
    with tabs["templates"]:
        for view in notifications.templates(engine, user.actor):
            forms.template_form(user, view)
