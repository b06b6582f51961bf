"""The monthly billing run at full size, measured (not asserted): goal under 60 s for one month of
100,000 units, memory flat, and a second run that bills nothing.

    python -m bench.billing [--units 100000] [--history 12] [--url DATABASE_URL]

Builds once (cached in bench/data/billing-<units>.db unless --url) one project of --units units
(88 % lived in, 5 % unsold, 4 % sold and not handed over, 3 % handed over this month at move-in),
--history months of bills before this month, a property fee per m² and a fixed garbage fee, and
prepayments on 2 % of the units; then times the preview, the run (with its progress callback),
the second run and the undo, with how much the process's peak memory grew during each."""
from __future__ import annotations

import argparse
import random
import resource
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = "BILL"


def build(url: str, units: int, history: int) -> int:
    """The bench project's id (built if the store has none)."""
    from sqlalchemy import func, insert, select

    from core.clock import local_today
    from core.collections.dunning import add_months
    from core.collections.ledger import due_date, period_of
    from core.collections.money import property_fee_cents
    from db.collection_models import Bill, FeeRateRow, Payment
    from db.engine import make_engine
    from db.migrate import upgrade
    from db.models import Building, Project, Unit
    from db.movein_models import MoveinAppointment, MoveinBatch

    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.scalar(select(Project.id).where(Project.code == CODE))
        have = conn.scalar(select(func.count()).select_from(Unit).where(Unit.project_id == found))
        if found is not None and have == units:
            engine.dispose()
            return found
    assert found is None, "a bench project of another size is in this store: use another --url"
    rng = random.Random(11)
    today = local_today()
    month0 = today.replace(day=1)
    with engine.begin() as conn:
        pid = conn.execute(insert(Project).values(code=CODE, name="计费基准园", city="深圳")
                           ).inserted_primary_key[0]
        per_building = 2000
        buildings = [conn.execute(insert(Building).values(project_id=pid, name=str(b + 1), floors=33))
                     .inserted_primary_key[0] for b in range(-(-units // per_building))]
        rows, kinds = [], []
        for i in range(units):
            r = rng.random()
            status = "occupied" if r < 0.88 else "unsold" if r < 0.93 else "sold" if r < 0.97 else "handed_over"
            kinds.append(status)
            b = i // per_building
            rows.append({"project_id": pid, "building_id": buildings[b],
                         "room_no": f"{b + 1}-{i % per_building + 1:04d}",
                         "floor": i % per_building // 60 + 1, "area_m2": Decimal(rng.randint(6000, 16000)) / 100,
                         "status": status, "version": 1})
        for chunk in range(0, units, 20_000):
            conn.execute(insert(Unit), rows[chunk:chunk + 20_000])
        ids = list(conn.scalars(select(Unit.id).where(Unit.project_id == pid).order_by(Unit.id)))
        areas = {u: rows[n]["area_m2"] for n, u in enumerate(ids)}
        conn.execute(insert(FeeRateRow), [
            {"project_id": pid, "item": "property", "basis": "area", "cents": 260,
             "effective_from": add_months(month0, -history - 1), "developer_bp": 7000, "created_by": "bench"},
            {"project_id": pid, "item": "other", "basis": "fixed", "cents": 1000,
             "effective_from": add_months(month0, -history - 1), "developer_bp": 0, "created_by": "bench"}])
        # Handed over this month at move-in: the run bills them from that day.
        batch = conn.execute(insert(MoveinBatch).values(project_id=pid, name="基准交付", start=month0, days=10,
                                                        opens=datetime(2000, 1, 1, 9).time(),
                                                        closes=datetime(2000, 1, 1, 17).time(), hall_m2=400.0,
                                                        stations=[])).inserted_primary_key[0]
        handed = [u for u, k in zip(ids, kinds) if k == "handed_over"]
        conn.execute(insert(MoveinAppointment), [
            {"batch_id": batch, "unit_id": u, "day": month0, "slot_hour": 9, "stations_done": 5, "no_show": False,
             "finished_at": datetime.combine(month0 + timedelta(days=rng.randint(0, 9)), datetime.min.time(),
                                             tzinfo=timezone.utc) + timedelta(hours=2)} for u in handed])
        billed = [u for u, k in zip(ids, kinds) if k in ("occupied", "unsold")]
        # New owners who paid ahead: no history of bills, credit waiting for the first run.
        prepaid = set(rng.sample(billed, len(billed) // 50))
        for back in range(history, 0, -1):
            period = period_of(add_months(month0, -back))
            # Multi-row INSERTs (not an executemany, which PostgreSQL's driver sends row by row and
            # whose every row would update its month's sums): see db.collection_repository.insert_rows.
            for chunk in range(0, len(billed), 3000):
                conn.execute(insert(Bill).values([
                    {"project_id": pid, "unit_id": u, "period": period, "item": "property",
                     "amount_cents": property_fee_cents(areas[u], 260), "paid_cents": 0, "waived_cents": 0,
                     "due": due_date(period)} for u in billed[chunk:chunk + 3000] if u not in prepaid]))
        conn.execute(insert(Payment), [
            {"project_id": pid, "unit_id": u, "receipt_no": f"BILLPRE-{n:06d}", "amount_cents": 100_000,
             "credit_cents": 100_000, "paid_on": today, "method": "transfer", "recorded_by": "bench"}
            for n, u in enumerate(sorted(prepaid))])
    engine.dispose()
    return pid


def _measured(fn):
    """(result, seconds, MB the process's peak memory grew by). tracemalloc would slow the run
    itself threefold, so the peak resident size is read instead."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    return result, seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--history", type=int, default=12)
    ap.add_argument("--url")
    args = ap.parse_args()
    url = args.url or f"sqlite:///{ROOT / 'bench' / 'data' / f'billing-{args.units}.db'}"
    (ROOT / "bench" / "data").mkdir(exist_ok=True)
    t0 = time.perf_counter()
    pid = build(url, args.units, args.history)
    print(f"data ready in {time.perf_counter() - t0:.1f} s ({url.split('///')[-1]})")

    from core.auth.actor import SYSTEM
    from core.clock import local_today
    from db.engine import make_engine
    from services import collections

    engine = make_engine(url)
    month = f"{local_today():%Y-%m}"
    for run in collections.billing_runs(engine, SYSTEM, pid).itertuples():   # a previous bench's run
        if run.status == "done" and run.period == month:
            collections.undo_billing(engine, SYSTEM, int(run.id))
    steps = []
    ticks = []
    preview, s, mb = _measured(lambda: collections.preview_billing(engine, SYSTEM, pid, month))
    steps.append(("preview", s, mb, f"{preview.bills:,} bills, exceptions {preview.exempt}"))
    done, s, mb = _measured(lambda: collections.run_billing(engine, SYSTEM, pid, month,
                                                            progress=lambda n, total: ticks.append(n)))
    steps.append(("run (one transaction)", s, mb, f"{done.bills:,} bills, ¥{done.cents / 100:,.2f}, "
                                                   f"credit settled ¥{done.credit_settled / 100:,.2f}, "
                                                   f"{len(ticks)} progress ticks"))
    again, s, mb = _measured(lambda: collections.run_billing(engine, SYSTEM, pid, month))
    steps.append(("second run", s, mb, f"{again.bills} bills, {again.already:,} already billed"))
    removed, s, mb = _measured(lambda: collections.undo_billing(engine, SYSTEM, done.run_id))
    steps.append(("undo", s, mb, f"{removed:,} bills removed"))
    engine.dispose()
    print(f"\n{'step':24} {'seconds':>9} {'+peak MB':>9}  what")
    for what, seconds, peak, note in steps:
        flag = "  <-- over 60 s" if seconds > 60 else ""
        print(f"{what:24} {seconds:9.2f} {peak:9.1f}  {note}{flag}")


if __name__ == "__main__":
    main()
