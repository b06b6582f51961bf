"""Fixtures of the page tests (Streamlit AppTest): one seeded SQLite store per test module, the
environment the app reads (DATABASE_URL, APP_COOKIE_KEY), and runners for app.py or one page
script with a signed-in user seeded in session state, the way ui.auth.login_gate leaves it."""
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

from sqlalchemy import func, select  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from page_helpers import APP, PAGES_DIR, SMALL, TIMEOUT, current_user  # noqa: E402


@dataclass
class PageDB:
    url: str
    engine: object
    batch_project: int
    cookie_key: str


@pytest.fixture(scope="module")
def page_db(tmp_path_factory):
    """A migrated, seeded SQLite file; DATABASE_URL and APP_COOKIE_KEY point at it for the module."""
    import streamlit as st

    from demo.company import BATCH_CITY, CompanySize, seed_demo
    from db.engine import make_engine
    from db.migrate import upgrade
    from db.models import Project

    path = tmp_path_factory.mktemp("pages_db") / "app.db"
    url = f"sqlite:///{path}"
    key = secrets.token_urlsafe(36)  # 48 random characters
    assert len(key) == 48
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        mp.setenv("APP_COOKIE_KEY", key)
        upgrade(url)
        engine = make_engine(url)
        assert seed_demo(engine, CompanySize(**SMALL), hash_rounds=4) is True
        # The cookie key is cached once per process; this module's app must use this module's key.
        from ui.auth import cookie_key
        cookie_key.clear()
        with engine.connect() as conn:
            batch = conn.scalar(select(func.min(Project.id)).where(Project.city == BATCH_CITY))
        assert batch is not None
        st.cache_data.clear()
        yield PageDB(url, engine, batch, key)
        engine.dispose()
        st.cache_data.clear()
        cookie_key.clear()


@pytest.fixture(autouse=True)
def app_runs_every_time(monkeypatch):
    """Every AppTest run executes app.py (login gate, navigation, sidebar), as on a running server
    once some session has run app.py's st.navigation.

    Without this, AppTest resets PagesManager.uses_pages_directory before each run and, with a pages/
    folder beside app.py, runs the requested page script alone from the second run on (the old pages/
    router): no login gate, no navigation rules, no sidebar — not what users get."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class AppPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr(app_test, "PagesManager", AppPagesManager)
    # streamlit-authenticator sleeps 0.7 s before drawing the login form, to let its cookie
    # component load; ui.auth reads the cookie itself, so the wait only slows the tests down.
    from streamlit_authenticator import params
    monkeypatch.setattr(params, "PRE_LOGIN_SLEEP_TIME", 0)
    yield
    PagesManager.uses_pages_directory = None


_ENGINES: dict = {}


@pytest.fixture(autouse=True)
def seeded_users_have_a_session(monkeypatch):
    """A test that seeds `current_user` (as a login would) gets the server-side session a login
    opens too, on the store DATABASE_URL names: ui.auth checks that session on every rerun."""
    import os

    from page_helpers import open_session
    from ui.session import CurrentUser

    real_run = AppTest.run

    def run(self, *args, **kwargs):
        state = self.session_state
        user = state["current_user"] if "current_user" in state else None
        if isinstance(user, CurrentUser) and "login_session" not in state:
            from db.engine import make_engine
            url = os.environ["DATABASE_URL"]
            engine = _ENGINES.get(url) or _ENGINES.setdefault(url, make_engine(url))
            state["login_session"] = open_session(engine, user.username)
            # ... and the account as it was seeded: the gate re-reads an account only when its
            # version moved, which would also reset a language the test chose for the session.
            from services import users
            state["login_account_version"] = users.get_account(engine, user.username).version
        return real_run(self, *args, **kwargs)

    monkeypatch.setattr(AppTest, "run", run)
    yield
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


@pytest.fixture
def user_of(page_db):
    return lambda username: current_user(page_db.engine, username)


def _prepare(script, engine, username, lang):
    at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
    if username is not None:
        at.session_state["current_user"] = current_user(engine, username)
    if lang is not None:
        at.session_state["lang"] = lang
    return at


@pytest.fixture
def run_page(page_db):
    """run_page("units", "frontdesk", lang="en") -> the AppTest after one run of pages/units.py."""
    return lambda page, username=None, lang=None: _prepare(
        PAGES_DIR / f"{page}.py", page_db.engine, username, lang).run()


@pytest.fixture
def run_app(page_db):
    """run_app("manager") -> app.py after one run with that user signed in (None: nobody)."""
    return lambda username=None, lang=None: _prepare(APP, page_db.engine, username, lang).run()
