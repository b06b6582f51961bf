"""The working calendar: China's public holidays, make-up working days, opening hours per weekday
and years an admin enters when the package does not know them."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from core.clock import CHINA
from core.errors import ValidationError, ValidationErrors
from core.working_time.calendar import ROUND_THE_CLOCK, WorkingCalendar
from core.working_time.hours import (END_OF_DAY, OFFICE_WEEK, SATURDAY_MORNING, SEVEN_DAYS, describe_windows,
                                     from_plain, opening_hours, parse_windows, preset_of, to_plain)
from core.working_time.official import OfficialYear, describe_days, entered_year, parse_days

OFFICE = WorkingCalendar()


def cn(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=CHINA)


def test_a_deadline_set_before_national_day_lands_after_the_holiday():
    # 30 Sep 2025 17:00 + 2 working hours: 30 minutes that evening, then 1-8 Oct are off.
    due = OFFICE.add(cn(2025, 9, 30, 17), timedelta(hours=2))
    assert due.astimezone(CHINA) == cn(2025, 10, 9, 10)


def test_the_make_up_sunday_before_national_day_is_a_working_day():
    assert date(2025, 9, 28).weekday() == 6
    assert OFFICE.kind_of(date(2025, 9, 28)) == "makeup"
    assert OFFICE.between(cn(2025, 9, 28, 0), cn(2025, 9, 29, 0)) == timedelta(hours=9)
    # ...and a ticket received that Sunday afternoon is due the same day, not on Monday.
    assert OFFICE.add(cn(2025, 9, 28, 14), timedelta(hours=2)).astimezone(CHINA) == cn(2025, 9, 28, 16)


def test_spring_festival_2026_is_off_and_its_make_up_saturday_works():
    for d in (date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 20)):
        assert not OFFICE.is_working_day(d), d
    assert OFFICE.kind_of(date(2026, 2, 14)) == "makeup"
    assert OFFICE.is_working_day(date(2026, 2, 14))
    # A week of Spring Festival: the nine hours of the make-up Saturday and nothing else.
    assert OFFICE.between(cn(2026, 2, 14), cn(2026, 2, 22)) == timedelta(hours=9)


def test_a_seven_day_centre_works_weekends_and_holidays():
    seven = WorkingCalendar(hours=SEVEN_DAYS)
    assert seven.is_working_day(date(2025, 10, 4)) and seven.is_working_day(date(2025, 10, 1))
    assert seven.add(cn(2025, 9, 30, 17), timedelta(hours=2)).astimezone(CHINA) == cn(2025, 10, 1, 10)


def test_a_saturday_morning_counts_three_and_a_half_hours():
    sat = WorkingCalendar(hours=SATURDAY_MORNING)
    assert sat.between(cn(2026, 11, 28), cn(2026, 11, 29)) == timedelta(hours=3, minutes=30)
    assert OFFICE.between(cn(2026, 11, 28), cn(2026, 11, 29)) == timedelta(0)


def test_a_year_the_package_does_not_know_is_said_so_and_an_entered_year_is_used():
    assert OFFICE.unknown_years(date(2026, 12, 1), date(2027, 2, 1)) == [2027]
    # Timed on the weekly hours meanwhile, not a crash.
    assert OFFICE.add(cn(2027, 2, 5, 17), timedelta(hours=2)).astimezone(CHINA) == cn(2027, 2, 8, 10)
    spring = parse_days("2027-02-05..2027-02-12", 2027, "holidays")
    entered = OfficialYear(2027, spring, parse_days("2027-02-13", 2027, "makeup"), source="entered")
    cal = WorkingCalendar(entered={2027: entered})
    assert cal.unknown_years(date(2027, 1, 1), date(2027, 12, 31)) == []
    assert not cal.is_working_day(date(2027, 2, 8))
    assert cal.add(cn(2027, 2, 4, 17), timedelta(hours=2)).astimezone(CHINA) == cn(2027, 2, 13, 10)
    assert cal.version != OFFICE.version   # a correction is a different calendar


def test_an_entered_year_overrides_the_package():
    fixed = OfficialYear(2026, frozenset({date(2026, 12, 1)}), frozenset(), source="entered")
    cal = WorkingCalendar(entered={2026: fixed})
    assert not cal.is_working_day(date(2026, 12, 1))
    assert cal.is_working_day(date(2026, 2, 16))   # the entered year replaces the package's whole year


@pytest.mark.parametrize("text", ["2027-13-01", "tomorrow", "2027-02-10..2027-02-01", "2026-12-31"])
def test_a_mistyped_schedule_day_is_refused_with_the_field(text):
    with pytest.raises(ValidationError) as e:
        parse_days(text, 2027, "holidays")
    assert e.value.field == "holidays"


def test_a_day_both_off_and_worked_is_refused():
    d = frozenset({date(2027, 2, 13)})
    with pytest.raises(ValidationError):
        OfficialYear(2027, d, d)


def test_round_the_clock_counts_every_minute_through_holidays():
    assert ROUND_THE_CLOCK.add(cn(2025, 9, 30, 23), timedelta(hours=2)).astimezone(CHINA) == cn(2025, 10, 1, 1)


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31)).map(
    lambda d: d.replace(tzinfo=CHINA))


@settings(max_examples=200, deadline=None)
@given(moments, st.integers(min_value=1, max_value=60 * 60), st.sampled_from([OFFICE_WEEK, SATURDAY_MORNING, SEVEN_DAYS]))
def test_adding_working_time_and_counting_it_back_agree(start, minutes, hours):
    cal = WorkingCalendar(hours=hours)
    end = cal.add(start, timedelta(minutes=minutes))
    assert cal.between(start, end) == timedelta(minutes=minutes)
    # The moment a deadline falls is always inside opening hours.
    local = end.astimezone(CHINA)
    assert any(o <= local.time() <= c for o, c in cal.windows(local.date())) or local.time() == time(0)


# --- what an admin types ----------------------------------------------------------------------

def test_windows_as_typed_for_one_day():
    assert parse_windows("08:30-12:00, 13:30-17:30", "hours_sat") == ((time(8, 30), time(12)), (time(13, 30), time(17, 30)))
    assert parse_windows("13:30-17:30，08:30-12:00", "hours_sat")[0] == (time(8, 30), time(12))   # any order
    assert parse_windows("00:00-24:00", "hours_sun") == ((time(0), END_OF_DAY),)
    assert parse_windows("  ", "hours_sun") == () == parse_windows("-", "hours_sun")
    assert describe_windows(parse_windows("08:30-12:00,13:30-17:30", "x")) == "08:30-12:00, 13:30-17:30"


@pytest.mark.parametrize("text, key", [("8点半-5点", "err.hours_format"), ("08:30-25:00", "err.hours_format"),
                                       ("17:30-08:30", "err.hours_order"), ("08:00-12:00, 11:00-14:00", "err.hours_overlap")])
def test_a_mistyped_day_is_refused_with_its_field(text, key):
    with pytest.raises(ValidationError) as e:
        parse_windows(text, "hours_tue")
    assert (e.value.key, e.value.field) == (key, "hours_tue")


def test_custom_hours_name_every_wrong_day_at_once():
    days = ["08:30-17:30"] * 5 + ["9-12", "17:00-09:00"]
    with pytest.raises(ValidationErrors) as e:
        opening_hours("custom", days, False)
    assert [x.field for x in e.value.errors] == ["hours_sat", "hours_sun"]
    with pytest.raises(ValidationError) as e:
        opening_hours("custom", [""] * 7, False)
    assert e.value.key == "err.hours_none"
    with pytest.raises(ValidationError) as e:
        opening_hours("whenever", [], False)
    assert e.value.field == "preset"


def test_presets_and_custom_hours_round_trip_through_the_store_form():
    assert opening_hours("seven_days", [], False).week == SEVEN_DAYS.week
    assert not opening_hours("seven_days", [], False).open_on_holidays     # the flag is the form's
    sat = opening_hours("custom", ["08:30-17:30"] * 5 + ["08:30-12:00", ""], True)
    assert preset_of(sat) == "saturday_morning" and sat.open_on_holidays
    odd = opening_hours("custom", ["09:00-12:00, 14:00-18:00"] * 6 + ["00:00-24:00"], False)
    assert preset_of(odd) == "custom"
    assert from_plain(to_plain(odd), odd.open_on_holidays) == odd
    assert odd.weekly_minutes == 6 * 7 * 60 + 24 * 60


def test_an_entered_year_names_every_wrong_field_at_once():
    with pytest.raises(ValidationErrors) as e:
        entered_year("20x7", "2027-02-30", "someday")
    assert [x.field for x in e.value.errors] == ["year", "holidays", "makeup"]
    with pytest.raises(ValidationErrors) as e:
        entered_year(2027, "", "2026-10-10")
    assert [(x.key, x.field) for x in e.value.errors] == [("err.schedule_no_holidays", "holidays"),
                                                           ("err.schedule_year", "makeup")]
    with pytest.raises(ValidationError) as e:
        entered_year(2027, "2027-02-06..2027-02-13", "2027-02-13")
    assert (e.value.key, e.value.field) == ("err.schedule_both", "makeup")


def test_days_pasted_from_the_notice_and_shown_back():
    year = entered_year(2027, "2027-02-06..2027-02-13\n2027-10-01..2027-10-07, 2027-01-01", "2027-02-14 2027-10-09")
    assert len(year.holidays) == 16 and year.source == "entered"
    text = describe_days(year.holidays)
    assert text == "2027-01-01, 2027-02-06..2027-02-13, 2027-10-01..2027-10-07"
    assert parse_days(text, 2027, "holidays") == year.holidays


def test_where_a_year_comes_from_and_which_years_are_due():
    assert OFFICE.source(2025) == "package" and OFFICE.source(2027) is None
    assert OFFICE.years_to_enter(date(2026, 12, 2)) == [2027]
    assert OFFICE.years_to_enter(date(2026, 3, 1)) == [2027]
    assert OFFICE.years_to_enter(date(2025, 3, 1)) == []
    cal = WorkingCalendar(entered={2027: entered_year(2027, "2027-02-06..2027-02-13", "")})
    assert cal.source(2027) == "entered" and cal.years_to_enter(date(2026, 12, 2)) == []
    assert cal.years_to_enter(date(2027, 12, 2)) == [2028]
