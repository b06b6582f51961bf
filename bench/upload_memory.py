"""What a visitor's uploads cost the server, and when they are given back (issue 16, item 3).

Starts `streamlit run` on a fresh store, opens a session that is not signed in (the login page),
uploads N files of 4.9 MB through Streamlit's real upload endpoint with the XSRF token any page
gives, leaves, and prints the server's resident memory: before, after the uploads, once the session
is forgotten (disconnectedSessionTTL) but before the sweep, and after ui/upload_sweep.py has run.

    python -m bench.upload_memory [--files 20] [--ttl 2]"""
from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import tempfile
import time
import urllib.request
import uuid

from bench.load import ROOT, start_server
from ui.upload_sweep import SWEEP_SECONDS

MB = 1024 * 1024


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def xsrf_cookie(base: str) -> str:
    with urllib.request.urlopen(f"http://{base}/_stcore/health", timeout=10) as r:
        for header in r.headers.get_all("Set-Cookie") or []:
            if header.startswith("_streamlit_xsrf="):
                return header.split(";", 1)[0].split("=", 1)[1]
    raise RuntimeError("no XSRF cookie")


def put_file(base: str, session_id: str, token: str, size: int) -> int:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"units.xlsx\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + os.urandom(size) + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"http://{base}/_stcore/upload_file/{session_id}/{uuid.uuid4()}", data=body,
                                 method="PUT", headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                                        "X-Xsrftoken": token, "Cookie": f"_streamlit_xsrf={token}"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status


async def visit(base: str, files: int) -> None:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    token = xsrf_cookie(base)
    async with connect(f"ws://{base}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                       additional_headers={"Cookie": f"_streamlit_xsrf={token}"}, ping_interval=None) as ws:
        msg = BackMsg()
        msg.rerun_script.CopyFrom(ClientState(page_name=""))
        await ws.send(msg.SerializeToString())
        session_id = None
        while session_id is None:
            fm = ForwardMsg()
            fm.ParseFromString(await ws.recv())
            if fm.WhichOneof("type") == "new_session":
                session_id = fm.new_session.initialize.session_id
        statuses = [put_file(base, session_id, token, int(4.9 * MB)) for _ in range(files)]
        print(f"  {files} uploads of 4.9 MB answered {sorted(set(statuses))} for session {session_id[:8]}")
        print(f"  after the uploads (still connected): {rss_mb(PID):.0f} MB")


def main() -> None:
    global PID
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--ttl", type=int, default=2)
    args = ap.parse_args()
    from db.migrate import upgrade

    url = f"sqlite:///{tempfile.mkdtemp()}/app.db"
    upgrade(url)
    os.environ["STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"] = str(args.ttl)
    port = 8600 + secrets.randbelow(300)
    proc = start_server(url, secrets.token_hex(32), port)
    PID = proc.pid
    try:
        base = f"127.0.0.1:{port}"
        time.sleep(1)
        print(f"server {ROOT.name} pid {PID}: at start {rss_mb(PID):.0f} MB")
        started = time.monotonic()
        asyncio.run(visit(base, args.files))
        time.sleep(args.ttl + 1)
        print(f"  the visitor gone, session forgotten ({args.ttl} s TTL): {rss_mb(PID):.0f} MB")
        # The sweeper's first pass is SWEEP_SECONDS after the first session started it.
        time.sleep(max(0.0, 2 * SWEEP_SECONDS + 2 - (time.monotonic() - started)))
        print(f"  after the sweep ({SWEEP_SECONDS} s): {rss_mb(PID):.0f} MB")
    finally:
        proc.kill()


if __name__ == "__main__":
    main()
