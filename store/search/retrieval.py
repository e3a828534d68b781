"""Candidate documents from the process's tantivy index (`engine`), built from the store.
Queries are built from analysed terms (term and phrase queries, never parsed text), so no query
syntax ever comes from the user. Only the most selective concepts are sent (see `selective`);
documents matching all of them come first, the others fill the pool. Fields are weighted as
the scorer weighs them (title above keywords above body).
"""

from __future__ import annotations

from collections.abc import Sequence

import tantivy

from store.search.engine import FIELDS, SCHEMA, Built, Hit, phrase_query
from store.search.query import Alternative, Concept

FIELD_BOOSTS = (3.0, 2.0, 1.0)


def candidates(
    index: Built,
    *,
    concepts: Sequence[Concept],
    pool: int,
    budget: int,
    exclude: Sequence[int] = (),
) -> list[Hit]:
    """The best candidates, those containing every selective required concept first
    (optional concepts only widen the pool)."""
    chosen = selective(concepts, budget)
    if not chosen:
        return []
    found: list[Hit] = []
    required = [c for c in chosen if not c.optional]
    if len(required) > 1:
        found = index.search(query(required, every=True, exclude=exclude), pool)
    if len(found) < pool:
        seen = {c.row_id for c in found}
        extra = index.search(query(chosen, every=False, exclude=exclude), pool)
        found += [c for c in extra if c.row_id not in seen]
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


def query(concepts: Sequence[Concept], *, every: bool, exclude: Sequence[int]) -> tantivy.Query:
    """Each alternative in each field (boosted like the scorer's field weights), OR inside a
    concept, AND (`every`) or OR between concepts; `exclude` as must-not doc_ids."""
    occur = tantivy.Occur.Must if every else tantivy.Occur.Should
    parts = [
        (
            occur,
            tantivy.Query.boolean_query(
                [
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boost_query(phrase_query(field, a.terms), boost),
                    )
                    for a in c.alternatives
                    for field, boost in zip(FIELDS, FIELD_BOOSTS, strict=True)
                ]
            ),
        )
        for c in concepts
    ]
    parts += [
        (tantivy.Occur.MustNot, tantivy.Query.term_query(SCHEMA, "doc_id", doc_id))
        for doc_id in exclude
    ]
    return tantivy.Query.boolean_query(parts)
