"""Idea threads: campaigns, ideas, supports, follows, comments, committee notes and reports.

Counts shown to people (supports, comments) are always computed from these rows, never kept
in a counter column, so they stay exact however many clicks arrive at once; the unique
constraints make "one support per member" a fact of the database, not of the code.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base

CAMPAIGN_OPEN = "open"
CAMPAIGN_CLOSED = "closed"

DRAFT = "brouillon"
SEARCH_DOC_TYPE = "idea"
PUBLISHED = "publiee"
IN_REVIEW = "instruction"
RETAINED = "retenue"
NOT_RETAINED = "non_retenue"
MERGED = "fusionnee"
EXPERIMENTING = "experimentation"
DEPLOYING = "deploiement"
DONE = "realisee"
ABANDONED = "abandonnee"
WITHDRAWN = "retiree"

STATUSES: tuple[str, ...] = (
    PUBLISHED,
    IN_REVIEW,
    RETAINED,
    EXPERIMENTING,
    DEPLOYING,
    DONE,
    ABANDONED,
    NOT_RETAINED,
    MERGED,
    WITHDRAWN,
)
"""Every public status, in the order of the lifecycle (drafts are not public)."""
AWAITING_DECISION = frozenset({PUBLISHED, IN_REVIEW})
RETAINED_OR_LATER = frozenset({RETAINED, EXPERIMENTING, DEPLOYING, DONE, ABANDONED})
OPEN_TO_SUPPORT = frozenset({PUBLISHED, IN_REVIEW, RETAINED, EXPERIMENTING, DEPLOYING})

MODERATION_PENDING = "pending"
MODERATION_CONFIRMED = "confirmed"
MODERATION_RESTORED = "restored"
REPORT_REASONS: tuple[str, ...] = ("spam", "offensant", "hors_sujet")


class IdeaCampaign(Base):
    """A call for ideas in one channel, or the permanent idea box (`permanent`)."""

    __tablename__ = "idea_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str | None] = mapped_column(String(200))
    channel_id: Mapped[str] = mapped_column(String(100))
    closes_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=CAMPAIGN_OPEN)
    permanent: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    ideas: Mapped[list[Idea]] = relationship(back_populates="campaign")

    def __repr__(self) -> str:
        return f"IdeaCampaign({self.id}, {self.title!r}, {self.status})"


class Idea(Base):
    """One proposal. `status` follows the lifecycle in `handlers.ideas.statuses`; a draft
    (`brouillon`) is an idea waiting for its author to choose after seeing similar ones."""

    __tablename__ = "ideas"
    __table_args__ = (Index("ix_ideas_campaign_status", "campaign_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[int] = mapped_column(ForeignKey("idea_campaigns.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(150))
    problem: Mapped[str] = mapped_column(Text)
    proposal: Mapped[str] = mapped_column(Text)
    gain: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    hidden: Mapped[bool] = mapped_column(default=False)
    moderation: Mapped[str | None] = mapped_column(String(20))
    rapporteur_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    public_answer: Mapped[str | None] = mapped_column(Text)
    card_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    status_changed_at: Mapped[datetime | None]

    campaign: Mapped[IdeaCampaign] = relationship(back_populates="ideas")

    def __repr__(self) -> str:
        return f"Idea({self.id}, {self.title!r}, {self.status}{', hidden' if self.hidden else ''})"


class IdeaSupport(Base):
    __tablename__ = "idea_supports"
    __table_args__ = (UniqueConstraint("idea_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"IdeaSupport(idea={self.idea_id}, user={self.user_id})"


class IdeaFollower(Base):
    __tablename__ = "idea_followers"
    __table_args__ = (UniqueConstraint("idea_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"IdeaFollower(idea={self.idea_id}, user={self.user_id})"


class IdeaComment(Base):
    """A reply in the idea's thread; `message_id` is the platform's id of that reply."""

    __tablename__ = "idea_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"IdeaComment({self.id}, idea={self.idea_id})"


class IdeaStatusChange(Base):
    """Every status change with its public answer: the idea's public history."""

    __tablename__ = "idea_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    answer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"IdeaStatusChange(idea={self.idea_id}, {self.from_status}→{self.to_status})"


class IdeaNote(Base):
    """A rapporteur's or committee member's private note; never shown in the public thread."""

    __tablename__ = "idea_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"IdeaNote({self.id}, idea={self.idea_id})"


class IdeaReport(Base):
    """One member's report of an idea; `resolution` is set when moderators decide."""

    __tablename__ = "idea_reports"
    __table_args__ = (UniqueConstraint("idea_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"IdeaReport(idea={self.idea_id}, {self.reason}, {self.resolution})"
