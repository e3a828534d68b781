"""The idea lifecycle: which status may follow which, and the words people type for them.

    publiée → (en instruction →) retenue | non retenue | fusionnée
    retenue → en expérimentation → en déploiement → réalisée | abandonnée

The committee may decide on a published idea in one step, or put it under review first.
An idea may also be merged before instruction (an obvious duplicate); the author may withdraw
it while no decision is taken. Every change carries a public answer.
"""

from __future__ import annotations

import unicodedata

from handlers.i18n import Translator
from store.models.ideas import (
    ABANDONED,
    DEPLOYING,
    DONE,
    EXPERIMENTING,
    IN_REVIEW,
    MERGED,
    NOT_RETAINED,
    PUBLISHED,
    RETAINED,
)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    PUBLISHED: (RETAINED, NOT_RETAINED, IN_REVIEW, MERGED),
    IN_REVIEW: (RETAINED, NOT_RETAINED, MERGED),
    RETAINED: (EXPERIMENTING, DEPLOYING, DONE, ABANDONED),
    EXPERIMENTING: (DEPLOYING, DONE, ABANDONED),
    DEPLOYING: (DONE, ABANDONED),
}

# What people may type, after accents are dropped and separators unified (French, English).
_WORDS: dict[str, str] = {
    "instruction": IN_REVIEW,
    "en-instruction": IN_REVIEW,
    "review": IN_REVIEW,
    "retenue": RETAINED,
    "retenir": RETAINED,
    "retained": RETAINED,
    "non-retenue": NOT_RETAINED,
    "nonretenue": NOT_RETAINED,
    "rejetee": NOT_RETAINED,
    "not-retained": NOT_RETAINED,
    "rejected": NOT_RETAINED,
    "fusionnee": MERGED,
    "fusion": MERGED,
    "merged": MERGED,
    "experimentation": EXPERIMENTING,
    "en-experimentation": EXPERIMENTING,
    "experiment": EXPERIMENTING,
    "deploiement": DEPLOYING,
    "en-deploiement": DEPLOYING,
    "rollout": DEPLOYING,
    "realisee": DONE,
    "done": DONE,
    "implemented": DONE,
    "abandonnee": ABANDONED,
    "abandoned": ABANDONED,
}

# The word shown in help and error messages for each status one can move to.
TYPED: dict[str, str] = {
    IN_REVIEW: "instruction",
    RETAINED: "retenue",
    NOT_RETAINED: "non-retenue",
    MERGED: "fusionnee",
    EXPERIMENTING: "experimentation",
    DEPLOYING: "deploiement",
    DONE: "realisee",
    ABANDONED: "abandonnee",
}


def parse_status(word: str) -> str | None:
    """`Réalisée`, `non retenue`, `non_retenue`, `done` → the stored status; None if unknown."""
    folded = unicodedata.normalize("NFKD", word.strip().lower())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    plain = "-".join(plain.replace("_", " ").replace("-", " ").split())
    return _WORDS.get(plain)


def allowed_after(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def label(t: Translator, status: str) -> str:
    """The status as people read it (« en instruction », « retenue »…)."""
    return t(f"ideas.status.{status}")
