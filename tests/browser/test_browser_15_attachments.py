"""Attachments in the browser (issue 14, item 4): the front desk uploads a photo on a ticket at
1280x800, sees its thumbnail, opens it large. Screenshots: tests/browser/screenshots/attach_*.png."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from browser_actions import button, main, settle, snap, wait_text, wait_until
from browser_helpers import SCREENSHOTS, main_text, open_url
from core.auth.roles import Role
from core.complaints.workflow import Actor
from core.i18n import translate as t

pytestmark = pytest.mark.browser
DESK = {"width": 1280, "height": 800}
FRONTDESK = Actor("frontdesk", Role.FRONTDESK)


def _ticket(engine, project_id: int) -> str:
    from db.models import Unit
    from services import complaints

    with engine.connect() as conn:
        unit_id = conn.scalar(select(func.min(Unit.id)).where(Unit.project_id == project_id))
    return complaints.register(engine, FRONTDESK, unit_id=unit_id, project_id=project_id, channel="walk_in",
                               complainant="测试业主", phone=None, content="卫生间天花板渗水，已拍照。",
                               category="repairs")


def test_a_photo_uploaded_on_a_ticket_shows_as_a_thumbnail(server, browser_db, new_page, signed_in_state, engine):
    from services import complaint_attachments

    number = _ticket(engine, browser_db.batch_project)
    picture = SCREENSHOTS / "attach_upload.jpg"
    img = Image.new("RGB", (1200, 900), (70, 130, 180))
    for x in range(0, 1200, 100):                               # something to see in the thumbnail
        img.paste((240, 240, 240), (x, 0, x + 40, 900))
    img.save(picture, "JPEG")
    page = new_page(storage_state=signed_in_state("frontdesk"))
    page.set_viewport_size(DESK)
    open_url(page, f"{server.base_url}/complaint?n={number}")
    wait_text(page, t("att.none"), where="ticket without attachments")
    main(page).locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(picture))
    wait_until(lambda: "attach_upload.jpg" in main_text(page), 30, "the chosen file is not listed")
    button(page, t("att.submit")).click()
    settle(page)
    wait_text(page, t("att.saved"), where="after the upload")
    thumbs = main(page).locator('[data-testid="stImage"] img')
    wait_until(lambda: thumbs.count() == 1, 30, f"no thumbnail: {main_text(page)[:600]}")
    assert thumbs.first.bounding_box()["width"] <= 170           # a thumbnail, not the whole photo
    [stored] = complaint_attachments.for_ticket(engine, FRONTDESK, number)
    assert stored.name == "attach_upload.jpg" and stored.thumb
    snap(page, "attach_1_thumbnail")
    button(page, t("att.open")).click()
    settle(page)
    dialog = page.locator('[role="dialog"]')
    wait_until(lambda: dialog.locator("img").count() == 1, 30, "the photo did not open large")
    assert dialog.locator("img").first.bounding_box()["width"] > 400
    snap(page, "attach_2_large")
