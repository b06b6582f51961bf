"""Proof of delivery in a real browser at 1024x768 (issue 15): the front desk records a lawyer's
letter delivered, with a photo of the signed copy uploaded through the worklist form. A text file
named like a photo is refused by the server with the message that names the problem, and nothing
is recorded; the real photo is kept, the unit's ledger shows the proof and the photo, and the
limitation date moves three years on. Screenshots: tests/browser/screenshots/delivery_*.png."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from browser_actions import (button, choose_in_select, form_with, main, metric_value, settle, snap, textbox, wait_text,
                             wait_until)
from browser_helpers import (ERROR_BOX, SCREENSHOTS, assert_clean, eventually, main_text, open_url, wait_idle,
                             wait_painted)
from core.clock import local_today
from core.collections.dunning import add_years
from core.i18n import translate as t

pytestmark = pytest.mark.browser


def signed_copy_png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 400), (250, 250, 245))
    draw = ImageDraw.Draw(img)
    draw.rectangle((20, 20, 580, 380), outline=(30, 30, 30), width=3)
    draw.line((360, 320, 540, 300), fill=(20, 40, 160), width=4)     # a signature, of sorts
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _warned_unit(engine):
    """A unit high on the front desk's own worklist (the form offers those), not yet expired."""
    from services import collections
    from services.users import get_account
    from core.auth.actor import Actor

    desk = get_account(engine, "frontdesk")
    actor = Actor("frontdesk", desk.role, None if desk.all_projects else tuple(sorted(desk.project_ids)))
    work = collections.worklist(engine, actor, local_today())
    mine = work[(work["staff"] == "frontdesk") & ~work["expired"]]
    assert not mine.empty, "the demo's front desk should have a worklist"
    row = mine.iloc[0]
    return int(row["unit_id"]), row["project"], row["room_no"], row["expires"]


def _actions(engine, unit_id: int) -> list:
    from db.collection_models import DeliveryProofFile, DunningAction

    with engine.connect() as conn:
        return conn.execute(select(DunningAction.id, DunningAction.proof_kind, DeliveryProofFile.kind)
                            .outerjoin(DeliveryProofFile, DeliveryProofFile.action_id == DunningAction.id)
                            .where(DunningAction.unit_id == unit_id).order_by(DunningAction.id)).all()


def _upload(page, name: str, data: bytes, mime: str) -> None:
    field = main(page).locator('[data-testid="stFileUploaderDropzoneInput"]')
    field.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    assert eventually(lambda: name in main_text(page), 30), f"{name} not shown as uploaded"
    wait_idle(page)


def _fill_delivery(page, project: str, room: str) -> None:
    choose_in_select(page, t("work.unit"), room, option=f"{project} {room}")
    choose_in_select(page, t("field.step"), t("step.lawyer"))
    choose_in_select(page, t("ledger.col.outcome"), t("outcome.delivered"))
    form = form_with(page, t("work.record"))
    form.get_by_text(t("work.delivered"), exact=True).click()
    form.locator('[data-testid="stRadio"] label').filter(has_text=t("proof.kind.signed_copy")).first.click()


def test_a_delivery_with_a_photo_of_the_signed_copy_restarts_the_clock(server, new_page, signed_in_state, engine):
    unit_id, project, room, expires_before = _warned_unit(engine)
    before = _actions(engine, unit_id)
    page = new_page(storage_state=signed_in_state("frontdesk"))
    open_url(page, server.base_url + "/collection_worklist")
    wait_text(page, t("work.record"), where="worklist")
    _fill_delivery(page, project, room)

    # A text file with a photo's name: the server reads its bytes and refuses it, naming why.
    _upload(page, "signed_copy.jpg", b"this is not a photo, only its name says so\n" * 20, "image/jpeg")
    button(page, t("work.record"), form_with(page, t("work.record"))).click()
    settle(page)
    refusal = t("err.upload_type", kinds="JPG, PNG, WebP, PDF")
    assert eventually(lambda: refusal in " ".join(page.locator(ERROR_BOX).all_inner_texts()), 40), main_text(page)[:800]
    assert page.locator('[data-testid="stException"]').count() == 0
    assert _actions(engine, unit_id) == before                      # nothing recorded half-way
    assert page.locator(ERROR_BOX).count() == 1, page.locator(ERROR_BOX).all_inner_texts()   # that one only
    wait_painted(page)
    page.screenshot(path=str(SCREENSHOTS / "delivery_1_refused_upload.png"), full_page=True)

    # The real photo: recorded, with its file.
    _upload(page, "signed_copy.png", signed_copy_png(), "image/png")
    button(page, t("work.record"), form_with(page, t("work.record"))).click()
    settle(page)
    wait_until(lambda: len(_actions(engine, unit_id)) == len(before) + 1, 40,
               f"delivery not stored: {main_text(page)[:600]}")
    _, kind, file_kind = _actions(engine, unit_id)[-1]
    assert (kind, file_kind) == ("signed_copy", "png")
    wait_text(page, t("work.saved"), where="delivery saved")
    snap(page, "delivery_2_recorded")

    # The unit's ledger: the proof, the photo behind its toggle, the limitation date three years on.
    ledger = new_page(storage_state=signed_in_state("frontdesk"))
    open_url(ledger, server.base_url + "/units")
    search = textbox(ledger, t("units.search"))
    search.fill(room)
    search.press("Enter")
    settle(ledger)
    wait_text(ledger, t("ledger.title"), where="unit ledger")
    moved = add_years(local_today(), 3)
    assert moved > expires_before
    assert metric_value(ledger, t("ledger.limitation")) == moved.isoformat()
    assert t("ledger.last_proven", day=local_today().isoformat()) in main_text(ledger)
    toggle = t("ledger.show_proof", day=local_today().isoformat(), step=t("step.lawyer"))
    main(ledger).get_by_text(toggle, exact=True).first.click()
    settle(ledger)
    image = main(ledger).locator('[data-testid="stImage"] img')
    assert eventually(lambda: image.count() >= 1, 40), main_text(ledger)[:600]
    # the photo itself arrived and decoded in the browser, not a broken-image icon
    assert eventually(lambda: image.first.evaluate("img => img.complete && img.naturalWidth") >= 400, 30)
    image.first.scroll_into_view_if_needed()
    assert_clean(ledger, "ledger with proof")
    snap(ledger, "delivery_3_ledger_with_proof")
