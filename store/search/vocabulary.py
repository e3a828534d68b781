"""The words of titles, keywords and summaries, and per-type totals.

They are kept up to date by indexing (counters moved by deltas, in sorted order so concurrent
writers lock rows in the same order) and read by searching: average lengths, the generation
that tells each process's index when to rebuild, and the words typos are corrected against.
Document frequencies come from the index itself (`engine`).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from store.db import dialect_insert
from store.models import SearchStat, SearchWord

MAX_LOOKUP = 500


@dataclass(frozen=True)
class Totals:
    documents: int
    title: float
    keywords: float
    body: float
    generation: int = 0


def move_words(session: Session, *, doc_type: str, deltas: Mapping[tuple[str, str], int]) -> None:
    changed = sorted((key, d) for key, d in deltas.items() if d)
    if not changed:
        return
    statement = dialect_insert(session)(SearchWord.metadata.tables["search_words"])
    statement = statement.on_conflict_do_update(
        index_elements=["doc_type", "word"], set_={"df": SearchWord.df + statement.excluded.df}
    )
    session.execute(
        statement,
        [{"doc_type": doc_type, "word": w, "term": t, "df": d} for (w, t), d in changed],
    )
    gone = [w for (w, _), d in changed if d < 0]
    if gone:
        session.execute(
            delete(SearchWord).where(
                SearchWord.doc_type == doc_type, SearchWord.word.in_(gone), SearchWord.df <= 0
            )
        )


def move_totals(
    session: Session, *, doc_type: str, documents: int, title: int, keywords: int, body: int
) -> None:
    """Moves the totals and draws a new generation (random rather than counted: a rolled back
    write must not leave a number that the next write would reuse for other contents)."""
    generation = secrets.randbits(62)
    statement = dialect_insert(session)(SearchStat).values(
        doc_type=doc_type,
        documents=documents,
        title_tokens=title,
        keywords_tokens=keywords,
        body_tokens=body,
        generation=generation,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["doc_type"],
        set_={
            "documents": SearchStat.documents + statement.excluded.documents,
            "title_tokens": SearchStat.title_tokens + statement.excluded.title_tokens,
            "keywords_tokens": SearchStat.keywords_tokens + statement.excluded.keywords_tokens,
            "body_tokens": SearchStat.body_tokens + statement.excluded.body_tokens,
            "generation": generation,
        },
    )
    session.execute(statement)


_TOTALS = select(
    SearchStat.documents,
    SearchStat.title_tokens,
    SearchStat.keywords_tokens,
    SearchStat.body_tokens,
    SearchStat.generation,
).where(SearchStat.doc_type == bindparam("doc_type"))


def totals(session: Session, *, doc_type: str) -> Totals:
    """Read anew each time (not from the session's identity map): the generation must be the
    database's. On the session's connection, with a statement built once: the ORM's execution
    path and building the statement would cost more than this one-row read, made by every
    question."""
    row = session.connection().execute(_TOTALS, {"doc_type": doc_type}).first()
    if row is None or row.documents <= 0:
        return Totals(0, 1.0, 1.0, 1.0, row.generation if row is not None else 0)
    count = row.documents
    return Totals(
        documents=count,
        title=max(row.title_tokens / count, 1.0),
        keywords=max(row.keywords_tokens / count, 1.0),
        body=max(row.body_tokens / count, 1.0),
        generation=row.generation,
    )
