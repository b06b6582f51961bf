"""The audit viewer page (issue 11, item 9) on the demo store: a manager sees every write newest
first a page at a time and filters by person; one row's before and after side by side; the roles
without VIEW_AUDIT are refused."""
from __future__ import annotations

import pytest

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role
from core.i18n import translate
from page_helpers import ROLES, by_label
from services import audit


def test_the_manager_sees_every_write_and_filters_by_person(page_db, run_page):
    at = run_page("audit", "manager")
    assert not at.exception and not at.error
    table = at.dataframe(key="audit_table").value
    total = audit.search(page_db.engine, Actor("reader", Role.MANAGER), audit.make_filter()).total
    assert len(table) == min(total, audit.PAGE_SIZE)
    assert translate("audit.found", total=total, page=1, pages=-(-total // audit.PAGE_SIZE),
                     size=audit.PAGE_SIZE) in [c.value for c in at.caption]
    by_label(at.selectbox, translate("audit.person")).select("demo")
    by_label(at.button, translate("audit.apply")).click()
    at.run()
    assert not at.exception
    people = set(at.dataframe(key="audit_table").value[translate("audit.col.person")])
    assert people == {"demo"}


def test_side_by_side_view():
    """The before/after table, as the page draws it for the row picked (AppTest cannot pick a row of
    a table; services.audit.row, which the pick calls, is tested in tests/services)."""
    from streamlit.testing.v1 import AppTest

    def script():
        from ui.audit_views import side_by_side
        side_by_side({"action": "edit", "entity": "owner", "entity_id": "7",
                      "before": {"name": "王伟", "phone": "13812345678"},
                      "after": {"name": "王伟", "phone": "13900001111", "unit": 3}})

    at = AppTest.from_function(script).run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert frame[translate("audit.col.key")].tolist() == ["name", "phone", "unit"]
    assert frame[translate("audit.col.changed")].tolist() == ["", "●", "●"]
    assert frame[translate("audit.col.before")].tolist()[1] == '"13812345678"'


@pytest.mark.parametrize("role", ROLES)
def test_only_roles_with_view_audit_open_it(run_page, role):
    at = run_page("audit", role)
    refused = translate("guard.refused", role=translate(f"role.{role}")) in [e.value for e in at.error]
    assert refused == (not can(role, Capability.VIEW_AUDIT))
