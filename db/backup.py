"""Back up and restore the SQLite store while the app runs (SQLite's online backup API).
`python -m db.backup backup data/backup.db` · `python -m db.backup restore data/backup.db`
For PostgreSQL use pg_dump / pg_restore (see README)."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from db.engine import database_url


def _sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise SystemExit("db.backup handles the SQLite store; for PostgreSQL use pg_dump (README).")
    return Path(url.split("///", 1)[1])


def backup(target: Path, url: str | None = None) -> None:
    """A consistent copy even while others write: pages are copied under a read transaction."""
    source = sqlite3.connect(_sqlite_path(url or database_url()))
    target.parent.mkdir(parents=True, exist_ok=True)
    dest = sqlite3.connect(target)
    with dest:
        source.backup(dest)
    dest.close()
    source.close()


def restore(source_file: Path, url: str | None = None) -> None:
    """Replace the store's content with the backup's, in one step for readers of the store."""
    if not source_file.exists():
        raise SystemExit(f"no backup at {source_file}")
    source = sqlite3.connect(source_file)
    dest = sqlite3.connect(_sqlite_path(url or database_url()))
    with dest:
        source.backup(dest)
    dest.close()
    source.close()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("backup", "restore"):
        raise SystemExit("usage: python -m db.backup backup|restore FILE")
    (backup if sys.argv[1] == "backup" else restore)(Path(sys.argv[2]))
    print(f"{sys.argv[1]} done: {sys.argv[2]}")
