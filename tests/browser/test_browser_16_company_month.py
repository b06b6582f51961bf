"""Issue 11, "Done when": a company runs its first months from an EMPTY store (no demo) through the
screens only. The module fixture sets it up as an admin would: the first administrator on the
first-run page, the company's name, one project, two buildings, forty units with their owners by the
downloadable template, three staff accounts, a fee rate and the first billing month (preview,
confirm), checked against the arithmetic from the areas and the rate. The first test checks what
the set-up page counts; the second carries the story on as the front desk and the manager would:
a prepayment taken before the next month's bill exists and settled by the next run, payments on
last month's arrears, a receipt voided the same day, a payment plan and a waiver approved by the
manager, and the current-period rate, the arrears-recovery rate and the aging shown on the
collections page against the same figures worked out by hand in the test.
Screenshots: tests/browser/screenshots/company_*.png."""
from __future__ import annotations

import io
import secrets
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from browser_actions import (button, choose_in_multiselect, choose_in_select, form_with, main, metric_value,
                             select_value, settle, snap, textbox, wait_text)
from browser_helpers import (COOKIE_NAME, SCREENSHOTS, SIDEBAR, VIEWPORT, StreamlitServer, eventually, main_text,
                             open_url, wait_idle)
from core.clock import local_today
from core.collections.dunning import add_months
from core.collections.ledger import period_of
from core.collections.money import yuan
from core.importing.template import unit_template
from core.i18n import translate as t

pytestmark = pytest.mark.browser

PW = "Real-pass-2026"
ADMIN = ("wangwei", "王伟")
STAFF = [("zhou", "周经理", "manager", False), ("lin", "林主管", "supervisor", True),
         ("chen", "陈客服", "frontdesk", True)]
AREAS = {"1": "89.5", "2": "98"}          # m² per unit, by building: the fee arithmetic starts here
# One month's property fee of a unit, by hand: area x ¥2.60, in cents.
FEE = {"1": 8950 * 260 // 100, "2": 9800 * 260 // 100}
assert FEE == {"1": 23_270, "2": 25_480}   # ¥232.70 and ¥254.80


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    from db.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('company_db') / 'app.db'}"
    upgrade(url)                        # schema only: no demo data, no account at all
    server = StreamlitServer(url, secrets.token_urlsafe(36), SCREENSHOTS / "streamlit-company.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def company(empty_server, browser, tmp_path_factory):
    """The company as its admin leaves it after set-up and the first billing month: the store
    both tests read (the second one carries the story on)."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    set_up_company(page, empty_server.base_url, tmp_path_factory.mktemp("company_files"))
    yield SimpleNamespace(base=empty_server.base_url, admin=page)
    context.close()


def filled_template() -> bytes:
    """The downloaded template with its example rows replaced by forty units, as an admin fills it in."""
    book = load_workbook(io.BytesIO(unit_template("zh")))
    sheet = book.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    for b in ("1", "2"):
        for floor in range(1, 11):
            for room in (1, 2):
                sheet.append([b, f"{b}-{floor}{room:02d}", AREAS[b], "已入住", f"业主{b}{floor}{room}",
                              f"138-{int(b):04d}-{floor:02d}{room:02d}", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sign_in(page, base: str, username: str, display: str) -> None:
    open_url(page, base + "/")
    page.get_by_label(t("login.username"), exact=True).fill(username)
    page.get_by_label(t("login.password"), exact=True).fill(PW)
    page.get_by_role("button", name=t("login.submit"), exact=True).click()
    page.locator(SIDEBAR).get_by_text(display).wait_for(timeout=30_000)
    wait_idle(page)
    # The menu shows at once; the login cookie is written a moment later by a component in the
    # page. A page opened before it lands would ask for the password again.
    assert eventually(lambda: any(c["name"] == COOKIE_NAME for c in page.context.cookies()), 30), \
        f"{username}: no login cookie"


def open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label, exact=True).click()
    settle(page)


def set_up_company(page, base: str, files) -> None:
    """Everything a new company does before its first collections: from the first-run page to
    the first billing month."""
    # 1. the first-run page: no account yet, so the sign-in page asks for the first administrator
    open_url(page, base + "/")
    wait_text(page, t("first.title"), where="first run")
    form = form_with(page, t("first.create"))
    form.get_by_label(t("admin.username"), exact=True).fill(ADMIN[0])
    form.get_by_label(t("admin.display_name"), exact=True).fill(ADMIN[1])
    form.get_by_label(t("login.password"), exact=True).fill(PW)
    form.get_by_label(t("first.password_again"), exact=True).fill(PW)
    button(page, t("first.create"), form).click()
    settle(page)
    snap(page, "company_1_first_admin")
    sign_in(page, base, *ADMIN)

    # 2. company, project, buildings on the set-up page
    open_url(page, base + "/setup")
    wait_text(page, t("page.setup"), where="setup")
    textbox(page, t("setup.company_name")).fill("翠湖物业服务有限公司")
    button(page, t("setup.save")).first.click()
    wait_text(page, t("setup.company_saved"), where="company")
    open_tab(page, t("setup.tab.projects"))
    form = form_with(page, t("setup.add_project"))
    for label, value in ((t("setup.project_code"), "SZ01"), (t("setup.project_name"), "翠湖园"),
                         (t("setup.city"), "深圳"), (t("setup.address"), "南山区科技路 1 号"), (t("setup.target"), "95")):
        textbox(page, label, form).fill(value)
    button(page, t("setup.add_project"), form).click()
    wait_text(page, t("setup.project_added", code="SZ01"), where="project")
    for name in ("1", "2"):
        open_tab(page, t("setup.tab.buildings"))
        form = form_with(page, t("setup.add_building"))
        textbox(page, t("setup.building_name"), form).fill(name)
        textbox(page, t("setup.floors"), form).fill("10")
        button(page, t("setup.add_building"), form).click()
        wait_text(page, t("setup.building_added", name=name), where=f"building {name}")
    snap(page, "company_2_buildings")

    # 3. forty units and their owners by the downloadable template
    open_tab(page, t("setup.tab.units"))
    xlsx = files / "房屋.xlsx"
    xlsx.write_bytes(filled_template())
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(xlsx))
    wait_text(page, t("admin.import_preview", n=40), where="unit import check")
    button(page, t("admin.import_run", n=40)).click()
    wait_text(page, t("admin.import_done", n=40), where="unit import")
    snap(page, "company_3_units")

    # 4. three staff accounts on the admin page
    for username, display, role, scoped in STAFF:
        open_url(page, base + "/admin")
        form = form_with(page, t("admin.create"))
        form.get_by_label(t("admin.username"), exact=True).fill(username)
        form.get_by_label(t("admin.display_name"), exact=True).fill(display)
        form.get_by_role("combobox", name=t("admin.role"), exact=True).click()
        page.get_by_role("option", name=t(f"role.{role}"), exact=True).click()
        form.get_by_label(t("admin.password"), exact=True).fill(PW)
        if scoped:
            choose_in_multiselect(page, t("admin.projects"), "翠湖园")
        button(page, t("admin.create"), form).click()
        wait_text(page, t("admin.created", username=username), where=f"staff {username}")
    snap(page, "company_4_staff")

    # 5. the fee schedule and a billing month: ¥2.60 per m² a month from two months back
    first = period_of(add_months(local_today().replace(day=1), -2))     # the oldest month the page offers
    open_url(page, base + "/billing")
    form = form_with(page, t("billing.add_rate"))
    textbox(page, t("field.rate"), form).fill("2.60")
    textbox(page, t("field.effective_month"), form).fill(first)
    button(page, t("billing.add_rate"), form).click()
    settle(page)
    choose_in_select(page, t("field.period"), first)
    button(page, t("billing.preview")).click()
    # by hand: 20 units of 89.5 m² and 20 of 98 m² at 260 cents per m²
    month_cents = 20 * 8950 * 260 // 100 + 20 * 9800 * 260 // 100
    assert month_cents == 975_000
    wait_text(page, t("billing.confirm_what", bills=40, amount=yuan(month_cents), period=first), where="preview")
    snap(page, "company_6_preview")
    button(page, t("billing.confirm"), form_with(page, t("billing.confirm"))).click()
    wait_text(page, t("billing.done", bills=40, amount=yuan(month_cents), settled=yuan(0)), where="billing run")
    snap(page, "company_7_billed")


def test_a_company_sets_itself_up_from_an_empty_store(company, new_page):
    base, page = company.base, company.admin
    # the set-up page counts what was made
    open_url(page, base + "/setup")
    snap(page, "company_5_progress")
    shown = {step: metric_value(page, t(f"setup.step.{step}")) for step in ("projects", "buildings", "units", "owners",
                                                                             "staff")}
    # one project, two buildings, 2 x 10 floors x 2 rooms, one owner each, the admin + three staff
    assert shown == {"projects": "✓ 1", "buildings": "✓ 2", "units": f"✓ {2 * 10 * 2}", "owners": "✓ 40",
                     "staff": f"✓ {1 + len(STAFF)}"}, shown
    # each staff member signs in with the account the admin made
    other = new_page()
    sign_in(other, base, "chen", "陈客服")
    assert eventually(lambda: "陈客服" in other.locator(SIDEBAR).inner_text())



# ---------------------------------------------------------------- the month after set-up

PROJECT = "翠湖园"


def receipt(n: int) -> str:
    """The system's n-th receipt of the year for the project (SZ01), counted from 1 without gaps."""
    return f"SZ01-{local_today().year}-{n:06d}"


_GRID_JS = """box => [
  [...box.querySelectorAll('th[role=columnheader]')].map(c => c.textContent.trim()),
  [...box.querySelectorAll('tbody tr[role=row]')].map(r =>
      [...r.querySelectorAll('td[role=gridcell]')].map(c => c.textContent.trim())).filter(r => r.length)]"""


def grid(page, column: str) -> list[dict]:
    """The rows of the table on screen that has `column`, each a dict by column title. Read from the
    data grid's accessible table, which holds the text of each cell as drawn (small tables only: the
    grid draws the rows in view)."""
    def tables():
        return [main(page).locator('[data-testid="stDataFrame"]').nth(i).evaluate(_GRID_JS)
                for i in range(main(page).locator('[data-testid="stDataFrame"]').count())]

    assert eventually(lambda: any(column in head and rows for head, rows in tables()), 15), \
        f"no table with {column!r}: {[head for head, _ in tables()]}"
    head, rows = next((h, r) for h, r in tables() if column in h)
    return [dict(zip(head, row)) for row in rows]


def on_ledger(page, base: str, room: str) -> None:
    """The unit found by its room number on the units page: its record and its fee ledger."""
    open_url(page, base + "/units")
    search = textbox(page, t("units.search"))
    search.fill(room)
    search.press("Enter")
    settle(page)
    wait_text(page, f"{t('units.record')} · {PROJECT} {room}", where=f"record of {room}")
    wait_text(page, t("ledger.title"), where=f"ledger of {room}")


def owed_shown(page) -> dict[str, str]:
    """The ledger's figures: overdue, not yet due, their sum, and the credit held."""
    return {k: metric_value(page, t(label)) for k, label in (("overdue", "owed.overdue"), ("current", "owed.current"),
                                                            ("total", "owed.total"),
                                                            ("credit", "ledger.credit_balance"))}


def type_date(page, scope, label: str, day: date) -> None:
    """Streamlit's date field is three spin buttons: year, month and day, each typed into its part
    (focused, not clicked: a click opens the calendar over the submit button)."""
    def parts():
        return [scope.get_by_role("spinbutton", name=f"{part}, {label}", exact=True)
                for part in ("year", "month", "day")]

    for segment, value in zip(parts(), (f"{day:%Y}", f"{day:%m}", f"{day:%d}")):
        segment.focus()
        segment.press_sequentially(value)
    page.keyboard.press("Escape")
    assert [int(s.get_attribute("aria-valuenow") or 0) for s in parts()] == [day.year, day.month, day.day]


def pay(page, paid_on: date, amount: int, settle_all: bool = False, hold: bool = False, receipt_no: str = "") -> None:
    """The desk records a payment on the unit's ledger: by the "settle all" button or typed, on the
    day the money came in; `hold`: the desk ticks that what is beyond the debt is held as prepayment."""
    form = form_with(page, t("ledger.record_payment"))
    if settle_all:
        button(page, t("ledger.settle_all", amount=yuan(amount))).click()
        settle(page)
        assert eventually(lambda: textbox(page, t("field.amount"), form).input_value() == yuan(amount))
    else:
        textbox(page, t("field.amount"), form).fill(yuan(amount))
    type_date(page, form, t("field.paid_on"), paid_on)
    if hold:
        form.get_by_text(t("ledger.hold_credit"), exact=True).click()
    button(page, t("ledger.record_payment"), form).click()
    settle(page)
    if receipt_no:
        wait_text(page, t("ledger.saved", receipt=receipt_no), where=f"payment {receipt_no}")


def snap_at(page, name: str, text: str) -> None:
    """A screenshot with `text` in view (the main area scrolls inside the page, so a full-page
    screenshot shows only its top)."""
    main(page).get_by_text(text, exact=True).first.scroll_into_view_if_needed()
    snap(page, name)


def expand(page, label: str) -> None:
    main(page).get_by_text(label, exact=True).first.click()
    settle(page)


def test_the_company_collects_plans_waives_voids_and_reads_its_rates(company, new_page):
    base, admin = company.base, company.admin
    today = local_today()
    m1_start = add_months(today.replace(day=1), -2)       # the month the set-up billed
    m2_start = add_months(today.replace(day=1), -1)       # the next one: the last complete month
    m1, m2 = period_of(m1_start), period_of(m2_start)
    desk, boss = new_page(), new_page()
    sign_in(desk, base, "chen", "陈客服")

    # 1. Before the next month's bill exists. 1-101 pays two months on the 10th of the first
    # month: ¥232.70 owed, so ¥232.70 is beyond the debt. The desk is asked before it is held.
    on_ledger(desk, base, "1-101")
    pay(desk, m1_start.replace(day=10), 2 * FEE["1"])
    extra = FEE["1"]
    wait_text(desk, t("err.overpayment", extra=yuan(extra), owed=yuan(FEE["1"]), balance=yuan(extra)),
              where="overpayment question")
    assert t("ledger.saved", receipt=receipt(1)) not in main_text(desk)    # nothing saved yet
    form = form_with(desk, t("ledger.record_payment"))
    assert textbox(desk, t("field.amount"), form).input_value() == yuan(2 * FEE["1"])   # the input kept
    form.get_by_text(t("ledger.hold_credit"), exact=True).click()
    button(desk, t("ledger.record_payment"), form).click()
    settle(desk)
    wait_text(desk, t("ledger.saved", receipt=receipt(1)), where="prepayment saved")
    assert owed_shown(desk) == {"overdue": yuan(0), "current": yuan(0), "total": yuan(0), "credit": yuan(extra)}
    snap_at(desk, "company_8_prepaid", t("ledger.title"))
    # 2-101 settles its first month on the 20th.
    on_ledger(desk, base, "2-101")
    pay(desk, m1_start.replace(day=20), FEE["2"], settle_all=True, receipt_no=receipt(2))

    # 2. The admin runs the next month: forty bills again, and 1-101's credit pays its new bill.
    open_url(admin, base + "/billing")
    choose_in_select(admin, t("field.period"), m2)
    button(admin, t("billing.preview")).click()
    month_cents = 20 * FEE["1"] + 20 * FEE["2"]
    wait_text(admin, t("billing.confirm_what", bills=40, amount=yuan(month_cents), period=m2), where="preview 2")
    button(admin, t("billing.confirm"), form_with(admin, t("billing.confirm"))).click()
    wait_text(admin, t("billing.done", bills=40, amount=yuan(month_cents), settled=yuan(FEE["1"])),
              where="second billing run")
    snap(admin, "company_9_second_run")
    on_ledger(desk, base, "1-101")
    assert owed_shown(desk) == {"overdue": yuan(0), "current": yuan(0), "total": yuan(0), "credit": yuan(0)}
    bills = {b[t("ledger.col.period")]: b for b in grid(desk, t("ledger.col.waived"))}
    assert {p: (b[t("ledger.col.paid")], b[t("ledger.col.owed")]) for p, b in bills.items()} == \
        {m1: (yuan(FEE["1"]), yuan(0)), m2: (yuan(FEE["1"]), yuan(0))}, bills
    snap_at(desk, "company_10_credit_settled", t("ledger.title"))

    # 3. Arrears paid during the second month: 1-102 settles both months on the 10th (the first
    # month's bill first, oldest first), 2-102 pays one month on the 5th (the first month's).
    on_ledger(desk, base, "1-102")
    pay(desk, m2_start.replace(day=10), 2 * FEE["1"], settle_all=True, receipt_no=receipt(3))
    assert owed_shown(desk)["total"] == yuan(0)
    # 2-201 pays both months, dated the 12th; the desk finds the mistake the same day and voids it.
    on_ledger(desk, base, "2-201")
    pay(desk, m2_start.replace(day=12), 2 * FEE["2"], settle_all=True, receipt_no=receipt(4))
    assert owed_shown(desk)["total"] == yuan(0)
    expand(desk, t("ledger.void"))
    form = form_with(desk, t("ledger.void"))
    textbox(desk, t("field.void_reason"), form).fill("收款账户填错")
    button(desk, t("ledger.void"), form).click()
    settle(desk)
    wait_text(desk, t("ledger.void_saved", receipt=receipt(4)), where="void")
    # the number stays, marked void, and the two months are owed again (both past their due day)
    assert owed_shown(desk) == {"overdue": yuan(2 * FEE["2"]), "current": yuan(0), "total": yuan(2 * FEE["2"]),
                                "credit": yuan(0)}
    payments = grid(desk, t("ledger.col.receipt"))
    assert [(p[t("ledger.col.receipt")], p[t("ledger.col.status")]) for p in payments] == \
        [(receipt(4), t("ledger.status.void", by="陈客服", reason="收款账户填错"))], payments
    snap_at(desk, "company_11_voided", t("ledger.payments"))
    # the next receipt takes the next number: a voided one is never given again
    on_ledger(desk, base, "2-102")
    pay(desk, m2_start.replace(day=5), FEE["2"], receipt_no=receipt(5))
    assert owed_shown(desk) == {"overdue": yuan(FEE["2"]), "current": yuan(0), "total": yuan(FEE["2"]),
                                "credit": yuan(0)}

    # 4. A payment plan for 2-202 (owes both months, ¥509.60): two instalments.
    on_ledger(desk, base, "2-202")
    expand(desk, t("plan.add"))
    form = form_with(desk, t("plan.add"))
    instalments = [(today + timedelta(days=10), FEE["2"]), (today + timedelta(days=40), FEE["2"])]
    for i, (day, cents) in enumerate(instalments, start=1):
        form.get_by_role("spinbutton", name=f"year, {t(f'field.instalment_{i}_due')}", exact=True).click()
        desk.keyboard.type(f"{day:%Y%m%d}")
        textbox(desk, t(f"field.instalment_{i}_amount"), form).fill(yuan(cents))
    textbox(desk, t("plan.note"), form).fill("业主申请分两期缴清")
    button(desk, t("plan.add"), form).click()
    settle(desk)
    wait_text(desk, t("plan.saved"), where="plan saved")
    assert t("plan.status.pending") in main_text(desk)
    # A waiver for 1-201: ¥32.70 off its second month's bill, the lift out for two weeks.
    waived = 3270
    on_ledger(desk, base, "1-201")
    expand(desk, t("waiver.add"))
    choose_in_select(desk, t("waiver.bill"), m2)
    form = form_with(desk, t("waiver.add"))
    textbox(desk, t("field.amount"), form).fill(yuan(waived))
    textbox(desk, t("field.reason"), form).fill("电梯停运两周")
    button(desk, t("waiver.add"), form).click()
    settle(desk)
    wait_text(desk, t("waiver.saved"), where="waiver saved")
    snap_at(desk, "company_12_plan_and_waiver_asked", t("waiver.title"))

    # 5. The manager signs in and approves both on the worklist's waiting tab.
    sign_in(boss, base, "zhou", "周经理")
    open_url(boss, base + "/collection_worklist")
    open_tab(boss, t("work.pending_tab", n=2))
    button(boss, t("plan.approve"), form_with(boss, t("plan.approve")).first).click()
    settle(boss)
    open_tab(boss, t("work.pending_tab", n=1))
    wait_text(boss, t("plan.approved"), where="plan approved")
    button(boss, t("plan.approve"), form_with(boss, t("plan.approve")).first).click()
    settle(boss)
    open_tab(boss, t("work.pending_tab", n=0))
    wait_text(boss, t("waiver.approved"), where="waiver approved")
    snap(boss, "company_13_approved")
    # the plan pauses the ladder for 2-202: the one unit on the paused tab
    assert boss.get_by_role("tab", name=t("work.paused_tab", n=1), exact=True).count() == 1
    on_ledger(boss, base, "2-202")
    wait_text(boss, t("plan.progress.kept"), where="plan kept")
    on_ledger(boss, base, "1-201")
    # the first month owed in full, the second less the waiver
    assert owed_shown(boss)["overdue"] == yuan(FEE["1"] + FEE["1"] - waived)
    bills = {b[t("ledger.col.period")]: b for b in grid(boss, t("ledger.col.waived"))}
    assert (bills[m2][t("ledger.col.waived")], bills[m2][t("ledger.col.owed")]) == \
        (yuan(waived), yuan(FEE["1"] - waived)), bills

    # 6. The collections page, the last complete month (the second), against the arithmetic.
    # Bills of the month: forty, less the approved waiver (it comes off what was billed).
    billed_m2 = 20 * FEE["1"] + 20 * FEE["2"] - waived                      # 971,730
    # Paid on them by the month's end: 1-101's credit (counted on the 1st, the month's first day,
    # as the money was there before the month began) and 1-102's second month. The voided
    # receipt counts for nothing.
    collected_m2 = FEE["1"] + FEE["1"]                                       # 46,540
    # Arrears when the month began: the first month's forty bills less what was paid in it
    # (1-101 on the 10th, 2-101 on the 20th).
    arrears_start = 20 * FEE["1"] + 20 * FEE["2"] - FEE["1"] - FEE["2"]      # 926,250
    # Of which paid during the second month: 1-102's first month and 2-102's first month.
    recovered = FEE["1"] + FEE["2"]                                          # 48,750
    assert (billed_m2, collected_m2, arrears_start, recovered) == (971_730, 46_540, 926_250, 48_750)
    open_url(boss, base + "/collections")
    assert select_value(boss, t("coll.period")) == m2                      # the last complete month first
    shown = {k: metric_value(boss, t(label)) for k, label in (("current", "rate.current"),
                                                              ("recovery", "rate.recovery"),
                                                              ("prepaid", "rate.prepayment"))}
    assert shown == {"current": f"{collected_m2 / billed_m2:.1%}",           # 4.8 %
                     "recovery": f"{recovered / arrears_start:.1%}",         # 5.3 %
                     "prepaid": yuan(0)}, shown                              # the credit is used up
    assert shown["current"] == "4.8%" and shown["recovery"] == "5.3%"

    # Aging as of today: what is still owed, by days past the due day (the 15th of its month).
    rooms = {f"{b}-{floor}{r:02d}" for b in "12" for floor in range(1, 11) for r in (1, 2)}
    # First month: forty bills less the four paid (1-101, 2-101, 1-102, 2-102).
    owing_m1 = rooms - {"1-101", "2-101", "1-102", "2-102"}
    owed_m1 = 20 * FEE["1"] + 20 * FEE["2"] - 2 * FEE["1"] - 2 * FEE["2"]   # ¥8,775.00
    # Second month: forty bills less the waiver and the two paid (1-101 by its credit, 1-102);
    # 1-201 still owes the rest of its bill after the waiver.
    owing_m2 = rooms - {"1-101", "1-102"}
    owed_m2 = 20 * FEE["1"] + 20 * FEE["2"] - waived - 2 * FEE["1"]           # ¥9,251.90
    assert (len(owing_m1), owed_m1, len(owing_m2), owed_m2) == (36, 877_500, 38, 925_190)
    aging: dict[str, tuple[int, set]] = {}
    for month_start, cents, owing in ((m1_start, owed_m1, owing_m1), (m2_start, owed_m2, owing_m2)):
        days = (today - month_start.replace(day=15)).days    # the first month: 47 to 75 days
        assert 0 < days <= 90
        bucket = "0-30" if days <= 30 else "31-90"
        held, units = aging.get(bucket, (0, set()))
        aging[bucket] = (held + cents, units | owing)        # a unit owing both months counts once
    expected = {t(f"bucket.{b}"): (yuan(cents), str(len(units))) for b, (cents, units) in aging.items()}
    rows = grid(boss, t("coll.col.bucket"))
    assert {r[t("coll.col.bucket")]: (r[t("coll.col.amount")], r[t("coll.col.units")]) for r in rows} == expected, rows
    assert {r[t("coll.col.holder")] for r in rows} == {t("holder.owners")}
    main(boss).locator(".st-key-aging_export").scroll_into_view_if_needed()   # the aging table in view
    snap(boss, "company_14_collections")

    # The first month: only its own bills, paid in it by 1-101 and 2-101; nothing owed before it.
    choose_in_select(boss, t("coll.period"), m1)
    # Paid on the first month's bills by its end: 1-101 (the 10th) and 2-101 (the 20th).
    current_m1 = (FEE["1"] + FEE["2"]) / (20 * FEE["1"] + 20 * FEE["2"])    # 48,750 / 975,000
    assert eventually(lambda: metric_value(boss, t("rate.current")) == f"{current_m1:.1%}")
    assert metric_value(boss, t("rate.current")) == "5.0%"
    assert metric_value(boss, t("rate.recovery")) == "—"
    snap(boss, "company_15_first_month")
