"""Documents made from stored data (services.documents), on SQLite and PostgreSQL: each PDF is
read back with pdftotext and checked against the store, and its first page is saved as a PNG
under tests/artifacts/documents/ to look at."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import insert, select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.collections.ledger import due_date
from core.errors import NotFound, ValidationError
from core.org.model import UnitStatus
from db.case_models import CaseRow, SessionAttendee, SessionCase, TrainingSession
from db.collection_models import Bill
from db.document_models import DocumentRow
from db.models import Company, StaffUser, Unit
from db.movein_models import MoveinAppointment, MoveinBatch, MoveinDefect, MoveinStep
from db.uow import UnitOfWork
from pdf_check import flat, no_raw_keys, page_count, pdf_text, save_first_page
from services import collections, documents, org
from store_helpers import add_project, row

TODAY = date(2026, 5, 6)
ADMIN = Actor("admin", Role.ADMIN)
DESK = Actor("desk01", Role.FRONTDESK)
SUPERVISOR = Actor("sup", Role.SUPERVISOR)
TRAINER = Actor("trainer", Role.TRAINER)


@pytest.fixture
def store(engine):
    pid = add_project(engine, "SZ01", "翠湖园", "深圳", buildings=("3", "10"))
    org.import_units(engine, ADMIN, pid, [
        row("3-1906", "王伟", "13812345678", UnitStatus.OCCUPIED, "89.50"),
        row("3-201", "李娜", "13912345678", UnitStatus.OCCUPIED, "98.00"),
        row("10-101", "张伟", "13700001111", UnitStatus.OCCUPIED, "143.00"),
        row("3-1902", "刘洋", "13600001801", UnitStatus.OCCUPIED, "89.50"),
        row("3-1001", "陈静", "13600001802", UnitStatus.OCCUPIED, "89.50"),
    ])
    with engine.begin() as conn:
        conn.execute(insert(Company).values(name="翠湖物业服务有限公司", is_demo=False, version=1))
        conn.execute(insert(StaffUser).values(username="desk01", display_name="前台小陈", role="frontdesk",
                                              password_hash="x", all_projects=True))
        units = dict(conn.execute(select(Unit.room_no, Unit.id).where(Unit.project_id == pid)).all())
        for room in units:
            for period in ("2026-02", "2026-03", "2026-04"):
                conn.execute(insert(Bill).values(project_id=pid, unit_id=units[room], period=period, item="property",
                                                 amount_cents=23270, paid_cents=0, waived_cents=0,
                                                 due=due_date(period)))
    return engine, pid, units


def _pay(engine, unit_id, amount, hold=False):
    return collections.record_payment(engine, DESK, unit_id, amount, TODAY, "wechat", hold_credit=hold, today=TODAY)


def test_receipt_shows_the_payment_as_stored_and_a_second_print_says_reprint(store):
    engine, pid, units = store
    paid = _pay(engine, units["3-1906"], "500.00", hold=True)      # two months settled, 34.60 held
    first = documents.issue_receipt(engine, DESK, paid.payment_id)
    text = flat(pdf_text(first.pdf))
    for expected in ("翠湖物业服务有限公司", "收款收据", paid.receipt_no, "3-1906", "王伟", "前台小陈", "微信",
                     "2026-02", "2026-03", "500.00", "人民币伍佰元整", "34.60", first.number):
        assert expected in text, expected
    assert "补打" not in text and "作废" not in text and no_raw_keys(text) == []
    assert first.reprint_of is None and page_count(first.pdf) == 1
    save_first_page(first.pdf, "receipt")
    again = documents.issue_receipt(engine, DESK, paid.payment_id)
    text = flat(pdf_text(again.pdf))
    assert again.number != first.number and again.reprint_of == first.document_id
    assert "补打" in text and "第2次打印" in text and paid.receipt_no in text
    save_first_page(again.pdf, "receipt_reprint")


def test_a_void_payment_prints_as_void_with_what_it_had_settled(store):
    engine, pid, units = store
    paid = _pay(engine, units["3-201"], "232.70")
    collections.void_payment(engine, DESK, paid.payment_id, "金额录错")
    receipt = documents.issue_receipt(engine, DESK, paid.payment_id)
    text = flat(pdf_text(receipt.pdf))
    assert "作废" in text and "金额录错" in text and "2026-02" in text and "232.70" in text
    save_first_page(receipt.pdf, "receipt_void")


def test_a_receipt_number_finds_the_payment_and_every_print(store):
    engine, pid, units = store
    paid = _pay(engine, units["3-1906"], "232.70")
    assert documents.find_document(engine, DESK, paid.receipt_no)[0].payment_id == paid.payment_id   # never printed
    first = documents.issue_receipt(engine, DESK, paid.payment_id)
    documents.issue_receipt(engine, DESK, paid.payment_id)
    found = documents.find_document(engine, DESK, paid.receipt_no.lower())
    assert [f.reprint for f in found] == [False, True] and {f.room_no for f in found} == {"3-1906"}
    assert [f.number for f in documents.find_document(engine, DESK, f"DOC:{first.number};REF:x")] == [first.number]
    other = Actor("desk02", Role.FRONTDESK, (pid + 1,))
    assert documents.find_document(engine, other, paid.receipt_no) == []


def test_notices_one_per_owing_unit_in_round_order_with_totals_and_progress(store):
    engine, pid, units = store
    _pay(engine, units["3-1902"], "698.10")                  # settled: no notice
    seen = []
    issued = documents.payment_notices(engine, DESK, pid, "2026-04", progress=lambda d, n: seen.append((d, n)),
                                       today=TODAY)
    assert issued.count == 4 and page_count(issued.pdf) == 4 and seen[-1] == (4, 4)
    text = pdf_text(issued.pdf)
    pages = [flat(p) for p in text.split("\f") if p.strip()]
    assert [next(r for r in ("3-201", "3-1001", "3-1906", "10-101") if r in p) for p in pages] == \
        ["3-201", "3-1001", "3-1906", "10-101"]
    assert "3-1902" not in text
    first = pages[0]
    for expected in ("李娜", "物业费缴费通知单", "2026-02", "2026-03", "2026-04", "698.10", "人民币陆佰玖拾捌元壹角整",
                     "2026-04-15", f"{issued.number}-0001", "缴费方式"):
        assert expected in first, expected
    save_first_page(issued.pdf, "notices")
    assert documents.find_document(engine, DESK, f"{issued.number}-0003")[0].number == issued.number


def test_notices_of_one_building_and_the_projects_own_how_to_pay(store):
    engine, pid, units = store
    with engine.connect() as conn:
        from db.models import Building
        b10 = conn.scalar(select(Building.id).where(Building.project_id == pid, Building.name == "10"))
    documents.set_how_to_pay(engine, ADMIN, pid, "请扫描服务中心前台的收款码缴费。")
    issued = documents.payment_notices(engine, DESK, pid, "2026-03", building_id=b10, today=TODAY)
    text = flat(pdf_text(issued.pdf))
    assert issued.count == 1 and "10-101" in text and "3-1906" not in text
    assert "请扫描服务中心前台的收款码缴费" in text and "465.40" in text and "2026-04" not in text


def test_no_owing_unit_makes_no_notices_and_records_nothing(store):
    engine, pid, units = store
    with pytest.raises(ValidationError) as e:
        documents.payment_notices(engine, DESK, pid, "2025-01", today=TODAY)
    assert e.value.key == "err.notices_none"
    with pytest.raises(ValidationError):
        documents.payment_notices(engine, DESK, pid, "2026-4", today=TODAY)
    with engine.connect() as conn:
        assert conn.scalar(select(DocumentRow.id)) is None


def test_letter_template_versions_and_letters_record_the_version_they_used(store):
    engine, pid, units = store
    default = documents.letter_template(engine, ADMIN, "reminder")
    assert default.version == 0 and "{arrears_capitals}" in default.body
    letter = documents.issue_letter(engine, DESK, units["3-1906"], "reminder", today=TODAY)
    text = flat(pdf_text(letter.pdf))
    for expected in ("王伟", "3-1906", "698.10", "陆佰玖拾捌元壹角整", "2026-02", "2026-04", "翠湖物业服务有限公司",
                     "函件模板第0版"):
        assert expected in text, expected
    assert "{" not in text and no_raw_keys(text) == []
    save_first_page(letter.pdf, "letter_reminder")
    with pytest.raises(ValidationError) as e:
        documents.save_letter_template(engine, ADMIN, "reminder", "催缴函", "{owner}您好，欠费{debt}元。")
    assert e.value.params["name"] == "debt"
    v = documents.save_letter_template(engine, ADMIN, "reminder", "第二次催缴（{room}）",
                                       "{owner}您好：\n{room}欠费{arrears}元，请于{pay_by}前缴清。")
    assert v == 1 and documents.letter_template(engine, DESK, "reminder").version == 1
    second = documents.issue_letter(engine, DESK, units["3-1906"], "reminder", today=TODAY)
    text = flat(pdf_text(second.pdf))
    assert "第二次催缴（3-1906）" in text and "王伟您好" in text and "函件模板第1版" in text
    with engine.connect() as conn:
        assert conn.execute(select(DocumentRow.template_version).where(DocumentRow.kind == "reminder")
                            .order_by(DocumentRow.id)).scalars().all() == [0, 1]
    lawyer = documents.issue_letter(engine, DESK, units["10-101"], "lawyer", today=TODAY)
    text = flat(pdf_text(lawyer.pdf))
    assert "律师函" in text and "第九百四十四条" in text and "张伟" in text and "第一百九十五条" in text
    save_first_page(lawyer.pdf, "letter_lawyer")


def test_a_letter_preview_is_marked_and_records_nothing(store):
    engine, pid, units = store
    preview = documents.preview_letter(engine, ADMIN, "reminder", "催缴函", "{owner}：欠费{arrears}元。")
    text = flat(pdf_text(preview.pdf))
    assert preview.document_id is None and "预览" in text and "张三" in text
    with engine.connect() as conn:
        assert conn.scalar(select(DocumentRow.id)) is None


def test_a_unit_that_owes_nothing_gets_no_letter(store):
    engine, pid, units = store
    _pay(engine, units["3-1902"], "698.10")
    with pytest.raises(ValidationError) as e:
        documents.issue_letter(engine, DESK, units["3-1902"], "lawyer", today=TODAY)
    assert e.value.key == "err.no_arrears"


@pytest.fixture
def household(store):
    engine, pid, units = store
    at = datetime(2026, 5, 2, 2, 30, tzinfo=timezone.utc)   # 10:30 in China
    with engine.begin() as conn:
        batch = conn.execute(insert(MoveinBatch).values(
            project_id=pid, name="一期交付", start=date(2026, 5, 1), days=10, opens=time(9), closes=time(17),
            hall_m2=150.0, stations=[{"code": c, "mean_min": 5, "sd_min": 1, "staff": 1, "max_staff": 3}
                                     for c in ("notice", "documents", "inspection", "signing", "payment", "keys")],
            staffing={}, zones=[])).inserted_primary_key[0]
        appt = conn.execute(insert(MoveinAppointment).values(
            batch_id=batch, unit_id=units["3-1906"], day=date(2026, 5, 2), slot_hour=10, stations_done=4,
            arrived_at=at)).inserted_primary_key[0]
        for i, code in enumerate(("notice", "documents", "inspection", "signing")):
            conn.execute(insert(MoveinStep).values(appointment_id=appt, station=code, seq=i, finished_at=at,
                                                   staff="desk01"))
        for loc, kind, sev, note in (("kitchen", "plumbing", "major", "水槽下方渗水"), ("bedroom", "wall", "minor", "墙面裂缝")):
            conn.execute(insert(MoveinDefect).values(batch_id=batch, unit_id=units["3-1906"], location=loc, kind=kind,
                                                     severity=sev, responsible="developer", note=note,
                                                     created_by="sup"))
    return engine, pid, batch, appt


def test_handover_form_and_defect_list_from_the_stored_household(household):
    engine, pid, batch, appt = household
    form = documents.issue_handover(engine, SUPERVISOR, appt)
    text = flat(pdf_text(form.pdf))
    for expected in ("房屋交接单", "3-1906", "王伟", "一期交付", "2026-05-02", "2026-05-0210:30", "前台小陈",
                     "查验入住通知书", "发放钥匙", "入户门钥匙", "水表", "住宅质量保证书", "2项未整改", "业主签字"):
        assert expected in text, expected
    assert no_raw_keys(text) == []
    save_first_page(form.pdf, "handover")
    defects = documents.issue_defect_list(engine, SUPERVISOR, appt)
    text = flat(pdf_text(defects.pdf))
    for expected in ("验房问题确认单", "厨房", "给排水", "较重", "开发商", "水槽下方渗水", "墙面裂缝", "未整改", "业主签字"):
        assert expected in text, expected
    save_first_page(defects.pdf, "defects")
    assert documents.appointment_of(engine, SUPERVISOR, batch, form and household[0] and
                                    engine.connect().execute(select(MoveinAppointment.unit_id)).scalar()) == appt
    with pytest.raises(NotFound):
        documents.issue_handover(engine, SUPERVISOR, appt + 99)


@pytest.fixture
def session(store):
    engine, pid, units = store
    with engine.begin() as conn:
        conn.execute(insert(StaffUser).values(username="chenxh", display_name="陈晓红", role="frontdesk",
                                              password_hash="x", all_projects=True))
        case = conn.execute(insert(CaseRow).values(
            title="停电一小时无人回电", story="晚上停电，业主打了三次电话。\n第二天才有人回电。",
            outcome="经理上门致歉并整改交接班制度。", lesson="谁受理谁跟进：前台接到的电话要跟到底。",
            questions=["前台该怎样跟进？", "交接班该记什么？"], kind="complaint", topics=",callback,",
            method_steps=",register,callback,", status="published", created_by="trainer")).inserted_primary_key[0]
        sid = conn.execute(insert(TrainingSession).values(title="投诉处理", held_on=date(2026, 5, 8),
                                                          trainer="trainer")).inserted_primary_key[0]
        conn.execute(insert(SessionCase).values(session_id=sid, case_id=case, position=0))
        for u in ("chenxh", "desk01"):
            conn.execute(insert(SessionAttendee).values(session_id=sid, username=u))
    return engine, sid


def test_trainee_handout_has_no_lesson_and_the_trainer_one_has_it(session):
    engine, sid = session
    trainee = flat(pdf_text((t := documents.issue_handout(engine, TRAINER, sid, "trainee")).pdf))
    save_first_page(t.pdf, "handout_trainee")
    assert "停电一小时无人回电" in trainee and "第二天才有人回电" in trainee and "交接班该记什么" in trainee
    assert "谁受理谁跟进" not in trainee and "经理上门致歉" not in trainee and "学员版" in trainee
    trainer = flat(pdf_text((t := documents.issue_handout(engine, TRAINER, sid, "trainer")).pdf))
    save_first_page(t.pdf, "handout_trainer")
    assert "谁受理谁跟进" in trainer and "经理上门致歉" in trainer and "受理登记" in trainer and "讲师版" in trainer


def test_sign_in_sheet_lists_the_attendees_by_name(session):
    engine, sid = session
    sheet = documents.issue_sign_in(engine, TRAINER, sid)
    text = flat(pdf_text(sheet.pdf))
    assert "培训签到表" in text and "陈晓红" in text and "前台小陈" in text and "投诉处理" in text
    save_first_page(sheet.pdf, "sign_in")


def test_a_resent_request_prints_the_same_document_once(store):
    engine, pid, units = store
    paid = _pay(engine, units["3-1906"], "232.70")
    a = documents.issue_receipt(engine, DESK, paid.payment_id, request_key="k1")
    b = documents.issue_receipt(engine, DESK, paid.payment_id, request_key="k1")
    assert a.number == b.number and b.reprint_of is None
    with engine.connect() as conn:
        assert len(conn.execute(select(DocumentRow.id)).all()) == 1
