"""Display pieces of the shared core: a unit's record (owners, special needs, complaint history),
its owners over time, and the set-up page's progress and tables."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.auth.capabilities import Capability
from core.org.rules import DEFAULT_TARGET_BP
from ui.fmt import local
from ui.i18n import t
from ui.session import CurrentUser
from ui.widgets import field, md_plain

SETUP_STEPS = ("company", "projects", "buildings", "units", "owners", "staff")


def need_label(kind: str) -> str:
    return t(f"need.{kind}")


def needs_text(kinds) -> str:
    """The kinds of a unit's current needs, for a table cell: 独居老人、语言."""
    return t("needs.sep").join(need_label(k) for k in kinds) if kinds else ""


def unit_record(record: dict) -> None:
    """The record as services.org.unit_detail gives it (phones already masked where they must be)."""
    st.subheader(f"{t('units.record')} · {md_plain(record['project'])} {record['room_no']}")
    if record.get("needs"):
        st.warning(t("needs.alert", needs="；".join(
            f"{need_label(n.kind)}{('：' + n.note) if n.note else ''}" for n in record["needs"])))
    left, right = st.columns(2)
    field(t("units.col.status"), t(f"status.{record['status']}"), left)
    for col in ("floor", "area_m2"):
        field(t(f"units.col.{col}"), record[col], left)
    current = [o for o in record.get("owners", []) if o.until is None]
    if not current and not record["owner"]:
        right.info(t("units.no_owner"))
        return
    if not current:   # a unit whose owner predates the ownership records
        field(t("units.col.owner"), record["owner"], right)
        field(t("units.col.phone"), record["phone"], right)
    for o in current:
        field(t("units.col.owner"), o.name, right)
        field(t("units.col.phone"), o.phone, right)
    if record["phone_masked"]:
        right.caption(t("units.phone_masked"))


def ownership_history(owners: list) -> None:
    past = [o for o in owners if o.until is not None]
    if not past:
        return
    st.caption(t("owners.history"))
    st.dataframe(pd.DataFrame([{t("field.owner_name"): o.name, t("field.phone"): o.phone or "",
                                t("field.since"): o.since or "—", t("field.until"): o.until,
                                t("owners.ended_by"): t(f"owners.ended.{o.ended_by}") if o.ended_by else ""}
                               for o in past]), hide_index=True, width="stretch")


def needs_table(needs: list, staff: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{t("field.need_kind"): need_label(n.kind), t("field.need_note"): n.note,
                          t("needs.whose"): n.owner or t("needs.household"), t("field.noted_on"): n.noted_on,
                          t("needs.entered_by"): staff.get(n.entered_by, n.entered_by),
                          t("field.ended_on"): n.ended_on or ""} for n in needs])


def complaint_history(history: pd.DataFrame, callbacks: pd.DataFrame) -> None:
    st.subheader(t("units.complaints"))
    if history.empty:
        st.caption(t("units.no_complaints"))
        return
    history = history.assign(received_at=history["received_at"].map(local),
                             agreed_at=history["agreed_at"].map(local),
                             category=history["category"].map(lambda v: t(f"category.{v}")),
                             stage=history["stage"].map(lambda v: t(f"stage.{v}")))
    st.dataframe(history.rename(columns=lambda c: t("col.repeat") if c == "repeat_count" else t(f"col.{c}")),
                 hide_index=True, width="stretch")
    if not callbacks.empty:
        st.caption(t("units.callbacks"))
        callbacks = callbacks.assign(at=callbacks["at"].map(local))
        st.dataframe(callbacks.rename(columns=lambda c: t(f"col.{c}")), hide_index=True, width="stretch")


# ---------------------------------------------------------------- set-up page

def setup_progress(counts: dict[str, int]) -> None:
    """One line per step of a company's set-up, ticked once it has something."""
    done = sum(1 for s in SETUP_STEPS if counts.get(s))
    st.progress(done / len(SETUP_STEPS), text=t("setup.progress", done=done, total=len(SETUP_STEPS)))
    cols = st.columns(len(SETUP_STEPS))
    for col, step in zip(cols, SETUP_STEPS):
        n = counts.get(step, 0)
        col.metric(t(f"setup.step.{step}"), ("✓ " if n else "○ ") + (f"{n:,}" if step != "company" else ""))


def projects_table(projects: pd.DataFrame) -> None:
    if projects.empty:
        st.info(t("setup.no_projects"))
        return
    target = projects["collection_target_bp"].map(
        lambda bp: f"{(DEFAULT_TARGET_BP if pd.isna(bp) else int(bp)) / 100:g} %" + ("" if not pd.isna(bp) else " *"))
    shown = pd.DataFrame({t("setup.project_code"): projects["code"], t("setup.project_name"): projects["name"],
                          t("setup.city"): projects["city"], t("setup.address"): projects["address"].fillna(""),
                          t("setup.target"): target})
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(t("setup.target_default", pct=f"{DEFAULT_TARGET_BP / 100:g}"))


def buildings_table(buildings: pd.DataFrame) -> None:
    if buildings.empty:
        st.info(t("setup.no_buildings"))
        return
    st.dataframe(pd.DataFrame({t("setup.building_name"): buildings["name"], t("setup.floors"): buildings["floors"],
                               t("setup.units"): buildings["units"]}), hide_index=True, width="stretch")


def can_edit_owners(user: CurrentUser) -> bool:
    return user.actor.can(Capability.EDIT_OWNERS)
