"""What members add to past projects: declared alumni, 👍/👎 feedback, unanswered questions.

The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.models import Project, ProjectAlumnus, ProjectFeedback, ProjectQuestion, User, Workspace


def declare_alumnus(session: Session, *, project: Project, user: User, now: datetime) -> bool:
    """False when the user had already declared this project."""
    if session.scalar(
        select(ProjectAlumnus.id).where(
            ProjectAlumnus.project_id == project.id, ProjectAlumnus.user_id == user.id
        )
    ):
        return False
    session.add(ProjectAlumnus(project_id=project.id, user_id=user.id, created_at=now))
    session.flush()
    return True


def withdraw_alumnus(session: Session, *, project: Project, user: User) -> bool:
    result = session.execute(
        delete(ProjectAlumnus).where(
            ProjectAlumnus.project_id == project.id, ProjectAlumnus.user_id == user.id
        )
    )
    return bool(getattr(result, "rowcount", 0))


def alumni(
    session: Session, *, project_ids: Sequence[int], workspace: Workspace
) -> dict[int, list[User]]:
    """Declared alumni per project, only those of the caller's workspace (mentions must work)."""
    found: dict[int, list[User]] = {}
    rows = session.execute(
        select(ProjectAlumnus.project_id, User)
        .join(User, User.id == ProjectAlumnus.user_id)
        .where(ProjectAlumnus.project_id.in_(project_ids), User.workspace_id == workspace.id)
        .order_by(ProjectAlumnus.id)
    )
    for project_id, user in rows:
        found.setdefault(project_id, []).append(user)
    return found


def record_feedback(
    session: Session,
    *,
    project: Project,
    user: User,
    useful: bool,
    question: str | None,
    now: datetime,
) -> None:
    """Keeps each member's latest opinion on a project."""
    row = session.scalar(
        select(ProjectFeedback).where(
            ProjectFeedback.project_id == project.id, ProjectFeedback.user_id == user.id
        )
    )
    if row is None:
        row = ProjectFeedback(project_id=project.id, user_id=user.id, useful=useful, created_at=now)
        session.add(row)
    row.useful = useful
    row.question = question[:300] if question else None
    row.created_at = now
    session.flush()


def feedback_counts(session: Session, *, project: Project) -> tuple[int, int]:
    """(useful, not useful) votes on a project."""
    rows = session.execute(
        select(ProjectFeedback.useful, func.count())
        .where(ProjectFeedback.project_id == project.id)
        .group_by(ProjectFeedback.useful)
    )
    counts = {bool(useful): int(total) for useful, total in rows}
    return counts.get(True, 0), counts.get(False, 0)


def save_question(
    session: Session, *, workspace: Workspace, user: User, text: str, now: datetime
) -> ProjectQuestion:
    question = ProjectQuestion(
        workspace_id=workspace.id, user_id=user.id, text=text, created_at=now
    )
    session.add(question)
    session.flush()
    return question


def earlier_question(
    session: Session, *, workspace: Workspace, user: User, text: str
) -> ProjectQuestion | None:
    """The same member's same question, saved earlier (posted or not): offered only once."""
    return session.scalar(
        select(ProjectQuestion)
        .where(
            ProjectQuestion.workspace_id == workspace.id,
            ProjectQuestion.user_id == user.id,
            ProjectQuestion.text == text,
        )
        .order_by(ProjectQuestion.id.desc())
        .limit(1)
    )


def question(session: Session, question_id: int) -> ProjectQuestion | None:
    return session.get(ProjectQuestion, question_id)
