"""Every fee-collection write service called as every role, with every project in scope and with
one project only, on that project's unit or bill and on another project's: refused (PermissionDenied)
exactly where the capability matrix (core/auth/capabilities.py) or the project scope says so, done
everywhere else. The expectation is read from the matrix, not written down again here."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import pytest

from core.auth.actor import SYSTEM, Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role
from core.collections.entries import BillEntry, PaymentEntry
from core.errors import PermissionDenied
from core.org.model import UnitStatus
from services import collections, org
from store_helpers import add_project, row

TODAY = date(2025, 6, 20)
ROOM = "3-101"
_serial = itertools.count(1)


@dataclass
class Site:
    engine: object
    projects: dict        # "own" / "other" -> project id
    units: dict           # the same -> the unit 3-101 of that project
    bills: dict           # the same -> an open bill of that unit, large enough for many waivers
    proofs: dict          # the same -> a dunning action of that unit with a signed copy


@pytest.fixture
def site(engine) -> Site:
    projects = {"own": add_project(engine, "P001", "深圳·翠湖园", "深圳", buildings=("3",)),
                "other": add_project(engine, "P002", "广州·星河苑", "广州", buildings=("3",))}
    units, bills = {}, {}
    for key, pid in projects.items():
        org.import_units(engine, SYSTEM, pid, [row(ROOM, "业主", "13800000000", UnitStatus.OCCUPIED)])
        units[key] = org.find_unit(engine, SYSTEM, pid, ROOM)
        collections.import_bills(engine, SYSTEM, pid, [BillEntry(ROOM, "2025-01", "property", 10_000_000)])
        bills[key] = int(collections.unit_ledger(engine, SYSTEM, units[key]).bills["id"].iloc[0])
        collections.set_fee_rate(engine, SYSTEM, pid, "property", "area", "2.60", "2000-01", today=TODAY)
    # Two staff who work on every project: the witnesses of a refusal anywhere.
    from services import users
    for name in ("everyone1", "everyone2"):
        users.create_user(engine, SYSTEM, name, name, "manager", "Witness-2026!", all_projects=True, hash_rounds=4)
    proofs = {key: collections.record_action(engine, SYSTEM, units[key], "notice", "delivered", date(2025, 6, 1),
                                             delivered=True, proof_kind="signed_copy", proof_file=_signed_copy(),
                                             today=TODAY) for key in projects}
    return Site(engine, projects, units, bills, proofs)


def _signed_copy() -> bytes:
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (200, 300), "white").save(buf, format="PNG")
    return buf.getvalue()


def _witnesses_seen(engine, actor, site: Site, target: str) -> dict:
    """The witness list is the staff of the actor's own projects: another project's unit offers none."""
    seen = collections.delivery_witnesses(engine, actor, [site.units[target]])
    if not seen:
        raise PermissionDenied("err.other_project")
    return seen


def _period() -> str:
    """A month not yet billed: each allowed import bills a new one."""
    n = next(_serial)
    return f"{2000 + n // 12:04d}-{n % 12 + 1:02d}"


def _payment(site: Site, target: str) -> int:
    """A payment recorded today on the target's unit, for an actor to void."""
    return collections.record_payment(site.engine, SYSTEM, site.units[target], "1.00", date(2025, 6, 1), "cash",
                                      today=TODAY).payment_id


def _run(site: Site, target: str) -> int:
    """A billing run of a month of its own on the target's project, for an actor to undo."""
    return collections.run_billing(site.engine, SYSTEM, site.projects[target], _period(), today=TODAY).run_id


def _no_open_plan(site: Site, target: str) -> int:
    """The target's unit with its earlier plans set aside (one plan waits or runs per unit)."""
    from sqlalchemy import update

    from db.collection_models import PaymentPlan
    with site.engine.begin() as conn:
        conn.execute(update(PaymentPlan).where(PaymentPlan.unit_id == site.units[target]).values(status="refused"))
    return site.units[target]


def _pending_plan(site: Site, target: str) -> int:
    """A plan entered by the system (not by the deciding actor) waiting on the target's unit."""
    return collections.add_payment_plan(site.engine, SYSTEM, _no_open_plan(site, target),
                                        [(date(2025, 7, 1), "100")], "", today=TODAY)


def _pending_waiver(site: Site, target: str) -> int:
    return collections.request_waiver(site.engine, SYSTEM, site.bills[target], "0.01", "停水补偿")


def _receipt() -> str:
    return f"PERM-{next(_serial):06d}"


# service name -> (capability it needs, call(engine, actor, site, target))
WRITES = {
    "record_payment": (Capability.RECORD_PAYMENT, lambda e, a, s, t: collections.record_payment(
        e, a, s.units[t], "1.00", date(2025, 6, 1), "cash", today=TODAY)),
    "void_payment": (Capability.VOID_PAYMENT, lambda e, a, s, t: collections.void_payment(
        e, a, _payment(s, t), "录错了金额")),
    "record_action": (Capability.RECORD_DUNNING, lambda e, a, s, t: collections.record_action(
        e, a, s.units[t], "phone", "unreachable", date(2025, 6, 1), today=TODAY)),
    # the same write with each kind of proof (the signed copy's file stored with it)
    "record_action_courier": (Capability.RECORD_DUNNING, lambda e, a, s, t: collections.record_action(
        e, a, s.units[t], "lawyer", "delivered", date(2025, 6, 1), delivered=True, proof_kind="courier",
        courier="ems", tracking_no="EA123456789CN", today=TODAY)),
    "record_action_signed_copy": (Capability.RECORD_DUNNING, lambda e, a, s, t: collections.record_action(
        e, a, s.units[t], "notice", "delivered", date(2025, 6, 1), delivered=True, proof_kind="signed_copy",
        proof_file=_signed_copy(), today=TODAY)),
    "record_action_witnessed": (Capability.RECORD_DUNNING, lambda e, a, s, t: collections.record_action(
        e, a, s.units[t], "visit", "refused", date(2025, 6, 1), note="拒收", delivered=True,
        proof_kind="witnessed_refusal", witnesses=("everyone1", "everyone2"), today=TODAY)),
    "add_payment_plan": (Capability.ADD_PAYMENT_PLAN, lambda e, a, s, t: collections.add_payment_plan(
        e, a, _no_open_plan(s, t), [(date(2025, 7, 1), "100"), (date(2025, 12, 31), "100")], "分两期", today=TODAY)),
    "decide_payment_plan": (Capability.APPROVE_PAYMENT_PLAN, lambda e, a, s, t: collections.decide_payment_plan(
        e, a, _pending_plan(s, t), True)),
    "refuse_payment_plan": (Capability.APPROVE_PAYMENT_PLAN, lambda e, a, s, t: collections.decide_payment_plan(
        e, a, _pending_plan(s, t), False, "收入证明不足")),
    "request_waiver": (Capability.REQUEST_WAIVER, lambda e, a, s, t: collections.request_waiver(
        e, a, s.bills[t], "0.01", "停水补偿")),
    "decide_waiver": (Capability.WAIVE_FEE, lambda e, a, s, t: collections.decide_waiver(
        e, a, _pending_waiver(s, t), True)),
    "refuse_waiver": (Capability.WAIVE_FEE, lambda e, a, s, t: collections.decide_waiver(
        e, a, _pending_waiver(s, t), False, "不符合减免条件")),
    "waive": (Capability.WAIVE_FEE, lambda e, a, s, t: collections.waive(e, a, s.bills[t], 1, "停水补偿", "zhou")),
    "set_fee_rate": (Capability.MANAGE_FEES, lambda e, a, s, t: collections.set_fee_rate(
        e, a, s.projects[t], "parking", "fixed", "300", _period(), "0", today=TODAY)),
    "run_billing": (Capability.RUN_BILLING, lambda e, a, s, t: collections.run_billing(
        e, a, s.projects[t], _period(), today=TODAY)),
    "undo_billing": (Capability.RUN_BILLING, lambda e, a, s, t: collections.undo_billing(e, a, _run(s, t))),
    "import_bills": (Capability.IMPORT_DATA, lambda e, a, s, t: collections.import_bills(
        e, a, s.projects[t], [BillEntry(ROOM, _period(), "property", 100)])),
    "import_payments": (Capability.IMPORT_DATA, lambda e, a, s, t: collections.import_payments(
        e, a, s.projects[t], [PaymentEntry(ROOM, _receipt(), 100, date(2025, 6, 1), "cash")])),
}
READS = {
    "preview_billing": (Capability.RUN_BILLING, lambda e, a, s, t: collections.preview_billing(
        e, a, s.projects[t], "2025-06", TODAY)),
    "fee_schedule": (Capability.VIEW_COLLECTIONS, lambda e, a, s, t: collections.fee_schedule(e, a, s.projects[t])),
    "billing_runs": (Capability.VIEW_COLLECTIONS, lambda e, a, s, t: collections.billing_runs(e, a, s.projects[t])),
    "unit_ledger": (Capability.VIEW_COLLECTIONS, lambda e, a, s, t: collections.unit_ledger(e, a, s.units[t])),
    "unit_plans": (Capability.VIEW_COLLECTIONS, lambda e, a, s, t: collections.unit_plans(e, a, s.units[t], TODAY)),
    "unit_waivers": (Capability.VIEW_COLLECTIONS, lambda e, a, s, t: collections.unit_waivers(e, a, s.units[t])),
    "delivery_proof_file": (Capability.VIEW_COLLECTIONS, lambda e, a, s, t: collections.delivery_proof_file(
        e, a, s.proofs[t])),
    "delivery_witnesses": (Capability.RECORD_DUNNING, lambda e, a, s, t: _witnesses_seen(e, a, s, t)),
    "validate_bill_import": (Capability.IMPORT_DATA, lambda e, a, s, t: collections.validate_bill_import(
        e, a, s.projects[t], [{"房号": ROOM, "账期": "2025-02", "金额": "1"}], TODAY)),
    "validate_payment_import": (Capability.IMPORT_DATA, lambda e, a, s, t: collections.validate_payment_import(
        e, a, s.projects[t], [{"房号": ROOM, "收据号": "R-0001", "金额": "1", "日期": "2025-06-01"}], TODAY)),
}


def _outcome(call, engine, actor, site, target) -> str:
    try:
        call(engine, actor, site, target)
    except PermissionDenied as e:
        return e.key
    return "done"


def _expected(role: Role, capability: Capability, scoped: bool, target: str) -> str:
    if not can(role, capability):
        return "err.not_allowed"
    if scoped and target == "other":
        return "err.other_project"
    return "done"


def _check(site: Site, capability, call) -> None:
    seen = []
    for role, scoped, target in itertools.product(Role, (False, True), ("own", "other")):
        actor = Actor(f"{role.value}1", role, (site.projects["own"],) if scoped else None)
        got = _outcome(call, site.engine, actor, site, target)
        assert got == _expected(role, capability, scoped, target), (role, scoped, target, got)
        seen.append(got)
    assert {"done", "err.other_project"} <= set(seen) or "done" not in seen


@pytest.mark.parametrize("service", sorted(WRITES))
def test_every_write_is_refused_exactly_where_the_matrix_or_the_scope_says(site, service):
    capability, call = WRITES[service]
    _check(site, capability, call)


@pytest.mark.parametrize("service", sorted(READS))
def test_reads_of_one_unit_or_project_are_refused_outside_the_matrix_and_the_scope(site, service):
    capability, call = READS[service]
    _check(site, capability, call)


def test_reads_of_the_figures_need_view_collections_and_stay_in_scope(site):
    for role in Role:
        actor = Actor(f"{role.value}1", role, (site.projects["own"],))
        for read in (lambda: collections.figures(site.engine, actor, "2025-01", "2025-01", TODAY),
                     lambda: collections.worklist(site.engine, actor, TODAY),
                     lambda: collections.headline(site.engine, actor, "2025-01", TODAY),
                     lambda: collections.pending_approvals(site.engine, actor),
                     lambda: collections.missed_plans(site.engine, actor, TODAY)):
            if not can(role, Capability.VIEW_COLLECTIONS):
                with pytest.raises(PermissionDenied):
                    read()
        if can(role, Capability.VIEW_COLLECTIONS):
            figures = collections.figures(site.engine, actor, "2025-01", "2025-01", TODAY)
            assert figures.projects["project_id"].tolist() == [site.projects["own"]]
            assert set(collections.worklist(site.engine, actor, TODAY)["project"]) <= {"深圳·翠湖园"}
            pending = collections.pending_approvals(site.engine, actor)
            assert set(pending.plans["project"]) | set(pending.waivers["project"]) <= {"深圳·翠湖园"}
