"""Storage of the search index (0022): one row per record and term, with the term's weight in that
record (field weight × occurrences), and per kind how far the catch-up has indexed."""
from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class SearchTermRow(Base):
    __tablename__ = "search_terms"
    # Lookup: a query's terms of one kind in the actor's projects, read from the index alone.
    __table_args__ = (Index("ix_search_terms_lookup", "kind", "term", "project_id", "ref_id", "weight"),
                      # Re-indexing one record (ref_id first: a lookup by kind alone must not pick it).
                      Index("ix_search_terms_ref", "ref_id", "kind"))
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))        # "complaint" | "case"
    ref_id: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[int | None] = mapped_column(Integer)
    term: Mapped[str] = mapped_column(String(32))
    weight: Mapped[int] = mapped_column(Integer)


class SearchStateRow(Base):
    """Records of a kind with an id up to `indexed_upto` are in the index (rows written by bulk
    loaders, which bypass the write hooks, are caught up from there)."""
    __tablename__ = "search_state"
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    indexed_upto: Mapped[int] = mapped_column(Integer, default=0)
