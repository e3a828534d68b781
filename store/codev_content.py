"""What a co-development session produced: contributions, «ready» marks, the action plan and
ratings. The caller owns the transaction; texts pass through here but are never logged.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import (
    CodevAction,
    CodevContribution,
    CodevRating,
    CodevReady,
    CodevSession,
    User,
)

# ---------------------------------------------------------------- what was said


def add_contribution(
    session: Session,
    *,
    row: CodevSession,
    author: User,
    text: str,
    message_id: str | None,
    now: datetime,
) -> CodevContribution:
    contribution = CodevContribution(
        session_id=row.id,
        step=row.step,
        author_id=author.id,
        text=text,
        message_id=message_id,
        reminded=False,
        created_at=now,
    )
    session.add(contribution)
    session.flush()
    return contribution


def contributions(
    session: Session, *, row: CodevSession, step: int, authors: set[int] | None = None
) -> list[CodevContribution]:
    query = select(CodevContribution).where(
        CodevContribution.session_id == row.id, CodevContribution.step == step
    )
    if authors is not None:
        query = query.where(CodevContribution.author_id.in_(authors))
    return list(session.scalars(query.order_by(CodevContribution.id)))


def was_reminded(session: Session, *, row: CodevSession, author: User) -> bool:
    """Whether the author already got a speaking-rule reminder in the current step."""
    found = session.scalar(
        select(CodevContribution.id).where(
            CodevContribution.session_id == row.id,
            CodevContribution.step == row.step,
            CodevContribution.author_id == author.id,
            CodevContribution.reminded.is_(True),
        )
    )
    return found is not None


def mark_ready(session: Session, *, row: CodevSession, user: User, now: datetime) -> bool:
    """True when this marks the user ready for the first time in the current step."""
    if user.id in ready_ids(session, row=row):
        return False
    session.add(CodevReady(session_id=row.id, step=row.step, user_id=user.id, at=now))
    session.flush()
    return True


def ready_ids(session: Session, *, row: CodevSession) -> set[int]:
    return set(
        session.scalars(
            select(CodevReady.user_id).where(
                CodevReady.session_id == row.id, CodevReady.step == row.step
            )
        )
    )


# ---------------------------------------------------------------- action plan and ratings


def add_action(
    session: Session,
    *,
    row: CodevSession,
    text: str,
    due_on: date | None,
    suggestion: CodevContribution | None,
    now: datetime,
) -> CodevAction:
    action = CodevAction(
        session_id=row.id,
        text=text,
        due_on=due_on,
        suggestion_id=suggestion.id if suggestion else None,
        created_at=now,
    )
    session.add(action)
    session.flush()
    session.refresh(row, ["actions"])
    return action


def rate(session: Session, *, row: CodevSession, user: User, score: int, now: datetime) -> None:
    existing = session.scalar(
        select(CodevRating).where(CodevRating.session_id == row.id, CodevRating.user_id == user.id)
    )
    if existing is None:
        session.add(CodevRating(session_id=row.id, user_id=user.id, score=score, at=now))
    else:
        existing.score = score
        existing.at = now
    session.flush()


def ratings(session: Session, *, row: CodevSession) -> list[int]:
    return list(session.scalars(select(CodevRating.score).where(CodevRating.session_id == row.id)))
