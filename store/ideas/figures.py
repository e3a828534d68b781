"""Figures about ideas, all computed from rows: statistics, export rows, digest selections."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select, union
from sqlalchemy.orm import Session

from store.models import (
    Idea,
    IdeaCampaign,
    IdeaComment,
    IdeaStatusChange,
    IdeaSupport,
    User,
    Workspace,
)
from store.models.ideas import DONE, DRAFT, RETAINED_OR_LATER


@dataclass(frozen=True)
class IdeaFigures:
    proposals: int
    comments: int
    supports: int
    participants: int
    retained: int
    implemented: int
    by_status: dict[str, int] = field(default_factory=dict)


def _public_ids(workspace: Workspace, campaign: IdeaCampaign | None) -> Select[int]:
    query = select(Idea.id).where(Idea.workspace_id == workspace.id, Idea.status != DRAFT)
    if campaign is not None:
        query = query.where(Idea.campaign_id == campaign.id)
    return query


def figures(
    session: Session, *, workspace: Workspace, campaign: IdeaCampaign | None = None
) -> IdeaFigures:
    """Proposals are public ideas (hidden ones included); retained counts every idea the
    committee retained, whatever happened next; participants wrote, supported or commented."""
    ids = _public_ids(workspace, campaign)
    by_status = {
        status: int(n)
        for status, n in session.execute(
            select(Idea.status, func.count()).where(Idea.id.in_(ids)).group_by(Idea.status)
        )
    }
    comments = session.scalar(select(func.count()).where(IdeaComment.idea_id.in_(ids))) or 0
    supports = session.scalar(select(func.count()).where(IdeaSupport.idea_id.in_(ids))) or 0
    people = union(
        select(Idea.author_id.label("user_id")).where(Idea.id.in_(ids)),
        select(IdeaComment.author_id).where(IdeaComment.idea_id.in_(ids)),
        select(IdeaSupport.user_id).where(IdeaSupport.idea_id.in_(ids)),
    ).subquery()
    participants = session.scalar(select(func.count()).select_from(people)) or 0
    return IdeaFigures(
        proposals=sum(by_status.values()),
        comments=int(comments),
        supports=int(supports),
        participants=int(participants),
        retained=sum(n for status, n in by_status.items() if status in RETAINED_OR_LATER),
        implemented=by_status.get(DONE, 0),
        by_status=by_status,
    )


@dataclass(frozen=True)
class ExportRow:
    idea: Idea
    campaign: IdeaCampaign
    author: User
    workspace: Workspace
    supports: int
    comments: int


def export_rows(session: Session) -> Iterator[ExportRow]:
    """Every public idea of every workspace, oldest first."""
    supports = (
        select(IdeaSupport.idea_id, func.count().label("n"))
        .group_by(IdeaSupport.idea_id)
        .subquery()
    )
    comments = (
        select(IdeaComment.idea_id, func.count().label("n"))
        .group_by(IdeaComment.idea_id)
        .subquery()
    )
    query = (
        select(
            Idea,
            IdeaCampaign,
            User,
            Workspace,
            func.coalesce(supports.c.n, 0),
            func.coalesce(comments.c.n, 0),
        )
        .join(IdeaCampaign, IdeaCampaign.id == Idea.campaign_id)
        .join(User, User.id == Idea.author_id)
        .join(Workspace, Workspace.id == Idea.workspace_id)
        .outerjoin(supports, supports.c.idea_id == Idea.id)
        .outerjoin(comments, comments.c.idea_id == Idea.id)
        .where(Idea.status != DRAFT)
        .order_by(Idea.published_at, Idea.id)
    )
    for idea, campaign, author, workspace, n_supports, n_comments in session.execute(query):
        yield ExportRow(idea, campaign, author, workspace, int(n_supports), int(n_comments))


def published_since(session: Session, *, campaign: IdeaCampaign, since: datetime) -> list[Idea]:
    return list(
        session.scalars(
            select(Idea)
            .where(
                Idea.campaign_id == campaign.id,
                Idea.status != DRAFT,
                Idea.hidden.is_(False),
                Idea.published_at >= since,
            )
            .order_by(Idea.published_at, Idea.id)
        )
    )


def decided_since(
    session: Session, *, campaign: IdeaCampaign, since: datetime
) -> list[tuple[Idea, IdeaStatusChange]]:
    return [
        (idea, change)
        for idea, change in session.execute(
            select(Idea, IdeaStatusChange)
            .join(IdeaStatusChange, IdeaStatusChange.idea_id == Idea.id)
            .where(
                Idea.campaign_id == campaign.id,
                Idea.hidden.is_(False),
                IdeaStatusChange.created_at >= since,
            )
            .order_by(IdeaStatusChange.id)
        )
    ]
