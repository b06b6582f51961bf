"""Two app processes behind nginx, on one PostgreSQL: the way `make serve` and the deployment files
run the dashboard (README, "Running on several processes / machines"). nginx is rendered from
deploy/render.py exactly as scripts/serve.sh renders it. Through the proxy: the metrics endpoint is
refused, the security headers are on every answer, uploads over the app's limit are stopped at the
door, each browser stays on one process (a cookie nginx sets itself), and a browser whose process is
killed with kill -9 comes back on the other process, still signed in, and its next save lands in the
store."""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from browser_actions import button, form_with, main, settle, snap, textbox, wait_until
from browser_helpers import (_STATE_JS as STATE_JS, ROOT, SCREENSHOTS, SIDEBAR, StreamlitServer, assert_clean, free_port, login,
                             main_text, open_url, sidebar_text)
from core.i18n import translate as t
from demo.company import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser

NAMES = {u: d for u, d, _ in DEMO_ACCOUNTS}
DESK, SUPERVISOR = "frontdesk", "supervisor"
ROUTE_COOKIE = "pmcs_route"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class Proxy:
    """nginx in front of the given app ports, in its own run directory, in the foreground."""

    def __init__(self, ports: list[int], run_dir: Path):
        self.ports, self.run_dir = ports, run_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Proxy":
        assert Path(NGINX).exists(), "nginx is missing: `make setup-test` installs it (scripts/setup.sh)"
        for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / d).mkdir(parents=True, exist_ok=True)
        conf = self.run_dir / "nginx.conf"
        args = ["nginx", "--ports", *map(str, self.ports), "--listen", f"127.0.0.1:{self.port}",
                "--run-dir", str(self.run_dir), "--out", str(conf)]
        if os.geteuid() == 0:
            args += ["--user", "root"]   # the run directory is root's; a throwaway test proxy on 127.0.0.1
        subprocess.run([sys.executable, str(ROOT / "deploy" / "render.py"), *args], check=True, cwd=ROOT)
        subprocess.run([NGINX, "-t", "-q", "-p", str(self.run_dir), "-c", str(conf)], check=True)
        self.proc = subprocess.Popen([NGINX, "-p", str(self.run_dir), "-c", str(conf), "-g", "daemon off;"],
                                     start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"nginx not answering: {self.error_log()}")

    def access_log(self) -> list[str]:
        path = self.run_dir / "nginx-access.log"
        return path.read_text(errors="replace").splitlines() if path.exists() else []

    def error_log(self) -> str:
        path = self.run_dir / "nginx-error.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def upstreams_of(self, route: str, path: str = "") -> list[int]:
        """The app ports that served this browser's requests (optionally only those for `path`)."""
        ports = []
        for line in self.access_log():
            if f"route={route} " in line and f" {path}" in line:
                # "127.0.0.1:P" or, when nginx moved on from a dead one, "127.0.0.1:P1, 127.0.0.1:P2"
                tried = re.findall(r":(\d+)", line.split("upstream=", 1)[1].split(" rt=", 1)[0])
                if tried:
                    ports.append(int(tried[-1]))
        return ports

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def proxy_pg(pg_server):
    from demo.company import CompanySize, seed_demo
    from db.engine import make_engine
    from db.migrate import upgrade

    url = pg_server.create_database("proxied")
    upgrade(url)
    engine = make_engine(url)
    # A small company: the proxy is under test here, not the pages' data.
    assert seed_demo(engine, CompanySize(projects=2, units_per_project=20, batch=False), hash_rounds=4) is True
    engine.dispose()
    yield url
    pg_server.drop_database("proxied")


@pytest.fixture(scope="module")
def proxied(proxy_pg, tmp_path_factory):
    """(nginx, {port: app server}) - two app processes with one cookie key, as serve.sh starts them."""
    key = secrets.token_urlsafe(36)
    servers, proxy = {}, None
    before = os.environ.get("APP_TRUST_PROXY")
    os.environ["APP_TRUST_PROXY"] = "1"   # as serve.sh and the systemd units set it
    try:
        for name in ("a", "b"):
            server = StreamlitServer(proxy_pg, key, SCREENSHOTS / f"streamlit-server-proxy-{name}.log").start()
            servers[server.port] = server
        proxy = Proxy(list(servers), tmp_path_factory.mktemp("nginx")).start()
        yield proxy, servers
    finally:
        if before is None:
            os.environ.pop("APP_TRUST_PROXY", None)
        else:
            os.environ["APP_TRUST_PROXY"] = before
        if proxy:
            proxy.stop()
        for server in servers.values():
            server.stop()


def get(url: str, cookie: str | None = None, method: str = "GET", data: bytes | None = None):
    req = urllib.request.Request(url, method=method, data=data, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def route_cookie(headers) -> str | None:
    """Our affinity cookie among the answer's Set-Cookie headers (Streamlit sets its XSRF one too)."""
    return next((c for c in headers.get_all("Set-Cookie") or [] if c.startswith(ROUTE_COOKIE + "=")), None)


def routes_to_each(proxy: Proxy) -> dict[int, str]:
    """An affinity cookie value that nginx sends to each app process (the ring is deterministic)."""
    found = {}
    for i in range(64):
        value = f"test{i:02d}" + "0" * 26
        get(f"{proxy.base_url}/_stcore/health", f"{ROUTE_COOKIE}={value}")
        wait_until(lambda: proxy.upstreams_of(value), 5, "nginx did not log the request")
        port = proxy.upstreams_of(value)[-1]
        found.setdefault(port, value)
        if len(found) == len(proxy.ports):
            return found
    raise AssertionError(f"64 cookies all hashed onto {list(found)}")


def complaints_in_store(url: str, number: str | None = None) -> int:
    from sqlalchemy import func, select

    from db.engine import make_engine
    from db.models import ComplaintRow

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            query = select(func.count()).select_from(ComplaintRow)
            if number:
                query = query.where(ComplaintRow.number == number)
            return conn.scalar(query)
    finally:
        engine.dispose()


def test_the_proxy_refuses_metrics_sends_security_headers_and_stops_big_uploads(proxied):
    proxy, _ = proxied
    status, _, _ = get(f"{proxy.base_url}/_stcore/metrics")
    assert status == 404, f"/_stcore/metrics answered {status} through nginx"
    status, headers, body = get(f"{proxy.base_url}/")
    assert status == 200 and b"<html" in body.lower()
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers, "HSTS on plain HTTP would lock browsers out"
    assert re.fullmatch(rf"{ROUTE_COOKIE}=[0-9a-f]{{32}}; Path=/; HttpOnly; SameSite=Lax", route_cookie(headers) or "")
    # A browser that has the cookie is not given another.
    cookie = route_cookie(headers).split(";")[0]
    assert route_cookie(get(f"{proxy.base_url}/", cookie)[1]) is None
    # Streamlit's scripts come from disk, not from a process (no upstream in the log).
    script = re.search(rb'src="\.?/?(static/js/[^"]+\.js)"', body).group(1).decode()
    status, headers, _ = get(f"{proxy.base_url}/{script}")
    assert status == 200 and "javascript" in headers["Content-Type"]
    assert any(f"GET /{script} " in line and "upstream=- " in line for line in proxy.access_log())
    # An upload bigger than the app's 11 MB limit is refused by nginx before it reaches a process,
    # and a small one without Streamlit's XSRF token is refused by the app (the protection is on).
    big = b"x" * (12 * 1024 * 1024)
    status, _, _ = get(f"{proxy.base_url}/_stcore/upload_file/{uuid.uuid4()}/{uuid.uuid4()}", cookie, "PUT", big)
    assert status == 413, f"12 MB upload answered {status}"
    status, _, _ = get(f"{proxy.base_url}/_stcore/upload_file/{uuid.uuid4()}/{uuid.uuid4()}", cookie, "PUT", b"x")
    assert status in (400, 403), f"an upload without XSRF token answered {status}"


def test_each_new_browser_gets_a_process_and_keeps_it(proxied):
    proxy, servers = proxied
    seen = set()
    for _ in range(16):
        _, headers, _ = get(f"{proxy.base_url}/_stcore/health")
        cookie = route_cookie(headers).split(";")[0]
        route = cookie.split("=", 1)[1]
        for _ in range(3):
            get(f"{proxy.base_url}/_stcore/health", cookie)
        wait_until(lambda: len(proxy.upstreams_of(route)) == 4, 5, "nginx did not log 4 requests")
        ports = proxy.upstreams_of(route)
        assert len(set(ports)) == 1, f"one browser spread over {ports}"
        seen.add(ports[0])
    assert seen == set(servers), f"16 new browsers all went to {seen}: no spread over the processes"


def register(page, base_url: str, content: str, reopen: bool = True) -> str:
    """A complaint with a place and no unit, through the form; returns its number."""
    if reopen:
        open_url(page, base_url + "/complaint_new")
    form = form_with(page, t("cnew.submit"))
    form.wait_for()
    textbox(page, t("field.complainant"), form).fill("周先生")
    textbox(page, t("field.phone"), form).fill("13700137000")
    textbox(page, t("field.place"), form).fill("地下车库B2出口")
    textbox(page, t("field.content"), form).fill(content)
    button(page, t("cnew.submit"), form).click()
    settle(page)
    done = main(page).locator('[data-testid="stAlertContentSuccess"]')
    done.wait_for()
    return re.search(r"TS-\d{8}-\d{4}", done.inner_text()).group(0)


def test_a_browser_whose_process_is_killed_comes_back_signed_in_and_its_save_lands(proxied, proxy_pg, new_page):
    proxy, servers = proxied
    routes = routes_to_each(proxy)
    (port_a, route_a), (port_b, route_b) = sorted(routes.items())
    cookie = {"domain": "127.0.0.1", "path": "/", "httpOnly": True, "sameSite": "Lax"}
    desk = new_page(cookies=[dict(cookie, name=ROUTE_COOKIE, value=route_a)])
    other = new_page(cookies=[dict(cookie, name=ROUTE_COOKIE, value=route_b)])

    # Two people sign in through the one address; each stays on their own process.
    login(desk, proxy.base_url, DESK, NAMES[DESK])
    login(other, proxy.base_url, SUPERVISOR, NAMES[SUPERVISOR])
    first = register(desk, proxy.base_url, "车库出口积水，车辆通行困难。")
    assert complaints_in_store(proxy_pg, first) == 1
    desk.reload()
    wait_until(lambda: NAMES[DESK] in sidebar_text(desk), 30, "reload lost the sign-in behind the proxy")
    assert set(proxy.upstreams_of(route_a)) == {port_a}, proxy.upstreams_of(route_a)
    assert set(proxy.upstreams_of(route_b)) == {port_b}, proxy.upstreams_of(route_b)
    assert proxy.upstreams_of(route_a, "/_stcore/stream"), "the desk's websocket never went through nginx"

    # The desk is on the complaint form when its process dies.
    open_url(desk, proxy.base_url + "/complaint_new")
    form_with(desk, t("cnew.submit")).wait_for()
    before = complaints_in_store(proxy_pg)
    streams_before = len(proxy.upstreams_of(route_a, "/_stcore/stream"))
    killed = servers[port_a]
    os.killpg(killed.proc.pid, signal.SIGKILL)
    killed.proc.wait(timeout=10)
    down = time.monotonic()

    # nginx logs a websocket when it closes: the desk's, on the killed process, closes at once.
    wait_until(lambda: len(proxy.upstreams_of(route_a, "/_stcore/stream")) > streams_before, 15,
               "the desk's websocket did not close when its process died")
    assert proxy.upstreams_of(route_a, "/_stcore/stream")[-1] == port_a

    # The browser reconnects by itself, through nginx, to the other process, and is still signed in.
    def back() -> bool:
        state, busy = desk.evaluate(STATE_JS)
        return (state == "notRunning" and not busy and NAMES[DESK] in sidebar_text(desk)
                and form_with(desk, t("cnew.submit")).count() > 0)
    desk.wait_for_timeout(500)
    wait_until(back, 45, f"not back after the kill: {main_text(desk)[:300]} / {proxy.error_log()[-500:]}")
    back_after = time.monotonic() - down
    desk.locator(SIDEBAR).get_by_text(NAMES[DESK]).wait_for()
    assert_clean(desk, "the complaint form after the reconnect")
    snap(desk, "proxy_after_reconnect")
    print(f"back on the other process {back_after:.1f} s after kill -9")

    # Its next save, in the same tab without a reload, lands in the store, once.
    second = register(desk, proxy.base_url, "出口道闸感应失灵，需要人工抬杆。", reopen=False)
    assert second != first
    assert complaints_in_store(proxy_pg, second) == 1
    assert complaints_in_store(proxy_pg) == before + 1
    # Leaving the page closes the tab's websocket, which nginx then logs: it was on the other process.
    streams = len(proxy.upstreams_of(route_a, "/_stcore/stream"))
    open_url(desk, proxy.base_url + "/")
    wait_until(lambda: len(proxy.upstreams_of(route_a, "/_stcore/stream")) > streams, 15)
    assert proxy.upstreams_of(route_a, "/_stcore/stream")[streams] == port_b
    # The other person, on the process that lived, saw nothing of it.
    open_url(other, proxy.base_url + "/")
    assert NAMES[SUPERVISOR] in sidebar_text(other)
    assert_clean(other, "the supervisor on the process that lived")
    assert set(proxy.upstreams_of(route_b)) == {port_b}
