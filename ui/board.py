"""Cards of the live complaint board."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import streamlit as st

from core.complaints import clock
from core.complaints.model import Stage
from ui.i18n import t

CARDS_PER_STAGE = 8
COLOURS = {"green": "green", "amber": "orange", "red": "red", "paused": "gray"}


def light_label(light: str) -> str:
    """A coloured dot and the clock's word, from the catalogue only (no user text in markdown)."""
    return f":{COLOURS[light]}[● {t(f'light.{light}')}]"


def cards_by_stage(tickets: pd.DataFrame, now) -> dict[str, list[SimpleNamespace]]:
    """The board's rows as plain records grouped by stage, each with its clock's light. Done once
    per refresh: filtering and iterating a DataFrame per stage cost more than drawing the cards."""
    out: dict[str, list[SimpleNamespace]] = {}
    for row in tickets.to_dict("records"):
        r = SimpleNamespace(**{k: _none(v) for k, v in row.items()})   # missing: None, not NaN/NaT
        r.light = clock.light(r.stage_started_at, r.stage_deadline, now, r.paused_since).value
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
            st.text(r.receiver)
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
