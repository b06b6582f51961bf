"""Display pieces of the complaint screens: a ticket's facts and timeline, a unit's earlier
complaints, the board's cards and escalations. User text goes through st.text / dataframes only."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import streamlit as st

from core.complaints.deadlines import light
from core.complaints.model import Complaint, Stage
from ui import cache, org_cache
from ui.fmt import local
from ui.i18n import t
from ui.widgets import field

CARDS_PER_STAGE = 8
COLOURS = {"green": "green", "amber": "orange", "red": "red", "paused": "gray"}


def light_label(value: str) -> str:
    """A coloured dot and the clock's word, from the catalogue only (no user text in markdown)."""
    return f":{COLOURS[value]}[● {t(f'light.{value}')}]"


# ---------------------------------------------------------------- one ticket

def badges(c: Complaint) -> list[str]:
    out = []
    if c.red_lines:
        out.append("、".join(t(f"redline.{r.value}") for r in c.red_lines))
    if c.repeat_count > 1:
        out.append(t("board.nth", n=c.repeat_count))
    if c.escalation.value != "none":
        out.append(t(f"escalation.{c.escalation.value}"))
    return out


def _person(username: str | None) -> str:
    return org_cache.person(cache.url(), username)


def show_facts(c: Complaint, place: dict) -> None:
    st.subheader(f"{c.number} · {t(f'category.{c.category.value}')}")
    for b in badges(c):
        st.markdown(f":red-badge[{b}]")
    left, mid, right = st.columns(3)
    field(t("field.received_at"), local(c.received_at), left)
    field(t("field.channel"), t(f"channel.{c.channel.value}"), left)
    field(t("col.receiver"), _person(c.receiver), left)
    field(t("field.unit"), " ".join(str(v) for v in (place.get("project"), place.get("room_no")) if v), mid)
    field(t("field.place"), c.place, mid)
    field(t("field.complainant"), c.complainant, mid)
    field(t("field.phone"), c.phone, right)
    field(t("field.subject"), c.subject, right)
    field(t("field.wants"), "、".join(t(f"want.{w.value}") for w in c.wants), right)
    field(t("field.content"), c.content)
    details = [("cause", c.cause), ("department", c.department), ("handler", _person(c.handler) if c.handler else None),
               ("options", "\n".join(c.options)), ("agreed_steps", c.agreed_steps),
               ("agreed_at", local(c.agreed_at)), ("implementation", c.implementation),
               ("invalid_reason", c.invalid_reason), ("reply", c.reply),
               ("root_cause", c.root_cause), ("prevention", c.prevention)]
    cols = st.columns(2)
    for i, (name, value) in enumerate((n, v) for n, v in details if v):
        field(t(f"field.{name}"), value, cols[i % 2])
    if c.callbacks:
        st.caption(t("detail.callbacks"))
        st.dataframe(pd.DataFrame([{t("col.at"): local(cb.at), t("col.by"): _person(cb.by),
                                    t("col.reached"): cb.reached,
                                    # not reached: no score to show, a dash rather than "None"
                                    t("col.satisfaction"): "—" if cb.satisfaction is None else str(cb.satisfaction),
                                    t("col.comment"): cb.comment or "—"} for cb in c.callbacks]),
                     hide_index=True, width="stretch")


def show_clocks(c: Complaint, now, calendar_changed: bool = False) -> None:
    """The stage clock and, until closed, the overall one: light and due time."""
    head = st.columns(3)
    head[0].metric(t("col.stage"), t(f"stage.{c.stage.value}"))
    clocks = [(head[1], "detail.stage_clock", c.stage_started_at, c.stage_deadline)]
    if c.closed_at is None:
        clocks.append((head[2], "detail.overall", c.received_at, c.due_at))
    for col, label, started, deadline in clocks:
        with col:
            st.caption(t(label))
            shown = light(started, deadline, now, c.paused_since).value
            st.markdown(f"{light_label(shown)}  \n{t('detail.due', time=local(deadline))}")
    if calendar_changed:
        st.caption(t("detail.calendar_changed"))


def stage_or_dash(stage) -> str:
    """An event that moved no stage (a pause, a note) shows a dash, never 'stage.nan' or 'None'."""
    if stage is None or (not isinstance(stage, str) and pd.isna(stage)) or stage == "":
        return "—"
    return t(f"stage.{stage}")


def show_close_panel(c: Complaint, missing: list, radio_key: str, ready: bool) -> None:
    """Closing, visible at the stages where it applies: ready, or blocked with each missing
    condition and a button that opens the action supplying it (it selects it below)."""
    with st.container(border=True):
        st.markdown(f"**{t('detail.close_title')}**")
        if ready:
            st.success(t("detail.close_ready"))
            return
        st.warning(t("detail.close_blocked"))
        for m in missing:
            left, right = st.columns([3, 2], vertical_alignment="center")
            left.markdown(f":red[✗] {t(m.key)}")     # catalogue text only
            if m.action:
                right.button(t(f"action.{m.action}"), key=f"close_goto_{c.number}_{m.key}",
                             icon=":material/arrow_downward:",
                             on_click=lambda a=m.action: st.session_state.update({radio_key: a}))
            elif m.hint:
                right.caption(t(m.hint))
        st.button(t("action.close"), key=f"close_blocked_{c.number}", disabled=True, icon=":material/lock:")


def _reassigned(action: str, detail) -> str:
    """Who handed the ticket to whom and why, by display names (a reassign event), else a dash."""
    if action != "reassign":
        return "—"
    if isinstance(detail, str):
        import json
        detail = json.loads(detail)
    detail = detail or {}
    return f"{_person(detail.get('from'))} → {_person(detail.get('to'))}: {detail.get('reason', '')}"


def show_timeline(events: pd.DataFrame) -> None:
    st.subheader(t("detail.timeline"))
    if events.empty:
        return
    shown = pd.DataFrame({
        t("col.at"): events["at"].map(local),
        t("col.actor"): events["actor"].map(_person),
        t("col.action"): events["action"].map(lambda a: t(f"action.{a}")),
        t("col.stage"): events["stage_to"].map(stage_or_dash),
        t("col.reassigned"): [_reassigned(a, d) for a, d in zip(events["action"], events["detail"])],
    })
    st.dataframe(shown, hide_index=True, width="stretch")


# ---------------------------------------------------------------- registering

def show_unit_history(history: pd.DataFrame) -> None:
    """What the unit already complained about, before anything new is saved: the open tickets
    first, each with what was agreed and by when (a link to the ticket), then the whole history.
    Every time in China time, one format (ui.fmt.local)."""
    if history.empty:
        st.caption(t("cnew.unit_history_none"))
        return
    open_items = history[history["stage"] != Stage.CLOSED.value]
    if not open_items.empty:
        st.warning(t("cnew.unit_open", n=len(open_items)))
        for r in open_items.to_dict("records"):
            with st.container(border=True):
                left, right = st.columns([2, 3])
                left.page_link("pages/complaint.py", label=r["number"], query_params={"n": r["number"]},
                               icon=":material/open_in_new:")
                left.caption(t("cnew.open_line", stage=t(f"stage.{r['stage']}"), category=t(f"category.{r['category']}"),
                               received=local(r["received_at"])))
                field(t("col.agreed_steps"), _none(r.get("agreed_steps")), right)
                right.caption(t("cnew.agreed_by", time=local(_none(r.get("agreed_at"))) or "—"))
    shown = history[["number", "received_at", "category", "stage", "content", "agreed_steps", "agreed_at",
                     "repeat_count"]].copy()
    shown["received_at"] = shown["received_at"].map(local)
    shown["agreed_at"] = shown["agreed_at"].map(local)
    shown["agreed_steps"] = shown["agreed_steps"].map(lambda v: _none(v) or "—")
    shown["category"] = shown["category"].map(lambda v: t(f"category.{v}"))
    shown["stage"] = shown["stage"].map(lambda v: t(f"stage.{v}"))
    st.dataframe(shown.rename(columns={c: t(f"col.{c if c != 'repeat_count' else 'repeat'}") for c in shown.columns}),
                 hide_index=True, width="stretch")


def show_same_question(found: list, content: str) -> None:
    """The earlier tickets beside the one being registered, so the receiver judges the matter."""
    st.warning(t("cnew.same_question"))
    earlier, this_one = st.columns(2)
    with this_one.container(border=True):
        st.markdown(f"**{t('cnew.this_one')}**")
        st.text(content)
    with earlier:
        for c in found:
            with st.container(border=True):
                heading = t("cnew.earlier", number=c.number, received=local(c.received_at), stage=t(f"stage.{c.stage}"))
                st.markdown(f"**{heading}**")   # a number, a time and a label: no user text
                st.text(c.matter)
                if c.repeat_count > 1:
                    st.caption(t("board.nth", n=c.repeat_count))
                if c.similar:
                    st.caption(t("cnew.same_suggested"))


# ---------------------------------------------------------------- the live board

def cards_by_stage(tickets: pd.DataFrame, now) -> dict[str, list[SimpleNamespace]]:
    """The board's rows as plain records grouped by stage, each with its clock's light. Done once
    per refresh: filtering and iterating a DataFrame per stage cost more than drawing the cards."""
    out: dict[str, list[SimpleNamespace]] = {}
    for row in tickets.to_dict("records"):
        r = SimpleNamespace(**{k: _none(v) for k, v in row.items()})   # missing: None, not NaN/NaT
        r.light = light(r.stage_started_at, r.stage_deadline, now, r.paused_since).value
        out.setdefault(r.stage, []).append(r)
    return out


def _none(value):
    return None if value is None or value is pd.NaT or (isinstance(value, float) and value != value) else value


def stage_column(stage: Stage, tickets: list, big: bool = False) -> None:
    st.markdown(f"**{t(f'stage.{stage.value}')}** · {len(tickets)}")
    for r in tickets[:CARDS_PER_STAGE]:
        with st.container(border=True):
            st.markdown(f"{light_label(r.light)} · {t(f'category.{r.category}')}")
            badges = []
            if r.escalation == "senior":
                badges.append(t("board.red_badge"))
            if r.repeat_count > 1:
                badges.append(t("board.nth", n=r.repeat_count))
            if badges:
                st.markdown(" ".join(f":red-badge[{b}]" for b in badges))
            st.page_link("pages/complaint.py", label=r.room_no or t("board.no_room"),
                         query_params={"n": r.number}, icon=":material/open_in_new:")
            st.caption(r.number)
            st.text(_person(r.receiver))   # the person, not their login
            if big:
                st.text((r.content or "")[:40])
    if len(tickets) > CARDS_PER_STAGE:
        st.caption(t("board.more", n=CARDS_PER_STAGE))


def escalation_list(escalations: pd.DataFrame) -> None:
    if escalations.empty:
        return
    with st.container(border=True):
        st.markdown(f"**{t('board.escalations')}**")
        for r in escalations.itertuples():
            label = f"{r.number} · {t(f'escalation.{r.escalation}')} · {t(f'category.{r.category}')}"
            st.page_link("pages/complaint.py", label=label, query_params={"n": r.number}, icon=":material/warning:")
