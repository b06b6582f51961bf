"""Units page: finding a unit by room number or owner name, within the user's projects, with the
owner's phone shown in full only to the roles that call owners back."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from core.i18n import translate
from core.org.model import UnitRow, UnitStatus
from core.auth.actor import Actor
from core.auth.roles import Role
from services import org
from db.models import Building, Owner, Project, Unit
from page_helpers import texts
from ui.widgets import md_plain

OUTSIDE_ROOM, OUTSIDE_OWNER, OUTSIDE_PHONE = "9-101", "范围外", "13900009999"


@pytest.fixture(scope="module")
def batch_unit(page_db):
    """Room 3-1906 of the batch project, with its owner's name and phone from the store."""
    with page_db.engine.connect() as conn:
        row = conn.execute(select(Project.name.label("project"), Owner.name.label("owner"), Owner.phone)
                           .join(Unit, Unit.project_id == Project.id)
                           .join(Owner, Owner.id == Unit.owner_id)
                           .where(Unit.project_id == page_db.batch_project, Unit.room_no == "3-1906")).one()
    return row


@pytest.fixture(scope="module")
def outside_unit(page_db):
    """A unit that exists only in a project supervisor and frontdesk are not assigned to."""
    with page_db.engine.begin() as conn:
        pid = conn.scalar(select(Project.id).where(Project.id != page_db.batch_project).order_by(Project.id))
        conn.execute(insert(Building).values(project_id=pid, name="9", floors=5))
    org.import_units(page_db.engine, Actor("test", Role.ADMIN), pid, [
        UnitRow("9", OUTSIDE_ROOM, 1, Decimal("88.00"), UnitStatus.OCCUPIED, OUTSIDE_OWNER, OUTSIDE_PHONE,
                None)])
    return pid


def search(run_page, role, query, lang=None):
    at = run_page("units", role, lang=lang)
    assert not at.exception
    at.text_input(key="units_q").input(query).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_rows(at):
    return at.dataframe(key="units_table").value


def no_table(at) -> bool:
    return not [d for d in at.dataframe if d.key == "units_table"]


def test_empty_page_explains_what_to_type(run_page):
    at = run_page("units", "frontdesk")
    assert not at.exception and not at.error
    assert [i.value for i in at.info] == [translate("units.empty_query")]
    assert no_table(at)


@pytest.mark.parametrize("role", ["frontdesk", "manager", "admin"])
def test_room_search_shows_the_unit_and_full_phone(run_page, batch_unit, role):
    at = search(run_page, role, "3-1906")
    assert not at.error and not at.warning
    rows = shown_rows(at)
    room_col, phone_col = translate("units.col.room_no"), translate("units.col.phone")
    assert rows[room_col].tolist() == ["3-1906"]
    assert rows[phone_col].tolist() == [batch_unit.phone]
    assert at.subheader[0].value == f"{translate('units.record')} · {batch_unit.project} 3-1906"
    assert batch_unit.phone in [t.value for t in at.text]
    assert translate("units.phone_masked") not in [c.value for c in at.caption]


def test_supervisor_sees_the_phone_masked(run_page, batch_unit):
    at = search(run_page, "supervisor", "3-1906")
    assert not at.error
    rows = shown_rows(at)
    masked = rows[translate("units.col.phone")].tolist()
    assert len(masked) == 1 and "****" in masked[0]
    assert re.fullmatch(r"1\d{2}\*{4}\d{4}", masked[0])
    assert masked[0][-4:] == batch_unit.phone[-4:]
    everything = texts(at) + [str(v) for v in rows.to_numpy().ravel()]
    assert not any(batch_unit.phone in s for s in everything)
    assert translate("units.phone_masked") in [c.value for c in at.caption]


def test_prefix_search_lists_several_units_up_to_the_limit(run_page):
    at = search(run_page, "frontdesk", "3-19")
    rooms = shown_rows(at)[translate("units.col.room_no")].tolist()
    assert "3-1906" in rooms and len(rooms) == 6  # six rooms a floor in the batch buildings
    at = search(run_page, "frontdesk", "3-")
    assert len(shown_rows(at)) == org.SEARCH_LIMIT
    found = translate("units.found", n=org.SEARCH_LIMIT, limit=org.SEARCH_LIMIT)
    assert found in [c.value for c in at.caption]


def test_owner_name_search_finds_the_unit(run_page, batch_unit):
    at = search(run_page, "frontdesk", batch_unit.owner)
    rows = shown_rows(at)
    assert "3-1906" in rows[translate("units.col.room_no")].tolist()
    assert all(batch_unit.owner in o for o in rows[translate("units.col.owner")])


def test_search_stays_within_the_users_projects(run_page, outside_unit):
    for role in ("frontdesk", "supervisor"):
        for query in (OUTSIDE_ROOM, OUTSIDE_OWNER):
            at = search(run_page, role, query)
            assert no_table(at)
            assert [w.value for w in at.warning] == [translate("units.none_found", q=md_plain(query))]
    at = search(run_page, "manager", OUTSIDE_ROOM)
    rows = shown_rows(at)
    assert rows[translate("units.col.room_no")].tolist() == [OUTSIDE_ROOM]
    assert rows[translate("units.col.phone")].tolist() == [OUTSIDE_PHONE]


@pytest.mark.parametrize("query", ["9-9999", "不存在的业主", "%", "_", "3-19%", "\\"])
def test_nothing_found_shows_the_warning(run_page, query):
    at = search(run_page, "frontdesk", query)
    assert not at.error and no_table(at)
    assert len(at.warning) == 1
    # The message names the format to use; wildcards are searched for literally.
    assert "3-1906" in at.warning[0].value


@pytest.mark.parametrize("query", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                   "[x](javascript:alert(1))", "' OR 1=1 --", "３－１９０６"])
def test_hostile_or_odd_input_is_no_exception(run_page, query):
    at = search(run_page, "frontdesk", query)
    assert not at.error
    assert no_table(at) or len(shown_rows(at)) <= org.SEARCH_LIMIT


def test_units_page_in_english(run_page, batch_unit):
    at = search(run_page, "supervisor", "3-1906", lang="en")
    assert [t.value for t in at.title] == ["Units"]
    assert translate("units.phone_masked", "en") in [c.value for c in at.caption]
    assert "Room" in shown_rows(at).columns
