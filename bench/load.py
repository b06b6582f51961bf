"""Load benchmark: N simulated users against one real `streamlit run` server, over its websocket,
the way browsers talk to it (protobuf BackMsg / ForwardMsg), signed in by their login cookie.
The users are a day's mix: move-in supervisors (find a household, tap its next station, again and
again), front desks registering complaints (a form filled and saved), managers watching the
complaint board and a wall screen redrawn (a full rerun of the page each time). Prints throughput
and p50/p95 per action, the errors and refusals seen, and the saves confirmed on screen against the
rows the store holds at the end (a lost write would show as fewer rows).

    python -m bench.load [--users 10 50 100] [--seconds 20] [--think 0] [--url DATABASE_URL]

The server runs in its own process with the app's real settings; the clients are asyncio
websockets in this process, so they cost the server's two cores little."""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COOKIE = "pmcs_auth"
DONE = (0, 1, 3)   # ScriptFinishedStatus: success, compile error, fragment success (2 = rerun follows)


class Session:
    """One browser tab: a websocket session of the app, signed in as `username`."""

    def __init__(self, base: str, token: str):
        self.base, self.token, self.ws = base, token, None
        self.widgets: dict[str, str] = {}   # label or user key -> widget id, from the last run

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(f"ws://{self.base}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                                additional_headers={"Cookie": f"{COOKIE}={self.token}"}, open_timeout=120,
                                ping_interval=None)

    async def run(self, page: str, states: list | None = None, query: str = "") -> tuple[float, list[str], list[str]]:
        """One rerun; returns (ms until the script finished, exceptions, error boxes). The success
        boxes of the run are kept in self.successes."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        msg = BackMsg()
        msg.rerun_script.CopyFrom(ClientState(page_name=page, query_string=query,
                                              widget_states=WidgetStates(widgets=states or [])))
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        exceptions, errors, widgets, successes = [], [], {}, []
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await self.ws.recv())
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                which = el.WhichOneof("type")
                if which == "exception":
                    exceptions.append(el.exception.message)
                elif which == "alert" and el.alert.format == 1:   # ERROR
                    errors.append(el.alert.body)
                elif which == "alert" and el.alert.format == 4:   # SUCCESS
                    successes.append(el.alert.body)
                elif which in ("button", "text_input", "text_area", "button_group") and getattr(el, which).id:
                    widget = getattr(el, which)
                    widgets[widget.id.rsplit("-", 1)[-1]] = widget.id      # by user key
                    widgets.setdefault(getattr(widget, "label", ""), widget.id)
            elif kind == "script_finished" and fm.script_finished in DONE:
                break
        self.widgets, self.successes = widgets, successes
        return (time.perf_counter() - start) * 1000, exceptions, errors


def trigger(widget_id: str):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    return WidgetState(id=widget_id, trigger_value=True)


def text(widget_id: str, value: str):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    return WidgetState(id=widget_id, string_value=value)


class Tally:
    def __init__(self):
        self.ms, self.errors, self.refusals = defaultdict(list), defaultdict(int), defaultdict(int)
        self.first: dict[str, str] = {}
        self.saved = 0      # complaint saves confirmed on screen (a ticket number shown)

    def add(self, action: str, result) -> None:
        ms, exceptions, errors = result
        self.ms[action].append(ms)
        if exceptions:
            self.errors[action] += 1
            self.first.setdefault(action, exceptions[0][:200])
        if errors:
            self.refusals[action] += 1


async def pause(think: float) -> None:
    """A person between two taps: `think` seconds on average (0: a stress test, no pause)."""
    if think:
        await asyncio.sleep(random.uniform(0.5, 1.5) * think)


async def supervisor(session: Session, rooms: list[str], tally: Tally, deadline: float, labels: dict,
                     think: float) -> None:
    await session.run("movein_live")
    for room in rooms:
        room_box, find = session.widgets.get("live_room"), session.widgets.get(labels["find"])
        if not (room_box and find):
            return
        await session.run("movein_live", [text(room_box, room), trigger(find)])
        while time.perf_counter() < deadline:
            tap = next((wid for key, wid in session.widgets.items() if key.startswith(("adv_", "in_"))), None)
            if tap is None:
                break   # the household has its keys: the next one
            tally.add("movein_tap", await session.run("movein_live", [text(room_box, room), trigger(tap)]))
            await pause(think)
        if time.perf_counter() >= deadline:
            return


async def manager(session: Session, tally: Tally, deadline: float, think: float) -> None:
    while time.perf_counter() < deadline:
        tally.add("board_view", await session.run("complaint_board"))
        await pause(think)


async def wall(session: Session, tally: Tally, deadline: float, think: float) -> None:
    while time.perf_counter() < deadline:
        tally.add("wall_view", await session.run("complaint_board", query="wall=1"))
        await pause(think)


SAVE_MARK = "压测登记"   # in every complaint the bench saves, to count them in the store afterwards


async def front_desk(session: Session, tally: Tally, deadline: float, think: float, labels: dict) -> None:
    """Registers complaints about a place (no unit: no 'same problem?' question), one after another."""
    await session.run("complaint_new")
    n = 0
    while time.perf_counter() < deadline:
        ids = {name: session.widgets.get(f"cnew_f_{name}") for name in ("complainant", "phone", "place", "subject",
                                                                         "content")}
        submit = session.widgets.get(labels["submit"])
        if not submit or not all(ids.values()):
            tally.errors["complaint_save"] += 1
            tally.first.setdefault("complaint_save", f"form not found: {sorted(k for k, v in ids.items() if not v)}")
            return
        n += 1
        values = {"complainant": "压测业主", "phone": "13800138000", "place": f"{n}号楼大堂",
                  "subject": f"{SAVE_MARK} {n}", "content": f"{SAVE_MARK}：大堂灯不亮，第{n}次"}
        result = await session.run("complaint_new", [text(ids[k], v) for k, v in values.items()] + [trigger(submit)])
        tally.add("complaint_save", result)
        if any("TS-" in body for body in session.successes):
            tally.saved += 1
        await session.run("complaint_new")   # the desk clears the form for the next caller
        await pause(think)


def login_cookie(engine, key: str, username: str) -> str:
    """The cookie a sign-in leaves in the browser: a real sign-in (a server-side session record,
    which the app checks on every run) and the signed token naming it."""
    from bench.load_proxy import session_token

    return session_token(engine, key, username)


# Who each user is, by position: of every ten, four supervisors, three front desks, two managers at
# the board and one wall screen.
# (interleaved, so that a few users already hold every role)
MIX = ("supervisor", "frontdesk", "manager", "supervisor", "frontdesk", "wall", "supervisor", "frontdesk", "manager",
       "supervisor")
ACTIONS = ("movein_tap", "complaint_save", "board_view", "wall_view")
ACCOUNTS = {"supervisor": "supervisor", "frontdesk": "frontdesk", "manager": "manager", "wall": "manager"}


def role_of(i: int) -> str:
    return MIX[i % len(MIX)]


async def level(base: str, cookies: dict[str, str], users: int, seconds: float, rooms: list[str], labels: dict,
                think: float) -> Tally:
    tally = Tally()
    sessions = []
    for i in range(users):
        s = Session(base, cookies[ACCOUNTS[role_of(i)]])
        await s.open()
        await s.run("")   # the app's front door: sign-in from the cookie, the menu
        sessions.append(s)
    return await drive(sessions, seconds, rooms, labels, think, tally)


async def drive(sessions: list, seconds: float, rooms: list[str], labels: dict, think: float, tally: Tally) -> Tally:
    """Each session plays its role of MIX for `seconds` (the supervisors each their share of
    `rooms`); then every websocket is closed."""
    deadline = time.perf_counter() + seconds
    supervisors = [s for i, s in enumerate(sessions) if role_of(i) == "supervisor"]
    per = max(1, len(rooms) // max(1, len(supervisors)))
    jobs = [supervisor(s, rooms[n * per:(n + 1) * per], tally, deadline, labels, think)
            for n, s in enumerate(supervisors)]
    for i, s in enumerate(sessions):
        role = role_of(i)
        if role == "frontdesk":
            jobs.append(front_desk(s, tally, deadline, think, labels))
        elif role == "manager":
            jobs.append(manager(s, tally, deadline, think))
        elif role == "wall":
            jobs.append(wall(s, tally, deadline, think))
    began = time.perf_counter()
    await asyncio.gather(*jobs)
    tally.elapsed = time.perf_counter() - began
    for s in sessions:
        await s.ws.close()
    return tally


def saved_in_store(engine) -> int:
    """The bench's complaints the store holds (all levels so far)."""
    from sqlalchemy import func, select

    from db.models import ComplaintRow as Complaint

    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Complaint).where(Complaint.subject.like(f"{SAVE_MARK}%")))


def start_server(url: str, key: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, APP_COOKIE_KEY=key, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
                             f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none",
                             "--logger.level=error"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def print_tally(prefix: str, tally: Tally, saved_before: int, saved_after: int, memory: str = "") -> None:
    """One line per action: count, per second, p50/p95/p99 ms, errors, refusals; then the saves
    confirmed on screen against the rows the store gained."""
    for action in ACTIONS:
        times = tally.ms[action]
        if not times:
            print(f"{prefix} {action:>14} {0:6d}")
            continue
        print(f"{prefix} {action:>14} {len(times):6d} {len(times) / tally.elapsed:6.1f} {statistics.median(times):7.0f} "
              f"{pct(times, 95):7.0f} {pct(times, 99):7.0f} {tally.errors[action]:6d} {tally.refusals[action]:7d}"
              f"  {memory}")
    stored = saved_after - saved_before
    print(f"{prefix} {'saves':>14} shown {tally.saved}, stored {stored}, lost {max(0, tally.saved - stored)}")
    for action, message in tally.first.items():
        print(f"       first error in {action}: {message}")


def pct(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100)[q - 1] if len(times) > 1 else times[0]


HEADER = (f"{'action':>14} {'count':>6} {'per s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} "
          f"{'refused':>7}")


class HallSnapshot:
    """The hall as the bench found it, put back before each level so that every level has the same
    households to tap (otherwise later levels find the work done and their counts stop short)."""

    FIELDS = ("stations_done", "arrived_at", "finished_at", "serving_by", "serving_since", "no_show")

    def __init__(self, engine):
        from sqlalchemy import select

        from db.base import utcnow
        from db.movein_models import MoveinAppointment as A

        self.engine, self.taken = engine, utcnow()
        with engine.connect() as conn:
            self.rows = [dict(r._mapping) for r in conn.execute(select(A.id, *(getattr(A, f) for f in self.FIELDS)))]

    def restore(self) -> None:
        from sqlalchemy import bindparam, delete, update

        from db.movein_models import MoveinAppointment as A, MoveinEvent as E, MoveinStep as S

        with self.engine.begin() as conn:
            conn.execute(delete(E).where(E.at >= self.taken))
            conn.execute(delete(S).where(S.finished_at >= self.taken))
            conn.execute(update(A).where(A.id == bindparam("b_id")).values(
                version=A.version + 1, **{f: bindparam(f"b_{f}") for f in self.FIELDS}),
                [{f"b_{k}": v for k, v in row.items()} for row in self.rows])


def households_to_go(engine) -> list[str]:
    from sqlalchemy import select

    from db.models import Unit
    from db.movein_models import MoveinAppointment as A

    with engine.connect() as conn:
        return list(conn.scalars(select(Unit.room_no).join(A, A.unit_id == Unit.id)
                                 .where(A.finished_at.is_(None), A.no_show.is_(False)).order_by(A.day, A.id)))


def bench_labels() -> dict:
    from core.i18n import translate

    return {"find": translate("mlive.find"), "submit": translate("cnew.submit")}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, nargs="+", default=[10, 50, 100])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--think", type=float, nargs="+", default=[0],
                    help="mean seconds a user waits between actions (0: stress, every user back-to-back)")
    ap.add_argument("--url")
    args = ap.parse_args(argv)
    url = args.url or f"sqlite:///{ROOT / 'bench' / 'data' / 'load.db'}"
    (ROOT / "bench" / "data").mkdir(exist_ok=True)

    from demo.company import seed_demo
    from db.engine import make_engine
    from db.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    seed_demo(engine, hash_rounds=4)
    key = secrets.token_urlsafe(36)
    port = 8700 + os.getpid() % 200
    server = start_server(url, key, port)
    labels = bench_labels()
    cookies = {name: login_cookie(engine, key, name) for name in set(ACCOUNTS.values())}
    try:
        print(f"{'think':>5} {'users':>5} {HEADER}")
        hall = HallSnapshot(engine)
        for think in args.think:
            for users in args.users:
                hall.restore()
                before = saved_in_store(engine)
                tally = asyncio.run(level(f"127.0.0.1:{port}", cookies, users, args.seconds, households_to_go(engine),
                                          labels, think))
                print_tally(f"{think:5.0f} {users:5d}", tally, before, saved_in_store(engine))
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        engine.dispose()


if __name__ == "__main__":
    main()
