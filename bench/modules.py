"""Speed goals of the move-in, collection and case-library modules, measured (not asserted).

    python -m bench.modules [--units 100000] [--months 24] [--cases 10000]

Builds (once, cached in bench/data/modules-<units>.db) a company of --units units with --months
of monthly bills (100,000 × 24 = 2.4 million bill rows), a 799-household move-in day with 150
households in the flow, and --cases training cases; then prints the server time of each page
(Streamlit AppTest, warm and first run) and of the core computations behind them. The billing
run itself at 100,000 units is timed by bench/billing.py."""
from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(fn, repeat: int = 3) -> tuple[float, float]:
    """(first, median of the rest) in milliseconds."""
    runs = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return runs[0], statistics.median(runs[1:])


def build(url: str, units: int, months: int, cases: int) -> None:
    from sqlalchemy import func, insert, select

    from core.cases.model import tags
    from core.collections.ledger import due_date
    from db.case_models import CaseRow
    from db.collection_models import Allocation, Bill
    from demo.company import CompanySize, seed_demo
    from db.engine import make_engine
    from db.migrate import upgrade
    from db.models import Project, Unit

    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(Bill)) >= units * months * 0.9:
            return
    projects = 50
    seed_demo(engine, CompanySize(projects=projects, units_per_project=units // projects), hash_rounds=4)
    rng = random.Random(3)
    today = date.today()
    with engine.begin() as conn:
        have = {(u, p) for u, p in conn.execute(select(Bill.unit_id, Bill.period))}
        rows = conn.execute(select(Unit.id, Unit.project_id)).all()
        next_id = (conn.scalar(select(func.max(Bill.id))) or 0) + 1
        bills, allocs = [], []
        for unit_id, project_id in rows:
            for back in range(months):
                y, m = divmod(today.year * 12 + today.month - 1 - back, 12)
                period = f"{y:04d}-{m + 1:02d}"
                if (unit_id, period) in have:
                    continue
                paid = rng.random() < 0.95
                bills.append({"id": next_id, "project_id": project_id, "unit_id": unit_id, "period": period,
                              "item": "property", "amount_cents": 30000, "paid_cents": 30000 if paid else 0,
                              "waived_cents": 0, "due": due_date(period)})
                if paid:
                    allocs.append({"payment_id": None, "bill_id": next_id, "project_id": project_id,
                                   "bill_period": period, "paid_on": date(y, m + 1, 20), "cents": 30000})
                next_id += 1
                if len(bills) >= 50_000:
                    conn.execute(insert(Bill), bills)
                    bills = []
        if bills:
            conn.execute(insert(Bill), bills)
        # Allocations need a payment row: one bulk "opening balance" payment per project.
        from db.collection_models import Payment
        pay_ids = {}
        for (pid,) in conn.execute(select(Project.id)):
            pay_ids[pid] = conn.execute(insert(Payment).values(
                project_id=pid, unit_id=conn.scalar(select(Unit.id).where(Unit.project_id == pid).limit(1)),
                receipt_no=f"BENCH-{pid}", amount_cents=0, credit_cents=0, paid_on=today, method="transfer",
                recorded_by="bench")).inserted_primary_key[0]
        for chunk in range(0, len(allocs), 50_000):
            part = allocs[chunk:chunk + 50_000]
            for a in part:
                a["payment_id"] = pay_ids[a["project_id"]]
            conn.execute(insert(Allocation), part)
        words = ["停电", "发票", "噪音", "电梯", "漏水", "停车", "保洁", "绿化", "装修", "门禁"]
        conn.execute(insert(CaseRow), [{
            "title": f"案例{i}：{rng.choice(words)}问题", "story": "业主反映" + "".join(rng.choices(words, k=30)),
            "outcome": "", "lesson": "", "questions": [], "kind": "complaint", "topics": tags(("complaints",)),
            "method_steps": "", "source": "bench", "status": "published", "created_by": "bench", "title_en": "",
            "summary_en": "", "version": 1} for i in range(cases)])
    engine.dispose()


def fill_movein_day(engine, target: int = 150) -> int:
    """Today becomes a weekend peak: appointments of later days are moved to today until `target`
    households can be in the hall, then checked in and walked part-way through the stations with
    the real writes the tablets use. Returns the households in the flow."""
    from sqlalchemy import func, select, update

    from core.auth.actor import Actor
    from core.auth.roles import Role
    from core.clock import local_today
    from db.movein_models import MoveinAppointment as A, MoveinBatch
    from services import movein

    today = local_today()
    in_flow = (A.day == today, A.arrived_at.is_not(None), A.finished_at.is_(None))
    with engine.begin() as conn:
        batch_id, stations = conn.execute(select(MoveinBatch.id, MoveinBatch.stations).order_by(MoveinBatch.id)).first()
        have = conn.scalar(select(func.count()).where(A.batch_id == batch_id, *in_flow))
        if have >= target:
            return have
        waiting = conn.scalars(select(A.id).where(A.batch_id == batch_id, A.day == today, A.arrived_at.is_(None),
                                                  A.no_show.is_(False))).all()
        need = target - have - len(waiting)
        if need > 0:
            later = conn.scalars(select(A.id).where(A.batch_id == batch_id, A.day > today, A.arrived_at.is_(None))
                                 .order_by(A.day, A.id).limit(need)).all()
            conn.execute(update(A).where(A.id.in_(later)).values(day=today, slot_hour=10))
            waiting = list(waiting) + list(later)
    rng = random.Random(5)
    codes = [s["code"] for s in stations]
    bench = Actor("bench", Role.SUPERVISOR)
    for appt_id in waiting[:target - have]:
        movein.check_in(engine, bench, batch_id, appt_id)
        for code in codes[:rng.randint(0, len(codes) - 1)]:   # never the last: still in the hall
            movein.advance(engine, bench, batch_id, appt_id, code)
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).where(A.batch_id == batch_id, *in_flow))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--url")
    args = ap.parse_args()
    url = args.url or f"sqlite:///{ROOT / 'bench' / 'data' / f'modules-{args.units}.db'}"
    os.environ["DATABASE_URL"] = url
    # As bench.run: a bench run must not generate a cookie key into .streamlit/secrets.toml.
    os.environ.setdefault("APP_COOKIE_KEY", "bench-only-cookie-key-" + "x" * 32)
    t0 = time.perf_counter()
    build(url, args.units, args.months, args.cases)
    print(f"data ready in {time.perf_counter() - t0:.1f} s ({url.split('///')[-1]})")

    from sqlalchemy import func, select
    from streamlit.testing.v1 import AppTest

    from core.auth.actor import SYSTEM
    from core.clock import local_today
    from core.collections.dunning import add_months
    from core.collections.ledger import period_of
    from core.movein.forecast import forecast, recommend_batch
    from core.movein.model import BatchSettings, households_per_day
    from core.movein.simulation import simulate_day
    from services import cases
    from db.collection_models import Bill
    from db.engine import make_engine
    from services import collections

    engine = make_engine(url)
    in_flow = fill_movein_day(engine)
    with engine.connect() as conn:
        bills = conn.scalar(select(func.count()).select_from(Bill))
    today = local_today()
    print(f"bill rows: {bills:,}; move-in households in the flow now: {in_flow}")
    rows = []
    settings = BatchSettings(start=date(2026, 12, 4)).validate()
    per_day = households_per_day(settings)
    rows.append(("simulate one move-in day (150 households)", *_timed(lambda: simulate_day(150, settings, seed=1), 5), 100))
    rows.append(("simulate 10-day 799-household batch", *_timed(lambda: forecast(settings, per_day, {}), 3), 2000))
    rows.append(("staffing recommendation, whole batch", *_timed(lambda: recommend_batch(settings, per_day, 40), 1), 20000))
    rows.append(("dunning ladder for every unit", *_timed(lambda: collections.ladder_today(engine, SYSTEM, today), 1),
                 30000))   # the worklist and the paused units, as the page reads them
    rows.append(("case search '停电' (10k cases)", *_timed(lambda: cases.search(engine, SYSTEM, "停电"), 5), 200))
    rows.append(("case search two terms", *_timed(lambda: cases.search(engine, SYSTEM, "停电 电梯"), 5), 200))
    last_month = period_of(add_months(today.replace(day=1), -1))
    rows.append(("period_sums last month", *_timed(lambda: collections.period_sums(engine, SYSTEM, last_month, last_month), 3), 1000))
    rows.append(("24-month trend", *_timed(lambda: collections.monthly_trend(
        engine, SYSTEM, period_of(add_months(today.replace(day=1), -24)), last_month), 3), 1000))

    from bench.run import _login_session, _page_problem, _signed_in

    def page(name, role="manager", setup=None):
        """A new signed-in AppTest session on the page, as bench.run runs its cases: app.py as the
        entry point and switch_page (a page script run alone loops in its guard's rerun until the
        timeout), the demo account's user and a real server-side login session (without it the
        gate ends the seeded sign-in and the login form is what gets timed). One sign-in per page,
        outside the timing; a run that ends in an exception or an st.error fails the bench."""
        user, lang = _signed_in(engine, role)
        seeded = {"current_user": user, "lang": lang, **_login_session(engine, role)}

        def run():
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            for key, value in seeded.items():
                at.session_state[key] = value
            at.switch_page(f"pages/{name}.py")
            at.run()
            if setup:
                setup(at)
            if problem := _page_problem(at):
                raise RuntimeError(f"page {name} ({role}): {problem}")
        return run

    import streamlit as st

    def cold(run):
        def again():
            st.cache_data.clear()   # as after a cache expiry or a write: data read afresh, modules loaded
            run()
        return again

    pages = []
    for name, budget in (("collections", 1000), ("collection_worklist", 1000), ("billing", 1000),
                         ("movein_live", 300),
                         ("movein_plan", 1000), ("cases", 1000), ("training", 1000)):
        role = "supervisor" if name.startswith("movein") else ("trainer" if name in ("cases", "training") else "manager")
        first, warm = _timed(page(name, role), 3)
        _, empty = _timed(cold(page(name, role)), 3)
        pages.append((f"page {name} ({role})", first, empty, warm, budget))
    print(f"\n{'what':48} {'first ms':>10} {'warm ms':>10} {'goal ms':>9}")
    for what, first, warm, goal in rows:
        flag = "" if warm <= goal else "  <-- over"
        print(f"{what:48} {first:10.1f} {warm:10.1f} {goal:9d}{flag}")
    print("\npages: first view in a fresh process (imports included); 'cache empty' = every st.cache_data"
          "\ncleared before the view (a server after a write or an expiry); warm = cached data")
    print(f"\n{'page':48} {'first ms':>10} {'cache empty':>12} {'warm ms':>10} {'goal ms':>9}")
    for what, first, empty, warm, goal in pages:
        flag = "" if max(empty, warm) <= goal else "  <-- over"
        print(f"{what:48} {first:10.1f} {empty:12.1f} {warm:10.1f} {goal:9d}{flag}")


if __name__ == "__main__":
    main()
