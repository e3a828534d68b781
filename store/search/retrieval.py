"""Candidate documents from the database's own full-text index: FTS5 on SQLite, tsvector on
PostgreSQL. Only analysed terms reach the engine, each quoted, so no query syntax ever comes from
the user. Only the most selective concepts are sent (see `selective`); documents matching all of
them come first, the others fill the pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnClause

from store.models import SearchDocument
from store.search.query import Alternative, Concept

_FTS = table("search_fts", column("rowid"), column("search_fts"))
_TSV: ColumnClause[Any] = literal_column("search_documents.tsv")
_CONFIG: ColumnClause[Any] = literal_column("'relais_fr'::regconfig")
POSTGRES_RANKED = 2000


def candidates(
    session: Session,
    *,
    doc_type: str,
    concepts: Sequence[Concept],
    pool: int,
    budget: int,
    exclude: Sequence[int] = (),
) -> list[int]:
    """Row ids of the best candidates, those containing every selective required concept
    first (optional concepts only widen the pool)."""
    chosen = selective(concepts, budget)
    if not chosen:
        return []
    found: list[int] = []
    required = [c for c in chosen if not c.optional]
    if len(required) > 1:
        found = _query(session, doc_type, required, True, pool, exclude)
    if len(found) < pool:
        seen = set(found)
        extra = _query(session, doc_type, chosen, False, pool, exclude)
        found += [row for row in extra if row not in seen]
    return found


def selective(concepts: Sequence[Concept], budget: int) -> list[Concept]:
    """The rarest concepts, each with its rarest alternatives, within about `budget` postings.

    The engine ranks every document a query matches, so a question full of common words
    (« agents », « santé ») would make it rank most of the collection; documents that only
    share common words with the question would score low in Python anyway. The rarest
    alternative of the rarest concept is always kept.
    """
    known = sorted((c for c in concepts if c.known), key=lambda c: min(a.df for a in c.found()))
    chosen: list[Concept] = []
    spent = 0
    for concept in known:
        alternatives: list[Alternative] = []
        for alternative in sorted(concept.found(), key=lambda a: a.df):
            if (alternatives or chosen) and spent + alternative.df > budget:
                break
            alternatives.append(alternative)
            spent += alternative.df
        if not alternatives:
            break
        chosen.append(Concept(concept.words, alternatives))
    return chosen


def _query(
    session: Session,
    doc_type: str,
    concepts: Sequence[Concept],
    every: bool,
    pool: int,
    exclude: Sequence[int],
) -> list[int]:
    """PostgreSQL ranks at most `POSTGRES_RANKED` matches: ranking reads each match's tsvector
    from the table, so a question whose rarest word is common would otherwise cost a scan. For
    the same reason sequential scans are off for this one query (transaction-local, restored):
    the planner does not count the cost of reading every tsvector and prefers them on small
    collections, where the GIN index is many times faster."""
    if session.get_bind().dialect.name != "postgresql":
        return _sqlite_query(session, doc_type, concepts, every, pool, exclude)
    conditions: list[ColumnElement[bool]] = []
    if exclude:
        conditions.append(SearchDocument.doc_id.not_in(list(exclude)))
    tsquery = func.to_tsquery(_CONFIG, postgres_expression(concepts, every))
    kind = cast(literal("'doctype_" + doc_type.replace("'", "''") + "'"), TSQUERY)
    matches = (
        select(SearchDocument.id, _TSV.label("tsv"))
        .where(*conditions, _TSV.op("@@")(tsquery.op("&&")(kind)))
        .limit(POSTGRES_RANKED)
        .subquery()
    )
    statement = select(matches.c.id).order_by(
        func.ts_rank(matches.c.tsv, tsquery).desc(), matches.c.id
    )
    previous = session.scalar(
        text("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
    )
    try:
        return list(session.scalars(statement.limit(pool)))
    finally:
        session.execute(
            text("SELECT set_config('enable_seqscan', :value, true)"), {"value": previous}
        )


def _sqlite_query(
    session: Session,
    doc_type: str,
    concepts: Sequence[Concept],
    every: bool,
    pool: int,
    exclude: Sequence[int],
) -> list[int]:
    """Pure FTS5 (the type is a column of the index); `exclude` becomes a set of row ids
    computed once, so no content row is read for each match."""
    kind = '"' + doc_type.replace('"', '""') + '"'
    match = f"({sqlite_expression(concepts, every)}) AND doc_type : {kind}"
    statement = (
        select(_FTS.c.rowid)
        .where(_FTS.c.search_fts.op("MATCH")(match))
        .order_by(func.bm25(literal_column("search_fts"), 0.0, 3.0, 2.0, 1.0), _FTS.c.rowid)
    )
    rows = select(SearchDocument.id).where(SearchDocument.doc_type == doc_type)
    if exclude:
        excluded = rows.where(SearchDocument.doc_id.in_(list(exclude)))
        statement = statement.where(_FTS.c.rowid.not_in(excluded))
    return list(session.scalars(statement.limit(pool)))


def sqlite_expression(concepts: Sequence[Concept], every: bool) -> str:
    """An FTS5 query: each alternative a quoted phrase, OR inside a concept, AND/OR between."""

    def phrase(terms: tuple[str, ...]) -> str:
        return '"' + " ".join(terms).replace('"', '""') + '"'

    parts = ["(" + " OR ".join(phrase(a.terms) for a in c.alternatives) + ")" for c in concepts]
    return (" AND " if every else " OR ").join(parts)


def postgres_expression(concepts: Sequence[Concept], every: bool) -> str:
    """A `to_tsquery` text: quoted lexemes, `|` inside a concept, `&` or `|` between. A phrase
    is sent as its words joined by `&`: the GIN index answers that without reading rows (`<->`
    needs each row rechecked), and the Python scorer only counts true phrases anyway."""

    def lexeme(value: str) -> str:
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"

    def phrase(terms: tuple[str, ...]) -> str:
        return "(" + " & ".join(lexeme(t) for t in terms) + ")"

    parts = ["(" + " | ".join(phrase(a.terms) for a in c.alternatives) + ")" for c in concepts]
    return (" & " if every else " | ").join(parts)
