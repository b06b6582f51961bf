"""What one click costs the server, at the demo size: a tablet tap in station mode (check in, take
next, finish), a tap in today's list (the whole page reruns), a complaint board refresh (its
fragment's timer, cache warm and cache expired) and a complaint save. Median and p95 over
`--clicks` clicks each, and with `--profile` a cProfile top 15 (cumulative) of each kind.

    python -m bench.clicks [--clicks 30] [--profile] [--url DATABASE_URL]

"Server time" is the script run inside the server: `ScriptRunner._run_script`, wrapped in the
server process (widget callbacks, the script or the fragment, everything it reads and writes),
without the websocket, the transfer or the browser's rendering. The taps and the board go
through a real `streamlit run` server over its websocket, as a browser sends them (a widget in a
fragment sends the fragment's id, a fragment's timer sends it with `is_auto_rerun`), so a
fragment rerun is timed as the fragment it is. The complaint save (a form that reruns the whole
page) runs in this process under AppTest, timed by the same wrapper."""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import logging
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAG = "bench_tag"      # query parameter naming a click, so the server's record finds its click
COLD = "bench_cold"    # query parameter: empty st.cache_data before this run (a cache expiry)


# ---------------------------------------------------------------- the probe (server side)

class Probe:
    """Wraps ScriptRunner._run_script: the wall time of each outermost script run, its tag (from
    the query string) and, when profiling, its cProfile stats (one profiler per run, in the
    script's own thread: cProfile sees only the thread it was enabled in)."""

    def __init__(self, log: Path | None = None, profile_dir: Path | None = None):
        self.log, self.profile_dir = log, profile_dir
        self.records: list[dict] = []
        self._local = threading.local()
        self._lock = threading.Lock()

    def install(self) -> None:
        from streamlit.runtime.scriptrunner import script_runner

        original = script_runner.ScriptRunner._run_script
        probe = self

        def timed(runner, rerun_data):
            if getattr(probe._local, "depth", 0):   # a rerun requested during the run: part of this click
                return original(runner, rerun_data)
            query = rerun_data.query_string or ""
            if f"{COLD}=1" in query:
                import streamlit as st
                st.cache_data.clear()
            tag = next((p.split("=", 1)[1] for p in query.split("&") if p.startswith(f"{TAG}=")), None)
            profiler = cProfile.Profile() if probe.profile_dir else None
            probe._local.depth = 1
            started, cpu_started = time.perf_counter(), time.thread_time()
            if profiler:
                profiler.enable()
            try:
                return original(runner, rerun_data)
            finally:
                if profiler:
                    profiler.disable()
                ms = (time.perf_counter() - started) * 1000
                cpu_ms = (time.thread_time() - cpu_started) * 1000
                probe._local.depth = 0
                probe._record(tag, ms, cpu_ms, bool(rerun_data.fragment_id_queue), profiler)

        script_runner.ScriptRunner._run_script = timed

    def _record(self, tag, ms: float, cpu_ms: float, fragment: bool, profiler) -> None:
        with self._lock:
            record = {"n": len(self.records), "tag": tag, "ms": round(ms, 2), "cpu_ms": round(cpu_ms, 2),
                      "fragment": fragment}
            self.records.append(record)
            if profiler and self.profile_dir:
                record["profile"] = str(self.profile_dir / f"run-{record['n']}.prof")
                profiler.dump_stats(record["profile"])
            if self.log:
                with self.log.open("a") as f:
                    f.write(json.dumps(record) + "\n")


def serve(argv: list[str]) -> None:
    """`python -m bench.clicks --serve LOG PORT [PROFILE_DIR]`: the app's server with the probe."""
    log, port = Path(argv[0]), int(argv[1])
    Probe(log, Path(argv[2]) if len(argv) > 2 else None).install()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), "--server.headless=true", f"--server.port={port}",
                "--server.address=127.0.0.1", "--server.fileWatcherType=none", "--logger.level=error"]
    cli.main()


def start_server(url: str, key: str, port: int, log: Path, profile_dir: Path | None) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, APP_COOKIE_KEY=key, PYTHONUNBUFFERED="1")
    args = [sys.executable, "-m", "bench.clicks", "--serve", str(log), str(port)]
    if profile_dir:
        args.append(str(profile_dir))
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


# ---------------------------------------------------------------- the browser side

class Tab:
    """One browser tab over the websocket: sends reruns as the browser does and keeps, from the
    last run, each widget's id by user key and the fragment it belongs to, and each fragment
    timer's id by its interval."""

    def __init__(self, base: str, token: str, page: str, query: str = ""):
        self.base, self.token, self.page, self.query = base, token, page, query
        self.ws = None
        self.widgets: dict[str, tuple[str, str]] = {}   # user key or label -> (widget id, fragment id)
        self.disabled: set[str] = set()                 # user keys of the disabled ones
        self.timers: dict[float, str] = {}              # run_every seconds -> fragment id
        self.clicks = 0

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(f"ws://{self.base}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                                additional_headers={"Cookie": f"pmcs_auth={self.token}"}, open_timeout=120,
                                ping_interval=None)

    async def run(self, states=(), fragment_id: str = "", auto: bool = False, cold: bool = False,
                  tag: str | None = None) -> list[str]:
        """One rerun; returns the exceptions and error boxes it drew (a click must draw none)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        query = "&".join(p for p in (self.query, f"{TAG}={tag}" if tag else "", f"{COLD}=1" if cold else "") if p)
        msg = BackMsg()
        msg.rerun_script.CopyFrom(ClientState(page_name=self.page, query_string=query, fragment_id=fragment_id,
                                              is_auto_rerun=auto, widget_states=WidgetStates(widgets=list(states))))
        await self.ws.send(msg.SerializeToString())
        problems = []
        if not fragment_id:
            self.widgets, self.disabled = {}, set()
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await self.ws.recv())
            kind = fm.WhichOneof("type")
            if kind == "auto_rerun":
                self.timers[round(fm.auto_rerun.interval, 1)] = fm.auto_rerun.fragment_id
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                which = el.WhichOneof("type")
                if which == "exception":
                    problems.append("exception: " + el.exception.message)
                elif which == "alert" and el.alert.format == 1:   # ERROR
                    problems.append("error: " + el.alert.body)
                elif which in ("button", "text_input") and getattr(el, which).id:
                    widget = getattr(el, which)
                    key = widget.id.rsplit("-", 1)[-1]
                    self.widgets[key] = (widget.id, fm.delta.fragment_id)
                    self.widgets.setdefault(widget.label, (widget.id, fm.delta.fragment_id))
                    (self.disabled.add if getattr(widget, "disabled", False) else self.disabled.discard)(key)
            elif kind == "script_finished" and fm.script_finished in (0, 1, 3):   # not 2: a rerun follows
                return problems

    async def tap(self, key: str, tag: str) -> list[str]:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        wid, fragment = self.widgets[key]
        return await self.run([WidgetState(id=wid, trigger_value=True)], fragment_id=fragment, tag=tag)

    def key_starting(self, prefix: str) -> str | None:
        return next((k for k in self.widgets if k.startswith(prefix)), None)


async def station_taps(tab: Tab, clicks: int, tags: dict) -> None:
    """At the first station: check a household in, take the next, finish it, until `clicks` of
    each kind (a tap the server refused counts as a failure, not a time)."""
    await tab.run()
    done = {"check in": 0, "take next": 0, "finish": 0}
    for _ in range(clicks * 4):
        if min(done.values()) >= clicks:
            break
        if (fin := tab.key_starting("fin_")) and done["finish"] < clicks:
            kind, key = "finish", fin
        elif "hall_next" in tab.widgets and "hall_next" not in tab.disabled and done["take next"] < clicks:
            kind, key = "take next", "hall_next"
        elif (arrive := tab.key_starting("in_")) and done["check in"] < clicks:
            kind, key = "check in", arrive
        else:
            break
        tag = f"s{tab.clicks}"
        tab.clicks += 1
        tags[tag] = f"tap: station {kind}"
        problems = await tab.tap(key, tag)
        if problems:
            raise RuntimeError(f"{kind}: {problems[0][:200]}")
        done[kind] += 1


async def list_taps(tab: Tab, rooms: list[str], clicks: int, tags: dict) -> None:
    """Today's list as bench/load.py drives it: find a room, tap its next step (the whole page)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    from core.i18n import translate
    await tab.run()
    n = 0
    for room in rooms:
        room_id = tab.widgets["live_room"][0]
        find = tab.widgets[translate("mlive.find")][0]
        await tab.run([WidgetState(id=room_id, string_value=room), WidgetState(id=find, trigger_value=True)])
        while n < clicks and (key := tab.key_starting("adv_") or tab.key_starting("in_")):
            tag = f"l{n}"
            tags[tag] = "tap: today's list"
            wid, fragment = tab.widgets[key]
            problems = await tab.run([WidgetState(id=room_id, string_value=room),
                                      WidgetState(id=wid, trigger_value=True)], fragment_id=fragment, tag=tag)
            if problems:
                raise RuntimeError(f"list tap: {problems[0][:200]}")
            n += 1
        if n >= clicks:
            return


async def board_refreshes(tab: Tab, clicks: int, tags: dict) -> None:
    await tab.run()
    fragment = tab.timers.get(10.0)
    if fragment is None:
        raise RuntimeError(f"no 10 s board fragment on the page (timers: {tab.timers})")
    for cold in (False, True):
        for i in range(clicks):
            tag = f"b{int(cold)}{i}"
            tags[tag] = "board refresh, cache expired" if cold else "board refresh, cache warm"
            problems = await tab.run(fragment_id=fragment, auto=True, cold=cold, tag=tag)
            if problems:
                raise RuntimeError(f"board: {problems[0][:200]}")
    for i in range(clicks):
        tag = f"p{i}"
        tags[tag] = "board page rerun (whole page)"
        await tab.run(tag=tag)


# ---------------------------------------------------------------- the complaint save (AppTest)

def _app_runs_every_time() -> None:
    """Every AppTest run goes through app.py (gate, navigation), as on a server once a session
    has run st.navigation; without it AppTest runs the page script alone from the second run on
    (Streamlit's old pages/ router), where the form's button never arrives. As tests/pages do."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class AppPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    app_test.PagesManager = AppPagesManager


def complaint_saves(engine, probe: Probe, clicks: int) -> list[dict]:
    """A front desk registers `clicks` complaints, each on a room without any: type the room
    (untimed), fill the form, press save (timed: the rerun the form's button causes)."""
    from sqlalchemy import select
    from streamlit.testing.v1 import AppTest

    from bench.run import _signed_in
    from core.i18n import translate as t
    from db.models import ComplaintRow, Unit

    from demo.company import DEMO_PASSWORD
    from services import sessions
    from ui.auth import SESSION_KEY

    user, lang = _signed_in(engine, "frontdesk")
    signed = sessions.sign_in(engine, "frontdesk", DEMO_PASSWORD, "bench", "bench.clicks")   # the gate checks it
    with engine.connect() as conn:
        busy = select(ComplaintRow.unit_id).where(ComplaintRow.unit_id.is_not(None))   # NOT IN (.., NULL) is empty
        rooms = list(conn.scalars(select(Unit.room_no).where(Unit.project_id == user.project_ids[0],
                                                             Unit.owner_id.is_not(None), Unit.id.not_in(busy))
                                  .order_by(Unit.id).limit(clicks)))
    _app_runs_every_time()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["current_user"], at.session_state["lang"] = user, lang
    at.session_state[SESSION_KEY] = signed.session_id
    at.switch_page("pages/complaint_new.py")
    at.run()
    if at.exception or at.error:
        raise RuntimeError(f"complaint_new: {[e.value for e in [*at.exception, *at.error]][:1]}")
    saves = []
    for i, room in enumerate(rooms):
        at.text_input(key="cnew_room").input(room).run()
        for label, value in (("field.complainant", "基准测试"), ("field.phone", "13800138000"),
                             ("field.place", "客厅")):
            next(w for w in at.text_input if w.label == t(label)).input(value)
        at.text_area[0].input(f"点击基准 {i}: 客厅灯不亮")
        next(s for s in at.selectbox if s.label == t("field.category")).select("repairs")
        before = len(probe.records)
        next(b for b in at.button if b.label == t("cnew.submit")).click().run()
        if at.exception or at.error:
            raise RuntimeError(f"save: {[e.value for e in [*at.exception, *at.error]][:1]}")
        if not at.success:
            raise RuntimeError(f"save: no ticket number shown: {[w.value for w in [*at.warning, *at.info]]}")
        saves.extend({**r, "kind": "complaint save (whole page)"} for r in probe.records[before:])
    return saves


# ---------------------------------------------------------------- report

def quantile95(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=20)[18] if len(ms) > 1 else ms[0]


def top(profiles: list[str], n: int = 15) -> str:
    stats = None
    for path in profiles:
        if stats is None:
            stats = pstats.Stats(path, stream=io.StringIO())
        else:
            stats.add(path)
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("cumulative").print_stats(n)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    return "\n".join(lines[start - 2:]).replace(str(ROOT) + "/", "").replace(sys.prefix, "<venv>")


def report(records: list[dict], profile: bool) -> dict:
    by_kind: dict[str, list[dict]] = {}
    for r in records:
        by_kind.setdefault(r["kind"], []).append(r)
    print(f"\n{'click':<34} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'CPU med':>8} {'CPU p95':>8}"
          "  fragment")
    summary = {}
    for kind, rs in by_kind.items():
        ms, cpu = [r["ms"] for r in rs], [r["cpu_ms"] for r in rs]
        summary[kind] = {"n": len(ms), "median": round(statistics.median(ms), 1), "p95": round(quantile95(ms), 1),
                         "cpu_median": round(statistics.median(cpu), 1), "cpu_p95": round(quantile95(cpu), 1)}
        frag = "yes" if all(r["fragment"] for r in rs) else ("no" if not any(r["fragment"] for r in rs) else "mixed")
        print(f"{kind:<34} {len(ms):4d} {statistics.median(ms):10.1f} {quantile95(ms):8.1f} {max(ms):8.1f} "
              f"{statistics.median(cpu):8.1f} {quantile95(cpu):8.1f}  {frag}")
    print("(ms: wall time of the server's script run; CPU: that thread's CPU time, what a busy machine does"
          " not stretch)")
    if profile:
        for kind, rs in by_kind.items():
            print(f"\n== {kind}: cProfile of {len(rs)} runs, top 15 by cumulative time (profiler overhead included)")
            print(top([r["profile"] for r in rs if r.get("profile")]))
    return summary


def seeded_store(url: str | None):
    from db.engine import make_engine
    from db.migrate import upgrade
    from demo.company import seed_demo

    if url is None:
        path = ROOT / "bench" / "data" / "clicks.db"
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)   # a fresh demo every run: the taps use the day's households up
        url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    seed_demo(engine, hash_rounds=4)
    return url, engine


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.clicks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--clicks", type=int, default=30)
    ap.add_argument("--profile", action="store_true", help="cProfile each run (slower: time without it first)")
    ap.add_argument("--url", help="an empty store to seed with the demo (default: bench/data/clicks.db)")
    ap.add_argument("--json", help="write the summary here")
    args = ap.parse_args(argv)

    from sqlalchemy import select

    from bench.load_proxy import session_token
    from db.models import Unit
    from db.movein_models import MoveinAppointment as A

    # "missing ScriptRunContext" for each cached call made outside a script (here: none that matter)
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    url, engine = seeded_store(args.url)
    work = Path(tempfile.mkdtemp(prefix="clicks-"))
    profile_dir = work if args.profile else None
    log = work / "server.jsonl"
    key = secrets.token_urlsafe(36)
    port = 8500 + os.getpid() % 200
    server = start_server(url, key, port, log, profile_dir)
    tags: dict[str, str] = {}
    try:
        from services import movein
        from demo.company import demo_actor
        batch = movein.list_batches(engine, demo_actor("supervisor")).iloc[0]
        first = movein.load_batch(engine, demo_actor("supervisor"), int(batch.id)).settings.stations[0].code
        with engine.connect() as conn:
            rooms = list(conn.scalars(select(Unit.room_no).join(A, A.unit_id == Unit.id)
                                      .where(A.finished_at.is_(None), A.no_show.is_(False)).order_by(A.day.desc(), A.id)))
        base = f"127.0.0.1:{port}"

        async def drive():
            supervisor, manager = session_token(engine, key, "supervisor"), session_token(engine, key, "manager")
            station = Tab(base, supervisor, "movein_live", f"station={first}")
            listing = Tab(base, supervisor, "movein_live")
            board = Tab(base, manager, "complaint_board")
            for tab in (station, listing, board):
                await tab.open()
                await tab.run()   # the front door: sign-in from the cookie
            await station_taps(station, args.clicks, tags)
            await list_taps(listing, rooms, args.clicks, tags)
            await board_refreshes(board, args.clicks, tags)
            for tab in (station, listing, board):
                await tab.ws.close()

        asyncio.run(drive())
        time.sleep(0.5)   # the last record is written just after its script_finished
        served = [json.loads(line) for line in log.read_text().splitlines()]
        records = [{**r, "kind": tags[r["tag"]]} for r in served if r["tag"] in tags]
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)

    os.environ["DATABASE_URL"] = url   # before anything from ui/ reads the store's address
    os.environ.setdefault("APP_COOKIE_KEY", key)
    probe = Probe(profile_dir=profile_dir and work / "local")
    if profile_dir:
        (work / "local").mkdir()
    probe.install()
    records += complaint_saves(engine, probe, args.clicks)
    engine.dispose()
    load = os.getloadavg()[0]
    print(f"demo store {url}; {args.clicks} clicks each; load average {load:.1f} at the end")
    summary = report(records, args.profile)
    if args.json:
        Path(args.json).write_text(json.dumps({"load": load, "clicks": summary}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2:])
    else:
        main()
