"""Who may do what: the five roles and which role satisfies which requirement."""

from __future__ import annotations

from store.models import ROLES

__all__ = ["ROLES", "satisfies"]

# A held role (key) also satisfies these required roles: admins can do everything; staff run
# programmes, so they may also act as coaches and as the ideas committee.
_IMPLIES: dict[str, frozenset[str]] = {
    "admin": frozenset(ROLES),
    "staff": frozenset({"staff", "coach", "committee", "member"}),
    "coach": frozenset({"coach", "member"}),
    "committee": frozenset({"committee", "member"}),
    "member": frozenset({"member"}),
}


def satisfies(held: set[str] | frozenset[str], required: str) -> bool:
    """Everyone is a member; otherwise one held role must imply the required one."""
    if required == "member":
        return True
    return any(required in _IMPLIES.get(role, frozenset()) for role in held)
