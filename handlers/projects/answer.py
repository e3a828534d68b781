"""Answering a question about past projects, the same way for the chat and for `relais ask`.

A question is read before it is searched: SMS forms written out, its language detected (an
English question is searched through the glossary and answered in English), the filters it
contains applied (`scope.py`), and unknown words corrected against the collection's vocabulary;
`Answer.read_as` is the question as it was understood whenever that changed a word, so that the
answer can say « résultats pour « … » » instead of silently answering another question.

`confidence` is a calibrated probability that the first project is a right answer: a logistic
model of the best score (0–1, which already discounts the parts of a question the knowledge
base knows nothing about), its lead over the second and the share of the question's words the
collection knows, fitted on the dev set and its out-of-scope questions (`bench/qa_calibrate.py`).
`confident` — cards rather than « I am not sure » — is that probability reaching
`CONFIDENT_PROBABILITY`, unless the question is `split` between projects: a question whose
every word the collection knows, but never together (« logement des gendarmes »), gets a high
probability from the known share, so the first project's own coverage decides there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.projects.absent import absent_english, absent_french, unknown_names
from handlers.projects.chatter import quiet
from handlers.projects.language import (
    Lang,
    correct,
    detect,
    english_corrections,
    english_verbs,
    expressions,
    in_english,
    to_french,
)
from handlers.projects.order import Order, read_order
from handlers.projects.record import years_text
from handlers.projects.scope import Scope, read
from handlers.projects.shorthand import expand_sms
from handlers.projects.synonyms import thesaurus
from store import projects as store
from store.models import Project
from store.projects import Filters
from store.search import (
    MAX_QUERY_CHARS,
    Correction,
    SearchHit,
    has_terms,
    search,
    search_documents,
)

CALIBRATION = (-4.694, 5.785, 1.900, 3.795)
CONFIDENT_PROBABILITY = 0.7
SPLIT_SHARE, SPLIT_LEAD = 1 / 3, 0.2
ELSEWHERE_MOSTLY = 1 / 2
TIED_LEAD = 0.1
ABSENT_SHARE = 1 / 4
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
    language: Lang = "fr"
    known: float = 1.0
    elsewhere: float = 0.0
    missing: int = 0
    concepts: int = 0
    """How many of the question's concepts the collection knows (`concepts`), and how many of
    them the first project lacks (`missing`)."""
    compound: bool = False
    """Whether the first project lacks a part of the question written in several words."""
    read_as: str | None = None
    applied: tuple[tuple[str, str], ...] = ()
    absent: tuple[str, ...] = ()
    """The question's words naming people or things no project mentions (« secure tablets for
    firefighters », « recruitment app for the navy », « appli pour la marine »: `absent.py`)."""
    named: tuple[str, ...] = ()
    """Those of `absent` written as names (« a CHU de Bordeaux », « the Marseille hospitals »)."""

    @property
    def confidence(self) -> float:
        """The probability that the first project answers the question (0 without matches)."""
        if not self.matches:
            return 0.0
        if not self.query:
            return 1.0
        bias, *weights = CALIBRATION
        value = bias + sum(w * x for w, x in zip(weights, features(self), strict=True))
        return 1 / (1 + math.exp(-value))

    @property
    def split(self) -> bool:
        """Whether the question's parts belong to different projects: the first lacks a third
        or more of what the collection knows of the question, and the second is nearly as
        good. « télémédecine en prison » is the prison project or the telemedicine one, never
        both; every word is known, so the probability alone would present the first. A first
        project lacking half of it is no answer whatever the second, counted by weight
        (« coaching des enseignants en collège » on a project that says « enseignement » but
        neither coaching nor teachers) or by concept, so that one rare word it has cannot
        carry the common ones it lacks (« parcours de soins des détenus » on the prison
        project). A filter the project passes (a place, a year) is one concept it has. And a
        first project lacking a concept while another scores the same is a coin toss
        (« accompagnement des directeurs d'école »: both say « directeurs » and « école »).
        Nor is a first project lacking a part of the question written in several words, a
        `compound`: that part is what the question asks about (« parcours d'art contemporain
        pour les malades chroniques » on the art trail, which has no patients)."""
        scores = [m.score for m in self.matches[:2]] + [0.0, 0.0]
        if self.elsewhere >= ELSEWHERE_MOSTLY or self.compound:
            return True
        lead = scores[0] - scores[1]
        if self.missing and self.missing * 2 >= self.concepts + bool(self.applied):
            return True
        if self.missing and lead < TIED_LEAD:
            return True
        return self.elsewhere >= SPLIT_SHARE and lead < SPLIT_LEAD

    @property
    def elsewhere_about(self) -> bool:
        """Whether the question is about people or things no project mentions (`absent`): a
        project with everything else of it is about someone else. A place or an organisation
        no project names always is (`named`); a common word is when it is a fair part of what
        the question says, a quarter or more of its concepts: the subject of « secure tablets
        for firefighters », a detail of a long question whose every other concept the
        catalogue knows (« … ça a allégé le boulot des gestionnaires ? », « the support for
        heads of unit in the regional youth, sports and social cohesion directorates »)."""
        if self.named:
            return True
        absent = len(self.absent)
        return bool(absent) and absent >= ABSENT_SHARE * (self.concepts + absent)

    @property
    def confident(self) -> bool:
        """Sure of the first project: probable enough, not split between projects, and not
        about people or things no project mentions (`elsewhere_about`)."""
        return (
            self.confidence >= CONFIDENT_PROBABILITY and not self.split and not self.elsewhere_about
        )


def features(answer: Answer) -> tuple[float, float, float]:
    """What the confidence is computed from: best score, lead over the second, known share."""
    scores = [m.score for m in answer.matches[:2]] + [0.0, 0.0]
    return scores[0], scores[0] - scores[1], answer.known


def ask(
    session: Session,
    question: str,
    *,
    limit: int = DEFAULT_LIMIT,
    filters: Filters | None = None,
    read_filters: bool = True,
) -> Answer:
    """The best projects for a question (or, with filters and no question, the latest ones)."""
    query = " ".join(question.split())
    truncated = len(query) > MAX_QUERY_CHARS
    expanded = expand_sms(query)
    language = detect(expanded)
    within = expressions(expanded) if language == "en" else ()
    order, asked = read_order(quiet(expanded))
    scope = (
        read(asked, filters, within=within) if read_filters else Scope(filters or Filters(), asked)
    )
    fixed = english_corrections(scope.text) if language == "en" else {}
    searched = to_french(correct(scope.text, fixed)) if language == "en" else scope.text
    if not has_terms(searched):
        if not scope.filters and order is None:
            return Answer(query, "no_terms" if query else "empty", language=language)
        return Answer(
            query,
            "answered",
            _listed(session, scope.filters, order or "newest", limit),
            language=language,
            applied=scope.applied + (((order, ""),) if order else ()),
        )
    found = search(
        session,
        doc_type=store.DOC_TYPE,
        query=searched,
        limit=limit,
        thesaurus=thesaurus(),
        within=store.admits(scope.filters) if scope.filters else None,
        optional=to_french(scope.removed) if language == "en" else scope.removed,
        compounds=language == "fr",
        cognates=language == "en",
        verbs=english_verbs(correct(scope.text, fixed)) if language == "en" else frozenset(),
    )
    read_as = _corrected(expanded, found.corrections, fixed, language)
    typed = expanded if language == "en" else asked
    names = unknown_names(typed, found.unknown)
    absent = (
        absent_english(typed, searched, found.unknown, names)
        if language == "en"
        else absent_french(typed, found.unknown, names)
    )
    return Answer(
        query,
        "answered",
        _matches(session, found.hits),
        truncated,
        read_as=read_as if read_as != query else None,
        known=found.known,
        elsewhere=found.elsewhere,
        missing=found.lacking.concepts if found.lacking else 0,
        concepts=found.lacking.known if found.lacking else 0,
        compound=found.lacking.compound if found.lacking else False,
        language=language,
        applied=scope.applied,
        absent=absent,
        named=tuple(word for word in absent if word in names),
    )


def _corrected(
    text: str, corrections: tuple[Correction, ...], english: dict[str, str], language: Lang
) -> str:
    """The question with each corrected word replaced by the collection's spelling, or for an
    English question by the English word (the glossary's, or the collection's French word
    said in English when the glossary has it)."""
    if language == "en":
        meant = {c.typed: in_english(c.meant) for c in corrections} | english
    else:
        meant = {c.typed: c.meant for c in corrections}
    return correct(text, meant)


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


def _listed(session: Session, filters: Filters, order: Order, limit: int) -> list[Match]:
    """The projects passing the filters, the newest first unless the oldest were asked for."""
    ids = store.matching(filters).subquery()
    started = Project.start_year.asc() if order == "oldest" else Project.start_year.desc()
    found = session.scalars(
        select(Project)
        .where(Project.id.in_(select(ids.c.id)))
        .order_by(started.nulls_last(), Project.slug)
        .limit(limit)
    )
    return [Match(project, 1.0, project.summary) for project in found]


def to_json(answer: Answer) -> dict[str, Any]:
    """The `relais ask --json` shape."""
    return {
        "query": answer.query,
        "confident": answer.confident,
        "confidence": round(answer.confidence, 3),
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
