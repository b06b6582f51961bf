"""Closing as unreachable (issue 14, item 7): call-back attempts on different China days, counted per
round, closing only by a manager, and a closing reason of its own. No database here."""
from datetime import datetime, timedelta, timezone

import pytest

from core.auth.roles import Role
from core.clock import CHINA
from core.complaints import unreachable as ur
from core.complaints import workflow as wf
from core.complaints.model import Callback, ClosedAs, Stage
from core.complaints.workflow import Actor
from core.errors import DomainError, PermissionDenied

from test_complaints_workflow import DATA, DESK, DESK2, MANAGER, T0, at

UTC = timezone.utc


def waiting(*attempts: datetime, reached_first: bool = False):
    """A ticket at its call-back with the root cause recorded and these unanswered attempts."""
    c = at(Stage.CALLBACK)
    c, _ = wf.apply(c, "record_root_cause", DESK, T0 + timedelta(days=1), **DATA["record_root_cause"])
    callbacks = tuple(Callback(DESK2.username, when, False) for when in attempts)
    return c.with_(callbacks=callbacks, callback_attempts=len(callbacks))


def test_attempts_count_distinct_china_days_not_calls():
    day = datetime(2025, 3, 10, 10, tzinfo=CHINA)
    c = waiting(day, day + timedelta(hours=3), day + timedelta(days=1), day + timedelta(days=1, hours=5))
    assert ur.attempt_days(c) == [day.date(), (day + timedelta(days=1)).date()]
    assert "unreachable.need_days" in ur.unreachable_blockers(c)          # four calls, two days: not yet


def test_a_day_is_the_china_date_across_midnight_utc():
    # 23:30 and 00:30 UTC on the same UTC day are 07:30 and 08:30 in China: one China day...
    same = waiting(datetime(2025, 3, 10, 23, 30, tzinfo=UTC), datetime(2025, 3, 11, 0, 30, tzinfo=UTC))
    assert len(ur.attempt_days(same)) == 1
    # ...while 15:30 and 16:30 UTC (23:30 and 00:30 in China) are the same UTC day but two China days
    two = waiting(datetime(2025, 3, 10, 15, 30, tzinfo=UTC), datetime(2025, 3, 10, 16, 30, tzinfo=UTC))
    assert [d.isoformat() for d in ur.attempt_days(two)] == ["2025-03-10", "2025-03-11"]


def test_three_days_let_a_manager_close_as_unreachable():
    first = datetime(2025, 3, 10, 10, tzinfo=CHINA)
    c = waiting(first, first + timedelta(days=1), first + timedelta(days=3))
    assert ur.unreachable_blockers(c) == []
    assert "close_unreachable" in wf.allowed_actions(c, MANAGER)
    assert "close_unreachable" not in wf.allowed_actions(c, DESK)          # the desk cannot
    now = first + timedelta(days=3, hours=2)
    closed, event = wf.apply(c, "close_unreachable", MANAGER, now, note="三次电话均无人接听")
    assert (closed.stage, closed.closed_as, closed.closed_at) == (Stage.CLOSED, ClosedAs.UNREACHABLE, now)
    assert closed.satisfied_callback is None                               # never counted as satisfied
    assert event.action == "close_unreachable" and event.stage_to == Stage.CLOSED
    assert event.detail["days"] == ["2025-03-10", "2025-03-11", "2025-03-13"]


def test_only_a_manager_closes_as_unreachable():
    first = datetime(2025, 3, 10, 10, tzinfo=CHINA)
    c = waiting(first, first + timedelta(days=1), first + timedelta(days=2))
    with pytest.raises(PermissionDenied):
        wf.require_right(DESK, "close_unreachable")
    with pytest.raises(PermissionDenied):
        ur.close_unreachable(c, DESK, first + timedelta(days=3))


def test_too_few_days_are_refused_with_the_reason():
    first = datetime(2025, 3, 10, 10, tzinfo=CHINA)
    c = waiting(first, first + timedelta(days=1))
    assert "close_unreachable" not in wf.allowed_actions(c, MANAGER)
    with pytest.raises(DomainError) as info:
        wf.apply(c, "close_unreachable", MANAGER, first + timedelta(days=2))
    assert info.value.params["reasons"] == ["unreachable.need_days"]


def test_a_reached_call_back_starts_the_count_again():
    first = datetime(2025, 3, 10, 10, tzinfo=CHINA)
    c = waiting(first, first + timedelta(days=1), first + timedelta(days=2))
    reached = Callback(DESK2.username, first + timedelta(days=3), True, 2)
    again = c.with_(callbacks=c.callbacks + (reached, Callback(DESK2.username, first + timedelta(days=5), False)))
    assert len(ur.attempt_days(again)) == 1


def test_the_rest_of_the_method_still_applies():
    first = datetime(2025, 3, 10, 10, tzinfo=CHINA)
    c = waiting(first, first + timedelta(days=1), first + timedelta(days=2)).with_(root_cause="", prevention="")
    assert ur.unreachable_blockers(c) == ["close.need_root_cause"]
    not_yet = at(Stage.FEEDBACK)
    assert "close.need_callback_stage" in ur.unreachable_blockers(not_yet)


def test_the_number_of_days_is_a_setting():
    first = datetime(2025, 3, 10, 10, tzinfo=CHINA)
    c = waiting(first, first + timedelta(days=1))
    assert ur.unreachable_blockers(c, needed=2) == []
    assert ur.ATTEMPT_DAYS == 3
