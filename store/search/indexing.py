"""Writing documents into the shared index (one row each, replaced whole) and keeping the
vocabulary counters in step. The caller owns the transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.orm import Session

from store.models import SearchDocument
from store.search import vocabulary
from store.search.analysis import WORD, folded_name, passages, term, terms

NAME_WORD_MIN = 3
WORD_MIN = 4


@dataclass(frozen=True)
class Document:
    doc_id: int
    title: str
    body: str
    keywords: str = ""


@dataclass(frozen=True)
class _Analysed:
    title: list[str]
    keywords: list[str]
    body: list[str]
    names: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, title: str, keywords: str, body: str, parts: list[list[str]]) -> _Analysed:
        """`parts` are the body's passages (`passages`): their terms are the body's."""
        body_terms = [t for part in parts for t in part]
        return cls(terms(title), terms(keywords), body_terms, _words(title, keywords, body))

    @classmethod
    def stored(cls, row: Row[int, str, str, str, str, str, str]) -> _Analysed:
        _, title, keywords, body, title_terms, keywords_terms, body_terms = row
        return cls(
            title_terms.split(),
            keywords_terms.split(),
            body_terms.split(),
            _words(title, keywords, body),
        )


def _words(title: str, keywords: str, body: str) -> frozenset[tuple[str, str]]:
    """The vocabulary spelling is corrected against, with their terms: every word of four
    letters or more of the title, keywords and the body's first line (a project's summary),
    and the shorter capitalised ones of titles and keywords (acronyms, names). The rest of the
    body is left out: it would multiply the vocabulary kept up to date by every import for
    words that the summary and keywords already name."""
    found = set()
    lead = body.split("\n", 1)[0]
    for text, short_names in ((title + "\n" + keywords, True), (lead, False)):
        for word in WORD.findall(text):
            size = len(word)
            if size < NAME_WORD_MIN or (
                size < WORD_MIN and not (short_names and word[0].isupper())
            ):
                continue
            analysed = term(word)
            if analysed is not None:
                found.add((folded_name(word), analysed))
    return frozenset(found)


class _Deltas:
    def __init__(self) -> None:
        self.words: Counter[tuple[str, str]] = Counter()
        self.documents = self.title = self.keywords = self.body = 0
        self.touched = False

    def add(self, analysed: _Analysed, sign: int) -> None:
        self.touched = True
        if sign > 0:
            self.words.update(analysed.names)
        else:
            self.words.subtract(analysed.names)
        self.documents += sign
        self.title += sign * len(analysed.title)
        self.keywords += sign * len(analysed.keywords)
        self.body += sign * len(analysed.body)

    def apply(self, session: Session, doc_type: str) -> None:
        vocabulary.move_words(session, doc_type=doc_type, deltas=self.words)
        if self.touched:
            vocabulary.move_totals(
                session,
                doc_type=doc_type,
                documents=self.documents,
                title=self.title,
                keywords=self.keywords,
                body=self.body,
            )


def index_documents(session: Session, *, doc_type: str, documents: Iterable[Document]) -> None:
    """Inserts or replaces many documents at once (the last one wins for a repeated doc_id)."""
    latest = {document.doc_id: document for document in documents}
    if not latest:
        return
    deltas = _Deltas()
    _drop(session, doc_type, list(latest), deltas)
    rows = []
    for document in latest.values():
        parts = passages(document.body)
        analysed = _Analysed.of(document.title, document.keywords, document.body, parts)
        deltas.add(analysed, +1)
        rows.append(
            {
                "doc_type": doc_type,
                "doc_id": document.doc_id,
                "title": document.title,
                "keywords": document.keywords,
                "body": document.body,
                "title_terms": " ".join(analysed.title),
                "keywords_terms": " ".join(analysed.keywords),
                "body_terms": " ".join(analysed.body),
                "body_passages": " ".join(str(len(part)) for part in parts),
            }
        )
    session.execute(insert(SearchDocument.metadata.tables["search_documents"]), rows)
    deltas.apply(session, doc_type)


def remove_documents(session: Session, *, doc_type: str, doc_ids: Sequence[int]) -> None:
    deltas = _Deltas()
    _drop(session, doc_type, list(doc_ids), deltas)
    deltas.apply(session, doc_type)


def _drop(session: Session, doc_type: str, doc_ids: list[int], deltas: _Deltas) -> None:
    """Deletes the stored rows of these documents, counting what they contributed."""
    existing = session.execute(
        select(
            SearchDocument.id,
            SearchDocument.title,
            SearchDocument.keywords,
            SearchDocument.body,
            SearchDocument.title_terms,
            SearchDocument.keywords_terms,
            SearchDocument.body_terms,
        ).where(SearchDocument.doc_type == doc_type, SearchDocument.doc_id.in_(doc_ids))
    ).all()
    if not existing:
        return
    for row in existing:
        deltas.add(_Analysed.stored(row), -1)
    session.execute(
        delete(SearchDocument)
        .where(SearchDocument.id.in_([row[0] for row in existing]))
        .execution_options(synchronize_session=False)
    )
