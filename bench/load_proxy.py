"""Load through nginx: the websocket users of bench/load.py (move-in supervisors tapping, managers
refreshing the complaint board), signed in with real server-side sessions, each with its own
affinity cookie, against 1, 2, ... app processes behind the nginx that deploy/render.py renders
(as `make serve` runs it), all on one PostgreSQL. Prints p50/p95/p99 per action, reruns per second,
errors, and each process's memory; then the throughput ratio of each process count to one.

    python -m bench.load_proxy [--procs 1 2] [--users 50 100] [--seconds 60] [--think 5] [--url PG_URL]

Without --url a throwaway PostgreSQL is started (tests/pg_server.py) and seeded with the demo.
The clients are asyncio websockets in this process: they cost the servers' cores little."""
from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.load import ROOT, Session, Tally, drive, start_server

ROUTE_COOKIE = "pmcs_route"
ACTIONS = ("movein_tap", "board_view")


class RoutedSession(Session):
    """A browser tab behind nginx: the login cookie plus the affinity cookie nginx gave this browser."""

    def __init__(self, base: str, token: str, route: str):
        super().__init__(base, token)
        self.route = route

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        cookie = f"pmcs_auth={self.token}; {ROUTE_COOKIE}={self.route}"
        self.ws = await connect(f"ws://{self.base}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                                additional_headers={"Cookie": cookie}, open_timeout=120, ping_interval=None)


def session_token(engine, key: str, username: str) -> str:
    """A real sign-in (a server-side session record) and the cookie that names it."""
    from core.auth import tokens
    from demo.company import DEMO_PASSWORD
    from services import sessions

    signed = sessions.sign_in(engine, username, DEMO_PASSWORD, "bench", "bench.load_proxy")
    now = datetime.now(timezone.utc)
    return tokens.encode(signed.session_id, username, now, now + timedelta(hours=6), key)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Nginx:
    def __init__(self, ports: list[int], run_dir: Path, port: int):
        self.run_dir, self.port = run_dir, port
        for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (run_dir / d).mkdir(parents=True, exist_ok=True)
        conf = run_dir / "nginx.conf"
        args = ["nginx", "--ports", *map(str, ports), "--listen", f"127.0.0.1:{port}", "--run-dir", str(run_dir),
                "--out", str(conf)]
        if os.geteuid() == 0:
            args += ["--user", "root"]
        subprocess.run([sys.executable, str(ROOT / "deploy" / "render.py"), *args], check=True, cwd=ROOT)
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = subprocess.Popen([binary, "-p", str(run_dir), "-c", str(conf), "-g", "daemon off;"],
                                     start_new_session=True)
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=10)


async def level(base: str, tokens: dict[str, str], users: int, seconds: float, rooms: list[str], labels: dict,
                think: float) -> Tally:
    tally = Tally()
    sessions = []
    for i in range(users):
        role = "supervisor" if i % 2 == 0 else "manager"
        s = RoutedSession(base, tokens[role], secrets.token_hex(16))
        await s.open()
        await s.run("")
        sessions.append(s)
    return await drive(sessions, seconds, rooms, labels, think, tally)


def pct(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100)[q - 1] if len(times) > 1 else times[0]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--users", type=int, nargs="+", default=[50, 100])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--think", type=float, default=5)
    ap.add_argument("--url", help="a PostgreSQL URL (default: a throwaway server, seeded with the demo)")
    args = ap.parse_args(argv)

    from sqlalchemy import select

    from core.i18n import translate
    from demo.company import seed_demo
    from db.engine import make_engine
    from db.migrate import upgrade
    from db.models import Unit
    from db.movein_models import MoveinAppointment as A

    pg = None
    url = args.url
    if not url:
        sys.path.insert(0, str(ROOT / "tests"))
        from pg_server import PgServer

        pg = PgServer()
        pg.start()
        url = pg.url
    run_root = ROOT / "bench" / "data" / "load_proxy"
    try:
        upgrade(url)
        engine = make_engine(url)
        seed_demo(engine, hash_rounds=4)
        key = secrets.token_urlsafe(36)
        tokens = {u: session_token(engine, key, u) for u in ("supervisor", "manager")}
        labels = {"find": translate("mlive.find")}
        os.environ["APP_TRUST_PROXY"] = "1"
        results: dict[tuple[int, int], Tally] = {}
        print(f"{'procs':>5} {'users':>5} {'action':>11} {'count':>6} {'per s':>6} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p99 ms':>7} {'errors':>6} {'refused':>7}  memory MB per process")
        for procs in args.procs:
            base_port = 8700 + os.getpid() % 100 * 10
            ports = [base_port + i for i in range(procs)]
            servers = [start_server(url, key, p) for p in ports]
            nginx = Nginx(ports, run_root / f"p{procs}", base_port + 9)
            try:
                for users in args.users:
                    with engine.connect() as conn:   # households still to go through the hall
                        rooms = list(conn.scalars(
                            select(Unit.room_no).join(A, A.unit_id == Unit.id)
                            .where(A.finished_at.is_(None), A.no_show.is_(False)).order_by(A.day, A.id)))
                    tally = asyncio.run(level(f"127.0.0.1:{nginx.port}", tokens, users, args.seconds, rooms,
                                              labels, args.think))
                    results[(procs, users)] = tally
                    memory = " ".join(f"{rss_mb(s.pid):.0f}" for s in servers)
                    for action in ACTIONS:
                        times = tally.ms[action]
                        if not times:
                            print(f"{procs:5d} {users:5d} {action:>11} {0:6d}")
                            continue
                        print(f"{procs:5d} {users:5d} {action:>11} {len(times):6d} {len(times) / tally.elapsed:6.1f} "
                              f"{statistics.median(times):7.0f} {pct(times, 95):7.0f} {pct(times, 99):7.0f} "
                              f"{tally.errors[action]:6d} {tally.refusals[action]:7d}  {memory}")
                    for action, message in tally.first.items():
                        print(f"       first error in {action}: {message}")
            finally:
                nginx.stop()
                for s in servers:
                    os.killpg(s.pid, signal.SIGTERM)
                    s.wait(timeout=30)
        one = {u: t for (p, u), t in results.items() if p == min(args.procs)}
        for (procs, users), tally in sorted(results.items()):
            if procs == min(args.procs) or users not in one:
                continue
            rate = sum(map(len, tally.ms.values())) / tally.elapsed
            base = sum(map(len, one[users].ms.values())) / one[users].elapsed
            p95 = {a: (pct(tally.ms[a], 95), pct(one[users].ms[a], 95)) for a in ACTIONS
                   if len(tally.ms[a]) > 1 and len(one[users].ms[a]) > 1}
            shown = ", ".join(f"{a} p95 {n / o:.2f}x" for a, (n, o) in p95.items())
            print(f"{users} users: {procs} processes / {min(args.procs)}: reruns per second {rate / base:.2f}x; {shown}")
        engine.dispose()
    finally:
        if pg is not None:
            pg.stop()


if __name__ == "__main__":
    main()
