"""The Payette–Champagne method as data: its steps, who speaks in each, and default durations.

Steps 0–6 run inside a session; step 7 (follow-up) is the opening of the next session, where the
former client reports on their action plan. The speaking rules are soft: they only decide which
reminder, if any, a message deserves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

Role = Literal["client", "consultant", "facilitator"]

FORMATS: tuple[str, ...] = ("court", "long")
FORMAT_ALIASES: dict[str, str] = {"short": "court", "court": "court", "long": "long"}
DEFAULT_MINUTES: dict[str, tuple[int, ...]] = {
    "court": (10, 10, 15, 5, 25, 15, 10),
    "long": (20, 15, 35, 15, 35, 20, 30),
}
STEPS: tuple[int, ...] = tuple(range(7))
OPENING, EXPOSE, CLARIFICATION, CONTRACT, CONSULTATION, SYNTHESIS, LEARNINGS = STEPS
LAST_STEP = LEARNINGS
MAX_MINUTES = 180
MIN_MEMBERS, MAX_MEMBERS = 4, 8


def minutes_for(fmt: str, overrides: Mapping[str, Sequence[int]]) -> list[int]:
    """The minutes of each step for a format, with the group's own changes applied."""
    own = overrides.get(fmt)
    if own is not None and len(own) == len(STEPS):
        return [int(m) for m in own]
    return list(DEFAULT_MINUTES[fmt])


def with_change(
    fmt: str, overrides: Mapping[str, Sequence[int]], *, step: int, minutes: int
) -> dict[str, list[int]]:
    """The group's overrides after setting one step's duration."""
    changed = {key: list(value) for key, value in overrides.items()}
    current = minutes_for(fmt, overrides)
    current[step] = minutes
    changed[fmt] = current
    return changed


def is_question(text: str) -> bool:
    return "?" in text


def reminder_for(step: int, role: Role, text: str) -> str | None:
    """The i18n key of the speaking-rule reminder this message deserves, if any."""
    if role == "facilitator":
        return None
    if step == EXPOSE and role == "consultant":
        return "codev.rule.expose"
    if step == CLARIFICATION and role == "consultant" and not is_question(text):
        return "codev.rule.clarification"
    if step == CONSULTATION and role == "client":
        return "codev.rule.consultation"
    return None
