"""Shared fixtures: throwaway PostgreSQL server, fresh SQLite files, migrated stores, demo data.

Store fixtures are parametrized over ["sqlite", "postgresql"]: every integration test runs on both.
PostgreSQL tests are not optional: without the server binaries the fixture FAILS (make test
installs them)."""
from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

from dataclasses import dataclass

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
for path in (str(ROOT), str(TESTS)):
    if path not in sys.path:
        sys.path.insert(0, path)

from pg_server import PgServer, PostgresUnavailable  # noqa: E402
from store_helpers import add_project, row  # noqa: E402

DB_KINDS = ["sqlite", "postgresql"]
BROWSER_RERUNS = 2
FIGURE_MARK = "trust figure: "       # trust_helpers.report() prints each figure with this mark
_FIGURES: list[str] = []


@pytest.hookimpl(tryfirst=True)   # before xdist's worker reads the groups into the node ids
def pytest_collection_modifyitems(config, items):
    """For `pytest -n N --dist loadgroup` (make test): each file runs whole on one worker, so its
    module fixtures are built once; the browser files all on one worker, in order, sharing one
    app server and one Chromium (and the first of them gets that server fresh)."""
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        in_browser = path.startswith("tests/browser/")
        item.add_marker(pytest.mark.xdist_group("browser" if in_browser else path))
        if in_browser:
            # A real Chromium against a real server on a 2-core machine that runs the other worker's
            # tests too: a step can miss its 30 s wait once. Tried again up to twice; a page that is
            # really broken fails every time, and each rerun is listed in the summary (R).
            item.add_marker(pytest.mark.flaky(reruns=BROWSER_RERUNS, reruns_delay=2))


def pytest_runtest_logreport(report):
    """Gathers the trust figures from the captured output of each test (also of xdist workers,
    whose reports come back to this process with their captured output)."""
    for name, content in report.sections:
        if name == f"Captured stdout {report.when}":   # a later phase's report repeats the earlier ones
            _FIGURES.extend(line[len(FIGURE_MARK):] for line in content.splitlines() if line.startswith(FIGURE_MARK))


def pytest_terminal_summary(terminalreporter):
    if not _FIGURES:
        return
    tried = [line for line in _FIGURES if line.startswith("bad input: ")]
    lines = [line for line in _FIGURES if line not in tried]
    if tried:   # one line per worker: added up
        total = sum(int(line.split()[2]) for line in tried)
        lines.append("bad input: " + str(total) + " " + tried[0].split(" ", 3)[3])
    terminalreporter.section("trust figures")
    for line in lines:
        terminalreporter.write_line(line)
_db_counter = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server():
    try:
        server = PgServer()
        server.start()
    except PostgresUnavailable as e:
        pytest.fail(str(e), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server) -> str:
    """URL of the `app` database on the session's throwaway PostgreSQL server."""
    return pg_server.url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'app.db'}"


@pytest.fixture(params=DB_KINDS)
def db_kind(request) -> str:
    return request.param


@pytest.fixture
def empty_db_url(db_kind, request, tmp_path):
    """A fresh database with no tables at all (on PostgreSQL a new database per test)."""
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = f"t_{os.getpid()}_{next(_db_counter)}"
    yield server.create_database(name)
    server.drop_database(name)


@pytest.fixture
def db_url(empty_db_url) -> str:
    """A fresh database migrated to the newest schema, with no rows."""
    from db.migrate import upgrade

    upgrade(empty_db_url)
    return empty_db_url


@pytest.fixture
def engine(db_url):
    from db.engine import make_engine

    eng = make_engine(db_url)
    yield eng
    eng.dispose()


DEMO_SIZE_KW = dict(projects=3, units_per_project=40, batch=False)


@pytest.fixture
def demo_engine(engine):
    """A small demo company (3 projects x 40 units) with the demo accounts (five roles, a fee
    collector per project), fast hashes."""
    from demo.company import CompanySize, seed_demo

    assert seed_demo(engine, CompanySize(**DEMO_SIZE_KW), hash_rounds=4) is True
    return engine


@dataclass
class OrgData:
    engine: object
    shenzhen: int
    guangzhou: int


@pytest.fixture
def org_data(engine) -> OrgData:
    """Two projects; the same room number 3-1906 exists in both."""
    from core.auth.actor import Actor
    from core.auth.roles import Role
    from core.org.model import UnitStatus
    from services import org

    admin = Actor("admin", Role.ADMIN)
    sz = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    gz = add_project(engine, "P002", "广州·星河苑", "广州", buildings=("3",))
    org.import_units(engine, admin, sz, [
        row("3-1906", "王伟", "13812345678", UnitStatus.SOLD, "89.50"),
        row("3-1907", "李娜", "13912345678", UnitStatus.OCCUPIED, "98.00", "行动不便，需轮椅通道"),
        row("3-106", None, None, UnitStatus.UNSOLD, "128.25"),
        row("5-101", "张伟", "0755-12345678", UnitStatus.HANDED_OVER, "143.00"),
        row("5-2201", "王芳", "13700001111", UnitStatus.OCCUPIED, "68.10"),
    ])
    org.import_units(engine, admin, gz, [
        row("3-1906", "赵敏", "13600002222", UnitStatus.OCCUPIED, "118.00"),
        row("3-1901", "孙丽", "13500003333", UnitStatus.OCCUPIED, "118.00"),
    ])
    return OrgData(engine, sz, gz)
