"""Who may do what: the five roles, their French (and English) names, and which role satisfies
which requirement."""

from __future__ import annotations

import re

from handlers.when.parse import normalise
from store.models import ROLES

__all__ = ["ROLES", "role_named", "satisfies"]

# A held role (key) also satisfies these required roles: admins can do everything; staff run
# programmes, so they may also act as coaches and as the ideas committee.
_IMPLIES: dict[str, frozenset[str]] = {
    "admin": frozenset(ROLES),
    "staff": frozenset({"staff", "coach", "committee", "member"}),
    "coach": frozenset({"coach", "member"}),
    "committee": frozenset({"committee", "member"}),
    "member": frozenset({"member"}),
}

# Names people type, without accents, singular or plural: French first, English accepted.
_NAMES: dict[str, str] = {
    **dict.fromkeys(("membre", "membres", "member", "members"), "member"),
    **dict.fromkeys(("coach", "coachs", "coaches"), "coach"),
    **dict.fromkeys(
        (
            "equipe programme",
            "equipe du programme",
            "equipe",
            "programme",
            "staff",
        ),
        "staff",
    ),
    **dict.fromkeys(("comite", "comites", "committee", "commitee"), "committee"),
    **dict.fromkeys(
        ("admin", "admins", "administrateur", "administratrice", "administrator"), "admin"
    ),
}


def role_named(text: str) -> str | None:
    """`comité`, `equipe programme`, `Coachs`, `committee` → the role; None if no role."""
    cleaned = re.sub(r"[-_]", " ", normalise(text))
    return _NAMES.get(re.sub(r"^(?:le|la|les|l'|role)\s*", "", cleaned).strip())


def satisfies(held: set[str] | frozenset[str], required: str) -> bool:
    """Everyone is a member; otherwise one held role must imply the required one."""
    if required == "member":
        return True
    return any(required in _IMPLIES.get(role, frozenset()) for role in held)
