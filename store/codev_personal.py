"""What co-development keeps about one member, for export and erasure (RGPD)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from store.models import (
    CodevAction,
    CodevContribution,
    CodevGroup,
    CodevMember,
    CodevRating,
    CodevReady,
    CodevSession,
    User,
)


def export(session: Session, user: User) -> dict[str, Any]:
    groups = session.execute(
        select(CodevGroup.name, CodevMember.role, CodevMember.charter_accepted_at)
        .join(CodevMember, CodevMember.group_id == CodevGroup.id)
        .where(CodevMember.user_id == user.id)
    ).all()
    as_client = session.scalars(select(CodevSession).where(CodevSession.client_id == user.id))
    contributions = session.scalars(
        select(CodevContribution).where(CodevContribution.author_id == user.id)
    )
    ratings = session.scalars(select(CodevRating).where(CodevRating.user_id == user.id))
    return {
        "groups": [
            {"name": name, "role": role, "charter_accepted_at": accepted and accepted.isoformat()}
            for name, role, accepted in groups
        ],
        "sessions_as_client": [
            {
                "session": s.id,
                "subject": s.subject,
                "request": s.request,
                "actions": [
                    {"text": a.text, "due_on": a.due_on and a.due_on.isoformat()} for a in s.actions
                ],
            }
            for s in as_client
        ],
        "contributions": [
            {
                "session": c.session_id,
                "step": c.step,
                "text": c.text,
                "at": c.created_at.isoformat(),
            }
            for c in contributions
        ],
        "ratings": [{"session": r.session_id, "score": r.score} for r in ratings],
    }


def erase(session: Session, user: User) -> None:
    """Deletes what the member said and planned; ratings stay, tied to the anonymised account,
    so a session's average is unchanged."""
    client_sessions = select(CodevSession.id).where(CodevSession.client_id == user.id)
    session.execute(
        update(CodevAction)
        .where(
            CodevAction.suggestion_id.in_(
                select(CodevContribution.id).where(CodevContribution.author_id == user.id)
            )
        )
        .values(suggestion_id=None)
    )
    session.execute(delete(CodevAction).where(CodevAction.session_id.in_(client_sessions)))
    session.execute(delete(CodevContribution).where(CodevContribution.author_id == user.id))
    session.execute(delete(CodevReady).where(CodevReady.user_id == user.id))
    session.execute(
        update(CodevSession)
        .where(CodevSession.client_id == user.id)
        .values(subject=None, request=None)
    )
    session.execute(delete(CodevMember).where(CodevMember.user_id == user.id))
