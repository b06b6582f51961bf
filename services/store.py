"""Where the store is: the one engine per database URL that the use cases run on."""
from __future__ import annotations

from db.engine import database_url, make_engine
from db.migrate import upgrade


def open_store(url: str | None = None):
    """Migrate the store to the newest schema and return its engine (once per process: the
    caller caches it)."""
    url = url or database_url()
    upgrade(url)
    return make_engine(url)


def store_url() -> str:
    return database_url()
