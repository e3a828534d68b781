"""What check-ins keep about one member, for export, erasure and retention (RGPD).

Erasure keeps the cohorts' figures right: the member's rounds and mood scores stay, tied to
the anonymised account, while every text they wrote and their absences go. The cohorts they
coached lose their coach (no alert goes to a vanished person, no list names an erased
account), and what they created no longer says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from store.models import (
    Absence,
    Broadcast,
    BroadcastRecipient,
    CheckinAnswer,
    CheckinRound,
    CheckinSchedule,
    Cohort,
    CohortMember,
    User,
)


def export(session: Session, user: User) -> dict[str, Any]:
    cohorts = session.execute(
        select(Cohort.name, CohortMember.added_at, CohortMember.removed_at)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user.id)
    ).all()
    rounds = session.scalars(
        select(CheckinRound).where(CheckinRound.user_id == user.id).order_by(CheckinRound.due_at)
    )
    absences = session.scalars(select(Absence).where(Absence.user_id == user.id))
    received = session.execute(
        select(Broadcast.id, Broadcast.text, BroadcastRecipient.acked_at)
        .join(BroadcastRecipient, BroadcastRecipient.broadcast_id == Broadcast.id)
        .where(BroadcastRecipient.user_id == user.id)
    ).all()
    return {
        "cohorts": [
            {
                "name": name,
                "added_at": added.isoformat(),
                "removed_at": removed and removed.isoformat(),
            }
            for name, added, removed in cohorts
        ],
        "checkins": [
            {
                "due_at": r.due_at.isoformat(),
                "status": r.status,
                "answers": [
                    {"question": a.question, "score": a.score, "text": a.text} for a in r.answers
                ],
            }
            for r in rounds
        ],
        "absences": [
            {"from": a.starts_on.isoformat(), "to": a.ends_on.isoformat()} for a in absences
        ],
        "broadcasts_received": [
            {"broadcast": number, "text": text, "read_at": read and read.isoformat()}
            for number, text, read in received
        ],
    }


def erase(session: Session, user: User) -> None:
    rounds = select(CheckinRound.id).where(CheckinRound.user_id == user.id)
    session.execute(
        update(CheckinAnswer).where(CheckinAnswer.round_id.in_(rounds)).values(text=None)
    )
    session.execute(delete(Absence).where(Absence.user_id == user.id))
    session.execute(update(Cohort).where(Cohort.coach_id == user.id).values(coach_id=None))
    session.execute(update(Cohort).where(Cohort.created_by == user.id).values(created_by=None))
    session.execute(
        update(CheckinSchedule).where(CheckinSchedule.created_by == user.id).values(created_by=None)
    )


def forget_answers_before(session: Session, *, cutoff: datetime) -> int:
    """Deletes the answers of check-ins that closed before `cutoff`; returns how many."""
    old_rounds = select(CheckinRound.id).where(CheckinRound.closes_at < cutoff)
    result = session.execute(delete(CheckinAnswer).where(CheckinAnswer.round_id.in_(old_rounds)))
    return int(getattr(result, "rowcount", 0) or 0)
