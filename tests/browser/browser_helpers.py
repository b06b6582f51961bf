"""Helpers of the browser tests: the Streamlit server under test, waiting for reruns, logging in,
and the checks every page must pass (no exception, no error box, no sideways scrolling)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from core.i18n import translate

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
VIEWPORT = {"width": 1024, "height": 768}
DEMO_PASSWORD = "Demo-2026!"
ROLES = ("admin", "manager", "supervisor", "frontdesk", "trainer")
COOKIE_NAME = "pmcs_auth"

APP = '[data-testid="stApp"]'
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'
EXCEPTION = '[data-testid="stException"]'
ERROR_BOX = '[data-testid="stAlertContentError"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run app.py` on a free port, in its own process group, killed by its pid at the end.
    `fresh` stays True until a test has made a session run app.py (which switches Streamlit's old
    pages/ router off for the rest of the process)."""

    def __init__(self, db_url: str, cookie_key: str, log_path: Path):
        self.db_url, self.cookie_key = db_url, cookie_key
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.fresh = True

    def start(self, timeout: float = 60) -> "StreamlitServer":
        env = dict(os.environ, DATABASE_URL=self.db_url, APP_COOKIE_KEY=self.cookie_key,
                   STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", PYTHONUNBUFFERED="1")
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
               f"--server.port={self.port}", "--server.address=127.0.0.1",
               "--server.fileWatcherType=none"]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)  # the group we started (start_new_session)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


_STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app ? [app.getAttribute('data-test-script-state'),
                !!document.querySelector('[data-testid="stStatusWidget"]')] : [null, true];
}"""


def wait_idle(page, timeout: float = 30, settle: float = 0.3) -> None:
    """Until the script run is over: stApp says notRunning, no status widget, for `settle` seconds."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        state, busy = page.evaluate(_STATE_JS)
        if state == "notRunning" and not busy:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= settle:
                return
        else:
            quiet_since = None
        time.sleep(0.1)
    raise AssertionError(f"the app did not finish its run within {timeout}s ({page.url})")


def open_url(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)


def open_all(pages_and_urls) -> None:
    """Typed URLs in several browser contexts at once (each its own session): start every
    navigation, then wait for each run to finish. Same result as one by one, in less time."""
    for page, url in pages_and_urls:
        page.goto(url, wait_until="commit")
    for page, _ in pages_and_urls:
        page.wait_for_load_state("load")
        wait_idle(page)


def login_form_shown(page) -> bool:
    # exact: the sidebar's 退出登录 also contains 登录, the admin page has a 用户名 field too
    form = page.locator('[data-testid="stForm"]').filter(has_text=translate("login.title"))
    return form.count() > 0 and \
        form.get_by_role("textbox", name=translate("login.username"), exact=True).count() > 0 and \
        form.get_by_role("button", name=translate("login.submit"), exact=True).count() > 0


def eventually(check, timeout: float = 15) -> bool:
    """True as soon as check() is; False if it is not within timeout (the browser may draw late
    on a busy machine, after the script run is over)."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


def submit_login(page, base_url: str, username: str, password: str) -> None:
    open_url(page, base_url + "/")
    assert eventually(lambda: login_form_shown(page)), main_text(page)
    page.get_by_role("textbox", name=translate("login.username")).fill(username)
    page.get_by_role("textbox", name=translate("login.password")).fill(password)
    page.get_by_role("button", name=translate("login.submit")).click()


def login(page, base_url: str, username: str, display_name: str, password: str = DEMO_PASSWORD) -> None:
    submit_login(page, base_url, username, password)
    page.locator(SIDEBAR).get_by_text(display_name).wait_for(timeout=30_000)
    wait_idle(page)


def main_text(page) -> str:
    loc = page.locator(MAIN)
    return loc.inner_text() if loc.count() else ""


def sidebar_text(page) -> str:
    loc = page.locator(SIDEBAR)
    return loc.inner_text() if loc.count() else ""


def error_texts(page) -> list[str]:
    return [t.strip() for t in page.locator(ERROR_BOX).all_inner_texts()]


def unexpected_errors(page) -> list[str]:
    """Error boxes on a page that just opened: the pages draw business alerts (a limitation date
    coming near) as warnings, so any red box means something went wrong."""
    return error_texts(page)


def assert_clean(page, where: str) -> None:
    assert page.locator(EXCEPTION).count() == 0, f"{where}: exception shown: {main_text(page)[:300]}"
    assert not unexpected_errors(page), f"{where}: error box: {unexpected_errors(page)}"


_OVERFLOW_JS = """() => [document.documentElement, document.querySelector('[data-testid="stMain"]')]
  .filter(Boolean).map(e => [e.scrollWidth, e.clientWidth])"""


def assert_no_sideways_scroll(page, where: str, tolerance: int = 2) -> None:
    for scroll_width, client_width in page.evaluate(_OVERFLOW_JS):
        assert scroll_width <= client_width + tolerance, \
            f"{where}: scrolls sideways ({scroll_width}px of content in {client_width}px)"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"] + tolerance, f"{where}: page is {width}px wide"


def wait_painted(page) -> None:
    """Charts and data grids draw after the run: let them, so that screenshots show them."""
    for box in ('[data-testid="stVegaLiteChart"]', '[data-testid="stDataFrame"]'):
        if page.locator(box).count():
            try:
                page.locator(f"{box} canvas, {box} svg").first.wait_for(timeout=2_000)
            except Exception:  # a screenshot without the chart is still worth having
                pass
    page.wait_for_timeout(200)


def forge_cookie(key: str, username: str, session_id: str = "no-such-session", days: float = 1.0) -> str:
    """A login cookie in the app's own format (core.auth.tokens) that the test signs itself: the
    session id decides whether it names a real session."""
    import warnings
    from datetime import datetime, timedelta, timezone

    from core.auth import tokens

    now = datetime.now(timezone.utc)
    issued = min(now, now + timedelta(days=days) - timedelta(minutes=1))
    with warnings.catch_warnings():  # a short key is the point of one case
        warnings.simplefilter("ignore")
        return tokens.encode(session_id, username, issued, now + timedelta(days=days), key)


def session_cookie(db_url: str, key: str, username: str, password: str = DEMO_PASSWORD) -> str:
    """What the login form leaves in the browser, without the form: a real sign-in against the
    store the server under test uses (a server-side session), and the cookie naming it."""
    from db.engine import make_engine
    from services import sessions

    engine = make_engine(db_url)
    try:
        signed = sessions.sign_in(engine, username, password, "browser-test", "playwright")
    finally:
        engine.dispose()
    return forge_cookie(key, username, signed.session_id)
