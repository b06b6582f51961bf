"""Issue 11, "Done when": a company sets itself up from an EMPTY store (no demo) through the screens
only: the first administrator on the first-run page, the company's name, one project, two buildings,
forty units with their owners by the downloadable template, three staff accounts; then a fee rate
and one billing month (preview, confirm) checked against the arithmetic from the areas and the rate.
(Still to come: prepayment settling on the next run, plan and waiver approved by the manager, a void,
and the current-period / arrears-recovery / aging figures computed by hand.)"""
from __future__ import annotations

import io
import secrets

import pytest
from openpyxl import load_workbook

from browser_actions import button, choose_in_multiselect, choose_in_select, form_with, metric_value, settle, snap, textbox, wait_text
from browser_helpers import SCREENSHOTS, SIDEBAR, StreamlitServer, eventually, open_url, wait_idle
from core.clock import local_today
from core.collections.dunning import add_months
from core.collections.ledger import period_of
from core.collections.money import yuan
from core.importing.template import unit_template
from core.i18n import translate as t

PW = "Real-pass-2026"
ADMIN = ("wangwei", "王伟")
STAFF = [("zhou", "周经理", "manager", False), ("lin", "林主管", "supervisor", True),
         ("chen", "陈客服", "frontdesk", True)]
AREAS = {"1": "89.5", "2": "98"}          # m² per unit, by building: the fee arithmetic starts here


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    from db.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('company_db') / 'app.db'}"
    upgrade(url)                        # schema only: no demo data, no account at all
    server = StreamlitServer(url, secrets.token_urlsafe(36), SCREENSHOTS / "streamlit-company.log").start()
    yield server
    server.stop()


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


def open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label, exact=True).click()
    settle(page)


def test_a_company_sets_itself_up_from_an_empty_store(empty_server, new_page, tmp_path):
    base = empty_server.base_url
    page = new_page()

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
    xlsx = tmp_path / "房屋.xlsx"
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
