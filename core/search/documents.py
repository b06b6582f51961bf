"""What is searched in each kind of record, and how much each field counts."""
from __future__ import annotations

from core.search.rank import Field
from core.search.segment import index_terms

COMPLAINT_FIELDS = (("subject", 4, True), ("place", 2, False), ("content", 1, False))
CASE_FIELDS = (("title", 10, True), ("title_en", 6, True), ("lesson", 2, False), ("story", 1, False),
               ("outcome", 1, False), ("summary_en", 1, False))


def fields(spec, record) -> list[Field]:
    """The record's searchable fields (a mapping or an object with those attributes)."""
    get = record.get if isinstance(record, dict) else (lambda n, d=None: getattr(record, n, d))
    return [Field(name, str(get(name, "") or ""), weight, title) for name, weight, title in spec]


def term_weights(fs: list[Field]) -> dict[str, int]:
    """term -> weight of a record in the index: field weight × occurrences (at most 3 counted)."""
    out: dict[str, int] = {}
    for f in fs:
        for term, n in index_terms(f.text).items():
            out[term] = out.get(term, 0) + f.weight * min(n, 3)
    return out
