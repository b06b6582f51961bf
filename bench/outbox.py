"""The outbox's two numbers: how fast one worker empties a queue of 10,000 messages into a local
robot (target: under 60 s), and what raising an event adds to the write that raises it (target:
under 5 ms), measured on a complaint registration with a red line, with and without the outbox.

    .venv/bin/python -m bench.outbox                     # SQLite in a temporary directory
    .venv/bin/python -m bench.outbox --url postgresql+psycopg://ci@127.0.0.1:5432/bench
    .venv/bin/python -m bench.outbox --messages 2000 --writes 100

Prints numbers, asserts nothing."""
from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import tempfile
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock

from core.auth.actor import Actor
from core.auth.roles import Role
from db.base import utcnow
from db.engine import make_engine
from db.migrate import upgrade
from db.models import Building, Project
from db.notification_repository import add_outbox
from db.uow import UnitOfWork
from services import complaints, notifications, users
from worker.outbox import Settings, deliver_round

ADMIN = Actor("admin", Role.ADMIN)


class _Robot(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True    # else headers and body in two packets wait 40 ms for an ACK

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        raw = b'{"errcode":0,"errmsg":"ok"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


def _serve(ready, port, received) -> None:
    class Counting(_Robot):
        def do_POST(self):
            super().do_POST()
            with received.get_lock():
                received.value += 1

    server = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    port.value = server.server_address[1]
    ready.set()
    server.serve_forever()


def _store(url: str):
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as c:
        pid = c.execute(Project.__table__.insert().values(code="B1", name="基准园", city="深圳")).inserted_primary_key[0]
        c.execute(Building.__table__.insert().values(project_id=pid, name="1", floors=30))
    users.create_user(engine, ADMIN, "boss", "Boss", "manager", "Bench-Pass-2026!", all_projects=True, hash_rounds=4)
    users.create_user(engine, ADMIN, "desk", "Desk", "frontdesk", "Bench-Pass-2026!", [pid], hash_rounds=4)
    return engine, pid


def delivery(engine, n: int, port: int, received) -> dict:
    cid = notifications.save_channel(engine, ADMIN, None, "wecom", "bench",
                                     {"url": f"http://127.0.0.1:{port}/send?key=b"}, [], True)
    now = utcnow()
    rows = [dict(event_key=f"bench:{i}", kind="test", recipient=f"channel:{cid}", channel="wecom", channel_id=cid,
                 title="", body=f"基准消息 {i}", link="", params={}, project_id=None, urgent=False, state="queued",
                 attempts=0, next_at=now, lease_until=None, lease_owner=None, last_error="", created_at=now,
                 sent_at=None) for i in range(n)]
    with UnitOfWork(engine) as uow:
        add_outbox(uow.session, rows)
        uow.commit()
    from services.notification_channels import Connections

    settings = Settings(lease=timedelta(seconds=60), timeout=5, batch=100)
    conns = Connections(5)
    start = time.perf_counter()
    while deliver_round(engine, settings, "bench", conns):
        pass
    elapsed = time.perf_counter() - start
    conns.close()
    return {"messages": n, "delivered": received.value, "seconds": round(elapsed, 2),
            "per_second": round(n / elapsed)}


def _register(engine, pid, i: int) -> float:
    desk = Actor("desk", Role.FRONTDESK, (pid,))
    start = time.perf_counter()
    complaints.register(engine, desk, channel="phone", complainant="基准", phone="13900000000", place=f"北门{i}",
                        content=f"记者在现场 {i}", category="service", project_id=pid, red_lines=("media",))
    return (time.perf_counter() - start) * 1000


def write_cost(engine, pid, writes: int) -> dict:
    for i in range(10):                       # warm the caches and the connection pool
        _register(engine, pid, -i)
    with_outbox, without = [], []
    for i in range(writes):                   # interleaved, so a slow moment hits both alike
        with_outbox.append(_register(engine, pid, 2 * i))
        with mock.patch.object(notifications, "complaint_changed", lambda *a, **k: None):
            without.append(_register(engine, pid, 2 * i + 1))
    med_with, med_without = statistics.median(with_outbox), statistics.median(without)
    return {"writes": writes, "median_ms_with_outbox": round(med_with, 2),
            "median_ms_without": round(med_without, 2), "added_ms": round(med_with - med_without, 2)}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default=None)
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--writes", type=int, default=200)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'outbox.db'}"
        engine, pid = _store(url)
        # The robot in a process of its own, as a real one is on another machine: in this process
        # it would compete with the worker for the interpreter lock.
        ready, port, received = multiprocessing.Event(), multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
        robot = multiprocessing.Process(target=_serve, args=(ready, port, received), daemon=True)
        robot.start()
        ready.wait(30)
        try:
            result = {"store": engine.dialect.name, "delivery": delivery(engine, args.messages, port.value, received),
                      "write": write_cost(engine, pid, args.writes)}
        finally:
            robot.terminate()
            engine.dispose()
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
