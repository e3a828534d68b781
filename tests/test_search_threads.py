"""Questions are answered on several threads at once (the worker's handlers, the server's
pool): the index terms of a word must not depend on what another thread stems meanwhile. A
stemmer shared between threads mixed their words and failed with an IndexError in the
question's handler (seen under bench/slack_ack.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from store.search import analysis

WORDS = [
    "transformations",
    "organisationnelles",
    "accompagnements",
    "managériaux",
    "dématérialisées",
    "simplifications",
    "expérimentations",
    "télémédecine",
    "pénitentiaires",
    "coopératives",
    "intercommunalités",
    "réorganisations",
    "hospitalières",
    "numériques",
]


@pytest.fixture
def switching_often() -> Iterator[None]:
    """Threads take turns every microsecond, so that a turn falls inside a word's stemming."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _stems(thread: int) -> list[str | None]:
    return [analysis.term(f"{word}{thread}x{n}") for n in range(120) for word in WORDS]


@pytest.mark.usefixtures("switching_often")
def test_words_stemmed_on_several_threads_get_the_terms_they_get_alone() -> None:
    alone = {thread: _stems(thread) for thread in range(8)}
    analysis._CACHE.clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = dict(zip(range(8), pool.map(_stems, range(8)), strict=True))
    assert together == alone
