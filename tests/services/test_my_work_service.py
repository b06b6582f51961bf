"""我的工作 as one service call, on SQLite and PostgreSQL: the open tickets one received or handles,
soonest stage deadline first, each linked; closed ones and other projects' left out."""
from __future__ import annotations

from core.auth.roles import Role
from core.complaints.model import Stage
from core.complaints.workflow import Actor
from services import my_work
from test_complaints_service import DESK, DESK2, HANDLER, cn, reg, walk  # noqa: F401
from test_complaints_service import site  # noqa: F401

T0 = cn(2025, 3, 3, 9)


def test_receiver_and_handler_see_their_open_tickets_soonest_first(site):
    later = reg(site, T0)                                        # judged later: its clock runs later
    sooner = reg(site, T0, room="3-1907", actor=DESK2, category="emergency")
    walk(site.engine, later, T0, until=Stage.PROPOSE)            # assigned to wang
    mine = my_work.my_work(site.engine, DESK, now=T0)
    assert mine["ref"].tolist() == [later] and mine["kind"].tolist() == ["receiver"]
    assert mine["link"].tolist() == [f"/complaint?n={later}"]
    handler = my_work.my_work(site.engine, HANDLER, now=T0)
    assert handler["ref"].tolist() == [later] and handler["kind"].tolist() == ["handler"]
    both = my_work.my_work(site.engine, Actor("li", Role.FRONTDESK), now=T0)
    assert both["ref"].tolist() == [sooner]
    assert my_work.my_work(site.engine, Actor("chen", Role.FRONTDESK, (site.gz,)), now=T0).empty   # other project


def test_nothing_to_do_is_an_empty_list(site):
    assert my_work.my_work(site.engine, Actor("trainer", Role.TRAINER), now=T0).empty


def test_the_soonest_deadline_comes_first(site):
    repairs = reg(site, T0)
    urgent = reg(site, T0 + (cn(2025, 3, 3, 10) - T0), room="3-1907", category="emergency")   # later, shorter clock
    mine = my_work.my_work(site.engine, DESK, now=T0)
    assert mine["ref"].tolist() == [urgent, repairs]
    assert mine["deadline"].is_monotonic_increasing


def test_a_ticket_waiting_for_its_call_back_is_on_every_other_desks_list(site):
    number = reg(site, T0)
    walk(site.engine, number, T0)                                # receiver DESK, handler wang: at call-back
    other = my_work.my_work(site.engine, DESK2, now=T0)
    assert other[other["ref"] == number]["kind"].tolist() == ["callback"]
    assert other[other["ref"] == number]["link"].tolist() == [f"/complaint?n={number}"]
    # The receiver and the handler may not call back their own ticket: theirs only as their own.
    assert my_work.my_work(site.engine, DESK, now=T0)["kind"].tolist() == ["receiver"]
    assert my_work.my_work(site.engine, HANDLER, now=T0)["kind"].tolist() == ["handler"]
    assert number not in my_work.my_work(site.engine, Actor("chen", Role.FRONTDESK, (site.gz,)), now=T0)["ref"].tolist()
