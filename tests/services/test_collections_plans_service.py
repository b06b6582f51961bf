"""Payment plans and waivers with a manager's approval, and one meaning of "owed" (overdue and
current apart) on the worklist, the ledger and home, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.collections.dunning import PauseReason
from core.collections.ledger import Owed, split_owed
from core.collections.plans import GRACE_DAYS
from core.errors import ValidationError, ValidationErrors
from core.org.model import UnitStatus
from db import collection_queries as queries
from db.collection_models import Adjustment, Bill, PaymentPlan, WaiverRequest
from db.models import AuditLog, Unit
from db.uow import UnitOfWork
from services import collections as store
from services import org
from store_helpers import add_project, count, row

TODAY = date(2025, 6, 20)
DESK = Actor("chen", Role.FRONTDESK)
CHIEF = Actor("zhou", Role.MANAGER)
OTHER_CHIEF = Actor("wu", Role.MANAGER)
ADMIN = Actor("admin", Role.ADMIN)
EVERYWHERE = Actor("reader", Role.MANAGER)


@pytest.fixture
def site(engine):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    org.import_units(engine, ADMIN, pid, [row("3-1906", "王伟", "13812345678", UnitStatus.OCCUPIED),
                                          row("3-1907", "李娜", "13912345678", UnitStatus.OCCUPIED)])
    with engine.connect() as conn:
        units = dict(conn.execute(select(Unit.room_no, Unit.id)).all())
    return engine, pid, units


def bill(engine, pid, unit_id, period, cents, due) -> int:
    with UnitOfWork(engine) as uow:
        b = Bill(project_id=pid, unit_id=unit_id, period=period, item="property", amount_cents=cents, paid_cents=0,
                 waived_cents=0, due=due)
        uow.session.add(b)
        uow.session.flush()
        uow.commit()
        return b.id


def debt(site) -> int:
    """3-1906 owes 443.30 overdue (due 05-15) and 443.30 current (due 06-25): ¥886.60 in all."""
    engine, pid, units = site
    bill(engine, pid, units["3-1906"], "2025-05", 44330, date(2025, 5, 15))
    return bill(engine, pid, units["3-1906"], "2025-06", 44330, date(2025, 6, 25))


def paused(engine, unit_id, today) -> tuple:
    work, held = store.ladder_today(engine, EVERYWHERE, today)
    on_list = unit_id in set(work["unit_id"])
    return on_list, unit_id in set(held["unit_id"])


# ---------------------------------------------------------------- plans

def test_a_plan_pauses_the_ladder_only_once_approved_and_resumes_when_an_instalment_is_missed(site):
    engine, pid, units = site
    debt(site)
    unit = units["3-1906"]
    assert paused(engine, unit, TODAY) == (True, False)   # owes overdue money: a notice is due
    plan = store.add_payment_plan(engine, DESK, unit, [(date(2025, 6, 30), "443.30"), (date(2025, 7, 31), "443.30")],
                                  "分两期", today=TODAY)
    assert paused(engine, unit, TODAY) == (True, False)   # waiting: pauses nothing
    assert store.pending_approvals(engine, EVERYWHERE).plans["id"].tolist() == [plan]
    assert store.decide_payment_plan(engine, CHIEF, plan, True) == "approved"
    assert store.pending_approvals(engine, EVERYWHERE).plans.empty
    assert paused(engine, unit, TODAY) == (False, True)
    debts = {d.unit_id: d for d in store.unit_debts(engine, EVERYWHERE, TODAY)}
    assert debts[unit].pauses == (PauseReason.PAYMENT_PLAN,)
    # the first instalment paid on time: still kept after its grace days
    store.record_payment(engine, DESK, unit, "443.30", date(2025, 6, 28), "cash", today=date(2025, 6, 28))
    after_first = date(2025, 7, 20)
    assert paused(engine, unit, after_first) == (False, True)
    view = store.unit_plans(engine, EVERYWHERE, unit, after_first)[0]
    assert (view.status, view.progress, view.paid, view.total) == ("approved", "kept", 44330, 88660)
    assert [s for _, _, s in view.instalments] == ["paid", "open"]
    # the second is not paid: GRACE_DAYS after its due date the pause ends and the ladder resumes
    last_grace = date(2025, 7, 31) + timedelta(days=GRACE_DAYS)
    assert paused(engine, unit, last_grace) == (False, True)
    resumed = last_grace + timedelta(days=1)
    assert paused(engine, unit, resumed) == (True, False)
    view = store.unit_plans(engine, EVERYWHERE, unit, resumed)[0]
    assert (view.progress, view.missed_on, [s for _, _, s in view.instalments]) == ("missed", resumed, ["paid", "missed"])
    assert store.missed_plans(engine, EVERYWHERE, resumed) == [(plan, unit, resumed)]
    assert store.missed_plans(engine, EVERYWHERE, last_grace) == []


def test_an_approved_plan_moves_the_limitation_start_to_its_last_instalment_art_189(site):
    engine, pid, units = site
    unit = units["3-1906"]
    bill(engine, pid, unit, "2022-09", 44330, date(2022, 9, 15))     # expires 2025-09-15: a warning today
    work = store.ladder_today(engine, EVERYWHERE, TODAY).work.set_index("unit_id")
    assert work.loc[unit, "expires"] == date(2025, 9, 15) and bool(work.loc[unit, "warning"])
    plan = store.add_payment_plan(engine, DESK, unit, [(date(2025, 7, 15), "200"), (date(2025, 12, 15), "243.30")],
                                  "", today=TODAY)
    assert store.unit_ledger(engine, EVERYWHERE, unit, TODAY).limitation == date(2025, 9, 15)   # not yet agreed
    store.decide_payment_plan(engine, CHIEF, plan, True)
    assert store.unit_ledger(engine, EVERYWHERE, unit, TODAY).limitation == date(2028, 12, 15)
    # missed on 07-21: the ladder resumes, and the clock still runs from 2025-12-15
    work = store.ladder_today(engine, EVERYWHERE, date(2025, 8, 1)).work.set_index("unit_id")
    assert work.loc[unit, "expires"] == date(2028, 12, 15) and not bool(work.loc[unit, "warning"])


def test_a_plan_is_refused_whole_when_wrong_and_one_waits_or_runs_at_a_time(site):
    engine, pid, units = site
    debt(site)
    unit = units["3-1906"]
    before = count(engine, PaymentPlan), count(engine, AuditLog)
    with pytest.raises(ValidationErrors) as info:
        store.add_payment_plan(engine, DESK, unit, [(date(2025, 6, 19), "500"), (date(2025, 6, 30), "386.61"),
                                                    (date(2025, 6, 29), "0")], "", today=TODAY)
    assert {(e.field, e.key) for e in info.value.errors} == {
        ("instalment_1_due", "err.plan_due_past"), ("instalment_3_due", "err.plan_due_order"),
        ("instalment_3_amount", "err.money_positive"), ("total", "err.plan_total")}
    assert (count(engine, PaymentPlan), count(engine, AuditLog)) == before
    store.add_payment_plan(engine, DESK, unit, [(date(2025, 6, 30), "100")], "", today=TODAY)
    with pytest.raises(ValidationError) as info:
        store.add_payment_plan(engine, DESK, unit, [(date(2025, 6, 30), "100")], "", today=TODAY)
    assert info.value.key == "err.plan_open"


def test_a_plan_is_decided_once_by_another_person_and_a_refusal_says_why(site):
    engine, pid, units = site
    debt(site)
    plan = store.add_payment_plan(engine, CHIEF, units["3-1906"], [(date(2025, 6, 30), "100")], "", today=TODAY)
    with pytest.raises(ValidationErrors) as info:
        store.decide_payment_plan(engine, CHIEF, plan, False, " ")
    assert {e.key for e in info.value.errors} == {"err.own_request", "err.decision_reason"}
    assert store.decide_payment_plan(engine, OTHER_CHIEF, plan, False, "收入证明不足") == "refused"
    with pytest.raises(ValidationError) as info:
        store.decide_payment_plan(engine, OTHER_CHIEF, plan, True)
    assert info.value.key == "err.already_decided"
    assert not paused(engine, units["3-1906"], TODAY)[1]
    # refused: a new plan may be entered
    assert store.add_payment_plan(engine, DESK, units["3-1906"], [(date(2025, 6, 30), "100")], "", today=TODAY)


# ---------------------------------------------------------------- waivers

def test_only_an_approved_waiver_changes_the_bill_and_the_rates_follow(site):
    engine, pid, units = site
    june = debt(site)
    asked = store.request_waiver(engine, DESK, june, "43.30", "停水三天")
    with engine.connect() as conn:
        assert conn.scalar(select(Bill.waived_cents).where(Bill.id == june)) == 0
    sums = store.period_sums(engine, EVERYWHERE, "2025-06", "2025-06")
    assert int(sums["billed"].sum()) == 44330                       # a request changes no figure
    # what the bill may still be asked for is net of the request waiting on it
    with pytest.raises(ValidationError) as info:
        store.request_waiver(engine, DESK, june, "400.01", "再减")
    assert info.value.key == "err.waiver_over_open"
    assert store.decide_waiver(engine, CHIEF, asked, True) == 40000
    with engine.connect() as conn:
        assert conn.scalar(select(Bill.waived_cents).where(Bill.id == june)) == 4330
        adj = conn.execute(select(Adjustment.cents, Adjustment.approved_by, Adjustment.created_by)).all()
    assert adj == [(4330, "zhou", "chen")]
    assert int(store.period_sums(engine, EVERYWHERE, "2025-06", "2025-06")["billed"].sum()) == 40000
    refused = store.request_waiver(engine, DESK, june, "10", "重复申请")
    assert store.decide_waiver(engine, CHIEF, refused, False, "已减免过") == 40000
    waivers = store.unit_waivers(engine, EVERYWHERE, units["3-1906"])
    assert waivers[["status", "cents", "decided_by"]].values.tolist() == [["refused", 1000, "zhou"],
                                                                          ["approved", 4330, "zhou"]]
    assert store.pending_approvals(engine, EVERYWHERE).waivers.empty


def test_a_waiver_request_names_every_wrong_field_and_approval_rechecks_the_bill(site):
    engine, pid, units = site
    june = debt(site)
    before = count(engine, WaiverRequest)
    with pytest.raises(ValidationErrors) as info:
        store.request_waiver(engine, DESK, june, "abc", " ")
    assert [(e.field, e.key) for e in info.value.errors] == [("amount", "err.money_format"), ("reason", "err.required")]
    assert count(engine, WaiverRequest) == before
    asked = store.request_waiver(engine, DESK, june, "443.30", "空置")
    with pytest.raises(ValidationError) as info:
        store.decide_waiver(engine, DESK.__class__("chen", Role.MANAGER), asked, True)
    assert info.value.key == "err.own_request"
    # paid in full meanwhile: nothing is left to waive, the approval is refused and the bill untouched
    store.record_payment(engine, DESK, units["3-1906"], "886.60", TODAY, "cash", today=TODAY)
    with pytest.raises(ValidationError) as info:
        store.decide_waiver(engine, CHIEF, asked, True)
    assert info.value.key == "err.waiver_amount"
    with engine.connect() as conn:
        assert conn.scalar(select(Bill.waived_cents).where(Bill.id == june)) == 0


# ---------------------------------------------------------------- one meaning of "owed"

def test_owed_is_split_alike_by_sql_and_core_on_the_worklist_the_ledger_and_home(site):
    engine, pid, units = site
    unit = units["3-1906"]
    dues = [TODAY - timedelta(days=40), TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=5)]
    for i, due in enumerate(dues):
        bill(engine, pid, unit, f"2025-0{i + 2}", 10000 + i, due)
    bill(engine, pid, units["3-1907"], "2025-06", 7, TODAY)          # current only: not on the worklist
    ledger = store.unit_ledger(engine, EVERYWHERE, unit, TODAY)
    expected = split_owed([(d, 10000 + i) for i, d in enumerate(dues)], TODAY)
    assert expected == Owed(20001, 20005)
    assert ledger.owed_on(TODAY) == expected == queries.unit_owed(engine, unit, TODAY)
    assert ledger.owed == expected.total
    work = store.ladder_today(engine, EVERYWHERE, TODAY).work.set_index("unit_id")
    assert (int(work.loc[unit, "arrears"]), int(work.loc[unit, "current"])) == (expected.overdue, expected.current)
    assert int(work.loc[unit, "months"]) == 2                         # two months' bills overdue, never 0
    assert units["3-1907"] not in work.index
    head = store.headline(engine, EVERYWHERE, "2025-05", TODAY)
    assert head.owed == Owed(expected.overdue, expected.current + 7)
    assert head.period == "2025-05" and head.to_date is not None


def test_home_rate_is_the_last_complete_months_with_the_month_to_date_beside_it(site):
    engine, pid, units = site
    may = bill(engine, pid, units["3-1906"], "2025-05", 10000, date(2025, 5, 15))
    bill(engine, pid, units["3-1906"], "2025-06", 10000, date(2025, 6, 15))
    store.record_payment(engine, DESK, units["3-1906"], "100", date(2025, 5, 10), "cash", today=TODAY)
    assert may
    assert store.last_complete_month(TODAY) == "2025-05"
    head = store.headline(engine, EVERYWHERE, store.last_complete_month(TODAY), TODAY)
    assert head.rate == pytest.approx(1.0) and head.to_date == pytest.approx(0.0)
