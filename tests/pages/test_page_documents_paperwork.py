"""Documents page: a receipt number typed at the desk finds its payment and prints it; the admin
edits a letter template, sees a preview and is refused an unknown placeholder by name; roles
without the page are refused."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.i18n import translate
from db.collection_models import Bill
from db.models import Unit
from page_helpers import by_label, texts
from services import collections
from ui.widgets import md_plain


def _a_payment(page_db) -> str:
    with page_db.engine.connect() as conn:
        unit_id = conn.scalar(select(Bill.unit_id).where(Bill.project_id == page_db.batch_project)
                              .order_by(Bill.id).limit(1))
        assert conn.scalar(select(Unit.id).where(Unit.id == unit_id))
    return collections.record_payment(page_db.engine, Actor("admin", Role.ADMIN), unit_id, "10.00", date.today(),
                                      "cash", hold_credit=True).receipt_no


def test_a_receipt_number_finds_the_payment_and_offers_its_receipt(page_db, run_page):
    receipt = _a_payment(page_db)
    at = run_page("paperwork", "manager")
    assert not at.exception
    at.text_input(key="docs_q").input(receipt.lower()).run()
    assert not at.exception
    assert translate("docs.receipt") in " ".join(texts(at))
    assert not at.warning


def test_an_unknown_number_says_so(run_page):
    at = run_page("paperwork", "frontdesk")
    at.text_input(key="docs_q").input("SJ-2026-9999999").run()
    assert any(translate("docs.find_none", q=md_plain("SJ-2026-9999999")) in w.value for w in at.warning)


def test_admin_previews_and_is_refused_an_unknown_placeholder_by_name(run_page):
    at = run_page("paperwork", "admin")
    assert not at.exception
    assert translate("docs.template_default") in texts(at)
    body = by_label(at.text_area, translate("field.body"))
    assert "{arrears_capitals}" in body.value
    body.input("尊敬的{owner}：请缴清{fee_total}元。")
    by_label(at.button, translate("docs.save_template")).click()
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(md_plain("fee_total") in e for e in errors), errors   # named, as markdown shows it
    body = by_label(at.text_area, translate("field.body"))
    assert "{fee_total}" in body.value                     # the typed text is kept
    body.input("尊敬的{owner}：请缴清{arrears}元。")
    by_label(at.button, translate("docs.preview")).click()
    at.run()
    assert not at.exception and not at.error
    assert any(translate("docs.preview_caption") == getattr(i, "caption", None) for i in at.get("imgs")) or \
        at.get("download_button")


def test_the_frontdesk_sees_no_template_editor(run_page):
    at = run_page("paperwork", "frontdesk")
    assert not at.exception and translate("docs.templates") not in texts(at)


def test_roles_without_the_page_are_refused(run_page):
    for role in ("supervisor", "trainer"):
        at = run_page("paperwork", role)
        assert at.error and translate("docs.find") not in texts(at)
