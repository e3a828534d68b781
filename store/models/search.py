"""The generic full-text index shared by every feature (projects, ideas…): doc_type + doc_id.

Each row keeps the original text (for snippets) and its analysed form (stemmed, accent-folded
terms), which each process indexes in its own in-memory tantivy index (`store.search.engine`).
The vocabulary table holds the words of titles, keywords and summaries for typo tolerance.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base


class SearchDocument(Base):
    __tablename__ = "search_documents"
    # doc_id first: an index led by doc_type would tempt PostgreSQL's planner into scanning
    # every row of a type and testing its tsvector instead of using the GIN index.
    __table_args__ = (UniqueConstraint("doc_id", "doc_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(40))
    doc_id: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    keywords: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    title_terms: Mapped[str] = mapped_column(Text)
    keywords_terms: Mapped[str] = mapped_column(Text)
    body_terms: Mapped[str] = mapped_column(Text)
    body_passages: Mapped[str] = mapped_column(Text, server_default="")
    """How many of `body_terms` each passage of the body holds (« 12 30 7 »): a snippet is
    chosen among passages without analysing the body again."""

    def __repr__(self) -> str:
        return f"SearchDocument({self.doc_type}:{self.doc_id})"


class SearchWord(Base):
    """A folded word seen in titles or keywords (names, places) and its term, for typo matching."""

    __tablename__ = "search_words"

    doc_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    word: Mapped[str] = mapped_column(String(64), primary_key=True)
    term: Mapped[str] = mapped_column(String(64))
    df: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"SearchWord({self.doc_type}:{self.word})"


class SearchStat(Base):
    """Per doc_type totals: document count and token counts per field (average lengths), and
    a random `generation` drawn anew by every write, which in-memory indexes compare with theirs."""

    __tablename__ = "search_stats"

    doc_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    documents: Mapped[int] = mapped_column(BigInteger, default=0)
    title_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    keywords_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    body_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    generation: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    def __repr__(self) -> str:
        return f"SearchStat({self.doc_type}, {self.documents} documents)"
