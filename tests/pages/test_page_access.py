"""The role matrix, page by page, for every script in pages/ (new modules are picked up as they land).

Two ways a page script runs in production, both tested:
- through app.py's st.navigation, as a signed-in user: a role's allowed pages open without an
  exception or an error, the others are not registered at all;
- on its own, as Streamlit's old pages/ router runs it on a fresh server before app.py ever ran:
  the guard must answer — a refusal for a role without the page, a request to log in for nobody —
  and draw nothing else of the page.
(A page run on its own for an allowed role is not a production path: without app.py nobody is
signed in. It is also not testable for pages that link to others, since st.page_link needs the
navigation app.py builds.)"""
from __future__ import annotations

import pytest

from core.auth.roles import can_open
from core.i18n import translate
from page_helpers import ROLES, page_names

PAGES = page_names()
CASES = [(page, role) for page in PAGES for role in ROLES]


def only_element(at):
    """The main area holds exactly one element and the sidebar none."""
    assert len(at.main.children) == 1, [type(c).__name__ for c in at.main.children.values()]
    assert len(at.sidebar.children) == 0
    assert not at.title and not at.dataframe and not at.text_input and not at.metric and not at.button


def test_pages_exist():
    assert {"home", "units", "admin"} <= set(PAGES)


@pytest.mark.parametrize("page,role", [c for c in CASES if can_open(c[1], c[0])])
def test_allowed_role_opens_page_through_the_app(run_app, page, role):
    at = run_app(role)
    assert not at.exception
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert len(at.main.children) > 0
    if page in ("units", "admin"):  # the page asked for ran, not the default one
        assert [t.value for t in at.title] == [translate(f"page.{page}")]
    refusals = {translate("guard.login_first")} | {translate("guard.refused", role=translate(f"role.{r}"))
                                                   for r in ROLES}
    assert not refusals & {w.value for w in at.warning}
    # app.py ran too (not the page alone): its sidebar says who is signed in.
    assert any(translate(f"role.{role}") in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("page,role", [c for c in CASES if not can_open(c[1], c[0])])
def test_refused_role_is_not_routed_by_the_app(run_app, page, role):
    at = run_app(role)
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"pages/{page}.py")


@pytest.mark.parametrize("page,role", [c for c in CASES if not can_open(c[1], c[0])])
def test_refused_role_running_the_page_itself_sees_only_the_refusal(run_page, page, role):
    at = run_page(page, role)
    assert not at.exception
    assert [e.value for e in at.error] == [translate("guard.refused", role=translate(f"role.{role}"))]
    only_element(at)


@pytest.mark.parametrize("page", PAGES)
def test_nobody_signed_in_is_asked_to_log_in(run_page, page):
    at = run_page(page)
    assert not at.exception
    assert not at.error
    assert [w.value for w in at.warning] == [translate("guard.login_first")]
    only_element(at)


@pytest.mark.parametrize("page", PAGES)
def test_forged_session_value_is_not_a_user(run_page, page):
    """Only ui.session.set_user writes current_user; anything else in that key is nobody."""
    from streamlit.testing.v1 import AppTest

    from page_helpers import PAGES_DIR, TIMEOUT

    at = AppTest.from_file(str(PAGES_DIR / f"{page}.py"), default_timeout=TIMEOUT)
    at.session_state["current_user"] = {"username": "admin", "role": "admin", "project_ids": None}
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [translate("guard.login_first")]
    only_element(at)


@pytest.mark.parametrize("role", [r for r in ROLES if not all(can_open(r, p) for p in PAGES)])
def test_refusal_is_in_english_for_an_english_session(run_page, role):
    refused = [p for p in PAGES if not can_open(role, p)]
    at = run_page(refused[0], role, lang="en")
    refusal = translate("guard.refused", "en", role=translate(f"role.{role}", "en"))
    assert [e.value for e in at.error] == [refusal]
