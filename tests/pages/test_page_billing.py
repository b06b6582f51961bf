"""The monthly billing page (AppTest): who may open it, the fee schedule and its form, a preview
that says what the run would bill, the confirmed run with its progress, a second run that bills
nothing and says so, and the undo."""
from __future__ import annotations

import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.auth.actor import SYSTEM
from core.auth.roles import can_open
from core.clock import local_today
from core.collections.money import yuan
from core.i18n import translate
from db.collection_models import Bill, BillingRun
from page_helpers import ROLES, by_label
from services import collections, users

t = translate


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def bills(engine, project_id: int, period: str, item: str | None = None) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Bill).where(
            Bill.project_id == project_id, Bill.period == period, *([Bill.item == item] if item else [])))


@pytest.mark.parametrize("role", [r for r in ROLES if not can_open(r, "billing")])
def test_billing_refuses_the_roles_without_it(run_page, role):
    at = run_page("billing", role)
    assert not at.exception
    assert [e.value for e in at.error] == [t("guard.refused", role=t(f"role.{role}"))]
    assert not at.title and not at.dataframe


def test_the_seeded_month_is_billed_already_and_a_new_item_is_billed_once_then_undone(page_db, run_page):
    engine, project = page_db.engine, page_db.batch_project
    month = f"{local_today():%Y-%m}"
    at = run_page("billing", "manager")
    ok(at)
    at.selectbox(key="billing_project").select(project).run()
    schedule = at.dataframe[0].value
    assert schedule[t("field.item")].tolist() == [t("item.property")]      # the demo's property fee
    # The demo billed this month already: the preview says so, and there is nothing to confirm.
    by_label(at.button, t("billing.preview")).click().run()
    ok(at)
    already = bills(engine, project, month)
    assert {m.label: m.value for m in at.metric}[t("billing.already")] == f"{already:,}"
    assert t("billing.nothing", already=already) in [i.value for i in at.info]
    assert t("billing.confirm") not in [b.label for b in at.button]

    # A parking fee from this month: every unit handed over or lived in gets one bill of it.
    form = [w for w in at.text_input if w.form_id == f"fee_rate_{project}"]
    by_label(at.selectbox, t("field.item")).set_value("parking")
    by_label(at.selectbox, t("field.basis")).set_value("fixed")
    by_label(form, t("field.rate")).input("150")
    by_label(form, t("field.developer_share")).input("0")
    by_label(at.button, t("billing.add_rate")).click().run()
    ok(at)
    assert [s.value for s in at.success] == [t("billing.rate_saved")]
    by_label(at.button, t("billing.preview")).click().run()
    preview = collections.preview_billing(engine, SYSTEM, project, month)
    # A full month for each unit, less for one handed over this month (from its handover day: the
    # demo's move-in batch may be handing over today).
    prorated = preview.by_how.get("prorated", 0)
    assert preview.bills > 0 and set(preview.by_item) == {"parking"}
    assert (preview.bills - prorated) * 15000 <= preview.by_item["parking"] <= preview.bills * 15000
    assert prorated or preview.by_item["parking"] == preview.bills * 15000
    shown = {m.label: m.value for m in at.metric}
    assert (shown[t("billing.bills")], shown[t("billing.total")]) == (f"{preview.bills:,}", yuan(preview.cents))
    by_label(at.button, t("billing.confirm")).click().run()
    ok(at)
    assert bills(engine, project, month, "parking") == preview.bills
    assert [s.value for s in at.success] == [t("billing.done", bills=preview.bills, amount=yuan(preview.cents),
                                                settled=yuan(0))]
    runs = at.dataframe[-1].value
    assert runs[t("billing.bills")].tolist() == [preview.bills]
    manager = users.staff_names(engine)["manager"]          # who ran it, by the name staff know
    assert runs[t("ledger.col.by")].tolist() == [manager] != ["manager"]

    # A second run of the month bills nothing twice, and says so.
    by_label(at.button, t("billing.preview")).click().run()
    assert t("billing.nothing", already=already + preview.bills) in [i.value for i in at.info]
    assert bills(engine, project, month, "parking") == preview.bills

    # Undone whole: the confirmation box first.
    by_label(at.button, t("billing.undo")).click().run()
    assert [e.value for e in at.error] == [t("billing.undo_tick")]
    by_label(at.checkbox, t("billing.undo_sure")).check()
    by_label(at.button, t("billing.undo")).click().run()
    ok(at)
    with engine.connect() as conn:
        run_id = conn.scalar(select(func.max(BillingRun.id)))
    assert [s.value for s in at.success] == [t("billing.undone", id=run_id, bills=preview.bills)]
    assert bills(engine, project, month, "parking") == 0
    assert at.dataframe[-1].value[t("billing.undone_by")].tolist() == [manager]
    st.cache_data.clear()
