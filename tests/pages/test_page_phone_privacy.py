"""Every page as every role that may open it: an owner's and a complainant's phone number, seeded
with known numbers, appear in full only where the role may see them (core.auth.privacy, from the
capability matrix), and masked elsewhere. What is searched is everything the run sends to the
browser (texts, tables, widget values), not only the visible messages."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from core.auth.actor import Actor
from core.auth.privacy import may_see_full_phone
from core.auth.roles import can_open
from core.org.rules import mask_phone
from db.models import ComplaintRow, Owner, Unit
from page_helpers import APP, ROLES, TIMEOUT, current_user, page_names

OWNER_PHONE = "13900011122"
COMPLAINANT_PHONE = "13700033344"
FULL = (OWNER_PHONE, COMPLAINANT_PHONE)


@pytest.fixture(scope="module")
def seeded(page_db):
    """The batch project's first owned unit and its newest tickets carry the known numbers."""
    import streamlit as st

    engine = page_db.engine
    with engine.begin() as conn:
        unit = conn.execute(select(Unit.id, Unit.room_no, Unit.owner_id)
                            .where(Unit.project_id == page_db.batch_project, Unit.owner_id.is_not(None))
                            .order_by(Unit.id).limit(1)).one()
        conn.execute(update(Owner).where(Owner.id == unit.owner_id).values(phone=OWNER_PHONE))
        numbers = conn.scalars(select(ComplaintRow.number).where(ComplaintRow.project_id == page_db.batch_project)
                               .order_by(ComplaintRow.received_at.desc()).limit(5)).all()
        conn.execute(update(ComplaintRow).where(ComplaintRow.number.in_(numbers))
                     .values(phone=COMPLAINANT_PHONE, unit_id=unit.id))
    assert numbers
    st.cache_data.clear()
    return {"room": unit.room_no, "ticket": numbers[0]}


def sent(node) -> list[str]:
    """Everything of a run's element tree as the browser gets it."""
    out = [str(node.proto)] if getattr(node, "proto", None) is not None else []
    for child in getattr(node, "children", {}).values():
        out.extend(sent(child))
    return out


def run_as(page_db, username: str, page: str, seeded: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(page_db.engine, username)
    at.run()
    at.switch_page(f"pages/{page}.py")
    if page == "complaint":
        at.query_params["n"] = seeded["ticket"]
    at.run()
    if page == "units":   # the unit of the seeded owner, with its complaints
        at.text_input(key="units_q").input(seeded["room"]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


CASES = [(page, role) for page in page_names() for role in ROLES if can_open(role, page)]


@pytest.mark.parametrize("page,role", CASES)
def test_full_phone_only_where_the_role_may_see_it(page_db, seeded, page, role):
    at = run_as(page_db, role, page, seeded)
    text = "\n".join(sent(at._tree))
    if not may_see_full_phone(Actor(role, role)):
        leaked = [p for p in FULL if p in text]
        assert not leaked, f"{role} sees the full number {leaked} on {page}"


@pytest.mark.parametrize("role", [r for r in ROLES if can_open(r, "units")])
def test_the_units_page_shows_the_owner_phone_as_the_role_may_see_it(page_db, seeded, role):
    """The check above is not vacuous: the numbers are on the page, in full or masked."""
    text = "\n".join(sent(run_as(page_db, role, "units", seeded)._tree))
    expected = OWNER_PHONE if may_see_full_phone(Actor(role, role)) else mask_phone(OWNER_PHONE)
    assert expected in text


@pytest.mark.parametrize("role", [r for r in ROLES if can_open(r, "complaint")])
def test_the_ticket_page_shows_the_complainant_phone_as_the_role_may_see_it(page_db, seeded, role):
    text = "\n".join(sent(run_as(page_db, role, "complaint", seeded)._tree))
    expected = COMPLAINANT_PHONE if may_see_full_phone(Actor(role, role)) else mask_phone(COMPLAINANT_PHONE)
    assert expected in text
