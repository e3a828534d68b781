"""Queries about cohorts, members, absences, schedules, occurrences, rounds and answers.

The caller owns the transaction. Answer texts pass through here and nowhere else: never log them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from store.models import (
    Absence,
    CheckinAnswer,
    CheckinOccurrence,
    CheckinRound,
    CheckinSchedule,
    Cohort,
    CohortMember,
    User,
    Workspace,
)
from store.models.checkins import (
    ROUND_ABSENT,
    ROUND_CANCELLED,
    ROUND_CLOSED,
    ROUND_OPEN,
    ROUND_PLANNED,
)

# ---------------------------------------------------------------- cohorts and members


def active_cohorts(session: Session, *, workspace: Workspace) -> list[Cohort]:
    return list(
        session.scalars(
            select(Cohort)
            .where(Cohort.workspace_id == workspace.id, Cohort.archived_at.is_(None))
            .order_by(Cohort.name)
        )
    )


def find_cohort(session: Session, *, workspace: Workspace, name: str) -> Cohort | None:
    """An active cohort by name, ignoring case and surrounding spaces."""
    wanted = name.strip().casefold()
    return next(
        (c for c in active_cohorts(session, workspace=workspace) if c.name.casefold() == wanted),
        None,
    )


def create_cohort(
    session: Session,
    *,
    workspace: Workspace,
    name: str,
    now: datetime,
    created_by: User | None,
    coach: User | None = None,
    nominative: bool = False,
    calendar: str = "france",
    missed_alert: int | None = None,
) -> Cohort:
    cohort = Cohort(
        workspace_id=workspace.id,
        name=name.strip(),
        coach_id=coach.id if coach else None,
        nominative=nominative,
        calendar=calendar,
        missed_alert=missed_alert,
        created_by=created_by.id if created_by else None,
        created_at=now,
    )
    session.add(cohort)
    session.flush()
    return cohort


def membership(session: Session, *, cohort: Cohort, user: User) -> CohortMember | None:
    return session.scalar(
        select(CohortMember).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id
        )
    )


def add_member(session: Session, *, cohort: Cohort, user: User, now: datetime) -> bool:
    """False when the person already belongs to the cohort."""
    found = membership(session, cohort=cohort, user=user)
    if found is not None and found.removed_at is None:
        return False
    if found is None:
        session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, added_at=now))
    else:
        found.removed_at, found.added_at = None, now
    session.flush()
    return True


def remove_member(session: Session, *, cohort: Cohort, user: User, now: datetime) -> bool:
    found = membership(session, cohort=cohort, user=user)
    if found is None or found.removed_at is not None:
        return False
    found.removed_at = now
    session.flush()
    return True


def members(session: Session, *, cohort: Cohort) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort.id, CohortMember.removed_at.is_(None))
            .order_by(User.id)
        )
    )


def is_member(session: Session, *, cohort_id: int, user_id: int) -> bool:
    return (
        session.scalar(
            select(CohortMember.id).where(
                CohortMember.cohort_id == cohort_id,
                CohortMember.user_id == user_id,
                CohortMember.removed_at.is_(None),
            )
        )
        is not None
    )


def member_counts(session: Session, *, cohorts: Sequence[Cohort]) -> dict[int, int]:
    rows = session.execute(
        select(CohortMember.cohort_id, func.count())
        .where(
            CohortMember.cohort_id.in_([c.id for c in cohorts]),
            CohortMember.removed_at.is_(None),
        )
        .group_by(CohortMember.cohort_id)
    )
    return {cohort_id: int(count) for cohort_id, count in rows}


def cohorts_of(session: Session, *, user: User) -> list[Cohort]:
    return list(
        session.scalars(
            select(Cohort)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(
                CohortMember.user_id == user.id,
                CohortMember.removed_at.is_(None),
                Cohort.archived_at.is_(None),
            )
            .order_by(Cohort.name)
        )
    )


# ---------------------------------------------------------------- absences


def add_absence(
    session: Session, *, user: User, starts_on: date, ends_on: date, now: datetime
) -> Absence:
    absence = Absence(user_id=user.id, starts_on=starts_on, ends_on=ends_on, created_at=now)
    session.add(absence)
    session.flush()
    return absence


def absences_of(session: Session, *, user: User, from_day: date) -> list[Absence]:
    return list(
        session.scalars(
            select(Absence)
            .where(Absence.user_id == user.id, Absence.ends_on >= from_day)
            .order_by(Absence.starts_on)
        )
    )


def delete_absence(session: Session, *, user: User, absence_id: int) -> bool:
    result = session.execute(
        delete(Absence).where(Absence.id == absence_id, Absence.user_id == user.id)
    )
    return bool(getattr(result, "rowcount", 0))


def is_absent(session: Session, *, user_id: int, day: date) -> bool:
    return (
        session.scalar(
            select(Absence.id)
            .where(Absence.user_id == user_id, Absence.starts_on <= day, Absence.ends_on >= day)
            .limit(1)
        )
        is not None
    )


# ---------------------------------------------------------------- schedules and occurrences


def active_schedule(session: Session, *, cohort: Cohort) -> CheckinSchedule | None:
    return session.scalars(
        select(CheckinSchedule)
        .where(CheckinSchedule.cohort_id == cohort.id, CheckinSchedule.stopped_at.is_(None))
        .order_by(CheckinSchedule.id.desc())
    ).first()


def occurrence(
    session: Session, *, schedule: CheckinSchedule, slot: str
) -> CheckinOccurrence | None:
    return session.scalar(
        select(CheckinOccurrence).where(
            CheckinOccurrence.schedule_id == schedule.id, CheckinOccurrence.slot == slot
        )
    )


def latest_occurrence(session: Session, *, schedule: CheckinSchedule) -> CheckinOccurrence | None:
    return session.scalars(
        select(CheckinOccurrence)
        .where(CheckinOccurrence.schedule_id == schedule.id)
        .order_by(CheckinOccurrence.slot.desc())
    ).first()


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


def rounds_of_occurrence(session: Session, *, occurrence_id: int) -> list[CheckinRound]:
    return list(
        session.scalars(
            select(CheckinRound)
            .where(CheckinRound.occurrence_id == occurrence_id)
            .order_by(CheckinRound.id)
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


SKIPPED_STATUSES = (ROUND_ABSENT, ROUND_CANCELLED)
