"""What the bench times: the registry later modules append to (see bench/README.md).

PAGES   -- PageCase: one page script run under Streamlit's AppTest as a signed-in role.
QUERIES -- QueryCase: one store function called directly (SQL, login checks).

Every script in pages/ without a PageCase here is still timed, once, as admin with no input.
Nothing in this module imports ui/ or runs a query at import time: bench.run points
DATABASE_URL at the bench store first."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from streamlit.testing.v1 import AppTest


@dataclass(frozen=True)
class Ctx:
    """What a case may use: the bench store and a few ids in it."""

    url: str
    engine: "Engine"
    scale: float
    batch_project: int  # the Shenzhen project with the new batch: scope of supervisor and frontdesk


@dataclass(frozen=True)
class PageCase:
    """How a page is run: AppTest.from_file("app.py") then switch_page("pages/<page>.py"), which runs
    the page script alone with app.py as the entry point (as Streamlit's pages/ router does for a
    typed URL). Not from_file("pages/<page>.py"): there st.page_link("pages/x.py") resolves
    against pages/ and raises StreamlitPageNotFoundError (pages/home.py does this).
    With via_app=True the whole of app.py runs instead: sign-in gate, navigation, sidebar, then
    the default page (home) -- what every click of a signed-in user costs on top of the page."""

    page: str  # stem of pages/<page>.py
    name: str  # what the row is called in the tables
    role: str = "admin"  # demo account whose signed-in session is seeded (username == role)
    via_app: bool = False  # only for the default page (home): switch_page never runs app.py
    # Untimed, before the timed action; e.g. a first run so that the timed action is a rerun.
    prepare: Callable[["AppTest"], Any] | None = None
    # Timed. Default: at.run(). Must leave the AppTest after its run (return value ignored).
    action: Callable[["AppTest"], Any] | None = None
    session: dict[str, Any] = field(default_factory=dict)  # more session-state keys to seed
    # More session-state built from the store when the case starts (e.g. the id of a ticket).
    session_from: Callable[[Ctx], dict[str, Any]] | None = None
    # URL query parameters (st.query_params) built from the store, e.g. {"n": number of a ticket}.
    query_from: Callable[[Ctx], dict[str, str]] | None = None

    @property
    def script(self) -> str:
        return f"pages/{self.page}.py"


@dataclass(frozen=True)
class QueryCase:
    group: str  # table the row is printed in, e.g. "org", "users", "login"
    name: str
    # Builds the zero-argument callable to time; anything done in make() is not timed.
    make: Callable[[Ctx], Callable[[], Any]]


def first_run(at: "AppTest") -> None:
    at.run()


def type_into(key: str, value: str) -> Callable[["AppTest"], Any]:
    """The timed rerun that typing `value` into the text input `key` causes."""
    def action(at: "AppTest"):
        return at.text_input(key=key).input(value).run()
    return action


def choose(label_key: str, value: Any) -> Callable[["AppTest"], Any]:
    """The timed rerun that picking `value` in the selectbox labelled t(label_key) causes (for
    selectboxes without a key; the label is looked up in the seeded session's language)."""
    def action(at: "AppTest"):
        from core.i18n import DEFAULT_LANG, translate
        label = translate(label_key, at.session_state["lang"] if "lang" in at.session_state else DEFAULT_LANG)
        boxes = [b for b in at.selectbox if b.label == label]
        if not boxes:
            raise LookupError(f"no selectbox labelled {label!r}")
        return boxes[0].set_value(value).run()
    return action


# ---------------------------------------------------------------------------------------------
# Pages of the shared core
PAGES: list[PageCase] = [
    PageCase("home", "company (admin)"),
    PageCase("home", "through app.py: gate, nav, sidebar (admin)", via_app=True),
    PageCase("home", "one project (frontdesk)", role="frontdesk"),
    PageCase("units", "no query yet"),
    PageCase("units", "search 3-19 (admin)", prepare=first_run, action=type_into("units_q", "3-19")),
    PageCase("units", "search 王 (admin)", prepare=first_run, action=type_into("units_q", "王")),
    PageCase("units", "search 王 (frontdesk, 1 project)", role="frontdesk", prepare=first_run,
             action=type_into("units_q", "王")),
    PageCase("units", "search 3-19 (supervisor, masked)", role="supervisor", prepare=first_run,
             action=type_into("units_q", "3-19")),
    PageCase("units", "search, no match (admin)", prepare=first_run, action=type_into("units_q", "不存在")),
    PageCase("admin", "users tab (admin)"),
]


# ---------------------------------------------------------------------------------------------
# Complaints (data: bench/complaint_data.py; BENCH_ROOM of the batch project has a known history)
_BENCH_MARK = "基准测试"  # complainant of the tickets the write cases register (removed at the next run)


def _bench_open_ticket(ctx: Ctx) -> str:
    """The open ticket on BENCH_ROOM, received by the demo frontdesk."""
    from sqlalchemy import select

    from bench.complaint_data import BENCH_ROOM
    from db.models import ComplaintRow, Unit
    with ctx.engine.connect() as conn:
        number = conn.scalar(select(ComplaintRow.number).join(Unit, Unit.id == ComplaintRow.unit_id)
                             .where(Unit.project_id == ctx.batch_project, Unit.room_no == BENCH_ROOM,
                                    ComplaintRow.closed_at.is_(None), ComplaintRow.complainant != _BENCH_MARK)
                             .order_by(ComplaintRow.received_at.desc()))
    if number is None:
        raise LookupError(f"no open ticket on {BENCH_ROOM}: regenerate the bench store")
    return number


def _ticket_query(ctx: Ctx) -> dict[str, str]:
    return {"n": _bench_open_ticket(ctx)}


PAGES += [
    PageCase("complaint_board", "all projects (manager)", role="manager"),
    PageCase("complaint_board", "all projects, category repairs (manager)", role="manager", prepare=first_run,
             action=choose("field.category", "repairs")),
    PageCase("complaint_board", "one project (frontdesk)", role="frontdesk"),
    PageCase("complaint_board", "one project, category repairs (frontdesk)", role="frontdesk", prepare=first_run,
             action=choose("field.category", "repairs")),
    PageCase("complaint_analysis", "by category, 1 year (manager)", role="manager"),
    PageCase("complaint_analysis", "by month (manager)", role="manager", prepare=first_run,
             action=choose("analysis.by", "month")),
    PageCase("complaint_analysis", "by building (manager)", role="manager", prepare=first_run,
             action=choose("analysis.by", "building")),
    PageCase("complaint_analysis", "by department (manager)", role="manager", prepare=first_run,
             action=choose("analysis.by", "department")),
    PageCase("complaint_new", "empty form (frontdesk)", role="frontdesk"),
    PageCase("complaint_new", "room 7-101 typed: its history (frontdesk)", role="frontdesk", prepare=first_run,
             action=type_into("cnew_room", "7-101")),
    PageCase("complaint", "open ticket ?n= (frontdesk, its receiver)", role="frontdesk", query_from=_ticket_query),
    PageCase("complaint", "open ticket ?n= (manager)", role="manager", query_from=_ticket_query),
]


# ---------------------------------------------------------------------------------------------
# Store functions of the shared core and the sign-in path
def _org(fn_name: str, *args, scoped: bool = False):
    """A services.org read, as an actor of every project or of the batch project only."""
    def make(ctx: Ctx):
        from dataclasses import replace

        from core.auth.actor import SYSTEM
        from services import org
        fn = getattr(org, fn_name)
        actor = replace(SYSTEM, project_ids=(ctx.batch_project,) if scoped else None)
        return lambda: fn(ctx.engine, actor, *args)
    return make


def _account(ctx: Ctx):
    """The account read behind a sign-in from the cookie and an account change (users.get_account)."""
    from services import users
    return lambda: users.get_account(ctx.engine, "frontdesk")


def _login_check(ctx: Ctx):
    """What the login form costs the server: services.sessions.sign_in (one bcrypt check of the
    hash in the store, cost 4 in the bench store, the throttle's counters, a new session row)."""
    from demo.company import DEMO_PASSWORD
    from services import sessions

    return lambda: sessions.sign_in(ctx.engine, "frontdesk", DEMO_PASSWORD, "bench").account


def _bcrypt(rounds: int):
    def make(ctx: Ctx):
        from core.auth.passwords import check_password, hash_password
        from demo.company import DEMO_PASSWORD
        hashed = hash_password(DEMO_PASSWORD, rounds)
        return lambda: check_password(DEMO_PASSWORD, hashed)
    return make


def _bench_session(ctx: Ctx):
    """A real server-side session of the demo frontdesk, opened untimed (its sign-in is timed above)."""
    from demo.company import DEMO_PASSWORD
    from services import sessions
    return sessions.sign_in(ctx.engine, "frontdesk", DEMO_PASSWORD, "bench")


def _still_allowed(ctx: Ctx):
    """ui.auth._still_allowed: the session check on every click (and every live-board refresh)."""
    from services import sessions
    signed = _bench_session(ctx)
    return lambda: sessions.check(ctx.engine, signed.session_id)


def _cookie_sign_in(ctx: Ctx):
    """ui.auth._user_from_cookie: verify the token, check its session, read the account."""
    from core.auth import tokens
    from services import sessions, users
    key = "bench-" + "k" * 40
    signed = _bench_session(ctx)
    token = tokens.encode(signed.session_id, "frontdesk", signed.issued_at, signed.expires_at, key)

    def run():
        claims = tokens.decode(token, key)
        live = sessions.check(ctx.engine, claims.session_id)
        return users.get_account(ctx.engine, live.username)
    return run


QUERIES: list[QueryCase] = [
    QueryCase("org", "list_projects (all)", _org("list_projects")),
    QueryCase("org", "units_by_status (all)", _org("units_by_status")),
    QueryCase("org", "units_by_status (1 project)", _org("units_by_status", scoped=True)),
    QueryCase("org", "search_units 3-19 (all)", _org("search_units", "3-19")),
    QueryCase("org", "search_units 王 (all)", _org("search_units", "王")),
    QueryCase("org", "search_units 王 (1 project)", _org("search_units", "王", scoped=True)),
    QueryCase("org", "search_units 3-19 (1 project)", _org("search_units", "3-19", scoped=True)),
    QueryCase("org", "search_units no match (all)", _org("search_units", "不存在")),
    QueryCase("users", "get_account", _account),
    QueryCase("login", "login form check (cost-4 hash)", _login_check),
    QueryCase("login", "bcrypt check, cost 12 (production)", _bcrypt(12)),
    QueryCase("login", "signed-in click: session check", _still_allowed),
    QueryCase("login", "cookie sign-in (token + session + account)", _cookie_sign_in),
]


# ---------------------------------------------------------------------------------------------
# Complaint use cases (services.complaints; the row names keep the read queries' names, so the
# tables compare with earlier runs)


def _reader(ctx: Ctx, scoped: bool):
    """A manager of every project, or of the batch project only."""
    from core.auth.actor import Actor
    from core.auth.roles import Role
    return Actor("manager", Role.MANAGER, (ctx.batch_project,) if scoped else None)


def _views(fn_name: str, *args, scoped: bool = False, **kwargs):
    """A complaint read as the pages call it; `now`/`since` are taken when the case starts."""
    def make(ctx: Ctx):
        from datetime import timedelta

        from db.base import utcnow
        from services import complaints
        reader = _reader(ctx, scoped)
        now = utcnow()
        year_ago = now - timedelta(days=365)
        if fn_name == "board_counts":
            return lambda: complaints.counts(ctx.engine, reader, now)
        if fn_name == "board":
            return lambda: complaints.board(ctx.engine, reader, now, **kwargs)
        if fn_name == "escalations":
            return lambda: complaints.escalations(ctx.engine, reader)
        if fn_name == "analysis":
            return lambda: complaints.analysis(ctx.engine, reader, year_ago, now, *args, now=now)
        if fn_name == "recurring_root_causes":
            return lambda: complaints.root_causes(ctx.engine, reader, year_ago)
        return lambda: getattr(complaints, fn_name)(ctx.engine, reader, year_ago)
    return make


def _store_board(scoped: bool, category: str | None = None):
    """Everything ui.complaint_cache.live_board runs on a cache miss (counts, board, escalations)."""
    def make(ctx: Ctx):
        from services import complaints
        reader = _reader(ctx, scoped)
        return lambda: complaints.live_board(ctx.engine, reader, None, category, None)
    return make


_WRITE_ROOM = "7-102"  # the write cases register here, so that BENCH_ROOM's history stays as generated


def _bench_unit(ctx: Ctx, room: str | None = None) -> int:
    from bench.complaint_data import BENCH_ROOM
    from core.auth.actor import SYSTEM
    from services import org
    unit_id = org.find_unit(ctx.engine, SYSTEM, ctx.batch_project, room or BENCH_ROOM)
    if unit_id is None:
        raise LookupError(f"no room {room or BENCH_ROOM} in the batch project")
    return unit_id


def _unit_history(ctx: Ctx):
    from services import complaints
    unit_id = _bench_unit(ctx)
    reader = _reader(ctx, scoped=False)
    return lambda: complaints.unit_history(ctx.engine, reader, unit_id)


def _by_number(module: str, fn_name: str):
    """db.<module>.<fn_name>(engine, number) on the open ticket of BENCH_ROOM."""
    def make(ctx: Ctx):
        import importlib
        fn = getattr(importlib.import_module(f"db.{module}"), fn_name)
        number = _bench_open_ticket(ctx)
        return lambda: fn(ctx.engine, number)
    return make


def _ticket_read(fn_name: str):
    """services.complaints.<fn_name>(engine, actor, number) on the open ticket of BENCH_ROOM."""
    def make(ctx: Ctx):
        from services import complaints
        fn, reader, number = getattr(complaints, fn_name), _reader(ctx, scoped=False), _bench_open_ticket(ctx)
        return lambda: fn(ctx.engine, reader, number)
    return make


def _remove_bench_tickets(ctx: Ctx) -> None:
    """Untimed: the tickets earlier runs' write cases registered (their audit rows stay)."""
    from sqlalchemy import delete, select

    from db.models import ComplaintCallbackRow, ComplaintEventRow, ComplaintRow
    with ctx.engine.begin() as conn:
        ids = select(ComplaintRow.id).where(ComplaintRow.complainant == _BENCH_MARK).scalar_subquery()
        for table in (ComplaintEventRow, ComplaintCallbackRow):
            conn.execute(delete(table).where(table.complaint_id.in_(ids)))
        conn.execute(delete(ComplaintRow).where(ComplaintRow.complainant == _BENCH_MARK))


def _register(ctx: Ctx):
    """services.complaints.register on _WRITE_ROOM (repeat detection reads its earlier tickets), commit
    included. Each call adds a ticket, numbered after today's others."""
    from core.auth.actor import Actor
    from core.auth.roles import Role
    from services import complaints
    _remove_bench_tickets(ctx)
    unit_id = _bench_unit(ctx, _WRITE_ROOM)
    actor = Actor("frontdesk", Role.FRONTDESK)
    return lambda: complaints.register(ctx.engine, actor, unit_id=unit_id, channel="phone", complainant=_BENCH_MARK,
                                       phone="13800000000", place="", content="卫生间天花板渗水，已经滴了三天。",
                                       category="repairs", wants=("C",))


def _act(kind: str):
    """services.complaints.act on a ticket registered untimed for the case, commit included:
    `root_cause` records a root cause (no stage change); `pause` alternates pause and resume."""
    def make(ctx: Ctx):
        from core.auth.actor import Actor
        from core.auth.roles import Role
        from services import complaints
        actor = Actor("frontdesk", Role.FRONTDESK)
        number = _register(ctx)() if kind == "root_cause" else complaints.register(
            ctx.engine, actor, unit_id=_bench_unit(ctx, _WRITE_ROOM), channel="walk_in", complainant=_BENCH_MARK,
            phone="", place="", content="楼道垃圾两天没人收。", category="cleaning")
        state = {"version": complaints.load(ctx.engine, actor, number).version, "paused": False}

        def run():
            if kind == "root_cause":
                data = {"root_cause": "交接班记录缺失", "prevention": "交接班逐单核对未结投诉"}
                action = "record_root_cause"
            elif state["paused"]:
                data, action = {}, "resume"
            else:
                data, action = {"reason": "customer", "note": "客户出差，下周回来再约"}, "pause"
            after = complaints.act(ctx.engine, actor, number, state["version"], action, **data)
            state["version"], state["paused"] = after.version, after.paused_since is not None
            return after
        return run
    return make


QUERIES += [
    QueryCase("complaints", "board_counts (all)", _views("board_counts")),
    QueryCase("complaints", "board_counts (1 project)", _views("board_counts", scoped=True)),
    QueryCase("complaints", "board (all)", _views("board")),
    QueryCase("complaints", "board (all, category repairs)", _views("board", category="repairs")),
    QueryCase("complaints", "board (1 project)", _views("board", scoped=True)),
    QueryCase("complaints", "board (1 project, category repairs)", _views("board", scoped=True, category="repairs")),
    QueryCase("complaints", "escalations (all)", _views("escalations")),
    QueryCase("complaints", "escalations (1 project)", _views("escalations", scoped=True)),
    QueryCase("complaints", "complaint_cache.live_board miss (all)", _store_board(False)),
    QueryCase("complaints", "complaint_cache.live_board miss (1 project)", _store_board(True)),
    QueryCase("complaints", "analysis by category, 1 year (all)", _views("analysis", "category")),
    QueryCase("complaints", "analysis by month, 1 year (all)", _views("analysis", "month")),
    QueryCase("complaints", "analysis by building, 1 year (all)", _views("analysis", "building")),
    QueryCase("complaints", "analysis by department, 1 year (all)", _views("analysis", "department")),
    QueryCase("complaints", "analysis by category, 1 year (1 project)", _views("analysis", "category", scoped=True)),
    QueryCase("complaints", "frequent_complainants, 1 year (all)", _views("frequent_complainants")),
    QueryCase("complaints", "recurring_root_causes, 1 year (all)", _views("recurring_root_causes")),
    QueryCase("complaints", "unit_history (room with tickets)", _unit_history),
    QueryCase("complaints", "ticket_place (open ticket)", _by_number("complaint_queries", "ticket_place")),
    QueryCase("complaints", "load (open ticket)", _ticket_read("load")),
    QueryCase("complaints", "timeline (open ticket)", _by_number("complaint_queries", "timeline")),
    QueryCase("complaints", "ticket: place, load and timeline (open ticket)", _ticket_read("ticket")),
    QueryCase("complaint writes", "register (commit included)", _register),
    QueryCase("complaint writes", "act record_root_cause (commit included)", _act("root_cause")),
    QueryCase("complaint writes", "act pause / resume (commit included)", _act("pause")),
]
