"""Two app servers, one PostgreSQL: the way the company runs it on more than one machine
(README, "Running on more than one machine"). Both `streamlit run` processes share the database URL
and the cookie key; a complaint registered through one is found through the other, and the other
way round, and one login is good on both."""
from __future__ import annotations

import re
import secrets

import pytest

from browser_actions import button, form_with, main, metric_value, settle, snap, textbox, wait_text, wait_until
from browser_helpers import (SCREENSHOTS, StreamlitServer, assert_clean, login, main_text, open_url,
                             sidebar_text)
from demo.company import DEMO_ACCOUNTS
from core.i18n import translate as t

pytestmark = pytest.mark.browser

DESK = "frontdesk"
DESK_NAME = {u: d for u, d, _ in DEMO_ACCOUNTS}[DESK]


@pytest.fixture(scope="module")
def shared_pg(pg_server):
    from demo.company import CompanySize, seed_demo
    from db.engine import make_engine
    from db.migrate import upgrade

    url = pg_server.create_database("two_servers")
    upgrade(url)
    engine = make_engine(url)
    assert seed_demo(engine, CompanySize(), hash_rounds=4) is True
    engine.dispose()
    yield url
    pg_server.drop_database("two_servers")


@pytest.fixture(scope="module")
def two_servers(shared_pg):
    key = secrets.token_urlsafe(36)
    servers = []
    try:
        for name in ("a", "b"):
            servers.append(StreamlitServer(shared_pg, key, SCREENSHOTS / f"streamlit-server-{name}.log").start())
        yield servers
    finally:
        for server in servers:
            server.stop()


def register(page, base_url: str, content: str) -> str:
    """A complaint with no unit (a place instead), through the form; returns its number."""
    open_url(page, base_url + "/complaint_new")
    form = form_with(page, t("cnew.submit"))
    form.wait_for()
    textbox(page, t("field.complainant"), form).fill("李女士")
    textbox(page, t("field.phone"), form).fill("13900139000")
    textbox(page, t("field.place"), form).fill("东门岗亭")
    textbox(page, t("field.content"), form).fill(content)
    button(page, t("cnew.submit"), form).click()
    settle(page)
    done = main(page).locator('[data-testid="stAlertContentSuccess"]')
    done.wait_for()
    return re.search(r"TS-\d{8}-\d{4}", done.inner_text()).group(0)


def seen_on(page, base_url: str, number: str, content: str, where: str) -> None:
    open_url(page, f"{base_url}/complaint?n={number}")
    wait_text(page, t("detail.actions"), where=where)
    wait_until(lambda: content in main_text(page), 20, f"{where}: {main_text(page)[:400]}")
    assert_clean(page, where)


def test_a_write_through_one_server_is_seen_through_the_other(two_servers, new_page):
    a, b = two_servers
    assert a.port != b.port
    page = new_page()
    login(page, a.base_url, DESK, DESK_NAME)
    # The cookie carries over: the same host, the same key; B signs the desk in without the form.
    on_b = new_page(storage_state=page.context.storage_state())
    board = new_page(storage_state=page.context.storage_state())
    # B's first visit goes through the front door: until app.py has run once in a server process,
    # Streamlit serves typed page URLs with its old router (tests/browser/test_browser_0_fresh_server.py).
    open_url(board, b.base_url + "/")
    wait_until(lambda: DESK_NAME in sidebar_text(board), 30, f"not signed in on B: {main_text(board)[:300]}")
    open_url(board, b.base_url + "/complaint_board")   # left open on B, refreshing by itself
    open_before = int(metric_value(board, t("board.open")))

    first = "东门岗亭夜间无人值守，访客随意进出。"
    number_a = register(page, a.base_url, first)
    seen_on(on_b, b.base_url, number_a, first, "server B shows what A saved")
    snap(on_b, "two_servers_b_sees_a")

    second = "东门道闸抬杆故障，车辆排队。"
    number_b = register(on_b, b.base_url, second)
    assert number_b != number_a, "the two servers handed out the same complaint number"
    seen_on(page, a.base_url, number_b, second, "server A shows what B saved")

    # The board open on B counts both within its refresh (ten seconds, cached as long).
    wait_until(lambda: int(metric_value(board, t("board.open"))) == open_before + 2, 40,
               f"board on B still counts {metric_value(board, t('board.open'))}, was {open_before}")
    assert_clean(board, "complaint board on B")
