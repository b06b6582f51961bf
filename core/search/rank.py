"""How hits rank and what their snippet shows.

A hit is ranked, in this order, by: how many of the query's words it contains (all over some), how
many of them are in its title (title over body), whether they stand together (the query as one
phrase over words close by over words scattered), then how often they occur, weighted by field.
Words are matched with their variants (噪音 also finds 噪声), case-insensitively, in the text as
stored (no normalisation, so a snippet's positions are the text's own)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

NEAR = 12               # characters between two query words that still count as "together"
SNIPPET = 72            # characters of a snippet, about two lines on a card
PHRASE, CLOSE, SCATTERED = 2, 1, 0


@dataclass(frozen=True)
class Field:
    name: str
    text: str
    weight: int = 1
    title: bool = False


@dataclass(frozen=True)
class Rank:
    matched: int          # query words found anywhere
    in_title: int         # query words found in a title field
    together: int         # PHRASE, CLOSE or SCATTERED (best field)
    weight: int           # occurrences × field weight

    @property
    def key(self) -> tuple[int, int, int, int]:
        return (self.matched, self.in_title, self.together, self.weight)


@lru_cache(maxsize=8192)   # ranking, "together" and the snippet ask for the same spans again
def _positions(text: str, variants: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """(start, end) of every occurrence of any variant, left to right, overlaps removed."""
    low = text.lower()
    spans = []
    for v in variants:
        if not v:
            continue
        start = low.find(v)
        while start >= 0:
            spans.append((start, start + len(v)))
            start = low.find(v, start + len(v))
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[tuple[int, int]] = []
    for s in spans:
        if out and s[0] < out[-1][1]:
            continue
        out.append(s)
    return tuple(out)


def _together(text: str, groups: list[tuple[str, ...]]) -> int:
    if len(groups) < 2:
        return SCATTERED
    spans = [_positions(text, g) for g in groups]
    if not all(spans):
        return SCATTERED
    # The words in query order, each right after the previous (or across a space): a phrase.
    low = text.lower()
    for start, end in spans[0]:
        pos, ok = end, True
        for g in spans[1:]:
            nxt = next((s for s in g if pos <= s[0] <= pos + 1 and low[pos:s[0]].strip() == ""), None)
            if nxt is None:
                ok = False
                break
            pos = nxt[1]
        if ok:
            return PHRASE
    # Every word within a window of NEAR characters of the first word: close by.
    for start, _end in spans[0]:
        if all(any(abs(s[0] - start) <= NEAR + len(groups[0][0]) for s in g) for g in spans[1:]):
            return CLOSE
    return SCATTERED


def rank(fields: list[Field], groups: list[tuple[str, ...]]) -> Rank:
    matched = in_title = weight = 0
    for g in groups:
        found = False
        for f in fields:
            n = len(_positions(f.text, g))
            if n:
                found = True
                weight += f.weight * min(n, 3)
        if found:
            matched += 1
        if any(f.title and _positions(f.text, g) for f in fields):
            in_title += 1
    together = max((_together(f.text, groups) for f in fields if f.text), default=SCATTERED)
    return Rank(matched, in_title, together, weight)


def _window(text: str, groups: list[tuple[str, ...]], width: int) -> tuple[int, int, int]:
    """(start, end, distinct words inside) of the best window: most distinct words, then earliest."""
    hits = sorted((s[0], i) for i, g in enumerate(groups) for s in _positions(text, g))
    best = (0, min(len(text), width), 0)
    for start, _ in hits:
        inside = {i for p, i in hits if start <= p < start + width - 4}
        if len(inside) > best[2]:
            best = (start, min(len(text), start + width), len(inside))
    return best


def snippet(text: str, groups: list[tuple[str, ...]], width: int = SNIPPET) -> list[tuple[str, bool]]:
    """The part of `text` around its best match, as (piece, is_match) parts in order; "…" marks
    text left out. Matched words are whole parts, so a page can show them bold."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return []
    start, end, _ = _window(text, groups, width)
    if start and end - start < width:       # near the end: show more of what comes before
        start = max(0, end - width)
    if start:
        start = max(0, start - 12)          # a few characters of lead-in before the first word
        end = min(len(text), start + width)
    piece = text[start:end]
    marks = sorted({s for g in groups for s in _positions(piece, g)})
    parts: list[tuple[str, bool]] = [("…", False)] if start else []
    pos = 0
    for s, e in marks:
        if s < pos:
            continue
        if s > pos:
            parts.append((piece[pos:s], False))
        parts.append((piece[s:e], True))
        pos = e
    if pos < len(piece):
        parts.append((piece[pos:], False))
    if end < len(text):
        parts.append(("…", False))
    return parts


def best_field(fields: list[Field], groups: list[tuple[str, ...]]) -> Field | None:
    """The body field a snippet is taken from: the one with most distinct words, then the first."""
    body = [f for f in fields if not f.title and f.text] or [f for f in fields if f.text]
    if not body:
        return None
    return max(body, key=lambda f: (sum(1 for g in groups if _positions(f.text, g)), -body.index(f)))


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'@%])")


def escape_markdown(text: str) -> str:
    """User text shown as typed inside markdown: every markdown (and HTML) special character is
    escaped with a backslash, newlines become spaces."""
    return _MARKDOWN.sub(r"\\\1", text.replace("\n", " "))


def highlighted_markdown(parts: list[tuple[str, bool]]) -> str:
    """A snippet as markdown: the user's text escaped, its matched words in bold."""
    return "".join(f"**{escape_markdown(p)}**" if hit else escape_markdown(p) for p, hit in parts if p)
