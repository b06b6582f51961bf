"""Every page, in both languages, for each role that may open it, shows our words only: no raw
catalogue key (``stage.nan``), no ``None``/``nan``/``NaT`` in text or in a table cell, and in the
Chinese interface none of the framework's English (``Select all``, ``empty``)."""
from __future__ import annotations

import pytest

from core.auth.roles import pages_for
from page_helpers import ROLES, page_names, texts
from words_check import widget_texts, words_problems

CASES = [(page, role) for page in page_names() for role in ROLES if page in pages_for(role, page_names())
         and page != "complaint"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page,role", CASES)
def test_every_page_speaks_our_words(run_app, page, role, lang):
    at = run_app(role, lang=lang)
    if page != "home":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    problems = words_problems(at, lang)
    assert not problems, f"{page} as {role} ({lang}): " + "; ".join(problems)


def _one_ticket_per_stage(engine) -> dict[str, str]:
    from sqlalchemy import func, select

    from db.models import ComplaintRow

    with engine.connect() as conn:
        rows = conn.execute(select(ComplaintRow.stage, func.min(ComplaintRow.number)).group_by(ComplaintRow.stage))
        return dict(rows.all())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_ticket_at_every_stage_speaks_our_words(page_db, run_app, lang):
    """The ticket page: its facts, clocks, actions and whole timeline, one ticket per stage."""
    tickets = _one_ticket_per_stage(page_db.engine)
    assert len(tickets) >= 5, tickets
    for stage, number in sorted(tickets.items()):
        at = run_app("manager", lang=lang)
        at.query_params["n"] = number
        at.switch_page("pages/complaint.py").run()
        assert not at.exception, (number, [e.value for e in at.exception])
        assert any(number in s for s in texts(at) + widget_texts(at)), f"{number}: ticket not shown"
        problems = words_problems(at, lang)
        assert not problems, f"ticket {number} at {stage} ({lang}): " + "; ".join(problems)


def test_every_multiselect_goes_through_our_wrapper():
    """Streamlit's multiselect offers an English "Select all" (one click picks every user); the
    wrapper ui.widgets.choose_many switches it off and gives the placeholder our words."""
    from page_helpers import ROOT

    offenders = [str(p.relative_to(ROOT)) for folder in ("pages", "ui") for p in (ROOT / folder).glob("*.py")
                 if "st.multiselect(" in p.read_text(encoding="utf-8") and p.name != "widgets.py"]
    assert not offenders, f"st.multiselect called directly (use ui.widgets.choose_many): {offenders}"
    assert "select_all=False" in (ROOT / "ui" / "widgets.py").read_text(encoding="utf-8")
