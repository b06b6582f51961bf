"""HTML templates to A4 PDF. Autoescape is on for every template: whatever an owner's name or a
case holds is set as text, never as markup. Undefined names raise, so a template never prints an
empty gap where a figure belongs."""
from __future__ import annotations

import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from core.collections.money import yuan
from core.documents.capitals import amount_in_capitals
from core.i18n import translate

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHUNK = 50        # notices per layout pass: the progress bar moves, memory stays flat
MAX_WORKERS = 2   # processes laying out chunks at once (the machines have two cores)

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"], default=True),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_env.filters["yuan"] = yuan
_env.filters["capitals"] = amount_in_capitals
_env.filters["paragraphs"] = lambda text: [p.strip() for p in str(text or "").splitlines() if p.strip()]


def _html(template: str, lang: str, **context) -> str:
    def t(key: str, **params) -> str:
        return translate(key, lang, **params)
    return _env.get_template(template).render(t=t, lang=lang, **context)


def html(template: str, lang: str = "zh", **context) -> str:
    """The HTML a PDF is set from (tests and previews read it)."""
    return _html(template, lang, **context)


def _weasy(markup: str):
    # Imported here: the pango libraries load only when a document is made, not with every page.
    from weasyprint import HTML
    return HTML(string=markup, base_url=str(TEMPLATES)).render()


def pdf(template: str, lang: str = "zh", **context) -> bytes:
    return _weasy(_html(template, lang, **context)).write_pdf()


def _chunk_pdf(args) -> bytes:
    template, lang, items, context = args
    return _weasy(_html(template, lang, items=items, **context)).write_pdf()


def _workers() -> int:
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def pdf_of_many(template: str, items: list, lang: str = "zh", progress: Callable[[int, int], None] | None = None,
                chunk: int = CHUNK, **context) -> bytes:
    """One PDF of many documents (a notice per unit): laid out `chunk` at a time on every core
    (layout is pure Python, so processes, not threads), `progress(done, total)` after each chunk
    in order, the chunks' pages joined into one file at the end."""
    total = len(items)
    jobs = [(template, lang, items[start:start + chunk], context) for start in range(0, max(total, 1), chunk)]
    if len(jobs) == 1 or _workers() == 1:
        parts = []
        for i, job in enumerate(jobs):
            parts.append(_chunk_pdf(job))
            if progress is not None:
                progress(min((i + 1) * chunk, total), total)
    else:
        # fork: the workers inherit the loaded templates and fonts; they touch no store.
        with ProcessPoolExecutor(_workers(), mp_context=multiprocessing.get_context("fork")) as pool:
            parts = []
            for i, part in enumerate(pool.map(_chunk_pdf, jobs)):
                parts.append(part)
                if progress is not None:
                    progress(min((i + 1) * chunk, total), total)
    return _join(parts)


def _join(parts: list[bytes]) -> bytes:
    if len(parts) == 1:
        return parts[0]
    from pypdf import PdfWriter
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def markup(svg: str) -> Markup:
    """Our own generated SVG (a QR code), set as markup; never used for text from a person."""
    return Markup(svg)


def join(parts: Iterable[str]) -> str:
    return "、".join(p for p in parts if p)
