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
from db import cases, complaints, movein, org, users
from db import collections as ledger
from db.models import AuditLog, utcnow
from trust_helpers import PROPERTY, add_project, report, unit_rows

# ---------------------------------------------------------------- every write leaves an audit row

STORE_MODULES = ("db.users", "db.org", "db.complaints", "db.complaint_views", "db.movein", "db.collections",
                 "db.cases")
WRITES = {
    "db.users": {"create_user", "set_active", "reset_password", "unlock", "set_language", "set_projects",
                 "record_login_failure", "record_login_success", "revoke_tokens"},
    "db.org": {"import_units"},
    "db.complaints": {"register", "act"},
    "db.movein": {"create_batch", "save_plan", "set_checklist_item", "check_in", "advance", "mark_no_show",
                  "log_defect", "fix_defect", "log_dispute"},
    "db.collections": {"record_payment", "record_action", "add_payment_plan", "waive", "import_bills",
                       "import_payments"},
    "db.cases": {"seed_library", "save", "case_from_complaint", "create_session"},
}
READS = {
    "db.users": {"credentials", "get_account", "list_users", "has_non_demo_users", "count_users",
                 "tokens_valid_after", "demo_mode"},
    "db.org": {"list_projects", "units_by_status", "search_units", "buildings_of", "rooms_of", "find_unit",
               "list_buildings"},
    "db.complaints": {"load", "earlier_on_unit"},
    "db.complaint_views": {"board", "board_counts", "analysis", "escalations", "frequent_complainants",
                           "recurring_root_causes", "ticket_place", "timeline", "unit_history"},
    "db.movein": {"list_batches", "load_batch", "plan_per_day", "checklist", "overdue_checklist", "find_household",
                  "live_board", "open_defects", "actual_vs_plan"},
    "db.collections": {"period_sums", "monthly_trend", "aging", "prepayments", "unit_debts", "worklist",
                       "unit_ledger", "collectors", "existing_bill_keys", "used_receipts", "limitation_warnings"},
    "db.cases": {"search", "get", "session_cases", "sessions", "attendance"},
}


def test_every_public_store_function_is_known_as_a_read_or_a_write():
    """A new function in db/ must be added above: as a write (and then driven below) or as a read."""
    for name in STORE_MODULES:
        module = importlib.import_module(name)
        public = {n for n, f in inspect.getmembers(module, inspect.isfunction)
                  if f.__module__ == name and not n.startswith("_")}
        unknown = public - WRITES.get(name, set()) - READS.get(name, set())
        assert not unknown, f"{name}: classify {sorted(unknown)} in tests/trust/test_trust_security.py"
        assert not (WRITES.get(name, set()) - public), f"{name}: gone: {WRITES[name] - public}"


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

    # accounts
    audit("admin", users.create_user, engine, "admin", "zhou", "周经理", "manager", "Passw0rd-1", hash_rounds=4)
    audit("admin", users.create_user, engine, "admin", "lili", "李客服", "frontdesk", "Passw0rd-1", [pid], hash_rounds=4)
    version = users.get_account(engine, "zhou").version
    audit("admin", users.set_active, engine, "admin", "zhou", False, version)
    audit("admin", users.set_active, engine, "admin", "zhou", True, version + 1)
    audit("admin", users.reset_password, engine, "admin", "zhou", "Passw0rd-2")
    audit("zhou", users.record_login_failure, engine, "zhou")
    audit("admin", users.unlock, engine, "admin", "zhou")
    audit("zhou", users.record_login_success, engine, "zhou")
    audit("zhou", users.set_language, engine, "zhou", "en")
    audit("admin", users.set_projects, engine, "admin", "zhou", [pid])
    audit("zhou", users.revoke_tokens, engine, "zhou")

    # units
    audit("admin", org.import_units, engine, "admin", pid, unit_rows("1", 6, UnitStatus.SOLD)
          + unit_rows("2", 3, UnitStatus.OCCUPIED))
    unit = org.find_unit(engine, pid, "2-101")

    # a complaint through the whole method, then a case from it
    chen, li, mgr = Actor("chen", Role.FRONTDESK), Actor("lili", Role.FRONTDESK), Actor("zhou", Role.MANAGER)
    number = audit("chen", complaints.register, engine, chen, unit_id=unit, channel="phone", complainant="王先生",
                   phone="13812345678", place="", content="楼道灯坏了三天", category="repairs")
    c = complaints.load(engine, number)
    for actor, action, data in [
            (chen, "judge_valid", {}), (chen, "investigate", {"cause": "灯具老化"}),
            (chen, "assign", {"department": "工程部", "handler": "wang"}), (chen, "propose", {"options": ["更换灯具"]}),
            (chen, "agree", {"steps": "明天更换", "agreed_at": utcnow() + timedelta(days=1)}),
            (chen, "implement", {"record": "已更换"}), (chen, "feedback", {"confirmed": True}),
            (li, "callback", {"reached": True, "satisfaction": 5}),
            (mgr, "record_root_cause", {"root_cause": "巡检漏项", "prevention": "每周巡检"}), (chen, "close", {})]:
        c = audit(actor.username, complaints.act, engine, number, c.version, actor, action, **data)

    # cases and training
    audit("trainer", cases.seed_library, engine, "trainer")
    case_id = audit("trainer", cases.save, engine, "trainer", CaseDraft(title="停电", story="前台未通知", kind="complaint"))
    audit("trainer", cases.save, engine, "trainer", CaseDraft(title="停电（修订）", story="前台未通知", kind="complaint"),
          case_id, cases.get(engine, case_id, see_drafts=True)["version"])
    audit("trainer", cases.case_from_complaint, engine, "trainer", number)
    published = int(cases.search(engine, limit=1)["id"].iloc[0])
    audit("trainer", cases.create_session, engine, "trainer", "投诉处理培训", today, "trainer", [published], ["lili"])

    # move-in
    batch = audit("lin", movein.create_batch, engine, "lin", pid, "一期交付", BatchSettings(start=today, days=1))
    settings, zones, staffing, version = movein.load_batch(engine, batch)
    audit("lin", movein.save_plan, engine, "lin", batch, version, list(settings.stations), zones, staffing)
    item = movein.checklist(engine, batch).iloc[0]
    audit("lin", movein.set_checklist_item, engine, "lin", int(item["id"]), int(item["version"]), True, "林主管", today)
    first, second = movein.find_household(engine, batch, "1-101"), movein.find_household(engine, batch, "1-102")
    audit("tablet1", movein.check_in, engine, "tablet1", batch, first["id"])
    audit("tablet1", movein.advance, engine, "tablet1", batch, first["id"], settings.stations[0].code)
    audit("tablet1", movein.mark_no_show, engine, "tablet1", batch, second["id"])
    defect = audit("tablet1", movein.log_defect, engine, "tablet1", batch, first["unit_id"], location="kitchen",
                   kind="wall", severity="major", responsible="developer", note="墙面开裂")
    audit("lin", movein.fix_defect, engine, "lin", defect, 1)
    audit("tablet1", movein.log_dispute, engine, "tablet1", batch, first["unit_id"], "业主对面积有异议")

    # fee collection
    rooms = ["2-101", "2-102", "2-103"]
    audit("admin", ledger.import_bills, engine, "admin", pid,
          [BillEntry(r, p, "property", 20000) for r in rooms for p in ("2025-01", "2025-02")])
    paid_on = today - timedelta(days=1)
    audit("chen", ledger.record_payment, engine, "chen", unit, PaymentEntry("2-101", "R-0001", 15000, paid_on, "cash"))
    audit("admin", ledger.import_payments, engine, "admin", pid, [PaymentEntry("2-102", "R-0002", 5000, paid_on, "card")])
    audit("chen", ledger.record_action, engine, "chen", unit, Step.PHONE.value, Outcome.UNREACHABLE.value, paid_on)
    audit("chen", ledger.add_payment_plan, engine, "chen", unit, today, today + timedelta(days=90), "分三期")
    bill = int(ledger.unit_ledger(engine, org.find_unit(engine, pid, "2-103"))[0]["id"].iloc[0])
    audit("zhou", ledger.waive, engine, "zhou", bill, 1000, "停水补偿", "zhou")

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
                          st.text(alphabet=st.characters(blacklist_characters='"\n\r'), max_size=80)))
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


def test_the_app_hands_its_own_key_to_the_login_library(tmp_path, monkeypatch):
    """ui.auth builds the authenticator with the key resolved above, not the library's 'some_key'."""
    import streamlit_authenticator as stauth

    import ui.auth as auth

    key = resolve_cookie_key(tmp_path / "secrets.toml", {})
    seen = {}

    class Recorder:
        def __init__(self, credentials, cookie_name, cookie_key, *args, **kwargs):
            seen["key"] = cookie_key
            self.cookie_controller = type("C", (), {})()

    monkeypatch.setattr(auth, "cookie_key", lambda *a, **k: key)
    monkeypatch.setattr(stauth, "Authenticate", Recorder)
    auth._authenticator({"usernames": {}})
    assert seen["key"] == key and _acceptable(seen["key"])


# ---------------------------------------------------------------- no personal data in the logs

PHONE, NAME = "13998761234", "欧阳测试人"
OWNER, OWNER_PHONE = "司马测试", "13712349876"


def test_no_personal_data_in_the_application_logs(engine, db_kind, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳", buildings=("3",))
    rows = unit_rows("3", 2, UnitStatus.OCCUPIED)
    rows[0] = rows[0].__class__(**{**rows[0].__dict__, "owner_name": OWNER, "owner_phone": OWNER_PHONE})
    org.import_units(engine, "admin", pid, rows)
    unit = org.find_unit(engine, pid, rows[0].room_no)
    desk = Actor("chen", Role.FRONTDESK)
    number = complaints.register(engine, desk, unit_id=unit, channel="phone", complainant=NAME, phone=PHONE,
                                 place="", content=f"{NAME}来电，电话{PHONE}，反映漏水", category="repairs")
    complaints.load(engine, number)
    ledger.import_bills(engine, "admin", pid, [BillEntry(rows[0].room_no, "2025-01", "property", 20000)])
    ledger.record_payment(engine, "chen", unit, PaymentEntry(rows[0].room_no, "R-LOG-1", 20000,
                                                             local_today() - timedelta(days=1), "wechat"))
    org.search_units(engine, OWNER[:2])
    ledger.worklist(engine, local_today())
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
