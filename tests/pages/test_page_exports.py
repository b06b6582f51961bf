"""Every Excel export of every page, as the page builds it (AppTest), opened with openpyxl: a sheet
named for its content, a title block with the period, the filters and the export time, a frozen
and filtered header, money as numbers in the yuan format that Excel can sum, rates as %, column
widths set, and a user's text starting with = stored as text, never as a formula."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
import streamlit
import streamlit as st
from openpyxl import load_workbook
from sqlalchemy import update

from core.auth.actor import SYSTEM
from core.clock import local_today
from core.i18n import translate
from db.models import ComplaintRow, Owner, Unit
from documents.xlsx import MONEY_FORMAT, RATE_FORMAT
from services import collections

t = translate
HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.fixture
def exports(monkeypatch):
    """key -> workbook bytes of each Excel download the run drew (built as a click would)."""
    built: dict[str, bytes] = {}
    real = streamlit.download_button

    def download_button(label, data, file_name=None, *args, key=None, **kwargs):
        if str(file_name).endswith(".xlsx"):
            data = data() if callable(data) else data
            built[key] = data
        return real(label, data, file_name, *args, key=key, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", download_button)
    return built


@pytest.fixture(scope="module")
def typed_by_users(page_db):
    """An owner on the worklist and the complaints' root causes hold a formula, as a user could type."""
    engine = page_db.engine
    work = collections.worklist(engine, SYSTEM, local_today())
    unit_id = int(work["unit_id"].iloc[0])
    with engine.begin() as conn:
        owner_id = conn.scalar(Unit.__table__.select().with_only_columns(Unit.owner_id).where(Unit.id == unit_id))
        conn.execute(update(Owner).where(Owner.id == owner_id).values(name=HYPERLINK))
        conn.execute(update(ComplaintRow).where(ComplaintRow.root_cause != "").values(root_cause=HYPERLINK))
    st.cache_data.clear()
    yield work.iloc[0]["room_no"]
    st.cache_data.clear()


def book(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]


def header_row(ws) -> int:
    return int(ws.freeze_panes[1:]) - 1


def column(ws, header: str) -> list:
    row = header_row(ws)
    names = [c.value for c in ws[row]]
    assert header in names, (header, names)
    i = names.index(header) + 1
    return [ws.cell(r, i) for r in range(row + 1, ws.max_row + 1)]


def check_common(ws, sheet: str, title: str, period: str | None = None) -> None:
    assert ws.title == sheet
    assert ws.cell(1, 1).value == title
    lines = [ws.cell(r, 1).value for r in range(2, header_row(ws))]
    if period:
        assert t("xlsx.period", period=period) in lines, lines
    assert any(str(v).startswith(t("xlsx.exported", at="")[:4]) for v in lines), lines
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{header_row(ws)}:")
    widths = [ws.column_dimensions[c.column_letter].width for c in ws[header_row(ws)]]
    assert all(w and w >= 6 for w in widths), widths


def money_sums(cells) -> Decimal:
    assert cells and all(c.data_type == "n" and c.number_format == MONEY_FORMAT for c in cells if c.value is not None)
    return sum(Decimal(str(c.value)) for c in cells if c.value is not None)


def test_worklist_exports_money_as_numbers_and_owner_names_as_text(page_db, run_page, exports, typed_by_users):
    at = run_page("collection_worklist", "manager")
    assert not at.exception
    assert "work_export" in exports
    ws = book(exports["work_export"])
    check_common(ws, t("xlsx.sheet.worklist"), t("xlsx.title.worklist"), str(local_today()))
    assert t("xlsx.filters", filters=f"{t('work.staff')}: {t('work.all_staff')}") in \
        [ws.cell(r, 1).value for r in range(1, header_row(ws))]
    work = collections.worklist(page_db.engine, SYSTEM, local_today())
    assert money_sums(column(ws, t("work.col.arrears"))) == Decimal(int(work["arrears"].sum())) / 100
    assert len(column(ws, t("work.col.room"))) == len(work)
    expires = [c for c in column(ws, t("work.col.expires")) if c.value is not None]
    assert expires and all(c.is_date and c.number_format == "yyyy-mm-dd" for c in expires)
    owners = [c for c in column(ws, t("work.col.owner")) if c.value == HYPERLINK]
    assert owners and all(c.data_type == "s" for c in owners)
    # the door-visit and paused tabs export when they have units (the small demo may have none)
    for key, sheet, title in (("visits_export", "xlsx.sheet.visits", "xlsx.title.visits"),
                              ("paused_export", "xlsx.sheet.paused", "xlsx.title.paused")):
        if key in exports:
            other = book(exports[key])
            check_common(other, t(sheet), t(title))
            money_sums(column(other, t("work.col.arrears")))


def test_collections_exports_rates_as_percent_and_money_that_sums(page_db, run_page, exports):
    at = run_page("collections", "manager")
    assert not at.exception
    period = at.selectbox(key="coll_period").value
    ws = book(exports["coll_export"])
    check_common(ws, t("xlsx.sheet.collection"), t("xlsx.title.collection"), period)
    sums = collections.period_sums(page_db.engine, SYSTEM, period, period)
    assert money_sums(column(ws, t("coll.col.billed"))) == Decimal(int(sums["billed"].sum())) / 100
    rates = [c for c in column(ws, t("coll.col.current")) if c.value is not None]
    assert rates and all(c.number_format == RATE_FORMAT and 0 <= c.value <= 1.5 for c in rates)
    aging = book(exports["aging_export"])
    check_common(aging, t("xlsx.sheet.aging"), t("xlsx.title.aging"))
    assert money_sums(column(aging, t("coll.col.amount"))) > 0


def test_complaint_analysis_exports_rates_and_root_causes_as_text(page_db, run_page, exports, typed_by_users):
    at = run_page("complaint_analysis", "manager")
    assert not at.exception
    ws = book(exports["analysis_export"])
    by = t("analysis.by.category")
    check_common(ws, t("xlsx.sheet.analysis", by=by), t("xlsx.title.analysis", by=by))
    breach = [c for c in column(ws, t("analysis.breach_rate")) if c.value is not None]
    assert breach and all(c.number_format == RATE_FORMAT for c in breach)
    received = column(ws, t("analysis.received"))
    assert all(isinstance(c.value, int) for c in received)
    causes = book(exports["causes_export"])
    check_common(causes, t("xlsx.sheet.causes"), t("xlsx.title.causes"))
    # The headers a manager reads, from the catalogue (not the query's column names).
    assert [c.value for c in causes[header_row(causes)]] == [t("field.category"), t("field.root_cause"),
                                                             t("analysis.times")]
    typed = [c for row in causes.iter_rows() for c in row if c.value == HYPERLINK]
    assert typed and all(c.data_type == "s" for c in typed)


def test_home_exports_the_occupancy_rate_as_percent(run_app, exports):
    at = run_app("manager")
    assert not at.exception
    ws = book(exports["home_export"])
    check_common(ws, t("xlsx.sheet.units"), t("xlsx.title.units"))
    rates = column(ws, t("home.occupancy_rate"))
    assert rates and all(c.number_format == RATE_FORMAT for c in rates if c.value is not None)


def test_training_attendance_export(run_page, exports):
    at = run_page("training", "trainer")
    assert not at.exception
    if "attendance_export" not in exports:
        pytest.skip("the demo store has no attendance")
    check_common(book(exports["attendance_export"]), t("xlsx.sheet.attendance"), t("xlsx.title.attendance"))


def test_admin_users_export_says_yes_or_no_and_locks_are_dates(run_page, exports):
    at = run_page("admin", "admin")
    assert not at.exception
    ws = book(exports["users_export"])
    check_common(ws, t("xlsx.sheet.users"), t("xlsx.title.users"))
    assert {c.value for c in column(ws, t("admin.col.active"))} <= {t("xlsx.yes"), t("xlsx.no")}
    assert all(c.data_type == "s" for c in column(ws, t("admin.col.username")))


def test_audit_export_has_its_filters_and_times_as_dates(run_page, exports):
    at = run_page("audit", "admin")
    assert not at.exception
    ws = book(exports["audit_export"])
    check_common(ws, t("xlsx.sheet.audit"), t("xlsx.title.audit"))
    times = [c for c in column(ws, t("audit.col.at")) if c.value is not None]
    assert times and all(c.is_date for c in times)


def test_english_exports_are_in_english(run_page, exports):
    run_page("collections", "manager", lang="en")
    ws = book(exports["coll_export"])
    assert ws.title == translate("xlsx.sheet.collection", "en")
    assert ws.cell(1, 1).value == translate("xlsx.title.collection", "en")
