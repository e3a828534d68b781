"""The order a question asks for, which is no subject: « les projets les plus anciens »,
« les plus récents », « the latest projects », « the oldest ones ».

Searched, « anciens » or « latest » were words no project has: « je cherche les projets les
plus anciens, ceux qui ont démarré avant 2012 » found nothing, where its filter alone lists
three projects. Taken out of the question, they say how to list projects when nothing else is
asked; a question with a subject is still answered by relevance.
"""

from __future__ import annotations

import re
from typing import Literal

Order = Literal["oldest", "newest"]

_OLDEST = re.compile(
    r"\b(?:(?:les?|la|the)\s+)?(?:plus\s+(?:anciens?|anciennes?|vieux|vieilles?)"
    r"|oldest|earliest)(?:\s+(?:ones?|d'abord|en\s+premier))?\b",
    re.IGNORECASE,
)
_NEWEST = re.compile(
    r"\b(?:(?:les?|la|the)\s+)?(?:plus\s+r[ée]cents?|plus\s+r[ée]centes?|derniers?|dernières?"
    r"|latest|newest|most\s+recent|r[ée]cents?|recent)(?:\s+(?:ones?|d'abord|en\s+premier))?\b",
    re.IGNORECASE,
)


_ORDERS: tuple[tuple[Order, re.Pattern[str]], ...] = (("oldest", _OLDEST), ("newest", _NEWEST))


def read_order(text: str) -> tuple[Order | None, str]:
    """The order asked for, and the question without the words that asked it."""
    for order, pattern in _ORDERS:
        if pattern.search(text):
            return order, " ".join(pattern.sub(" ", text).split())
    return None, text
