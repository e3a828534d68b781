"""Ideas themselves: creation, lookup, listings, the card version and the status history."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from store.models import Idea, IdeaCampaign, IdeaStatusChange, IdeaSupport, User, Workspace
from store.models.ideas import DRAFT


def create(
    session: Session,
    *,
    campaign: IdeaCampaign,
    author: User,
    title: str,
    problem: str,
    proposal: str,
    gain: str,
    scope: str,
    now: datetime,
) -> Idea:
    """A draft: it becomes public when `publish` is called."""
    idea = Idea(
        workspace_id=campaign.workspace_id,
        campaign_id=campaign.id,
        author_id=author.id,
        title=title,
        problem=problem,
        proposal=proposal,
        gain=gain,
        scope=scope,
        status=DRAFT,
        hidden=False,
        card_version=0,
        created_at=now,
        updated_at=now,
    )
    session.add(idea)
    session.flush()
    return idea


def get(session: Session, *, workspace: Workspace, number: int) -> Idea | None:
    return session.scalar(select(Idea).where(Idea.workspace_id == workspace.id, Idea.id == number))


def by_id(session: Session, idea_id: int) -> Idea | None:
    return session.get(Idea, idea_id)


def next_card_version(session: Session, idea: Idea) -> int:
    """Atomically numbers the next update of the idea's root message.

    The row lock this takes also orders concurrent updates of one idea: whoever numbers later
    counts later, so the highest-numbered card always shows the latest count."""
    version = session.scalar(
        update(Idea)
        .where(Idea.id == idea.id)
        .values(card_version=Idea.card_version + 1)
        .returning(Idea.card_version)
        .execution_options(synchronize_session=False)
    )
    assert version is not None
    set_committed_value(idea, "card_version", version)
    return version


def listing(
    session: Session,
    *,
    workspace: Workspace,
    campaign: IdeaCampaign | None = None,
    statuses: Collection[str] | None = None,
    include_hidden: bool = False,
) -> list[tuple[Idea, int]]:
    """Public ideas with their support counts, most supported first, then oldest first."""
    supports = (
        select(IdeaSupport.idea_id, func.count().label("n"))
        .group_by(IdeaSupport.idea_id)
        .subquery()
    )
    count = func.coalesce(supports.c.n, 0)
    query = (
        select(Idea, count)
        .outerjoin(supports, supports.c.idea_id == Idea.id)
        .where(Idea.workspace_id == workspace.id, Idea.status != DRAFT)
        .order_by(count.desc(), Idea.published_at, Idea.id)
    )
    if campaign is not None:
        query = query.where(Idea.campaign_id == campaign.id)
    if statuses is not None:
        query = query.where(Idea.status.in_(list(statuses)))
    if not include_hidden:
        query = query.where(Idea.hidden.is_(False))
    return [(idea, int(n)) for idea, n in session.execute(query)]


def record_status_change(
    session: Session,
    *,
    idea: Idea,
    actor: User | None,
    to_status: str,
    answer: str,
    now: datetime,
) -> IdeaStatusChange:
    change = IdeaStatusChange(
        idea_id=idea.id,
        actor_id=actor.id if actor else None,
        from_status=idea.status,
        to_status=to_status,
        answer=answer,
        created_at=now,
    )
    session.add(change)
    idea.status = to_status
    idea.public_answer = answer
    idea.status_changed_at = now
    idea.updated_at = now
    session.flush()
    return change


def history(session: Session, idea: Idea) -> list[IdeaStatusChange]:
    return list(
        session.scalars(
            select(IdeaStatusChange)
            .where(IdeaStatusChange.idea_id == idea.id)
            .order_by(IdeaStatusChange.id)
        )
    )


def delete_draft(session: Session, idea: Idea) -> None:
    assert idea.status == DRAFT
    session.delete(idea)
    session.flush()
