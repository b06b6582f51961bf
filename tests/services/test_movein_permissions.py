"""Every move-in write service, called as every role, in the actor's own project and in another
one: refused (PermissionDenied, nothing written) exactly where core/auth's matrix says so, done
where it allows it. Reads: the same capabilities and project scope."""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role
from core.errors import PermissionDenied
from core.movein.model import BatchSettings
from db.models import AuditLog
from db.movein_models import (MoveinAppointment, MoveinBatch, MoveinChecklistItem, MoveinDefect, MoveinEvent,
                              MoveinDispute, MoveinStep)
from services import movein, org
from store_helpers import add_project, count, row

ADMIN = Actor("admin", Role.ADMIN)
SETTINGS = BatchSettings(start=date(2026, 5, 8), days=2)
DEFECT = dict(location="kitchen", kind="wall", severity="minor", responsible="contractor", note="")
TABLES = (MoveinBatch, MoveinAppointment, MoveinStep, MoveinDefect, MoveinDispute, MoveinChecklistItem, MoveinEvent,
          AuditLog)


@dataclass
class Project:
    id: int
    batch: int
    households: list   # (appointment id, unit id) not yet touched, taken one per write


@pytest.fixture
def projects(engine) -> dict[str, Project]:
    """Two projects ("home" and "other"), each with a batch of 12 sold households."""
    out = {}
    for code, name in (("home", "深圳·翠湖园"), ("other", "广州·星河苑")):
        pid = add_project(engine, code, name, "深圳")
        org.import_units(engine, ADMIN, pid, [row(f"3-{f}01", f"业主{f}", f"1380000{f:04d}") for f in range(2, 14)])
        batch = movein.create_batch(engine, ADMIN, pid, "第一批", SETTINGS)
        with engine.connect() as conn:
            households = conn.execute(select(MoveinAppointment.id, MoveinAppointment.unit_id)
                                      .where(MoveinAppointment.batch_id == batch).order_by(MoveinAppointment.id)).all()
        out[code] = Project(pid, batch, list(households))
    return out


def _fresh(p: Project) -> int:
    return p.households.pop(0)[0]


# How to call each write on a project's batch: the set-up is done (as admin) first, then the
# returned call runs the write as the actor under test, and nothing else.

def _create_batch(engine, p):
    return lambda actor: movein.create_batch(engine, actor, p.id, "第二批", SETTINGS)


def _save_plan(engine, p):
    plan = movein.load_batch(engine, ADMIN, p.batch)
    return lambda actor: movein.save_plan(engine, actor, p.batch, plan.version, list(plan.settings.stations),
                                          plan.zones, plan.staffing)


def _set_checklist_item(engine, p):
    item = movein.checklist(engine, ADMIN, p.batch).iloc[0]
    return lambda actor: movein.set_checklist_item(engine, actor, int(item["id"]), int(item["version"]),
                                                   not bool(item["done"]), item["owner"], item["due"])


def _save_quotas(engine, p):
    plan = movein.load_batch(engine, ADMIN, p.batch)
    grid = {d.isoformat(): slots for d, slots in movein.day_bookings(engine, ADMIN, p.batch)}
    return lambda actor: movein.save_quotas(engine, actor, p.batch, plan.version, grid)


def _import_bookings(engine, p):
    plan = movein.load_batch(engine, ADMIN, p.batch)
    return lambda actor: movein.import_bookings(engine, actor, p.batch, plan.version, ["3-201, 2, 15"])


def _check_in(engine, p):
    appt = _fresh(p)
    return lambda actor: movein.check_in(engine, actor, p.batch, appt)


def _advance(engine, p):
    appt = _fresh(p)
    movein.check_in(engine, ADMIN, p.batch, appt)
    return lambda actor: movein.advance(engine, actor, p.batch, appt, "notice")


def _mark_no_show(engine, p):
    appt = _fresh(p)
    return lambda actor: movein.mark_no_show(engine, actor, p.batch, appt)


def _take_next(engine, p):
    appt = _fresh(p)
    movein.check_in(engine, ADMIN, p.batch, appt)
    day = movein.household(engine, ADMIN, p.batch, appt).day
    return lambda actor: movein.take_next(engine, actor, p.batch, "notice", day)


def _undo_last(engine, p):
    """Someone else's tap (the admin's): only a manager's right takes it back, with a reason."""
    appt = _fresh(p)
    movein.check_in(engine, ADMIN, p.batch, appt)
    return lambda actor: movein.undo_last(engine, actor, p.batch, appt, reason="点错了户")


def _log_defect(engine, p):
    return lambda actor: movein.log_defect(engine, actor, p.batch, p.households[0][1], **DEFECT)


def _fix_defect(engine, p):
    defect = movein.log_defect(engine, ADMIN, p.batch, p.households[0][1], **DEFECT)
    return lambda actor: movein.fix_defect(engine, actor, defect, 1, owner_confirmed=True)


def _log_dispute(engine, p):
    return lambda actor: movein.log_dispute(engine, actor, p.batch, p.households[0][1], "对面积有异议")


# Each write service and the capability it needs.
WRITES = {
    "create_batch": (Capability.PLAN_MOVEIN, _create_batch),
    "save_plan": (Capability.PLAN_MOVEIN, _save_plan),
    "set_checklist_item": (Capability.PLAN_MOVEIN, _set_checklist_item),
    "save_quotas": (Capability.PLAN_MOVEIN, _save_quotas),
    "import_bookings": (Capability.PLAN_MOVEIN, _import_bookings),
    "check_in": (Capability.RUN_MOVEIN_HALL, _check_in),
    "advance": (Capability.RUN_MOVEIN_HALL, _advance),
    "mark_no_show": (Capability.RUN_MOVEIN_HALL, _mark_no_show),
    "take_next": (Capability.RUN_MOVEIN_HALL, _take_next),
    "undo_last": (Capability.UNDO_MOVEIN_TAP, _undo_last),
    "log_defect": (Capability.RUN_MOVEIN_HALL, _log_defect),
    "fix_defect": (Capability.RUN_MOVEIN_HALL, _fix_defect),
    "log_dispute": (Capability.RUN_MOVEIN_HALL, _log_dispute),
}


def _refusal(name: str, actor: Actor, p: Project) -> str:
    """Someone in the hall who may not undo others' taps is told why (their own, within minutes),
    once the household is in their projects."""
    if name == "undo_last" and actor.can(Capability.RUN_MOVEIN_HALL):
        return "err.undo_too_late" if actor.sees(p.id) else "err.other_project"
    return "err.not_allowed"


def test_every_write_service_is_covered():
    """A write service is one that takes a request key; each must be listed above."""
    writes = {name for name, fn in inspect.getmembers(movein, inspect.isfunction)
              if fn.__module__ == movein.__name__ and "request_key" in inspect.signature(fn).parameters}
    assert writes == set(WRITES)


def _counts(engine) -> dict:
    return {m.__tablename__: count(engine, m) for m in TABLES}


def _refused(engine, call, key: str) -> None:
    before = _counts(engine)
    with pytest.raises(PermissionDenied) as info:
        call()
    assert info.value.key == key
    assert _counts(engine) == before


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_write_services_follow_the_matrix_and_the_project_scope(engine, projects, role):
    home, other = projects["home"], projects["other"]
    everywhere = Actor(f"{role.value}-all", role)
    scoped = Actor(f"{role.value}-home", role, (home.id,))
    for name, (capability, prepare) in WRITES.items():
        if can(role, capability):
            assert prepare(engine, other)(everywhere) is not None, name
            assert prepare(engine, home)(scoped) is not None, name
            call = prepare(engine, other)
            _refused(engine, lambda: call(scoped), "err.other_project")
        else:
            for actor, p in ((everywhere, other), (scoped, home), (scoped, other)):
                call = prepare(engine, p)
                _refused(engine, lambda: call(actor), _refusal(name, actor, p))


def _may_read_movein(role) -> bool:
    return can(role, Capability.PLAN_MOVEIN) or can(role, Capability.RUN_MOVEIN_HALL)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_reads_follow_the_matrix_and_the_project_scope(engine, projects, role):
    home, other = projects["home"], projects["other"]
    scoped = Actor(f"{role.value}-home", role, (home.id,))
    unit = other.households[0][1]
    reads = [lambda p: movein.load_batch(engine, scoped, p.batch),
             lambda p: movein.plan_per_day(engine, scoped, p.batch),
             lambda p: movein.day_bookings(engine, scoped, p.batch),
             lambda p: movein.forecast(engine, scoped, p.batch),
             lambda p: movein.checklist(engine, scoped, p.batch),
             lambda p: movein.find_household(engine, scoped, p.batch, "3-201"),
             lambda p: movein.live_board(engine, scoped, p.batch, SETTINGS.start),
             lambda p: movein.actual_vs_plan(engine, scoped, p.batch),
             lambda p: movein.open_defects(engine, scoped, batch_id=p.batch)]
    for read in reads:
        if _may_read_movein(role):
            read(home)
            _refused(engine, lambda: read(other), "err.other_project")
        else:
            _refused(engine, lambda: read(home), "err.not_allowed")
    if _may_read_movein(role):
        assert set(movein.list_batches(engine, scoped)["id"]) == {home.batch}
        boards, _ = movein.today_progress(engine, scoped, SETTINGS.start)
        assert len(boards) == 1
    else:
        _refused(engine, lambda: movein.list_batches(engine, scoped), "err.not_allowed")
    # A unit's defects are part of its record (the units page): VIEW_UNITS, and only in scope.
    movein.log_defect(engine, ADMIN, other.batch, unit, **DEFECT)
    if can(role, Capability.VIEW_UNITS):
        assert movein.open_defects(engine, scoped, unit_id=unit).empty
        assert len(movein.open_defects(engine, Actor("x", role), unit_id=unit)) == 1
    else:
        _refused(engine, lambda: movein.open_defects(engine, scoped, unit_id=unit), "err.not_allowed")
