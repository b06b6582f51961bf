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


VERSIONS = ("trainee", "trainer")


def handout_cases(cases: list[dict], version: str = "trainee") -> list[dict]:
    """What each version prints of a case. Trainees get the story and the questions only: the
    outcome and the lesson are the answers they are meant to find in the discussion. Trainers get
    everything, with the method steps the case teaches."""
    if version not in VERSIONS:
        raise ValueError(version)
    full = version == "trainer"
    return [{"title": c.get("title", ""), "story": c.get("story", ""), "questions": list(c.get("questions") or []),
             "outcome": c.get("outcome", "") if full else "", "lesson": c.get("lesson", "") if full else "",
             "method_steps": list(_steps(c.get("method_steps"))) if full else []} for c in cases]


def _steps(stored) -> tuple[str, ...]:
    if isinstance(stored, str):   # ',a,b,' as the library stores tags
        return tuple(v for v in stored.split(",") if v)
    return tuple(stored or ())


def render_handout(title: str, held_on: str, trainer: str, cases: list[dict], labels: dict[str, str],
                   version: str = "trainer") -> str:
    """labels: 'questions', 'lesson', 'outcome' in the reader's language. The training page prints
    the PDF versions (documents/); this HTML stays for a quick look, the trainer's by default."""
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
             f"<style>{_STYLE}</style></head><body>",
             f"<h1>{escape(title)}</h1><p class='meta'>{escape(held_on)} · {escape(trainer)}</p>"]
    for i, c in enumerate(handout_cases(cases, version), start=1):
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
