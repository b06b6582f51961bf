"""Fixtures of the browser tests: one seeded SQLite store and one `streamlit run` server for the
session, headless Chromium, and a fresh 1024x768 browser context per use."""
from __future__ import annotations

import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for _p in (str(HERE.parents[1]), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from browser_helpers import (CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, VIEWPORT,  # noqa: E402
                             StreamlitServer, main_text)

# Accounts only the browser tests use, so that a logout (which revokes every cookie of the user),
# a wrong password or a language change cannot disturb the other tests.
EXTRA_ACCOUNTS = [  # username, display name, role, on the batch project
    ("bw.logout", "退出测试", "frontdesk", True),
    ("bw.wrong", "错密测试", "trainer", False),
    ("bw.english", "English Tester", "manager", False),
    ("bw.reload", "刷新测试", "supervisor", True),
]


SCREENSHOTS.mkdir(exist_ok=True)


@dataclass
class BrowserDB:
    url: str
    cookie_key: str
    batch_project: int
    display_names: dict


@pytest.fixture(scope="session")
def browser_db(tmp_path_factory) -> BrowserDB:
    from sqlalchemy import func, select

    from core.auth.actor import Actor
    from core.auth.roles import Role
    from demo.company import BATCH_CITY, DEMO_ACCOUNTS, DEMO_PASSWORD, CompanySize, seed_demo
    from db.engine import make_engine
    from db.migrate import upgrade
    from db.models import Project
    from services import users

    path = tmp_path_factory.mktemp("browser_db") / "app.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    assert seed_demo(engine, CompanySize(), hash_rounds=4) is True
    with engine.connect() as conn:
        batch = conn.scalar(select(func.min(Project.id)).where(Project.city == BATCH_CITY))
    for username, display, role, on_batch in EXTRA_ACCOUNTS:
        users.create_user(engine, Actor("test", Role.ADMIN), username, display, role, DEMO_PASSWORD,
                          [batch] if on_batch else [], is_demo=True, hash_rounds=4)
    engine.dispose()
    names = {u: d for u, d, _ in DEMO_ACCOUNTS} | {u: d for u, d, _, _ in EXTRA_ACCOUNTS}
    return BrowserDB(url, secrets.token_urlsafe(36), batch, names)


@pytest.fixture(scope="session")
def _shared_server(browser_db):
    # The log goes next to the screenshots (git-ignored), where it survives the run for a post-mortem.
    log = SCREENSHOTS / "streamlit-server.log"
    server = StreamlitServer(browser_db.url, browser_db.cookie_key, log).start()
    yield server
    server.stop()


@pytest.fixture
def server(_shared_server) -> StreamlitServer:
    """The session's server; whatever the test does may run app.py, so it is no longer fresh."""
    _shared_server.fresh = False
    return _shared_server


@pytest.fixture
def fresh_server(_shared_server, browser_db):
    """A server on which no session has run app.py yet: the shared one if still untouched, else a new one."""
    if _shared_server.fresh:
        _shared_server.fresh = False
        yield _shared_server
        return
    log = SCREENSHOTS / "streamlit-server-fresh.log"
    own = StreamlitServer(browser_db.url, browser_db.cookie_key, log).start()
    yield own
    own.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """new_page(cookies=[...]) -> a page in a new browser context (its own cookies), at 1024x768.
    Any JavaScript dialog (alert) fails the test."""
    contexts, dialogs = [], []

    def make(cookies: list | None = None, storage_state=None):
        context = browser.new_context(viewport=VIEWPORT, storage_state=storage_state, locale="zh-CN")
        if cookies:
            context.add_cookies(cookies)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        make.pages.append(page)
        return page

    make.pages = []
    yield make
    for context in contexts:
        context.close()
    assert not dialogs, f"a JavaScript dialog opened: {dialogs}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test reports what its pages showed and the server's last log lines, so a
    failure in CI can be read without running it again."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    make = item.funcargs.get("new_page")
    for i, page in enumerate(getattr(make, "pages", [])):
        try:
            text = f"{page.url}\n{main_text(page)[:1500]}"
            page.screenshot(path=str(SCREENSHOTS / f"failed-{item.name[:60]}-{i}.png"), full_page=True)
        except Exception as exc:  # noqa: BLE001  a closed page must not hide the failure itself
            text = f"(page unreadable: {exc})"
        report.sections.append((f"page {i} at the failure", text))
    server = item.funcargs.get("server") or item.funcargs.get("fresh_server")
    if server is not None:
        report.sections.append(("app server log (last lines)", server.log()[-3000:]))


class SignedIn:
    """signed_in_state(username) -> a browser storage state holding that user's login cookie. One real
    login per user for the whole session (a test that logged in through the form hands its state
    over with remember()); typed URLs then start new sessions signed in by the cookie."""

    def __init__(self, browser, server, names):
        self.browser, self.server, self.names, self.states = browser, server, names, {}

    def remember(self, username: str, page) -> None:
        self.states[username] = _state_with_cookie(page.context, username)

    def __call__(self, username: str):
        if username not in self.states:
            from browser_helpers import login

            self.server.fresh = False
            context = self.browser.new_context(viewport=VIEWPORT)
            login(context.new_page(), self.server.base_url, username, self.names[username])
            self.states[username] = _state_with_cookie(context, username)
            context.close()
        return self.states[username]


def _state_with_cookie(context, username: str, timeout: float = 20) -> dict:
    """The context's storage state once it holds the login cookie. The cookie is written by a
    component in the browser a moment after the signed-in page is drawn: a state taken before that
    moment has no cookie, and every later test using it met the login form (CI, twice)."""
    from browser_helpers import COOKIE_NAME, eventually

    assert eventually(lambda: any(c["name"] == COOKIE_NAME for c in context.cookies()), timeout), \
        f"{username}: signed in, but no login cookie in the browser after {timeout}s"
    return context.storage_state()


@pytest.fixture(scope="session")
def signed_in_state(browser, browser_db, _shared_server) -> SignedIn:
    return SignedIn(browser, _shared_server, browser_db.display_names)


@pytest.fixture(scope="module")
def engine(browser_db):
    """An engine on the browser tests' store, for a test that checks what a click wrote."""
    from db.engine import make_engine

    engine = make_engine(browser_db.url)
    yield engine
    engine.dispose()
