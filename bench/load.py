"""Load benchmark: N simulated users against one real `streamlit run` server, over its websocket,
the way browsers talk to it (protobuf BackMsg / ForwardMsg), signed in by their login cookie.
Half the users are move-in supervisors (find a household, tap its next station, again and again),
half are managers watching the complaint board (a full rerun of the page each time). Prints
throughput and p50/p95 per action, and the errors and refusals seen.

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

    async def run(self, page: str, states: list | None = None) -> tuple[float, list[str], list[str]]:
        """One rerun; returns (ms until the script finished, exceptions, error boxes)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        msg = BackMsg()
        msg.rerun_script.CopyFrom(ClientState(page_name=page, widget_states=WidgetStates(widgets=states or [])))
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        exceptions, errors, widgets = [], [], {}
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
                elif which in ("button", "text_input", "button_group") and getattr(el, which).id:
                    widget = getattr(el, which)
                    widgets[widget.id.rsplit("-", 1)[-1]] = widget.id      # by user key
                    widgets.setdefault(getattr(widget, "label", ""), widget.id)
            elif kind == "script_finished" and fm.script_finished in DONE:
                break
        self.widgets = widgets
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


def login_cookie(engine, key: str, username: str) -> str:
    """The cookie a sign-in leaves in the browser: a real sign-in (a server-side session record,
    which the app checks on every run) and the signed token naming it."""
    from bench.load_proxy import session_token

    return session_token(engine, key, username)


async def level(base: str, cookies: dict[str, str], users: int, seconds: float, rooms: list[str], labels: dict,
                think: float) -> Tally:
    tally = Tally()
    sessions = []
    for i in range(users):
        s = Session(base, cookies["supervisor" if i % 2 == 0 else "manager"])
        await s.open()
        await s.run("")   # the app's front door: sign-in from the cookie, the menu
        sessions.append(s)
    return await drive(sessions, seconds, rooms, labels, think, tally)


async def drive(sessions: list, seconds: float, rooms: list[str], labels: dict, think: float, tally: Tally) -> Tally:
    """The even sessions tap households (each its share of `rooms`), the odd ones watch the board,
    for `seconds`; then every websocket is closed."""
    deadline = time.perf_counter() + seconds
    supervisors = [s for i, s in enumerate(sessions) if i % 2 == 0]
    per = max(1, len(rooms) // max(1, len(supervisors)))
    jobs = [supervisor(s, rooms[n * per:(n + 1) * per], tally, deadline, labels, think)
            for n, s in enumerate(supervisors)]
    jobs += [manager(s, tally, deadline, think) for i, s in enumerate(sessions) if i % 2 == 1]
    began = time.perf_counter()
    await asyncio.gather(*jobs)
    tally.elapsed = time.perf_counter() - began
    for s in sessions:
        await s.ws.close()
    return tally


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


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, nargs="+", default=[10, 50, 100])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--think", type=float, default=0,
                    help="mean seconds a user waits between actions (0: stress, every user back-to-back)")
    ap.add_argument("--url")
    args = ap.parse_args(argv)
    url = args.url or f"sqlite:///{ROOT / 'bench' / 'data' / 'load.db'}"
    (ROOT / "bench" / "data").mkdir(exist_ok=True)

    from sqlalchemy import select

    from core.i18n import translate
    from demo.company import seed_demo
    from db.engine import make_engine
    from db.migrate import upgrade
    from db.models import Unit
    from db.movein_models import MoveinAppointment as A

    upgrade(url)
    engine = make_engine(url)
    seed_demo(engine, hash_rounds=4)
    key = secrets.token_urlsafe(36)
    port = 8700 + os.getpid() % 200
    server = start_server(url, key, port)
    labels = {"find": translate("mlive.find")}
    cookies = {name: login_cookie(engine, key, name) for name in ("supervisor", "manager")}
    try:
        print(f"{'users':>6} {'action':>12} {'count':>7} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'errors':>7} {'refused':>8}")
        for users in args.users:
            with engine.connect() as conn:
                rooms = list(conn.scalars(select(Unit.room_no).join(A, A.unit_id == Unit.id)
                                          .where(A.finished_at.is_(None), A.no_show.is_(False)).order_by(A.day, A.id)))
            tally = asyncio.run(level(f"127.0.0.1:{port}", cookies, users, args.seconds, rooms, labels, args.think))
            for action in ("movein_tap", "board_view"):
                times = tally.ms[action]
                if not times:
                    print(f"{users:6d} {action:>12} {0:7d}")
                    continue
                p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
                print(f"{users:6d} {action:>12} {len(times):7d} {len(times) / tally.elapsed:7.1f} "
                      f"{statistics.median(times):8.0f} {p95:8.0f} {tally.errors[action]:7d} "
                      f"{tally.refusals[action]:8d}")
            for action, message in tally.first.items():
                print(f"       first error in {action}: {message}")
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        engine.dispose()


if __name__ == "__main__":
    main()
