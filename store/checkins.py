"""Queries about cohorts, members, absences, schedules, occurrences, rounds and answers.

The caller owns the transaction. Answer texts pass through here and nowhere else: never log them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.models import (
    Absence,
    CheckinSchedule,
    Cohort,
    CohortMember,
    User,
    Workspace,
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


# ---------------------------------------------------------------- schedules


def active_schedule(session: Session, *, cohort: Cohort) -> CheckinSchedule | None:
    return session.scalars(
        select(CheckinSchedule)
        .where(CheckinSchedule.cohort_id == cohort.id, CheckinSchedule.stopped_at.is_(None))
        .order_by(CheckinSchedule.id.desc())
    ).first()
