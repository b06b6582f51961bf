"""我的工作 (AppTest) on the demo store: a ticket the desk registers is on its list with a link to
the ticket; a role with no work sees what to do next; every role has the page in its menu."""
from __future__ import annotations

from sqlalchemy import select

from core.auth.roles import Role, pages_for
from core.i18n import translate
from db.models import Project
from services import complaints


def _register(engine, actor) -> str:
    scope = actor.scope()
    with engine.connect() as conn:
        pid = scope[0] if scope else conn.scalar(select(Project.id).order_by(Project.id))
    return complaints.register(engine, actor, channel="walk_in", complainant="测试业主", content="电梯异响",
                               category="repairs", place="2号楼电梯", project_id=pid)


def test_a_registered_ticket_is_on_the_receivers_list(page_db, run_page, user_of):
    number = _register(page_db.engine, user_of("frontdesk").actor)
    at = run_page("my_work", "frontdesk")
    assert not at.exception
    frame = at.dataframe[0].value
    refs = list(frame[translate("mywork.col.ref", "zh")])
    assert number in refs
    links = list(frame[translate("mywork.col.link", "zh")])
    assert f"/complaint?n={number}" in links
    assert translate("mywork.kind.receiver", "zh") in list(frame[translate("mywork.col.kind", "zh")])


def test_no_work_says_what_to_do_next(run_page):
    at = run_page("my_work", "trainer")
    assert not at.exception
    assert [i.value for i in at.info] == [translate("mywork.empty", "zh")]


def test_every_role_has_the_page():
    assert all("my_work" in pages_for(r) for r in Role)


def test_the_ticket_page_reassigns_by_display_name_with_a_reason(page_db):
    from core.complaints.model import Stage
    from services import users
    from test_page_complaints import FRONTDESK, READS_ALL, by_label, drive, ok, open_page, rooms  # noqa: F401

    engine = page_db.engine
    with engine.connect() as conn:
        from db.models import Unit
        unit_id = conn.scalar(select(Unit.id).where(Unit.project_id == FRONTDESK_PROJECT(engine)).order_by(Unit.id.desc()))
    number = complaints.register(engine, user_actor(engine, "frontdesk"), channel="walk_in", complainant="测试业主",
                                 content="楼道灯不亮", category="repairs", unit_id=unit_id)
    drive(page_db, number, Stage.PROPOSE)                        # handled by admin
    names = users.staff_names(engine)
    at = ok(open_page(engine, "complaint", "manager", n=number))
    at.radio[0].set_value("reassign").run()
    picker = by_label(at.selectbox, translate("field.handler", "zh"))
    assert "admin" not in picker.options and names["admin"] not in picker.options   # the current one is not offered
    picker.set_value("frontdesk")
    by_label(at.text_area, translate("field.reassign_reason", "zh")).input("原负责人出差")
    at.get("form_submit_button")[0].click().run()
    ok(at)
    assert complaints.load(engine, READS_ALL, number).handler == "frontdesk"
    shown = at.dataframe[-1].value[translate("col.reassigned", "zh")].tolist()
    row = next(r for r in shown if r != "—")
    assert row.startswith(names["admin"]) and f"→ {names['frontdesk']}" in row and row.endswith("原负责人出差")


def user_actor(engine, username):
    from page_helpers import current_user
    return current_user(engine, username).actor


def FRONTDESK_PROJECT(engine):
    scope = user_actor(engine, "frontdesk").scope()
    return scope[0] if scope else 1
