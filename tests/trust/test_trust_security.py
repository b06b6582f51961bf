"""Security that needs no browser (issue 7, item 6), on SQLite and on PostgreSQL where a store is
involved: every write function of the store leaves an audit row saying who and when; the login
cookie's key is never the library default nor short; owners' names and phones never reach the
application's logs or its console."""
from __future__ import annotations

import importlib
import inspect
import logging
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.auth.actor import SYSTEM
from core.auth.cookie_key import ENV_VAR, FORBIDDEN, MIN_BYTES, WeakCookieKey, resolve_cookie_key
from core.auth.roles import Role
from core.cases.model import CaseDraft
from core.clock import local_today
from core.collections.dunning import Outcome, Step
from core.collections.entries import BillEntry, PaymentEntry
from core.complaints.workflow import Actor
from core.errors import DomainError
from core.movein.model import BatchSettings
from core.org.model import UnitStatus
from db.models import AuditLog, utcnow
from services import audit as audit_trail
from services import calendar, canned_replies, cases, complaints, movein, org, sessions, training, users
from services import complaint_attachments as attachments
from services import complaint_incidents as incidents
from services import collections as ledger
from trust_helpers import PROPERTY, add_project, report, unit_rows

# ---------------------------------------------------------------- every write leaves an audit row

STORE_MODULES = ("services.users", "db.user_queries", "services.org", "db.org_queries", "services.audit",
                 "db.audit_queries", "services.complaints",
                 "db.complaint_queries", "services.movein", "db.movein_queries", "services.collections",
                 "db.collection_queries", "services.cases", "services.training", "db.case_queries",
                 "services.calendar", "db.calendar_queries", "services.sessions", "db.user_session_queries",
                 "services.my_work", "services.canned_replies", "services.complaint_attachments",
                 "db.complaint_attachment_queries", "services.complaint_incidents", "db.complaint_incident_queries",
                 "services.search")
WRITES = {
    "services.users": {"create_user", "set_active", "reset_password", "unlock", "set_language", "set_projects",
                       "set_role", "create_first_admin", "remove_demo_accounts"},
    "services.sessions": {"sign_in", "end", "end_everywhere"},
    "services.org": {"import_units", "name_company", "create_project", "update_project", "add_building", "add_unit",
                     "update_owner", "add_co_owner", "remove_owner", "transfer_ownership", "add_special_need",
                     "end_special_need"},
    "services.audit": {"export"},
    "services.complaints": {"register", "act"},
    "services.movein": {"create_batch", "save_plan", "set_checklist_item", "check_in", "advance", "mark_no_show",
                        "log_defect", "fix_defect", "log_dispute", "save_quotas", "import_bookings", "take_next",
                        "undo_last"},
    "services.collections": {"record_payment", "void_payment", "record_action", "add_payment_plan", "waive",
                             "import_bills", "import_payments", "set_fee_rate", "run_billing", "undo_billing",
                             "decide_payment_plan", "request_waiver", "decide_waiver"},
    "services.cases": {"seed_library", "save", "publish", "case_from_complaint"},
    "services.canned_replies": {"save_reply"},
    "services.complaint_attachments": {"upload", "remove"},
    "services.complaint_incidents": {"open_incident", "add_child", "record_fix", "close"},
    "services.training": {"create_session"},
    "services.calendar": {"save_hours", "use_company_hours", "save_year", "drop_year"},
}
# Writes that leave no audit row on purpose: a session's 'last seen', written at most once a minute
# and best effort, would otherwise be most of the trail.
UNAUDITED = {"db.user_session_queries": {"touch"}}
READS = {
    "services.users": {"get_account", "list_users", "staff_names", "demo_mode", "first_run", "demo_accounts"},
    "services.sessions": {"policy", "check", "my_sessions", "recent_storms"},
    "db.user_session_queries": {"check", "open_sessions", "storms_since"},
    "db.user_queries": {"login_rows", "login_row", "get_account", "list_users", "staff_names", "has_non_demo_users",
                        "count_users", "tokens_valid_after", "demo_usernames"},
    "services.org": {"list_projects", "list_buildings", "units_by_status", "search_units", "unit_detail",
                     "find_unit", "rooms_of", "buildings_of", "validate_unit_import", "company", "setup_progress",
                     "owners", "unit_owed", "special_needs"},
    "db.org_queries": {"list_projects", "units_by_status", "search_units", "unit", "buildings_of", "rooms_of",
                       "find_unit", "list_buildings", "company", "ownerships", "needs", "unit_owed", "setup_counts",
                       "unit_project"},
    # unit_detail and row leave a "view" row only when they show owners' data in full
    "services.audit": {"make_filter", "search", "choices", "row"},
    "db.audit_queries": {"count", "page", "actors", "entities", "viewed_since"},
    "services.complaints": {"ticket", "load", "timeline", "find_unit", "unit_history", "unit_caller", "counts",
                            "board", "escalations", "live_board", "analysis", "frequent_complainants", "root_causes",
                            "repeat_candidates", "handler_candidates"},
    "db.complaint_queries": {"board", "board_counts", "analysis", "escalations", "frequent_complainants",
                             "recurring_root_causes", "ticket_place", "timeline", "unit_history", "repeat_history",
                             "project_staff", "open_tickets_of", "callbacks_due"},
    "services.movein": {"list_batches", "load_batch", "plan_per_day", "booked_days", "checklist", "overdue_checklist",
                        "find_household", "today_progress", "live_board", "open_defects", "actual_vs_plan",
                        "day_bookings", "started_per_slot", "forecast", "recommend_staffing", "building_names",
                        "day_list", "find_in_day", "household", "household_defects", "last_tap", "search_list",
                        "station_queue", "timeline"},
    "db.movein_queries": {"batch_project", "list_batches", "load_batch", "plan_per_day", "checklist",
                          "overdue_checklist", "household", "board_plan", "day_tally", "reached_stations", "started_per_slot", "open_defects",
                          "station_steps", "at_station", "building_names", "came_other_day", "day_households",
                          "desk_stations", "events", "household_defects", "last_taps"},
    "services.collections": {"validate_bill_import", "validate_payment_import", "with_rates", "period_sums",
                             "monthly_trend", "aging", "prepayments", "figures", "headline", "unit_debts",
                             "collectors", "worklist", "ladder_today", "limitation_warnings", "unit_ledger",
                             "fee_schedule", "preview_billing", "billing_runs", "last_complete_month", "unit_plans",
                             "unit_waivers", "pending_approvals", "missed_plans", "delivery_proof_file",
                             "delivery_witnesses"},
    "db.collection_queries": {"period_sums", "monthly_trend", "aging", "prepayments", "unit_debts", "worklist",
                              "ladder_today", "collectors", "unit_ledger", "unit_project", "existing_bill_keys",
                              "used_receipts", "fee_schedule", "billing_runs", "plans_matching", "unit_owed",
                              "owed_totals", "unit_plans", "pending_plans", "unit_waivers", "pending_waivers",
                              "approved_plans", "proof_file", "project_staff"},
    "services.cases": {"search", "get"},
    "services.my_work": {"my_work"},
    "services.canned_replies": {"all_replies", "for_action"},
    "services.complaint_attachments": {"for_ticket", "for_unit", "open_file"},
    "db.complaint_attachment_queries": {"for_ticket", "for_unit", "one"},
    "services.complaint_incidents": {"for_ticket"},
    "db.complaint_incident_queries": {"incident_of_ticket", "incident", "members", "open_incidents"},
    # search writes nothing: its word index is kept by the writes of what it indexes
    "services.search": {"warm_up", "cases", "complaints", "units"},
    "services.training": {"sessions", "session_cases", "attendance", "teachable_cases"},
    "db.case_queries": {"search", "get", "sessions", "session_case_ids", "attendance", "slug_ids", "filter_for"},
    "services.calendar": {"overview", "working_calendar"},
    "db.calendar_queries": {"working_calendar", "setup"},
}


def test_every_public_store_function_is_known_as_a_read_or_a_write():
    """A new function in db/ must be added above: as a write (and then driven below) or as a read."""
    for name in STORE_MODULES:
        module = importlib.import_module(name)
        public = {n for n, f in inspect.getmembers(module, inspect.isfunction)
                  if f.__module__ == name and not n.startswith("_")}
        unknown = public - WRITES.get(name, set()) - READS.get(name, set()) - UNAUDITED.get(name, set())
        assert not unknown, f"{name}: classify {sorted(unknown)} in tests/trust/test_trust_security.py"
        assert not (WRITES.get(name, set()) - public), f"{name}: gone: {WRITES[name] - public}"


def _png() -> bytes:
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (320, 200), (240, 240, 230)).save(buf, format="PNG")
    return buf.getvalue()


def _refused(fn):
    """`fn` expected to refuse (a wrong password): the refusal must still leave its audit row."""
    import functools

    @functools.wraps(fn)
    def call(*args, **kwargs):
        with pytest.raises(sessions.LoginRefused):
            fn(*args, **kwargs)
    return call


class Audit:
    def __init__(self, engine):
        self.engine = engine
        self.covered: set[str] = set()

    def last_id(self) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(func.coalesce(func.max(AuditLog.id), 0)))

    def __call__(self, actor: str, fn, *args, **kwargs):
        """Call one write function; it must leave at least one audit row, by `actor`, stamped now."""
        since = self.last_id()
        t0 = utcnow() - timedelta(seconds=2)
        result = fn(*args, **kwargs)
        t1 = utcnow() + timedelta(seconds=2)
        with self.engine.connect() as conn:
            rows = conn.execute(select(AuditLog.actor, AuditLog.at, AuditLog.action, AuditLog.entity)
                                .where(AuditLog.id > since)).all()
        name = f"{fn.__module__}.{fn.__name__}"
        assert rows, f"{name} wrote without an audit row"
        for r in rows:
            assert r.actor == actor, (name, r.actor)
            assert r.at is not None and t0 <= r.at <= t1, (name, r.at)
            assert r.action and r.entity, name
        self.covered.add(name)
        return result


def test_every_write_function_leaves_an_audit_row_with_who_and_when(engine, db_kind):
    audit = Audit(engine)
    today = local_today()
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳", buildings=("1", "2"))

    # accounts (sign-in is done before there is an actor: those take the username tried)
    boss, zhou = Actor("admin", Role.ADMIN), Actor("zhou", Role.MANAGER)
    audit("first", users.create_first_admin, engine, "first", "第一位管理员", "Passw0rd-1", "Passw0rd-1", hash_rounds=4)
    audit("first", users.remove_demo_accounts, engine, Actor("first", Role.ADMIN))
    audit("admin", users.create_user, engine, boss, "zhou", "周经理", "manager", "Passw0rd-1", hash_rounds=4)
    audit("admin", users.create_user, engine, boss, "lili", "李客服", "frontdesk", "Passw0rd-1", [pid], hash_rounds=4)
    audit("admin", users.create_user, engine, boss, "wang", "王工", "supervisor", "Passw0rd-1", [pid], hash_rounds=4)
    version = users.get_account(engine, "zhou").version
    audit("admin", users.set_active, engine, boss, "zhou", False, version)
    audit("admin", users.set_active, engine, boss, "zhou", True, version + 1)
    audit("admin", users.reset_password, engine, boss, "zhou", "Passw0rd-2")
    audit("zhou", _refused(sessions.sign_in), engine, "zhou", "wrong-password", "10.0.0.1")
    audit("admin", users.unlock, engine, boss, "zhou")
    signed = audit("zhou", sessions.sign_in, engine, "zhou", "Passw0rd-2", "10.0.0.1")
    audit("zhou", sessions.end, engine, zhou, signed.session_id)
    audit("zhou", sessions.sign_in, engine, "zhou", "Passw0rd-2", "10.0.0.1")
    audit("zhou", users.set_language, engine, zhou, "en")
    audit("admin", users.set_projects, engine, boss, "zhou", [pid])
    audit("zhou", sessions.end_everywhere, engine, zhou)
    audit("admin", users.set_role, engine, boss, "zhou", "trainer", users.get_account(engine, "zhou").version)

    # units
    audit("admin", org.import_units, engine, boss, pid, unit_rows("1", 6, UnitStatus.SOLD)
          + unit_rows("2", 3, UnitStatus.OCCUPIED))
    unit = org.find_unit(engine, boss, pid, "2-101")

    # a company's set-up, owners over time, the special-needs ledger, the audit viewer's export
    audit("admin", org.name_company, engine, boss, "翠湖物业")
    pid2 = audit("admin", org.create_project, engine, boss, "P002", "星河苑", "广州")
    audit("admin", org.update_project, engine, boss, pid2, "P002", "星河苑", "广州", "", "95", 1)
    audit("admin", org.add_building, engine, boss, pid2, "1", "18")
    building = int(org.list_buildings(engine, boss, (pid2,))["id"].iloc[0])
    set_up = audit("admin", org.add_unit, engine, boss, building, "1-101", "89", "sold", "王伟", "13812345678")
    audit("admin", org.add_co_owner, engine, boss, set_up, "李娜", "")
    first_owner, co_owner = org.owners(engine, boss, set_up)
    audit("admin", org.update_owner, engine, boss, set_up, first_owner.owner_id, "王伟", "13900000000",
          first_owner.owner_version)
    audit("admin", org.remove_owner, engine, boss, set_up, co_owner.id)
    audit("admin", org.transfer_ownership, engine, boss, set_up, [("赵敏", "")], today,
          org.unit_detail(engine, boss, set_up)["version"])
    need = audit("admin", org.add_special_need, engine, boss, set_up, "pregnancy", "", today)
    audit("admin", org.end_special_need, engine, boss, need, 1)
    audit("admin", audit_trail.export, engine, boss, audit_trail.make_filter())

    # a complaint through the whole method, then a case from it
    chen, li, mgr = Actor("chen", Role.FRONTDESK), Actor("lili", Role.FRONTDESK), Actor("zhou", Role.MANAGER)
    number = audit("chen", complaints.register, engine, chen, unit_id=unit, channel="phone", complainant="王先生",
                   phone="13812345678", place="", content="楼道灯坏了三天", category="repairs")
    c = complaints.load(engine, chen, number)
    for actor, action, data in [
            (chen, "judge_valid", {}), (chen, "investigate", {"cause": "灯具老化"}),
            # the handler is staff of the project (lili, assigned to it), then handed on with a reason
            (chen, "assign", {"department": "工程部", "handler": "lili"}),
            (mgr, "reassign", {"handler": "wang", "reason": "李客服休假"}), (chen, "propose", {"options": ["更换灯具"]}),
            (chen, "agree", {"steps": "明天更换", "agreed_at": utcnow() + timedelta(days=1)}),
            (chen, "implement", {"record": "已更换"}), (chen, "feedback", {"confirmed": True}),
            (li, "callback", {"reached": True, "satisfaction": 5}),
            (mgr, "record_root_cause", {"root_cause": "巡检漏项", "prevention": "每周巡检"}), (chen, "close", {})]:
        c = audit(actor.username, complaints.act, engine, actor, number, c.version, action, **data)

    # what the desk has beside a ticket: wordings, attachments, an incident grouping its callers
    audit("zhou", canned_replies.save_reply, engine, mgr, situation="apology", category="repairs", title="致歉",
          body="给您添麻烦了，我们马上处理。")
    photo = audit("chen", attachments.upload, engine, chen, number, _png(), "楼道.png")
    audit("chen", attachments.remove, engine, chen, photo, "拍错了")
    burst = complaints.register(engine, chen, unit_id=unit, channel="phone", complainant="王先生",
                                phone="13812345678", content="家里停水了", category="repairs")
    incident = audit("chen", incidents.open_incident, engine, chen, burst, title="供水主管爆裂", cause="主管老化")
    audit("chen", incidents.add_child, engine, chen, incident, unit_id=None, channel="phone", complainant="李娜",
          phone="13912345678", place="3栋大堂", content="我家也停水了")
    version = incidents.for_ticket(engine, mgr, burst).incident.version
    audit("zhou", incidents.record_fix, engine, mgr, incident, version, fix="更换主管", prevention="每季度巡检")
    audit("zhou", incidents.close, engine, mgr, incident)

    # cases and training
    trainer = Actor("trainer", Role.TRAINER)
    audit("trainer", cases.seed_library, engine, trainer)
    case_id = audit("trainer", cases.save, engine, trainer, CaseDraft(title="停电", story="前台未通知", kind="complaint"))
    audit("trainer", cases.save, engine, trainer, CaseDraft(title="停电（修订）", story="前台未通知", kind="complaint"),
          case_id, cases.get(engine, trainer, case_id)["version"])
    audit("trainer", cases.publish, engine, trainer, case_id, cases.get(engine, trainer, case_id)["version"])
    audit("zhou", cases.case_from_complaint, engine, mgr, number)
    published = int(training.teachable_cases(engine, trainer, limit=1)["id"].iloc[0])
    audit("trainer", training.create_session, engine, trainer, "投诉处理培训", today, [published], ["lili"])

    # move-in
    lin, tablet = Actor("lin", Role.SUPERVISOR), Actor("tablet1", Role.SUPERVISOR)
    batch = audit("lin", movein.create_batch, engine, lin, pid, "一期交付", BatchSettings(start=today, days=1))
    settings, zones, staffing, version = movein.load_batch(engine, lin, batch)
    audit("lin", movein.save_plan, engine, lin, batch, version, list(settings.stations), zones, staffing)
    item = movein.checklist(engine, lin, batch).iloc[0]
    audit("lin", movein.set_checklist_item, engine, lin, int(item["id"]), int(item["version"]), True, "林主管", today)
    grid = {d.isoformat(): slots for d, slots in movein.day_bookings(engine, lin, batch)}
    audit("lin", movein.save_quotas, engine, lin, batch, movein.load_batch(engine, lin, batch).version, grid)
    audit("lin", movein.import_bookings, engine, lin, batch, movein.load_batch(engine, lin, batch).version,
          [f"1-101, 1, {settings.opens.hour + 1}"])
    first, second = (movein.find_household(engine, lin, batch, room) for room in ("1-101", "1-102"))
    audit("tablet1", movein.check_in, engine, tablet, batch, first.id)
    audit("tablet1", movein.advance, engine, tablet, batch, first.id, settings.stations[0].code)
    audit("tablet1", movein.take_next, engine, tablet, batch, settings.stations[1].code, today)
    audit("tablet1", movein.undo_last, engine, tablet, batch, first.id)
    audit("tablet1", movein.mark_no_show, engine, tablet, batch, second.id)
    defect = audit("tablet1", movein.log_defect, engine, tablet, batch, first.unit_id, location="kitchen",
                   kind="wall", severity="major", responsible="developer", note="墙面开裂")
    audit("lin", movein.fix_defect, engine, lin, defect, 1, owner_confirmed=True)
    audit("tablet1", movein.log_dispute, engine, tablet, batch, first.unit_id, "业主对面积有异议")

    # fee collection
    rooms = ["2-101", "2-102", "2-103"]
    admin, desk, chief = Actor("admin", Role.ADMIN), Actor("chen", Role.FRONTDESK), Actor("zhou", Role.MANAGER)
    audit("admin", ledger.import_bills, engine, admin, pid,
          [BillEntry(r, p, "property", 20000) for r in rooms for p in ("2025-01", "2025-02")])
    paid_on = today - timedelta(days=1)
    paid = audit("chen", ledger.record_payment, engine, desk, unit, "150.00", paid_on, "cash")
    audit("chen", ledger.void_payment, engine, desk, paid.payment_id, "金额录错")
    audit("chen", ledger.record_payment, engine, desk, unit, "150.00", paid_on, "cash")
    audit("admin", ledger.import_payments, engine, admin, pid, [PaymentEntry("2-102", "R-0002", 5000, paid_on, "card")])
    audit("chen", ledger.record_action, engine, desk, unit, Step.PHONE.value, Outcome.UNREACHABLE.value, paid_on)
    plan = audit("chen", ledger.add_payment_plan, engine, desk, unit, [(today + timedelta(days=30), "50")], "分期",
                 today=today)
    audit("zhou", ledger.decide_payment_plan, engine, chief, plan, True)
    audit("zhou", ledger.set_fee_rate, engine, chief, pid, "property", "area", "2.60", f"{today:%Y-%m}", "70")
    run = audit("zhou", ledger.run_billing, engine, chief, pid, f"{today:%Y-%m}")
    audit("zhou", ledger.undo_billing, engine, chief, run.run_id)
    bill = int(ledger.unit_ledger(engine, SYSTEM, org.find_unit(engine, SYSTEM, pid, "2-103")).bills["id"].iloc[0])
    audit("zhou", ledger.waive, engine, chief, bill, 1000, "停水补偿", "zhou")
    asked = audit("chen", ledger.request_waiver, engine, desk, bill, "1.00", "停水一天")
    audit("zhou", ledger.decide_waiver, engine, chief, asked, True)

    # the working calendar
    audit("admin", calendar.save_hours, engine, admin, None, "saturday_morning")
    audit("admin", calendar.save_hours, engine, admin, pid, "seven_days", expected_version=0)
    audit("admin", calendar.use_company_hours, engine, admin, pid, 1)
    audit("admin", calendar.save_year, engine, admin, today.year + 2, f"{today.year + 2}-02-01..{today.year + 2}-02-07", "")
    audit("admin", calendar.drop_year, engine, admin, today.year + 2, 1)

    expected = {f"{m}.{f}" for m, fs in WRITES.items() for f in fs}
    assert audit.covered == expected, f"not driven: {sorted(expected - audit.covered)}"
    with engine.connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(AuditLog))
        anonymous = conn.scalar(select(func.count()).where((AuditLog.actor == "") | AuditLog.actor.is_(None)))
    assert anonymous == 0
    report(f"[{db_kind}] audit: {len(expected)} write functions driven, each left audit rows with actor and time "
           f"({rows} rows in all)")


# ---------------------------------------------------------------- the cookie key

def _acceptable(key: str) -> bool:
    return key not in FORBIDDEN and key != "some_key" and len(key.encode("utf-8")) >= MIN_BYTES


@PROPERTY
@given(env_key=st.one_of(st.none(), st.just(""), st.sampled_from(["some_key", "changeme", "secret", "x" * 31,
                                                                   "é" * 16, "k" * 32]), st.text(max_size=80)),
       file_key=st.one_of(st.none(), st.sampled_from(["some_key", "", "short", "y" * 40]),
                          st.text(alphabet=st.characters(codec="utf-8", blacklist_characters='"\n\r'),
                                  max_size=80)))
def test_the_cookie_key_is_never_the_library_default_nor_short(tmp_path_factory, env_key, file_key):
    path = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    if file_key is not None:
        path.write_text(f'cookie_key = "{file_key}"\n', encoding="utf-8")
    environ = {} if env_key is None else {ENV_VAR: env_key}
    try:
        key = resolve_cookie_key(path, environ)
    except WeakCookieKey:
        return          # refused: the app does not start with it
    assert _acceptable(key), key


def test_a_fresh_install_generates_a_strong_key_once(tmp_path):
    path = tmp_path / ".streamlit" / "secrets.toml"
    key = resolve_cookie_key(path, {})
    assert _acceptable(key) and len(key) >= 48
    assert resolve_cookie_key(path, {}) == key                       # read back, not regenerated
    assert resolve_cookie_key(tmp_path / "other.toml", {}) != key    # another install, another key
    assert (path.stat().st_mode & 0o077) == 0                        # the file is the owner's only


def test_the_app_signs_its_cookie_with_its_own_key(tmp_path, monkeypatch):
    """ui.auth signs the login token with the key resolved above, never the library's 'some_key'."""
    from datetime import timedelta

    import ui.auth as auth
    from core.auth import tokens
    from db.models import utcnow

    key = resolve_cookie_key(tmp_path / "secrets.toml", {})
    monkeypatch.setattr(auth, "cookie_key", lambda *a, **k: key)
    sent = {}
    monkeypatch.setattr(auth, "_cookie_manager", lambda: type("M", (), {
        "set": lambda self, name, token, **kw: sent.update(token=token)})())
    account = type("A", (), {"username": "zhou"})()
    now = utcnow()
    auth._set_cookie(type("S", (), {"session_id": "s" * 43, "account": account, "issued_at": now,
                                    "expires_at": now + timedelta(hours=1)})())
    assert tokens.decode(sent["token"], key).session_id == "s" * 43 and _acceptable(key)
    assert tokens.decode(sent["token"], "some_key") is None


# ---------------------------------------------------------------- no personal data in the logs

PHONE, NAME = "13998761234", "欧阳测试人"
OWNER, OWNER_PHONE = "司马测试", "13712349876"


def test_no_personal_data_in_the_application_logs(engine, db_kind, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳", buildings=("3",))
    rows = unit_rows("3", 2, UnitStatus.OCCUPIED)
    rows[0] = rows[0].__class__(**{**rows[0].__dict__, "owner_name": OWNER, "owner_phone": OWNER_PHONE})
    org.import_units(engine, SYSTEM, pid, rows)
    unit = org.find_unit(engine, SYSTEM, pid, rows[0].room_no)
    desk = Actor("chen", Role.FRONTDESK)
    number = complaints.register(engine, desk, unit_id=unit, channel="phone", complainant=NAME, phone=PHONE,
                                 place="", content=f"{NAME}来电，电话{PHONE}，反映漏水", category="repairs")
    complaints.load(engine, desk, number)
    ledger.import_bills(engine, SYSTEM, pid, [BillEntry(rows[0].room_no, "2025-01", "property", 20000)])
    ledger.record_payment(engine, desk, unit, "200.00", local_today() - timedelta(days=1), "wechat")
    org.search_units(engine, SYSTEM, OWNER[:2])
    ledger.worklist(engine, desk, local_today())
    # a refused entry with the phone in it is not logged either
    with pytest.raises(DomainError):
        complaints.register(engine, desk, unit_id=unit, channel="phone", complainant=NAME, phone=PHONE + "x",
                            place="", content="x", category="repairs")
    logging.getLogger("db.trust_probe").debug("probe %s", "capture works")   # the capture is live
    out, err = capfd.readouterr()
    assert "probe capture works" in caplog.text
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (PHONE, NAME, OWNER, OWNER_PHONE):
        assert secret not in logged, f"{secret} in the log"
        assert secret not in out and secret not in err, f"{secret} on the console"
    assert logging.getLogger("sqlalchemy.engine").getEffectiveLevel() > logging.INFO   # no SQL echo
    report(f"[{db_kind}] logs: {len(caplog.records) - 1} application log records at DEBUG, stdout and stderr "
           "checked after register/load/import/payment/search/worklist and a refusal: no owner name or phone")
