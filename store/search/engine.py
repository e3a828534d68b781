"""The search index of each process: tantivy, rebuilt from the store.

The store stays the truth (`search_documents` holds every document with its analysed terms);
each process (each replica) keeps its own tantivy index per doc_type, built from those rows the
first time it is searched and again whenever the doc_type's `generation` in `search_stats`
differs from the one it was built at (every write draws a new one). The generation is read
before the rows, so an index is never labelled newer than what it holds. Terms are indexed as
analysed in Python (whitespace tokenizer), so the engine matches exactly what the Python scorer
counts, on SQLite and PostgreSQL alike.

A feature that registered its facets (`facets.register`) has them indexed too, not stored:
its filters become clauses of the query (`restricted`).

Indexes live in RAM unless `place.configure` names a directory (`RELAIS_SEARCH_INDEX_DIR`):
then each is written to `<database>-<doc_type>-<generation>/` (built aside, then renamed) and
a process that starts while the store is unchanged — a one-shot `relais ask`, a restarted
replica — opens it instead of rebuilding; older generations are removed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import tantivy
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import SearchDocument, SearchWord
from store.search import place
from store.search.facets import SOURCES, Clause, Range, Source

FIELDS = ("title", "keywords", "body")
ALL = "all"
FACET, LOW, HIGH = "facet", "low", "high"
PASSAGES = "passages"
LAYOUT = "f2"
"""The schema's version, in the name of an index written to disk: one written before the
facets (f1) or the body's passages (f2) were stored is never opened as if it had them."""
UNBOUNDED = 2**62
TOKENIZER = "relais_terms"
WRITER_HEAP = 64_000_000
BATCH = 5000


class Hit(NamedTuple):
    """A tuple rather than a frozen dataclass: a filtered search builds hundreds per question,
    and a frozen dataclass costs three times as much to create."""

    address: tantivy.DocAddress
    row_id: int
    doc_id: int


class Fields(NamedTuple):
    """A document's analysed title, keywords and body, as the scorer reads them (tuples, as
    `Hit`: dozens are built per question)."""

    title: list[str]
    keywords: list[str]
    body: list[str]


class Candidate(NamedTuple):
    """A matching document with its analysed fields (stored in the index, so ranking them
    needs no database read) and how many of its body's terms each passage of the body holds
    (`store.search.analysis.passages`), for its snippet: as stored (« 12 30 7 »), one value
    rather than one per passage, which made reading every candidate slower."""

    row_id: int
    doc_id: int
    fields: Fields
    passages: bytes

    def sizes(self) -> list[int]:
        """How many terms each passage holds, read for the few documents shown."""
        return [int(size) for size in self.passages.split()]


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("row", fast=True)
    builder.add_unsigned_field("doc_id", indexed=True, fast=True)
    for name in FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name=TOKENIZER)
    builder.add_text_field(ALL, tokenizer_name=TOKENIZER, index_option="basic")
    builder.add_text_field(FACET, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field(LOW, fast=True)
    builder.add_integer_field(HIGH, fast=True)
    builder.add_bytes_field(PASSAGES, stored=True)
    return builder.build()


SCHEMA = _schema()
_ANALYZER = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


Word = tuple[str, str, int]
T = TypeVar("T")


@dataclass
class Built:
    """One doc_type's index at one generation, with the vocabulary spelling is corrected
    against (`search_words`, by their first two letters)."""

    generation: int
    index: tantivy.Index
    searcher: tantivy.Searcher
    words: dict[str, list[Word]]
    kept: dict[str, Any] = field(default_factory=dict)
    faceted: bool = False
    """Whether the documents' facets are indexed (their doc_type registered a `Source`)."""

    def beside(self, name: str, load: Callable[[], T]) -> T:
        """What a feature derives from the store for this generation (the filter values of
        every document…), loaded on first use and dropped with the index when a write changes
        the generation, so that it is never older than what the index holds."""
        if name not in self.kept:
            self.kept[name] = load()
        found: T = self.kept[name]
        return found

    def frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """Document frequency of each known term (unknown terms are absent)."""
        found = {term: self.searcher.doc_freq(ALL, term) for term in set(terms)}
        return {term: df for term, df in found.items() if df > 0}

    def with_prefix(self, prefix: str, limit: int) -> dict[str, int]:
        """The most frequent terms starting with `prefix`."""
        found = sorted(self.searcher.terms_with_prefix(ALL, prefix), key=lambda t: (-t[1], t[0]))
        return dict(found[:limit])

    def words_near(self, start: str, shortest: int, longest: int) -> list[Word]:
        """Words of titles, keywords and summaries starting with `start` (two letters), with a
        length in range: typo candidates."""
        return [w for w in self.words.get(start, ()) if shortest <= len(w[0]) <= longest]

    def has_phrase(self, terms: Sequence[str]) -> bool:
        """Whether some document has these terms one after the other, in any field."""
        return any(
            self.searcher.search(phrase_query(field, terms), 1, count=False).hits
            for field in FIELDS
        )

    def search(self, query: tantivy.Query, limit: int) -> list[Hit]:
        """The best matches by the engine's own BM25, ids only (read from fast fields)."""
        return [hit for _, hit in self.ranked(query, limit)]

    def ranked(self, query: tantivy.Query, limit: int) -> list[tuple[float, Hit]]:
        """`search`, with the engine's score of each match."""
        found = self.searcher.search(query, limit, count=False).hits
        hits = self._hits([address for _, address in found])
        return [(score, hit) for (score, _), hit in zip(found, hits, strict=True)]

    def _hits(self, addresses: list[tantivy.DocAddress]) -> list[Hit]:
        if not addresses:
            return []
        rows = self.searcher.fast_field_values("row", addresses)
        doc_ids = self.searcher.fast_field_values("doc_id", addresses)
        return [
            Hit(address, int(row or 0), int(doc_id or 0))
            for address, row, doc_id in zip(addresses, rows, doc_ids, strict=True)
        ]

    def bound(self, query: tantivy.Query, limit: int) -> tuple[float, tuple[int, int]] | None:
        """The engine's score and address of the `limit`-th match, None when there are fewer:
        nothing else is read of the matches."""
        found = self.searcher.search(query, 1, count=False, offset=limit - 1).hits
        if not found:
            return None
        score, address = found[0]
        return score, (address.segment_ord, address.doc)

    def facet_terms(self, prefix: str) -> list[str]:
        """The facet terms some document has, starting with `prefix` (« region= »): read
        once per generation, like the rest of `kept`."""
        return self.beside(
            f"{FACET}:{prefix}",
            lambda: [found for found, _ in self.searcher.terms_with_prefix(FACET, prefix)],
        )

    def load(self, hits: Sequence[Hit]) -> list[Candidate]:
        """The analysed fields of these hits, from the index's own store."""
        found = []
        for hit in hits:
            document = self.searcher.doc(hit.address)
            fields = Fields(
                str(document.get_first("title") or "").split(),
                str(document.get_first("keywords") or "").split(),
                str(document.get_first("body") or "").split(),
            )
            passages: bytes = document.get_first(PASSAGES) or b""
            found.append(Candidate(hit.row_id, hit.doc_id, fields, passages))
        return found


_lock = threading.Lock()
_built: dict[tuple[str, str], Built] = {}
READY = "ready"


def current(session: Session, *, doc_type: str, generation: int) -> Built:
    """This process's index of `doc_type` as of `generation`, rebuilt first if it is older."""
    key = (session.get_bind().engine.url.render_as_string(hide_password=True), doc_type)
    found = _built.get(key)
    if found is not None and found.generation == generation:
        return found
    with _lock:
        found = _built.get(key)
        if found is None or found.generation != generation:
            found = _build(session, key[0], doc_type, generation)
            _built[key] = found
    return found


def _build(session: Session, database: str, doc_type: str, generation: int) -> Built:
    """In RAM, or opened from (after writing it to) `<database>-<doc_type>-<generation>/`
    under the configured directory: the database's digest keeps two stores apart."""
    words = _words(session, doc_type)
    kept: dict[str, Any] = {}
    registered = SOURCES.get(doc_type)
    root = place.directory()
    if root is None:
        source = _source(session, registered, kept)
        index, searcher = _indexed(session, doc_type, None, source)
        return Built(generation, index, searcher, words, kept, faceted=registered is not None)
    store = hashlib.sha256(database.encode()).hexdigest()[:12]
    name = f"{store}-{re.sub(r'[^a-z0-9_]', '_', doc_type.lower())}-{generation}.{LAYOUT}"
    final = root / name
    if not (final / READY).exists():
        aside = root / f".{name}.{os.getpid()}.{threading.get_ident()}"
        shutil.rmtree(aside, ignore_errors=True)
        aside.mkdir(parents=True)
        _indexed(session, doc_type, aside, _source(session, registered, kept))
        (aside / READY).touch()
        try:
            aside.rename(final)
        except OSError:
            shutil.rmtree(aside, ignore_errors=True)
    for older in root.glob(f"{name.rsplit('-', 1)[0]}-*"):
        if older != final:
            shutil.rmtree(older, ignore_errors=True)
    index = tantivy.Index.open(str(final))
    index.register_tokenizer(TOKENIZER, _ANALYZER)
    return Built(generation, index, index.searcher(), words, kept, faceted=registered is not None)


def _source(
    session: Session,
    registered: tuple[str, Callable[[Session], Source]] | None,
    kept: dict[str, Any],
) -> Source | None:
    """The doc_type's facets, loaded and kept beside the index under their name."""
    if registered is None:
        return None
    name, load = registered
    kept[name] = load(session)
    found: Source = kept[name]
    return found


def _indexed(
    session: Session, doc_type: str, directory: Path | None, source: Source | None
) -> tuple[tantivy.Index, tantivy.Searcher]:
    index = tantivy.Index(SCHEMA, path=str(directory) if directory else None)
    index.register_tokenizer(TOKENIZER, _ANALYZER)
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    rows = session.execute(
        select(
            SearchDocument.id,
            SearchDocument.doc_id,
            SearchDocument.title_terms,
            SearchDocument.keywords_terms,
            SearchDocument.body_terms,
            SearchDocument.body_passages,
        )
        .where(SearchDocument.doc_type == doc_type)
        .execution_options(yield_per=BATCH)
    )
    for row_id, doc_id, title, keywords, body, sizes in rows:
        document = tantivy.Document()
        document.add_unsigned("row", row_id)
        document.add_unsigned("doc_id", doc_id)
        for name, value in zip(FIELDS, (title, keywords, body), strict=True):
            document.add_text(name, value)
        document.add_text(ALL, f"{title} {keywords} {body}")
        document.add_bytes(PASSAGES, sizes.encode())
        facets = source.facets(doc_id) if source is not None else None
        if facets is not None:
            for value in facets.terms:
                document.add_text(FACET, value)
            if facets.low is not None:
                document.add_integer(LOW, facets.low)
            if facets.high is not None:
                document.add_integer(HIGH, facets.high)
        writer.add_document(document)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, index.searcher()


def _words(session: Session, doc_type: str) -> dict[str, list[Word]]:
    words: dict[str, list[Word]] = {}
    for word, found, df in session.execute(
        select(SearchWord.word, SearchWord.term, SearchWord.df).where(
            SearchWord.doc_type == doc_type, SearchWord.df > 0
        )
    ):
        words.setdefault(word[:2], []).append((word, found, df))
    return words


def forget() -> None:
    """Drops every index of this process (they are rebuilt on the next search)."""
    with _lock:
        _built.clear()


def phrase_query(field: str, terms: Sequence[str]) -> tantivy.Query:
    if len(terms) == 1:
        return tantivy.Query.term_query(SCHEMA, field, terms[0])
    return tantivy.Query.phrase_query(SCHEMA, field, list(terms))


def restricted(query: tantivy.Query, clause: Clause) -> tantivy.Query:
    """`query` limited to the documents `clause` lets through, each scored as by `query`
    alone: the clause scores 0, and adding 0 changes no score, so the engine ranks them in
    the same order as without the clause. Term queries rather than one term-set query: that
    one reads every document of its terms first (0.2 ms for a region at 100,000 projects)."""
    parts = [
        tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, FACET, t)) for t in group]
        )
        if group
        else tantivy.Query.empty_query()
        for group in clause.groups
    ]
    for name, bounds in ((LOW, clause.low), (HIGH, clause.high)):
        if bounds is not None:
            parts.append(_within(name, bounds))
    must = [(tantivy.Occur.Must, part) for part in parts]
    limit = tantivy.Query.const_score_query(tantivy.Query.boolean_query(must), 0.0)
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, limit)])


def _within(name: str, bounds: Range) -> tantivy.Query:
    low, high = bounds
    return tantivy.Query.range_query(
        SCHEMA,
        name,
        tantivy.FieldType.Integer,
        -UNBOUNDED if low is None else low,
        UNBOUNDED if high is None else high,
    )
