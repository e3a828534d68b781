"""Document frequencies, the words of titles and keywords, and per-type totals.

They are kept up to date by indexing (counters moved by deltas, in sorted order so concurrent
writers lock rows in the same order) and read by searching: IDF weights, prefix expansion of
unknown words, and typo tolerance on names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.db import dialect_insert
from store.models import SearchStat, SearchTerm, SearchWord

MAX_LOOKUP = 500


@dataclass(frozen=True)
class Totals:
    documents: int
    title: float
    keywords: float
    body: float


def move_terms(session: Session, *, doc_type: str, deltas: Mapping[str, int]) -> None:
    changed = sorted((t, d) for t, d in deltas.items() if d)
    if not changed:
        return
    statement = dialect_insert(session)(SearchTerm.metadata.tables["search_terms"])
    statement = statement.on_conflict_do_update(
        index_elements=["doc_type", "term"], set_={"df": SearchTerm.df + statement.excluded.df}
    )
    session.execute(statement, [{"doc_type": doc_type, "term": t, "df": d} for t, d in changed])
    gone = [t for t, d in changed if d < 0]
    if gone:
        session.execute(
            delete(SearchTerm).where(
                SearchTerm.doc_type == doc_type, SearchTerm.term.in_(gone), SearchTerm.df <= 0
            )
        )


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
    statement = dialect_insert(session)(SearchStat).values(
        doc_type=doc_type,
        documents=documents,
        title_tokens=title,
        keywords_tokens=keywords,
        body_tokens=body,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["doc_type"],
        set_={
            "documents": SearchStat.documents + statement.excluded.documents,
            "title_tokens": SearchStat.title_tokens + statement.excluded.title_tokens,
            "keywords_tokens": SearchStat.keywords_tokens + statement.excluded.keywords_tokens,
            "body_tokens": SearchStat.body_tokens + statement.excluded.body_tokens,
        },
    )
    session.execute(statement)


def totals(session: Session, *, doc_type: str) -> Totals:
    row = session.get(SearchStat, doc_type)
    if row is None or row.documents <= 0:
        return Totals(0, 1.0, 1.0, 1.0)
    count = row.documents
    return Totals(
        documents=count,
        title=max(row.title_tokens / count, 1.0),
        keywords=max(row.keywords_tokens / count, 1.0),
        body=max(row.body_tokens / count, 1.0),
    )


def frequencies(session: Session, *, doc_type: str, terms: Iterable[str]) -> dict[str, int]:
    """Document frequency of each known term (unknown terms are absent)."""
    wanted = sorted(set(terms))[:MAX_LOOKUP]
    if not wanted:
        return {}
    rows = session.execute(
        select(SearchTerm.term, SearchTerm.df).where(
            SearchTerm.doc_type == doc_type, SearchTerm.term.in_(wanted)
        )
    )
    return {term: df for term, df in rows if df > 0}


def _after(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def with_prefix(session: Session, *, doc_type: str, prefix: str, limit: int) -> dict[str, int]:
    """The most frequent terms starting with `prefix` (an index range scan, no LIKE)."""
    rows = session.execute(
        select(SearchTerm.term, SearchTerm.df)
        .where(
            SearchTerm.doc_type == doc_type,
            SearchTerm.term >= prefix,
            SearchTerm.term < _after(prefix),
            SearchTerm.df > 0,
        )
        .order_by(SearchTerm.df.desc(), SearchTerm.term)
        .limit(limit)
    )
    return {term: df for term, df in rows}


def words_near(
    session: Session, *, doc_type: str, start: str, shortest: int, longest: int
) -> list[tuple[str, str, int]]:
    """Title and keyword words with this beginning and a length in range: typo candidates."""
    rows = session.execute(
        select(SearchWord.word, SearchWord.term, SearchWord.df).where(
            SearchWord.doc_type == doc_type,
            SearchWord.word >= start,
            SearchWord.word < _after(start),
            func.length(SearchWord.word).between(shortest, longest),
            SearchWord.df > 0,
        )
    )
    return [(word, term, df) for word, term, df in rows]
