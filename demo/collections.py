"""Demo ledger: two years of monthly property-fee bills, payments that put each city's
collection rate between 70 % and 100 % (company average near 95.3 %, as in the training deck),
and debtors at every step of the dunning ladder, some close to the limitation date."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from core.collections import dunning
from core.collections.ledger import due_date, period_of
from core.collections.money import property_fee_cents
from core.clock import CHINA
from core.complaints.model import Stage
from db.collection_models import (Allocation, Bill, CollectionSettings, DunningAction, FeeRateRow, Payment,
                                  PaymentPlan)
from db.models import ComplaintRow, Project, Unit, utcnow
from db.movein_models import MoveinDefect

# Share of each month's bills paid within the month, by city (the seed's chart: 70–100 %).
CITY_RATES = {"长春": 0.97, "东莞": 0.98, "广州": 0.96, "深圳": 0.99, "成都": 0.97, "中山": 0.98, "南昌": 0.96,
              "上海": 0.99, "武汉": 0.95, "北京": 0.97, "鞍山": 0.72, "沈阳": 0.955, "天津": 0.96, "大连": 0.99}
MONTHS = 24


def _month_start(today: date, back: int) -> date:
    y, m = divmod(today.year * 12 + today.month - 1 - back, 12)
    return date(y, m + 1, 1)


def seed_collections(engine: Engine, seed: int = 5, now: datetime | None = None, months: int = MONTHS) -> int:
    rng = random.Random(seed)
    today = (now or utcnow()).astimezone(CHINA).date()
    with engine.connect() as conn:
        if conn.scalar(select(Bill.id).limit(1)) is not None:
            return 0
        projects = conn.execute(select(Project.id, Project.city)).all()
        units = conn.execute(select(Unit.id, Unit.project_id, Unit.area_m2, Unit.status)
                             .where(Unit.status != "sold")).all()  # sold-not-handed-over owners pay from handover
        next_bill = (conn.scalar(select(func.max(Bill.id))) or 0) + 1
    rates = {p.id: CITY_RATES.get(p.city, 0.95) for p in projects}
    fee = {p.id: rng.choice([180, 220, 260, 320, 380, 450]) for p in projects}  # cents per m² per month

    def habit(u) -> str:
        """Prompt payers make a city's rate; late payers pay weeks after; debtors stop paying."""
        # Prompt payers slightly above the city's figure: developer-held stock pays worse and pulls it down.
        rate = 0.85 if u.status == "unsold" else min(0.998, rates[u.project_id] + 0.01)
        r = rng.random()
        return "prompt" if r < rate else ("late" if r < rate + (1 - rate) * 0.8 else "debtor")

    habits = {u.id: habit(u) for u in units}
    for u in units:
        if u.status == "unsold" and habits[u.id] == "debtor":
            habits[u.id] = "late"  # the developer's stock is dunned by contract, not by this ladder
    debtors = {uid for uid, h in habits.items() if h == "debtor"}
    bills, payments, allocations = [], [], []
    receipt = 0
    for u in units:
        amount = property_fee_cents(u.area_m2, fee[u.project_id])
        # A debtor stops paying at some month, at times before the ledger's two years began.
        # A quarter of them owe since 30+ months: close to the three-year limitation date.
        stop = (rng.randint(30, 34) if rng.random() < 0.25 else rng.randint(1, months)) if u.id in debtors else None
        for back in range(max(months, stop or 0), -1, -1):  # back 0 is the current month
            start = _month_start(today, back)
            period = period_of(start)
            bill_id = next_bill
            next_bill += 1
            bills.append({"id": bill_id, "project_id": u.project_id, "unit_id": u.id, "period": period,
                          "item": "property", "amount_cents": amount, "paid_cents": 0, "waived_cents": 0,
                          "due": due_date(period)})
            if (stop is not None and back <= stop) or back > months:
                continue  # unpaid: the debt starts here
            # Habits hold most months, not every month: the monthly rate moves a little.
            late = (habits[u.id] == "late") != (rng.random() < (0.12 if habits[u.id] == "late" else 0.01))
            paid_on = start + timedelta(days=rng.randint(35, 100) if late else rng.randint(0, 27))
            if paid_on > today:
                continue
            receipt += 1
            payments.append({"id": receipt, "project_id": u.project_id, "unit_id": u.id,
                             "receipt_no": f"R{u.project_id:03d}-{receipt:07d}", "amount_cents": amount,
                             "credit_cents": 0, "paid_on": paid_on, "method": rng.choice(["wechat", "alipay", "transfer", "cash"]),
                             "recorded_by": "frontdesk", "request_key": None})
            allocations.append({"payment_id": receipt, "bill_id": bill_id, "project_id": u.project_id,
                                "bill_period": period, "paid_on": paid_on, "cents": amount})
            bills[-1]["paid_cents"] = amount
    actions, plans = _ladder_history(rng, today, debtors, _open_matters(engine), {u.id: u.project_id for u in units},
                                     bills)
    with engine.begin() as conn:
        first_month = _month_start(today, max(months, 34))   # the schedule the seeded bills follow
        for p in projects:
            conn.execute(insert(CollectionSettings).values(project_id=p.id, property_cents_per_m2=fee[p.id],
                                                           target_bp=9500, ladder={}))
            # Unsold stock is billed in full here (the developer's share is 100 %), as the bills above are.
            conn.execute(insert(FeeRateRow).values(project_id=p.id, item="property", basis="area", cents=fee[p.id],
                                                   effective_from=first_month, developer_bp=10_000,
                                                   created_by="demo"))
        for table, rows in ((Bill, bills), (Payment, payments), (Allocation, allocations),
                            (DunningAction, actions), (PaymentPlan, plans)):
            for chunk in range(0, len(rows), 5000):
                # RETURNING makes it multi-row INSERTs: PostgreSQL's ledger_months triggers run per
                # statement, and a plain executemany is one statement per row there.
                conn.execute(insert(table).returning(table.id), rows[chunk:chunk + 5000])
        if engine.dialect.name == "postgresql":
            for table in ("bills", "payments"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
    return len(bills)


def _open_matters(engine: Engine) -> set[int]:
    """Units with an open complaint or move-in defect: the stop rules may pause them."""
    with engine.connect() as conn:
        return set(conn.scalars(select(ComplaintRow.unit_id).where(ComplaintRow.stage != Stage.CLOSED.value,
                                                                   ComplaintRow.unit_id.is_not(None)))) | \
            set(conn.scalars(select(MoveinDefect.unit_id).where(MoveinDefect.status == dunning.OPEN_DEFECT_STATUS)))


# Debtors kept due for each step today, whatever else the walk draws: how many complaints of the
# demo are still open depends on the hour it was seeded, and an open one pauses its unit's ladder.
FORCED_PER_STEP = 3


def _forced_steps(rng, today, oldest: dict, busy: set[int]) -> dict[int, dunning.Step]:
    """A few debtors per step beyond the notice, with nothing open that could pause them, whose
    last such step is kept a full interval back, so the worklist shows every step on any day."""
    forced: dict[int, dunning.Step] = {}
    for step, months in dunning.DEFAULT_LADDER.intervals.items():
        if step == dunning.Step.NOTICE:
            continue
        pool = sorted(u for u, due in oldest.items()
                      if u not in busy and u not in forced and dunning.months_between(due, today) >= months)
        for unit_id in rng.sample(pool, min(FORCED_PER_STEP, len(pool))):
            forced[unit_id] = step
    return forced


def _ladder_history(rng, today, debtors, busy, project_of, bills):
    """Walk each debtor's ladder month by month up to a little before today, recording the steps the
    rules asked for, so today's worklist shows debtors at every step; some demands were delivered
    (restarting the limitation clock), some never were (the clock is close to running out)."""
    oldest = {}
    for b in bills:
        if b["unit_id"] in debtors and b["paid_cents"] == 0:
            oldest[b["unit_id"]] = min(oldest.get(b["unit_id"], b["due"]), b["due"])
    forced = _forced_steps(rng, today, oldest, busy)
    actions, plans = [], []
    for unit_id, first_due in oldest.items():
        # Nobody ever got proof of delivery: the limitation period runs from the due date.
        careless = rng.random() < (0.7 if (today - first_due).days > 900 else 0.2)
        last: dict = {}
        delivered = None
        day = first_due
        stop_at = today - timedelta(days=rng.randint(0, 75))
        while day <= stop_at:
            item = dunning.work_item(dunning.UnitDebt(unit_id, first_due, 1, dict(last), delivered), day)
            for step in (item.due_steps if item else ()):
                if forced.get(unit_id) == step and dunning.add_months(day, dunning.DEFAULT_LADDER.intervals[step]) > today:
                    continue   # kept due today
                outcome = rng.choice(["delivered", "promised", "refused", "unreachable"])
                got_proof = not careless and outcome in ("delivered", "promised", "refused")
                actions.append({"project_id": project_of[unit_id], "unit_id": unit_id, "step": step.value,
                                "taken_on": day, "outcome": outcome, "delivered": got_proof,
                                # the proof a demo can hold: registered post with its waybill number
                                "proof_kind": "courier" if got_proof else None,
                                "courier": "ems" if got_proof else None,
                                "tracking_no": f"1{(unit_id * 7_919_113 + day.toordinal()) % 10**12:012d}" if got_proof else None,
                                "promised_on": day + timedelta(days=30) if outcome == "promised" else None,
                                "note": "拒绝缴费：对维修不满意" if outcome == "refused" else "", "staff": "frontdesk"})
                last[step] = day
                if got_proof:
                    delivered = day
            day = dunning.add_months(day, 1)
        if rng.random() < 0.1 and unit_id not in forced:
            plans.append({"unit_id": unit_id, "starts": today - timedelta(days=20), "ends": today + timedelta(days=160),
                          "note": "分六期缴清", "created_by": "frontdesk"})
    return actions, plans
