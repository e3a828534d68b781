"""Candidates of a filtered search: the first `pool` documents passing the filter among the
`wider` best unfiltered candidates (`retrieval.candidates`), the pool widening while too few
pass.

Testing each candidate costs a database query (a `Select`), or in memory a test per candidate
(an `Admits`): hundreds per question. A `Faceted` filter is also asked of the index
(`engine.restricted`), which then returns only candidates that may pass, ranked as without the
filter; the few it returns are still tested. The result is the same candidates in the same
order: a passing document is among the `wider` best unfiltered ones exactly when the engine
ranks it no lower than the `wider`-th of those (`Built.bound`), by score then by address, as
its collector orders ties.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import tantivy
from sqlalchemy import Select
from sqlalchemy.orm import Session

from store.search import retrieval
from store.search.engine import Built, Hit, restricted
from store.search.facets import Admits, Clause, Faceted
from store.search.query import Concept

POOLS, ENOUGH = (400, 4000), 10


def filtered(
    session: Session,
    index: Built,
    concepts: list[Concept],
    pool: int,
    budget: int,
    within: Select[Any] | Admits,
    exclude: Sequence[int],
) -> list[Hit]:
    """Candidates passing `within`, by filtering a wider pool of unfiltered candidates (in
    memory, or one database query on the candidates' ids only). The pool widens while too few
    pass."""
    if isinstance(within, Faceted) and index.faceted:
        clause = within.clause(index)
        if clause.groups or clause.low or clause.high:
            admits = within(session, index)
            return _restricted(index, concepts, pool, budget, exclude, clause, admits)
    passing = _passing(session, index, within)
    kept: list[Hit] = []
    for wider in POOLS:
        found = retrieval.candidates(
            index, concepts=concepts, pool=max(wider, pool), budget=budget, exclude=exclude
        )
        kept = passing(found, pool)
        if len(kept) >= min(pool, ENOUGH) or len(found) < max(wider, pool):
            break
    return kept


def _passing(
    session: Session, index: Built, within: Select[Any] | Admits
) -> Callable[[list[Hit], int], list[Hit]]:
    """The first candidates passing `within`, in order, up to `enough`: in memory, tested one
    by one and no further than needed; in the database, one query on all their ids."""
    if isinstance(within, Select):
        query = within
        column = query.selected_columns[0]

        def selected(found: list[Hit], enough: int) -> list[Hit]:
            allowed = set(session.scalars(query.where(column.in_({c.doc_id for c in found}))))
            return [c for c in found if c.doc_id in allowed][:enough]

        return selected
    admits = within(session, index)
    return lambda found, enough: list(
        itertools.islice((c for c in found if admits(c.doc_id)), enough)
    )


def _restricted(
    index: Built,
    concepts: list[Concept],
    pool: int,
    budget: int,
    exclude: Sequence[int],
    clause: Clause,
    admits: Callable[[int], bool],
) -> list[Hit]:
    """`filtered`'s candidates from the restricted index. As in
    `retrieval.candidates`: the documents with every selective required concept first
    (when there are several), then, only if fewer than `wider` have them all, those with
    any; every such document has some, so the wider search holds fewer than `wider` exactly
    when the any-search does."""
    chosen = retrieval.selective(concepts, budget)
    if not chosen:
        return []
    required = [c for c in chosen if not c.optional]
    every = retrieval.query(required, every=True, exclude=exclude) if len(required) > 1 else None
    either = retrieval.query(chosen, every=False, exclude=exclude)
    kept: list[Hit] = []
    for wider in POOLS:
        width = max(wider, pool)
        kept, short = [], True
        if every is not None:
            cut = index.bound(every, width)
            kept = _first(index, restricted(every, clause), pool, cut, admits, set())
            short = cut is None
        if short and len(kept) < pool:
            cut = index.bound(either, width)
            skip = {hit.doc_id for hit in kept}
            kept += _first(index, restricted(either, clause), pool - len(kept), cut, admits, skip)
            short = cut is None
        else:
            short = False
        if len(kept) >= min(pool, ENOUGH) or short:
            break
    return kept


def _first(
    index: Built,
    query: tantivy.Query,
    enough: int,
    cut: tuple[float, tuple[int, int]] | None,
    admits: Callable[[int], bool],
    skip: set[int],
) -> list[Hit]:
    """The first `enough` matches of a restricted query passing `admits`, not in `skip`, and
    among the unfiltered candidates: ranked no lower than the last of them, `cut` (None when
    they were all taken). The engine ranks by score, then by address (`Built.bound`)."""
    limit = enough + len(skip)
    while True:
        ranked = index.ranked(query, limit)
        found: list[Hit] = []
        for score, hit in ranked:
            if cut is not None and score <= cut[0]:
                address = (hit.address.segment_ord, hit.address.doc)
                if score < cut[0] or address > cut[1]:
                    return found
            if hit.doc_id in skip or not admits(hit.doc_id):
                continue
            found.append(hit)
            if len(found) == enough:
                return found
        if len(ranked) < limit:
            return found
        limit *= 4
