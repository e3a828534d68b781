"""Campaigns: calls for ideas with a channel and a deadline, and the permanent idea box."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import IdeaCampaign, User, Workspace
from store.models.ideas import CAMPAIGN_CLOSED, CAMPAIGN_OPEN


def create(
    session: Session,
    *,
    workspace: Workspace,
    title: str,
    channel_id: str,
    now: datetime,
    closes_on: date | None = None,
    theme: str | None = None,
    by: User | None = None,
    permanent: bool = False,
) -> IdeaCampaign:
    campaign = IdeaCampaign(
        workspace_id=workspace.id,
        title=title,
        theme=theme,
        channel_id=channel_id,
        closes_on=closes_on,
        status=CAMPAIGN_OPEN,
        permanent=permanent,
        created_by=by.id if by else None,
        created_at=now,
    )
    session.add(campaign)
    session.flush()
    return campaign


def get(session: Session, *, workspace: Workspace, number: int) -> IdeaCampaign | None:
    return session.scalar(
        select(IdeaCampaign).where(
            IdeaCampaign.workspace_id == workspace.id, IdeaCampaign.id == number
        )
    )


def permanent_box(
    session: Session, *, workspace: Workspace, channel_id: str, title: str, now: datetime
) -> IdeaCampaign:
    """The workspace's permanent idea box, created on first use."""
    box = session.scalar(
        select(IdeaCampaign).where(
            IdeaCampaign.workspace_id == workspace.id, IdeaCampaign.permanent.is_(True)
        )
    )
    if box is None:
        box = create(
            session,
            workspace=workspace,
            title=title,
            channel_id=channel_id,
            now=now,
            permanent=True,
        )
    return box


def latest_in_channel(
    session: Session, *, workspace: Workspace, channel_id: str
) -> IdeaCampaign | None:
    """The most recent non-permanent campaign run in a channel (open first)."""
    return session.scalars(
        select(IdeaCampaign)
        .where(
            IdeaCampaign.workspace_id == workspace.id,
            IdeaCampaign.channel_id == channel_id,
            IdeaCampaign.permanent.is_(False),
        )
        .order_by((IdeaCampaign.status == CAMPAIGN_OPEN).desc(), IdeaCampaign.id.desc())
    ).first()


def listing(session: Session, *, workspace: Workspace) -> list[IdeaCampaign]:
    return list(
        session.scalars(
            select(IdeaCampaign)
            .where(IdeaCampaign.workspace_id == workspace.id)
            .order_by(IdeaCampaign.permanent.desc(), IdeaCampaign.id)
        )
    )


def open_ones(session: Session, *, workspace: Workspace | None = None) -> list[IdeaCampaign]:
    """Open campaigns (the permanent box included), of one workspace or all."""
    query = select(IdeaCampaign).where(IdeaCampaign.status == CAMPAIGN_OPEN)
    if workspace is not None:
        query = query.where(IdeaCampaign.workspace_id == workspace.id)
    return list(session.scalars(query.order_by(IdeaCampaign.id)))


def accepts_ideas(campaign: IdeaCampaign, *, today: date) -> bool:
    """Open, and its last day (inclusive) not yet past."""
    if campaign.status != CAMPAIGN_OPEN:
        return False
    return campaign.closes_on is None or today <= campaign.closes_on


def close(campaign: IdeaCampaign, *, now: datetime) -> None:
    campaign.status = CAMPAIGN_CLOSED
    campaign.closed_at = now
