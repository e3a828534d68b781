"""What a feature filters its documents on, indexed beside their text (`engine.FACET`, `LOW`,
`HIGH`), so that a filtered question is one query: the index ranks only the documents that can
pass instead of ranking hundreds and leaving Python to test each.

A feature registers a `Source` for its doc_type (the projects' years and folded facets); a
filter it answers in memory is then a `Faceted`: the exact test (`Admits`) and the `Clause` it
asks of the index, which may let through more documents than the test (never fewer), since the
test still decides. Light on purpose: no engine import, as in the package's `__init__`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, Protocol, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")


class Index(Protocol):
    """What a filter reads of the index (`engine.Built`)."""

    def beside(self, name: str, load: Callable[[], T]) -> T: ...

    def facet_terms(self, prefix: str) -> list[str]: ...


Admits = Callable[[Session, Index], Callable[[int], bool]]
"""A filter answered in memory: given the index (and what a feature keeps beside it, see
`Built.beside`), the test a doc_id must pass. The alternative to a `Select` of doc_ids, which
costs a database query on hundreds of candidates."""

Range = tuple[int | None, int | None]
"""Inclusive bounds, None for an open side."""


class Facets(NamedTuple):
    """One document's facet terms and its two numbers (a project's start and end years)."""

    terms: list[str]
    low: int | None
    high: int | None


class Source(Protocol):
    """A feature's facets of each document, read once per index build."""

    def facets(self, doc_id: int) -> Facets | None: ...


@dataclass(frozen=True)
class Clause:
    """What a filter asks of the index: for each group, one of its facet terms (an empty group
    lets nothing through), and `LOW` / `HIGH` within a range (a document without the number
    does not pass)."""

    groups: tuple[tuple[str, ...], ...] = ()
    low: Range | None = None
    high: Range | None = None


@dataclass(frozen=True)
class Faceted:
    """An `Admits` that the index can also answer: `clause` lists, from the facet terms the
    index holds (`Built.facet_terms`), those a passing document may have."""

    admits: Admits
    clause: Callable[[Index], Clause]

    def __call__(self, session: Session, index: Index) -> Callable[[int], bool]:
        return self.admits(session, index)


SOURCES: dict[str, tuple[str, Callable[[Session], Source]]] = {}


def register(doc_type: str, name: str, load: Callable[[Session], Source]) -> None:
    """Indexes `doc_type`'s facets from `load`, whose result is then kept beside the index
    under `name` (`Built.beside`): a feature's filters read the same table."""
    SOURCES[doc_type] = (name, load)
