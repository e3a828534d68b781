"""Queries about check-in occurrences, members' rounds and their answers.

The caller owns the transaction. Answer texts pass through here: never log them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.models import (
    CheckinAnswer,
    CheckinOccurrence,
    CheckinRound,
    CheckinSchedule,
    Cohort,
    User,
)
from store.models.checkins import ROUND_CANCELLED, ROUND_CLOSED, ROUND_OPEN, ROUND_PLANNED

# ---------------------------------------------------------------- schedules and occurrences


def occurrence(
    session: Session, *, schedule: CheckinSchedule, slot: str
) -> CheckinOccurrence | None:
    return session.scalar(
        select(CheckinOccurrence).where(
            CheckinOccurrence.schedule_id == schedule.id, CheckinOccurrence.slot == slot
        )
    )


def occurrences_of(session: Session, *, cohort: Cohort) -> list[CheckinOccurrence]:
    return list(
        session.scalars(
            select(CheckinOccurrence)
            .where(CheckinOccurrence.cohort_id == cohort.id)
            .order_by(CheckinOccurrence.slot, CheckinOccurrence.id)
        )
    )


# ---------------------------------------------------------------- rounds and answers


def round_of(session: Session, *, occurrence_id: int, user_id: int) -> CheckinRound | None:
    return session.scalar(
        select(CheckinRound).where(
            CheckinRound.occurrence_id == occurrence_id, CheckinRound.user_id == user_id
        )
    )


def answerable_rounds(session: Session, *, user: User, now: datetime) -> list[CheckinRound]:
    """Open rounds (newest first), then planned ones (soonest first): what an answer goes to."""
    found = list(
        session.scalars(
            select(CheckinRound).where(
                CheckinRound.user_id == user.id,
                CheckinRound.status.in_((ROUND_OPEN, ROUND_PLANNED)),
                CheckinRound.closes_at > now,
            )
        )
    )
    opened = sorted((r for r in found if r.status == ROUND_OPEN), key=lambda r: r.due_at)
    planned = sorted((r for r in found if r.status == ROUND_PLANNED), key=lambda r: r.due_at)
    return [*reversed(opened), *planned]


def planned_rounds(
    session: Session, *, cohort_id: int, user_id: int | None = None
) -> list[CheckinRound]:
    query = (
        select(CheckinRound)
        .join(CheckinOccurrence, CheckinOccurrence.id == CheckinRound.occurrence_id)
        .where(CheckinOccurrence.cohort_id == cohort_id, CheckinRound.status == ROUND_PLANNED)
    )
    if user_id is not None:
        query = query.where(CheckinRound.user_id == user_id)
    return list(session.scalars(query))


def cancel_planned(session: Session, *, round_ids: Sequence[int]) -> None:
    if round_ids:
        session.execute(
            update(CheckinRound)
            .where(CheckinRound.id.in_(round_ids), CheckinRound.status == ROUND_PLANNED)
            .values(status=ROUND_CANCELLED)
        )


def save_answer(
    session: Session,
    *,
    round_: CheckinRound,
    question: str,
    now: datetime,
    score: int | None = None,
    text: str | None = None,
) -> None:
    answer = session.scalar(
        select(CheckinAnswer).where(
            CheckinAnswer.round_id == round_.id, CheckinAnswer.question == question
        )
    )
    if answer is None:
        answer = CheckinAnswer(round_id=round_.id, question=question, updated_at=now)
        session.add(answer)
    if score is not None:
        answer.score = score
    if text is not None:
        answer.text = text
    answer.updated_at = now
    if round_.answered_at is None:
        round_.answered_at = now
    session.flush()


def answers_of(session: Session, *, round_id: int) -> dict[str, CheckinAnswer]:
    return {
        a.question: a
        for a in session.scalars(select(CheckinAnswer).where(CheckinAnswer.round_id == round_id))
    }


def missed_in_a_row(session: Session, *, cohort_id: int, user_id: int) -> int:
    """Closed check-ins left unanswered since the last answer; absences and outages are
    neither an answer nor a miss."""
    rounds = session.scalars(
        select(CheckinRound)
        .join(CheckinOccurrence, CheckinOccurrence.id == CheckinRound.occurrence_id)
        .where(
            CheckinOccurrence.cohort_id == cohort_id,
            CheckinRound.user_id == user_id,
            CheckinRound.status.in_((ROUND_CLOSED, ROUND_OPEN)),
        )
        .order_by(CheckinRound.due_at.desc())
    )
    count = 0
    for round_ in rounds:
        if round_.answered_at is not None:
            break
        if round_.status == ROUND_CLOSED:
            count += 1
    return count


def rounds_for_report(
    session: Session, *, occurrence_ids: Sequence[int]
) -> list[tuple[CheckinRound, dict[str, CheckinAnswer]]]:
    """Every round of these occurrences with its answers, in two queries."""
    rounds = list(
        session.scalars(
            select(CheckinRound)
            .where(CheckinRound.occurrence_id.in_(occurrence_ids))
            .order_by(CheckinRound.occurrence_id, CheckinRound.id)
        )
    )
    answers: dict[int, dict[str, CheckinAnswer]] = {r.id: {} for r in rounds}
    for answer in session.scalars(
        select(CheckinAnswer).where(CheckinAnswer.round_id.in_([r.id for r in rounds]))
    ):
        answers[answer.round_id][answer.question] = answer
    return [(r, answers[r.id]) for r in rounds]
