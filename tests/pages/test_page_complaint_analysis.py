"""The complaint analysis by building when a company has more buildings than a manager reads: the
busiest 30 shown with their own figures, the rest in one line "其他 N 栋" that adds them up; the
Excel export keeps every building (issue 18, item 5)."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import insert, select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.clock import CHINA, local_today
from core.i18n import translate
from db.models import Building, ComplaintRow, Project
from services import complaints
from ui.complaint_analysis_views import SHOWN_BUILDINGS

EXTRA = 40     # buildings added to the demo company, each with its own number of tickets


def t(key: str, **kw) -> str:
    return translate(key, "zh", **kw)


@pytest.fixture(scope="module")
def many_buildings(page_db):
    """EXTRA new buildings in the first project; building i has i + 1 tickets from this week, a
    third of them closed late, so every row has figures of its own."""
    engine = page_db.engine
    received = datetime.combine(local_today() - timedelta(days=2), time(10), CHINA)
    with engine.begin() as conn:
        project = conn.scalar(select(Project.id).order_by(Project.id))
        ids = [conn.execute(insert(Building).values(project_id=project, name=f"T{i:02d}", floors=10)
                            .returning(Building.id)).scalar_one() for i in range(EXTRA)]
        rows = []
        for i, building in enumerate(ids):
            for j in range(i + 1):
                closed = received + timedelta(hours=j + 1)
                rows.append(dict(number=f"TS-A-{i:02d}{j:03d}", received_at=received, channel="phone",
                                 complainant="王伟", content="楼道灯不亮", category="repairs", receiver="chen",
                                 project_id=project, building_id=building, department="工程部",
                                 stage="closed", closed_at=closed, due_at=received + timedelta(hours=2 if j % 3 else 0),
                                 satisfaction=1 + j % 5))
        conn.execute(insert(ComplaintRow), rows)
    return engine


def _run_by_building(run_page):
    at = run_page("complaint_analysis", "manager")
    [select] = [s for s in at.selectbox if s.label == t("analysis.by")]
    select.select("building").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    return at


def test_by_building_shows_the_busiest_and_sums_the_rest(many_buildings, run_page):
    engine = many_buildings
    today = local_today()
    since = datetime.combine(today - timedelta(days=365), time(0), CHINA)
    until = datetime.combine(today + timedelta(days=1), time(0), CHINA)
    every = complaints.analysis(engine, Actor("manager", Role.MANAGER), since, until, "building")
    assert len(every) > SHOWN_BUILDINGS + 10

    at = _run_by_building(run_page)
    table = at.dataframe[0].value
    key, received = t("analysis.by.building"), t("analysis.received")
    others = len(every) - SHOWN_BUILDINGS
    assert len(table) == SHOWN_BUILDINGS + 1
    assert table[key].iloc[-1] == t("analysis.others", n=others) == f"其他 {others} 栋"
    assert t("analysis.others_note", shown=SHOWN_BUILDINGS, n=others) in [c.value for c in at.caption]
    # every ticket still counted, the busiest first, and each shown building's figures unchanged
    assert int(table[received].sum()) == int(every["received"].sum())
    assert table[received].iloc[:-1].is_monotonic_decreasing
    by_key = every.set_index("key")
    busiest = every.sort_values(["received", "key"], ascending=[False, True])["key"].iloc[:SHOWN_BUILDINGS]
    assert table[key].iloc[:-1].tolist() == busiest.tolist()
    for _, row in table.iloc[:-1].iterrows():
        want = by_key.loc[row[key]]
        assert (row[received], row[t("analysis.breaches")], row[t("analysis.called_back")]) == \
            (want["received"], want["breaches"], want["called_back"])
        assert row[t("analysis.hours_to_close")] == pytest.approx(want["hours_to_close"], nan_ok=True)
    # the line of the rest: their sums, their means weighted by the tickets behind them
    rest = every[~every["key"].isin(busiest)]
    line = table.iloc[-1]
    assert line[received] == rest["received"].sum()
    assert line[t("analysis.breaches")] == rest["breaches"].sum()
    assert line[t("analysis.hours_to_close")] == pytest.approx(
        (rest["hours_to_close"].fillna(0) * rest["closed"]).sum() / rest["closed"].sum())
    assert line[t("analysis.breach_rate")] == pytest.approx(rest["breaches"].sum() / rest["received"].sum())


def test_english_line_of_the_rest(many_buildings):
    assert translate("analysis.others", "en", n=12) == "Other 12 buildings"
    assert "12" in translate("analysis.others_note", "en", shown=30, n=12)
