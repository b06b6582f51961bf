"""Complaint clocks: working hours of the service centre (08:30-17:30, Monday to Friday, China time,
on China's public holidays and make-up working days), round the clock for safety and emergencies,
deadlines per stage, the green/amber/red light and pauses. A wrong moment here is a ticket shown
late (or on time) on the manager's board."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from core.clock import CHINA
from core.complaints import deadlines
from core.complaints.deadlines import (DEFAULT_CLOCKS, Light, calendar_for, extend_for_pause, light,
                                       overall_deadline, stage_deadline, with_calendar)
from core.complaints.model import Category, Stage
from core.working_time.calendar import ROUND_THE_CLOCK as ALWAYS, WorkingCalendar
from core.working_time.hours import OFFICE_WEEK, SEVEN_DAYS, OpeningHours
from core.working_time.official import OfficialYear, parse_days

OFFICE = DEFAULT_CLOCKS.office_calendar   # the office week on China's official schedule

H = timedelta(hours=1)
MIN = timedelta(minutes=1)


def cn(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A moment in March 2025, China time. 3 March 2025 is a Monday, 7 a Friday, 8/9 the weekend."""
    return datetime(2025, month, day, hour, minute, tzinfo=CHINA)


def test_the_calendar_used_here():
    assert [cn(d, 12).weekday() for d in (3, 7, 8, 9, 10)] == [0, 4, 5, 6, 0]
    assert OFFICE.hours == OFFICE_WEEK
    assert [OFFICE.windows(cn(d, 12).date()) for d in (3, 8)] == [((time(8, 30), time(17, 30)),), ()]


# --- Calendar.add ---------------------------------------------------------------------------

@pytest.mark.parametrize("start, hours, expected", [
    (cn(3, 9), 2, cn(3, 11)),                  # inside one working day
    (cn(3, 16, 30), 2, cn(4, 9, 30)),          # one hour today, one hour tomorrow morning
    (cn(3, 20), 1, cn(4, 9, 30)),              # registered in the evening: counts from next opening
    (cn(4, 7), 1, cn(4, 9, 30)),               # before opening: counts from 08:30
    (cn(7, 17), 2, cn(10, 10)),                # Friday 17:00: half an hour on Friday, 1.5 h on Monday
    (cn(7, 17, 30), 2, cn(10, 10, 30)),        # Friday at closing time: all of it on Monday
    (cn(3, 8, 30), 9, cn(3, 17, 30)),          # a full day from opening ends at closing, not next morning
    (cn(3, 17, 30), 1, cn(4, 9, 30)),          # exactly at closing: nothing left today
    (cn(8, 10), 1, cn(10, 9, 30)),             # starting on a Saturday
    (cn(9, 23, 59), 0.5, cn(10, 9)),           # Sunday night
    (cn(3, 9), 45, cn(10, 9)),                 # five working days (the overall limit) = next Monday
])
def test_add_counts_only_working_time(start, hours, expected):
    assert OFFICE.add(start, timedelta(hours=hours)) == expected


def test_add_a_minute_past_a_full_day_goes_to_the_next_morning():
    assert OFFICE.add(cn(3, 8, 30), 9 * H + MIN) == cn(4, 8, 31)


def test_add_returns_an_aware_utc_moment():
    end = OFFICE.add(cn(7, 17), 2 * H)
    assert end.utcoffset() == timedelta(0)
    assert end == datetime(2025, 3, 10, 2, 0, tzinfo=timezone.utc)   # Monday 10:00 in Shanghai


def test_add_reads_a_utc_start_in_china_time():
    """Friday 09:00 UTC is Friday 17:00 in Shanghai: the same answer as above."""
    assert OFFICE.add(datetime(2025, 3, 7, 9, 0, tzinfo=timezone.utc), 2 * H) == cn(10, 10)


def test_add_nothing_is_the_start_itself():
    assert OFFICE.add(cn(8, 3), timedelta(0)) == cn(8, 3)


def test_custom_calendar_with_saturday_morning_hours():
    saturday_desk = WorkingCalendar(hours=OpeningHours(week=OFFICE_WEEK.week[:5] + (OFFICE_WEEK.week[0], ())))
    assert saturday_desk.add(cn(7, 17), 2 * H) == cn(8, 10)


def test_round_the_clock_calendar_counts_nights_and_weekends():
    assert ALWAYS.add(cn(7, 17), 2 * H) == cn(7, 19)
    assert ALWAYS.add(cn(8, 23), 2 * H) == cn(9, 1)
    assert ALWAYS.between(cn(7, 17), cn(10, 10)) == 65 * H


# --- Calendar.between -----------------------------------------------------------------------

@pytest.mark.parametrize("a, b, expected", [
    (cn(3, 9), cn(3, 11), 2 * H),
    (cn(7, 17), cn(10, 10), 2 * H),            # over the weekend
    (cn(7, 18), cn(10, 8), timedelta(0)),      # Friday evening to Monday before opening
    (cn(8, 9), cn(9, 18), timedelta(0)),       # the whole weekend
    (cn(3, 0), cn(10, 0), 45 * H),             # a whole week
    (cn(3, 8, 30), cn(3, 17, 30), 9 * H),      # opening to closing
    (cn(3, 17, 30), cn(4, 8, 30), timedelta(0)),
    (cn(3, 11), cn(3, 9), timedelta(0)),       # backwards: nothing
])
def test_between_counts_only_working_time(a, b, expected):
    assert OFFICE.between(a, b) == expected


@pytest.mark.parametrize("start", [cn(3, 9), cn(7, 17), cn(8, 10), cn(4, 17, 30), cn(5, 6)])
@pytest.mark.parametrize("hours", [0.5, 2, 9, 27])
def test_between_undoes_add(start, hours):
    end = OFFICE.add(start, timedelta(hours=hours))
    assert OFFICE.between(start, end) == timedelta(hours=hours)


# --- per category ---------------------------------------------------------------------------

@pytest.mark.parametrize("category", list(Category))
def test_only_security_and_emergencies_run_round_the_clock(category):
    expected = ALWAYS if category in (Category.SECURITY, Category.EMERGENCY) else OFFICE
    assert calendar_for(category) is expected


def test_office_stage_deadline_waits_for_monday():
    # Repairs registered on Friday at 17:00: 2 working hours to judge it
    assert stage_deadline(Category.REPAIRS, Stage.JUDGE, cn(7, 17)) == cn(10, 10)
    assert stage_deadline(Category.REPAIRS, Stage.IMPLEMENT, cn(3, 9)) == cn(6, 9)   # 27 working hours


def test_urgent_categories_get_short_limits_counted_round_the_clock():
    # a break-in reported on Saturday at 03:00 must be judged by 03:30, not on Monday
    assert stage_deadline(Category.SECURITY, Stage.JUDGE, cn(8, 3)) == cn(8, 3, 30)
    assert stage_deadline(Category.EMERGENCY, Stage.INVESTIGATE, cn(7, 23)) == cn(8, 1)
    assert stage_deadline(Category.EMERGENCY, Stage.IMPLEMENT, cn(7, 20)) == cn(8, 8)
    assert stage_deadline(Category.SECURITY, Stage.CALLBACK, cn(8, 3)) == cn(9, 3)


@pytest.mark.parametrize("stage", [s for s in Stage if deadlines.stage_limit(Category.REPAIRS, s) is not None])
def test_urgent_limit_is_never_longer_than_the_office_one(stage):
    assert deadlines.stage_limit(Category.SECURITY, stage) <= deadlines.stage_limit(Category.REPAIRS, stage)


def test_agreed_time_is_the_implementation_deadline_in_every_category():
    agreed = cn(12, 15)
    assert stage_deadline(Category.REPAIRS, Stage.IMPLEMENT, cn(3, 9), agreed_at=agreed) == agreed
    assert stage_deadline(Category.SECURITY, Stage.IMPLEMENT, cn(3, 9), agreed_at=agreed) == agreed
    # ...but only of that stage
    assert stage_deadline(Category.REPAIRS, Stage.FEEDBACK, cn(3, 9), agreed_at=agreed) == cn(4, 9)


def test_received_and_closed_have_no_stage_clock():
    assert stage_deadline(Category.REPAIRS, Stage.RECEIVED, cn(3, 9)) is None
    assert stage_deadline(Category.REPAIRS, Stage.CLOSED, cn(3, 9)) is None


def test_overall_deadline_five_working_days_or_48_hours():
    assert overall_deadline(Category.REPAIRS, cn(7, 17)) == cn(14, 17)
    assert overall_deadline(Category.EMERGENCY, cn(7, 17)) == cn(9, 17)


# --- the light ------------------------------------------------------------------------------

def test_light_green_amber_red():
    started, deadline = cn(3, 9), cn(3, 13)                     # a 4-hour budget
    assert light(started, deadline, cn(3, 9)) == Light.GREEN
    assert light(started, deadline, cn(3, 10, 59)) == Light.GREEN
    assert light(started, deadline, cn(3, 11)) == Light.AMBER   # 2 hours left (only half used)
    assert light(started, deadline, cn(3, 13)) == Light.AMBER   # at the deadline: not late yet
    assert light(started, deadline, cn(3, 13, 1)) == Light.RED
    assert light(started, deadline, cn(4, 13)) == Light.RED


def test_light_amber_when_three_quarters_of_the_budget_is_used():
    started, deadline = cn(3, 9), cn(5, 9)                      # 48 hours
    assert light(started, deadline, cn(4, 20, 59)) == Light.GREEN
    assert light(started, deadline, cn(4, 21)) == Light.AMBER   # 36 h used, 12 h still left


def test_light_without_a_start_uses_only_the_two_hour_rule():
    assert light(None, cn(5, 9), cn(4, 21)) == Light.GREEN
    assert light(None, cn(5, 9), cn(5, 7)) == Light.AMBER


def test_light_paused_even_when_past_the_deadline():
    assert light(cn(3, 9), cn(3, 13), cn(4, 9), paused_since=cn(3, 12)) == Light.PAUSED


def test_light_green_without_a_deadline():
    assert light(cn(3, 9), None, cn(30, 9)) == Light.GREEN


def test_light_compares_moments_not_wall_clocks_in_a_zone():
    deadline_utc = datetime(2025, 3, 3, 5, 0, tzinfo=timezone.utc)   # 13:00 in Shanghai
    assert light(cn(3, 9), deadline_utc, cn(3, 12, 30)) == Light.AMBER
    assert light(cn(3, 9), deadline_utc, cn(3, 13, 1)) == Light.RED


# --- pauses ---------------------------------------------------------------------------------

def test_pause_over_a_weekend_adds_only_working_time():
    """Paused Friday 16:30 to Monday 09:30: one hour on Friday and one on Monday."""
    deadline = cn(10, 10)
    assert extend_for_pause(Category.REPAIRS, deadline, cn(7, 16, 30), cn(10, 9, 30)) == cn(10, 12)


def test_pause_inside_the_weekend_adds_nothing_for_office_categories():
    assert extend_for_pause(Category.CLEANING, cn(10, 10), cn(8, 10), cn(9, 18)) == cn(10, 10)


def test_pause_of_an_urgent_ticket_adds_every_hour():
    assert extend_for_pause(Category.SECURITY, cn(10, 10), cn(7, 16, 30), cn(10, 9, 30)) == cn(13, 3)


def test_pause_extension_lands_in_working_time():
    # deadline Monday 17:00, paused one working hour: Tuesday 09:00, not Monday 18:00
    assert extend_for_pause(Category.REPAIRS, cn(3, 17), cn(3, 10), cn(3, 11)) == cn(4, 9)


def test_pause_without_a_deadline_stays_without():
    assert extend_for_pause(Category.REPAIRS, None, cn(3, 10), cn(3, 11)) is None


# --- China's working calendar on a ticket -----------------------------------------------------
# (tests/core/test_working_time.py checks the calendar itself; these check the clocks that use it)

def at(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHINA)


def ticket(received: datetime, category: str = "repairs", config=DEFAULT_CLOCKS):
    from core.auth.actor import Actor
    from core.auth.roles import Role
    from core.complaints import workflow as wf
    c, _ = wf.register("TS-1", received, Actor("chen", Role.FRONTDESK), "phone", "王伟", "13812345678", 7, "",
                       "卫生间天花板渗水", category, config=config)
    return c


def test_a_ticket_before_national_day_2025_is_due_after_the_holiday():
    """30 Sep 17:00: half an hour that evening, 1-8 October off, then 9 October."""
    c = ticket(at(2025, 9, 30, 17))
    assert c.stage_deadline == at(2025, 10, 9, 10)        # judge: 2 working hours
    # five working days: 30 Sep (0.5 h), 9 Oct (Thu), 10 Oct, 11 Oct (a make-up Saturday), 13, 14 Oct
    assert c.due_at == at(2025, 10, 14, 17)
    assert c.calendar_version == OFFICE.version


def test_the_make_up_sunday_before_national_day_counts_as_working_time():
    c = ticket(at(2025, 9, 28, 14))                       # Sunday 28 Sep 2025: a working day (调休)
    assert c.stage_deadline == at(2025, 9, 28, 16)
    assert c.due_at == at(2025, 10, 11, 14)               # 28, 29, 30 Sep, 9, 10 and 11 Oct (a make-up Saturday)
    # The same Sunday on the old Monday-to-Friday week would have waited for Monday.
    old = with_calendar(WorkingCalendar(entered={2025: OfficialYear(2025, frozenset(), frozenset())}))
    assert ticket(at(2025, 9, 28, 14), config=old).stage_deadline == at(2025, 9, 29, 10, 30)


def test_spring_festival_2026_stops_the_clock_and_its_make_up_saturday_runs_it():
    c = ticket(at(2026, 2, 13, 17))                       # Friday before the holiday
    assert c.stage_deadline == at(2026, 2, 14, 10)        # Saturday 14 Feb is a make-up working day
    c = ticket(at(2026, 2, 14, 17))
    assert c.stage_deadline == at(2026, 2, 24, 10)        # 15-23 Feb off
    # a pause over the holiday adds only the working time it lasted: Saturday 17:00-17:30
    assert extend_for_pause(Category.REPAIRS, at(2026, 2, 24, 10), at(2026, 2, 14, 17), at(2026, 2, 24, 8)) == \
        at(2026, 2, 24, 10, 30)


def test_a_seven_day_centre_times_weekends_and_holidays():
    seven = with_calendar(WorkingCalendar(hours=SEVEN_DAYS))
    c = ticket(at(2025, 9, 30, 17), config=seven)
    assert c.stage_deadline == at(2025, 10, 1, 10)        # open on National Day
    assert c.due_at == at(2025, 10, 5, 17)
    assert c.calendar_version == seven.office_calendar.version != OFFICE.version


def test_urgent_tickets_ignore_the_office_calendar():
    c = ticket(at(2025, 9, 30, 23), category="security")
    assert c.stage_deadline == at(2025, 9, 30, 23, 30)
    assert c.calendar_version == ALWAYS.version == "always"


def test_a_correction_for_a_year_the_package_does_not_know():
    """2027 is not in chinese-calendar 1.11: until entered it is timed on the weekly hours (and the
    calendar says so); once entered, a new ticket is timed on it and records the new version."""
    before = ticket(at(2027, 2, 5, 17))
    assert OFFICE.unknown_years(date(2027, 1, 1), date(2027, 12, 31)) == [2027]
    assert before.stage_deadline == at(2027, 2, 8, 10)    # Monday: the holiday is not known yet
    entered = OfficialYear(2027, parse_days("2027-02-06..2027-02-13", 2027, "holidays"),
                           parse_days("2027-02-14, 2027-02-20", 2027, "makeup"), source="entered")
    corrected = with_calendar(WorkingCalendar(entered={2027: entered}))
    after = ticket(at(2027, 2, 5, 17), config=corrected)
    assert after.stage_deadline == at(2027, 2, 14, 10)    # the make-up Sunday after the holiday
    assert after.calendar_version != before.calendar_version
    # the earlier ticket keeps the deadline it was given: nothing recomputes stored moments
    assert before.stage_deadline == at(2027, 2, 8, 10)


def test_a_new_stage_is_timed_on_the_calendar_in_force_when_it_starts():
    from core.auth.actor import Actor
    from core.auth.roles import Role
    from core.complaints import workflow as wf
    c = ticket(at(2027, 2, 5, 9))
    entered = OfficialYear(2027, parse_days("2027-02-06..2027-02-13", 2027, "holidays"), frozenset(), "entered")
    corrected = with_calendar(WorkingCalendar(entered={2027: entered}))
    judged, _ = wf.judge_valid(c, Actor("chen", Role.FRONTDESK), at(2027, 2, 5, 10), config=corrected)
    assert c.stage_deadline == at(2027, 2, 5, 11)         # the old stage's deadline as it was set
    assert judged.stage_deadline == at(2027, 2, 15, 10)   # 9 working hours: 7.5 on Friday, 1.5 after the holiday
    assert judged.calendar_version == corrected.office_calendar.version
    assert judged.due_at == c.due_at                      # the overall deadline stays as set at receipt
