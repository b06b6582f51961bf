"""The working calendar use cases, on SQLite and PostgreSQL: the company's hours and a project's own,
the official years an admin enters or corrects (winning over the package), every wrong field at
once, the version check against a concurrent edit, the audit trail, a submission sent twice, and the
complaint clocks that count on it (a correction does not move deadlines already set)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.clock import CHINA
from core.errors import ConflictError, PermissionDenied, ValidationError, ValidationErrors
from core.working_time.hours import OFFICE_WEEK, SATURDAY_MORNING, SEVEN_DAYS
from db.calendar_models import OfficialYearRow, WorkingHoursRow
from db.models import AuditLog, ComplaintRow, Unit
from services import calendar as svc
from services import complaints, org
from store_helpers import add_project, count, row

ADMIN = Actor("admin", Role.ADMIN)
ADMIN2 = Actor("admin2", Role.ADMIN)
MANAGER = Actor("zhou", Role.MANAGER)
DESK = Actor("chen", Role.FRONTDESK)
TODAY = date(2026, 12, 2)          # 2027 is not in the package yet
SPRING_2027 = "2027-02-06..2027-02-13"   # an admin's entry for the test (not the real schedule)
OFFICE_DAY = "08:30-17:30"


def cn(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHINA)


@pytest.fixture
def site(engine):
    sz = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    gz = add_project(engine, "P002", "广州·星河苑", "广州", buildings=("3",))
    org.import_units(engine, ADMIN, sz, [row("3-1906", "王伟", "13812345678")])
    org.import_units(engine, ADMIN, gz, [row("3-1906", "赵敏", "13600002222")])
    with engine.connect() as conn:
        units = dict(conn.execute(select(Unit.project_id, Unit.id)).all())   # one unit per project
    return engine, sz, gz, units


def audit(engine, entity: str) -> list:
    with engine.connect() as conn:
        return conn.execute(select(AuditLog.actor, AuditLog.action, AuditLog.entity_id)
                            .where(AuditLog.entity == entity).order_by(AuditLog.id)).all()


# --- hours -----------------------------------------------------------------------------------

def test_a_new_store_times_on_the_office_week_and_asks_for_next_year(site):
    engine, sz, _, _ = site
    view = svc.overview(engine, MANAGER, today=TODAY)
    assert (view.hours.hours, view.hours.preset, view.hours.own, view.hours.version) == (OFFICE_WEEK, "office_week",
                                                                                         False, 0)
    assert [(y.year, y.source, y.in_package) for y in view.years] == [(2025, "package", True), (2026, "package", True),
                                                                      (2027, None, False)]
    assert view.to_enter == [2027]
    assert svc.overview(engine, MANAGER, sz, TODAY).hours.project_id == sz
    national_day = next(y for y in view.years if y.year == 2025)
    assert date(2025, 10, 1) in national_day.holidays and date(2025, 9, 28) in national_day.makeup_workdays


def test_company_hours_and_a_project_of_its_own(site):
    engine, sz, gz, _ = site
    v1 = svc.save_hours(engine, ADMIN, None, "saturday_morning", expected_version=0)
    assert v1 == 1
    own = svc.save_hours(engine, ADMIN, sz, "seven_days", open_on_holidays=True, expected_version=0)
    company, shenzhen, guangzhou = (svc.overview(engine, MANAGER, p, TODAY).hours for p in (None, sz, gz))
    assert (company.hours, company.own) == (SATURDAY_MORNING, True)
    assert (shenzhen.hours, shenzhen.own, shenzhen.version) == (SEVEN_DAYS, True, own)
    assert (guangzhou.hours, guangzhou.own, guangzhou.version) == (SATURDAY_MORNING, False, 0)   # the company's
    assert svc.working_calendar(engine, MANAGER, sz).is_working_day(date(2025, 10, 1))
    assert not svc.working_calendar(engine, MANAGER, gz).is_working_day(date(2025, 10, 1))
    assert svc.use_company_hours(engine, ADMIN, sz, own) is True
    assert svc.overview(engine, MANAGER, sz, TODAY).hours.hours == SATURDAY_MORNING
    assert audit(engine, "working_hours") == [("admin", "save_hours", "0"), ("admin", "save_hours", str(sz)),
                                              ("admin", "use_company_hours", str(sz))]


def test_custom_hours_name_every_wrong_day_and_write_nothing(site):
    engine, _, _, _ = site
    days = [OFFICE_DAY] * 4 + ["8:30-", "25:00-26:00", "17:00-09:00"]
    with pytest.raises(ValidationErrors) as e:
        svc.save_hours(engine, ADMIN, None, "custom", days)
    assert [x.field for x in e.value.errors] == ["hours_fri", "hours_sat", "hours_sun"]
    assert count(engine, WorkingHoursRow) == 0 and audit(engine, "working_hours") == []
    saved = svc.save_hours(engine, ADMIN, None, "custom", [OFFICE_DAY] * 5 + ["09:00-12:00, 13:00-16:00", ""])
    hours = svc.overview(engine, ADMIN, today=TODAY).hours
    assert (saved, hours.preset, hours.hours.weekly_minutes) == (1, "custom", 5 * 540 + 360)


def test_an_unknown_project_is_refused(site):
    engine, _, _, _ = site
    with pytest.raises(ValidationError) as e:
        svc.save_hours(engine, ADMIN, 987654, "office_week")
    assert e.value.field == "project"


def test_two_admins_editing_the_same_hours(site):
    """Both loaded version 0; the second save is refused and the first one's hours stand."""
    engine, sz, _, _ = site
    svc.save_hours(engine, ADMIN, sz, "seven_days", expected_version=0)
    with pytest.raises(ConflictError):
        svc.save_hours(engine, ADMIN2, sz, "office_week", expected_version=0)
    assert svc.overview(engine, ADMIN, sz, TODAY).hours.preset == "seven_days"
    with pytest.raises(ConflictError):
        svc.use_company_hours(engine, ADMIN2, sz, expected_version=7)
    assert svc.save_hours(engine, ADMIN2, sz, "office_week", expected_version=1) == 2


def test_the_same_submission_twice_saves_once(site):
    engine, _, _, _ = site
    first = svc.save_hours(engine, ADMIN, None, "seven_days", expected_version=0, request_key="k-hours")
    again = svc.save_hours(engine, ADMIN, None, "seven_days", expected_version=0, request_key="k-hours")
    assert first == again == 1 and len(audit(engine, "working_hours")) == 1


# --- official years --------------------------------------------------------------------------

def test_a_year_the_package_does_not_know_is_entered(site):
    engine, _, _, _ = site
    version = svc.save_year(engine, ADMIN, 2027, SPRING_2027 + "\n2027-10-01..2027-10-07", "2027-02-14, 2027-10-09",
                            note="国办发明电〔2026〕X号")
    view = svc.overview(engine, MANAGER, today=TODAY)
    y2027 = next(y for y in view.years if y.year == 2027)
    assert (version, y2027.source, len(y2027.holidays), y2027.makeup_workdays, y2027.entered_by, y2027.version) == (
        1, "entered", 15, (date(2027, 2, 14), date(2027, 10, 9)), "admin", 1)
    assert view.to_enter == []
    cal = svc.working_calendar(engine, MANAGER)
    assert not cal.is_working_day(date(2027, 2, 8)) and cal.is_working_day(date(2027, 2, 14))
    assert audit(engine, "official_year") == [("admin", "save_official_year", "2027")]


def test_an_entered_year_wins_over_the_package_and_can_be_taken_back(site):
    engine, _, _, _ = site
    svc.save_year(engine, ADMIN, 2026, "2026-02-16..2026-02-22, 2026-10-01..2026-10-07", "")
    year = next(y for y in svc.overview(engine, MANAGER, today=TODAY).years if y.year == 2026)
    assert (year.source, year.in_package, len(year.holidays)) == ("entered", True, 14)
    assert svc.working_calendar(engine, MANAGER).is_working_day(date(2026, 2, 23))   # off in the package
    assert svc.drop_year(engine, ADMIN, 2026, expected_version=year.version) is True
    year = next(y for y in svc.overview(engine, MANAGER, today=TODAY).years if y.year == 2026)
    assert (year.source, year.version) == ("package", 0)
    assert not svc.working_calendar(engine, MANAGER).is_working_day(date(2026, 2, 23))


def test_a_mistyped_year_names_every_wrong_field_and_writes_nothing(site):
    engine, _, _, _ = site
    with pytest.raises(ValidationErrors) as e:
        svc.save_year(engine, ADMIN, "20x7", "2027-02-30", "next monday", note="x" * 201)
    assert [x.field for x in e.value.errors] == ["year", "holidays", "makeup", "schedule_note"]
    with pytest.raises(ValidationErrors) as e:
        svc.save_year(engine, ADMIN, 2027, "2026-12-31", "")
    assert [(x.key, x.field) for x in e.value.errors] == [("err.schedule_year", "holidays")]
    assert count(engine, OfficialYearRow) == 0


def test_two_admins_entering_the_same_year(site):
    engine, _, _, _ = site
    svc.save_year(engine, ADMIN, 2027, SPRING_2027, "", expected_version=0)
    with pytest.raises(ConflictError):
        svc.save_year(engine, ADMIN2, 2027, "2027-02-07..2027-02-14", "", expected_version=0)
    with pytest.raises(ConflictError):
        svc.drop_year(engine, ADMIN2, 2027, expected_version=0)
    year = next(y for y in svc.overview(engine, MANAGER, today=TODAY).years if y.year == 2027)
    assert year.holidays[0] == date(2027, 2, 6)
    assert svc.save_year(engine, ADMIN2, 2027, "2027-02-07..2027-02-14", "", expected_version=1) == 2


def test_reads_need_the_calendar_capability_and_the_project(site):
    engine, sz, gz, _ = site
    for actor in (DESK, Actor("su", Role.TRAINER), Actor("lin", Role.SUPERVISOR)):
        with pytest.raises(PermissionDenied):
            svc.overview(engine, actor, today=TODAY)
    with pytest.raises(PermissionDenied):
        svc.overview(engine, Actor("m-gz", Role.MANAGER, (gz,)), sz, TODAY)


# --- the clocks that count on it -------------------------------------------------------------

def register(engine, unit_id, when, **kw):
    return complaints.register(engine, DESK, now=when, unit_id=unit_id, channel="phone", complainant="王伟",
                               phone="13812345678", content="卫生间天花板渗水", category="repairs", **kw)


def test_each_project_times_its_tickets_on_its_own_calendar(site):
    engine, sz, gz, units = site
    svc.save_hours(engine, ADMIN, sz, "seven_days", open_on_holidays=True)
    friday = cn(2025, 9, 30, 17)                     # the evening before National Day
    seven = complaints.load(engine, MANAGER, register(engine, units[sz], friday))
    office = complaints.load(engine, MANAGER, register(engine, units[gz], friday))
    assert seven.stage_deadline == cn(2025, 10, 1, 10)       # the seven-day centre works on 1 October
    assert office.stage_deadline == cn(2025, 10, 9, 10)      # the office waits for the holiday to end
    assert seven.calendar_version == svc.working_calendar(engine, ADMIN, sz).version
    assert office.calendar_version == svc.working_calendar(engine, ADMIN, gz).version != seven.calendar_version


def test_a_correction_leaves_set_deadlines_alone_and_times_new_stages(site):
    engine, sz, _, units = site
    number = register(engine, units[sz], cn(2027, 2, 5, 9))  # 2027: known to nobody yet
    before = complaints.load(engine, MANAGER, number)
    assert before.stage_deadline == cn(2027, 2, 5, 11) and before.due_at == cn(2027, 2, 12, 9)
    assert not complaints.ticket(engine, MANAGER, number).calendar_changed
    svc.save_year(engine, ADMIN, 2027, SPRING_2027, "")
    kept = complaints.ticket(engine, MANAGER, number)
    assert (kept.complaint.stage_deadline, kept.complaint.due_at) == (before.stage_deadline, before.due_at)
    assert kept.calendar_changed                              # the page says so
    judged = complaints.act(engine, DESK, number, before.version, "judge_valid", now=cn(2027, 2, 5, 10))
    assert judged.stage_deadline == cn(2027, 2, 15, 10)       # 9 working hours around the entered holiday
    assert judged.due_at == before.due_at                     # the overall deadline stays as set
    assert judged.calendar_version == svc.working_calendar(engine, ADMIN, sz).version != before.calendar_version
    assert not complaints.ticket(engine, MANAGER, number).calendar_changed
    with engine.connect() as conn:
        stored = conn.scalar(select(ComplaintRow.calendar_version).where(ComplaintRow.number == number))
    assert stored == judged.calendar_version


def test_a_new_ticket_after_the_correction_is_timed_on_it(site):
    engine, sz, _, units = site
    svc.save_year(engine, ADMIN, 2027, SPRING_2027, "2027-02-14")
    c = complaints.load(engine, MANAGER, register(engine, units[sz], cn(2027, 2, 5, 17)))
    assert c.stage_deadline == cn(2027, 2, 14, 10)            # the entered make-up Sunday
    assert c.due_at == cn(2027, 2, 18, 17)                    # 0.5 h on 5 Feb, 14-17 Feb, 8.5 h on 18 Feb
