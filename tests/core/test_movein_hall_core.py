"""The handover hall's rules without a database: a desk taking the next household (station mode),
late arrivals after a no-show, today's list chips and search, undo within the window or by a
manager with a reason, the board when desks say who is in service, and defects followed up."""
from datetime import UTC, date, datetime, timedelta

import pytest

from core.errors import DomainError, PermissionDenied, ValidationError, ValidationErrors
from core.movein import flow
from core.movein.defects import FIX_DAYS, fix_by, validate_closing, validate_defect
from core.movein.flow import Chip, Progress

CODES = ["notice", "inspection", "keys"]
T0 = datetime(2026, 5, 9, 1, 0, tzinfo=UTC)
TODAY = date(2026, 5, 9)


def refused(func, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        func(*args, **kwargs)
    return info.value


# --- station mode -------------------------------------------------------------------------

def test_a_desk_takes_a_waiting_household_and_finishing_frees_it():
    p = flow.check_in(Progress("h", 0))
    taken = flow.take(p, CODES, "notice")
    assert taken.serving and flow.chip(taken, CODES) is Chip.AT_STATION
    done = flow.advance(taken, CODES, "notice")
    assert (done.done, done.serving) == (1, False)
    assert flow.chip(done, CODES) is Chip.AT_STATION and flow.next_station(done, CODES) == "inspection"


def test_a_desk_cannot_take_what_is_not_waiting_for_it():
    assert refused(flow.take, Progress("h", 0), CODES, "notice").key == "err.household_not_arrived"
    here = flow.check_in(Progress("h", 0))
    assert refused(flow.take, here, CODES, "inspection").key == "err.household_not_waiting"
    assert refused(flow.take, flow.take(here, CODES, "notice"), CODES, "notice").key == "err.household_taken"
    assert refused(flow.take, Progress("h", 0, no_show=True), CODES, "notice").key == "err.household_no_show"


# --- no-shows and late arrivals -------------------------------------------------------------

def test_a_no_show_checks_in_only_as_a_confirmed_late_arrival():
    absent = flow.mark_no_show(Progress("h", 0))
    assert flow.chip(absent, CODES) is Chip.NO_SHOW
    assert refused(flow.check_in, absent).key == "err.household_no_show"
    late = flow.check_in(absent, late=True)
    assert (late.no_show, late.arrived) == (False, True) and flow.chip(late, CODES) is Chip.CHECKED_IN


# --- today's list -----------------------------------------------------------------------------

def test_every_chip_of_the_list():
    assert flow.chip(Progress("h", 0), CODES) is Chip.EXPECTED
    assert flow.chip(Progress("h", 0, arrived=True), CODES) is Chip.CHECKED_IN
    assert flow.chip(Progress("h", 2, arrived=True), CODES) is Chip.AT_STATION
    assert flow.chip(Progress("h", 3, arrived=True), CODES) is Chip.DONE
    assert flow.chip(Progress("h", 0, no_show=True), CODES) is Chip.NO_SHOW
    assert flow.chip(Progress("h", 3, arrived=True), CODES, moved_away=True) is Chip.MOVED


@pytest.mark.parametrize("query, found", [
    ("", True), ("3-1906", True), ("1906", True), ("3-19", True), ("王", True), ("王小明", True),
    ("5678", True), ("45678", True), ("138", False), ("1234", False), ("李", False), ("  ", True)])
def test_the_search_finds_by_room_owner_or_the_phones_last_digits(query, found):
    assert flow.matches(query, "3-1906", "王小明", "13812345678") is found


def test_the_search_of_a_household_without_owner_or_phone():
    assert flow.matches("1906", "3-1906", None, None)
    assert not flow.matches("5678", "3-1906", None, None)


# --- undo -------------------------------------------------------------------------------------

def test_one_takes_back_ones_own_tap_within_the_window():
    assert flow.may_undo("sup", T0, "sup", T0 + flow.UNDO_WINDOW, False, " ") == ""
    assert flow.may_undo("sup", T0, "sup", T0 + timedelta(minutes=1), False, " 点错了 ") == "点错了"


@pytest.mark.parametrize("by, later", [("sup", flow.UNDO_WINDOW + timedelta(seconds=1)), ("other", timedelta(0))])
def test_later_or_someone_elses_tap_needs_a_manager_and_a_reason(by, later):
    with pytest.raises(PermissionDenied) as info:
        flow.may_undo(by, T0, "sup", T0 + later, False, "点错了")
    assert info.value.key == "err.undo_too_late" and info.value.params["minutes"] == 5
    with pytest.raises(ValidationError) as info:
        flow.may_undo(by, T0, "manager", T0 + later, True, "  ")
    assert (info.value.key, info.value.field) == ("err.undo_reason", "reason")
    assert flow.may_undo(by, T0, "manager", T0 + later, True, "业主实际未到") == "业主实际未到"


def test_an_overlong_reason_is_refused():
    assert refused(flow.may_undo, "sup", T0, "sup", T0, False, "因" * 201).key == "err.too_long"


# --- the board when desks say who is in service -------------------------------------------------

def test_a_station_in_station_mode_counts_what_its_desks_hold():
    staff = {"notice": 1, "inspection": 8, "keys": 1}
    loads = flow.station_loads((3, 4, 0), CODES, staff, serving={"inspection": 1}, by_desk={"inspection"})
    by_code = {x.code: x for x in loads}
    # From the list: up to the staff is in service. In station mode: what the desks have taken.
    assert (by_code["notice"].served, by_code["notice"].waiting) == (1, 2)
    assert (by_code["inspection"].served, by_code["inspection"].waiting) == (1, 3)
    assert (by_code["keys"].served, by_code["keys"].waiting) == (0, 0)


def test_the_longest_wait_in_station_mode_is_of_those_not_taken():
    now = T0 + timedelta(minutes=30)
    reached = [(1, T0, True), (1, T0 + timedelta(minutes=10), False), (1, T0 + timedelta(minutes=20), False)]
    staff = {"notice": 1, "inspection": 8, "keys": 1}
    assert flow.longest_waits(reached, CODES, staff, now, by_desk={"inspection"})["inspection"] == 20
    # Without desks, eight escorts serve all three: nobody waits.
    assert flow.longest_waits(reached, CODES, staff, now)["inspection"] == 0


# --- defects followed up --------------------------------------------------------------------------

def defect(**change):
    fields = dict(location="bathroom", kind="waterproofing", severity="major", responsible="developer",
                  note="地漏积水", photo=None, today=TODAY)
    fields.update(change)
    return validate_defect(**fields)


def test_nothing_is_chosen_for_the_supervisor_and_every_gap_is_named():
    with pytest.raises(ValidationErrors) as info:
        validate_defect(None, None, None, None, "", None, today=TODAY)
    assert [e.field for e in info.value.errors] == ["location", "kind", "severity", "responsible"]


@pytest.mark.parametrize("severity", ["minor", "major", "critical"])
def test_without_a_deadline_the_severity_sets_it(severity):
    assert defect(severity=severity).due == TODAY + timedelta(days=FIX_DAYS[severity])
    assert fix_by(severity, TODAY) == TODAY + timedelta(days=FIX_DAYS[severity])
    assert FIX_DAYS["critical"] < FIX_DAYS["major"] < FIX_DAYS["minor"]


def test_a_given_deadline_is_kept_within_half_a_year():
    assert defect(due=TODAY + timedelta(days=20)).due == TODAY + timedelta(days=20)
    for bad in (TODAY - timedelta(days=1), TODAY + timedelta(days=181)):
        with pytest.raises(ValidationError) as info:
            defect(due=bad)
        assert (info.value.key, info.value.field) == ("err.defect_due", "due")


def test_closing_needs_the_owners_confirmation():
    with pytest.raises(ValidationError) as info:
        validate_closing(False, "电话确认")
    assert (info.value.key, info.value.field) == ("err.defect_owner_confirm", "owner_confirmed")
    assert validate_closing(True, " 现场签字确认 ") == "现场签字确认"
    assert refused(validate_closing, True, "签" * 201).key == "err.too_long"
