"""Read-only parts of the ticket page. User text goes through st.text / dataframes only."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.complaints.model import Complaint
from db import complaint_views
from db.engine import database_url
from ui import store
from ui.fmt import local
from ui.i18n import t
from ui.widgets import field


def badges(c: Complaint) -> list[str]:
    out = []
    if c.red_lines:
        out.append("、".join(t(f"redline.{r.value}") for r in c.red_lines))
    if c.repeat_count > 1:
        out.append(t("board.nth", n=c.repeat_count))
    if c.escalation.value != "none":
        out.append(t(f"escalation.{c.escalation.value}"))
    return out


def show_facts(c: Complaint, place: dict) -> None:
    st.subheader(f"{c.number} · {t(f'category.{c.category.value}')}")
    for b in badges(c):
        st.markdown(f":red-badge[{b}]")
    left, mid, right = st.columns(3)
    field(t("field.received_at"), local(c.received_at), left)
    field(t("field.channel"), t(f"channel.{c.channel.value}"), left)
    field(t("col.receiver"), store.person(database_url(), c.receiver), left)
    field(t("field.unit"), " ".join(str(v) for v in (place.get("project"), place.get("room_no")) if v), mid)
    field(t("field.place"), c.place, mid)
    field(t("field.complainant"), c.complainant, mid)
    field(t("field.phone"), c.phone, right)
    field(t("field.subject"), c.subject, right)
    field(t("field.wants"), "、".join(t(f"want.{w.value}") for w in c.wants), right)
    field(t("field.content"), c.content)
    details = [("cause", c.cause), ("department", c.department), ("handler", c.handler),
               ("options", "\n".join(c.options)), ("agreed_steps", c.agreed_steps),
               ("agreed_at", local(c.agreed_at)), ("implementation", c.implementation),
               ("invalid_reason", c.invalid_reason), ("reply", c.reply),
               ("root_cause", c.root_cause), ("prevention", c.prevention)]
    cols = st.columns(2)
    for i, (name, value) in enumerate((n, v) for n, v in details if v):
        field(t(f"field.{name}"), value, cols[i % 2])
    if c.callbacks:
        st.caption(t("detail.callbacks"))
        st.dataframe(pd.DataFrame([{t("col.at"): local(cb.at), t("col.by"): store.person(database_url(), cb.by), t("col.reached"): cb.reached,
                                    t("col.satisfaction"): cb.satisfaction, t("col.comment"): cb.comment}
                                   for cb in c.callbacks]), hide_index=True, width="stretch")


def show_timeline(engine, c: Complaint) -> None:
    st.subheader(t("detail.timeline"))
    events = complaint_views.timeline(engine, c.number)
    if events.empty:
        return
    shown = pd.DataFrame({
        t("col.at"): events["at"].map(local),
        t("col.actor"): events["actor"].map(lambda u: store.person(database_url(), u)),
        t("col.action"): events["action"].map(lambda a: t(f"action.{a}")),
        t("col.stage"): events["stage_to"].map(lambda s: t(f"stage.{s}") if s else ""),
    })
    st.dataframe(shown, hide_index=True, width="stretch")
