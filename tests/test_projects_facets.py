"""Filters asked of the search index (the projects' facets indexed beside their text): they
let through every project the filter selects, and a filtered question ranks the same
candidates as when each one is tested, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import tantivy
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from handlers.clock import FakeClock
from handlers.projects.importer import import_file
from handlers.projects.sample import SAMPLE
from store import projects as store
from store.models import Project
from store.projects import DOC_TYPE, Filters
from store.search import engine, search, vocabulary
from store.search.engine import Built
from store.search.filtered import filtered
from store.search.query import plan, resolve
from store.search.thesaurus import EMPTY

# Filters as staff and questions write them, odd ones included (a LIKE wildcard, a « | »).
FILTERS = [
    Filters(region="Bretagne"),
    Filters(region="grand est"),
    Filters(region="Île-de-France", kind="hôpital"),
    Filters(kinds=("hôpital", "ars")),
    Filters(theme="santé"),
    Filters(organisation="chru"),
    Filters(organisation="100%_x"),
    Filters(year_from=2016, year_to=2016),
    Filters(year_from=2018),
    Filters(year_from=2015, started=True),
    Filters(year_to=2012, region="Hauts-de-France"),
    Filters(region="Grand Est|kind=hopital"),
]


@pytest.fixture
def session(sessions: sessionmaker[Session], clock: FakeClock) -> Iterator[Session]:
    with sessions() as opened, opened.begin():
        import_file(opened, SAMPLE, now=clock.now())
        yield opened


def current(session: Session) -> Built:
    totals = vocabulary.totals(session, doc_type=DOC_TYPE)
    return engine.current(session, doc_type=DOC_TYPE, generation=totals.generation)


def let_through(session: Session, filters: Filters) -> set[int]:
    index = current(session)
    clause = store.admits(filters).clause(index)
    query = engine.restricted(tantivy.Query.all_query(), clause)
    return {hit.doc_id for hit in index.search(query, 100_000)}


@pytest.mark.parametrize("filters", FILTERS)
def test_the_index_lets_through_every_project_a_filter_selects(
    session: Session, filters: Filters
) -> None:
    assert set(session.scalars(store.matching(filters))) <= let_through(session, filters)


def test_facets_that_a_term_cannot_tell_let_the_project_through(session: Session) -> None:
    """Values after the organisation, or a value shorter than the filter that the filter
    reads past: the pattern may match from there, so the index lets the project through."""
    first, second = session.scalars(select(Project.id).order_by(Project.id).limit(2))
    odd = {
        first: "|region=corse|kind=hopital|org=x|region=grand est|",
        second: "|region=grand|est|kind=hopital|org=y|",
    }
    for project_id, facets in odd.items():
        session.execute(update(Project).where(Project.id == project_id).values(facets=facets))
    engine.forget()
    for filters in (Filters(region="Grand Est"), Filters(organisation="x|reg")):
        selected = set(session.scalars(store.matching(filters)))
        assert {first, second} & selected
        assert selected <= let_through(session, filters), filters


def _records(count: int) -> list[dict[str, Any]]:
    """Projects that all speak of télémédecine, as often as their number says, in a few
    regions, kinds and years: hundreds match, many with the same score. Most projects in
    Corse rank far below the 400 best, a few among them."""
    regions = ["Bretagne", "Grand Est", "Occitanie", "Île-de-France"]
    kinds = ["hôpital", "collectivité", "ARS"]
    return [
        {
            "slug": f"projet-{n}",
            "title": f"Projet {n} de télémédecine" if n % 7 == 0 else f"Projet {n}",
            "summary": "Télémédecine et suivi à distance. " * (1 + n % 4),
            "description": "Un parcours de soins coordonné." if n % 3 else "Rien d'autre.",
            "organisation": f"Organisation {n % 11}",
            "kind": kinds[n % 3],
            "region": "Corse" if n % 4 == 0 and (n % 7 or n % 3 == 0) else regions[n % 4],
            "start_year": 2010 + n % 9 if n % 13 else None,
            "end_year": 2012 + n % 9 if n % 2 else None,
            "people": [],
            "themes": ["santé"] if n % 2 else ["numérique", "santé"],
            "methods": [],
            "partners": [],
            "results": [],
            "award": None,
            "lessons": [],
            "sources": [],
        }
        for n in range(count)
    ]


@pytest.mark.parametrize("question", ["télémédecine", "télémédecine et parcours de soins"])
def test_a_filter_holds_at_scale_and_ranks_as_when_each_candidate_is_tested(
    sessions: sessionmaker[Session], clock: FakeClock, question: str
) -> None:
    """With more matches than the pool of candidates (400): the index, asked with the
    filter, keeps exactly the candidates that testing the 400 best would keep, ties
    included, and the answers are the same."""
    with sessions() as session, session.begin():
        store.upsert_many(session, _records(1500), now=clock.now())
        index = current(session)
        concepts = resolve(index, plan(question, EMPTY))
        for filters in [Filters(region="Corse"), *FILTERS[:5], *FILTERS[7:11]]:
            asked = store.admits(filters)
            kept = [
                [hit.doc_id for hit in filtered(session, index, concepts, 40, 2000, within, ())]
                for within in (asked, asked.admits)
            ]
            assert kept[0] == kept[1], filters
            found = [
                search(session, doc_type=DOC_TYPE, query=question, limit=10, within=within)
                for within in (asked, asked.admits)
            ]
            assert found[0] == found[1], filters
            assert {hit.doc_id for hit in found[0].hits} <= set(
                session.scalars(store.matching(filters))
            )
