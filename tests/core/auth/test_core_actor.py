import pytest

from core.auth.actor import Actor
from core.auth.roles import Role
from core.errors import NotFound, PermissionDenied

DESK = Actor("chen", Role.FRONTDESK, (1,))


def test_a_record_of_the_actors_project_passes_with_its_project():
    assert DESK.require_record(1, "err.bill_unknown") == 1


def test_a_missing_record_is_not_found_with_the_callers_message():
    with pytest.raises(NotFound) as e:
        DESK.require_record(None, "err.bill_unknown")
    assert e.value.key == "err.bill_unknown"


def test_a_record_of_another_project_is_refused():
    with pytest.raises(PermissionDenied) as e:
        DESK.require_record(2, "err.bill_unknown")
    assert e.value.key == "err.other_project"
    assert Actor("zhou", Role.MANAGER).require_record(2, "err.bill_unknown") == 2   # all projects
