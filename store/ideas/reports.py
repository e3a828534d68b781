"""Reports and moderation decisions on ideas."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.db import dialect_insert
from store.models import Idea, IdeaReport, User, Workspace
from store.models.ideas import MODERATION_PENDING


def add(
    session: Session,
    *,
    idea: Idea,
    reporter: User,
    reason: str,
    detail: str | None,
    now: datetime,
) -> IdeaReport | None:
    """The new report, or None when this member had already reported the idea."""
    insert = dialect_insert(session)
    statement = (
        insert(IdeaReport)
        .values(
            idea_id=idea.id, reporter_id=reporter.id, reason=reason, detail=detail, created_at=now
        )
        .on_conflict_do_nothing(index_elements=["idea_id", "reporter_id"])
        .returning(IdeaReport.id)
    )
    report_id = session.scalar(statement)
    return None if report_id is None else session.get(IdeaReport, report_id)


def open_reports(session: Session, idea: Idea) -> list[IdeaReport]:
    """Reports nobody has ruled on yet, oldest first."""
    return list(
        session.scalars(
            select(IdeaReport)
            .where(IdeaReport.idea_id == idea.id, IdeaReport.resolution.is_(None))
            .order_by(IdeaReport.id)
        )
    )


def open_count(session: Session, idea: Idea) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                IdeaReport.idea_id == idea.id, IdeaReport.resolution.is_(None)
            )
        )
        or 0
    )


def resolve(session: Session, idea: Idea, *, resolution: str) -> int:
    result = session.execute(
        update(IdeaReport)
        .where(IdeaReport.idea_id == idea.id, IdeaReport.resolution.is_(None))
        .values(resolution=resolution)
    )
    return int(getattr(result, "rowcount", 0))


def awaiting_decision(session: Session, *, workspace: Workspace) -> list[Idea]:
    """Ideas hidden by reports that no moderator has ruled on yet."""
    return list(
        session.scalars(
            select(Idea)
            .where(Idea.workspace_id == workspace.id, Idea.moderation == MODERATION_PENDING)
            .order_by(Idea.updated_at, Idea.id)
        )
    )
