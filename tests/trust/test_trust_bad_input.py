"""Bad input, systematically (issue 7, item 5): every validator and import parser of the core gets
random text (all of Unicode, emoji), huge strings, mixed-width digits, negative and enormous money,
dates far in the past and the future, SQL and HTML fragments, random bytes as files.

Each either returns a valid value or refuses with a DomainError whose key is in both catalogues
(a clear message for the user); nothing else may escape. Two db-level checks on SQLite: a refused
complaint or payment writes nothing, an accepted one writes exactly one."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.auth import passwords
from core.auth import users as account_rules
from core.auth.roles import Role
from core.cases.content import KINDS, METHOD_STEPS, TOPICS
from core.cases.model import CaseDraft, search_terms, validate_case
from core.collections import entries, money
from core.collections.dunning import Outcome, Step
from core.complaints import workflow
from core.complaints.model import Category, Channel, RedLine, Want
from core.i18n import EN, ZH
from core.importing import files
from core.importing import units as unit_import
from core.movein import defects
from core.org import rules
from core.org.model import UnitStatus
from trust_helpers import PROPERTY
from trust_inputs import DAYS, MAYBE, MOMENTS, NASTY, NOW, TODAY, TRIED, settles

ASCII_ROOM = re.compile(r"^[0-9A-Z]{1,4}-[0-9]{3,4}$")


@PROPERTY
@given(NASTY)
def test_org_rules(value):
    ok, out = settles(rules.parse_room_no, value)
    if ok:
        room, floor = out
        assert ASCII_ROOM.match(room) and 1 <= floor <= 99
    ok, out = settles(rules.validate_phone, value)
    if ok:
        assert re.fullmatch(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}", out)
    settles(rules.validate_phone, value, required=False)
    ok, out = settles(rules.validate_name, value)
    if ok:
        assert 0 < len(out) <= rules.MAX_NAME_LEN and out == out.strip()
    ok, out = settles(rules.validate_area, value)
    if ok:
        assert Decimal("0") < out <= rules.MAX_AREA_M2 and out == out.quantize(Decimal("0.01"))
    ok, out = settles(rules.validate_status, value)
    if ok:
        assert isinstance(out, UnitStatus)
    assert isinstance(rules.normalise_text(value), str)
    masked = rules.mask_phone(value)
    assert isinstance(masked, str) and (len(value) <= 7 or masked[3:-4] == "*" * (len(value) - 7))


@PROPERTY
@given(NASTY)
def test_money(value):
    ok, cents = settles(money.parse_yuan, value)
    if ok:
        assert isinstance(cents, int) and 0 < cents <= money.MAX_CENTS
    ok, cents = settles(money.parse_yuan, value, allow_zero=True)
    if ok:
        assert 0 <= cents <= money.MAX_CENTS


@PROPERTY
@given(st.integers(min_value=-10**30, max_value=10**30))
def test_money_shown_back(cents):
    text = money.yuan(cents)
    assert re.fullmatch(r"-?[0-9]{1,3}(,[0-9]{3})*\.[0-9]{2}", text)
    if 0 <= cents <= money.MAX_CENTS:      # what the pages show can be typed back
        assert money.parse_yuan(text, allow_zero=True) == cents


@PROPERTY
@given(NASTY, NASTY, NASTY, st.one_of(st.none(), DAYS), st.one_of(st.sampled_from(entries.METHODS), NASTY))
def test_payment_entry(room, receipt, amount, paid_on, method):
    ok, out = settles(entries.validate_receipt, receipt)
    if ok:
        assert re.fullmatch(r"[A-Z0-9-]{4,30}", out)
    ok, out = settles(entries.validate_payment, room, receipt, amount, paid_on, method, TODAY)
    if ok:
        assert ASCII_ROOM.match(out.room_no) and 0 < out.cents <= money.MAX_CENTS
        assert entries.EARLIEST <= out.paid_on <= TODAY and out.method in entries.METHODS


@PROPERTY
@given(NASTY)
def test_period(value):
    ok, out = settles(entries.validate_period, value, TODAY)
    if ok:   # stored as text and compared as text: it must be the ASCII form
        assert re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", out) and out <= f"{TODAY:%Y-%m}"


@PROPERTY
@given(st.one_of(st.sampled_from([s.value for s in Step]), NASTY),
       st.one_of(st.sampled_from([o.value for o in Outcome]), NASTY),
       st.one_of(st.none(), DAYS), st.one_of(st.none(), DAYS), NASTY)
def test_dunning_action(step, outcome, taken_on, promised_on, note):
    ok, out = settles(entries.validate_action, step, outcome, taken_on, promised_on, note, TODAY)
    if ok:
        assert entries.EARLIEST <= out.taken_on <= TODAY and len(out.note) <= 300


ROW_KEYS = ["房号", "room_no", "收据号", "receipt_no", "金额", "amount", "日期", "paid_on", "方式", "method",
            "账期", "period", "项目", "item", "楼栋", "building", "面积", "area_m2", "状态", "status", "业主姓名",
            "owner_name", "电话", "owner_phone", "特殊需求", "special_needs", "room", "area", "owner", "phone"]
RAW_ROWS = st.lists(st.dictionaries(st.one_of(st.sampled_from(ROW_KEYS), st.text(max_size=8)),
                                    st.one_of(NASTY, st.dates().map(str), st.sampled_from(["3-1906", "3", "89.5"])),
                                    max_size=12), max_size=6)


def _row_errors_are_clear(errors):
    for e in errors:
        assert e.row >= 1 and e.key in ZH and e.key in EN, e


@PROPERTY
@given(RAW_ROWS)
def test_import_row_validators(raw_rows):
    TRIED["payloads"] += 3
    result = unit_import.validate_unit_rows(raw_rows, {"3", "5"}, {"3-1907"})
    _row_errors_are_clear(result.errors)
    for r in result.rows:
        assert ASCII_ROOM.match(r.room_no) and r.building in {"3", "5"} and r.room_no != "3-1907"
    rows, errors = entries.validate_payment_rows(raw_rows, {"3-1906", "5-101"}, {"R0001"}, TODAY)
    _row_errors_are_clear(errors)
    assert len(rows) + len(errors) == len(raw_rows) or (not raw_rows and errors)
    rows, errors = entries.validate_bill_rows(raw_rows, {"3-1906", "5-101"}, set(), TODAY)
    _row_errors_are_clear(errors)
    for b in rows:
        assert re.fullmatch(r"[0-9]{4}-[0-9]{2}", b.period) and b.item in entries.ITEMS and b.cents > 0
    if raw_rows:
        assert isinstance(unit_import.missing_headers(list(raw_rows[0])), list)


# ---------------------------------------------------------------- import files

def _xlsx_like(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in dict(members).items():
            z.writestr(name, data)
    return buf.getvalue()


XLSX_PARTS = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
              "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml", "docProps/app.xml"]
XML_BITS = [b"", b"<", b"<?xml version='1.0'?><a>", b"<Types xmlns='http://schemas.openxmlformats.org/package/2006/"
            b"content-types'/>", b"\xff\xfe\x00", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;&a;</x>",
            b"<workbook><sheets><sheet name='s' sheetId='1' r:id='rId1'/></sheets></workbook>"]
ZIPS = st.lists(st.tuples(st.sampled_from(XLSX_PARTS), st.one_of(st.binary(max_size=200), st.sampled_from(XML_BITS))),
                max_size=8).map(_xlsx_like)


def _real_xlsx(cells: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in cells:
        wb.active.append([c[:32000] for c in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


BYTES = st.one_of(st.binary(max_size=2000), st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b), ZIPS,
                  st.sampled_from([b"a" * 200_000, b'"' + b"x" * 140_000 + b'"\n1', b"\xef\xbb\xbf" + "房号\n".encode(),
                                   "房号,金额\n3-1906,１２３\n".encode("gb18030"), b"\x00" * 10,
                                   b"PK" + b"\x00" * 100, b"x" * (files.MAX_BYTES + 1)]),
                  st.lists(st.lists(st.text(max_size=20).filter(lambda s: not any(
                      0 <= ord(c) < 32 and c not in "\t\n\r" for c in s)), max_size=4), max_size=4).map(_real_xlsx))


@pytest.mark.filterwarnings("ignore::UserWarning")   # openpyxl's remarks on odd workbooks
@PROPERTY
@given(BYTES, st.sampled_from(["units.csv", "units.xlsx", "UNITS.CSV", "a.XLSX", "units.xls", "", "x.csv.exe"]))
def test_read_table(data, name):
    ok, rows = settles(files.read_table, name, data)
    if ok:
        assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
        assert len(rows) <= files.MAX_ROWS


# ---------------------------------------------------------------- complaints

DESK = workflow.Actor("chen", Role.FRONTDESK)


@PROPERTY
@given(st.one_of(st.sampled_from([c.value for c in Channel]), NASTY), MAYBE, MAYBE, MAYBE, NASTY,
       st.one_of(st.sampled_from([c.value for c in Category]), NASTY), NASTY, MAYBE,
       st.lists(st.one_of(st.sampled_from([w.value for w in Want]), NASTY), max_size=3),
       st.lists(st.one_of(st.sampled_from([r.value for r in RedLine]), NASTY), max_size=2),
       st.one_of(st.none(), st.integers(min_value=1, max_value=10**6)), MOMENTS)
def test_complaint_register(channel, complainant, phone, place, content, category, subject, relayed_by, wants,
                            red_lines, unit_id, received_at):
    ok, out = settles(workflow.register, "TS-20260315-0001", NOW, DESK, channel=channel, complainant=complainant,
                      phone=phone, unit_id=unit_id, place=place, content=content, category=category,
                      subject=subject, relayed_by=relayed_by, wants=tuple(wants), red_lines=tuple(red_lines),
                      received_at=received_at)
    if ok:
        c, events = out
        assert 0 < len(c.complainant) <= 40 and 0 < len(c.content) <= workflow.MAX_TEXT
        assert workflow.EARLIEST <= c.received_at <= NOW + timedelta(minutes=5) and events


@PROPERTY
@given(st.sampled_from(["propose_invalid", "investigate", "assign", "propose", "record_root_cause", "pause",
                        "flag_red_line", "reassign", "no_such_action"]), NASTY, NASTY)
def test_complaint_steps_with_text(action, a, b):
    """The steps that take text from a form, on a ticket at the stage they need (a reassignment: on
    an assigned ticket, by a manager)."""
    from core.complaints.model import ClockPauseReason, Stage

    c, _ = workflow.register("TS-20260315-0001", NOW, DESK, channel="walk_in", complainant="王先生", phone=None,
                             unit_id=1, place="", content="电梯故障", category="repairs")
    data = {"propose_invalid": {"reason": a}, "investigate": {"cause": a}, "assign": {"department": a, "handler": b},
            "propose": {"options": [a, b]}, "record_root_cause": {"root_cause": a, "prevention": b},
            "pause": {"reason": ClockPauseReason.CUSTOMER, "note": a}, "flag_red_line": {"flag": "media", "note": a},
            "reassign": {"handler": b, "reason": a}, "no_such_action": {}}[action]
    stage = {"investigate": Stage.INVESTIGATE, "assign": Stage.ASSIGN, "propose": Stage.PROPOSE,
             "reassign": Stage.PROPOSE}.get(action)
    if stage:
        c = c.with_(stage=stage)
    actor = DESK
    if action == "reassign":
        c, actor = c.with_(handler="wang"), workflow.Actor("zhou", Role.MANAGER)
    settles(workflow.apply, c, action, actor, NOW, **data)


# ---------------------------------------------------------------- move-in, cases, accounts

PHOTOS = st.one_of(st.none(), st.binary(max_size=64), st.binary(max_size=64).map(lambda b: b"\xff\xd8\xff" + b),
                   st.sampled_from([b"\x89PNG\r\n\x1a\n" + b"\x00" * (defects.MAX_PHOTO_BYTES + 1)]))


@PROPERTY
@given(st.one_of(st.sampled_from(defects.LOCATIONS), NASTY), st.one_of(st.sampled_from(defects.KINDS), NASTY),
       st.one_of(st.sampled_from(defects.SEVERITIES), NASTY), st.one_of(st.sampled_from(defects.RESPONSIBLE), NASTY),
       NASTY, PHOTOS)
def test_defects_and_disputes(location, kind, severity, responsible, note, photo):
    ok, d = settles(defects.validate_defect, location, kind, severity, responsible, note, photo)
    if ok:
        assert d.location in defects.LOCATIONS and d.severity in defects.SEVERITIES and len(d.note) <= 500
    ok, out = settles(defects.validate_dispute, note)
    if ok:
        assert 0 < len(out) <= 500


@PROPERTY
@given(NASTY, NASTY, st.one_of(st.sampled_from(KINDS), NASTY), NASTY, NASTY, st.lists(NASTY, max_size=10),
       st.lists(st.one_of(st.sampled_from(TOPICS), NASTY), max_size=3),
       st.lists(st.one_of(st.sampled_from(METHOD_STEPS), NASTY), max_size=3), st.sampled_from(["draft", "published", "x"]))
def test_cases(title, story, kind, outcome, lesson, questions, topics, steps, status):
    draft = CaseDraft(title=title, story=story, kind=kind, outcome=outcome, lesson=lesson, questions=tuple(questions),
                      topics=tuple(topics), method_steps=tuple(steps), status=status)
    ok, d = settles(validate_case, draft)
    if ok:
        assert 0 < len(d.title) <= 100 and 0 < len(d.story) <= 5000 and len(d.questions) <= 8
    terms = search_terms(title)
    assert len(terms) <= 5 and all(0 < len(t) <= 30 for t in terms)


_HASH = passwords.hash_password("Correct-Horse-1", rounds=4)


@PROPERTY
@given(NASTY)
def test_passwords_and_accounts(value):
    ok, out = settles(passwords.validate_password, value)
    if ok:
        assert passwords.MIN_LEN <= len(out) and len(out.encode()) <= passwords.MAX_BYTES
        # whatever the rules accept can be hashed and checked (bcrypt refuses some bytes by itself)
        hashed = passwords.hash_password(out, rounds=4)
        assert passwords.check_password(out, hashed)
    assert passwords.check_password(value, _HASH) is False
    ok, out = settles(account_rules.validate_username, value)
    if ok:
        assert re.fullmatch(r"[a-z0-9_.-]{3,32}", out)
    settles(account_rules.validate_display_name, value)
    settles(account_rules.validate_role, value)
    settles(account_rules.validate_language, value)
