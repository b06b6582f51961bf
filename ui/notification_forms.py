"""Forms that write alerts settings: inbox read/acknowledge, my settings, channels, templates,
resend, owner opt-out. Every one goes through ui.submit."""
from __future__ import annotations

import streamlit as st

from core.notifications.channels import ChannelKind
from core.notifications.events import STAFF_KINDS
from core.notifications.owner_templates import OwnerTemplate
from services import notifications
from ui import cache
from ui.i18n import t
from ui.session import CurrentUser
from ui.submit import flash, submit
from ui.widgets import choose_many

CLEARS = ("notifications",)
FIELDS = {"wecom": ("url",), "dingtalk": ("url", "secret"),
          "email": ("host", "port", "sender", "username", "password", "starttls"),
          "sms": ("endpoint", "access_key_id", "access_key_secret", "sign_name")}


def mark_read(user: CurrentUser, item_id: int | None) -> None:
    done = submit(f"ntf_read_{item_id}", lambda key: notifications.mark_read(
        cache.engine(), user.actor, None if item_id is None else [item_id], request_key=key),
        values={"id": item_id, "n": st.session_state.get("_ntf_reads", 0)}, clears=CLEARS)
    st.session_state["_ntf_reads"] = st.session_state.get("_ntf_reads", 0) + 1
    if done is not None:
        flash("ntf", t("ntf.read_done"))


def acknowledge(user: CurrentUser, item_id: int) -> None:
    done = submit(f"ntf_ack_{item_id}", lambda key: notifications.acknowledge(
        cache.engine(), user.actor, item_id, request_key=key), values={"id": item_id}, clears=CLEARS + ("complaints",))
    if done:
        flash("ntf", t("ntf.ack_done"))


def my_settings(user: CurrentUser) -> None:
    mine = notifications.my_settings(cache.engine(), user.actor)
    st.caption(t("ntf.quiet_caption"))
    with st.form("ntf_mine"):
        email = st.text_input(t("field.email"), value=mine.email, max_chars=120)
        quiet = st.text_input(t("field.quiet_hours"), value=mine.quiet, placeholder="22:00-07:30", max_chars=11)
        chosen = choose_many(t("ntf.channel.email"), [k.value for k in STAFF_KINDS],
                                default=[k for k in mine.routes if k in {s.value for s in STAFF_KINDS}],
                                format_func=lambda k: t(f"ntf.kind.{k}"))
        if st.form_submit_button(t("ntf.prefs_save")):
            done = submit("ntf_mine", lambda key: notifications.save_my_settings(
                cache.engine(), user.actor, email, quiet, {k: ["email"] for k in chosen}, request_key=key),
                values={"e": email, "q": quiet, "c": chosen}, clears=CLEARS)
            if done is not None:
                st.success(t("ntf.prefs_saved"))


def channel_form(user: CurrentUser, view: notifications.ChannelView | None) -> None:
    """A new channel (view None) or one to change; secrets are never shown back."""
    form_key = f"ntf_channel_{view.id if view else 'new'}"
    with st.form(form_key):
        kinds = [k.value for k in ChannelKind if k != ChannelKind.INAPP]
        kind = (view.kind if view else st.selectbox(t("field.kind"), kinds, format_func=lambda k: t(f"ntf.channel.{k}"),
                                                    key=f"{form_key}_kind"))
        name = st.text_input(t("field.channel_name"), value=view.name if view else "", max_chars=40)
        config = {}
        shown = FIELDS[kind] if view else sorted({f for fs in FIELDS.values() for f in fs})
        for f in shown:
            current = (view.config.get(f, "") if view else "")
            if f == "starttls":
                config[f] = st.checkbox(t("field.starttls"), value=bool(current))
            elif f in notifications.SECRET_KEYS:
                config[f] = st.text_input(t(f"field.{f}"), type="password",
                                          help=t("ntf.secret_kept") if view else None)
            else:
                config[f] = st.text_input(t(f"field.{f}"), value=str(current or ""))
        events = choose_many(t("ntf.events"), [k.value for k in STAFF_KINDS],
                                default=view.events if view else [], format_func=lambda k: t(f"ntf.kind.{k}"))
        enabled = st.checkbox(t("ntf.enabled"), value=view.enabled if view else False)
        if st.form_submit_button(t("ntf.channel_save")):
            used = {f: config[f] for f in FIELDS[kind] if f in config}
            done = submit(form_key, lambda key: notifications.save_channel(
                cache.engine(), user.actor, view.id if view else None, kind, name, used, events, enabled,
                view.version if view else None, request_key=key),
                values={"k": kind, "n": name, "c": sorted(used.items()), "e": events, "on": enabled}, clears=CLEARS)
            if done is not None:
                flash("ntf", t("ntf.channel_saved"))
                st.rerun()


def test_button(user: CurrentUser, view: notifications.ChannelView) -> None:
    to = ""
    if view.kind in ("email", "sms"):
        to = st.text_input(t("field.email") if view.kind == "email" else t("ntf.channel.sms"),
                           key=f"ntf_test_to_{view.id}")
    if st.button(t("ntf.channel_test"), key=f"ntf_test_{view.id}", icon=":material/send:"):
        result = submit(f"ntf_test_{view.id}", lambda key: notifications.send_test(cache.engine(), user.actor,
                                                                                    view.id, to), values={"to": to})
        if result is not None:
            (st.success(t("ntf.test_ok")) if result.ok else st.error(t("ntf.test_failed", reason=result.reason)))


def resend_button(user: CurrentUser, delivery_id: int) -> None:
    if st.button(t("ntf.resend"), key=f"ntf_resend_{delivery_id}"):
        if submit(f"ntf_resend_{delivery_id}", lambda key: notifications.resend(
                cache.engine(), user.actor, delivery_id, request_key=key), values={"id": delivery_id},
                clears=CLEARS) is not None:
            flash("ntf", t("ntf.resent"))
            st.rerun()


def template_form(user: CurrentUser, view: notifications.TemplateView) -> None:
    key = f"ntf_tpl_{view.kind}"
    st.subheader(t(f"ntf.tpl.{OwnerTemplate(view.kind).value}"))
    st.caption(t("ntf.tpl_placeholders", names=", ".join("{" + n + "}" for n in view.allowed)))
    if view.approved_body:
        st.caption(t("ntf.tpl_approved_text", by=view.approved_by or ""))
        st.text(view.approved_body)
    else:
        st.caption(t("ntf.tpl_not_approved"))
    with st.form(key):
        body = st.text_area(t("field.body"), value=view.body, max_chars=500)
        code = st.text_input(t("field.provider_code"), value=view.provider_code, max_chars=40)
        save, approve = st.columns(2)
        if save.form_submit_button(t("ntf.tpl_save")):
            if submit(key, lambda k: notifications.save_template(cache.engine(), user.actor, view.kind, body, code,
                                                                 request_key=k),
                      values={"b": body, "c": code}, clears=CLEARS) is not None:
                flash("ntf", t("ntf.tpl_saved"))
                st.rerun()
        if approve.form_submit_button(t("ntf.tpl_approve")):
            if submit(f"{key}_ok", lambda k: notifications.approve_template(cache.engine(), user.actor, view.kind,
                                                                             request_key=k),
                      values={"b": view.body}, clears=CLEARS) is not None:
                flash("ntf", t("ntf.tpl_approved"))
                st.rerun()
