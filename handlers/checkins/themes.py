"""New themes in written answers: words several members used this time and nobody before.

Plain counting, no model: a word (five letters or more, not a function word) counts once per
answer; it is a theme from two answers, and new if no earlier occurrence's answers used it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

SHOWN = 5
MIN_ANSWERS = 2
_WORD = re.compile(r"[^\W\d_]{5,}")
_COMMON = frozenset(
    {
        "avoir",
        "etre",
        "faire",
        "cette",
        "comme",
        "aussi",
        "encore",
        "toujours",
        "beaucoup",
        "quand",
        "depuis",
        "avant",
        "apres",
        "parce",
        "leurs",
        "notre",
        "votre",
        "nous",
        "vous",
        "elles",
        "alors",
        "ainsi",
        "donc",
        "mais",
        "entre",
        "chose",
        "choses",
        "there",
        "their",
        "about",
        "would",
        "could",
        "should",
        "which",
        "these",
        "those",
        "being",
        "having",
    }
)


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> set[str]:
    return {w for w in (_fold(m) for m in _WORD.findall(text)) if w not in _COMMON}


def new_themes(current: Iterable[str], earlier: Iterable[str]) -> list[str]:
    """Up to `SHOWN` words, most used first, that are new this time."""
    seen_before: set[str] = set()
    for text in earlier:
        seen_before |= _words(text)
    counted: Counter[str] = Counter()
    for text in current:
        counted.update(_words(text))
    return [
        word
        for word, count in sorted(counted.items(), key=lambda pair: (-pair[1], pair[0]))
        if count >= MIN_ANSWERS and word not in seen_before
    ][:SHOWN]
