"""Queries about past projects, their alumni, feedback and unanswered questions.

Projects are written in batches through `upsert_many` (by slug), which also keeps the shared
full-text index in step (doc_type `project`). The caller owns the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, or_, select
from sqlalchemy.orm import Session

from store.models import Project
from store.project_facets import NO_YEAR, FacetTable, like_regex, terms_for
from store.search import Clause, Document, Faceted, index_documents
from store.search.analysis import fold, folded_name
from store.search.facets import Index, register

DOC_TYPE = "project"
FACETS = "project_facets"
FIELDS = (
    "slug", "title", "summary", "description", "organisation", "kind", "region", "start_year",
    "end_year", "people", "themes", "methods", "partners", "results", "award", "lessons", "sources",
)  # fmt: skip


@dataclass(frozen=True)
class Upserted:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Filters:
    """What `/relais projets` can be narrowed to; empty fields do not filter."""

    year_from: int | None = None
    year_to: int | None = None
    organisation: str | None = None
    theme: str | None = None
    region: str | None = None
    kind: str | None = None
    kinds: tuple[str, ...] = ()
    started: bool = False
    """The years are those the project started in (« démarrés en 2009 »), not any it ran."""

    def __bool__(self) -> bool:
        return any(
            value not in (None, "", ()) for name, value in vars(self).items() if name != "started"
        )


def values_of(project: Project) -> dict[str, Any]:
    return {name: getattr(project, name) for name in FIELDS}


def facets_of(values: Mapping[str, Any]) -> str:
    """Folded filter values in a fixed order, the organisation last (it is matched inside)."""
    parts = [f"theme={folded_name(theme)}" for theme in values["themes"]]
    parts += [
        f"region={folded_name(values['region'] or '')}",
        f"kind={folded_name(values['kind'])}",
    ]
    parts.append(f"org={folded_name(values['organisation'])}")
    return "|" + "|".join(parts) + "|"


def document_of(doc_id: int, values: Mapping[str, Any]) -> Document:
    """Title first; names, places, themes and methods as keywords; the narrative as body."""
    people = values["people"]
    keywords = [
        values["organisation"],
        values["kind"],
        values["region"] or "",
        values["award"] or "",
    ]
    keywords += values["themes"] + values["methods"] + values["partners"]
    keywords += [person["name"] for person in people]
    body = [values["summary"], values["description"], *values["results"], *values["lessons"]]
    body += [f"{p['name']} : {p.get('role') or ''} {p.get('organisation') or ''}" for p in people]
    return Document(
        doc_id=doc_id,
        title=values["title"],
        keywords=" ; ".join(k for k in keywords if k),
        body="\n".join(part for part in body if part),
    )


def upsert_many(
    session: Session, records: Sequence[Mapping[str, Any]], *, now: datetime
) -> Upserted:
    """Creates or replaces projects by slug and reindexes those that changed."""
    slugs = [values["slug"] for values in records]
    existing = {p.slug: p for p in session.scalars(select(Project).where(Project.slug.in_(slugs)))}
    fresh: list[dict[str, Any]] = []
    changed: list[tuple[int, Mapping[str, Any]]] = []
    unchanged = 0
    for values in records:
        project = existing.get(values["slug"])
        if project is None:
            fresh.append(
                {**values, "facets": facets_of(values), "created_at": now, "updated_at": now}
            )
        elif values_of(project) == {name: values[name] for name in FIELDS}:
            unchanged += 1
        else:
            for name in FIELDS:
                setattr(project, name, values[name])
            project.facets = facets_of(values)
            project.updated_at = now
            changed.append((project.id, values))
    if fresh:
        session.execute(insert(Project.metadata.tables["projects"]), fresh)
        new_slugs = [values["slug"] for values in fresh]
        ids = {
            slug: project_id
            for slug, project_id in session.execute(
                select(Project.slug, Project.id).where(Project.slug.in_(new_slugs))
            )
        }
        changed += [(ids[values["slug"]], values) for values in fresh]
    session.flush()
    index_documents(session, doc_type=DOC_TYPE, documents=[document_of(i, v) for i, v in changed])
    return Upserted(created=len(fresh), updated=len(changed) - len(fresh), unchanged=unchanged)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Project)) or 0


def by_slug(session: Session, slug: str) -> Project | None:
    return session.scalar(select(Project).where(Project.slug == slug.strip().lower()))


def by_ids(session: Session, ids: Sequence[int]) -> dict[int, Project]:
    """With a statement built once: every answer reads its projects this way."""
    return {p.id: p for p in session.scalars(_BY_IDS, {"ids": list(ids)})}


_BY_IDS = select(Project).where(Project.id.in_(bindparam("ids", expanding=True)))


def slugs(session: Session) -> list[str]:
    return list(session.scalars(select(Project.slug).order_by(Project.slug)))


def every(session: Session, *, batch: int = 1000) -> Iterator[Project]:
    """All projects by slug, read in batches (exports of large stores)."""
    yield from session.scalars(
        select(Project).order_by(Project.slug).execution_options(yield_per=batch)
    )


def matching(filters: Filters) -> Select[int]:
    """The ids of projects passing the filters; text filters ignore case, accents and how
    words are separated (« Grand-Est » finds « Grand Est »)."""
    query = select(Project.id)
    if filters.year_from is not None and filters.started:
        query = query.where(Project.start_year >= filters.year_from)
    elif filters.year_from is not None:
        query = query.where(or_(Project.end_year >= filters.year_from, Project.end_year.is_(None)))
        query = query.where(Project.start_year.is_not(None))
    if filters.year_to is not None:
        query = query.where(Project.start_year <= filters.year_to)
    every, kinds = _facet_patterns(filters)
    for pattern in every:
        query = query.where(Project.facets.like(pattern, escape="\\"))
    if kinds:
        query = query.where(or_(*(Project.facets.like(k, escape="\\") for k in kinds)))
    return query


def admits(filters: Filters) -> Faceted:
    """`matching` answered in memory for search candidates: the years and facets of every
    project are kept beside the search index (rebuilt with it after any write, which every
    change of a project makes) instead of a database query on hundreds of candidate ids.
    The same LIKE patterns, read as regular expressions; the kinds, of which one must match,
    as one alternation. The index is asked first (`clause`): it ranks only the projects the
    filter may let through, so that a few candidates are tested instead of hundreds."""
    every, kinds = _facet_patterns(filters)
    patterns = [like_regex(p) for p in every]
    if kinds:
        either = "|".join(f"(?:{like_regex(k).pattern})" for k in kinds)
        patterns.append(re.compile(either, re.DOTALL))
    test = _every(patterns)
    low, high, started = filters.year_from, filters.year_to, filters.started
    years = low is not None or high is not None

    def admitted(session: Session, index: Index) -> Callable[[int], bool]:
        table = index.beside(FACETS, lambda: FacetTable.load(session))
        position, starts, ends = table.position, table.starts, table.ends
        offsets, text = table.offsets, table.text

        def passes(project_id: int) -> bool:
            at = position(project_id)
            if at is None:
                return False
            if years:
                start, end = starts[at], ends[at]
                if started and low is not None and (start == NO_YEAR or start < low):
                    return False
                if low is not None and (start == NO_YEAR or (end != NO_YEAR and end < low)):
                    return False
                if high is not None and (start == NO_YEAR or start > high):
                    return False
            if test is None:
                return True
            return bool(test(text[offsets[at] : offsets[at + 1]].decode()))

        return passes

    def clause(index: Index) -> Clause:
        groups = [terms_for(index, pattern) for pattern in every]
        if kinds:
            groups.append(tuple(dict.fromkeys(t for k in kinds for t in terms_for(index, k))))
        return Clause(
            tuple(groups),
            low=(low if started else None, high) if years else None,
            high=(low, None) if low is not None else None,
        )

    return Faceted(admitted, clause)


register(DOC_TYPE, FACETS, FacetTable.load)


def _every(patterns: list[re.Pattern[str]]) -> Callable[[str], object] | None:
    """A test that facets match every pattern: none, one pattern's own `search` (the common
    case), or each in turn."""
    if len(patterns) <= 1:
        return patterns[0].search if patterns else None
    return lambda facets: all(pattern.search(facets) for pattern in patterns)


def _facet_patterns(filters: Filters) -> tuple[list[str], list[str]]:
    """The LIKE patterns (backslash escapes) on `facets` that a project must all match, and
    those of which it must match one (the kinds a word like « hôpital » stands for)."""
    every = []
    for name, value, anywhere in (
        ("theme", filters.theme, False),
        ("region", filters.region, False),
        ("kind", filters.kind, False),
        ("org", filters.organisation, True),
    ):
        if value:
            pattern = _SEPARATORS.sub("_", _like(fold(value.strip())))
            every.append(f"%|{name}=%{pattern}%" if anywhere else f"%|{name}={pattern}%")
    return every, [_pattern("kind", k) for k in filters.kinds]


def _pattern(name: str, value: str) -> str:
    return f"%|{name}={_SEPARATORS.sub('_', _like(fold(value.strip())))}%"


_SEPARATORS = re.compile(r"[\s'’-]")


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def common_themes(session: Session, *, limit: int, sample: int = 500) -> list[str]:
    """The most frequent themes among a sample of projects, for suggestions."""
    counts: dict[str, int] = {}
    for themes in session.scalars(select(Project.themes).order_by(Project.id).limit(sample)):
        for theme in themes:
            counts[theme] = counts.get(theme, 0) + 1
    return [theme for theme, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))][
        :limit
    ]
