"""What the past-projects feature keeps about one member, for export and erasure (RGPD):
declared alumni (with the role and organisation shown to others as a contact), 👍/👎
feedback with the question it answered, unanswered questions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.models import Project, ProjectAlumnus, ProjectFeedback, ProjectQuestion, User


def export(session: Session, user: User) -> dict[str, Any]:
    alumni = session.execute(
        select(Project.slug, ProjectAlumnus)
        .join(ProjectAlumnus, ProjectAlumnus.project_id == Project.id)
        .where(ProjectAlumnus.user_id == user.id)
        .order_by(ProjectAlumnus.id)
    )
    feedback = session.execute(
        select(Project.slug, ProjectFeedback)
        .join(ProjectFeedback, ProjectFeedback.project_id == Project.id)
        .where(ProjectFeedback.user_id == user.id)
        .order_by(ProjectFeedback.id)
    )
    questions = session.scalars(
        select(ProjectQuestion)
        .where(ProjectQuestion.user_id == user.id)
        .order_by(ProjectQuestion.id)
    )
    return {
        "alumni_of": [
            {
                "project": slug,
                "role": row.role,
                "organisation": row.organisation,
                "at": row.created_at.isoformat(),
            }
            for slug, row in alumni
        ],
        "feedback": [
            {
                "project": slug,
                "useful": row.useful,
                "question": row.question,
                "at": row.created_at.isoformat(),
            }
            for slug, row in feedback
        ],
        "questions": [
            {
                "text": q.text,
                "at": q.created_at.isoformat(),
                "posted_to_community_at": q.posted_at and q.posted_at.isoformat(),
            }
            for q in questions
        ],
    }


def erase(session: Session, user: User) -> None:
    """Questions and the question behind a vote are deleted; the vote itself stays (anonymous,
    on the anonymised account) so that a project's 👍/👎 count does not change."""
    session.execute(delete(ProjectQuestion).where(ProjectQuestion.user_id == user.id))
    session.execute(delete(ProjectAlumnus).where(ProjectAlumnus.user_id == user.id))
    for row in session.scalars(select(ProjectFeedback).where(ProjectFeedback.user_id == user.id)):
        row.question = None
    session.flush()
