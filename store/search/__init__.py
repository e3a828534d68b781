"""French-aware full-text search shared by every feature, over one index keyed by doc_type + doc_id.

    index_document(session, doc_type="idea", doc_id=7, title="…", body="…", keywords="tags")
    hits = search_documents(session, doc_type="idea", query="télétravail des agents", limit=5)
    # [SearchHit(doc_id=7, score=0.71, snippet="… le télétravail des agents …"), …]

How it works: text is analysed in Python (words, stop words, Snowball stem, then accents folded)
into terms stored beside the original in the database, the truth; each process indexes those
terms in its own in-memory tantivy index (`engine`), rebuilt from the store whenever a write
changed the doc_type's generation. A question becomes concepts (synonyms from a `Thesaurus`,
prefixes for short queries, typo-tolerant names); the index proposes up to `POOL` candidates
from the most selective concepts (about `BUDGET` postings) and the score is computed in
Python, identically on SQLite and PostgreSQL: BM25F normalised to 0–1 (title above keywords
above body), with the best passage as snippet. Junk input never raises: only analysed terms,
as term and phrase queries, reach the engine.

The engine, the question's reading and the scoring (tantivy, simplemma, rapidfuzz) are imported
by the first search, not with this package: a process that never searches (a worker between
jobs, a web process before its first question) does not hold them in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from store.models import SearchDocument
from store.search import vocabulary
from store.search.analysis import MAX_QUERY_CHARS, WORD, query_words, term
from store.search.facets import Admits, Clause, Faceted, Facets
from store.search.indexing import Document, index_documents, remove_documents
from store.search.thesaurus import EMPTY, Thesaurus
from store.search.vocabulary import Totals

if TYPE_CHECKING:
    from store.search.engine import Candidate
    from store.search.query import Concept
    from store.search.scoring import Lacking

__all__ = [
    "MAX_QUERY_CHARS",
    "Admits",
    "Clause",
    "Correction",
    "Document",
    "Faceted",
    "Facets",
    "Results",
    "SearchHit",
    "Thesaurus",
    "has_terms",
    "index_document",
    "index_documents",
    "query_words",
    "remove_document",
    "remove_documents",
    "search",
    "search_documents",
]

POOL = 40
BUDGET, BUDGET_SHARE = 2000, 0.02


@dataclass(frozen=True)
class SearchHit:
    """One match: the feature's own id, a 0–1 relevance (higher is better) and why it matched."""

    doc_id: int
    score: float
    snippet: str


@dataclass(frozen=True)
class Correction:
    """A word of the question read as another word of the collection (« telemedicne » →
    « télémédecine »), as the best match spells it."""

    typed: str
    meant: str


@dataclass(frozen=True)
class Results:
    """The hits, the corrections they relied on, the share of the question's concepts the
    collection knows at all (1.0: every word of the question occurs somewhere; a verb it does
    not know, `Concept.action`, is left out: « pour épauler les cadres » asks about the
    managers, in a verb the projects need not use), and what the first hit lacks of what the
    collection knows (`Scorer.lacking`: by weight and by count)."""

    hits: list[SearchHit]
    corrections: tuple[Correction, ...] = ()
    known: float = 0.0
    lacking: Lacking | None = None
    unknown: tuple[str, ...] = ()
    """The question's words the collection does not know at all, as typed (folded)."""

    @property
    def elsewhere(self) -> float:
        """The share of the question, by weight, that the collection knows but the first hit
        lacks."""
        return round(self.lacking.share, 4) if self.lacking else 0.0


def index_document(
    session: Session, *, doc_type: str, doc_id: int, title: str, body: str, keywords: str = ""
) -> None:
    """Inserts or replaces one document in the index."""
    index_documents(
        session,
        doc_type=doc_type,
        documents=[Document(doc_id=doc_id, title=title, body=body, keywords=keywords)],
    )


def has_terms(query: str) -> bool:
    """Whether a question says anything beyond stop words and request words (« qui a fait… »)."""
    return bool(query_words(query[:MAX_QUERY_CHARS]))


def remove_document(session: Session, *, doc_type: str, doc_id: int) -> None:
    """Forgets one document (nothing happens if it was never indexed)."""
    remove_documents(session, doc_type=doc_type, doc_ids=[doc_id])


def search_documents(
    session: Session,
    *,
    doc_type: str,
    query: str,
    limit: int = 10,
    thesaurus: Thesaurus = EMPTY,
    within: Select[Any] | Admits | None = None,
    exclude: Sequence[int] = (),
) -> list[SearchHit]:
    """The best matches for a question, best first; an empty list when nothing matches.

    `within` restricts to the doc_ids a query selects (filters); `exclude` leaves some out.
    """
    return search(
        session,
        doc_type=doc_type,
        query=query,
        limit=limit,
        thesaurus=thesaurus,
        within=within,
        exclude=exclude,
    ).hits


def search(
    session: Session,
    *,
    doc_type: str,
    query: str,
    limit: int = 10,
    thesaurus: Thesaurus = EMPTY,
    within: Select[Any] | Admits | None = None,
    exclude: Sequence[int] = (),
    optional: str = "",
    compounds: bool = True,
    cognates: bool = False,
    verbs: frozenset[str] = frozenset(),
) -> Results:
    """`search_documents`, with the spelling corrections the best match relied on. The words
    of `optional` raise the score of the documents that contain them without lowering the
    others' (a place the caller already filters on). Without `compounds`, words side by side
    in the question are not taken to name one thing (a question translated word by word). With
    `cognates`, an unknown word is looked for as its French cognate (« strategy » →
    « stratégie »): the words of an English question the glossary did not translate. `verbs`
    are words (folded) to read as verbs saying what was done (`Concept.action`)."""
    if limit <= 0:
        return Results([])
    from store.search import engine, retrieval
    from store.search.query import plan, resolve

    wanted = plan(query, thesaurus, compounds=compounds, verbs=verbs)
    extra = plan(optional, thesaurus) if optional else []
    for concept in extra:
        concept.optional = True
    totals = vocabulary.totals(session, doc_type=doc_type)
    index = engine.current(session, doc_type=doc_type, generation=totals.generation)
    concepts = resolve(index, wanted + extra, cognates=cognates)
    if not any(c.known for c in concepts if not c.optional):
        return Results([])
    budget = max(BUDGET, int(totals.documents * BUDGET_SHARE))
    pool = max(POOL, limit)
    if within is None:
        found = retrieval.candidates(
            index, concepts=concepts, pool=pool, budget=budget, exclude=exclude
        )
    else:
        from store.search.filtered import filtered

        found = filtered(session, index, concepts, pool, budget, within, exclude)
    ranked = _rank(session, totals, concepts, index.load(found), limit)
    required = [c for c in concepts if not c.optional]
    counted = [c for c in required if c.known or not c.action]
    known = sum(c.known for c in counted) / len(counted)
    unknown = tuple(w for c in required if not c.known and not c.action for w in c.words)
    return Results(ranked.hits, ranked.corrections, round(known, 4), ranked.lacking, unknown)


_TEXTS = select(
    SearchDocument.id, SearchDocument.title, SearchDocument.keywords, SearchDocument.body
).where(SearchDocument.id.in_(bindparam("ids", expanding=True)))
"""Built once: building a statement costs more than running it on three rows."""


def _rank(
    session: Session, totals: Totals, concepts: list[Concept], found: list[Candidate], limit: int
) -> Results:
    from store.search.scoring import Scorer

    scorer = Scorer(concepts, totals)
    candidates = {c.row_id: c for c in found}
    frequencies = {c.row_id: scorer.frequencies(c.fields) for c in found}
    ranked = sorted((-scorer.score(frequencies[c.row_id]), c.doc_id, c.row_id) for c in found)
    scored = ranked[:limit]
    chosen = [row_id for _, _, row_id in scored]
    texts = {
        row_id: (title, keywords, body)
        for row_id, title, keywords, body in session.connection().execute(_TEXTS, {"ids": chosen})
    }
    hits = [
        SearchHit(
            doc_id=doc_id,
            score=round(-negative, 4),
            snippet=scorer.snippet(
                texts[row_id][2], candidates[row_id].fields.body, candidates[row_id].sizes()
            ),
        )
        for negative, doc_id, row_id in scored
        if negative < 0 and row_id in texts
    ]
    if not hits:
        return Results(hits, _corrections(concepts, ""))
    first = scored[0][2]
    best = "\n".join(texts[first])
    lacking = scorer.lacking(candidates[first], frequencies[first], texts[first])
    return Results(hits, _corrections(concepts, best), lacking=lacking)


def _corrections(concepts: list[Concept], best: str) -> tuple[Correction, ...]:
    """How the best match spells each corrected word (nothing when it does not contain it);
    a word respelt letter by letter as it was found (« abandonnent », not the « abandons » of
    the same stem)."""
    from store.search.query import TYPO

    wanted = {
        a.terms[0]: concept
        for concept in concepts
        if concept.corrected
        for a in concept.found()
        if a.weight == TYPO or concept.respelt
    }
    found: dict[str, Correction] = {}
    for word in WORD.findall(best) if wanted else ():
        concept = wanted.get(term(word) or "")
        if concept is not None and concept.words[0] not in found:
            meant = concept.respelt or word.casefold()
            found[concept.words[0]] = Correction(typed=concept.words[0], meant=meant)
    return tuple(found.values())
