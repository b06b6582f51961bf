"""Attachments on complaints through the service, on SQLite and PostgreSQL: checked from the bytes
before anything is written, stored once however often sent, listed as thumbnails on the ticket and
the unit, opened only within the actor's projects, removed by the right person with a reason, and
every add and removal audited and in the timeline."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from core.auth.roles import Role
from core.complaints.attachments import UNDO_WINDOW
from core.complaints.workflow import Actor
from core.errors import NotFound, PermissionDenied, ValidationError
from core.uploads import UploadKind
from db.complaint_attachment_models import ComplaintAttachmentRow
from db.models import AuditLog
from services import complaint_attachments as att
from services import complaints as svc
from store_helpers import count
from test_complaints_service import DESK, DESK2, MANAGER, SEES_ALL, cn, reg, scoped, site  # noqa: F401

TRAINER = Actor("su", Role.TRAINER)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def photo(colour=(200, 80, 40), size=(1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def audit(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(AuditLog.actor, AuditLog.action, AuditLog.entity_id)
                            .where(AuditLog.action.like("attachment_%")).order_by(AuditLog.id)).all()


def test_a_photo_uploaded_shows_as_a_thumbnail_and_opens_whole(site):
    e = site.engine
    number = reg(site, cn(2025, 3, 3, 9))
    aid = att.upload(e, DESK, number, photo(), "天花板渗水.jpg", now=cn(2025, 3, 3, 9, 5))
    [a] = att.for_ticket(e, DESK, number, now=cn(2025, 3, 3, 9, 6))
    assert (a.id, a.kind, a.name, a.stage, a.uploaded_by) == (aid, UploadKind.JPEG, "天花板渗水.jpg", "judge", "chen")
    assert a.thumb and len(a.thumb) < len(photo()) and a.removable
    with Image.open(io.BytesIO(a.thumb)) as img:
        assert max(img.size) <= 240
    f = att.open_file(e, DESK2, aid)
    assert (f.data, f.mime, f.number) == (photo(), "image/jpeg", number)
    assert [r.action for r in svc.timeline(e, SEES_ALL, number).itertuples()][-1] == "attach"
    assert audit(e) == [("chen", "attachment_add", number)]
    # the ticket itself is not changed: nobody looking at it gets a conflict
    assert svc.load(e, SEES_ALL, number).version == 1


def test_a_scan_as_pdf_has_no_thumbnail_and_opens_as_pdf(site):
    number = reg(site, cn(2025, 3, 3, 9))
    aid = att.upload(site.engine, DESK, number, PDF, "来信.pdf")
    [a] = att.for_ticket(site.engine, DESK, number)
    assert (a.kind, a.thumb) == (UploadKind.PDF, None)
    assert att.open_file(site.engine, MANAGER, aid).mime == "application/pdf"


@pytest.mark.parametrize("data, key", [(photo()[:-300], "err.upload_broken"), (b"GIF89a" + b"\0" * 200, "err.upload_type"),
                                       (b"", "err.upload_empty")], ids=["cut_off", "gif", "empty"])
def test_a_bad_file_is_refused_and_nothing_is_written(site, data, key):
    number = reg(site, cn(2025, 3, 3, 9))
    with pytest.raises(ValidationError) as info:
        att.upload(site.engine, DESK, number, data, "x.jpg")
    assert info.value.key == key
    assert count(site.engine, ComplaintAttachmentRow) == 0 and audit(site.engine) == []


def test_a_double_tap_uploads_once(site):
    e = site.engine
    number = reg(site, cn(2025, 3, 3, 9))
    first = att.upload(e, DESK, number, photo(), "a.jpg", request_key="k1")
    assert att.upload(e, DESK, number, photo(), "a.jpg", request_key="k1") == first      # the same submission
    assert att.upload(e, DESK2, number, photo(), "again.jpg", request_key="k2") == first  # the same bytes again
    assert count(e, ComplaintAttachmentRow) == 1 and len(audit(e)) == 1
    att.upload(e, DESK, number, photo((10, 200, 10)), "b.jpg")                            # another photo
    assert [a.name for a in att.for_ticket(e, DESK, number)] == ["a.jpg", "b.jpg"]


def test_another_projects_user_can_neither_read_nor_add(site):
    e = site.engine
    number = reg(site, cn(2025, 3, 3, 9))                    # 深圳 (P001)
    aid = att.upload(e, DESK, number, photo(), "a.jpg")
    guangzhou = scoped(site.gz)
    with pytest.raises(NotFound):
        att.open_file(e, guangzhou, aid)
    with pytest.raises(NotFound):
        att.for_ticket(e, guangzhou, number)
    with pytest.raises(NotFound):
        att.upload(e, guangzhou, number, photo((0, 0, 255)), "b.jpg")
    with pytest.raises(NotFound):
        att.remove(e, guangzhou, aid, "不该出现")
    assert att.for_unit(e, guangzhou, site.units[("P001", "3-1906")]) == []
    with pytest.raises(PermissionDenied):
        att.open_file(e, TRAINER, aid)
    assert att.open_file(e, scoped(site.sz), aid).id == aid


def test_the_units_record_lists_the_attachments_of_its_tickets(site):
    e = site.engine
    first, second = reg(site, cn(2025, 3, 3, 9)), reg(site, cn(2025, 3, 5, 9), content="楼道灯不亮", category="service")
    att.upload(e, DESK, first, photo(), "渗水.jpg", now=cn(2025, 3, 3, 9, 5))
    att.upload(e, DESK, second, PDF, "来信.pdf", now=cn(2025, 3, 5, 9, 5))
    other = reg(site, cn(2025, 3, 5, 10), room="3-1907")
    att.upload(e, DESK, other, photo((1, 2, 3)), "别家.jpg")
    items = att.for_unit(e, DESK, site.units[("P001", "3-1906")])
    assert [(a.number, a.name) for a in items] == [(second, "来信.pdf"), (first, "渗水.jpg")]


def test_removal_by_the_uploader_soon_or_a_manager_with_a_reason(site):
    e = site.engine
    number = reg(site, cn(2025, 3, 3, 9))
    at = cn(2025, 3, 3, 9, 5)
    mine = att.upload(e, DESK, number, photo(), "错的.jpg", now=at)
    kept = att.upload(e, DESK, number, photo((9, 9, 9)), "对的.jpg", now=at)
    with pytest.raises(PermissionDenied):
        att.remove(e, DESK2, mine, "不是我传的", now=at + timedelta(minutes=1))
    with pytest.raises(ValidationError):
        att.remove(e, DESK, mine, "", now=at + timedelta(minutes=1))
    att.remove(e, DESK, mine, "选错了照片", now=at + timedelta(minutes=2))
    with pytest.raises(PermissionDenied):
        att.remove(e, DESK, kept, "太晚了", now=at + UNDO_WINDOW + timedelta(minutes=1))
    att.remove(e, MANAGER, kept, "照片含其他业主门牌", now=at + timedelta(days=2))
    assert att.for_ticket(e, DESK, number) == []
    with pytest.raises(NotFound):
        att.open_file(e, MANAGER, mine)                     # the bytes are gone
    with e.connect() as conn:
        rows = conn.execute(select(ComplaintAttachmentRow.data, ComplaintAttachmentRow.removed_by,
                                   ComplaintAttachmentRow.removed_reason).order_by(ComplaintAttachmentRow.id)).all()
    assert rows == [(None, "chen", "选错了照片"), (None, "zhou", "照片含其他业主门牌")]
    assert [a[1] for a in audit(e)] == ["attachment_add", "attachment_add", "attachment_remove", "attachment_remove"]
    actions = list(svc.timeline(e, SEES_ALL, number)["action"])
    assert actions.count("attach") == 2 and actions.count("attach_remove") == 2
