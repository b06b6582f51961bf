"""Time every page's server-side run and the store functions under it, on a large company.

    python -m bench.run [--scale 1.0] [--repeat 5] [--url URL] [--only units] [--json PATH]

1. bench.generate makes (or reuses) the bench store at the scale asked.
2. Each PageCase (bench/cases.py; plus every pages/*.py without one) runs under Streamlit's AppTest
   with the role's signed-in session seeded, in one AppTest session per case:
     first    -- a new session's timed action, st.cache_data emptied just before; includes
                 AppTest's session start (printed apart) and whatever this process runs first;
     no-cache -- `repeat` reruns of the timed action, st.cache_data emptied before each
                 (what every cache expiry costs);
     warm     -- one untimed rerun, then `repeat` reruns with the caches kept (a user's next click).
   Times are the wall time of the timed action (at.run(), or a widget input and the rerun it
   causes), i.e. the script's server-side work; the browser's rendering is not in them.
3. Each QueryCase is called directly: first call, one warm-up, then `repeat` calls.
Prints one table per page, the query tables and a summary; writes JSON to bench/results/latest.json."""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

from bench import generate
from db.engine import ROOT

SLOW_MS = 1000.0
RESULTS = ROOT / "bench" / "results" / "latest.json"


def _stats(samples_s: list[float]) -> dict:
    ms = [s * 1000 for s in samples_s]
    return {"min": round(min(ms), 1), "median": round(statistics.median(ms), 1), "max": round(max(ms), 1),
            "runs": [round(x, 1) for x in ms]}


def _table(title: str, header: list[str], rows: list[list], right_from: int = 1) -> str:
    """Plain aligned text; columns from `right_from` on are right-aligned (numbers)."""
    cells = [[str(c) for c in header]] + [["—" if c is None else str(c) for c in row] for row in rows]
    width = [max(_display_len(r[i]) for r in cells) for i in range(len(header))]

    def line(row):
        out = []
        for i, c in enumerate(row):
            pad = " " * (width[i] - _display_len(c))
            out.append(pad + c if i >= right_from else c + pad)
        return "  ".join(out).rstrip()
    rule = "-" * _display_len(line(cells[0]))
    return "\n".join([title, rule, line(cells[0]), rule, *(line(r) for r in cells[1:]), rule])


def _display_len(text: str) -> int:
    """Chinese characters take two columns in a terminal."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _ms(value) -> str | None:
    return None if value is None else f"{value:,.1f}"


def _signed_in(engine, role: str):
    from services import users
    from ui.session import CurrentUser
    account = users.get_account(engine, role)
    if account is None:
        raise LookupError(f"no demo account {role!r} in the bench store")
    user = CurrentUser(account.username, account.display_name, account.role.value,
                       None if account.all_projects else tuple(sorted(account.project_ids)))
    return user, account.language


def _login_session(engine, role: str) -> dict:
    """The server-side session the login gate checks on every run (issue 15's sessions): without it
    app.py's gate ends the seeded sign-in and every case would time the login form instead of its
    page. Signs in with the demo password, as a browser would; the keys are what ui.auth adopts."""
    from demo.company import DEMO_PASSWORD
    from services import sessions
    from ui.auth import SESSION_KEY, VERSION_KEY
    signed = sessions.sign_in(engine, role, DEMO_PASSWORD, "127.0.0.1", "bench")
    return {SESSION_KEY: signed.session_id, VERSION_KEY: signed.account.version}


def _page_problem(at) -> str | None:
    if len(at.exception):
        return "exception: " + at.exception[0].message.splitlines()[0][:200]
    if len(at.error):
        return "error shown: " + str(at.error[0].value)[:200]
    return None


def time_page(case, ctx, repeat: int) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    result = {"page": case.page, "case": case.name, "role": case.role,
              "script": "app.py" if case.via_app else case.script}
    try:  # a lookup in the store that finds nothing fails this case only
        user, lang = _signed_in(ctx.engine, case.role)
        seeded = {"current_user": user, "lang": lang, **_login_session(ctx.engine, case.role), **case.session,
                  **(case.session_from(ctx) if case.session_from else {})}
        query = case.query_from(ctx) if case.query_from else {}
    except Exception as e:
        return {**result, "error": f"{type(e).__name__}: {e}"}

    cpu: dict[str, list[float]] = {"nocache": [], "warm": []}

    def timed(at, mode: str | None = None) -> float:
        started, cpu_started = time.perf_counter(), time.process_time()
        if case.action:
            case.action(at)
        else:
            at.run()
        took = time.perf_counter() - started
        if mode:
            cpu[mode].append(time.process_time() - cpu_started)
        if problem := _page_problem(at):
            raise RuntimeError(problem)
        return took

    def new_session():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for key, value in seeded.items():
            at.session_state[key] = value
        at.query_params.update(query)  # as if the URL carried ?key=value
        if not case.via_app:
            at.switch_page(case.script)
        if case.prepare:
            case.prepare(at)
            if problem := _page_problem(at):
                raise RuntimeError(f"in prepare: {problem}")
        return at

    try:
        st.cache_data.clear()
        at = new_session()
        result["first_ms"] = round(timed(at) * 1000, 1)
        nocache = []
        for _ in range(repeat):
            st.cache_data.clear()
            nocache.append(timed(at, "nocache"))
        result["nocache"] = _stats(nocache)
        timed(at)
        result["warm"] = _stats([timed(at, "warm") for _ in range(repeat)])
        result["nocache_cpu"], result["warm_cpu"] = _stats(cpu["nocache"]), _stats(cpu["warm"])
    except Exception as e:  # a broken page is reported, and the other cases still run
        result["error"] = f"{type(e).__name__}: {e}"
    return result


def time_query(case, ctx, repeat: int) -> dict:
    result = {"group": case.group, "case": case.name}
    try:
        fn = case.make(ctx)
        started = time.perf_counter()
        fn()
        result["first_ms"] = round((time.perf_counter() - started) * 1000, 1)
        fn()
        samples, cpu = [], []
        for _ in range(repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            fn()
            samples.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        result["warm"], result["warm_cpu"] = _stats(samples), _stats(cpu)
    except Exception as e:
        result["error"] = f"{type(e).__name__}: {e}"
    return result


def page_cases(registered, only: set[str] | None) -> list:
    """Registered cases, plus a default admin case for every page script that has none."""
    from bench.cases import PageCase
    cases = list(registered)
    covered = {c.page for c in cases}
    for script in sorted((ROOT / "pages").glob("*.py")):
        if script.stem not in covered:
            cases.append(PageCase(script.stem, "default (admin, no input)"))
    return [c for c in cases if not only or c.page in only]


def _startup(repeat: int) -> tuple[float, float]:
    """Imports and the engine (alembic check included), once per server process: timed apart so
    that every case's first run is comparable. Then AppTest's own cost: an almost empty script."""
    from streamlit.testing.v1 import AppTest
    started = time.perf_counter()
    at = AppTest.from_string("import altair, pandas\nfrom ui import auth, cache\ncache.engine()\n",
                             default_timeout=60).run()
    if len(at.exception):
        raise RuntimeError(at.exception[0].message)
    startup = time.perf_counter() - started
    fresh, rerun = [], []
    for _ in range(repeat + 1):
        at = AppTest.from_string("import streamlit as st\nst.title('bench')\n", default_timeout=60)
        started = time.perf_counter()
        at.run()
        fresh.append(time.perf_counter() - started)
        started = time.perf_counter()
        at.run()
        rerun.append(time.perf_counter() - started)
    return startup, statistics.median(fresh[1:]), statistics.median(rerun[1:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 50 projects, 100,000 units (default)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case and mode (default 5)")
    parser.add_argument("--url", default=None, help="bench store URL (default: sqlite file under bench/data/)")
    parser.add_argument("--only", action="append", help="only this page (repeatable); 'none' skips pages")
    parser.add_argument("--no-queries", action="store_true", help="skip the direct store-function timings")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.scale <= 0:
        parser.error("--repeat must be >= 1 and --scale > 0")

    url = args.url or os.environ.get("BENCH_DATABASE_URL") or generate.find_store(args.scale)
    try:
        data = generate.ensure(url, args.scale)
    except generate.StoreRefused as e:
        print(f"refused: {e}", file=sys.stderr)
        return 2

    # Before anything from ui/ is imported: the pages must read the bench store, and the cookie key
    # must not be generated into .streamlit/secrets.toml by a bench run.
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("APP_COOKIE_KEY", "bench-only-cookie-key-" + "x" * 32)
    warnings.filterwarnings("ignore")
    import streamlit
    from streamlit import config as st_config
    from streamlit import logger as st_logger

    # The project's config hides error details from users; the bench wants the real message.
    st_config.set_option("client.showErrorDetails", "full")
    st_config.set_option("logger.level", "error")
    st_logger.set_log_level("error")
    import sqlalchemy
    from sqlalchemy import select

    from bench import cases as registry
    from db.engine import make_engine
    from demo.company import BATCH_CITY
    from db.models import Project

    engine = make_engine(url)
    with engine.connect() as conn:
        batch = conn.scalar(select(Project.id).where(Project.city == BATCH_CITY).order_by(Project.id))
    ctx = registry.Ctx(url=url, engine=engine, scale=args.scale, batch_project=batch)

    out = {"meta": {"scale": args.scale, "repeat": args.repeat, "store": data["url"], "dialect": engine.dialect.name,
                    "counts": data["counts"], "generate": data, "when": time.strftime("%Y-%m-%d %H:%M:%S"),
                    "python": platform.python_version(), "streamlit": streamlit.__version__,
                    "sqlalchemy": sqlalchemy.__version__, "machine": platform.platform(),
                    "cpus": os.cpu_count(), "load_before": [round(x, 2) for x in os.getloadavg()]},
           "pages": [], "queries": []}
    only = None if not args.only else set(args.only)
    selected = [] if only == {"none"} else page_cases(registry.PAGES, only)
    if selected:
        startup, fresh, rerun = _startup(args.repeat)
        out["meta"]["startup_ms"] = round(startup * 1000, 1)
        out["meta"]["apptest_new_session_ms"] = round(fresh * 1000, 1)
        out["meta"]["apptest_rerun_ms"] = round(rerun * 1000, 1)
        print(f"\nprocess start-up (imports, engine, migration check): {startup * 1000:,.1f} ms\n"
              f"AppTest itself, one-line script: new session {fresh * 1000:,.1f} ms (in 'first'), "
              f"rerun {rerun * 1000:,.1f} ms (in the other columns)")

    header = ["case", "role", "first", "no-cache med", "warm min", "warm med", "warm max", "cpu no-cache", "cpu warm"]
    for page in dict.fromkeys(c.page for c in selected):
        rows = []
        for case in (c for c in selected if c.page == page):
            r = time_page(case, ctx, args.repeat)
            out["pages"].append(r)
            if "error" in r:
                rows.append([case.name, case.role, "FAILED", r["error"][:60], None, None, None, None, None])
            else:
                rows.append([case.name, case.role, _ms(r["first_ms"]), _ms(r["nocache"]["median"]),
                             _ms(r["warm"]["min"]), _ms(r["warm"]["median"]), _ms(r["warm"]["max"]),
                             _ms(r["nocache_cpu"]["median"]), _ms(r["warm_cpu"]["median"])])
        print("\n" + _table(f"page pages/{page}.py  (ms, AppTest server-side run, n={args.repeat})",
                            header, rows, 2))

    if not args.no_queries:
        for group in dict.fromkeys(q.group for q in registry.QUERIES):
            rows = []
            for case in (q for q in registry.QUERIES if q.group == group):
                r = time_query(case, ctx, args.repeat)
                out["queries"].append(r)
                rows.append([case.name, "FAILED", r["error"][:60], None, None, None] if "error" in r else
                            [case.name, _ms(r["first_ms"]), _ms(r["warm"]["min"]), _ms(r["warm"]["median"]),
                             _ms(r["warm"]["max"]), _ms(r["warm_cpu"]["median"])])
            print("\n" + _table(f"store functions: {group}  (ms, direct call, n={args.repeat})",
                                ["function", "first", "min", "median", "max", "cpu med"], rows))

    summary, slow = [], []
    for r in out["pages"]:
        worst = None if "error" in r else max(r["first_ms"], r["nocache"]["median"], r["warm"]["median"])
        flag = "FAILED" if worst is None else ("SLOW" if worst > SLOW_MS else "")
        summary.append([f"{r['page']}: {r['case']}", r.get("first_ms"), _ms(r.get("nocache", {}).get("median")),
                        _ms(r.get("warm", {}).get("median")), _ms(r.get("nocache_cpu", {}).get("median")),
                        _ms(r.get("warm_cpu", {}).get("median")), flag])
        if flag:
            slow.append(summary[-1][0])
    for r in out["queries"]:
        worst = None if "error" in r else max(r["first_ms"], r["warm"]["median"])
        flag = "FAILED" if worst is None else ("SLOW" if worst > SLOW_MS else "")
        summary.append([f"{r['group']}: {r['case']}", r.get("first_ms"), None,
                        _ms(r.get("warm", {}).get("median")), None, _ms(r.get("warm_cpu", {}).get("median")), flag])
    for row in summary:
        row[1] = _ms(row[1])
    counts = data["counts"]
    print("\n" + _table(f"summary  ({engine.dialect.name}, scale {args.scale:g}: {counts['projects']} projects, "
                        f"{counts['units']:,} units, {counts['owners']:,} owners, "
                        f"{counts.get('complaints', 0):,} complaints; ms; SLOW = over {SLOW_MS:,.0f} ms)",
                        ["case", "first", "no-cache med", "warm med", "cpu no-cache", "cpu warm", ""], summary))
    load = os.getloadavg()
    out["meta"]["load_after"] = [round(x, 2) for x in load]
    print(f"load average at the start {out['meta']['load_before'][0]:.2f}, at the end {load[0]:.2f} "
          f"({os.cpu_count()} cores): wall times above ~1 per core are inflated; 'cpu' is this process's "
          "CPU time (the page's and SQLite's work; not PostgreSQL's, which runs in the server)")

    out["meta"]["slow"] = slow
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nresults written to {args.json}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
