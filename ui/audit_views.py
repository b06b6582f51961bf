"""The audit viewer's pieces: the filter form, a page of rows, one row's before and after side by
side, and the export (built, and logged by the service, only when the button is clicked)."""
from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import streamlit as st

from core.clock import local_today
from services import audit
from ui import cache, org_cache
from ui.export import DATETIME, excel_button
from ui.fmt import local
from ui.i18n import t
from ui.session import CurrentUser

ALL = ""


def label(prefix: str, code: str | None) -> str:
    """A code's label where the catalogue has one (audit.action.create), else the code itself."""
    if not code:
        return ""
    key = f"{prefix}.{code}"
    text = t(key)
    return code if text == key else text


def filter_form(user: CurrentUser, people: list[str], entities: list[str]):
    """The filters as the user last submitted them (kept in the form's widgets across reruns)."""
    url = cache.url()
    names = org_cache.staff_names(url)
    projects = org_cache.projects(url, user.reader)
    project_names = {None: t("audit.all"), **dict(zip(projects["id"].map(int), projects["name"]))}
    today = local_today()
    with st.form("audit_filter"):
        c1, c2, c3 = st.columns(3)
        person = c1.selectbox(t("audit.person"), [ALL, *people], key="audit_person",
                              format_func=lambda u: t("audit.all") if u == ALL else
                              (f"{names[u]} ({u})" if u in names else u))
        entity = c2.selectbox(t("audit.entity"), [ALL, *entities], key="audit_entity",
                              format_func=lambda e: t("audit.all") if e == ALL else label("audit.entity", e))
        entity_id = c3.text_input(t("audit.entity_id"), max_chars=40, key="audit_entity_id")
        project = c1.selectbox(t("audit.project"), list(project_names), format_func=project_names.get,
                               key="audit_project")
        since = c2.date_input(t("audit.since"), value=today - timedelta(days=30), max_value=today, key="audit_since")
        until = c3.date_input(t("audit.until"), value=today, max_value=today, key="audit_until")
        st.form_submit_button(t("audit.apply"), type="primary")
    return audit.make_filter(person, entity, entity_id, project, since, until)


def _json(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else \
        json.dumps(value, ensure_ascii=False, sort_keys=True)


def rows_table(rows: pd.DataFrame, names: dict[str, str]):
    shown = pd.DataFrame({
        t("audit.col.at"): rows["at"].map(local),
        t("audit.col.person"): rows["actor"].map(lambda u: names.get(u, u)),
        t("audit.col.action"): rows["action"].map(lambda a: label("audit.action", a)),
        t("audit.col.entity"): rows["entity"].map(lambda e: label("audit.entity", e)),
        t("audit.col.entity_id"): rows["entity_id"].fillna(""),
        t("audit.col.project"): rows["project"].fillna(""),
        t("audit.col.before"): rows["before"].map(_json),
        t("audit.col.after"): rows["after"].map(_json)})
    return st.dataframe(shown, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                        key="audit_table")


def side_by_side(record: dict) -> None:
    """Before and after of one row, each key once, changed keys marked."""
    before, after = record["before"] or {}, record["after"] or {}
    keys = list(dict.fromkeys([*before, *after]))
    st.subheader(t("audit.detail", action=label("audit.action", record["action"]),
                   entity=label("audit.entity", record["entity"]), id=record["entity_id"] or ""))
    if not keys:
        st.caption(t("audit.no_values"))
        return
    st.dataframe(pd.DataFrame({t("audit.col.key"): keys,
                               t("audit.col.before"): [_json(before.get(k)) for k in keys],
                               t("audit.col.after"): [_json(after.get(k)) for k in keys],
                               t("audit.col.changed"): ["●" if before.get(k) != after.get(k) else "" for k in keys]}),
                 hide_index=True, width="stretch")


def export_frame(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The exported trail as the viewer shows it: labels, not codes; the time a real datetime."""
    return pd.DataFrame({
        t("audit.col.at"): rows["at"],
        t("audit.col.person"): rows["actor"].map(lambda u: names.get(u, u)),
        t("audit.col.action"): rows["action"].map(lambda a: label("audit.action", a)),
        t("audit.col.entity"): rows["entity"].map(lambda e: label("audit.entity", e)),
        t("audit.col.entity_id"): rows["entity_id"].fillna(""),
        t("audit.col.project"): rows["project"].fillna(""),
        t("audit.col.before"): rows["before"], t("audit.col.after"): rows["after"]})


def export_filters(f, names: dict[str, str], project_names: dict[int, str]) -> tuple[str | None, list]:
    """(period, filters) of the title block, in words."""
    period = None
    if f.since or f.until:
        last = (f.until - timedelta(days=1)) if f.until else None
        period = f"{f.since.date() if f.since else ''} – {last.date() if last else ''}"
    filters = [(t("audit.person"), names.get(f.actor, f.actor) if f.actor else ""),
               (t("audit.entity"), label("audit.entity", f.entity)), (t("audit.entity_id"), f.entity_id or ""),
               (t("audit.project"), project_names.get(f.project_id, "") if f.project_id else "")]
    return period, filters


def export_button(user: CurrentUser, f) -> None:
    engine, url = cache.engine(), cache.url()
    names = org_cache.staff_names(url)
    projects = org_cache.projects(url, user.reader)
    period, filters = export_filters(f, names, dict(zip(projects["id"].map(int), projects["name"])))
    # Built (and logged as an export by the service) only when clicked.
    excel_button(lambda: export_frame(audit.export(engine, user.actor, f), names), "audit.xlsx", key="audit_export",
                 label=t("audit.export", max=f"{audit.MAX_EXPORT:,}"), sheet=t("xlsx.sheet.audit"),
                 title=t("xlsx.title.audit"), kinds={t("audit.col.at"): DATETIME}, period=period, filters=filters)
