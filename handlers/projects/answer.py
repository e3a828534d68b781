"""Answering a question about past projects, the same way for the chat and for `relais ask`.

`confident` is the one rule that decides whether the answer presents its matches or says that
nothing matches well: the best match must reach `CONFIDENT_SCORE` (the search score is 0–1 and
already discounts the parts of a question the knowledge base knows nothing about).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.projects.record import years_text
from handlers.projects.synonyms import thesaurus
from store import projects as store
from store.models import Project
from store.projects import Filters
from store.search import MAX_QUERY_CHARS, SearchHit, has_terms, search_documents

CONFIDENT_SCORE = 0.4
DEFAULT_LIMIT = 3
Status = Literal["answered", "empty", "no_terms"]


@dataclass(frozen=True)
class Match:
    project: Project
    score: float
    snippet: str


@dataclass(frozen=True)
class Answer:
    query: str
    status: Status
    matches: list[Match] = field(default_factory=list)
    truncated: bool = False

    @property
    def confident(self) -> bool:
        return bool(self.matches) and self.matches[0].score >= CONFIDENT_SCORE


def ask(
    session: Session, question: str, *, limit: int = DEFAULT_LIMIT, filters: Filters | None = None
) -> Answer:
    """The best projects for a question (or, with filters and no question, the latest ones)."""
    filters = filters or Filters()
    query = " ".join(question.split())
    truncated = len(query) > MAX_QUERY_CHARS
    if not query:
        if not filters:
            return Answer(query, "empty")
        return Answer(query, "answered", _latest(session, filters, limit))
    if not has_terms(query):
        return Answer(query, "no_terms")
    hits = search_documents(
        session,
        doc_type=store.DOC_TYPE,
        query=query,
        limit=limit,
        thesaurus=thesaurus(),
        within=store.matching(filters) if filters else None,
    )
    return Answer(query, "answered", _matches(session, hits), truncated)


def similar(session: Session, project: Project, *, limit: int = DEFAULT_LIMIT) -> list[Match]:
    """Projects sharing the most with this one's title, themes and methods."""
    query = " ".join([project.title, *project.themes, *project.methods])
    hits = search_documents(
        session,
        doc_type=store.DOC_TYPE,
        query=query,
        limit=limit,
        thesaurus=thesaurus(),
        exclude=[project.id],
    )
    return _matches(session, hits)


def _matches(session: Session, hits: list[SearchHit]) -> list[Match]:
    projects = store.by_ids(session, [hit.doc_id for hit in hits])
    return [
        Match(projects[hit.doc_id], hit.score, hit.snippet)
        for hit in hits
        if hit.doc_id in projects
    ]


def _latest(session: Session, filters: Filters, limit: int) -> list[Match]:
    ids = store.matching(filters).subquery()
    found = session.scalars(
        select(Project)
        .where(Project.id.in_(select(ids.c.id)))
        .order_by(Project.start_year.desc().nulls_last(), Project.slug)
        .limit(limit)
    )
    return [Match(project, 1.0, project.summary) for project in found]


def to_json(answer: Answer) -> dict[str, Any]:
    """The `relais ask --json` shape."""
    return {
        "query": answer.query,
        "confident": answer.confident,
        "results": [
            {
                "slug": m.project.slug,
                "title": m.project.title,
                "organisation": m.project.organisation,
                "people": [person["name"] for person in m.project.people],
                "years": years_text(m.project.start_year, m.project.end_year),
                "summary": m.project.summary,
                "snippet": m.snippet,
                "score": m.score,
            }
            for m in answer.matches
        ],
    }
