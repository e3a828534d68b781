"""What members add to past projects: declared alumni, 👍/👎 feedback, unanswered questions.

The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from store.models import Project, ProjectAlumnus, ProjectFeedback, ProjectQuestion, User, Workspace


def declare_alumnus(
    session: Session,
    *,
    project: Project,
    user: User,
    now: datetime,
    role: str | None = None,
    organisation: str | None = None,
) -> bool:
    """False when the user had already declared this project (a role or organisation given
    again replaces the one stored)."""
    row = session.scalar(
        select(ProjectAlumnus).where(
            ProjectAlumnus.project_id == project.id, ProjectAlumnus.user_id == user.id
        )
    )
    created = row is None
    if row is None:
        row = ProjectAlumnus(project_id=project.id, user_id=user.id, created_at=now)
        session.add(row)
    if role:
        row.role = role
    if organisation:
        row.organisation = organisation
    session.flush()
    return created


def withdraw_alumnus(session: Session, *, project: Project, user: User) -> bool:
    result = session.execute(
        delete(ProjectAlumnus).where(
            ProjectAlumnus.project_id == project.id, ProjectAlumnus.user_id == user.id
        )
    )
    return bool(getattr(result, "rowcount", 0))


def details(
    session: Session, *, project_ids: Sequence[int], workspace: Workspace
) -> dict[tuple[int, int], tuple[str, str]]:
    """(project id, user id) → (role, organisation) the alumni gave, for the caller's workspace."""
    rows = session.execute(
        select(
            ProjectAlumnus.project_id,
            ProjectAlumnus.user_id,
            ProjectAlumnus.role,
            ProjectAlumnus.organisation,
        )
        .join(User, User.id == ProjectAlumnus.user_id)
        .where(ProjectAlumnus.project_id.in_(project_ids), User.workspace_id == workspace.id)
    )
    return {(p, u): (role or "", organisation or "") for p, u, role, organisation in rows}


def registry(
    session: Session, *, workspace: Workspace
) -> list[tuple[Project, User, ProjectAlumnus]]:
    """The alumni registry of a workspace, by project then declaration."""
    rows = session.execute(
        select(Project, User, ProjectAlumnus)
        .join(ProjectAlumnus, ProjectAlumnus.project_id == Project.id)
        .join(User, User.id == ProjectAlumnus.user_id)
        .where(User.workspace_id == workspace.id)
        .order_by(Project.slug, ProjectAlumnus.id)
    )
    return [(project, user, row) for project, user, row in rows]


def recent_feedback(session: Session, *, limit: int) -> list[tuple[ProjectFeedback, Project]]:
    """The latest 👍/👎, newest first, with their project."""
    rows = session.execute(
        select(ProjectFeedback, Project)
        .join(Project, Project.id == ProjectFeedback.project_id)
        .order_by(ProjectFeedback.created_at.desc(), ProjectFeedback.id.desc())
        .limit(limit)
    )
    return [(feedback, project) for feedback, project in rows]


def feedback_totals(session: Session, *, limit: int) -> list[tuple[Project, int, int]]:
    """Projects with the most votes: (project, useful, not useful)."""
    useful = func.sum(case((ProjectFeedback.useful, 1), else_=0))
    total = func.count(ProjectFeedback.id)
    rows = session.execute(
        select(Project, useful, total)
        .join(ProjectFeedback, ProjectFeedback.project_id == Project.id)
        .group_by(Project.id)
        .order_by(total.desc(), Project.slug)
        .limit(limit)
    )
    return [(project, int(up or 0), int(count) - int(up or 0)) for project, up, count in rows]


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
