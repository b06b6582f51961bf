"""The forms that change the working calendar: a scope's opening hours and one year's official
schedule. Each returns what was entered when submitted, else None; the page sends it through
ui.submit. Prefilled with what is in force, keyed by scope or year so switching shows the right one."""
from __future__ import annotations

import streamlit as st

from core.working_time.hours import CHOICES, WEEKDAY_FIELDS, WEEKDAYS, describe_windows
from core.working_time.official import describe_days
from services.calendar import HoursView, YearView
from ui.i18n import t


def hours_form(view: HoursView) -> dict | None:
    k = f"cal_hours_{view.project_id or 0}"
    with st.form(k, clear_on_submit=False):
        choice = st.radio(t("field.preset"), CHOICES, index=CHOICES.index(view.preset),
                          format_func=lambda c: t(f"preset.{c}"), key=k + "_preset")
        open_on_holidays = st.checkbox(t("field.open_on_holidays"), value=view.hours.open_on_holidays,
                                       key=k + "_holidays")
        st.caption(t("cal.custom_help"))
        cols = st.columns(7)
        days = tuple(cols[d].text_input(t(f"field.{WEEKDAY_FIELDS[d]}"), value=describe_windows(view.hours.windows(d)),
                                        max_chars=60, key=f"{k}_{d}") for d in WEEKDAYS)
        submitted = st.form_submit_button(t("cal.save_hours"), type="primary")
    if not submitted:
        return None
    return {"choice": choice, "day_texts": days, "open_on_holidays": open_on_holidays}


def year_form(view: YearView) -> dict | None:
    k = f"cal_year_{view.year}"
    with st.form(k, clear_on_submit=False):
        st.caption(t("cal.days_help"))
        holidays = st.text_area(t("field.holidays"), value=describe_days(view.holidays), max_chars=2000,
                                key=k + "_off")
        makeup = st.text_area(t("field.makeup"), value=describe_days(view.makeup_workdays), max_chars=1000,
                              key=k + "_on")
        note = st.text_input(t("field.schedule_note"), value=view.note, max_chars=200, key=k + "_note")
        submitted = st.form_submit_button(t("cal.save_year"), type="primary")
    return {"holidays": holidays, "makeup": makeup, "note": note} if submitted else None
