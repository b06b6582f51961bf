"""Fee collection pages (rates, today's worklist) and the fee ledger on the units page: figures
from the store, the recording forms, and what each role may see."""
from __future__ import annotations


import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.auth.roles import can_open
from core.clock import local_today
from core.collections.dunning import add_months
from core.collections.entries import BillEntry
from core.collections.ledger import period_of
from core.i18n import translate
from db import collections
from db.collection_models import Bill, DunningAction, Payment
from db.models import Owner, Unit
from page_helpers import ROLES

t = translate


def ok(at: AppTest, allowed_errors=()) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if e.value not in allowed_errors], [e.value for e in at.error]
    return at


def refused(run_page, page: str, role: str) -> None:
    at = run_page(page, role)
    assert not at.exception
    assert [e.value for e in at.error] == [t("guard.refused", role=t(f"role.{role}"))]
    assert not at.title and not at.metric and not at.dataframe


def by_label(elements, label):
    found = [e for e in elements if e.label == label]
    assert found, (label, [e.label for e in elements])
    return found[0]


def rows(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture(scope="module")
def old_debt(page_db):
    """A bill 33 months old, unpaid, on an occupied unit of the batch project: its limitation date
    falls within six months, so the worklist must put it first (the demo ledger is only two years)."""
    engine = page_db.engine
    with engine.connect() as conn:
        room, unit_id = conn.execute(select(Unit.room_no, Unit.id).join(Owner, Owner.id == Unit.owner_id)
                                     .where(Unit.project_id == page_db.batch_project, Unit.status == "occupied")
                                     .order_by(Unit.id).limit(1)).one()
    period = period_of(add_months(local_today().replace(day=1), -33))
    collections.import_bills(engine, "admin", page_db.batch_project, [BillEntry(room, period, "property", 45600)])
    st.cache_data.clear()
    return room, unit_id


# ---------------------------------------------------------------- collections

def expected_rate(engine, period, project_ids) -> str:
    sums = collections.period_sums(engine, period, period, project_ids)
    return f"{sums['collected'].sum() / sums['billed'].sum():.1%}"


@pytest.mark.parametrize("role", [r for r in ROLES if can_open(r, "collections")])
def test_current_rate_matches_the_store(page_db, run_page, user_of, role):
    st.cache_data.clear()
    at = ok(run_page("collections", role))
    period = at.selectbox(key="coll_period").value
    assert period == period_of(add_months(local_today().replace(day=1), -1))  # the last complete month
    shown = {m.label: m.value for m in at.metric}
    assert shown[t("rate.current")] == expected_rate(page_db.engine, period, user_of(role).project_ids)
    assert {t("rate.recovery"), t("rate.prepayment")} <= set(shown)
    assert t("rate.def.current") + " " + t("rate.def.recovery") in [c.value for c in at.caption]


@pytest.mark.parametrize("role", [r for r in ROLES if not can_open(r, "collections")])
def test_collections_refuses(run_page, role):
    refused(run_page, "collections", role)


def test_rate_follows_the_chosen_period(page_db, run_page):
    at = ok(run_page("collections", "manager"))
    period = period_of(add_months(local_today().replace(day=1), -7))
    at.selectbox(key="coll_period").select(period).run()
    ok(at)
    shown = {m.label: m.value for m in at.metric}
    assert shown[t("rate.current")] == expected_rate(page_db.engine, period, None)
    # The project table lists every project with its own rate.
    table = at.dataframe[0].value
    sums = collections.period_sums(page_db.engine, period, period, None)
    assert table[t("coll.col.project")].tolist() == sums["project"].tolist()


def test_aging_table(page_db, run_page):
    at = ok(run_page("collections", "frontdesk"))
    aged = at.dataframe[-1].value
    assert list(aged.columns) == [t(f"coll.col.{c}") for c in ("bucket", "holder", "amount", "units")]
    assert len(aged) >= 1
    aging = collections.aging(page_db.engine, local_today(), (page_db.batch_project,))
    assert int(aged[t("coll.col.units")].sum()) == int(aging["units"].sum())
    assert t("coll.aging") in [s.value for s in at.subheader]


# ---------------------------------------------------------------- collection_worklist

@pytest.mark.parametrize("role", [r for r in ROLES if can_open(r, "collection_worklist")])
def test_worklist_shows_limitation_warnings_first(page_db, run_page, user_of, old_debt, role):
    st.cache_data.clear()
    at = ok(run_page("collection_worklist", role), allowed_errors=(t("work.limitation"),))
    work = collections.worklist(page_db.engine, local_today(), user_of(role).project_ids)
    warned = work[work["warning"]]
    assert len(warned) >= 1
    # The warning and its table come before the tabs: the first error, the first table.
    assert [e.value for e in at.error] == [t("work.limitation")]
    first = at.dataframe[0].value
    assert first[t("work.col.room")].tolist() == warned["room_no"].tolist()
    assert old_debt[0] in first[t("work.col.room")].tolist()
    order = [getattr(node, "type", None) for node in at.main]  # depth first: the page's order
    assert order.index("error") < order.index("dataframe") < order.index("tab_container")
    # The whole list, for everyone, on the staff tab.
    by_label(at.selectbox, t("work.staff")).set_value("*").run()   # the page's EVERYONE choice
    assert len(at.dataframe[1].value) == len(work)


def test_each_building_goes_to_one_collector_of_its_own_project(page_db):
    """A collector in Changchun never gets a door visit in Shenzhen; a building has one collector."""
    from ui import store

    work = store.collection_worklist(page_db.url, None, local_today())
    allowed = collections.collectors(page_db.engine)
    assert all(staff in allowed[project] for project, staff in zip(work["project"], work["staff"]))
    assert work.groupby(["project", "building"])["staff"].nunique().max() == 1
    assert work["project"].nunique() >= 2 and work["staff"].nunique() >= work["project"].nunique()


def test_record_form_offers_the_units_on_screen(page_db, run_page, old_debt):
    """Not every unit of a 20,000-row worklist in one list: the warnings and the staff member's list."""
    def offered_and_shown(at):
        offered = {o.split(" · ")[0] for o in by_label(at.selectbox, t("work.unit")).options}
        shown = {f"{r[t('work.col.project')]} {r[t('work.col.room')]}"
                 for frame in (at.dataframe[0].value, at.dataframe[1].value) for _, r in frame.iterrows()}
        return offered, shown

    at = ok(run_page("collection_worklist", "manager"), allowed_errors=(t("work.limitation"),))
    everyone, shown = offered_and_shown(at)
    assert everyone == shown and len(everyone) > 1
    collectors = sorted(set(at.dataframe[1].value[t("work.col.staff")]))
    assert len(collectors) >= 2, collectors   # the demo has a collector per project
    for name in collectors:
        at = by_label(at.selectbox, t("work.staff")).set_value(name).run()
        theirs, shown = offered_and_shown(at)
        assert theirs == shown and theirs < everyone, name


@pytest.mark.parametrize("role", [r for r in ROLES if not can_open(r, "collection_worklist")])
def test_worklist_refuses_trainer_and_supervisor(run_page, role):
    refused(run_page, "collection_worklist", role)


def record_form(at: AppTest, unit_id: int, step: str, outcome: str, note: str = "") -> AppTest:
    by_label(at.selectbox, t("work.unit")).set_value(unit_id)
    by_label(at.selectbox, t("field.step")).set_value(step)
    by_label(at.selectbox, t("ledger.col.outcome")).set_value(outcome)
    by_label(at.text_input, t("ledger.col.note")).input(note)
    by_label(at.button, t("work.record")).click().run()
    return at


def test_recording_a_reminder_writes_one_action(page_db, run_page, old_debt):
    engine = page_db.engine
    _, unit_id = old_debt
    before, first_day = rows(engine, DunningAction, DunningAction.unit_id == unit_id), local_today()
    at = record_form(run_page("collection_worklist", "frontdesk"), unit_id, "phone", "unreachable")
    last_day = local_today()  # the run may cross midnight: the page's "today" is one of the two
    ok(at, allowed_errors=(t("work.limitation"),))
    assert [s.value for s in at.success] == [t("work.saved")]
    assert rows(engine, DunningAction, DunningAction.unit_id == unit_id) == before + 1
    with engine.connect() as conn:
        action = conn.execute(select(DunningAction).where(DunningAction.unit_id == unit_id)
                              .order_by(DunningAction.id.desc())).first()
    assert (action.step, action.outcome, action.staff) == ("phone", "unreachable", "frontdesk")
    assert action.taken_on in (first_day, last_day)


def test_refusal_without_a_reason_is_refused(page_db, run_page, old_debt):
    engine = page_db.engine
    _, unit_id = old_debt
    before = rows(engine, DunningAction)
    at = record_form(run_page("collection_worklist", "frontdesk"), unit_id, "visit", "refused", note="")
    assert not at.exception
    assert t("err.refusal_reason") in [e.value for e in at.error]
    assert not at.success
    assert rows(engine, DunningAction) == before
    # With the reason it is recorded.
    at = record_form(run_page("collection_worklist", "frontdesk"), unit_id, "visit", "refused", note="称物业服务差")
    assert [s.value for s in at.success] == [t("work.saved")]
    assert rows(engine, DunningAction) == before + 1


# ---------------------------------------------------------------- units: the fee ledger

@pytest.fixture(scope="module")
def billed_unit(page_db):
    """A unit of the batch project with bills and arrears."""
    with page_db.engine.connect() as conn:
        owed = Bill.amount_cents - Bill.paid_cents - Bill.waived_cents
        return conn.execute(select(Unit.room_no, Unit.id).join(Bill, Bill.unit_id == Unit.id)
                            .where(Unit.project_id == page_db.batch_project, Unit.room_no.like("7-%"))
                            .group_by(Unit.id).having(func.sum(owed) > 0).order_by(Unit.id).limit(1)).one()


def open_unit(run_page, role, room) -> AppTest:
    at = run_page("units", role)
    at.text_input(key="units_q").input(room).run()
    assert at.subheader[0].value.endswith(f" {room}")
    return at


@pytest.mark.parametrize("role", [r for r in ROLES if can_open(r, "units")])
def test_ledger_shows_for_collection_roles_only(page_db, run_page, billed_unit, role):
    at = ok(open_unit(run_page, role, billed_unit.room_no))
    heads = [s.value for s in at.subheader]
    assert t("units.complaints") in heads and t("units.defects") in heads
    if not can_open(role, "collections"):
        assert t("ledger.title") not in heads
        assert t("ledger.record_payment") not in [b.label for b in at.button]
        return
    assert t("ledger.title") in heads
    bills, payments, _ = collections.unit_ledger(page_db.engine, billed_unit.id)
    tables = [d.value for d in at.dataframe]
    ledger = next(x for x in tables if t("ledger.col.period") in x.columns)
    assert len(ledger) == len(bills)
    owed = {m.label: m.value for m in at.metric}[t("ledger.col.owed")]
    assert owed.replace(",", "") == f"{int(bills['owed'].sum()) / 100:.2f}"


def pay(at: AppTest, unit_id: int, amount: str, receipt: str) -> AppTest:
    form_inputs = [w for w in at.text_input if w.form_id == f"payment_{unit_id}"]
    by_label(form_inputs, t("field.amount")).input(amount)
    by_label(form_inputs, t("field.receipt_no")).input(receipt)
    by_label(at.button, t("ledger.record_payment")).click().run()
    return at


@pytest.mark.parametrize("amount,key", [("-5", "err.money_format"), ("abc", "err.money_format"),
                                        ("0", "err.money_positive"), ("", "err.required"),
                                        ("12.345", "err.money_format")])
def test_bad_amount_is_refused_and_writes_nothing(page_db, run_page, billed_unit, amount, key):
    before = rows(page_db.engine, Payment)
    at = pay(open_unit(run_page, "frontdesk", billed_unit.room_no), billed_unit.id, amount, "RB-0001")
    assert not at.exception
    assert [e.value for e in at.error] == [t(key, field="amount")]
    assert not at.success
    assert rows(page_db.engine, Payment) == before


def test_good_payment_is_recorded_once(page_db, run_page, billed_unit):
    engine = page_db.engine
    before = rows(engine, Payment)
    owed_before = int(collections.unit_ledger(engine, billed_unit.id)[0]["owed"].sum())
    at = pay(open_unit(run_page, "frontdesk", billed_unit.room_no), billed_unit.id, "100.50", "RC-7001")
    ok(at)
    assert [s.value for s in at.success] == [t("ledger.saved", receipt="RC-7001")]
    assert rows(engine, Payment) == before + 1
    assert int(collections.unit_ledger(engine, billed_unit.id)[0]["owed"].sum()) == owed_before - 10050
    # The same payment submitted again from the same session: still one payment.
    at = pay(at, billed_unit.id, "100.50", "RC-7001")
    assert not at.exception
    assert rows(engine, Payment) == before + 1
    assert rows(engine, Payment, Payment.receipt_no == "RC-7001") == 1
    payments = next(d.value for d in at.dataframe if t("ledger.col.receipt") in d.value.columns)
    assert payments[t("ledger.col.receipt")].tolist().count("RC-7001") == 1


def test_double_tap_with_the_forms_request_key_records_once(page_db, run_page, billed_unit):
    """Two submissions carrying the same request key (a double tap before the page came back)."""
    engine = page_db.engine
    at = open_unit(run_page, "frontdesk", billed_unit.room_no)
    key = at.session_state[f"pay_key_{billed_unit.id}"]
    before = rows(engine, Payment)
    at = pay(at, billed_unit.id, "20", "RC-7002")
    assert rows(engine, Payment) == before + 1
    at.session_state[f"pay_key_{billed_unit.id}"] = key  # the second tap was sent with the first form
    at = pay(at, billed_unit.id, "20", "RC-7003")
    assert not at.exception
    assert rows(engine, Payment) == before + 1
