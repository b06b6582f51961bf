"""Load through nginx: the websocket users of bench/load.py (move-in supervisors tapping, managers
refreshing the complaint board), signed in with real server-side sessions, each with its own
affinity cookie, against 1, 2, ... app processes behind the nginx that deploy/render.py renders
(as `make serve` runs it), all on one PostgreSQL. Prints p50/p95/p99 per action, reruns per second,
errors, and each process's memory; then the throughput ratio of each process count to one.

    python -m bench.load_proxy [--procs 1 2 4] [--users 10 50 100 200] [--seconds 60] [--think 0 5] [--url PG_URL]
    python -m bench.load_proxy --procs 2 --users 100 --think 5 --seconds 1800 --sample 300   # the soak

Without --url a throwaway PostgreSQL is started (tests/pg_server.py) and seeded with the demo.
The clients are asyncio websockets in this process: they cost the servers' cores little."""
from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.load import (ACCOUNTS, ACTIONS, HEADER, ROOT, HallSnapshot, Session, Tally, bench_labels, drive,
                        households_to_go, pct, print_tally, role_of, saved_in_store, start_server)

ROUTE_COOKIE = "pmcs_route"


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


class MemorySampler:
    """Each process's memory every `every` seconds while a level runs (a soak must stay flat)."""

    def __init__(self, pids: list[int], every: float):
        import threading

        self.rows: list[tuple[float, list[float]]] = []
        self._stop = threading.Event()
        began = time.monotonic()

        def loop():
            while True:
                self.rows.append((time.monotonic() - began, [rss_mb(p) for p in pids]))
                if self._stop.wait(every):
                    return

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


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
        s = RoutedSession(base, tokens[ACCOUNTS[role_of(i)]], secrets.token_hex(16))
        await s.open()
        await s.run("")
        sessions.append(s)
    return await drive(sessions, seconds, rooms, labels, think, tally)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--users", type=int, nargs="+", default=[50, 100])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--think", type=float, nargs="+", default=[5])
    ap.add_argument("--sample", type=float, default=300, help="seconds between memory samples during a level")
    ap.add_argument("--url", help="a PostgreSQL URL (default: a throwaway server, seeded with the demo)")
    args = ap.parse_args(argv)

    from demo.company import seed_demo
    from db.engine import make_engine
    from db.migrate import upgrade

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
        tokens = {u: session_token(engine, key, u) for u in set(ACCOUNTS.values())}
        labels = bench_labels()
        os.environ["APP_TRUST_PROXY"] = "1"
        results: dict[tuple[int, float, int], Tally] = {}
        hall = HallSnapshot(engine)
        print(f"{'procs':>5} {'think':>5} {'users':>5} {HEADER}  memory MB per process")
        for procs in args.procs:
            base_port = 8700 + os.getpid() % 100 * 10
            ports = [base_port + i for i in range(procs)]
            servers = [start_server(url, key, p) for p in ports]
            nginx = Nginx(ports, run_root / f"p{procs}", base_port + 9)
            try:
                for think in args.think:
                    for users in args.users:
                        hall.restore()
                        before = saved_in_store(engine)
                        sampler = MemorySampler([s.pid for s in servers], args.sample)
                        tally = asyncio.run(level(f"127.0.0.1:{nginx.port}", tokens, users, args.seconds,
                                                  households_to_go(engine), labels, think))
                        sampler.stop()
                        results[(procs, think, users)] = tally
                        memory = " ".join(f"{rss_mb(s.pid):.0f}" for s in servers)
                        print_tally(f"{procs:5d} {think:5.0f} {users:5d}", tally, before, saved_in_store(engine),
                                    memory)
                        if len(sampler.rows) > 2:   # a soak: memory over its length, to see it is flat
                            print("       memory MB per process over the run: " + "; ".join(
                                f"{t:.0f} s: {' '.join(f'{m:.0f}' for m in mb)}" for t, mb in sampler.rows))
            finally:
                nginx.stop()
                for s in servers:
                    os.killpg(s.pid, signal.SIGTERM)
                    s.wait(timeout=30)
        fewest = min(args.procs)
        for (procs, think, users), tally in sorted(results.items()):
            one = results.get((fewest, think, users))
            if procs == fewest or one is None:
                continue
            rate = sum(map(len, tally.ms.values())) / tally.elapsed
            base = sum(map(len, one.ms.values())) / one.elapsed
            p95 = {a: (pct(tally.ms[a], 95), pct(one.ms[a], 95)) for a in ACTIONS
                   if len(tally.ms[a]) > 1 and len(one.ms[a]) > 1}
            shown = ", ".join(f"{a} p95 {n / o:.2f}x" for a, (n, o) in p95.items())
            print(f"think {think:.0f} s, {users} users: {procs} processes / {fewest}: actions per second "
                  f"{rate / base:.2f}x; {shown}")
        engine.dispose()
    finally:
        if pg is not None:
            pg.stop()


if __name__ == "__main__":
    main()
