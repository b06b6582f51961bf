"""Helpers of the page tests (AppTest): paths, the role list, login form and text helpers."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PAGES_DIR = ROOT / "pages"
ROLES = ("admin", "manager", "supervisor", "frontdesk", "trainer")
DEMO_PASSWORD = "Demo-2026!"
TIMEOUT = 30
# Small but with the batch: the 深圳 project (4th city) gets the 799 new units, room 3-1906 among them.
SMALL = dict(projects=4, units_per_project=20, batch=True)


def page_names() -> list[str]:
    """Every page script that exists right now (app.py registers exactly these)."""
    return sorted(p.stem for p in PAGES_DIR.glob("*.py"))


def current_user(engine, username: str):
    """The CurrentUser a login of this account leaves in session state (ui.session.set_user)."""
    from services import users
    from ui.session import CurrentUser

    account = users.get_account(engine, username)
    assert account is not None, username
    return CurrentUser(account.username, account.display_name, account.role.value,
                       None if account.all_projects else tuple(sorted(account.project_ids)))


def by_label(elements, label: str):
    found = [e for e in elements if e.label == label]
    assert found, f"no widget labelled {label!r} among {[e.label for e in elements]}"
    return found[0]


def submit_login(at: AppTest, username: str, password: str) -> AppTest:
    from core.i18n import translate

    by_label(at.text_input, translate("login.username")).input(username)
    by_label(at.text_input, translate("login.password")).input(password)
    by_label(at.button, translate("login.submit")).click()
    return at.run()


def texts(at: AppTest) -> list[str]:
    """Every visible string of the run that AppTest exposes (messages, titles, text, captions)."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning",
                 "error", "success"):
        out.extend(str(e.value) for e in getattr(at, kind))
    return out


def open_session(engine, username: str) -> str:
    """The server-side session a sign-in of this account opens (what the login form leaves)."""
    import secrets

    from db import user_repository, user_session_repository
    from db.models import utcnow
    from db.uow import UnitOfWork

    session_id = secrets.token_urlsafe(32)
    with UnitOfWork(engine, username) as uow:
        user = user_repository.get(uow.session, username)
        user_session_repository.add(uow.session, session_id, user.id, utcnow(), "apptest", "AppTest")
        uow.commit()
    return session_id
