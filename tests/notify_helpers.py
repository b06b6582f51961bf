"""Helpers of the alert tests: staff accounts, local robots that play WeCom/DingTalk (one that
answers, one that fails twice per message then answers, one that never answers) and a local
SMTP server, each recording what it received by outbox id."""
from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from core.auth.actor import Actor
from core.auth.roles import Role
from services import users

ADMIN = Actor("admin", Role.ADMIN)


def add_staff(engine, project_id: int) -> dict[str, Actor]:
    """A front desk of the project, a manager and an admin (both every project), a handler."""
    made = {}
    for name, role, scope in (("desk", Role.FRONTDESK, [project_id]), ("boss", Role.MANAGER, None),
                              ("root", Role.ADMIN, None), ("fixer", Role.SUPERVISOR, [project_id]),
                              ("trainer", Role.TRAINER, None)):
        users.create_user(engine, ADMIN, name, name.title(), role.value, "Secret-Pass-2026!",
                          project_ids=scope or [], all_projects=scope is None, hash_rounds=4)
        made[name] = Actor(name, role, None if scope is None else tuple(scope))
    return made


class Robot:
    """A group robot on 127.0.0.1. mode: 'ok', 'flaky' (HTTP 500 twice per message, then ok),
    'hang' (never answers in time), 'slow' (answers after `delay`)."""

    def __init__(self, mode: str = "ok", delay: float = 0.0, errcode: int = 0):
        self.mode, self.delay, self.errcode = mode, delay, errcode
        self.received: Counter = Counter()       # outbox id -> deliveries answered OK
        self.attempts: Counter = Counter()       # outbox id -> requests seen
        self.bodies: list[dict] = []
        self.queries: list[dict] = []
        self.lock = threading.Lock()
        robot = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                oid = self.headers.get("X-Outbox-Id", "?")
                with robot.lock:
                    robot.attempts[oid] += 1
                    n = robot.attempts[oid]
                    robot.queries.append(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)))
                if robot.mode == "hang":
                    time.sleep(robot.delay or 5)
                    return
                if robot.mode == "slow":
                    time.sleep(robot.delay)
                if robot.mode == "flaky" and n <= 2:
                    return self._answer(500, {"errcode": -1, "errmsg": "busy"})
                if robot.errcode:
                    return self._answer(200, {"errcode": robot.errcode, "errmsg": "bad token"})
                with robot.lock:
                    robot.received[oid] += 1
                    robot.bodies.append(body)
                self._answer(200, {"errcode": 0, "errmsg": "ok"})

            def _answer(self, status, payload):
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=test"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """A local SMTP server (aiosmtpd) keeping every message it was handed."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        box = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                from email import message_from_bytes

                box.messages.append(message_from_bytes(envelope.content))
                return "250 OK"

        self.port = _free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
