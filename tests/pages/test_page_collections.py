"""Fee collection pages (rates, today's worklist) and the fee ledger on the units page: figures
from the store, the recording forms, and what each role may see."""
from __future__ import annotations


import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.auth.actor import SYSTEM, Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import can_open
from core.clock import local_today
from core.collections.dunning import add_months
from core.collections.entries import BillEntry
from core.collections.ledger import period_of, split_owed
from core.i18n import translate
from db.collection_models import Bill, DunningAction, Payment
from db.models import Owner, Unit
from page_helpers import ROLES
from services import collections

t = translate


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
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
    collections.import_bills(engine, SYSTEM, page_db.batch_project, [BillEntry(room, period, "property", 45600)])
    st.cache_data.clear()
    return room, unit_id


# ---------------------------------------------------------------- collections

def expected_rate(engine, period, actor: Actor) -> str:
    sums = collections.period_sums(engine, actor, period, period)
    return f"{sums['collected'].sum() / sums['billed'].sum():.1%}"


@pytest.mark.parametrize("role", [r for r in ROLES if can_open(r, "collections")])
def test_current_rate_matches_the_store(page_db, run_page, user_of, role):
    st.cache_data.clear()
    at = ok(run_page("collections", role))
    period = at.selectbox(key="coll_period").value
    assert period == period_of(add_months(local_today().replace(day=1), -1))  # the last complete month
    shown = {m.label: m.value for m in at.metric}
    assert shown[t("rate.current")] == expected_rate(page_db.engine, period, user_of(role).reader)
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
    assert shown[t("rate.current")] == expected_rate(page_db.engine, period, SYSTEM)
    # The project table lists every project with its own rate.
    table = at.dataframe[0].value
    sums = collections.period_sums(page_db.engine, SYSTEM, period, period)
    assert table[t("coll.col.project")].tolist() == sums["project"].tolist()


def test_aging_table(page_db, run_page):
    at = ok(run_page("collections", "frontdesk"))
    aged = at.dataframe[-1].value
    assert list(aged.columns) == [t(f"coll.col.{c}") for c in ("bucket", "holder", "amount", "units")]
    assert len(aged) >= 1
    aging = collections.aging(page_db.engine, SYSTEM, local_today(), (page_db.batch_project,))
    assert int(aged[t("coll.col.units")].sum()) == int(aging["units"].sum())
    assert t("coll.aging") in [s.value for s in at.subheader]


# ---------------------------------------------------------------- collection_worklist

@pytest.mark.parametrize("role", [r for r in ROLES if can_open(r, "collection_worklist")])
def test_worklist_shows_limitation_warnings_first(page_db, run_page, user_of, old_debt, role):
    st.cache_data.clear()
    at = ok(run_page("collection_worklist", role))
    work = collections.worklist(page_db.engine, user_of(role).reader, local_today())
    warned = work[work["warning"]]
    assert len(warned) >= 1
    # The warning and its table come before the tabs: the first warning, the first table. A
    # warning, not an error box: nothing failed, a legal date comes near.
    assert [w.value for w in at.warning][:1] == [t("work.limitation")]
    first = at.dataframe[0].value
    assert first[t("work.col.room")].tolist() == warned["room_no"].tolist()
    assert old_debt[0] in first[t("work.col.room")].tolist()
    order = [getattr(node, "type", None) for node in at.main]  # depth first: the page's order
    assert order.index("warning") < order.index("dataframe") < order.index("tab_container")
    # The whole list, for everyone, on the staff tab.
    by_label(at.selectbox, t("work.staff")).set_value("*").run()   # the page's EVERYONE choice
    assert len(at.dataframe[1].value) == len(work)


def test_each_building_goes_to_one_collector_of_its_own_project(page_db):
    """A collector in Changchun never gets a door visit in Shenzhen; a building has one collector."""
    from ui import collection_cache

    work = collection_cache.collection_worklist(page_db.url, SYSTEM.as_reader(), local_today())
    allowed = collections.collectors(page_db.engine, SYSTEM)
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

    at = ok(run_page("collection_worklist", "manager"))
    everyone, shown = offered_and_shown(at)
    assert everyone == shown and len(everyone) > 1
    collectors = sorted(set(at.dataframe[1].value[t("work.col.staff")]))
    assert len(collectors) >= 2, collectors   # the demo has a collector per project
    for name in collectors:
        at = by_label(at.selectbox, t("work.staff")).set_value(name).run()
        theirs, shown = offered_and_shown(at)
        assert theirs == shown and theirs < everyone, name


def test_the_paused_tab_names_the_rule_that_paused_each_unit(page_db, run_page, user_of):
    """A noise complaint pauses nothing; a fees complaint on an indebted unit pauses it, shown with
    its rule, translated, on the paused tab."""
    from datetime import datetime, timezone

    from db.models import ComplaintRow
    from db.uow import UnitOfWork

    engine, today = page_db.engine, local_today()
    work = collections.worklist(engine, SYSTEM, today)
    quiet = work[(work["paused_by"] == "") & ~work["warning"]].iloc[:2]
    with engine.connect() as conn:
        project_of = dict(conn.execute(select(Unit.id, Unit.project_id).where(Unit.id.in_(quiet["unit_id"].tolist()))).all())
    with UnitOfWork(engine) as uow:
        for n, (unit_id, category) in enumerate(zip(quiet["unit_id"], ("fees", "neighbours"))):
            uow.session.add(ComplaintRow(number=f"TSPAUSE{n}", received_at=datetime.now(timezone.utc), channel="phone",
                                         complainant="业主", content="对收费有异议", category=category, receiver="frontdesk",
                                         stage="investigate", project_id=project_of[int(unit_id)],
                                         unit_id=int(unit_id)))
        uow.commit()
    st.cache_data.clear()
    try:
        at = ok(run_page("collection_worklist", "manager"))
        paused = collections.ladder_today(engine, user_of("manager").reader, today).paused
        disputed, noisy = (quiet.iloc[i]["room_no"] for i in (0, 1))
        assert t("work.paused_tab", n=len(paused)) in [tab.label for tab in at.tabs]
        table = next(d.value for d in at.dataframe if t("work.col.held") in d.value.columns)
        assert len(table) == min(len(paused), 300)
        mine = table[(table[t("work.col.room")] == disputed) & (table[t("work.col.project")] == quiet.iloc[0]["project"])]
        assert mine[t("work.col.paused")].tolist() == [t("pause.dispute")]
        # the noise complaint stays on the list, shown as history
        work = collections.worklist(engine, SYSTEM, today)
        noise = work[work["unit_id"] == quiet.iloc[1]["unit_id"]].iloc[0]
        assert (noise["paused_by"], noise["history"]) == ("", "TSPAUSE1") and noisy == noise["room_no"]
        assert any(t("category.fees") in c.value for c in at.caption)
    finally:
        with engine.begin() as conn:
            conn.execute(ComplaintRow.__table__.delete().where(ComplaintRow.number.like("TSPAUSE%")))
        st.cache_data.clear()


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
    ok(at)
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
    if not can(role, Capability.VIEW_COLLECTIONS):
        assert t("ledger.title") not in heads
        assert t("ledger.record_payment") not in [b.label for b in at.button]
        return
    assert t("ledger.title") in heads
    bills, payments, _ = collections.unit_ledger(page_db.engine, SYSTEM, billed_unit.id)
    tables = [d.value for d in at.dataframe]
    ledger = next(x for x in tables if t("ledger.col.period") in x.columns)
    assert len(ledger) == len(bills)
    # overdue and current apart, both labelled, split as the worklist and home split them
    split = split_owed(zip(bills["due"], bills["owed"]), local_today())
    shown = {m.label: m.value.replace(",", "") for m in at.metric}
    assert shown[t("owed.overdue")] == f"{split.overdue / 100:.2f}"
    assert shown[t("owed.current")] == f"{split.current / 100:.2f}"
    assert shown[t("owed.total")] == f"{split.total / 100:.2f}" and split.total == int(bills["owed"].sum())


def pay(at: AppTest, unit_id: int, amount: str, hold: bool | None = None) -> AppTest:
    form_inputs = [w for w in at.text_input if w.form_id == f"payment_{unit_id}"]
    by_label(form_inputs, t("field.amount")).input(amount)
    if hold is not None:
        by_label([c for c in at.checkbox if c.form_id == f"payment_{unit_id}"], t("ledger.hold_credit")).set_value(hold)
    by_label(at.button, t("ledger.record_payment")).click().run()
    return at


def last_receipt(engine, unit_id: int) -> str:
    with engine.connect() as conn:
        return conn.scalar(select(Payment.receipt_no).where(Payment.unit_id == unit_id).order_by(Payment.id.desc()))


@pytest.mark.parametrize("amount,key", [("-5", "err.money_format"), ("abc", "err.money_format"),
                                        ("0", "err.money_positive"), ("", "err.required"),
                                        ("12.345", "err.money_format")])
def test_bad_amount_is_refused_and_writes_nothing(page_db, run_page, billed_unit, amount, key):
    before = rows(page_db.engine, Payment)
    at = pay(open_unit(run_page, "frontdesk", billed_unit.room_no), billed_unit.id, amount)
    assert not at.exception
    assert [e.value for e in at.error] == [t(key, field="amount")]
    assert not at.success
    assert rows(page_db.engine, Payment) == before


def test_good_payment_is_recorded_once(page_db, run_page, billed_unit):
    """The form asks no receipt number: the system gives the project's next one, said on screen."""
    engine = page_db.engine
    before = rows(engine, Payment)
    owed_before = int(collections.unit_ledger(engine, SYSTEM, billed_unit.id).bills["owed"].sum())
    at = open_unit(run_page, "frontdesk", billed_unit.room_no)
    assert t("field.receipt_no") not in [w.label for w in at.text_input]
    at = pay(at, billed_unit.id, "100.50")
    ok(at)
    receipt = last_receipt(engine, billed_unit.id)
    assert receipt.endswith(f"-{local_today().year}-" + receipt.rsplit("-", 1)[1])
    assert [s.value for s in at.success] == [t("ledger.saved", receipt=receipt)]
    assert rows(engine, Payment) == before + 1
    assert int(collections.unit_ledger(engine, SYSTEM, billed_unit.id).bills["owed"].sum()) == owed_before - 10050
    # The form came back empty: the same amount typed again is the desk's second payment, the next number.
    at = pay(at, billed_unit.id, "100.50")
    assert not at.exception
    assert rows(engine, Payment) == before + 2
    assert rows(engine, Payment, Payment.receipt_no == receipt) == 1
    second = last_receipt(engine, billed_unit.id)
    assert int(second.rsplit("-", 1)[1]) == int(receipt.rsplit("-", 1)[1]) + 1
    payments = next(d.value for d in at.dataframe if t("ledger.col.receipt") in d.value.columns)
    assert payments[t("ledger.col.receipt")].tolist().count(receipt) == 1


def test_double_tap_with_the_forms_request_key_records_once(page_db, run_page, billed_unit):
    """Two submissions carrying the same request key (a double tap before the page came back): the
    form's key is its nonce (ui.submit) and what was entered."""
    engine = page_db.engine
    at = open_unit(run_page, "frontdesk", billed_unit.room_no)
    nonce = f"_submit.nonce.payment_{billed_unit.id}"
    at.session_state[nonce] = "the-form-on-screen"
    before = rows(engine, Payment)
    at = pay(at, billed_unit.id, "20")
    assert rows(engine, Payment) == before + 1
    receipt = last_receipt(engine, billed_unit.id)
    at.session_state[nonce] = "the-form-on-screen"   # the second tap was sent with the first form
    at = pay(at, billed_unit.id, "20")
    assert not at.exception
    assert rows(engine, Payment) == before + 1
    assert [s.value for s in at.success] == [t("ledger.saved", receipt=receipt)]


def test_a_blank_second_tap_after_the_form_emptied_records_nothing(page_db, run_page, billed_unit):
    engine = page_db.engine
    at = pay(open_unit(run_page, "frontdesk", billed_unit.room_no), billed_unit.id, "30")
    receipt = last_receipt(engine, billed_unit.id)
    before = rows(engine, Payment)
    at = pay(at, billed_unit.id, "")      # the form came back empty; the second tap sends nothing
    assert not at.exception and not at.error
    assert rows(engine, Payment) == before
    assert [s.value for s in at.success] == [t("ledger.saved", receipt=receipt)]


def test_settle_all_fills_in_what_is_owed_and_more_needs_the_hold_box(page_db, run_page, billed_unit):
    from core.collections.money import yuan
    from ui.widgets import md_plain

    engine = page_db.engine
    owed = collections.unit_ledger(engine, SYSTEM, billed_unit.id).owed
    at = open_unit(run_page, "frontdesk", billed_unit.room_no)
    by_label(at.button, t("ledger.settle_all", amount=yuan(owed))).click().run()
    form_inputs = [w for w in at.text_input if w.form_id == f"payment_{billed_unit.id}"]
    assert by_label(form_inputs, t("field.amount")).value == yuan(owed)
    # 100.00 more than all of it: refused, with what would be held, the input kept
    before = rows(engine, Payment)
    at = pay(at, billed_unit.id, yuan(owed + 10000))
    shown = {k: md_plain(v) for k, v in {"extra": "100.00", "owed": yuan(owed), "balance": "100.00"}.items()}
    assert [e.value for e in at.error] == [t("err.overpayment", **shown)]   # as markdown: the points escaped
    assert rows(engine, Payment) == before
    form_inputs = [w for w in at.text_input if w.form_id == f"payment_{billed_unit.id}"]
    assert by_label(form_inputs, t("field.amount")).value == yuan(owed + 10000)
    at = pay(at, billed_unit.id, yuan(owed + 10000), hold=True)
    ok(at)
    ledger = collections.unit_ledger(engine, SYSTEM, billed_unit.id)
    assert rows(engine, Payment) == before + 1 and ledger.owed == 0 and ledger.credit == 10000
    assert {m.label: m.value for m in at.metric}[t("ledger.credit_balance")] == "100.00"
    # the same day the desk voids it: the bills owe again, the receipt stays, marked void
    receipt = last_receipt(engine, billed_unit.id)
    voiding = [w for w in at.text_input if w.form_id == f"void_{billed_unit.id}"]
    by_label(voiding, t("field.void_reason")).input("金额录错")
    by_label(at.button, t("ledger.void")).click().run()
    ok(at)
    assert [s.value for s in at.success] == [t("ledger.void_saved", receipt=receipt)]
    ledger = collections.unit_ledger(engine, SYSTEM, billed_unit.id)
    assert ledger.owed == owed and ledger.credit == 0
    assert ledger.payments.set_index("receipt_no").loc[receipt, "void"]
    table = next(d.value for d in at.dataframe if t("ledger.col.receipt") in d.value.columns)
    # who voided it by the name staff know (the account's display name), never the login name
    from db.user_queries import staff_names
    assert table.set_index(t("ledger.col.receipt")).loc[receipt, t("ledger.col.status")] == \
           t("ledger.status.void", by=staff_names(engine)["frontdesk"], reason="金额录错")


# ---------------------------------------------------------------- proof of delivery (issue 15)

def proof_form(at: AppTest, unit_id: int, outcome: str, delivered: bool, kind=None, courier=None, tracking="",
               witnesses=(None, None), note="") -> AppTest:
    by_label(at.selectbox, t("work.unit")).set_value(unit_id)
    by_label(at.selectbox, t("field.step")).set_value("lawyer")
    by_label(at.selectbox, t("ledger.col.outcome")).set_value(outcome)
    by_label(at.checkbox, t("work.delivered")).set_value(delivered)
    by_label(at.text_input, t("ledger.col.note")).input(note)
    at.radio(key="proof_kind").set_value(kind)
    at.selectbox(key="proof_courier").set_value(courier)
    at.text_input(key="proof_tracking").input(tracking)
    at.selectbox(key="proof_w1").set_value(witnesses[0])
    at.selectbox(key="proof_w2").set_value(witnesses[1])
    by_label(at.button, t("work.record")).click().run()
    return at


def test_a_delivery_without_its_proof_names_every_missing_field_and_records_nothing(page_db, run_page, old_debt):
    engine = page_db.engine
    _, unit_id = old_debt
    before = rows(engine, DunningAction)
    at = proof_form(run_page("collection_worklist", "frontdesk"), unit_id, "refused", True)
    assert not at.exception and not at.success
    assert {e.value for e in at.error} == {t("err.proof_kind_required"), t("err.refusal_reason")}
    at = proof_form(at, unit_id, "delivered", True, kind="courier", tracking="12-34")
    assert {e.value for e in at.error} == {translate("err.required", field="courier"), t("err.tracking_format")}
    # what was typed stays for the correction
    assert at.text_input(key="proof_tracking").value == "12-34"
    # the witnesses come from a list of the project's staff; the same person twice is refused
    staff = at.selectbox(key="proof_w1").options
    assert "frontdesk" in " ".join(staff)
    at = proof_form(at, unit_id, "refused", True, kind="witnessed_refusal", witnesses=("frontdesk", "frontdesk"),
                    note="拒收律师函")
    assert [e.value for e in at.error] == [t("err.witness_twice")]
    assert rows(engine, DunningAction) == before


def test_a_delivery_by_courier_is_recorded_and_the_unit_ledger_shows_it(page_db, run_page, old_debt):
    engine = page_db.engine
    room, unit_id = old_debt
    limitation_before = collections.unit_ledger(engine, SYSTEM, unit_id).limitation
    at = proof_form(run_page("collection_worklist", "frontdesk"), unit_id, "delivered", True, kind="courier",
                    courier="ems", tracking="ea 123 456 789 cn")
    ok(at)
    assert [s.value for s in at.success] == [t("work.saved")]
    with engine.connect() as conn:
        action = conn.execute(select(DunningAction).where(DunningAction.unit_id == unit_id)
                              .order_by(DunningAction.id.desc())).first()
    assert (action.proof_kind, action.courier, action.tracking_no) == ("courier", "ems", "EA123456789CN")
    ledger = collections.unit_ledger(engine, SYSTEM, unit_id)
    assert ledger.limitation > limitation_before and ledger.last_proven == action.taken_on
    at = ok(open_unit(run_page, "frontdesk", room))
    shown = {m.label: m.value for m in at.metric}
    assert shown[t("ledger.limitation")] == ledger.limitation.isoformat()
    actions = next(d.value for d in at.dataframe if t("ledger.col.restarts") in d.value.columns)
    proof = t("ledger.proof.courier", courier=t("courier.ems"), tracking="EA123456789CN")
    assert proof in actions[t("ledger.col.delivered")].tolist()


# ---------------------------------------------------------------- payment plans and waivers (issue 11, item 6)

def plan_inputs(at: AppTest, unit_id: int, rows_, note: str = "") -> AppTest:
    form = f"plan_{unit_id}"
    for i, (due, amount) in enumerate(rows_, start=1):
        at.date_input(key=f"{form}_due_{i}").set_value(due)
        at.text_input(key=f"{form}_amount_{i}").input(amount)
    at.text_input(key=f"{form}_note").input(note)
    by_label([b for b in at.button if b.form_id == form], t("plan.add")).click().run()
    return at


@pytest.fixture(scope="module")
def plan_unit(page_db):
    """A unit of the batch project owing money, with no plan yet."""
    from db.collection_models import PaymentPlan
    with page_db.engine.connect() as conn:
        owed = Bill.amount_cents - Bill.paid_cents - Bill.waived_cents
        with_plans = select(PaymentPlan.unit_id)
        return conn.execute(select(Unit.room_no, Unit.id).join(Bill, Bill.unit_id == Unit.id)
                            .where(Unit.project_id == page_db.batch_project, Unit.id.not_in(with_plans))
                            .group_by(Unit.id).having(func.sum(owed) > 20000).order_by(Unit.id.desc())
                            .limit(1)).one()


def test_a_wrong_plan_names_every_field_at_once_keeps_the_input_and_saves_nothing(page_db, run_page, plan_unit):
    from datetime import timedelta

    from db.collection_models import PaymentPlan
    engine, today = page_db.engine, local_today()
    before = rows(engine, PaymentPlan)
    at = plan_inputs(open_unit(run_page, "frontdesk", plan_unit.room_no), plan_unit.id,
                     [(today - timedelta(days=1), "abc"), (today + timedelta(days=30), "9999999")])
    assert not at.exception
    errors = [e.value for e in at.error]
    from ui.widgets import md_plain
    assert t("err.plan_due_past", field="instalment_1_due", day=md_plain(today.isoformat())) in errors
    assert t("err.money_format", field="instalment_1_amount") in errors
    assert any(e.startswith(t("err.plan_total", total="§", owed="§").split("§")[0]) for e in errors)
    assert len(errors) == 3
    assert at.text_input(key=f"plan_{plan_unit.id}_amount_1").value == "abc"           # the input kept
    assert at.date_input(key=f"plan_{plan_unit.id}_due_2").value == today + timedelta(days=30)
    assert rows(engine, PaymentPlan) == before


def test_a_plan_entered_by_the_desk_waits_for_a_manager_who_approves_it_on_the_ledger(page_db, run_page, plan_unit):
    from datetime import timedelta

    from db.collection_models import PaymentPlan
    engine, today = page_db.engine, local_today()
    at = ok(plan_inputs(open_unit(run_page, "frontdesk", plan_unit.room_no), plan_unit.id,
                        [(today + timedelta(days=10), "50"), (today + timedelta(days=40), "50")], "分两期"))
    assert t("plan.saved") in [s.value for s in at.success]
    with engine.connect() as conn:
        plan_id, status = conn.execute(select(PaymentPlan.id, PaymentPlan.status)
                                       .where(PaymentPlan.unit_id == plan_unit.id)).one()
    assert status == "pending"
    # the desk sees it waiting, with its instalments, and no approve button
    assert t("plan.approve") not in [b.label for b in at.button]
    table = next(d.value for d in at.dataframe if t("plan.amount") in d.value.columns)
    assert table[t("plan.col.state")].tolist() == [t("plan.inst.open")] * 2
    # the worklist lists it for the manager, who approves it on the unit's ledger
    st.cache_data.clear()
    work = ok(run_page("collection_worklist", "manager"))
    pending = next(d.value for d in work.dataframe if t("plan.col.entered") in d.value.columns)
    assert plan_unit.room_no in pending[t("work.col.room")].tolist()
    at = open_unit(run_page, "manager", plan_unit.room_no)
    by_label([b for b in at.button if b.form_id == f"plan_decide_{plan_id}"], t("plan.approve")).click().run()
    ok(at)
    assert t("plan.approved") in [s.value for s in at.success]
    with engine.connect() as conn:
        assert conn.scalar(select(PaymentPlan.status).where(PaymentPlan.id == plan_id)) == "approved"


def test_a_waiver_request_names_every_wrong_field_then_a_manager_approves_it(page_db, run_page, plan_unit):
    from db.collection_models import WaiverRequest
    engine = page_db.engine
    form = f"waiver_{plan_unit.id}"
    before = rows(engine, WaiverRequest)
    at = open_unit(run_page, "frontdesk", plan_unit.room_no)
    at.text_input(key=f"{form}_amount").input("abc")
    by_label([b for b in at.button if b.form_id == form], t("waiver.add")).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("err.money_format", field="amount"), t("err.required", field="reason")]
    assert at.text_input(key=f"{form}_amount").value == "abc" and rows(engine, WaiverRequest) == before
    at.text_input(key=f"{form}_amount").input("1.00")
    at.text_input(key=f"{form}_reason").input("停水一天")
    by_label([b for b in at.button if b.form_id == form], t("waiver.add")).click().run()
    ok(at)
    assert t("waiver.saved") in [s.value for s in at.success]
    bill_id = at.selectbox(key=f"{form}_bill").value
    with engine.connect() as conn:
        request_id = conn.scalar(select(func.max(WaiverRequest.id)))
        assert conn.scalar(select(Bill.waived_cents).where(Bill.id == bill_id)) == 0   # untouched until approved
    at = open_unit(run_page, "manager", plan_unit.room_no)
    by_label([b for b in at.button if b.form_id == f"waiver_decide_{request_id}"], t("plan.approve")).click().run()
    ok(at)
    assert t("waiver.approved") in [s.value for s in at.success]
    with engine.connect() as conn:
        assert conn.scalar(select(Bill.waived_cents).where(Bill.id == bill_id)) == 100


def test_the_rates_page_says_what_a_waiver_means(run_page):
    at = ok(run_page("collections", "manager"))
    assert t("rate.def.waived") in [c.value for c in at.caption]
