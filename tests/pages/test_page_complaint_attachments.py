"""The ticket page's attachments, the unit record's, and the close as unreachable, run as their roles
would (issue 14, items 4 and 7)."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from core.auth.roles import Role
from core.complaints.workflow import Actor
from core.i18n import translate
from db.base import utcnow
from db.models import ComplaintRow
from services import complaint_attachments as att
from services import complaint_incidents as incidents
from services import complaints
from ui.widgets import md_plain
from test_page_complaints import FRONTDESK, by_label, ok, open_page, rooms  # noqa: F401

t = translate
CALLER = Actor("reader", Role.MANAGER)        # calls owners back: neither receiver nor handler
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def new_ticket(page_db, unit_id: int) -> str:
    """A walk-in ticket registered by frontdesk, waiting for 判定."""
    return complaints.register(page_db.engine, FRONTDESK, unit_id=unit_id, project_id=page_db.batch_project,
                               channel="walk_in", complainant="测试业主", phone=None, place="",
                               content="卫生间天花板渗水。", category="repairs")


def photo(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(out, "JPEG")
    return out.getvalue()


def images(at) -> list:
    return at.get("image")


def test_the_ticket_shows_its_attachments_as_thumbnails(page_db, rooms):
    number = new_ticket(page_db, rooms["fresh"][0].id)
    att.upload(page_db.engine, FRONTDESK, number, photo((200, 60, 60)), "天花板渗水.jpg")
    att.upload(page_db.engine, FRONTDESK, number, photo((60, 60, 200)), "墙面.jpg")
    att.upload(page_db.engine, FRONTDESK, number, PDF, "业主来信.pdf")
    at = ok(open_page(page_db.engine, "complaint", "frontdesk", n=number))
    assert t("att.title") in [s.value for s in at.subheader]
    assert len(images(at)) == 2                                              # two thumbnails, the PDF as a label
    captions = " ".join(c.value for c in at.caption)
    assert md_plain("天花板渗水.jpg") in captions and md_plain("业主来信.pdf") in captions   # escaped: shown as typed
    assert any(t("att.pdf") in m.value for m in at.markdown)
    assert len([b for b in at.button if b.label == t("att.open")]) == 3
    # the uploader may still take one back; the page offers it
    assert t("att.remove_help", minutes=30) in [c.value for c in at.caption]


def test_a_ticket_without_attachments_says_what_to_do(page_db, rooms):
    number = new_ticket(page_db, rooms["fresh"][1].id)
    at = ok(open_page(page_db.engine, "complaint", "frontdesk", n=number))
    assert t("att.none") in [c.value for c in at.caption]
    assert images(at) == []


def test_opening_an_attachment_shows_it_large(page_db, rooms):
    number = new_ticket(page_db, rooms["fresh"][2].id)
    att.upload(page_db.engine, FRONTDESK, number, photo((10, 160, 10)), "门口.jpg")
    at = ok(open_page(page_db.engine, "complaint", "frontdesk", n=number))
    by_label(at.button, t("att.open")).click()
    at = ok(at.run())
    assert len(images(at)) == 2                                              # the thumbnail and the large one
    assert "门口.jpg" in [x.value for x in at.text]


def test_a_scan_opens_as_a_download(page_db, rooms):
    number = new_ticket(page_db, rooms["fresh"][8].id)
    att.upload(page_db.engine, FRONTDESK, number, PDF, "业主来信.pdf")
    at = ok(open_page(page_db.engine, "complaint", "frontdesk", n=number))
    by_label(at.button, t("att.open")).click()
    at = ok(at.run())
    downloads = [d for d in at.get("download_button") if d.proto.label == t("att.download")]
    assert len(downloads) == 1


def test_the_units_record_shows_the_attachments_of_its_complaints(page_db, rooms):
    room, unit_id = rooms["fresh"][3].room_no, rooms["fresh"][3].id
    number = new_ticket(page_db, unit_id)
    att.upload(page_db.engine, FRONTDESK, number, photo((90, 90, 30)), "阳台.jpg")
    at = open_page(page_db.engine, "units", "frontdesk")
    by_label(at.text_input, t("units.search")).input(room)
    at = ok(at.run())
    assert t("att.unit_title") in [s.value for s in at.subheader]
    assert len(images(at)) >= 1
    assert any(t("att.ticket", number=number) == link.label for link in at.get("page_link"))


def unreachable_ticket(page_db, unit_id) -> str:
    """A ticket at its call-back, root cause recorded, owner unanswered on three different days."""
    e = page_db.engine
    start = utcnow() - timedelta(days=10)
    number = complaints.register(e, FRONTDESK, unit_id=unit_id, project_id=page_db.batch_project, channel="walk_in",
                                 complainant="测试业主", phone=None, place="", content="地下车库渗水。",
                                 category="repairs", now=start)
    steps = [("judge_valid", {}), ("investigate", {"cause": "顶板防水破损"}),
             ("assign", {"department": "工程部", "handler": "admin"}), ("propose", {"options": ["重做防水"]}),
             ("agree", {"steps": "重做防水", "agreed_at": start + timedelta(days=2)}),
             ("implement", {"record": "已重做"}), ("feedback", {"confirmed": True}),
             ("record_root_cause", {"root_cause": "防水老化", "prevention": "每年检查"})]
    for i, (action, data) in enumerate(steps, start=1):
        c = complaints.load(e, CALLER, number)
        complaints.act(e, FRONTDESK, number, c.version, action, now=start + i * timedelta(hours=1), **data)
    for day in (1, 2, 4):
        c = complaints.load(e, CALLER, number)
        complaints.act(e, CALLER, number, c.version, "callback", now=start + timedelta(days=day), reached=False)
    return number


def test_a_manager_closes_an_unreachable_owners_ticket(page_db, rooms):
    number = unreachable_ticket(page_db, rooms["fresh"][4].id)
    desk = ok(open_page(page_db.engine, "complaint", "frontdesk", n=number))
    assert t("action.close_unreachable") not in [o for r in desk.radio for o in r.options]
    assert t("unreachable.days", n=3, needed=3) in [c.value for c in desk.caption]
    at = ok(open_page(page_db.engine, "complaint", "manager", n=number))
    radio = [r for r in at.radio if t("action.close_unreachable") in r.options][0]
    radio.set_value("close_unreachable")
    at = ok(at.run())
    by_label(at.button, t("action.close_unreachable")).click()
    at = ok(at.run())
    with page_db.engine.connect() as conn:
        stage, closed_as = conn.execute(select(ComplaintRow.stage, ComplaintRow.closed_as)
                                        .where(ComplaintRow.number == number)).one()
    assert (stage, closed_as) == ("closed", "unreachable")
    assert t("unreachable.closed") in [i.value for i in at.info]


def test_an_incident_is_opened_from_its_first_ticket_and_takes_a_caller(page_db, rooms):
    e = page_db.engine
    number = new_ticket(page_db, rooms["fresh"][5].id)
    at = ok(open_page(e, "complaint", "frontdesk", n=number))
    by_label(at.text_input, t("field.incident_title")).input("5栋停电")
    by_label(at.text_area, t("field.incident_cause")).input("配电房开关跳闸")
    by_label(at.button, t("inc.open_submit")).click()
    at = ok(at.run())
    assert t("inc.section", title="5栋停电") in [s.value for s in at.subheader]
    assert t("inc.opened") in [s.value for s in at.success]
    assert not at.warning or t("err.conflict") not in [w.value for w in at.warning]   # its own change: no conflict
    view = incidents.for_ticket(e, FRONTDESK, number)
    assert [m["number"] for m in view.members] == [number]
    by_label(at.text_input, t("cnew.room")).input(rooms["fresh"][6].room_no)
    by_label(at.text_input, t("field.complainant")).input("另一位业主")
    by_label(at.text_area, t("field.content")).input("我家也停电了")
    by_label(at.selectbox, t("field.channel")).set_value("walk_in")
    by_label(at.button, t("inc.add_submit")).click()
    at = ok(at.run())
    view = incidents.for_ticket(e, FRONTDESK, number)
    assert len(view.members) == 2
    added = view.members[1]["number"]
    assert t("inc.added", number=added) in [s.value for s in at.success]
    assert complaints.load(e, FRONTDESK, added).cause == "配电房开关跳闸"


def test_right_after_registering_the_desk_is_offered_photos_for_that_ticket(page_db, rooms):
    from test_page_complaints import fill, ticket_number

    at = open_page(page_db.engine, "complaint_new", "frontdesk")
    at.text_input(key="cnew_room").input(rooms["fresh"][7].room_no).run()
    by_label(at.selectbox, t("field.channel")).select("walk_in")
    fill(at, complainant="王先生", content="阳台玻璃有裂缝，已拍照。")
    by_label(at.button, t("cnew.submit")).click().run()
    ok(at)
    number = ticket_number(at)
    panel = t("att.for_new", number=number)
    assert f"**{panel}**" in [m.value for m in at.markdown]
    assert by_label(at.button, t("att.submit"))
    att.upload(page_db.engine, FRONTDESK, number, photo((5, 5, 5)), "裂缝.jpg")
    at = ok(at.run())                                                         # the next run still offers it
    assert f"**{panel}**" in [m.value for m in at.markdown] and len(images(at)) == 1
