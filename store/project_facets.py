"""The projects' filter values in memory and in the search index.

`matching` (store/projects.py) filters with LIKE patterns on `facets`, the folded values one
after another (`|theme=…|region=…|kind=…|org=…|`). In memory the same patterns are regular
expressions run on a `FacetTable`; in the search index each value between two `|` is a facet
term, and a pattern becomes the terms it may match (`terms_for`). A pattern can only start
matching at a `|`, so at one of those terms; what it reads past the term's end (a pattern
longer than the value) is not known from the term alone, and such a term is kept: the terms
let through every project the pattern matches, and the exact test decides.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Project
from store.search.facets import Facets, Index

NO_YEAR = -(2**31)
OPEN_END = 2**61
"""The end year indexed for a project still running: after any year a filter names."""
ODD = "|"
"""The facet term of a project whose organisation is followed by more values (never the
case when the facets are written by `facets_of`): an organisation pattern reads everything
after « org= », so its terms cannot tell; it lets such a project through."""
ANYWHERE = "%"


@dataclass(frozen=True)
class FacetTable:
    """Years (`NO_YEAR` when unknown) and folded facets of every project, in columns (about
    19 MB for 100,000 projects, where a dict of tuples took 41): ids sorted, facets one after
    another in UTF-8 (as one `str`, a single non-ASCII character would double its size)."""

    ids: array[int]
    starts: array[int]
    ends: array[int]
    offsets: array[int]
    text: bytearray

    @classmethod
    def load(cls, session: Session) -> FacetTable:
        ids, starts, ends, offsets = array("q"), array("i"), array("i"), array("q", [0])
        text = bytearray()
        for project_id, start, end, facets in session.connection().execute(
            select(Project.id, Project.start_year, Project.end_year, Project.facets)
            .order_by(Project.id)
            .execution_options(yield_per=5000)
        ):
            ids.append(project_id)
            starts.append(NO_YEAR if start is None else start)
            ends.append(NO_YEAR if end is None else end)
            text += facets.encode()
            offsets.append(len(text))
        return cls(ids, starts, ends, offsets, text)

    def position(self, project_id: int) -> int | None:
        """Where a project is: straight at its id's distance from the first when no id was
        skipped before it (ids are mostly dense), else by bisection."""
        ids = self.ids
        at = project_id - ids[0] if ids else -1
        if 0 <= at < len(ids) and ids[at] == project_id:
            return at
        at = bisect_left(ids, project_id)
        return at if at < len(ids) and ids[at] == project_id else None

    def facets(self, project_id: int) -> Facets | None:
        """What the search index holds of a project: each value that follows a `|` (where a
        pattern may start), the start year, and the end year (`OPEN_END` when unknown)."""
        at = self.position(project_id)
        if at is None:
            return None
        text = self.text[self.offsets[at] : self.offsets[at + 1]].decode()
        terms = [chunk for chunk in text.split("|")[1:] if chunk]
        org = text.find("|org=")
        if org >= 0 and "|" in text[org + 1 :].rstrip("|"):
            terms.append(ODD)
        start, end = self.starts[at], self.ends[at]
        return Facets(
            terms, None if start == NO_YEAR else start, OPEN_END if end == NO_YEAR else end
        )


def terms_for(index: Index, pattern: str) -> tuple[str, ...]:
    """The facet terms a project matching a `%|name=…%` pattern may have (`%|org=%…%`: the
    name anywhere in the organisation)."""
    name, _, value = pattern.removeprefix("%|").partition("=")
    held = index.facet_terms(f"{name}=")
    if value.startswith(ANYWHERE):
        regex = like_regex(pattern)
        return (*(t for t in held if regex.match(f"|{t}|")), ODD)
    wanted = _characters(value.removesuffix(ANYWHERE))
    if wanted is None:
        return (*held, ODD)
    start = len(name) + 1
    return tuple(t for t in held if _may_start(wanted, t[start:] + "|"))


def _like_parts(pattern: str) -> list[tuple[str, bool]]:
    """A LIKE pattern's characters, each with whether it is a wildcard (`%` any text, `_` one
    character); a backslash makes the next character literal."""
    parts: list[tuple[str, bool]] = []
    escaped = False
    for char in pattern:
        if escaped or char not in "%_\\":
            parts.append((char, False))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            parts.append((char, True))
    return parts


def _characters(pattern: str) -> list[str | None] | None:
    """A LIKE pattern as characters (None for `_`, any one), None when it holds a `%`."""
    parts = _like_parts(pattern)
    if (ANYWHERE, True) in parts:
        return None
    return [None if wild else char for char, wild in parts]


def _may_start(wanted: list[str | None], text: str) -> bool:
    """Whether `text` begins with the pattern, or with its beginning when it is shorter."""
    return all(c is None or c == t for c, t in zip(wanted, text, strict=False))


def like_regex(pattern: str) -> re.Pattern[str]:
    """A LIKE pattern as a regular expression to `search` with (`%` any text, `_` one
    character, a backslash makes the next character literal), anchored at each end that is
    not a `%`: `.*` at both ends made every test scan the text back and forth."""
    parts = [
        (".*" if char == ANYWHERE else ".") if wild else re.escape(char)
        for char, wild in _like_parts(pattern)
    ]
    start = 1 if parts[:1] == [".*"] else 0
    end = len(parts) - 1 if len(parts) > start and parts[-1] == ".*" else len(parts)
    anchors = ("" if start else r"\A", "" if end < len(parts) else r"\Z")
    return re.compile(anchors[0] + "".join(parts[start:end]) + anchors[1], re.DOTALL)
