"""Load benchmark: N simulated users against one app process, each running the server-side
script of a real page the way a Streamlit server does for a session (AppTest), concurrently.
Half the users work the move-in live flow (find a household, tap its next station), half watch
the complaint board. Bounded in users and seconds; prints throughput and p50/p95 per action.

    python -m bench.load [--users 10 50 100] [--seconds 20]
"""
from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, nargs="+", default=[10, 50, 100])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--url")
    args = ap.parse_args()
    url = args.url or f"sqlite:///{ROOT / 'bench' / 'data' / 'load.db'}"
    os.environ["DATABASE_URL"] = url

    from sqlalchemy import select
    from streamlit.testing.v1 import AppTest

    from core.complaints.clock import CHINA
    from db.demo import seed_demo
    from db.engine import make_engine
    from db.migrate import upgrade
    from db.models import Unit
    from db.movein_models import MoveinAppointment
    from ui.session import CurrentUser

    upgrade(url)
    engine = make_engine(url)
    seed_demo(engine, hash_rounds=4)
    today = datetime.now(CHINA).date()

    def rooms_waiting() -> list[str]:
        with engine.connect() as conn:
            return list(conn.scalars(select(Unit.room_no).join(MoveinAppointment, MoveinAppointment.unit_id == Unit.id)
                                     .where(MoveinAppointment.finished_at.is_(None), MoveinAppointment.no_show.is_(False))))

    print(f"{'users':>6} {'action':>16} {'count':>7} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for users in args.users:
        rooms = rooms_waiting()
        results: dict[str, list[float]] = {"movein_tap": [], "board_view": []}
        errors = {"movein_tap": 0, "board_view": 0}
        lock = threading.Lock()
        first_error: dict[str, str] = {}
        deadline = time.perf_counter() + args.seconds

        def session(role: str, page: str) -> AppTest:
            """One user's session: the whole app (sign-in check, menu, page), like a browser tab."""
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            at.session_state["current_user"] = CurrentUser(role, role, role, None)
            at.run()
            return at.switch_page(f"pages/{page}.py")

        def record(action: str, start: float, at) -> None:
            with lock:
                results[action].append((time.perf_counter() - start) * 1000)
                if at.exception:
                    errors[action] += 1
                    first_error.setdefault(action, at.exception[0].message)

        def supervisor(i: int) -> None:
            at = session("supervisor", "movein_live")
            at.session_state["live_household"] = rooms[i % len(rooms)]
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                at.run()
                taps = [b for b in at.button if b.key and b.key.startswith(("adv_", "in_"))]
                if taps:
                    taps[0].click().run()
                record("movein_tap", start, at)

        def manager(i: int) -> None:
            at = session("manager", "complaint_board")
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                at.run()
                record("board_view", start, at)

        threads = [threading.Thread(target=supervisor if i % 2 == 0 else manager, args=(i,)) for i in range(users)]
        began = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - began
        for action, times in results.items():
            if not times:
                continue
            q = statistics.quantiles(times, n=20) if len(times) > 1 else times * 19
            print(f"{users:6d} {action:>16} {len(times):7d} {len(times) / elapsed:7.1f} "
                  f"{statistics.median(times):8.0f} {q[18]:8.0f} {errors[action]:7d}")
        for action, message in first_error.items():
            print(f"       first error in {action}: {message[:200]}")


if __name__ == "__main__":
    main()
