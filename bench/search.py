"""Search timings: p50/p95 of typical queries over the case library at 10,000 cases and over the
complaints at the demo size (360) and the bench size (300,000), on a throwaway store.

    .venv/bin/python -m bench.search                       # SQLite in a temp folder
    .venv/bin/python -m bench.search --complaints 360      # the demo size only
    .venv/bin/python -m bench.search --url postgresql+psycopg://ci@127.0.0.1:5432/bench

Cases and complaints are bulk-inserted with SQLAlchemy Core (as bench/complaint_data.py does), so
the search index is built by the catch-up (db/search_index.py), whose time is printed too. Each
query is timed through the service the page calls (services.cases.search, services.search
.complaints), after one warm-up call. Prints numbers, asserts nothing."""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, insert, select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.cases.content import SEED_CASES
from core.search import segment
from db.case_models import CaseRow
from db.engine import make_engine
from db.migrate import upgrade
from db.models import ComplaintRow, Project
from db.search_index import catch_up
from db.search_models import SearchStateRow, SearchTermRow
from demo.complaints import STORIES
from services import cases, search

CASE_QUERIES = ["装修噪音", "停电 前台", "发票", "噪声", "收费 催缴", "电梯困人", "回访 不满意"]
COMPLAINT_QUERIES = ["装修噪音", "停电", "漏水", "电梯困人", "垃圾 异味", "物业费 太贵"]
EXTRA = ["周末早上七点就开始装修，电钻噪音很大", "电梯困人二十分钟没人来", "楼道垃圾两天没人清运，异味很重",
         "卫生间天花板渗水", "物业费太贵，服务却没有变好", "小区门口的车辆乱停", "夜里施工噪声扰民"]


def _pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p * (len(s) - 1))))]


def _time(fn, repeat: int) -> tuple[float, float]:
    fn()                                        # warm: the first call of a process loads jieba
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), _pct(samples, 0.95)


def _sentences(rng: random.Random) -> list[str]:
    out = [s for c in SEED_CASES for s in c["story"].replace("！", "。").split("。") if len(s) > 6]
    return out + EXTRA + [st[1] for st in STORIES]


def make_cases(engine, n: int, rng: random.Random) -> None:
    sentences = _sentences(rng)
    now = datetime.now(timezone.utc)
    rows = [{"title": f"案例{i}：" + rng.choice(sentences)[:40], "title_en": "", "summary_en": "",
             "story": "。".join(rng.sample(sentences, 6)) + "。", "outcome": rng.choice(sentences),
             "lesson": rng.choice(sentences), "questions": [], "kind": rng.choice(["praise", "complaint", "exercise"]),
             "topics": ",complaints,", "method_steps": ",callback,", "source": "bench", "status": "published",
             "created_by": "bench", "created_at": now, "version": 1} for i in range(n)]
    with engine.begin() as conn:
        for i in range(0, n, 2000):
            conn.execute(insert(CaseRow.__table__), rows[i:i + 2000])


def make_complaints(engine, n: int, rng: random.Random, projects: list[int]) -> None:
    now = datetime.now(timezone.utc)
    texts = [s[1] for s in STORIES] + EXTRA
    with engine.begin() as conn:
        for start in range(0, n, 5000):
            rows = []
            for i in range(start, min(n, start + 5000)):
                at = now - timedelta(minutes=i)
                rows.append({"number": f"BS-{i:07d}", "received_at": at, "channel": "phone", "complainant": "业主",
                             "phone": "13800000000", "project_id": rng.choice(projects), "place": "",
                             "subject": "", "content": rng.choice(texts) + rng.choice(["", "已经第二次反映。", "请尽快处理。"]),
                             "wants": [], "category": "repairs", "receiver": "bench", "stage": "closed",
                             "options": [], "red_lines": [], "version": 1})
            conn.execute(insert(ComplaintRow.__table__), rows)


def _reset_complaints(engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(SearchTermRow.__table__).where(SearchTermRow.kind == "complaint"))
        conn.execute(delete(SearchStateRow.__table__).where(SearchStateRow.kind == "complaint"))
        conn.execute(delete(ComplaintRow.__table__))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url")
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--complaints", type=int, action="append", help="repeatable; default 360 and 300000")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args(argv)
    url = args.url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-search-')}/search.db"
    rng = random.Random(14)

    t = time.perf_counter()
    segment._jieba()
    print(f"jieba dictionary load: {(time.perf_counter() - t) * 1000:.0f} ms (cache in the temp folder)")
    upgrade(url)
    engine = make_engine(url)
    make_cases(engine, args.cases, rng)
    t = time.perf_counter()
    catch_up(engine, "case", None)
    print(f"\n{args.cases:,} cases: index built in {time.perf_counter() - t:.1f} s")
    trainer = Actor("trainer", Role.TRAINER)
    print(f"{'query':<14}{'hits':>6}{'p50 ms':>10}{'p95 ms':>10}")
    for q in CASE_QUERIES:
        hits = len(cases.search(engine, trainer, q, limit=50))
        p50, p95 = _time(lambda q=q: cases.search(engine, trainer, q, limit=50), args.repeat)
        print(f"{q:<14}{hits:>6}{p50:>10.1f}{p95:>10.1f}")

    with engine.begin() as conn:
        projects = [conn.execute(insert(Project.__table__).values(code=f"B{i:02d}", name=f"项目{i}", city="深圳"))
                    .inserted_primary_key[0] for i in range(10)]
    desk = Actor("desk", Role.FRONTDESK)
    scoped = Actor("scoped", Role.FRONTDESK, (projects[0],))
    for n in args.complaints or [360, 300_000]:
        _reset_complaints(engine)
        make_complaints(engine, n, rng, projects)
        t = time.perf_counter()
        catch_up(engine, "complaint", None)
        with engine.connect() as conn:
            terms = conn.scalar(select(func.count()).select_from(SearchTermRow.__table__))
        print(f"\n{n:,} complaints: index built in {time.perf_counter() - t:.1f} s ({terms:,} index rows)")
        print(f"{'query':<14}{'scope':<10}{'hits':>6}{'p50 ms':>10}{'p95 ms':>10}")
        for q in COMPLAINT_QUERIES:
            for name, actor in (("all", desk), ("1 proj", scoped)):
                hits = len(search.complaints(engine, actor, q))
                p50, p95 = _time(lambda q=q, a=actor: search.complaints(engine, a, q), args.repeat)
                print(f"{q:<14}{name:<10}{hits:>6}{p50:>10.1f}{p95:>10.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
