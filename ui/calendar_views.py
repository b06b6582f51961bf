"""Display pieces of the working calendar page: the hours of a scope, the official years and the
warning when this year's or next year's schedule is unknown."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.working_time.hours import WEEKDAY_FIELDS, WEEKDAYS, describe_windows
from core.working_time.official import describe_days
from services.calendar import HoursView, YearView
from ui.i18n import t


def show_to_enter(years: list[int]) -> None:
    if years:
        st.warning(t("cal.to_enter", years="、".join(str(y) for y in years)), icon=":material/event_busy:")


def show_hours(view: HoursView) -> None:
    if view.project_id is not None:
        st.caption(t("cal.hours_own") if view.own else t("cal.hours_inherited"))
    st.dataframe(pd.DataFrame({
        t("cal.col.weekday"): [t(f"field.{WEEKDAY_FIELDS[d]}") for d in WEEKDAYS],
        t("cal.col.windows"): [describe_windows(view.hours.windows(d)) or t("cal.day_closed") for d in WEEKDAYS],
    }), hide_index=True)
    st.caption(f"{t(f'preset.{view.preset}')} · "
               + (t("cal.holidays_flag_on") if view.hours.open_on_holidays else t("cal.holidays_flag_off")))


def source_label(source: str | None) -> str:
    return t(f"cal.source.{source or 'none'}")


def show_years(years: list[YearView]) -> None:
    st.dataframe(pd.DataFrame({
        t("cal.col.year"): [str(y.year) for y in years],
        t("cal.col.source"): [source_label(y.source) for y in years],
        t("cal.col.holidays"): [len(y.holidays) for y in years],
        t("cal.col.makeup"): [len(y.makeup_workdays) for y in years],
        t("cal.col.note"): [y.note for y in years],
        t("cal.col.entered_by"): [y.entered_by for y in years],
    }), hide_index=True, width="stretch")


def show_year_days(year: YearView) -> None:
    """The days themselves, as the edit form takes them."""
    with st.expander(t("cal.year_detail", year=year.year)):
        st.caption(t("field.holidays"))
        st.text(describe_days(year.holidays) or "—")
        st.caption(t("field.makeup"))
        st.text(describe_days(year.makeup_workdays) or "—")
