"""Home page: the four figures match the store, counted here independently, for each role's scope."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.auth.roles import pages_for
from core.i18n import translate
from db.models import Unit
from page_helpers import ROLES, page_names


def expected(engine, project_ids):
    def count(*where):
        stmt = select(func.count()).select_from(Unit).where(*where)
        if project_ids is not None:
            stmt = stmt.where(Unit.project_id.in_(project_ids))
        with engine.connect() as conn:
            return conn.scalar(stmt)

    projects = select(func.count(func.distinct(Unit.project_id)))
    if project_ids is not None:
        projects = projects.where(Unit.project_id.in_(project_ids))
    with engine.connect() as conn:
        n_projects = conn.scalar(projects)
    return {translate("home.projects"): str(n_projects),
            translate("home.units"): f"{count():,}",
            translate("home.occupied"): f"{count(Unit.status == 'occupied'):,}",
            translate("home.to_hand_over"): f"{count(Unit.status == 'sold'):,}"}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "trainer"])
def test_home_figures_match_the_store(page_db, run_app, user_of, role):
    at = run_app(role)
    assert not at.exception and not at.error
    user = user_of(role)
    want = expected(page_db.engine, user.project_ids)
    shown = {m.label: m.value for m in at.metric}
    assert {k: shown.get(k) for k in want} == want
    if user.project_ids is not None:
        assert shown[translate("home.projects")] == "1"


def test_whole_company_figures(page_db, run_app):
    """4 projects of 20 units plus the 799 units of the batch."""
    shown = {m.label: m.value for m in run_app("manager").metric}
    assert shown[translate("home.projects")] == "4"
    assert shown[translate("home.units")] == f"{4 * 20 + 799:,}"


def test_trainer_home_offers_the_case_library_and_no_owner_data(run_app):
    at = run_app("trainer")
    assert not at.exception and not at.error
    assert translate("home.no_projects") not in [i.value for i in at.info]
    links = {p.label for p in at.get("page_link")}
    assert {translate("page.cases"), translate("page.training")} <= links
    units_metrics = {translate(k) for k in
                     ("home.projects", "home.units", "home.occupied", "home.to_hand_over")}
    assert not units_metrics & {m.label for m in at.metric}


@pytest.mark.parametrize("role", ROLES)
def test_home_table_and_shortcuts(run_app, user_of, role):
    at = run_app(role)
    if user_of(role).project_ids == ():
        return
    tables = [d.value for d in at.dataframe if translate("home.occupancy_rate") in d.value.columns]
    assert len(tables) == 1, [list(d.value.columns) for d in at.dataframe]
    table = tables[0]
    assert translate("home.col.project") in table.columns
    rates = table[translate("home.occupancy_rate")].dropna()
    assert ((rates >= 0) & (rates <= 1)).all()
    # Shortcuts only to pages the role may open.
    links = {p.proto.page for p in at.get("page_link")}  # url paths
    assert links <= set(pages_for(role, page_names())) - {"home"}, links
    if role != "trainer":
        assert "units" in links

