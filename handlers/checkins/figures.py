"""Figures per occurrence, with k-anonymity: content aggregates only from `K_ANONYMITY` answers.

Response counts are always shown (they say how many, not who or what). Averages of answers are
hidden below the threshold unless the cohort is nominative, whose members were told in every
check-in that staff see their answers. They are also hidden while any round of the occurrence
is still open or planned: an average that moves with each new answer gives that answer away by
difference.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from statistics import mean
from typing import Any

from sqlalchemy.orm import Session

from store import checkin_rounds
from store.models import CheckinAnswer, CheckinOccurrence, CheckinRound, Cohort
from store.models.checkins import (
    ROUND_ABSENT,
    ROUND_CLOSED,
    ROUND_EXPIRED,
    ROUND_OPEN,
    ROUND_PLANNED,
)

K_ANONYMITY = 5


@dataclass
class OccurrenceFigures:
    slot: datetime
    questions: list[dict[str, Any]]
    sent: int = 0
    answered: int = 0
    expired: int = 0
    absent: int = 0
    open: int = 0
    planned: int = 0
    averages: dict[str, float] = field(default_factory=dict)
    hidden: bool = False
    rounds: list[tuple[CheckinRound, dict[str, CheckinAnswer]]] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None

    @property
    def closed(self) -> bool:
        """Every member's answer window is over: the figures will not move any more."""
        return self.open == 0 and self.planned == 0

    @property
    def mood(self) -> float | None:
        return self.averages.get("mood")


def cohort_figures(session: Session, *, cohort: Cohort) -> list[OccurrenceFigures]:
    """Every occurrence that has begun (some round left the planned state), oldest first."""
    occurrences = checkin_rounds.occurrences_of(session, cohort=cohort)
    grouped: dict[int, list[tuple[CheckinRound, dict[str, CheckinAnswer]]]] = defaultdict(list)
    for round_, answers in checkin_rounds.rounds_for_report(
        session, occurrence_ids=[o.id for o in occurrences]
    ):
        grouped[round_.occurrence_id].append((round_, answers))
    found = []
    for occurrence in occurrences:
        rounds = grouped.get(occurrence.id, [])
        if not any(r.status not in (ROUND_PLANNED,) for r, _ in rounds):
            continue
        found.append(figures_of(occurrence, rounds, nominative=cohort.nominative))
    return found


def figures_of(
    occurrence: CheckinOccurrence,
    rounds: list[tuple[CheckinRound, dict[str, CheckinAnswer]]],
    *,
    nominative: bool,
) -> OccurrenceFigures:
    figures = OccurrenceFigures(slot=occurrence.local_start, questions=occurrence.questions)
    _count(figures, rounds, nominative=nominative)
    return figures


def _count(
    figures: OccurrenceFigures,
    rounds: list[tuple[CheckinRound, dict[str, CheckinAnswer]]],
    *,
    nominative: bool,
) -> None:
    scores: dict[str, list[int]] = defaultdict(list)
    for round_, answers in rounds:
        if round_.status == ROUND_PLANNED:
            figures.planned += 1
        elif round_.status == ROUND_EXPIRED:
            figures.expired += 1
        elif round_.status == ROUND_ABSENT:
            figures.absent += 1
        elif round_.status in (ROUND_OPEN, ROUND_CLOSED):
            figures.sent += 1
            figures.open += round_.status == ROUND_OPEN
            if round_.answered_at is not None:
                figures.answered += 1
                figures.rounds.append((round_, answers))
                for key, answer in answers.items():
                    if answer.score is not None:
                        scores[key].append(answer.score)
    few = figures.answered < K_ANONYMITY
    figures.hidden = not nominative and (few or not figures.closed)
    if not figures.hidden:
        figures.averages = {k: round(float(mean(v)), 1) for k, v in scores.items() if v}
    if not nominative:
        figures.rounds = []


def trend(figures: list[OccurrenceFigures]) -> float | None:
    """Change of the mood average between the last two occurrences where it is visible."""
    visible = [f.mood for f in figures if f.mood is not None]
    if len(visible) < 2:
        return None
    return round(visible[-1] - visible[-2], 1)
