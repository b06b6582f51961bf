"""A printable training handout as one self-contained HTML page. Every piece of text is escaped:
whatever a case holds is printed as text, never run."""
from __future__ import annotations

from html import escape

_STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2cm; line-height: 1.7; }
h1 { font-size: 22pt; } h2 { font-size: 16pt; margin-top: 1.5em; border-bottom: 1px solid #999; }
.case { page-break-inside: avoid; } .meta { color: #555; font-size: 10pt; }
@media print { .case { page-break-after: always; } }
"""


def render_handout(title: str, held_on: str, trainer: str, cases: list[dict], labels: dict[str, str]) -> str:
    """labels: 'questions', 'lesson', 'outcome' in the reader's language."""
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
             f"<style>{_STYLE}</style></head><body>",
             f"<h1>{escape(title)}</h1><p class='meta'>{escape(held_on)} · {escape(trainer)}</p>"]
    for i, c in enumerate(cases, start=1):
        parts.append(f"<div class='case'><h2>{i}. {escape(c['title'])}</h2>")
        parts += [f"<p>{escape(p)}</p>" for p in c["story"].splitlines() if p.strip()]
        if c.get("outcome"):
            parts.append(f"<h3>{escape(labels['outcome'])}</h3><p>{escape(c['outcome'])}</p>")
        if c.get("lesson"):
            parts.append(f"<h3>{escape(labels['lesson'])}</h3><p>{escape(c['lesson'])}</p>")
        if c.get("questions"):
            parts.append(f"<h3>{escape(labels['questions'])}</h3><ol>")
            parts += [f"<li>{escape(q)}</li>" for q in c["questions"]]
            parts.append("</ol>")
        parts.append("</div>")
    parts.append("</body></html>")
    return "\n".join(parts)
