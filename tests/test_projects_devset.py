"""Answer quality on the French dev set, on SQLite and PostgreSQL alike (bench/ reports the
figures; this guards the floor)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers.clock import FakeClock
from handlers.projects.answer import ask, to_json
from handlers.projects.importer import import_file
from handlers.projects.sample import SAMPLE
from store import projects as store
from store.models import Project
from store.projects import DOC_TYPE, Filters
from store.search import engine, vocabulary
from tests.test_projects_facets import FILTERS

DATA = Path(__file__).parent / "data"
DEVSET = yaml.safe_load((DATA / "qa_devset.yaml").read_text(encoding="utf-8"))
UNANSWERABLE = yaml.safe_load((DATA / "qa_unanswerable.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def session(sessions: sessionmaker[Session], clock: FakeClock) -> Iterator[Session]:
    with sessions() as opened, opened.begin():
        import_file(opened, SAMPLE, now=clock.now())
        yield opened


def test_the_dev_set_covers_every_sample_project() -> None:
    slugs = {p["slug"] for p in yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))}
    assert len(DEVSET) >= 40
    assert all(set(item["expected"]) <= slugs for item in DEVSET)
    assert {s for item in DEVSET for s in item["expected"]} == slugs


def test_recall_at_3_and_mrr(session: Session) -> None:
    recall, reciprocal, misses = 0.0, 0.0, []
    for item in DEVSET:
        found = [m.project.slug for m in ask(session, item["question"], limit=10).matches]
        expected = set(item["expected"])
        recall += len(expected & set(found[:3])) / len(expected)
        rank = next((i for i, slug in enumerate(found, 1) if slug in expected), None)
        reciprocal += 1 / rank if rank else 0
        if not expected & set(found[:3]):
            misses.append(item["question"])
    assert recall / len(DEVSET) >= 0.9, misses
    assert reciprocal / len(DEVSET) >= 0.8, misses


def test_most_dev_questions_are_answered_with_confidence(session: Session) -> None:
    confident = sum(ask(session, item["question"]).confident for item in DEVSET)
    assert confident / len(DEVSET) >= 0.85


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_out_of_scope_questions_are_not_confident(session: Session, question: str) -> None:
    answer = to_json(ask(session, question))
    assert answer["confident"] is False


def test_json_shape(session: Session) -> None:
    answer = to_json(ask(session, "qui a fait du lean à l'hôpital ?"))
    assert answer["query"] == "qui a fait du lean à l'hôpital ?"
    assert answer["confident"] is True
    first = answer["results"][0]
    assert list(first) == [
        "slug", "title", "organisation", "people", "years", "summary", "snippet", "score",
    ]  # fmt: skip
    assert first["slug"] == "lean-sante-chru-lille"
    assert first["people"] == ["Agnès Feret", "Damien Subtil"]
    assert first["years"] == "2014–"
    assert 0 < first["score"] <= 1
    assert [r["score"] for r in answer["results"]] == sorted(
        (r["score"] for r in answer["results"]), reverse=True
    )


@pytest.mark.parametrize("filters", FILTERS)
def test_filters_on_search_candidates_select_what_the_query_selects(
    session: Session, filters: Filters
) -> None:
    """Filters of a question are checked in memory beside the index: the same projects as
    the database query that lists them."""
    totals = vocabulary.totals(session, doc_type=DOC_TYPE)
    index = engine.current(session, doc_type=DOC_TYPE, generation=totals.generation)
    admits = store.admits(filters)(session, index)
    every = session.scalars(select(Project.id)).all()
    assert {i for i in every if admits(i)} == set(session.scalars(store.matching(filters)))
