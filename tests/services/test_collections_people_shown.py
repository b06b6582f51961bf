"""People on the fee screens by the names staff know them (issue 11, item 7): who recorded or
voided a receipt, who entered or approved a plan, who asked for or decided a waiver, who ran a
month's billing. The ledger, the waiting list and the billing page show display names, never login
names; an account that is gone shows its username rather than a blank."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.clock import local_today
from core.collections.ledger import due_date
from core.org.model import UnitStatus
from db.collection_models import Bill, Payment
from db.models import Unit
from services import collections as store
from services import org, users
from store_helpers import FAST, add_project, row

ADMIN = Actor("admin", Role.ADMIN)
DESK = Actor("chen", Role.FRONTDESK)
CHIEF = Actor("zhou", Role.MANAGER)


@pytest.fixture
def site(engine):
    """One unit owing two months (both past due), and the desk and the manager with their names."""
    pid = add_project(engine, "SZ01", "翠湖园", "深圳")
    org.import_units(engine, ADMIN, pid, [row("3-1906", "王伟", "13812345678", UnitStatus.OCCUPIED)])
    users.create_user(engine, ADMIN, "chen", "陈客服", "frontdesk", "Desk-pass-2026", [pid], hash_rounds=FAST)
    users.create_user(engine, ADMIN, "zhou", "周经理", "manager", "Boss-pass-2026", all_projects=True,
                      hash_rounds=FAST)
    with engine.begin() as conn:
        unit = conn.scalar(select(Unit.id))
        month = local_today().replace(day=1)
        for back in (2, 1):
            first = (month - timedelta(days=28 * back)).replace(day=1)
            period = f"{first:%Y-%m}"
            conn.execute(insert(Bill).values(project_id=pid, unit_id=unit, period=period, item="property",
                                             amount_cents=23270, paid_cents=0, waived_cents=0, due=due_date(period)))
    return engine, pid, unit


def test_a_voided_receipt_shows_who_recorded_and_voided_it_by_name(site):
    engine, _, unit = site
    paid = store.record_payment(engine, DESK, unit, "232.70", local_today(), "cash")
    store.void_payment(engine, DESK, paid.payment_id, "金额录错")
    payments = store.unit_ledger(engine, CHIEF, unit).payments
    assert payments[["receipt_no", "recorded_by", "voided_by", "void_reason"]].values.tolist() == \
        [[paid.receipt_no, "陈客服", "陈客服", "金额录错"]]
    with engine.connect() as conn:   # the store keeps the account, the screen the person
        assert conn.execute(select(Payment.recorded_by, Payment.voided_by)).one() == ("chen", "chen")


def test_plans_and_waivers_name_who_asked_and_who_decided(site):
    engine, _, unit = site
    today = local_today()
    plan = store.add_payment_plan(engine, DESK, unit, [(today + timedelta(days=10), "232.70"),
                                                       (today + timedelta(days=40), "232.70")], "分两期")
    with engine.connect() as conn:
        bill = conn.scalar(select(Bill.id).order_by(Bill.period.desc()))
    waiver = store.request_waiver(engine, DESK, bill, "32.70", "电梯停运")
    waiting = store.pending_approvals(engine, CHIEF)
    assert waiting.plans["created_by"].tolist() == ["陈客服"]
    assert waiting.waivers["requested_by"].tolist() == ["陈客服"]
    # the manager decides; the rule "not one's own request" still compares the accounts
    store.decide_payment_plan(engine, CHIEF, plan, True)
    store.decide_waiver(engine, CHIEF, waiver, True)
    [shown] = store.unit_plans(engine, CHIEF, unit)
    assert (shown.created_by, shown.decided_by, shown.status) == ("陈客服", "周经理", "approved")
    waivers = store.unit_waivers(engine, CHIEF, unit)
    assert waivers[["requested_by", "decided_by", "status"]].values.tolist() == [["陈客服", "周经理", "approved"]]


def test_an_account_that_is_gone_shows_its_username(site):
    engine, _, unit = site
    gone = Actor("liu", Role.FRONTDESK)        # an account removed since (or an import's own name)
    paid = store.record_payment(engine, gone, unit, "100.00", local_today(), "cash")
    payments = store.unit_ledger(engine, CHIEF, unit).payments
    assert payments[["receipt_no", "recorded_by"]].values.tolist() == [[paid.receipt_no, "liu"]]
    assert payments["voided_by"].isna().all()    # not voided: blank, not a name
