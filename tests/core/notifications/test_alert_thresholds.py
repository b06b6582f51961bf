"""The thresholds of the scheduled alerts: limitation warnings six months and one month before,
the hall's queue alerted once per crossing, defects past their deadline, and the quiet nights of
group robots and owners in China time, across midnight UTC."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from core.clock import CHINA
from core.notifications import alerts
from core.notifications.events import Event, Kind
from core.notifications.quiet import OWNER_QUIET, ROBOT_QUIET, deliver_at

TODAY = date(2026, 5, 6)


@pytest.mark.parametrize("expires,stage", [
    (date(2027, 5, 6), None),            # a year off: nothing yet
    (date(2026, 11, 7), None),           # a day more than six months
    (date(2026, 11, 6), "6m"),           # six months to the day
    (date(2026, 6, 7), "6m"),
    (date(2026, 6, 6), "1m"),            # one month to the day
    (date(2026, 5, 6), "1m"),            # the last day
    (date(2026, 5, 5), None),            # already passed: legal advice, not a reminder
    (None, None),
])
def test_limitation_warning_six_months_then_one_month_before(expires, stage):
    assert alerts.limitation_stage(expires, TODAY) == stage


def test_a_month_end_limitation_date_counts_calendar_months():
    # 31 August less six months is 28 February: warned from 28 February on, not from 3 March
    assert alerts.limitation_stage(date(2026, 8, 31), date(2026, 2, 27)) is None
    assert alerts.limitation_stage(date(2026, 8, 28), date(2026, 2, 28)) == "6m"


def test_the_queue_is_over_on_either_limit():
    limit = alerts.QueueLimit(waiting=8, wait_min=30)
    assert not alerts.queue_over(8, 30.0, limit)          # at the limit is still within it
    assert alerts.queue_over(9, 0.0, limit)
    assert alerts.queue_over(1, 30.5, limit)


def test_the_queue_alerts_once_per_crossing():
    day = "20260506"
    history = [3, 9, 10, 12, 7, 5, 9, 11]                 # waiting households, one look each
    state, raised = None, []
    for waiting in history:
        was_over, n = alerts.parse_crossing_state(state, day)
        is_over = alerts.queue_over(waiting, 0.0)
        if alerts.crossing(was_over, is_over):
            n += 1
            raised.append((waiting, n))
        state = alerts.crossing_state(day, is_over, n)
    assert raised == [(9, 1), (9, 2)]                      # over, stays over, falls under, over again
    # a new day starts under, whatever the hall ended the day before with
    assert alerts.parse_crossing_state("20260506:over:2", "20260507") == (False, 0)
    assert alerts.parse_crossing_state("rubbish", day) == (False, 0)


def test_a_defect_is_overdue_the_day_after_its_deadline_while_open():
    assert not alerts.defect_overdue("open", date(2026, 5, 6), TODAY)
    assert alerts.defect_overdue("open", date(2026, 5, 5), TODAY)
    assert not alerts.defect_overdue("fixed", date(2026, 5, 1), TODAY)
    assert not alerts.defect_overdue("open", None, TODAY)


def test_robots_are_held_at_night_until_eight_china_time_across_midnight_utc():
    # 23:30 China on 6 May is 15:30 UTC: held until 08:00 China on 7 May, which is 00:00 UTC
    late = datetime(2026, 5, 6, 15, 30, tzinfo=timezone.utc)
    assert deliver_at(late, ROBOT_QUIET, False) == datetime(2026, 5, 7, 8, 0, tzinfo=CHINA)
    # 07:50 China on 7 May is 23:50 UTC on 6 May: the UTC date is the day before, the release is ten minutes on
    early = datetime(2026, 5, 6, 23, 50, tzinfo=timezone.utc)
    assert deliver_at(early, ROBOT_QUIET, False) == datetime(2026, 5, 7, 0, 0, tzinfo=timezone.utc)
    # 08:00 and 21:59 China: at once
    for at in (datetime(2026, 5, 7, 0, 0, tzinfo=timezone.utc), datetime(2026, 5, 6, 13, 59, tzinfo=timezone.utc)):
        assert deliver_at(at, ROBOT_QUIET, False) == at
    # urgent: at once, even at night
    assert deliver_at(late, ROBOT_QUIET, True) == late


def test_owners_get_no_sms_from_nine_at_night():
    nine_pm = datetime(2026, 5, 6, 21, 0, tzinfo=CHINA)
    assert deliver_at(nine_pm, OWNER_QUIET, False) == datetime(2026, 5, 7, 8, 0, tzinfo=CHINA)
    assert deliver_at(datetime(2026, 5, 6, 20, 59, tzinfo=CHINA), OWNER_QUIET, False).hour == 20


def test_what_wakes_a_robot_at_night():
    assert Event(Kind.RED_LINE, "k").robot_urgent
    assert Event(Kind.DEADLINE_OVERDUE, "k", safety=True).robot_urgent
    assert Event(Kind.DEADLINE_OVERDUE, "k", pressing=alerts.pressing_overdue(5.0)).robot_urgent
    assert not Event(Kind.DEADLINE_OVERDUE, "k", pressing=alerts.pressing_overdue(1.0)).robot_urgent
    assert not Event(Kind.LIMITATION_WARNING, "k").robot_urgent
