"""A throwaway PostgreSQL server for tests, without Docker (recipe in STACK-NOTES.md).

Usage:
    with PgServer() as server:      # or server = PgServer(); server.start(); ...; server.stop()
        url = server.url            # postgresql+psycopg://ci@127.0.0.1:PORT/app
        other = server.create_database("t_1")

initdb refuses to run as root, so as root every server command runs through
`runuser -u postgres --` on a temporary directory owned by postgres.
"""
from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "ci"
DATABASE = "app"


class PostgresUnavailable(RuntimeError):
    """The server binaries are missing or the server would not start."""


def find_bin_dir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl."""
    candidates = []
    for path in glob.glob("/usr/lib/postgresql/*/bin"):
        version = Path(path).parent.name
        if (Path(path) / "initdb").exists() and (Path(path) / "pg_ctl").exists():
            try:
                candidates.append((float(version), Path(path)))
            except ValueError:
                candidates.append((0.0, Path(path)))
    if not candidates:
        raise PostgresUnavailable(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. "
            "Install them with `make setup-test` (or `apt-get install -y postgresql`); "
            "the PostgreSQL tests must run, they are not optional.")
    return max(candidates)[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, bin_dir: Path | None = None):
        self.bin_dir = bin_dir or find_bin_dir()
        self.dir: Path | None = None
        self.port: int | None = None
        self._running = False

    # --- helpers -------------------------------------------------------------------------
    def _as_server_user(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args

    def _run(self, args: list[str], server_user: bool = True, timeout: float = 60) -> None:
        cmd = self._as_server_user(args) if server_user else args
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              cwd=self.dir or None)
        if proc.returncode != 0:
            log = ""
            if self.dir is not None and (self.dir / "log").exists():
                log = (self.dir / "log").read_text(errors="replace")[-3000:]
            raise PostgresUnavailable(f"{' '.join(args)} failed ({proc.returncode}):\n"
                                      f"{proc.stdout}\n{proc.stderr}\n{log}")

    @property
    def url(self) -> str:
        return self.url_for(DATABASE)

    def url_for(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    # --- life cycle ----------------------------------------------------------------------
    def start(self, attempts: int = 3) -> str:
        self.dir = Path(tempfile.mkdtemp(prefix="pgtest-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        self._run([str(self.bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        last: Exception | None = None
        for _ in range(attempts):  # a free port can be taken between the probe and the start
            self.port = free_port()
            opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
                    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            try:
                self._run([str(self.bin_dir / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"),
                           "-w", "-t", "30", "-o", opts, "start"])
                break
            except PostgresUnavailable as e:
                last = e
        else:
            self._cleanup()
            raise PostgresUnavailable(f"PostgreSQL would not start: {last}")
        self._running = True
        atexit.register(self.stop)
        self._run([str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                   "-U", USER, DATABASE], server_user=False)
        return self.url

    def create_database(self, name: str) -> str:
        """A new empty database on this server; returns its URL."""
        import psycopg

        assert self._running, "start() the server first"
        assert name.replace("_", "").isalnum(), name
        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname=DATABASE,
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop a test database, ending any connection a test left open. Dropping as we go keeps
        the server small, so that the final shutdown has little to write."""
        import psycopg

        assert name.replace("_", "").isalnum(), name
        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname=DATABASE,
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self._running:
            self._running = False
            try:
                self._run([str(self.bin_dir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast",
                           "-w", "stop"])
            except (PostgresUnavailable, subprocess.TimeoutExpired):
                pass
        self._cleanup()

    def _cleanup(self) -> None:
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self) -> "PgServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
