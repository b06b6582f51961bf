"""The working calendar page (calendar): admins edit the opening hours and the official years,
managers read them; the warning about an unknown year; every wrong field named at once with the
input kept; a concurrent edit refused. Checked against the store."""
from __future__ import annotations

import pytest
import streamlit as st
from sqlalchemy import delete, func, select
from streamlit.testing.v1 import AppTest

from core.auth.actor import Actor
from core.auth.roles import Role, can_open
from core.clock import local_today
from core.i18n import translate
from db.calendar_models import OfficialYearRow, WorkingHoursRow
from page_helpers import APP, ROLES, TIMEOUT, by_label, current_user
from services import calendar
from ui.widgets import md_plain

t = translate
NEXT = local_today().year + 1
ADMIN2 = Actor("admin2", Role.ADMIN)


@pytest.fixture(autouse=True)
def fresh_calendar(page_db):
    """Each test starts from the package's years and the office week."""
    with page_db.engine.begin() as conn:
        conn.execute(delete(OfficialYearRow))
        conn.execute(delete(WorkingHoursRow))
    yield


def open_page(engine, username: str) -> AppTest:
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(engine, username)
    at.switch_page("pages/calendar.py")
    return at.run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def rows(engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def unknown_next_year(engine) -> bool:
    return calendar.working_calendar(engine, ADMIN2).source(NEXT) is None


@pytest.mark.parametrize("role", ROLES)
def test_who_opens_the_calendar(run_page, role):
    at = run_page("calendar", role)
    assert not at.exception
    if can_open(role, "calendar"):
        assert role in ("admin", "manager")
        assert [x.value for x in at.title] == [t("page.calendar")]
    else:
        assert [e.value for e in at.error] == [t("guard.refused", role=t(f"role.{role}"))]


def test_manager_reads_and_is_warned_but_cannot_edit(page_db):
    at = ok(open_page(page_db.engine, "manager"))
    assert t("cal.caption") in [c.value for c in at.caption]
    if unknown_next_year(page_db.engine):   # chinese-calendar 1.11 knows up to 2026
        assert t("cal.to_enter", years=str(NEXT)) in [w.value for w in at.warning]
    assert t("cal.view_only") in [c.value for c in at.caption]
    assert t("cal.save_hours") not in [b.label for b in at.button]
    assert t("cal.save_year") not in [b.label for b in at.button]
    sources = at.dataframe[1].value[t("cal.col.source")].tolist()
    assert t("cal.source.package") in sources


def test_admin_sets_a_seven_day_week(page_db):
    engine = page_db.engine
    at = ok(open_page(engine, "admin"))
    by_label(at.radio, t("field.preset")).set_value("seven_days")
    by_label(at.checkbox, t("field.open_on_holidays")).check()
    by_label(at.button, t("cal.save_hours")).click().run()
    ok(at)
    assert t("cal.hours_saved") in [s.value for s in at.success]
    view = calendar.overview(engine, ADMIN2)
    assert (view.hours.preset, view.hours.hours.open_on_holidays, view.hours.version) == ("seven_days", True, 1)
    assert t("cal.holidays_flag_on") in " ".join(c.value for c in at.caption)


def test_wrong_custom_hours_are_all_named_and_kept(page_db):
    engine = page_db.engine
    at = ok(open_page(engine, "admin"))
    by_label(at.radio, t("field.preset")).set_value("custom")
    by_label(at.text_input, t("field.hours_sat")).input("9-12")
    by_label(at.text_input, t("field.hours_sun")).input("17:00-09:00")
    by_label(at.button, t("cal.save_hours")).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("err.hours_format", value=md_plain("9-12")), t("err.hours_order")]
    assert by_label(at.text_input, t("field.hours_sat")).value == "9-12"          # the input is kept
    assert rows(engine, WorkingHoursRow) == 0


def test_admin_enters_next_years_schedule_and_the_warning_goes(page_db):
    engine = page_db.engine
    at = ok(open_page(engine, "admin"))
    if not unknown_next_year(engine):
        pytest.skip("the installed chinese-calendar already knows next year")
    assert by_label(at.selectbox, t("field.year")).value == NEXT                   # the year to enter first
    by_label(at.text_area, t("field.holidays")).input(f"{NEXT}-02-06..{NEXT}-02-13\n{NEXT}-10-01..{NEXT}-10-07")
    by_label(at.text_area, t("field.makeup")).input(f"{NEXT}-02-14, {NEXT}-10-09")
    by_label(at.text_input, t("field.schedule_note")).input("国办发明电")
    by_label(at.button, t("cal.save_year")).click().run()
    ok(at)
    assert t("cal.year_saved", year=NEXT) in [s.value for s in at.success]
    assert t("cal.to_enter", years=str(NEXT)) not in [w.value for w in at.warning]
    assert calendar.working_calendar(engine, ADMIN2).source(NEXT) == "entered"
    # ...and taken back: the warning returns
    by_label(at.button, t("cal.drop_year", year=NEXT)).click().run()
    ok(at)
    assert t("cal.year_dropped", year=NEXT) in [s.value for s in at.success]
    assert t("cal.to_enter", years=str(NEXT)) in [w.value for w in at.warning]
    assert rows(engine, OfficialYearRow) == 0


def test_a_mistyped_year_names_every_field(page_db):
    engine = page_db.engine
    at = ok(open_page(engine, "admin"))
    year = by_label(at.selectbox, t("field.year")).value
    by_label(at.text_area, t("field.holidays")).input(f"{year}-02-30")
    by_label(at.text_area, t("field.makeup")).input("next monday")
    by_label(at.button, t("cal.save_year")).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("err.schedule_day", value=md_plain(f"{year}-02-30")),
                                           t("err.schedule_day", value="next")]
    assert by_label(at.text_area, t("field.makeup")).value == "next monday"
    assert rows(engine, OfficialYearRow) == 0


def test_a_save_made_meanwhile_by_another_admin_is_not_overwritten(page_db):
    engine = page_db.engine
    at = ok(open_page(engine, "admin"))
    calendar.save_hours(engine, ADMIN2, None, "saturday_morning", expected_version=0)   # the other admin
    by_label(at.radio, t("field.preset")).set_value("seven_days")
    by_label(at.button, t("cal.save_hours")).click().run()
    assert not at.exception
    # the refusal names who saved meanwhile (and when, China time)
    assert [e.value for e in at.error if e.value.startswith("admin2 ") and "修改了这条记录" in e.value]
    assert calendar.overview(engine, ADMIN2).hours.preset == "saturday_morning"
