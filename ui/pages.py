"""Which page scripts exist: modules not built yet are simply absent from the menu."""
from __future__ import annotations

from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"
HIDDEN = frozenset({"complaint"})  # opened from other pages, not from the menu (the guard still applies)


def built_pages() -> list[str]:
    return sorted(p.stem for p in PAGES_DIR.glob("*.py"))
